//! The one write path of the model: every importer builds its
//! [`crate::model::Session`] through a [`SessionBuilder`], which owns the
//! ordering rules, the state histories, the getUserMedia matching rule and
//! the folding of diagnostics, and hands out no reference into what it
//! builds. Stats objects are built column by column in the form they are
//! written fastest ([`object::ObjectBuilder`]) and finished into the model's
//! compact read-only form once, at the end.
//!
//! What differs between dialects stays with the importers, behind
//! [`KeyNames`] (how a key as written names a property or a stats type:
//! fileFormat 3 writes codes) and [`Row`] (whether a row starts from
//! nothing or repeats the previous one, as a fileFormat 3 delta does).

pub mod object;
mod session;

pub use object::{Key, ObjectBuilder, Sample};
pub use session::{
    goog_number, GumResult, ObjectRef, SessionBuilder, MAX_EVENTS_PER_PC, MAX_PEER_CONNECTIONS,
    MAX_STATS_OBJECTS_PER_PC, NO_PC,
};

/// How an importer's keys name things. Plain dumps write names; rtcstats
/// fileFormat 3 writes property codes (`"80"`) and numeric stats types.
pub trait KeyNames {
    /// The property a key as written stands for, when it is a code.
    fn property(&self, key: &str) -> Option<&'static str>;
    /// The stats type of a numeric `type` value, when it is a code.
    fn stats_type(&self, code: f64) -> Option<&'static str>;
    /// Whether a report's key is its own time (fileFormat 3's `"t"`), which
    /// the importer reads itself.
    fn is_time_key(&self, _key: &str) -> bool {
        false
    }
}

/// Keys are names.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlainNames;

impl KeyNames for PlainNames {
    fn property(&self, _: &str) -> Option<&'static str> {
        None
    }
    fn stats_type(&self, _: f64) -> Option<&'static str> {
        None
    }
}

/// What a new row of a stats object holds before its own values are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// Nothing: the report is complete (every dialect but compressed
    /// fileFormat 3, and a fileFormat 3 id sent again after its removal).
    Fresh,
    /// The previous row's values: the report lists only what changed.
    Carried,
}
