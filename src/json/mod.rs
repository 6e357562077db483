//! JSON and text helpers that know no dump dialect: flat borrowed values
//! ([`flat`]), lines of the form `[head, second, payload, ...rest]` read
//! with a flat payload ([`lines`]) by a hand-written scanner ([`scan`]) or
//! serde_json, recovery of a damaged document ([`salvage`]) and small text
//! parsers ([`text`]). The importers in `formats` say which shapes they
//! expect; nothing here depends on them.

pub mod flat;
pub mod lines;
pub mod salvage;
pub mod scan;
pub mod text;
