//! getStats delta decoders: fileFormat 3 (rtcstats-js), jitsi, and fippo
//! fileFormat 1/2. Each keeps a per-connection `base` (stats id -> report)
//! and updates it in place; the caller copies the reports into columns right
//! away, so earlier states never need to be kept (no aliasing hazard).
//!
//! The three differ in what an id *missing* from a delta means: unchanged
//! (fileFormat 3 and fippo), or removed (jitsi); fileFormat 3 signals removal
//! with an explicit `null`.

use super::tables::{property_name, stats_type_name};
use crate::json::text::as_f64;
use serde_json::{Map, Value};

pub type Reports = Map<String, Value>;

/// Renames compressed property keys and the numeric `type` of one report.
pub fn expand_report(r: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in r {
        let name = property_name(&k).map(str::to_string).unwrap_or(k);
        out.insert(name, v);
    }
    if let Some(code) = out.get("type").and_then(|t| match t {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse::<u64>().ok(),
        _ => None,
    }) {
        if let Some(name) = stats_type_name(code) {
            out.insert("type".into(), Value::String(name.into()));
        }
    }
    out
}

/// Overlays `update` onto `target`: absent properties keep their value, a
/// present one replaces it (also with `0`, `false` or `""`), non-array
/// objects are merged one level deep.
fn merge_into(target: &mut Map<String, Value>, update: Map<String, Value>) {
    for (p, v) in update {
        match (target.get_mut(&p), v) {
            (Some(Value::Object(old)), Value::Object(new)) => {
                for (k, x) in new {
                    old.insert(k, x);
                }
            }
            (_, v) => {
                target.insert(p, v);
            }
        }
    }
}

/// fileFormat 3: decodes `delta` onto `base` (formats.md 2.4).
pub fn decode_v3(base: &mut Reports, delta: Map<String, Value>) {
    let mut delta = delta;
    let hoisted = delta.remove("t").as_ref().and_then(as_f64);
    let mut own_ts: Vec<String> = Vec::new();
    for (id, v) in delta {
        match v {
            Value::Null => {
                base.remove(&id);
            }
            Value::Object(r) => {
                let r = expand_report(r);
                if r.contains_key("timestamp") {
                    own_ts.push(id.clone());
                }
                match base.get_mut(&id) {
                    Some(Value::Object(old)) => merge_into(old, r),
                    _ => {
                        base.insert(id, Value::Object(r));
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(t) = hoisted {
        for (id, r) in base.iter_mut() {
            if let Value::Object(r) = r {
                if !own_ts.iter().any(|o| o == id) {
                    r.insert("timestamp".into(), Value::from(t));
                }
            }
        }
    }
}

/// Legacy (jitsi and fippo) deltas: top-level numeric `timestamp`, reports
/// with `timestamp: 0` take it, reports without `timestamp` keep the base's.
/// `missing_is_removed` selects the jitsi rule. Returns the top-level time
/// (for fileFormat 1 it is an ISO string and `None` is returned).
pub fn decode_legacy(
    base: &mut Reports,
    delta: Map<String, Value>,
    missing_is_removed: bool,
) -> Option<f64> {
    let mut delta = delta;
    let top = match delta.remove("timestamp") {
        Some(Value::Number(n)) => n.as_f64(),
        _ => None,
    };
    if missing_is_removed {
        base.retain(|id, _| delta.get(id).is_some_and(Value::is_object));
    }
    for (id, v) in delta {
        let Value::Object(mut r) = v else { continue };
        if let Some(ts) = r.get("timestamp") {
            if as_f64(ts) == Some(0.0) {
                match top {
                    Some(t) => {
                        r.insert("timestamp".into(), Value::from(t));
                    }
                    None => {
                        r.remove("timestamp");
                    }
                }
            }
        }
        match base.get_mut(&id) {
            Some(Value::Object(old)) => merge_into(old, r),
            _ => {
                base.insert(id, Value::Object(r));
            }
        }
    }
    top
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn v3_rules() {
        let mut base = Reports::new();
        decode_v3(
            &mut base,
            obj(
                json!({"t": 1000, "0": {"type": 2, "80": 10, "10": 5}, "1": {"type": 3, "t": 900, "15": 1}}),
            ),
        );
        assert_eq!(
            base["0"],
            json!({"type":"outbound-rtp","bytesSent":10,"ssrc":5,"timestamp":1000.0})
        );
        assert_eq!(base["1"]["timestamp"], json!(900));
        // Unchanged ids carry over and take the new hoisted time; falsy
        // values overwrite; null removes.
        decode_v3(
            &mut base,
            obj(json!({"t": 2000, "0": {"80": 0}, "1": null})),
        );
        assert_eq!(
            base["0"],
            json!({"type":"outbound-rtp","bytesSent":0,"ssrc":5,"timestamp":2000.0})
        );
        assert!(!base.contains_key("1"));
        // Objects merge one level deep.
        decode_v3(
            &mut base,
            obj(json!({"t": 3000, "0": {"96": {"cpu": 1, "none": 2}}})),
        );
        decode_v3(&mut base, obj(json!({"t": 4000, "0": {"96": {"cpu": 3}}})));
        assert_eq!(
            base["0"]["qualityLimitationDurations"],
            json!({"cpu":3,"none":2})
        );
    }

    #[test]
    fn jitsi_missing_means_removed_fippo_keeps() {
        let d1 = obj(
            json!({"timestamp": 10, "a": {"timestamp": 0, "type": "x", "v": 1}, "b": {"timestamp": 0, "v": 2}}),
        );
        let d2 = obj(json!({"timestamp": 20, "a": {"timestamp": 0}}));
        let mut jitsi = Reports::new();
        decode_legacy(&mut jitsi, d1.clone(), true);
        decode_legacy(&mut jitsi, d2.clone(), true);
        assert_eq!(jitsi.len(), 1);
        assert_eq!(jitsi["a"], json!({"timestamp": 20.0, "type": "x", "v": 1}));
        let mut fippo = Reports::new();
        decode_legacy(&mut fippo, d1, false);
        decode_legacy(&mut fippo, d2, false);
        assert_eq!(fippo.len(), 2);
        assert_eq!(fippo["b"]["timestamp"], json!(10.0));
    }
}
