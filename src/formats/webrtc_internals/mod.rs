//! chrome://webrtc-internals dumps, M83 to M149 (see `docs/formats-support.md`).
//!
//! The dump is one JSON document. Its stats are stored per (stats id,
//! property) series whose values are JSON text to be parsed again; we group
//! them back per stats id, place every value on the id's `-timestamp` series
//! (aligned from the end, as Chrome truncates from the front) and store them
//! columnar.

pub mod raw;
pub mod stats;
pub mod update_log;

use crate::build::{GumResult, SessionBuilder};
use crate::error::{ImportError, Kind, Location, Severity};
use crate::json::salvage;
use crate::json::text::as_f64;
use crate::model::{Format, GetUserMediaCall, Outcome, Session, TrackInfo};
use raw::Document;
use serde_json::{Map, Value};

/// Imports a JSON document: webrtc-internals, or rtcstats v0 (which shares
/// the `{`-first shape and is told apart by its `peerConnections` key).
pub fn import_document(data: &[u8]) -> Result<Session, ImportError> {
    let mut notes: Vec<(Kind, String, usize)> = Vec::new();
    let repaired;
    let doc: Document = match serde_json::from_slice(data) {
        Ok(d) => d,
        Err(e) => {
            let at = byte_offset(data, e.line(), e.column());
            let line = e.line();
            let truncated = e.is_eof();
            let kind = if truncated {
                Kind::Truncated
            } else {
                Kind::Malformed
            };
            // One candidate at a time: each is a copy of up to the whole file.
            let found = salvage::repaired_prefixes(data, at, 8)
                .find(|fixed| serde_json::from_slice::<Document>(fixed).is_ok());
            let Some(fixed) = found else {
                let msg = if truncated {
                    format!("the file ends early (at line {line}) and nothing readable was found before")
                } else {
                    format!("not valid JSON: {e}")
                };
                return Err(ImportError::new(kind, msg).at(Location::line(line)));
            };
            repaired = fixed;
            let msg = if truncated {
                format!("truncated at line {line}: showing what was read")
            } else {
                format!("damaged at line {line} ({e}): showing what was read before it")
            };
            notes.push((kind, msg, line));
            match serde_json::from_slice(&repaired) {
                Ok(d) => d,
                Err(e) => return Err(ImportError::new(Kind::Malformed, e.to_string())),
            }
        }
    };

    if doc.v0_peer_connections.is_some() {
        let mut s = crate::formats::rtcstats::v0::import(doc)?;
        for (kind, msg, line) in notes {
            s.diagnostics.insert(0, diag(kind, msg, line));
        }
        return Ok(s);
    }
    if doc.peer_connections.is_none() && doc.get_user_media.is_none() && doc.user_agent.is_none() {
        return Err(ImportError::new(
            Kind::Unrecognized,
            "not a WebRTC dump: a JSON document without the PeerConnections, getUserMedia or UserAgent keys of webrtc-internals",
        ));
    }

    let mut b = SessionBuilder::new(Format::WebrtcInternals, "");
    let why_untimed = stats::why_untimed(!notes.is_empty());
    for (kind, msg, line) in notes {
        b.diag(Severity::Error, kind, msg, Location::line(line));
    }
    if let Some(Value::String(ua)) = &doc.user_agent {
        b.set_user_agent(ua);
    }
    for (key, v) in [
        ("UserAgentData", &doc.user_agent_data),
        ("timestamp", &doc.timestamp),
        ("deviceMemory", &doc.device_memory),
        ("hardwareConcurrency", &doc.hardware_concurrency),
        ("cpuPerformance", &doc.cpu_performance),
    ] {
        if let Some(v) = v {
            b.set_metadata(key, v.clone());
        }
    }
    let converted = doc.rtcview_conversion.is_some();
    if let Some(note) = &doc.rtcview_conversion {
        b.restore_conversion_note(note);
    }
    match &doc.get_user_media {
        Some(Value::Array(entries)) => import_get_user_media(&mut b, entries),
        Some(Value::Null) | None => {}
        Some(_) => b.warn(
            Kind::Malformed,
            "getUserMedia is not an array; ignored",
            Location::key("getUserMedia"),
        ),
    }

    let mut era = update_log::Era::NoLog;
    let mut legacy_stats = false;
    if let Some(pcs) = doc.peer_connections {
        for (pc_id, pc) in pcs.0 {
            let url = match &pc.url {
                Some(Value::String(u)) => Some(u.clone()),
                _ => None,
            };
            b.set_pc_url(&pc_id, url);
            import_configuration(
                &mut b,
                &pc_id,
                pc.rtc_configuration.as_ref(),
                pc.constraints.as_ref(),
            );
            match &pc.update_log {
                Some(Value::Array(entries)) => {
                    era = era.max(update_log::import(&mut b, &pc_id, entries))
                }
                None | Some(Value::Null) => {}
                Some(_) => b.warn(
                    Kind::Malformed,
                    "updateLog is not an array; ignored",
                    Location::key(format!("PeerConnections.{pc_id}.updateLog")),
                ),
            }
            if let Some(series) = pc.stats {
                legacy_stats |= stats::import(&mut b, &pc_id, series.0, why_untimed, !converted);
            }
        }
    }
    let mut dialect = era.name().to_string();
    if legacy_stats {
        dialect.push_str("+goog");
    }
    b.set_dialect(&dialect);
    Ok(b.finish())
}

