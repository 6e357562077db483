//! The transfer's skeleton (events, metadata, diagnostics, column names,
//! the chart catalog) as compact binary, written and read by hand.
//!
//! Why not serde_json, as before: reading JSON back needs a derived
//! `Deserialize` per type, each instantiated into serde_json's parser (26
//! copies of `deserialize_struct`), about 26 KB of the gzipped wasm for
//! a few hundred bytes of structure. Here each type is its fields in
//! declaration order; the field lists are exhaustive patterns, so adding a
//! field to a model type without adding it here does not compile. JSON
//! values (configuration, event payloads) stay JSON text.

use super::Reader;
use crate::charts::catalog::{Band, Line, Marker, Values};
use crate::charts::Chart;
use crate::error::{Diagnostic, Kind, Location, Severity};
use crate::model::{Event, Format, GetUserMediaCall, Outcome, SourceInfo, StateChange, TrackInfo};
use serde_json::Value;
use std::collections::BTreeMap;

/// A value of the skeleton. `decode` returns `None` on damaged input.
pub(super) trait Wire: Sized {
    fn encode(&self, out: &mut Vec<u8>);
    fn decode(r: &mut Reader<'_>) -> Option<Self>;
}

macro_rules! wire_le {
    ($($t:ty),*) => {$(
        impl Wire for $t {
            fn encode(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn decode(r: &mut Reader<'_>) -> Option<Self> {
                r.one()
            }
        }
    )*};
}

wire_le!(f64, f32, u64);

impl Wire for u8 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(*self);
    }
    fn decode(r: &mut Reader<'_>) -> Option<Self> {
        r.take(1)?.first().copied()
    }
}

impl Wire for bool {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn decode(r: &mut Reader<'_>) -> Option<Self> {
        match u8::decode(r)? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

impl Wire for usize {
    fn encode(&self, out: &mut Vec<u8>) {
        (*self as u64).encode(out);
    }
    fn decode(r: &mut Reader<'_>) -> Option<Self> {
        usize::try_from(u64::decode(r)?).ok()
    }
}

impl Wire for String {
    fn encode(&self, out: &mut Vec<u8>) {
        self.len().encode(out);
        out.extend_from_slice(self.as_bytes());
    }
    fn decode(r: &mut Reader<'_>) -> Option<Self> {
        let n = usize::decode(r)?;
        String::from_utf8(r.take(n)?.to_vec()).ok()
    }
}

/// As JSON text.
impl Wire for Value {
    fn encode(&self, out: &mut Vec<u8>) {
        let text = serde_json::to_vec(self).unwrap_or_default();
        text.len().encode(out);
        out.extend_from_slice(&text);
    }
    fn decode(r: &mut Reader<'_>) -> Option<Self> {
        let n = usize::decode(r)?;
        serde_json::from_slice(r.take(n)?).ok()
    }
}

impl<T: Wire> Wire for Option<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.encode(out);
            }
        }
    }
    fn decode(r: &mut Reader<'_>) -> Option<Self> {
        match u8::decode(r)? {
            0 => Some(None),
            1 => Some(Some(T::decode(r)?)),
            _ => None,
        }
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        self.len().encode(out);
        for v in self {
            v.encode(out);
        }
    }
    fn decode(r: &mut Reader<'_>) -> Option<Self> {
        let n = usize::decode(r)?;
        // Every element takes at least a byte: a damaged length cannot
        // make us reserve more than the input holds.
        let mut v = Vec::with_capacity(n.min(r.rest.len()));
        for _ in 0..n {
            v.push(T::decode(r)?);
        }
        Some(v)
    }
}

impl<K: Wire + Ord, V: Wire> Wire for BTreeMap<K, V> {
    fn encode(&self, out: &mut Vec<u8>) {
        self.len().encode(out);
        for (k, v) in self {
            k.encode(out);
            v.encode(out);
        }
    }
    fn decode(r: &mut Reader<'_>) -> Option<Self> {
        let n = usize::decode(r)?;
        let mut m = BTreeMap::new();
        for _ in 0..n {
            let k = K::decode(r)?;
            m.insert(k, V::decode(r)?);
        }
        Some(m)
    }
}

