//! Turns decoded rtcstats events into the session model. Shared by every
//! rtcstats dialect (fileFormat 3, Chrome's writer, jitsi, fippo 1/2, v0):
//! they differ in line layout and delta rules, not in what events mean.

use super::delta::{decode_legacy, Reports};
use super::line::{Entry, Stats};
use super::sdp;
use super::tables::V3Names;
use crate::build::{GumResult, ObjectRef, PlainNames, Row, SessionBuilder};
use crate::error::{Kind, Location, Severity};
use crate::json::text::{as_f64, json_in_string};
use crate::model::{Event, Format, GetUserMediaCall, Outcome, TrackInfo};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// How getStats payloads are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsEncoding {
    /// Full reports every time (Chrome's writer, v0, uncompressed `getStats`).
    Full,
    /// fileFormat 3 delta/id/property compression.
    V3Delta,
    /// jitsi delta: a missing id is removed.
    JitsiDelta,
    /// fippo delta: nothing is removed; `iso_top_time` for fileFormat 1.
    FippoDelta { iso_top_time: bool },
}

#[derive(Default)]
struct SdpState {
    local: Option<String>,
    remote: Option<String>,
}

pub struct Handler {
    pub b: SessionBuilder,
    bases: HashMap<String, Reports>,
    /// fileFormat 3: ids currently in each connection's report set. The
    /// previous values live in the columns themselves (see `v3_poll`).
    /// Indexed by (peer connection index, stats object index).
    live: HashMap<usize, Vec<bool>>,
    sdp: HashMap<String, SdpState>,
    /// Set when compressed method codes (numbers, `"g"`) were seen.
    pub saw_codes: bool,
    /// How this file's `getstats`/compressed getStats payloads are encoded.
    pub encoding: StatsEncoding,
    scratch: PollScratch,
}

/// Legacy goog report types (callback getStats): values are text. The
/// rule is `formats::legacy`'s, shared with webrtc-internals.
pub fn is_goog_report(id: &str, report: &Map<String, Value>) -> bool {
    crate::formats::legacy::is_legacy_report(id, report.get("type").and_then(Value::as_str))
}

fn is_local_description_event(name: &str) -> bool {
    matches!(
        name,
        "createOfferOnSuccess"
            | "createAnswerOnSuccess"
            | "setLocalDescription"
            | "setLocalDescriptionOnSuccess"
    )
}

impl Handler {
    pub fn new(dialect: &str) -> Self {
        Handler {
            b: SessionBuilder::new(Format::Rtcstats, dialect),
            bases: HashMap::new(),
            live: HashMap::new(),
            sdp: HashMap::new(),
            saw_codes: false,
            encoding: StatsEncoding::Full,
            scratch: PollScratch::default(),
        }
    }

    /// One event. `pc` is the connection id (`None` for client level).
    pub fn handle(
        &mut self,
        method: &str,
        pc: Option<&str>,
        value: Value,
        extras: Vec<Value>,
        t_ms: Option<f64>,
        line: Option<usize>,
    ) {
        let pc = match pc {
            Some("undefined-undefined") => {
                self.b.warn(
                    Kind::Suspicious,
                    "event with connection id \"undefined-undefined\" (a Chrome < M145 bug): kept as a client event",
                    line.map(Location::line).unwrap_or_default(),
                );
                None
            }
            other => other,
        };
        match method {
            "getStats" | "getstats" => {
                // An uncompressed "getStats" is a full report in every dialect.
                let enc = match (method, self.encoding) {
                    ("getStats", StatsEncoding::JitsiDelta | StatsEncoding::FippoDelta { .. }) => {
                        StatsEncoding::Full
                    }
                    (_, e) => e,
                };
                self.stats(pc, value, t_ms, line, enc);
                return;
            }
            "connectionInfo" => {
                let v = json_in_string(value);
                if let Some(ua) = v.get("userAgent").and_then(Value::as_str) {
                    self.b.set_user_agent(ua);
                }
                self.b.set_metadata("connectionInfo", v);
                return;
            }
            "publicIP" => {
                self.b.set_metadata("publicIP", value);
                return;
            }
            _ => {}
        }
        let value = json_in_string(value);
        if method == "identity" {
            self.b.set_metadata("identity", value.clone());
        }
        if method == "create" && pc.is_none() {
            if let Some(ua) = user_agent_from_data(value.get("userAgentData")) {
                if self.b.user_agent().is_none() {
                    self.b
                        .set_metadata("userAgentSynthesized", Value::Bool(true));
                }
                self.b.set_user_agent(&ua);
            }
            self.b.set_metadata("client", value.clone());
        }
        if method == "close" && pc.is_none() {
            self.b.set_metadata("closeCode", value.clone());
        }
        let is_media_devices = method.starts_with("navigator.")
            || matches!(
                method,
                "getUserMedia" | "getUserMediaOnSuccess" | "getUserMediaOnFailure"
            );
        if is_media_devices {
            self.get_user_media(method, &value, &extras, t_ms);
        }
        let pc = if is_media_devices { None } else { pc };
        let mut event = Event::new(t_ms, method, value);
        event.extras = extras;
        event.line = line;
        if let Some(pc_id) = pc {
            self.on_pc_event(pc_id, &mut event);
        }
        self.b.push_event(pc, event);
    }

