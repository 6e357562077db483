//! A session as an rtcstats dump in the shape of Chrome's own writer
//! (fileFormat 3 without compression: plain method names, full getStats
//! reports with their `id`, `type` and `timestamp`), which every rtcstats
//! reader takes.
//!
//! Lines are merged in time order from separate streams (client events,
//! getUserMedia, and per peer connection its events and its polls), each
//! stream keeping its own order, so that state changes replay as recorded.
//! A peer connection's first line never comes before the previous peer
//! connection's, so that they are read back in the same order.

use super::{conversion_note, number, properties, write_json, Property, Report};
use crate::model::{Event, GetUserMediaCall, Outcome, PeerConnection, Session, StatsObject};
use serde_json::{json, Map, Value};
use std::io::{self, Write};

/// One line before it is written: its time (`None`: the source had none)
/// and its array without the time delta, or the poll it is to be built
/// from when written (a poll's JSON is made one at a time: all of them at
/// once would hold the session several times over).
struct Line {
    t_ms: Option<f64>,
    items: Vec<Value>,
    poll: Option<Poll>,
}

/// The rows of one getStats poll: (time, stats object, row) of one
/// connection.
struct Poll {
    pc: usize,
    rows: Vec<(f64, usize, usize)>,
}

/// The getUserMedia-family events the getUserMedia calls are written from
/// (the importer turns them into calls, and also keeps them as client
/// events): not written again as client events.
fn is_media_request(name: &str) -> bool {
    let short = name.rsplit('.').next().unwrap_or(name);
    let base = short
        .strip_suffix("OnSuccess")
        .or_else(|| short.strip_suffix("OnFailure"))
        .unwrap_or(short);
    matches!(base, "getUserMedia" | "getDisplayMedia")
}

pub fn write(session: &Session, out: &mut impl Write) -> io::Result<Report> {
    let mut report = Report {
        peer_connections: session.peer_connections.len(),
        ..Report::default()
    };
    let mut header = Map::new();
    header.insert("fileFormat".into(), json!(3));
    if let Some(ua) = &session.user_agent {
        header.insert("userAgent".into(), json!(ua));
    }
    header.insert("rtcviewConversion".into(), conversion_note(session, false));
    out.write_all(b"RTCStatsDump\n")?;
    write_json(out, &Value::Object(header))?;
    out.write_all(b"\n")?;

    let mut streams: Vec<Vec<Line>> = Vec::new();
    streams.push(
        session
            .client_events
            .iter()
            .filter(|e| !is_media_request(&e.name))
            .map(|e| event_line(e, None))
            .collect(),
    );
    streams.push(get_user_media_lines(&session.get_user_media));
    for (p, pc) in session.peer_connections.iter().enumerate() {
        let mut lines = pc_event_lines(pc, &mut report);
        let polls = poll_lines(p, pc, &mut report);
        lines = merge(vec![lines, polls], usize::MAX);
        streams.push(lines);
    }
    report.events = streams
        .iter()
        .flatten()
        .filter(|l| l.poll.is_none())
        .count();
    // Client and getUserMedia first at equal times; each connection (from
    // stream 2 on) no earlier than the one before it.
    let lines = merge(streams, 2);
    let props: Vec<Vec<Vec<_>>> = session
        .peer_connections
        .iter()
        .map(|pc| pc.stats.iter().map(properties).collect())
        .collect();
    let mut last = 0.0;
    for line in lines {
        let mut items = line.items;
        if let Some(poll) = &line.poll {
            let (Some(pc), Some(props)) =
                (session.peer_connections.get(poll.pc), props.get(poll.pc))
            else {
                continue;
            };
            items = vec![
                json!("getStats"),
                json!(pc.id),
                poll_reports(pc, props, poll, session),
            ];
        }
        // The delta from the line before (the first is absolute); a line
        // without a time gets `null`, which leaves the running sum alone.
        match line.t_ms.filter(|t| t.is_finite()) {
            Some(t) => {
                items.push(number(t - last));
                last = t;
            }
            None => items.push(Value::Null),
        }
        write_json(out, &Value::Array(items))?;
        out.write_all(b"\n")?;
    }
    Ok(report)
}

