//! Flat, borrowed JSON values for the hot paths of both importers: stats
//! values without a `serde_json::Value` tree, strings borrowed from the input
//! when they have no escapes.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// A property value of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum PVal<'a> {
    Num(f64),
    Str(Cow<'a, str>),
    Bool(bool),
    Null,
    /// A nested object (`qualityLimitationDurations`, `psnrSum`).
    Obj(Vec<(Cow<'a, str>, PVal<'a>)>),
    /// Arrays and anything else: kept as JSON.
    Json(Value),
}

/// The properties of one object, in file order.
pub type Members<'a> = [(Cow<'a, str>, PVal<'a>)];

/// A string borrowed from the input when it has no escapes.
pub struct CowStr<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for CowStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = CowStr<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for PVal<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = PVal<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a stats value")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(PVal::Num(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(PVal::Num(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(PVal::Num(v as f64))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(PVal::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(PVal::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(PVal::Str(Cow::Owned(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(PVal::Bool(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(PVal::Null)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = m.next_key::<CowStr<'a>>()? {
                    out.push((k.0, m.next_value::<PVal<'a>>()?));
                }
                Ok(PVal::Obj(out))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, s: A) -> Result<Self::Value, A::Error> {
                Value::deserialize(de::value::SeqAccessDeserializer::new(s)).map(PVal::Json)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl PVal<'_> {
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            PVal::Num(n) => Some(*n),
            _ => None,
        }
    }
}

impl PVal<'_> {
    /// The value as JSON (for text columns of nested or odd values).
    pub fn to_value(&self) -> Value {
        match self {
            PVal::Num(n) => serde_json::Number::from_f64(*n)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            PVal::Str(s) => Value::String(s.to_string()),
            PVal::Bool(b) => Value::Bool(*b),
            PVal::Null => Value::Null,
            PVal::Obj(f) => Value::Object(
                f.iter()
                    .map(|(k, v)| (k.to_string(), v.to_value()))
                    .collect(),
            ),
            PVal::Json(v) => v.clone(),
        }
    }
}

impl<'a> PVal<'a> {
    /// A flat view of a `Value`, borrowing its strings.
    pub fn borrowed(v: &'a Value) -> PVal<'a> {
        match v {
            Value::Number(n) => n.as_f64().map(PVal::Num).unwrap_or(PVal::Null),
            Value::String(s) => PVal::Str(Cow::Borrowed(s)),
            Value::Bool(b) => PVal::Bool(*b),
            Value::Null => PVal::Null,
            Value::Object(o) => PVal::Obj(
                o.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), PVal::borrowed(v)))
                    .collect(),
            ),
            other => PVal::Json(other.clone()),
        }
    }
}

impl From<Value> for PVal<'static> {
    fn from(v: Value) -> Self {
        match v {
            Value::Number(n) => n.as_f64().map(PVal::Num).unwrap_or(PVal::Null),
            Value::String(s) => PVal::Str(Cow::Owned(s)),
            Value::Bool(b) => PVal::Bool(b),
            Value::Null => PVal::Null,
            Value::Object(o) => PVal::Obj(
                o.into_iter()
                    .map(|(k, v)| (Cow::Owned(k), PVal::from(v)))
                    .collect(),
            ),
            other => PVal::Json(other),
        }
    }
}