    fn on_pc_event(&mut self, pc_id: &str, event: &mut Event) {
        match event.name.as_str() {
            "create" => {
                let url = event
                    .extras
                    .first()
                    .and_then(Value::as_str)
                    .map(str::to_string);
                // Old Chrome's configuration was JS-like text, not JSON
                // (a converted webrtc-internals dump carries it so).
                match &event.value {
                    Value::String(text) => self.b.set_pc_configuration_text(pc_id, text.clone()),
                    v => self.b.set_pc_configuration(pc_id, v.clone()),
                }
                if url.is_some() {
                    self.b.set_pc_url(pc_id, url);
                }
            }
            "constraints" => {
                self.b.set_pc_constraints(pc_id, event.value.clone());
            }
            name => {
                let local = is_local_description_event(name);
                let remote = name == "setRemoteDescription";
                if !(local || remote) {
                    return;
                }
                let Some(Value::String(text)) = event.value.get("sdp") else {
                    return;
                };
                let state = self.sdp.entry(pc_id.to_string()).or_default();
                let base = if local {
                    &mut state.local
                } else {
                    &mut state.remote
                };
                let expanded = if sdp::is_compressed(text) {
                    let (full, missing) = sdp::expand(text, base.as_deref());
                    if missing > 0 {
                        self.b.diag(
                            Severity::Info,
                            Kind::Truncated,
                            "compressed SDP section refers to a description that is not in the dump; shown as a marker",
                            event.line.map(Location::line).unwrap_or_default(),
                        );
                    }
                    full
                } else {
                    text.clone()
                };
                let state = self.sdp.entry(pc_id.to_string()).or_default();
                let base = if local {
                    &mut state.local
                } else {
                    &mut state.remote
                };
                *base = Some(expanded.clone());
                if let Some(o) = event.value.as_object_mut() {
                    o.insert("sdp".into(), Value::String(expanded));
                }
            }
        }
    }

    fn get_user_media(&mut self, method: &str, value: &Value, extras: &[Value], t_ms: Option<f64>) {
        let request_type = if method.contains("DisplayMedia") {
            "getDisplayMedia"
        } else {
            "getUserMedia"
        };
        let correlation = extras.first().and_then(Value::as_str).map(str::to_string);
        let short = method.rsplit('.').next().unwrap_or(method);
        if matches!(short, "getUserMedia" | "getDisplayMedia") {
            let requested = |k: &str| match value.get(k) {
                None | Some(Value::Null) | Some(Value::Bool(false)) => false,
                Some(_) => true,
            };
            let mut constraints = value.clone();
            if let Some(o) = constraints.as_object_mut() {
                for v in o.values_mut() {
                    *v = json_in_string(std::mem::take(v));
                }
            }
            self.b.push_get_user_media(GetUserMediaCall {
                t_ms,
                request_type: request_type.to_string(),
                audio: requested("audio"),
                video: requested("video"),
                constraints,
                outcome: Outcome::Pending,
                result_t_ms: None,
                error: None,
                tracks: Vec::new(),
                correlation,
            });
            return;
        }
        let success = short.ends_with("OnSuccess");
        let failure = short.ends_with("OnFailure");
        if !(success || failure) {
            return;
        }
        let result = if success {
            GumResult::Success(tracks_of(value))
        } else {
            GumResult::Failure(match value {
                Value::String(s) => s.clone(),
                Value::Object(o) => {
                    let name = o
                        .get("error")
                        .or_else(|| o.get("name"))
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    let msg = o
                        .get("error_message")
                        .or_else(|| o.get("message"))
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    match (name.is_empty(), msg.is_empty()) {
                        (false, false) => format!("{name}: {msg}"),
                        (false, true) => name.to_string(),
                        (true, false) => msg.to_string(),
                        (true, true) => value.to_string(),
                    }
                }
                other => other.to_string(),
            })
        };
        let matched =
            self.b
                .complete_get_user_media(correlation.as_deref(), request_type, t_ms, result);
        if !matched {
            self.b.warn(
                Kind::Malformed,
                format!("{method} without a matching request"),
                Location::default(),
            );
        }
    }

