//! Serde shapes of a webrtc-internals dump, lenient where real dumps vary.
//!
//! The `values` text of every series is borrowed from the input when it has
//! no escapes, so a 300 MB dump is not copied a second time before parsing.

use crate::json::flat::CowStr;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A JSON object read as (key, value) pairs in file order.
#[derive(Debug)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(m.size_hint().unwrap_or(0));
                while let Some((k, v)) = m.next_entry::<String, V>()? {
                    out.push((k, v));
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_map(V2(PhantomData))
    }
}

/// One `stats` series, or what stood in its place.
#[derive(Debug)]
pub enum Series<'a> {
    Ok {
        start_time: Option<String>,
        end_time: Option<String>,
        stats_type: Option<String>,
        values: SeriesValues<'a>,
    },
    /// `{}`: a series with no points.
    Empty,
    /// Not an object.
    Invalid,
}

#[derive(Debug)]
pub enum SeriesValues<'a> {
    /// JSON text to parse again (every real dump).
    Text(Cow<'a, str>),
    /// Already an array (tolerated).
    Array(Vec<Value>),
    Missing,
}

impl<'de: 'a, 'a> Deserialize<'de> for Series<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SV<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for SV<'a> {
            type Value = Series<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a series object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut start_time = None;
                let mut end_time = None;
                let mut stats_type = None;
                let mut values = SeriesValues::Missing;
                let mut any = false;
                while let Some(k) = m.next_key::<CowStr<'a>>()? {
                    any = true;
                    match &*k.0 {
                        "startTime" => start_time = m.next_value::<Option<String>>().ok().flatten(),
                        "endTime" => end_time = m.next_value::<Option<String>>().ok().flatten(),
                        "statsType" => stats_type = m.next_value::<Option<String>>().ok().flatten(),
                        "values" => {
                            values = m.next_value::<SeriesValues<'a>>()?;
                        }
                        _ => {
                            m.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                if !any {
                    return Ok(Series::Empty);
                }
                Ok(Series::Ok {
                    start_time,
                    end_time,
                    stats_type,
                    values,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Series::Invalid)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Series::Invalid)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Series::Invalid)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Series::Invalid)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Series::Invalid)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Series::Invalid)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Series::Invalid)
            }
        }
        d.deserialize_any(SV(PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for SeriesValues<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct VV<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for VV<'a> {
            type Value = SeriesValues<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("values text or array")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(SeriesValues::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(SeriesValues::Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(SeriesValues::Text(Cow::Owned(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = s.next_element::<Value>()? {
                    out.push(v);
                }
                Ok(SeriesValues::Array(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(SeriesValues::Missing)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(SeriesValues::Missing)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(SeriesValues::Missing)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(SeriesValues::Missing)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(SeriesValues::Missing)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(SeriesValues::Missing)
            }
        }
        d.deserialize_any(VV(PhantomData))
    }
}

/// One peer connection object.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PeerConnectionRaw<'a> {
    pub pid: Option<Value>,
    pub url: Option<Value>,
    #[serde(rename = "rtcConfiguration")]
    pub rtc_configuration: Option<Value>,
    pub constraints: Option<Value>,
    #[serde(rename = "updateLog")]
    pub update_log: Option<Value>,
    #[serde(borrow)]
    pub stats: Option<OrderedMap<Series<'a>>>,
}

/// The whole document: webrtc-internals (`PeerConnections`) or rtcstats v0
/// (`peerConnections`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Document<'a> {
    #[serde(rename = "getUserMedia")]
    pub get_user_media: Option<Value>,
    #[serde(rename = "PeerConnections", borrow)]
    pub peer_connections: Option<OrderedMap<PeerConnectionRaw<'a>>>,
    #[serde(rename = "UserAgent")]
    pub user_agent: Option<Value>,
    #[serde(rename = "UserAgentData")]
    pub user_agent_data: Option<Value>,
    pub timestamp: Option<Value>,
    #[serde(rename = "deviceMemory")]
    pub device_memory: Option<Value>,
    #[serde(rename = "hardwareConcurrency")]
    pub hardware_concurrency: Option<Value>,
    #[serde(rename = "cpuPerformance")]
    pub cpu_performance: Option<Value>,
    /// Written by `rtcview convert` (see `SessionBuilder::restore_conversion_note`).
    #[serde(rename = "rtcviewConversion")]
    pub rtcview_conversion: Option<Value>,
    // rtcstats v0
    #[serde(rename = "peerConnections")]
    pub v0_peer_connections: Option<OrderedMap<Value>>,
    #[serde(rename = "userAgent")]
    pub v0_user_agent: Option<Value>,
    pub url: Option<Value>,
}