/// Lines of several streams in time order, each keeping its own order (a
/// line without a time goes with the one before it). Streams from
/// `chained_from` on also start no earlier than the stream before them
/// began, so that peer connections are read back in their order.
fn merge(streams: Vec<Vec<Line>>, chained_from: usize) -> Vec<Line> {
    let mut floor: Option<f64> = None;
    let mut keyed: Vec<(f64, usize, usize, Line)> = Vec::new();
    for (s, lines) in streams.into_iter().enumerate() {
        let chained = s >= chained_from;
        let mut key = if chained { floor } else { None };
        let mut first_key = None;
        for (i, line) in lines.into_iter().enumerate() {
            if let Some(t) = line.t_ms.filter(|t| t.is_finite()) {
                key = Some(key.map_or(t, |k: f64| k.max(t)));
            }
            let k = key.unwrap_or(f64::NEG_INFINITY);
            first_key.get_or_insert(k);
            keyed.push((k, s, i, line));
        }
        if let (true, Some(k)) = (chained, first_key) {
            floor = Some(floor.map_or(k, |f: f64| f.max(k)));
        }
    }
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    keyed.into_iter().map(|(_, _, _, l)| l).collect()
}

fn event_line(e: &Event, pc: Option<&str>) -> Line {
    let mut items = vec![json!(e.name), pc.map_or(Value::Null, |p| json!(p))];
    items.push(e.value.clone());
    items.extend(e.extras.iter().cloned());
    Line {
        t_ms: e.t_ms,
        items,
        poll: None,
    }
}

fn get_user_media_lines(calls: &[GetUserMediaCall]) -> Vec<Line> {
    let mut lines = Vec::new();
    for (i, call) in calls.iter().enumerate() {
        let method = format!("navigator.mediaDevices.{}", call.request_type);
        let key = json!(call
            .correlation
            .clone()
            .unwrap_or_else(|| format!("rtcview-{i}")));
        let mut constraints = match &call.constraints {
            Value::Object(o) => o.clone(),
            _ => Map::new(),
        };
        for (kind, asked) in [("audio", call.audio), ("video", call.video)] {
            if asked && constraints.get(kind).is_none_or(|v| *v == json!(false)) {
                constraints.insert(kind.into(), json!(true));
            }
            if !asked {
                constraints.remove(kind);
            }
        }
        lines.push(Line {
            t_ms: call.t_ms,
            items: vec![
                json!(method),
                Value::Null,
                Value::Object(constraints),
                key.clone(),
            ],
            poll: None,
        });
        let result = match call.outcome {
            Outcome::Pending => continue,
            Outcome::Success => Value::Array(
                call.tracks
                    .iter()
                    .map(|t| json!([t.kind, t.id, t.label, Value::Null]))
                    .collect(),
            ),
            Outcome::Failure => json!(call.error.as_deref().unwrap_or_default()),
        };
        let suffix = if call.outcome == Outcome::Success {
            "OnSuccess"
        } else {
            "OnFailure"
        };
        lines.push(Line {
            t_ms: call.result_t_ms,
            items: vec![json!(format!("{method}{suffix}")), Value::Null, result, key],
            poll: None,
        });
    }
    lines
}

