//! A fileFormat 3 *writer*, following rtcstats-js (formats.md 2.4): delta,
//! id, property-name and type compression of getStats reports.
//!
//! The viewer never writes dumps; this exists so the decoder can be tested
//! as the inverse of the encoder (no public dump with compressed getStats
//! exists) and so the benchmark generator can write realistic big dumps.

use super::tables::{method_code, property_code, stats_type_code};
use serde_json::{Map, Value};
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct StatsEncoder {
    prev: Map<String, Value>,
    id_map: HashMap<String, String>,
}

const STRIPPED: &[&str] = &["isRemote", "ip", "mediaType", "writable"];

impl StatsEncoder {
    /// Encodes one full report set (`stats id -> report`) as a delta.
    pub fn encode(&mut self, cur: &Map<String, Value>) -> Map<String, Value> {
        // Steps 1, 2 and 4: strip, diff against the previous poll.
        let mut delta: Vec<(String, Map<String, Value>)> = Vec::new();
        let mut current: Map<String, Value> = Map::new();
        for (id, r) in cur {
            let Value::Object(r) = r else { continue };
            if r.get("type").and_then(Value::as_str) == Some("certificate") {
                continue;
            }
            let mut r = r.clone();
            r.remove("id");
            for p in STRIPPED {
                r.remove(*p);
            }
            if r.get("type").and_then(Value::as_str) == Some("transport") {
                r.remove("localCertificateId");
                r.remove("remoteCertificateId");
            }
            current.insert(id.clone(), Value::Object(r.clone()));
            let changed = match self.prev.get(id) {
                Some(Value::Object(old)) => diff(old, &r),
                _ => r,
            };
            if !changed.is_empty() {
                delta.push((id.clone(), changed));
            }
        }
        // Step 3: timestamp hoisting.
        let top = delta
            .iter()
            .filter_map(|(_, r)| r.get("timestamp").and_then(Value::as_f64))
            .fold(f64::NEG_INFINITY, f64::max);
        let mut out = Map::new();
        if top.is_finite() {
            for (_, r) in delta.iter_mut() {
                if r.get("timestamp").and_then(Value::as_f64) == Some(top) {
                    r.remove("timestamp");
                }
            }
            delta.retain(|(_, r)| !r.is_empty());
            out.insert("t".into(), Value::from(top));
        }
        // Step 5: ids.
        for (id, _) in &delta {
            let next = self.id_map.len().to_string();
            self.id_map.entry(id.clone()).or_insert(next);
        }
        for (id, r) in delta {
            let mut packed = Map::new();
            for (p, v) in r {
                let v = if p.ends_with("Id") {
                    match v.as_str().and_then(|s| self.id_map.get(s)) {
                        Some(short) => Value::String(short.clone()),
                        None => continue,
                    }
                } else if p == "type" {
                    match v.as_str().and_then(stats_type_code) {
                        Some(code) => Value::from(code),
                        None => v,
                    }
                } else {
                    v
                };
                packed.insert(property_code(&p).unwrap_or(p), v);
            }
            if let Some(short) = self.id_map.get(&id) {
                out.insert(short.clone(), Value::Object(packed));
            }
        }
        // Step 7: removals.
        for id in self.prev.keys() {
            if !current.contains_key(id) {
                if let Some(short) = self.id_map.get(id) {
                    out.insert(short.clone(), Value::Null);
                }
            }
        }
        self.prev = current;
        out
    }

    /// The short id given to `id`, if it was ever transmitted.
    pub fn short_id(&self, id: &str) -> Option<&str> {
        self.id_map.get(id).map(String::as_str)
    }
}

/// Properties of `new` that differ from `old` (objects one level deep).
fn diff(old: &Map<String, Value>, new: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (p, v) in new {
        match (old.get(p), v) {
            (Some(o), n) if o == n => {}
            (Some(Value::Object(o)), Value::Object(n)) => {
                let inner: Map<String, Value> = n
                    .iter()
                    .filter(|(k, x)| o.get(*k) != Some(*x))
                    .map(|(k, x)| (k.clone(), x.clone()))
                    .collect();
                if !inner.is_empty() {
                    out.insert(p.clone(), Value::Object(inner));
                }
            }
            _ => {
                out.insert(p.clone(), v.clone());
            }
        }
    }
    out
}

/// Compressed method name: a code where one exists, `"g"` for getStats.
pub fn method_value(name: &str) -> Value {
    if name == "getStats" {
        return Value::String("g".into());
    }
    match method_code(name) {
        Some(c) => Value::from(c),
        None => Value::String(name.into()),
    }
}
