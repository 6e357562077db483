//! Lines of the form `[head, second, payload, ...rest]` whose payload, when
//! the head says so, is an object of objects read flat: every member object's
//! properties back to back in one list, borrowed from the line where they
//! have no escapes. This is the shape of an rtcstats getStats line, but
//! nothing here knows that: the caller's [`Shape`] says which heads have a
//! flat payload and which member of the payload is a hoisted number.
//!
//! A map per member object with an allocated key per property cost more
//! than the rest of the import; a `serde_json::Value` tree, more still.

use super::flat::{CowStr, Members, PVal};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// What the caller expects of its lines.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Whether a line with this head has a flat payload.
    pub flat_when: fn(&Value) -> bool,
    /// The payload member taken aside as a number (not an object).
    pub hoisted_key: &'static str,
}

/// One member of a flat payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Member {
    /// An object: its properties are `Flat::props[range]`.
    Object(std::ops::Range<usize>),
    /// `null`.
    Null,
    /// Anything else: skipped.
    Other,
}

/// A flat payload: members in file order, every member object's
/// properties back to back in one list (one allocation per line, not one
/// per object), and the hoisted number when present.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flat<'a> {
    pub members: Vec<(Cow<'a, str>, Member)>,
    pub props: Vec<(Cow<'a, str>, PVal<'a>)>,
    pub hoisted: Option<f64>,
}

impl<'a> Flat<'a> {
    /// The properties of an object member.
    pub fn object(&self, range: &std::ops::Range<usize>) -> &Members<'a> {
        self.props.get(range.clone()).unwrap_or_default()
    }
}

/// A parsed line: `[head, second, payload, ...rest]`.
#[derive(Debug, PartialEq)]
pub struct ArrayLine<'a> {
    pub head: Value,
    pub second: Value,
    pub payload: Payload<'a>,
    pub rest: Vec<Value>,
}

#[derive(Debug, PartialEq)]
pub enum Payload<'a> {
    Flat(Flat<'a>),
    Value(Value),
}

/// Reads a flat payload (serde_json's path; the scanner has its own).
struct FlatSeed {
    hoisted_key: &'static str,
}

impl<'de> DeserializeSeed<'de> for FlatSeed {
    type Value = Flat<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V(&'static str);
        impl<'de> Visitor<'de> for V {
            type Value = Flat<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of objects")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out = Flat::default();
                while let Some(k) = m.next_key::<CowStr<'de>>()? {
                    if k.0 == self.0 {
                        if let PVal::Num(t) = m.next_value::<PVal<'de>>()? {
                            out.hoisted = Some(t);
                        }
                        continue;
                    }
                    let member = match m.next_value::<PVal<'de>>()? {
                        PVal::Obj(r) => {
                            let start = out.props.len();
                            out.props.extend(r);
                            Member::Object(start..out.props.len())
                        }
                        PVal::Null => Member::Null,
                        _ => Member::Other,
                    };
                    out.members.push((k.0, member));
                }
                Ok(out)
            }
            // A payload that is not an object: no members (diagnosed by the caller).
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Flat::default())
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Flat::default())
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Flat::default())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Flat::default())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Flat::default())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Flat::default())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Flat::default())
            }
        }
        d.deserialize_any(V(self.hoisted_key))
    }
}

/// Seed that reads a line array, choosing the payload representation from
/// the head it has just read.
struct LineSeed(Shape);

impl<'de> DeserializeSeed<'de> for LineSeed {
    type Value = Option<ArrayLine<'de>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V(Shape);
        impl<'de> Visitor<'de> for V {
            type Value = Option<ArrayLine<'de>>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
                let Some(head) = s.next_element::<Value>()? else {
                    return Ok(None);
                };
                let Some(second) = s.next_element::<Value>()? else {
                    return Ok(None);
                };
                let payload = if (self.0.flat_when)(&head) {
                    let seed = FlatSeed {
                        hoisted_key: self.0.hoisted_key,
                    };
                    match s.next_element_seed(seed)? {
                        Some(st) => Payload::Flat(st),
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
                Ok(Some(ArrayLine {
                    head,
                    second,
                    payload,
                    rest,
                }))
            }
        }
        d.deserialize_seq(V(self.0))
    }
}

/// Parses one line. `Ok(None)`: an array of fewer than 3 elements. Errors
/// are serde_json's (syntax, EOF, or "not an array").
///
/// Lines with a flat payload of the usual shape are read by the
/// hand-written scanner ([`super::scan`]); every other line, and any line
/// it leaves, by serde_json.
pub fn parse_line<'a>(
    text: &'a [u8],
    shape: Shape,
) -> Result<Option<ArrayLine<'a>>, serde_json::Error> {
    parse_line_sized(text, shape, (0, 0))
}

/// [`parse_line`] with a size hint for a flat payload's `(members,
/// properties)` (see [`super::scan::array_line_sized`]).
pub fn parse_line_sized<'a>(
    text: &'a [u8],
    shape: Shape,
    capacity: (usize, usize),
) -> Result<Option<ArrayLine<'a>>, serde_json::Error> {
    if let Some(line) = super::scan::array_line_sized(text, shape, capacity) {
        return Ok(Some(line));
    }
    parse_line_serde(text, shape)
}

/// [`parse_line`] by serde_json alone: the reference the scanner is
/// tested against.
pub fn parse_line_serde(
    text: &[u8],
    shape: Shape,
) -> Result<Option<ArrayLine<'_>>, serde_json::Error> {
    let mut d = serde_json::Deserializer::from_slice(text);
    let line = LineSeed(shape).deserialize(&mut d)?;
    d.end()?;
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPE: Shape = Shape {
        flat_when: |v| v.as_str() == Some("g"),
        hoisted_key: "t",
    };

    #[test]
    fn parses_flat_payloads_borrowed() {
        let text = br#"["g","PC_0",{"t":5,"0":{"type":1,"80":10,"k":"a\"b","q":{"cpu":1}},"1":null},"connected-0",12]"#;
        let line = parse_line(text, SHAPE).ok().flatten();
        let Some(ArrayLine {
            head,
            payload: Payload::Flat(st),
            rest,
            ..
        }) = line
        else {
            panic!("expected a flat payload")
        };
        assert_eq!(head, Value::String("g".into()));
        assert_eq!(st.hoisted, Some(5.0));
        assert_eq!(st.members.len(), 2);
        assert!(matches!(&st.members[0].0, Cow::Borrowed("0")));
        let Member::Object(r) = &st.members[0].1 else {
            panic!("object")
        };
        let r = st.object(r);
        assert_eq!(
            r[2],
            (Cow::Borrowed("k"), PVal::Str(Cow::Owned("a\"b".into())))
        );
        assert_eq!(st.members[1].1, Member::Null);
        assert_eq!(rest.len(), 2);
        assert!(parse_line(b"[1,2]", SHAPE).is_ok_and(|l| l.is_none()));
        assert!(parse_line(b"{}", SHAPE).is_err_and(|e| e.is_data()));
        assert!(parse_line(b"[\"a\",null,{", SHAPE).is_err_and(|e| e.is_eof()));
        // Another head: the payload is a plain value.
        let other = parse_line(br#"["x",null,{"a":1},3]"#, SHAPE).ok().flatten();
        assert!(matches!(
            other,
            Some(ArrayLine {
                payload: Payload::Value(_),
                ..
            })
        ));
    }
}