    fn stats(
        &mut self,
        pc: Option<&str>,
        value: Value,
        t_ms: Option<f64>,
        line: Option<usize>,
        encoding: StatsEncoding,
    ) {
        let loc = || line.map(Location::line).unwrap_or_default();
        let Some(pc) = pc else {
            self.b.warn(
                Kind::Malformed,
                "getStats without a peer connection id; ignored",
                loc(),
            );
            return;
        };
        let Value::Object(delta) = value else {
            self.b.warn(
                Kind::Malformed,
                "getStats value is not an object; ignored",
                loc(),
            );
            return;
        };
        self.b.count_poll(pc);
        let mut fallback_time = t_ms;
        let reports: &Reports = match encoding {
            StatsEncoding::Full => {
                let base = self.bases.entry(pc.to_string()).or_default();
                *base = delta;
                base
            }
            // fileFormat 3 payloads normally arrive flat (`handle_stats`);
            // a Value payload is decoded by the reference decoder.
            StatsEncoding::V3Delta => {
                let base = self.bases.entry(pc.to_string()).or_default();
                super::delta::decode_v3(base, delta);
                base
            }
            StatsEncoding::JitsiDelta | StatsEncoding::FippoDelta { .. } => {
                let base = self.bases.entry(pc.to_string()).or_default();
                let top = decode_legacy(base, delta, encoding == StatsEncoding::JitsiDelta);
                if matches!(encoding, StatsEncoding::FippoDelta { iso_top_time: true }) {
                    // fileFormat 1: report times unknown; plot at the event time.
                    fallback_time = t_ms;
                } else if fallback_time.is_none() {
                    fallback_time = top;
                }
                base
            }
        };
        let iso_top = matches!(encoding, StatsEncoding::FippoDelta { iso_top_time: true });
        let mut untimed = 0usize;
        for (id, r) in reports {
            let Value::Object(r) = r else { continue };
            let own = if iso_top {
                None
            } else {
                r.get("timestamp").and_then(as_f64).filter(|t| *t > 0.0)
            };
            let Some(t) = own.or(fallback_time) else {
                untimed += 1;
                continue;
            };
            let legacy = is_goog_report(id, r);
            self.b.push_report(pc, id, t, r, legacy);
        }
        if untimed > 0 {
            self.b.warn(
                Kind::Malformed,
                "stats reports without any timestamp; not placed in time",
                loc(),
            );
        }
    }
}

impl Handler {
    /// A fileFormat 3 getStats payload (compressed, or Chrome's full reports).
    pub fn handle_stats(
        &mut self,
        pc: Option<&str>,
        stats: Stats<'_>,
        t_ms: Option<f64>,
        line: Option<usize>,
    ) {
        let Some(pc) = pc else {
            self.b.warn(
                Kind::Malformed,
                "getStats without a peer connection id; ignored",
                line.map(Location::line).unwrap_or_default(),
            );
            return;
        };
        self.b.count_poll(pc);
        match self.encoding {
            StatsEncoding::V3Delta => self.v3_poll(pc, stats, t_ms),
            _ => {
                let p = self.b.pc_index(pc);
                let mut untimed = 0usize;
                for (id, entry) in &stats.members {
                    let Entry::Object(r) = entry else { continue };
                    let r = stats.object(r);
                    let own = r
                        .iter()
                        .find(|(k, _)| k == "timestamp")
                        .and_then(|(_, v)| v.as_f64())
                        .filter(|t| *t > 0.0);
                    let Some(t) = own.or(t_ms) else {
                        untimed += 1;
                        continue;
                    };
                    let o = self.b.stats_slot(p, id);
                    self.b.push_row(o, t, Some(r), Row::Fresh, &PlainNames);
                }
                if untimed > 0 {
                    self.b.warn(
                        Kind::Malformed,
                        "stats reports without any timestamp; not placed in time",
                        line.map(Location::line).unwrap_or_default(),
                    );
                }
            }
        }
    }