impl<A: Wire, B: Wire> Wire for (A, B) {
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
        self.1.encode(out);
    }
    fn decode(r: &mut Reader<'_>) -> Option<Self> {
        let a = A::decode(r)?;
        Some((a, B::decode(r)?))
    }
}

impl<A: Wire, B: Wire, C: Wire> Wire for (A, B, C) {
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
        self.1.encode(out);
        self.2.encode(out);
    }
    fn decode(r: &mut Reader<'_>) -> Option<Self> {
        let a = A::decode(r)?;
        let b = B::decode(r)?;
        Some((a, b, C::decode(r)?))
    }
}

/// A struct as its fields in order; `skip` fields are not sent and come
/// back as their default (caches, import-only state).
macro_rules! wire_struct {
    ($t:ident { $($f:ident),* $(,)? } $(skip { $($s:ident),* })?) => {
        impl $crate::transfer::wire::Wire for $t {
            fn encode(&self, out: &mut Vec<u8>) {
                let $t { $($f,)* $($($s: _,)*)? } = self;
                $( $crate::transfer::wire::Wire::encode($f, out); )*
            }
            fn decode(r: &mut $crate::transfer::Reader<'_>) -> Option<Self> {
                // Struct expressions evaluate their fields in the order written.
                Some($t {
                    $($f: $crate::transfer::wire::Wire::decode(r)?,)*
                    $($($s: Default::default(),)*)?
                })
            }
        }
    };
}
pub(super) use wire_struct;

/// A field-less enum as a one-byte tag.
macro_rules! wire_enum {
    ($t:ident { $($v:ident = $n:literal),* $(,)? }) => {
        impl Wire for $t {
            fn encode(&self, out: &mut Vec<u8>) {
                out.push(match self {
                    $($t::$v => $n,)*
                });
            }
            fn decode(r: &mut Reader<'_>) -> Option<Self> {
                Some(match u8::decode(r)? {
                    $($n => $t::$v,)*
                    _ => return None,
                })
            }
        }
    };
}

wire_enum!(Format { WebrtcInternals = 0, Rtcstats = 1 });
wire_enum!(Outcome { Success = 0, Failure = 1, Pending = 2 });
wire_enum!(Severity { Info = 0, Warning = 1, Error = 2 });
wire_enum!(Kind {
    Unrecognized = 0,
    Empty = 1,
    Unsupported = 2,
    Malformed = 3,
    Truncated = 4,
    TooLarge = 5,
    Capped = 6,
    Suspicious = 7,
});

wire_struct!(SourceInfo {
    format,
    dialect,
    bytes,
    gzip,
    decoded_bytes
});
wire_struct!(TrackInfo { kind, id, label });
wire_struct!(GetUserMediaCall {
    t_ms, request_type, audio, video, constraints, outcome, result_t_ms, error, tracks
} skip { correlation });
wire_struct!(Event {
    t_ms,
    name,
    raw_name,
    value,
    extras,
    time_text,
    line
});
wire_struct!(StateChange { t_ms, state });
wire_struct!(Location { line, key });
wire_struct!(Diagnostic {
    severity,
    kind,
    message,
    location,
    count
});

/// Derived series go empty here (they follow the catalog as f32 arrays).
impl Wire for Values {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Values::Column(name) => {
                out.push(0);
                name.encode(out);
            }
            Values::Derived(v) => {
                out.push(1);
                v.encode(out);
            }
        }
    }
    fn decode(r: &mut Reader<'_>) -> Option<Self> {
        match u8::decode(r)? {
            0 => Some(Values::Column(String::decode(r)?)),
            1 => Some(Values::Derived(Vec::decode(r)?)),
            _ => None,
        }
    }
}

wire_struct!(Line { label, times_of, values } skip { blocks });
wire_struct!(Band {
    t0_ms,
    t1_ms,
    label
});
wire_struct!(Marker { t_ms, label });
wire_struct!(Chart {
    id,
    metric,
    stats_id,
    group,
    pc_id,
    title,
    unit,
    lines,
    bands,
    markers,
    zero_based,
    raw,
    boring
});
