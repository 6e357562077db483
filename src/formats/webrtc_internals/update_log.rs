//! `updateLog`: the event log of one peer connection, in three eras.

use crate::build::SessionBuilder;
use crate::error::{Kind, Location};
use crate::json::text::{as_f64, object_from_key_value_text, object_from_lines};
use crate::model::Event;
use serde_json::{Map, Value};

/// The log era, judged from the entries (features, not versions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Era {
    /// No update log entries at all.
    NoLog,
    /// Locale `time` text, camelCase types, JS-like values (up to ~M141).
    TextLog,
    /// Numeric `timestamp`, lower-case types, JSON values (~M142).
    JsonLog,
    /// `on`-prefixed types (M144+).
    OnEvents,
}

impl Era {
    pub fn name(self) -> &'static str {
        match self {
            Era::NoLog => "no-log",
            Era::TextLog => "text-log",
            Era::JsonLog => "json-log",
            Era::OnEvents => "on-events",
        }
    }
}

/// Imports the entries as events of `pc_id`; returns the era they show.
pub fn import(b: &mut SessionBuilder, pc_id: &str, entries: &[Value]) -> Era {
    let mut era = Era::NoLog;
    for (i, entry) in entries.iter().enumerate() {
        let Some(o) = entry.as_object() else {
            b.warn(
                Kind::Malformed,
                "updateLog entry is not an object",
                Location::key(format!("PeerConnections.{pc_id}.updateLog[{i}]")),
            );
            continue;
        };
        let raw_type = o.get("type").and_then(Value::as_str).unwrap_or("");
        if raw_type.is_empty() {
            b.warn(
                Kind::Malformed,
                "updateLog entry without a type",
                Location::key(format!("PeerConnections.{pc_id}.updateLog[{i}]")),
            );
            continue;
        }
        let t_ms = o.get("timestamp").and_then(as_f64);
        let time_text = o.get("time").and_then(Value::as_str).map(str::to_string);
        let entry_era = if raw_type.starts_with("on")
            && raw_type
                .chars()
                .nth(2)
                .is_some_and(|c| c.is_ascii_lowercase())
        {
            Era::OnEvents
        } else if t_ms.is_some() {
            Era::JsonLog
        } else if time_text.is_some() {
            Era::TextLog
        } else {
            Era::NoLog
        };
        era = era.max(entry_era);
        let text = match o.get("value") {
            Some(Value::String(s)) => s.as_str(),
            _ => "",
        };
        let mut event = Event::new(t_ms, raw_type, Value::Null);
        event.value = decode_value(&event.name, text);
        event.time_text = time_text.filter(|_| t_ms.is_none());
        b.push_event(Some(pc_id), event);
    }
    era
}

fn is_sdp_event(name: &str) -> bool {
    matches!(
        name,
        "createOfferOnSuccess"
            | "createAnswerOnSuccess"
            | "setLocalDescription"
            | "setRemoteDescription"
            | "setLocalDescriptionOnSuccess"
    )
}

/// Decodes an updateLog `value` text into JSON.
///
/// New Chrome writes JSON (states as JSON strings); old Chrome writes
/// `type: offer, sdp: ...`, `sdpMid: 0, sdpMLineIndex: 0, candidate: ...`
/// and multi-line `key: value` error texts, which we turn into the same
/// shapes so the viewer has one representation.
pub fn decode_value(name: &str, text: &str) -> Value {
    if text.is_empty() {
        return Value::Null;
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('"') || trimmed.starts_with('[') {
        if let Ok(v) = serde_json::from_slice::<Value>(trimmed.as_bytes()) {
            return v;
        }
    }
    if is_sdp_event(name) {
        if let Some(rest) = text.strip_prefix("type: ") {
            if let Some((ty, sdp)) = rest.split_once(", sdp: ") {
                let mut o = Map::new();
                o.insert("type".into(), Value::String(ty.to_string()));
                o.insert("sdp".into(), Value::String(sdp.to_string()));
                return Value::Object(o);
            }
        }
    }
    if matches!(name, "onicecandidate" | "addIceCandidate") {
        if let Some(mut o) =
            object_from_key_value_text(text, &["sdpMid", "sdpMLineIndex", "candidate"])
        {
            if let Some(n) = o.get("sdpMLineIndex").and_then(as_f64) {
                o.insert("sdpMLineIndex".into(), serde_json::json!(n as i64));
            }
            return Value::Object(o);
        }
    }
    if name == "onicecandidateerror" {
        if let Some(o) = object_from_lines(text) {
            return Value::Object(o);
        }
    }
    Value::String(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn old_and_new_values() {
        assert_eq!(
            decode_value("onsignalingstatechange", "\"stable\""),
            json!("stable")
        );
        assert_eq!(
            decode_value("setLocalDescription", "type: offer, sdp: v=0\r\n"),
            json!({"type":"offer","sdp":"v=0\r\n"})
        );
        assert_eq!(
            decode_value(
                "onicecandidate",
                "sdpMid: 0, sdpMLineIndex: 1, candidate: candidate:1 1 udp 1 1.2.3.4 5 typ host"
            ),
            json!({"sdpMid":"0","sdpMLineIndex":1,"candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host"})
        );
        assert_eq!(
            decode_value("onicecandidateerror", "url: stun:x\nerror_code: 701")["error_code"],
            json!("701")
        );
        assert_eq!(decode_value("createOffer", ""), Value::Null);
    }
}
