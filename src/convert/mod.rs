//! `rtcview convert`: writes an imported session in the other dump family,
//! so that a dump opens in tools that read only one of them
//! (docs/conversion.md).
//!
//! Both writers read the session model, not the input bytes: whatever
//! dialect came in (rtcstats-js compressed, jitsi, fippo, Chrome's writer,
//! any webrtc-internals era), the output is the plainest current shape of
//! the target — webrtc-internals as Chrome M144+ writes it (numeric
//! `timestamp`s, `-timestamp` series, JSON values), rtcstats as Chrome's own
//! fileFormat 3 writer does (no compression, full reports). What the model
//! does not hold is not written (see [`Report`] and docs/conversion.md); what
//! it holds reads back the same: the round-trip tests compare summaries.
//!
//! Native only, like `redact`: the page's wasm size budget has no room.

pub mod internals;
pub mod rtcstats;

use crate::error::Kind;
use crate::model::{Column, Interner, Session, StatsObject};
use serde_json::{json, Map, Value};
use std::io::{self, Write};

/// The dump family to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    WebrtcInternals,
    Rtcstats,
}

impl Target {
    /// The `--to` spellings.
    pub fn parse(name: &str) -> Option<Target> {
        match name {
            "webrtc-internals" | "internals" => Some(Target::WebrtcInternals),
            "rtcstats" => Some(Target::Rtcstats),
            _ => None,
        }
    }
}

/// What a conversion wrote and what it could not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub peer_connections: usize,
    pub events: usize,
    /// Stats rows (one per stats object and sample time).
    pub samples: usize,
    /// `create` events written for peer connections whose dump had none
    /// (rtcstats carries the configuration and page URL only there).
    pub synthesized_creates: usize,
    /// Properties whose names the target cannot hold (a `-` in a
    /// webrtc-internals series name splits it elsewhere), not written.
    pub skipped_properties: usize,
}

/// Writes `session` as `target` to `out`.
pub fn convert(
    session: &crate::model::Session,
    target: Target,
    out: &mut impl Write,
) -> io::Result<Report> {
    match target {
        Target::WebrtcInternals => internals::write(session, out),
        Target::Rtcstats => rtcstats::write(session, out),
    }
}

/// Where the copy came from, and the history-cap notes of the source (the
/// importer of either family reads them back, so that a converted copy
/// neither loses "Chrome dropped these samples" nor claims it for a long
/// series Chrome never held). Shared by both writers; `client_events`: also
/// the client-level events, for webrtc-internals, which has no place of
/// its own for them.
pub(crate) fn conversion_note(session: &Session, client_events: bool) -> Value {
    let capped: Vec<Value> = session
        .diagnostics
        .iter()
        .filter(|d| d.kind == Kind::Capped)
        .map(|d| json!({"key": d.location.key, "message": d.message}))
        .collect();
    let (format, dialect) = session
        .source
        .as_ref()
        .map_or(("", ""), |s| (s.format.as_str(), s.dialect.as_str()));
    let mut note = Map::new();
    note.insert("from".into(), json!(format));
    note.insert("dialect".into(), json!(dialect));
    note.insert("capped".into(), Value::from(capped));
    if client_events && !session.client_events.is_empty() {
        let events: Vec<Value> = session
            .client_events
            .iter()
            .map(|e| {
                let mut o = Map::new();
                o.insert("name".into(), json!(e.name));
                o.insert("value".into(), e.value.clone());
                if let Some(t) = e.t_ms {
                    o.insert("tMs".into(), number(t));
                }
                if !e.extras.is_empty() {
                    o.insert("extras".into(), Value::from(e.extras.clone()));
                }
                Value::Object(o)
            })
            .collect();
        note.insert("clientEvents".into(), Value::from(events));
    }
    Value::Object(note)
}

/// One JSON value written out (an I/O error as such).
pub(crate) fn write_json(out: &mut (impl Write + ?Sized), v: &Value) -> io::Result<()> {
    serde_json::to_writer(out, v).map_err(io::Error::other)
}

/// A number as JSON the way browsers write it: integers without `.0`.
pub(crate) fn number(v: f64) -> Value {
    // Exactly representable integers (below 2^53) print as integers.
    if v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 {
        Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

/// A stats text value as the report held it: the builder stores booleans
/// as `"true"`/`"false"` and arrays and deeper objects as their JSON text.
fn text_value(s: &str) -> Value {
    match s {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ if s.starts_with('[') || s.starts_with('{') => {
            serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_string()))
        }
        _ => Value::String(s.to_string()),
    }
}

/// One column's value at a row, if it has one.
fn cell(c: &Column, row: usize, strings: &Interner) -> Option<Value> {
    if let Some(n) = c.number(row) {
        return Some(number(n));
    }
    c.text(row, strings).map(text_value)
}

/// A report property rebuilt from the model's columns: the builder turns a
/// nested object (`qualityLimitationDurations`) into `name.member`
/// columns, which are put back together here.
pub(crate) enum Property<'a> {
    Plain(&'a str, &'a Column),
    Nested(&'a str, Vec<(&'a str, &'a Column)>),
}

impl<'a> Property<'a> {
    pub(crate) fn name(&self) -> &'a str {
        match self {
            Property::Plain(n, _) | Property::Nested(n, _) => n,
        }
    }

    /// The value at `row`; a nested object with none of its members is
    /// absent.
    pub(crate) fn at(&self, row: usize, strings: &Interner) -> Option<Value> {
        match self {
            Property::Plain(_, c) => cell(c, row, strings),
            Property::Nested(_, members) => {
                let o: Map<String, Value> = members
                    .iter()
                    .filter_map(|(k, c)| Some(((*k).to_string(), cell(c, row, strings)?)))
                    .collect();
                (!o.is_empty()).then_some(Value::Object(o))
            }
        }
    }
}

/// The properties of a stats object, in name order.
pub(crate) fn properties(o: &StatsObject) -> Vec<Property<'_>> {
    let mut out: Vec<Property<'_>> = Vec::new();
    for (name, column) in &o.columns {
        // Bracketed names are Chrome's derived metrics (`[codec]`), which
        // may hold a dot; a member of a nested object never starts with `[`.
        let split = (!name.starts_with('['))
            .then(|| name.split_once('.'))
            .flatten();
        match split {
            Some((parent, member)) => match out.last_mut() {
                Some(Property::Nested(p, members)) if *p == parent => {
                    members.push((member, column))
                }
                _ => out.push(Property::Nested(parent, vec![(member, column)])),
            },
            None => out.push(Property::Plain(name, column)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_browsers_print_them() {
        assert_eq!(number(3.0).to_string(), "3");
        assert_eq!(number(-0.0).to_string(), "0");
        assert_eq!(number(0.25).to_string(), "0.25");
        assert_eq!(number(1.7e12 + 0.5).to_string(), "1700000000000.5");
        assert_eq!(number(1e300).to_string(), "1e+300");
    }

    #[test]
    fn texts_come_back_as_the_values_they_were() {
        assert_eq!(text_value("true"), Value::Bool(true));
        assert_eq!(text_value("[1,2]"), serde_json::json!([1, 2]));
        assert_eq!(text_value("[not json"), Value::String("[not json".into()));
        assert_eq!(text_value("relay"), Value::String("relay".into()));
    }
}
