//! Event log rows: one line of text per event, the full value on demand.

use crate::model::{Event, Session};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EventRow {
    pub t_ms: Option<f64>,
    /// Locale time text of old dumps (when there is no `tMs`).
    pub time_text: Option<String>,
    /// `None` for client-level events (getUserMedia, ...).
    pub pc_id: Option<String>,
    pub name: String,
    /// One-line description of the value.
    pub detail: String,
    pub failure: bool,
    /// The whole value, pretty-printed (SDP with real line breaks).
    pub full: String,
}

const MAX_DETAIL: usize = 240;

fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_DETAIL {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_DETAIL).collect();
    out.push('…');
    out
}

/// The media kinds of an SDP's m-lines: `audio, video`.
fn media_kinds(sdp: &str) -> Vec<&str> {
    sdp.lines()
        .filter_map(|l| l.strip_prefix("m="))
        .filter_map(|l| l.split_whitespace().next())
        .collect()
}

/// One-line text for an event's value.
pub fn detail(e: &Event) -> String {
    let v = &e.value;
    if let (Some(Value::String(ty)), Some(Value::String(sdp))) = (v.get("type"), v.get("sdp")) {
        let kinds = media_kinds(sdp);
        return format!(
            "{ty}, {} m-section{}: {}",
            kinds.len(),
            if kinds.len() == 1 { "" } else { "s" },
            kinds.join(", ")
        );
    }
    if let Some(Value::String(c)) = v.get("candidate") {
        return clip(if c.is_empty() { "end of candidates" } else { c });
    }
    if crate::model::event::state_kind(&e.name).is_some() {
        if let Some(s) = crate::model::event::normalize_state(v) {
            return s;
        }
    }
    match v {
        Value::Null => match e.name.as_str() {
            "onicecandidate" => "end of candidates".into(),
            _ => String::new(),
        },
        Value::String(s) => clip(s),
        other => clip(&other.to_string()),
    }
}

fn full(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Object(o) if o.get("sdp").is_some_and(Value::is_string) => {
            let ty = o.get("type").and_then(Value::as_str).unwrap_or("");
            let sdp = o.get("sdp").and_then(Value::as_str).unwrap_or("");
            format!("type: {ty}\n{}", sdp.replace("\r\n", "\n"))
        }
        // Compact: the page indents it (panels.js `indented`); serde_json's
        // pretty printer costs the viewer's wasm 0.5 KB gzipped.
        other => other.to_string(),
    }
}

fn row(e: &Event, pc: Option<&str>) -> EventRow {
    EventRow {
        t_ms: e.t_ms,
        time_text: e.time_text.clone(),
        pc_id: pc.map(str::to_string),
        name: e.name.clone(),
        detail: detail(e),
        failure: e.is_failure(),
        full: full(&e.value),
    }
}

/// Rows of one peer connection's log (by index), or of the client log
/// (`None`), in file order.
pub fn event_rows(session: &Session, pc: Option<usize>) -> Vec<EventRow> {
    match pc {
        Some(i) => session
            .peer_connections
            .get(i)
            .map(|p| p.events.iter().map(|e| row(e, Some(&p.id))).collect())
            .unwrap_or_default(),
        None => session.client_events.iter().map(|e| row(e, None)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn details() {
        let sdp = Event::new(
            Some(1.0),
            "setLocalDescription",
            json!({"type": "offer", "sdp": "v=0\r\nm=audio 9 X 0\r\nm=video 9 X 96\r\n"}),
        );
        assert_eq!(detail(&sdp), "offer, 2 m-sections: audio, video");
        assert!(full(&sdp.value).starts_with("type: offer\nv=0\nm=audio"));
        let st = Event::new(None, "iceConnectionStateChange", json!("\"failed\""));
        assert_eq!(detail(&st), "failed");
        let end = Event::new(None, "onicecandidate", Value::Null);
        assert_eq!(detail(&end), "end of candidates");
        let long = Event::new(None, "x", json!("a".repeat(1000)));
        assert_eq!(detail(&long).chars().count(), MAX_DETAIL + 1);
        assert!(Event::new(None, "createOfferOnFailure", json!("OperationError")).is_failure());
        // Failed and disconnected states are failures, in every spelling.
        for (name, value) in [
            ("connectionStateChange", "\"failed\""),
            ("oniceconnectionstatechange", "disconnected"),
            ("iceconnectionstatechange", "ICEConnectionStateFailed"),
        ] {
            assert!(
                Event::new(None, name, json!(value)).is_failure(),
                "{name} {value}"
            );
        }
        for (name, value) in [
            ("onconnectionstatechange", "connected"),
            ("onsignalingstatechange", "closed"),
            ("onicegatheringstatechange", "complete"),
        ] {
            assert!(
                !Event::new(None, name, json!(value)).is_failure(),
                "{name} {value}"
            );
        }
    }
}
