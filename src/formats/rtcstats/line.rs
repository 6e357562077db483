//! The shape of an rtcstats line for the flat line reader
//! ([`crate::json::lines`]): getStats payloads (`"g"`, `"getStats"`, code 1)
//! are read flat, and their `"t"` member is fileFormat 3's hoisted report
//! time. Everything else about a line is the importer's.

use crate::json::lines::{self, ArrayLine, Shape};
use serde_json::Value;

pub use crate::json::flat::Members as Report;
pub use crate::json::lines::{Flat as Stats, Member as Entry, Payload};

/// True for the spellings of getStats whose payload is read flat.
pub fn is_stats_method(m: &Value) -> bool {
    match m {
        Value::String(s) => s == "g" || s == "getStats",
        Value::Number(n) => n.as_u64() == Some(1),
        _ => false,
    }
}

/// An rtcstats line.
pub const SHAPE: Shape = Shape {
    flat_when: is_stats_method,
    hoisted_key: "t",
};

/// Parses one line (see [`lines::parse_line`]).
pub fn parse_line(text: &[u8]) -> Result<Option<ArrayLine<'_>>, serde_json::Error> {
    lines::parse_line(text, SHAPE)
}

/// [`parse_line`] with a size hint for a getStats payload's `(entries,
/// properties)`.
pub fn parse_line_sized(
    text: &[u8],
    capacity: (usize, usize),
) -> Result<Option<ArrayLine<'_>>, serde_json::Error> {
    lines::parse_line_sized(text, SHAPE, capacity)
}