/// A connection's events, with a `create` first when it had none but has a
/// configuration or page URL: rtcstats carries them only there.
fn pc_event_lines(pc: &PeerConnection, report: &mut Report) -> Vec<Line> {
    let mut lines = Vec::new();
    let has_create = pc.events.iter().any(|e| e.name == "create");
    let configuration = pc
        .configuration
        .clone()
        .or_else(|| pc.configuration_text.clone().map(Value::String));
    if !has_create && (configuration.is_some() || pc.url.is_some()) {
        let first_t = pc.events.iter().find_map(|e| e.t_ms).or_else(|| {
            pc.stats
                .iter()
                .filter_map(|o| o.times_ms.first().copied())
                .reduce(f64::min)
        });
        let mut items = vec![
            json!("create"),
            json!(pc.id),
            configuration.unwrap_or(Value::Null),
        ];
        if let Some(url) = &pc.url {
            items.push(json!(url));
        }
        lines.push(Line {
            t_ms: first_t,
            items,
            poll: None,
        });
        report.synthesized_creates += 1;
    }
    for e in &pc.events {
        let mut line = event_line(e, Some(&pc.id));
        // The page URL is `create`'s extra (webrtc-internals keeps it apart).
        if let (true, true, Some(url)) = (e.name == "create", e.extras.is_empty(), &pc.url) {
            line.items.push(json!(url));
        }
        lines.push(line);
    }
    lines
}

/// The connection's stats as polls: rows in time order, a new poll when a
/// stats object would repeat or the rows are more than half a poll
/// interval apart. Each report keeps its own `timestamp` (the importer
/// places rows by it); the poll's line time is its latest.
fn poll_lines(p: usize, pc: &PeerConnection, report: &mut Report) -> Vec<Line> {
    let mut rows: Vec<(f64, usize, usize)> = Vec::new();
    for (k, o) in pc.stats.iter().enumerate() {
        rows.extend(o.times_ms.iter().enumerate().map(|(i, &t)| (t, k, i)));
    }
    report.samples += rows.len();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut intervals: Vec<f64> = pc
        .stats
        .iter()
        .filter_map(StatsObject::typical_interval_ms)
        .collect();
    intervals.sort_by(f64::total_cmp);
    let half = intervals
        .get(intervals.len() / 2)
        .copied()
        .unwrap_or(1000.0)
        / 2.0;
    let mut lines = Vec::new();
    let mut poll: Vec<(f64, usize, usize)> = Vec::new();
    let mut in_poll: Vec<bool> = vec![false; pc.stats.len()];
    let flush = |poll: &mut Vec<(f64, usize, usize)>, lines: &mut Vec<Line>| {
        if let Some(latest) = poll.iter().map(|r| r.0).reduce(f64::max) {
            lines.push(Line {
                t_ms: Some(latest),
                items: Vec::new(),
                poll: Some(Poll {
                    pc: p,
                    rows: std::mem::take(poll),
                }),
            });
        }
    };
    for row in rows {
        let (t, k, _) = row;
        let repeats = in_poll.get(k).copied().unwrap_or(false);
        if repeats || poll.first().is_some_and(|first| t - first.0 > half) {
            flush(&mut poll, &mut lines);
            in_poll.iter_mut().for_each(|b| *b = false);
        }
        poll.push(row);
        if let Some(b) = in_poll.get_mut(k) {
            *b = true;
        }
    }
    flush(&mut poll, &mut lines);
    lines
}

/// A poll's reports, keyed by stats id: `id`, `type`, `timestamp` and the
/// row's values.
fn poll_reports(
    pc: &PeerConnection,
    props: &[Vec<Property<'_>>],
    poll: &Poll,
    session: &Session,
) -> Value {
    let mut reports = Map::new();
    for &(t, k, i) in &poll.rows {
        let (Some(o), Some(props)) = (pc.stats.get(k), props.get(k)) else {
            continue;
        };
        let mut r = Map::new();
        r.insert("id".into(), json!(o.id));
        if let Some(ty) = &o.stats_type {
            r.insert("type".into(), json!(ty));
        }
        r.insert("timestamp".into(), number(t));
        for p in props {
            if let Some(v) = p.at(i, &session.strings) {
                r.entry(p.name().to_string()).or_insert(v);
            }
        }
        reports.insert(o.id.clone(), Value::Object(r));
    }
    Value::Object(reports)
}
