//! rtcstats v0 (2015-2016): one JSON object with `getUserMedia` and
//! `peerConnections` event lists, ISO `time` per event and full getStats
//! reports (legacy goog stats in the one known sample).

use super::handler::Handler;
use crate::error::{ImportError, Kind, Location};
use crate::formats::webrtc_internals::raw::Document;
use crate::json::text::{as_f64, unix_ms_from_iso8601};
use crate::model::Session;
use serde_json::Value;

fn event_time(e: &Value) -> Option<f64> {
    match e.get("time") {
        Some(Value::String(s)) => unix_ms_from_iso8601(s),
        Some(v) => as_f64(v),
        None => None,
    }
}

pub fn import(doc: Document<'_>) -> Result<Session, ImportError> {
    let mut h = Handler::new("v0");
    if let Some(Value::String(ua)) = &doc.v0_user_agent {
        h.b.set_user_agent(ua);
    }
    if let Some(url) = doc.url {
        h.b.set_metadata("url", url);
    }
    let feed = |h: &mut Handler, pc: Option<&str>, list: &Value, path: &str| {
        let Some(items) = list.as_array() else {
            h.b.warn(
                Kind::Malformed,
                "event list is not an array",
                Location::key(path),
            );
            return;
        };
        for (i, e) in items.iter().enumerate() {
            let Some(method) = e.get("type").and_then(Value::as_str) else {
                h.b.warn(
                    Kind::Malformed,
                    "event without a type",
                    Location::key(format!("{path}[{i}]")),
                );
                continue;
            };
            let value = e.get("value").cloned().unwrap_or(Value::Null);
            h.handle(method, pc, value, Vec::new(), event_time(e), None);
        }
    };
    if let Some(gum) = &doc.get_user_media {
        feed(&mut h, None, gum, "getUserMedia");
    }
    if let Some(pcs) = &doc.v0_peer_connections {
        for (id, list) in &pcs.0 {
            feed(&mut h, Some(id), list, &format!("peerConnections.{id}"));
        }
    }
    Ok(h.b.finish())
}
