//! A session as a chrome://webrtc-internals dump, in the shape Chrome M144+
//! writes: `getUserMedia` entries, and per peer connection its `url`,
//! `rtcConfiguration` (JSON text), `updateLog` (`type`, `value` as JSON
//! text, numeric `timestamp`) and `stats` series (`<id>-<property>` with
//! `values` as JSON text, and the `<id>-timestamp` series that places them).
//!
//! Unlike Chrome, no series is cut at 1000 points: nothing the source has
//! is dropped. Every series is as long as its `-timestamp` series, with
//! `null` where the property had no value (Chrome's are shorter when a
//! property came later, and have no gaps), so that readers that align
//! values from the end and those that align them from the start agree.

use super::{conversion_note, number, properties, write_json, Report};
use crate::formats::webrtc_internals::stats::iso_from_unix_ms;
use crate::model::{GetUserMediaCall, Outcome, PeerConnection, Session, StatsObject};
use serde_json::{json, Map, Value};
use std::io::{self, Write};

/// The top-level metadata keys webrtc-internals has (see the importer).
const TOP_LEVEL: [&str; 5] = [
    "UserAgentData",
    "timestamp",
    "deviceMemory",
    "hardwareConcurrency",
    "cpuPerformance",
];

pub fn write(session: &Session, out: &mut impl Write) -> io::Result<Report> {
    let mut report = Report {
        peer_connections: session.peer_connections.len(),
        ..Report::default()
    };
    out.write_all(b"{\"getUserMedia\":[")?;
    let mut first = true;
    for (i, call) in session.get_user_media.iter().enumerate() {
        for entry in get_user_media_entries(i, call) {
            if !first {
                out.write_all(b",")?;
            }
            first = false;
            write_json(out, &entry)?;
        }
    }
    out.write_all(b"],\"PeerConnections\":{")?;
    for (i, pc) in session.peer_connections.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_json(out, &Value::String(pc.id.clone()))?;
        out.write_all(b":")?;
        peer_connection(pc, session, out, &mut report)?;
    }
    out.write_all(b"}")?;
    if let Some(ua) = &session.user_agent {
        out.write_all(b",\"UserAgent\":")?;
        write_json(out, &Value::String(ua.clone()))?;
    }
    for key in TOP_LEVEL {
        // The rtcstats dump-importer refuses a dump without `UserAgentData`
        // (added in M138): the source's, else what Chrome's rtcstats writer
        // recorded in the client's `create`, else an empty list.
        let fallback = (key == "UserAgentData").then(|| {
            session
                .metadata
                .get("client")
                .and_then(|c| c.get("userAgentData"))
                .cloned()
                .unwrap_or_else(|| Value::Array(Vec::new()))
        });
        if let Some(v) = session.metadata.get(key).cloned().or(fallback) {
            write!(out, ",\"{key}\":")?;
            write_json(out, &v)?;
        }
    }
    out.write_all(b",\"rtcviewConversion\":")?;
    write_json(out, &conversion_note(session, true))?;
    out.write_all(b"}")?;
    Ok(report)
}

/// A request entry and, when it has one, its result entry. `rid`, `pid` and
/// `request_id` only pair them here.
fn get_user_media_entries(i: usize, call: &GetUserMediaCall) -> Vec<Value> {
    let mut request = Map::new();
    request.insert("rid".into(), json!(0));
    request.insert("pid".into(), json!(0));
    request.insert("request_id".into(), json!(i));
    request.insert("request_type".into(), json!(call.request_type));
    if let Some(t) = call.t_ms {
        request.insert("timestamp".into(), number(t));
    }
    let mut result = request.clone();
    for (kind, asked) in [("audio", call.audio), ("video", call.video)] {
        if !asked {
            continue;
        }
        // `""` is "requested without constraints".
        let text = match call.constraints.get(kind) {
            None | Some(Value::Bool(true)) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
        };
        request.insert(kind.into(), Value::String(text));
    }
    match call.result_t_ms {
        Some(t) => result.insert("timestamp".into(), number(t)),
        None => result.remove("timestamp"),
    };
    match call.outcome {
        Outcome::Pending => return vec![Value::Object(request)],
        Outcome::Failure => {
            result.insert(
                "error".into(),
                json!(call.error.as_deref().unwrap_or_default()),
            );
            result.insert("error_message".into(), json!(""));
        }
        Outcome::Success => {
            result.insert("stream_id".into(), json!(""));
            for kind in ["audio", "video"] {
                if let Some(t) = call.tracks.iter().find(|t| t.kind.as_deref() == Some(kind)) {
                    let info = json!({"id": t.id, "label": t.label}).to_string();
                    result.insert(format!("{kind}_track_info"), Value::String(info));
                }
            }
        }
    }
    vec![Value::Object(request), Value::Object(result)]
}