fn diag(kind: Kind, message: String, line: usize) -> crate::error::Diagnostic {
    crate::error::Diagnostic {
        severity: Severity::Error,
        kind,
        message,
        location: Location::line(line),
        count: 1,
    }
}

/// Byte offset of a serde_json (1-based line, 1-based column) position.
fn byte_offset(data: &[u8], line: usize, column: usize) -> usize {
    let mut current = 1;
    let mut start = 0;
    if line > 1 {
        for (i, &c) in data.iter().enumerate() {
            if c == b'\n' {
                current += 1;
                if current == line {
                    start = i + 1;
                    break;
                }
            }
        }
    }
    (start + column).min(data.len())
}

fn import_configuration(
    b: &mut SessionBuilder,
    pc_id: &str,
    config: Option<&Value>,
    constraints: Option<&Value>,
) {
    b.ensure_pc(pc_id);
    match config {
        Some(Value::String(text)) if !text.trim().is_empty() => {
            match serde_json::from_slice::<Value>(text.as_bytes()) {
                Ok(v) => b.set_pc_configuration(pc_id, v),
                Err(_) => b.set_pc_configuration_text(pc_id, text.clone()),
            }
        }
        Some(Value::Object(o)) => b.set_pc_configuration(pc_id, Value::Object(o.clone())),
        _ => {}
    }
    match constraints {
        Some(Value::String(text)) if !text.trim().is_empty() => b.set_pc_constraints(
            pc_id,
            serde_json::from_slice(text.as_bytes()).unwrap_or_else(|_| Value::String(text.clone())),
        ),
        Some(v @ Value::Object(_)) => b.set_pc_constraints(pc_id, v.clone()),
        _ => {}
    }
}

/// Constraint text of a getUserMedia entry: `""` means "requested without
/// constraints" (true); JSON is parsed; Chrome's old JS-like text is kept.
fn constraint_value(text: &Value) -> Value {
    match text {
        Value::String(s) if s.trim().is_empty() => Value::Bool(true),
        Value::String(s) => {
            serde_json::from_slice(s.as_bytes()).unwrap_or_else(|_| Value::String(s.clone()))
        }
        other => other.clone(),
    }
}

fn correlation_key(o: &Map<String, Value>) -> Option<String> {
    let rid = o.get("rid")?;
    let pid = o.get("pid")?;
    let req = o.get("request_id")?;
    Some(format!("{rid}-{pid}-{req}"))
}

fn track_info(kind: &str, v: Option<&Value>) -> Option<TrackInfo> {
    let Value::String(s) = v? else { return None };
    let info: Value = serde_json::from_slice(s.as_bytes()).ok()?;
    let o = info.as_object()?;
    Some(TrackInfo {
        kind: Some(kind.to_string()),
        id: o.get("id").and_then(Value::as_str).map(str::to_string),
        label: o.get("label").and_then(Value::as_str).map(str::to_string),
    })
}

fn import_get_user_media(b: &mut SessionBuilder, entries: &[Value]) {
    for (i, entry) in entries.iter().enumerate() {
        let Some(o) = entry.as_object() else {
            b.warn(
                Kind::Malformed,
                "getUserMedia entry is not an object",
                Location::key(format!("getUserMedia[{i}]")),
            );
            continue;
        };
        let t_ms = o.get("timestamp").and_then(as_f64);
        let key = correlation_key(o);
        let request_type = o
            .get("request_type")
            .and_then(Value::as_str)
            .unwrap_or("getUserMedia")
            .to_string();
        let is_result = o.contains_key("stream_id")
            || o.contains_key("error")
            || o.contains_key("audio_track_info")
            || o.contains_key("video_track_info");
        if !is_result {
            let mut constraints = Map::new();
            for k in ["audio", "video"] {
                if let Some(v) = o.get(k) {
                    constraints.insert(k.to_string(), constraint_value(v));
                }
            }
            b.push_get_user_media(GetUserMediaCall {
                t_ms,
                request_type,
                audio: o.contains_key("audio"),
                video: o.contains_key("video"),
                constraints: Value::Object(constraints),
                outcome: Outcome::Pending,
                result_t_ms: None,
                error: None,
                tracks: Vec::new(),
                correlation: key,
            });
            continue;
        }
        let result = if let Some(err) = o.get("error") {
            let name = err
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| err.to_string());
            let message = o.get("error_message").and_then(Value::as_str).unwrap_or("");
            GumResult::Failure(if message.is_empty() {
                name
            } else {
                format!("{name}: {message}")
            })
        } else {
            GumResult::Success(
                [
                    ("audio", o.get("audio_track_info")),
                    ("video", o.get("video_track_info")),
                ]
                .into_iter()
                .filter_map(|(k, v)| track_info(k, v))
                .collect(),
            )
        };
        if !b.complete_get_user_media(key.as_deref(), &request_type, t_ms, result) {
            b.warn(
                Kind::Malformed,
                "getUserMedia result without a matching request",
                Location::key(format!("getUserMedia[{i}]")),
            );
        }
    }
}