    /// One compressed fileFormat 3 poll, decoded straight into the columns.
    ///
    /// Same semantics as [`super::delta::decode_v3`] (the spec-shaped
    /// reference decoder, checked against the encoder by the property tests):
    /// `null` removes an id, an id absent from the delta is unchanged and
    /// takes the hoisted time `t`, present properties overwrite (objects one
    /// level deep, via their flattened `name.key` columns). But instead of
    /// rebuilding every full report and writing every property of every
    /// report again, unchanged values are carried forward column by column:
    /// the delta's size, not the report set's, drives the cost.
    fn v3_poll(&mut self, pc: &str, stats: Stats<'_>, event_t: Option<f64>) {
        let hoisted = stats.hoisted;
        let p = self.b.pc_index(pc);
        let mut s = std::mem::take(&mut self.scratch);
        s.rows.clear();
        s.removed.clear();
        let mut untimed = 0usize;
        for (id, entry) in &stats.members {
            match entry {
                Entry::Null => s.removed.push(self.b.stats_slot(p, id).obj),
                Entry::Object(range) => {
                    // "t" inside a report is its own timestamp.
                    let own = stats
                        .object(range)
                        .iter()
                        .find(|(k, _)| k == "t" || k == "timestamp")
                        .and_then(|(_, v)| v.as_f64());
                    let Some(t) = own.or(hoisted).or(event_t) else {
                        untimed += 1;
                        continue;
                    };
                    s.rows
                        .push((self.b.stats_slot(p, id).obj, t, range.clone(), false));
                }
                Entry::Other => {}
            }
        }
        let live = self.live.entry(p).or_default();
        s.touched.clear();
        s.touched.resize(live.len(), false);
        for &o in &s.removed {
            if let Some(l) = live.get_mut(o) {
                *l = false;
            }
        }
        // In file order: an id listed twice in one poll carries the first.
        for (o, _, _, carry) in &mut s.rows {
            if live.len() <= *o {
                live.resize(*o + 1, false);
                s.touched.resize(*o + 1, false);
            }
            if let (Some(l), Some(t)) = (live.get_mut(*o), s.touched.get_mut(*o)) {
                *carry = *l;
                *l = true;
                *t = true;
            }
        }
        for (o, t, range, carry) in &s.rows {
            let report = stats.object(range);
            let row = if *carry { Row::Carried } else { Row::Fresh };
            let at = ObjectRef { pc: p, obj: *o };
            self.b.push_row(at, *t, Some(report), row, &V3Names);
        }
        if let Some(t) = hoisted {
            for (o, (l, touched)) in live.iter().zip(&s.touched).enumerate() {
                if *l && !*touched {
                    let at = ObjectRef { pc: p, obj: o };
                    self.b.push_row(at, t, None, Row::Carried, &V3Names);
                }
            }
        }
        self.scratch = s;
        if untimed > 0 {
            self.b.warn(
                Kind::Malformed,
                "stats reports without any timestamp; not placed in time",
                Location::default(),
            );
        }
    }
}

/// `v3_poll`'s working lists, kept from poll to poll so that a poll
/// allocates nothing.
#[derive(Default)]
struct PollScratch {
    /// (stats object, row time, report properties, carries the previous row)
    rows: Vec<(usize, f64, std::ops::Range<usize>, bool)>,
    removed: Vec<usize>,
    touched: Vec<bool>,
}

fn tracks_of(value: &Value) -> Vec<TrackInfo> {
    let s = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    match value {
        // rtcstats-js: [[kind, trackId, label, streamId], ...]
        Value::Array(items) => items
            .iter()
            .filter_map(|t| t.as_array())
            .map(|t| TrackInfo {
                kind: s(t.first()),
                id: s(t.get(1)),
                label: s(t.get(2)),
            })
            .collect(),
        // legacy clients: {id, tracks: [{id, kind, label}]}
        Value::Object(o) => o
            .get("tracks")
            .and_then(Value::as_array)
            .map(|ts| {
                ts.iter()
                    .map(|t| TrackInfo {
                        kind: s(t.get("kind")),
                        id: s(t.get("id")),
                        label: s(t.get("label")),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A readable browser string from `userAgentData` (Chrome's writer records no
/// user agent string): `"Google Chrome 144 (Linux)"`.
pub fn user_agent_from_data(data: Option<&Value>) -> Option<String> {
    let data = data?;
    let brands = data
        .get("brands")
        .or_else(|| data.get("fullVersionList"))
        .unwrap_or(data)
        .as_array()?;
    fn pick(b: &Value) -> Option<(&str, &str)> {
        Some((b.get("brand")?.as_str()?, b.get("version")?.as_str()?))
    }
    let all: Vec<(&str, &str)> = brands
        .iter()
        .filter_map(pick)
        .filter(|(b, _)| !b.to_ascii_lowercase().contains("not"))
        .collect();
    let best = ["Google Chrome", "Microsoft Edge", "Opera", "Brave"]
        .iter()
        .find_map(|want| all.iter().find(|(b, _)| b == want))
        .or_else(|| all.iter().find(|(b, _)| *b != "Chromium"))
        .or_else(|| all.first())?;
    let mut out = format!("{} {}", best.0, best.1);
    if let Some(p) = data
        .get("platform")
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
    {
        out.push_str(&format!(" ({p})"));
    }
    Some(out)
}