fn peer_connection(
    pc: &PeerConnection,
    session: &Session,
    out: &mut impl Write,
    report: &mut Report,
) -> io::Result<()> {
    let mut head = Map::new();
    if let Some(url) = &pc.url {
        head.insert("url".into(), json!(url));
    }
    let configuration = match (&pc.configuration, &pc.configuration_text) {
        (Some(c), _) => Some(c.to_string()),
        (None, Some(text)) => Some(text.clone()),
        (None, None) => None,
    };
    if let Some(c) = configuration {
        head.insert("rtcConfiguration".into(), Value::String(c));
    }
    if let Some(c) = &pc.constraints {
        let text = match c {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        head.insert("constraints".into(), Value::String(text));
    }
    let head = serde_json::to_string(&Value::Object(head)).map_err(io::Error::other)?;
    // `{...` without its closing brace: the log and the stats follow.
    out.write_all(head.get(..head.len() - 1).unwrap_or("{").as_bytes())?;
    if head.len() > 2 {
        out.write_all(b",")?;
    }
    out.write_all(b"\"updateLog\":[")?;
    for (i, e) in pc.events.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let mut entry = Map::new();
        entry.insert("type".into(), json!(e.name));
        // Every value is JSON text (states as JSON strings, as M142+).
        let value = match &e.value {
            Value::Null => String::new(),
            v => v.to_string(),
        };
        entry.insert("value".into(), Value::String(value));
        match (e.t_ms, &e.time_text) {
            // `time` too, as ISO text (Chrome wrote locale text there until
            // M142; readers that show it, such as the rtcstats
            // dump-importer, parse it as a date).
            (Some(t), _) => {
                entry.insert("time".into(), json!(iso_from_unix_ms(t)));
                entry.insert("timestamp".into(), number(t));
            }
            (None, Some(text)) => {
                entry.insert("time".into(), json!(text));
            }
            (None, None) => {}
        }
        write_json(out, &Value::Object(entry))?;
        report.events += 1;
    }
    out.write_all(b"],\"stats\":{")?;
    let mut first = true;
    for o in &pc.stats {
        stats_object(o, session, out, &mut first, report)?;
    }
    out.write_all(b"}}")
}

/// One series object: `{startTime, endTime, statsType, values}`.
fn series(o: &StatsObject, values: &[Value]) -> Value {
    let mut s = Map::new();
    let start = o.times_ms.first().copied().unwrap_or(f64::NAN);
    let end = o.times_ms.last().copied().unwrap_or(f64::NAN);
    s.insert("startTime".into(), json!(iso_from_unix_ms(start)));
    s.insert("endTime".into(), json!(iso_from_unix_ms(end)));
    if let Some(t) = &o.stats_type {
        s.insert("statsType".into(), json!(t));
    }
    s.insert(
        "values".into(),
        Value::String(Value::from(values).to_string()),
    );
    Value::Object(s)
}

fn stats_object(
    o: &StatsObject,
    session: &Session,
    out: &mut impl Write,
    first: &mut bool,
    report: &mut Report,
) -> io::Result<()> {
    if o.times_ms.is_empty() {
        return Ok(());
    }
    report.samples += o.times_ms.len();
    let mut put = |out: &mut dyn Write, key: String, v: Value| -> io::Result<()> {
        if !*first {
            out.write_all(b",")?;
        }
        *first = false;
        write_json(out, &Value::String(key))?;
        out.write_all(b":")?;
        write_json(out, &v)
    };
    let times: Vec<Value> = o.times_ms.iter().map(|&t| number(t)).collect();
    put(out, format!("{}-timestamp", o.id), series(o, &times))?;
    for p in properties(o) {
        let name = p.name();
        // The importer splits a key at its last `-` (or `-[` for a
        // bracketed name): a plain name with a `-` would split elsewhere.
        if name == "timestamp" || name == "type" || (!name.starts_with('[') && name.contains('-')) {
            report.skipped_properties += 1;
            continue;
        }
        let values: Vec<Option<Value>> = (0..o.times_ms.len())
            .map(|row| p.at(row, &session.strings))
            .collect();
        if values.iter().all(Option::is_none) {
            continue;
        }
        // As long as the `-timestamp` series, `null` where there is no
        // value: Chrome's series may be shorter (readers align them from
        // the end, as rtcview does, or from the start, as the rtcstats
        // dump-importer's `createInternalsTimeSeries` does); at full
        // length both readings agree.
        let values: Vec<Value> = values
            .into_iter()
            .map(|v| v.unwrap_or(Value::Null))
            .collect();
        put(out, format!("{}-{name}", o.id), series(o, &values))?;
    }
    Ok(())
}
