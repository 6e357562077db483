//! One rtcstats line, parsed without building a `serde_json::Value` tree for
//! getStats payloads: they are most of every dump, and a map per report with
//! an allocated key per property cost more than the rest of the import.
//! Report contents are kept as flat `(name, value)` lists whose strings are
//! borrowed from the line when they have no escapes.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

pub use crate::formats::flat::{CowStr, PVal};

/// The properties of one report, in file order.
pub type Report<'a> = [(Cow<'a, str>, PVal<'a>)];

/// One entry of a getStats payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A report: its properties are `Stats::props[range]`.
    Report(std::ops::Range<usize>),
    /// `"id": null`: removed (fileFormat 3).
    Removed,
    /// Not an object: ignored.
    Other,
}

/// A getStats payload: entries in file order, plus the hoisted top-level
/// time (`"t"` in fileFormat 3). Every report's properties are kept back to
/// back in one list (one allocation per line, not one per report).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats<'a> {
    pub entries: Vec<(Cow<'a, str>, Entry)>,
    pub props: Vec<(Cow<'a, str>, PVal<'a>)>,
    pub hoisted_t: Option<f64>,
}

impl<'a> Stats<'a> {
    /// The properties of a report entry.
    pub fn report(&self, range: &std::ops::Range<usize>) -> &Report<'a> {
        self.props.get(range.clone()).unwrap_or_default()
    }
}

/// A parsed line: `[method, pc, payload, ...rest]`.
#[derive(Debug, PartialEq)]
pub struct Line<'a> {
    pub method: Value,
    pub pc: Value,
    pub payload: Payload<'a>,
    pub rest: Vec<Value>,
}

#[derive(Debug, PartialEq)]
pub enum Payload<'a> {
    Stats(Stats<'a>),
    Value(Value),
}

/// True for the spellings of getStats whose payload is read as [`Stats`].
pub(crate) fn is_stats_method(m: &Value) -> bool {
    match m {
        Value::String(s) => s == "g" || s == "getStats",
        Value::Number(n) => n.as_u64() == Some(1),
        _ => false,
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Stats<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Stats<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a getStats object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out = Stats::default();
                while let Some(k) = m.next_key::<CowStr<'a>>()? {
                    if k.0 == "t" {
                        if let PVal::Num(t) = m.next_value::<PVal<'a>>()? {
                            out.hoisted_t = Some(t);
                        }
                        continue;
                    }
                    let entry = match m.next_value::<PVal<'a>>()? {
                        PVal::Obj(r) => {
                            let start = out.props.len();
                            out.props.extend(r);
                            Entry::Report(start..out.props.len())
                        }
                        PVal::Null => Entry::Removed,
                        _ => Entry::Other,
                    };
                    out.entries.push((k.0, entry));
                }
                Ok(out)
            }
            // A payload that is not an object: no entries (diagnosed by the caller).
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Stats::default())
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Stats::default())
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Stats::default())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Stats::default())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Stats::default())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Stats::default())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Stats::default())
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// Seed that reads a line array, choosing the payload representation from
/// the method it has just read.
struct LineSeed;

impl<'de> DeserializeSeed<'de> for LineSeed {
    type Value = Option<Line<'de>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Option<Line<'de>>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
                let Some(method) = s.next_element::<Value>()? else {
                    return Ok(None);
                };
                let Some(pc) = s.next_element::<Value>()? else {
                    return Ok(None);
                };
                let payload = if is_stats_method(&method) {
                    match s.next_element::<Stats<'de>>()? {
                        Some(st) => Payload::Stats(st),
                        None => return Ok(None),
                    }
                } else {
                    match s.next_element::<Value>()? {
                        Some(v) => Payload::Value(v),
                        None => return Ok(None),
                    }
                };
                let mut rest = Vec::new();
                while let Some(v) = s.next_element::<Value>()? {
                    rest.push(v);
                }
                Ok(Some(Line {
                    method,
                    pc,
                    payload,
                    rest,
                }))
            }
        }
        d.deserialize_seq(V)
    }
}

/// Parses one fileFormat 3 line. `Ok(None)`: an array of fewer than 3
/// elements. Errors are serde_json's (syntax, EOF, or "not an array").
///
/// getStats lines of the usual shape are read by the hand-written scanner
/// (`formats::scan`); every other line, and any line it leaves, by serde_json.
pub fn parse_line(text: &[u8]) -> Result<Option<Line<'_>>, serde_json::Error> {
    parse_line_sized(text, (0, 0))
}

/// [`parse_line`] with a size hint for a getStats payload's
/// `(entries, properties)` (see `scan::stats_line_sized`).
pub fn parse_line_sized(
    text: &[u8],
    capacity: (usize, usize),
) -> Result<Option<Line<'_>>, serde_json::Error> {
    if let Some(line) = crate::formats::scan::stats_line_sized(text, capacity) {
        return Ok(Some(line));
    }
    parse_line_serde(text)
}

/// [`parse_line`] by serde_json alone: the reference the scanner is
/// tested against.
pub fn parse_line_serde(text: &[u8]) -> Result<Option<Line<'_>>, serde_json::Error> {
    let mut d = serde_json::Deserializer::from_slice(text);
    let line = LineSeed.deserialize(&mut d)?;
    d.end()?;
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stats_flat_and_borrowed() {
        let text = br#"["g","PC_0",{"t":5,"0":{"type":1,"80":10,"k":"a\"b","q":{"cpu":1}},"1":null},"connected-0",12]"#;
        let line = parse_line(text).ok().flatten();
        let Some(Line {
            method,
            payload: Payload::Stats(st),
            rest,
            ..
        }) = line
        else {
            panic!("expected stats")
        };
        assert_eq!(method, Value::String("g".into()));
        assert_eq!(st.hoisted_t, Some(5.0));
        assert_eq!(st.entries.len(), 2);
        assert!(matches!(&st.entries[0].0, Cow::Borrowed("0")));
        let Entry::Report(r) = &st.entries[0].1 else {
            panic!("report")
        };
        let r = st.report(r);
        assert_eq!(
            r[2],
            (Cow::Borrowed("k"), PVal::Str(Cow::Owned("a\"b".into())))
        );
        assert_eq!(st.entries[1].1, Entry::Removed);
        assert_eq!(rest.len(), 2);
        assert!(parse_line(b"[1,2]").is_ok_and(|l| l.is_none()));
        assert!(parse_line(b"{}").is_err_and(|e| e.is_data()));
        assert!(parse_line(b"[\"a\",null,{").is_err_and(|e| e.is_eof()));
    }
}
