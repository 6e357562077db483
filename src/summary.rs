//! The `rtcview-summary/1` document: what `rtcview summary` prints and what
//! the embed protocol's `statsReady.v1` carries. Field names and meanings are
//! a public contract (docs/summary-schema.md); add fields, never rename.

use crate::error::{Diagnostic, Severity};
use crate::findings::{Check, Finding, Score};
use crate::metrics::rtp::Derived;
use crate::metrics::{rtp_streams, selected_candidate_pair, Direction, SelectedPair, Stat};
use crate::model::{Outcome, Session, StateChange};
use serde::Serialize;

pub const SCHEMA: &str = "rtcview-summary/1";

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Summary {
    #[cfg_attr(test, ts(type = "\"rtcview-summary/1\""))]
    pub schema: &'static str,
    pub source: Source,
    pub user_agent: Option<String>,
    pub start_ms: Option<f64>,
    pub duration_ms: Option<f64>,
    pub get_user_media: Vec<GumSummary>,
    pub peer_connections: Vec<PcSummary>,
    pub diagnostics: Vec<DiagSummary>,
    /// The verdict (docs/findings.md): most severe first.
    pub findings: Vec<Finding>,
    /// What every rule looked at, or why it could not.
    pub checks: Vec<Check>,
    /// The rules' version.
    pub ruleset: &'static str,
    pub score: Score,
    /// Every dump the document covers, in the order given (one for one
    /// file); `source` above is the first's.
    pub sources: Vec<Source>,
    /// Connections of different browsers that are the two ends of one
    /// connection (`crate::combine`).
    pub links: Vec<crate::combine::Link>,
    /// Pairs of browsers nothing links, said plainly.
    pub unlinked: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Source {
    /// The file's name; `None` when none was given (a pasted dump, or
    /// `summarize` without one).
    pub name: Option<String>,
    #[cfg_attr(test, ts(type = "Format"))]
    pub format: &'static str,
    pub dialect: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub bytes: u64,
    pub gzip: bool,
    #[cfg_attr(test, ts(type = "number"))]
    pub decoded_bytes: u64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct GumSummary {
    pub t_ms: Option<f64>,
    pub request_type: String,
    pub audio: bool,
    pub video: bool,
    pub outcome: Outcome,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PcSummary {
    pub id: String,
    pub url: Option<String>,
    pub ice_servers: Vec<String>,
    pub events: usize,
    pub connection_states: Vec<StateChange>,
    pub ice_connection_states: Vec<StateChange>,
    pub signaling_states: Vec<StateChange>,
    pub selected_candidate_pair: Option<SelectedPair>,
    /// How it ended, in a word and a line (`findings::outcome`).
    pub outcome: crate::findings::outcome::PcOutcome,
    /// "offerer" when this end made the first offer, "answerer" when it
    /// answered one: who called whom, where the dump's ids (`8-1`) do not
    /// say.
    pub role: Option<&'static str>,
    pub stats_objects: usize,
    pub rtp: Vec<RtpSummary>,
    /// The dumps that hold this connection (indexes into `sources`): more
    /// than one when dumps of one browser were merged.
    pub sources: Vec<usize>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RtpSummary {
    pub stats_id: String,
    pub direction: Direction,
    pub kind: Option<String>,
    #[cfg_attr(test, ts(type = "number | null"))]
    pub ssrc: Option<u64>,
    pub codec: Option<String>,
    pub samples: usize,
    pub bitrate_kbps: Option<Stat>,
    pub packets_per_second: Option<Stat>,
    pub packets_lost_pct: Option<f64>,
    pub jitter_ms: Option<Stat>,
    pub rtt_ms: Option<Stat>,
    pub frames_per_second: Option<Stat>,
    pub jitter_buffer_delay_ms: Option<Stat>,
    pub decode_ms_per_frame: Option<Stat>,
    #[cfg_attr(test, ts(type = "number | null"))]
    pub frame_width: Option<u64>,
    #[cfg_attr(test, ts(type = "number | null"))]
    pub frame_height: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DiagSummary {
    pub severity: Severity,
    pub kind: String,
    pub message: String,
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub key: Option<String>,
    #[cfg_attr(test, ts(type = "number"))]
    pub count: u64,
    /// The dump it is about (index into `sources`), when the document
    /// covers several.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub source: Option<usize>,
}

/// Rounds to 3 decimals so summaries are readable and stable.
/// Who made the first offer, from the first signaling state that holds
/// one (`have-local-offer`: this end offered, the caller in a 1:1 call).
/// The state, not the `setLocalDescription` call: an implicit
/// `setLocalDescription()` records no type.
fn role(pc: &crate::model::PeerConnection) -> Option<&'static str> {
    pc.signaling_states
        .iter()
        .find_map(|c| match c.state.as_str() {
            "have-local-offer" | "have-remote-pranswer" => Some("offerer"),
            "have-remote-offer" | "have-local-pranswer" => Some("answerer"),
            _ => None,
        })
}

fn r3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn stat(d: Option<Derived<'_>>) -> Option<Stat> {
    let s = Stat::of(&d?.values)?;
    Some(Stat {
        mean: r3(s.mean),
        max: r3(s.max),
    })
}

fn source(name: Option<String>, info: Option<&crate::model::SourceInfo>) -> Source {
    match info {
        Some(s) => Source {
            name,
            format: s.format.as_str(),
            dialect: s.dialect.clone(),
            bytes: s.bytes,
            gzip: s.gzip,
            decoded_bytes: s.decoded_bytes,
        },
        None => Source {
            name,
            format: "unknown",
            dialect: String::new(),
            bytes: 0,
            gzip: false,
            decoded_bytes: 0,
        },
    }
}

/// The document of one dump (`name`: its file's name, when known).
pub fn summarize(session: &Session) -> Summary {
    summarize_named(session, None)
}

/// [`summarize`] with the file's name in `sources`.
pub fn summarize_named(session: &Session, name: Option<&str>) -> Summary {
    let analysis = crate::findings::analyze(session);
    let strings = &session.strings;
    let range = session.time_range_ms();
    let peer_connections = session
        .peer_connections
        .iter()
        .map(|pc| {
            let rtp = rtp_streams(pc, strings)
                .into_iter()
                .map(|s| {
                    let (w, h) = s.frame_size();
                    let video = s.kind.as_deref() != Some("audio");
                    RtpSummary {
                        stats_id: s.obj.id.clone(),
                        direction: s.direction,
                        kind: s.kind.clone(),
                        ssrc: s.ssrc,
                        codec: s.codec.clone(),
                        samples: s.obj.len(),
                        bitrate_kbps: stat(Some(s.bitrate_kbps())),
                        packets_per_second: stat(Some(s.packet_rate())),
                        packets_lost_pct: s.total_loss_pct().map(r3),
                        jitter_ms: stat(s.jitter_ms()),
                        rtt_ms: stat(s.rtt_ms()),
                        frames_per_second: if video { stat(s.fps()) } else { None },
                        jitter_buffer_delay_ms: stat(s.jitter_buffer_delay_ms()),
                        decode_ms_per_frame: stat(s.decode_ms_per_frame()),
                        frame_width: w.filter(|v| *v >= 0.0).map(|v| v as u64),
                        frame_height: h.filter(|v| *v >= 0.0).map(|v| v as u64),
                    }
                })
                .collect();
            PcSummary {
                id: pc.id.clone(),
                url: pc.url.clone(),
                ice_servers: pc.ice_server_urls(),
                events: pc.events.len(),
                connection_states: pc.connection_states.clone(),
                ice_connection_states: pc.ice_connection_states.clone(),
                signaling_states: pc.signaling_states.clone(),
                selected_candidate_pair: selected_candidate_pair(pc, strings),
                outcome: crate::findings::outcome::outcome(pc),
                role: role(pc),
                stats_objects: pc.stats.len(),
                rtp,
                sources: vec![0],
            }
        })
        .collect();
    Summary {
        schema: SCHEMA,
        source: source(name.map(str::to_string), session.source.as_ref()),
        sources: vec![source(name.map(str::to_string), session.source.as_ref())],
        links: Vec::new(),
        unlinked: Vec::new(),
        user_agent: session.user_agent.clone(),
        start_ms: range.map(|r| r.0),
        duration_ms: range.map(|(a, b)| r3(b - a)),
        get_user_media: session
            .get_user_media
            .iter()
            .map(|g| GumSummary {
                t_ms: g.t_ms,
                request_type: g.request_type.clone(),
                audio: g.audio,
                video: g.video,
                outcome: g.outcome,
                error: g.error.clone(),
            })
            .collect(),
        peer_connections,
        diagnostics: session.diagnostics.iter().map(diag).collect(),
        findings: analysis.findings,
        checks: analysis.checks,
        ruleset: analysis.ruleset,
        score: analysis.score,
    }
}

fn diag(d: &Diagnostic) -> DiagSummary {
    DiagSummary {
        severity: d.severity,
        kind: d.kind.as_str().to_string(),
        message: d.message.clone(),
        line: d.location.line,
        key: d.location.key.clone(),
        count: d.count,
        source: None,
    }
}

/// Receiver symptoms a sender's finding on the same stream (or, for the
/// connection-wide kinds, on the same connection) can explain.
const FAR_SYMPTOMS: &[&str] = &[
    "video-freeze",
    "framerate-drop",
    "resolution-drop",
    "dry-track",
    "inbound-loss",
    "audio-concealment",
    "jitter-buffer-stress",
];
/// A cause on the other end must hold when the symptom begins: it may
/// start at most this much later (two polls of a 1 s getStats: each end
/// sees the same moment in its own poll). A sender's limit that begins
/// after the receiver's freeze did not make it (the loss both report did).
const LEAD_MS: f64 = 2000.0;
/// Sender-side causes: `true` when the finding is about the stream.
const FAR_CAUSES: &[(&str, bool)] = &[
    ("bandwidth-limited", true),
    ("cpu-limited", true),
    ("app-bitrate-cap", true),
    ("app-resolution-cap", true),
    ("app-framerate-cap", true),
    ("congestion", false),
    ("low-available-bitrate", false),
];

/// The document of several dumps (`crate::combine`): each browser's
/// session summarized as one file would be, then put together: sources
/// in the order given, connections with the sources that hold them,
/// findings numbered anew across browsers (each with its `source`), and
/// the links, with the findings of one end that explain the other's.
pub fn summarize_combined(c: &crate::combine::Combined) -> Summary {
    let ends = c.ends.iter().map(|e| summarize(&e.session)).collect();
    summarize_combined_from(c, ends)
}

/// [`summarize_combined`] from each browser's own summary (`ends`, in the
/// order of `c.ends`), when the caller needs those too: the page's columns
/// show them, and the analysis behind them runs once.
pub fn summarize_combined_from(c: &crate::combine::Combined, mut ends: Vec<Summary>) -> Summary {
    let mut diagnostics = Vec::new();
    let several = c.ends.len() > 1;
    // Each dump's own diagnostics, with the dump they are about.
    for (i, list) in c.diagnostics.iter().enumerate() {
        for d in list {
            let mut d = diag(d);
            d.source = Some(i);
            diagnostics.push(d);
        }
    }
    let Some(mut doc) = ends.first().cloned() else {
        let mut doc = summarize(&Session::default());
        doc.sources.clear();
        return doc;
    };
    doc.sources = c
        .names
        .iter()
        .zip(&c.infos)
        .map(|(name, info)| source(Some(name.clone()), info.as_ref()))
        .collect();
    doc.source = doc
        .sources
        .first()
        .cloned()
        .unwrap_or_else(|| source(None, None));
    doc.peer_connections.clear();
    doc.get_user_media.clear();
    doc.diagnostics = diagnostics;
    doc.checks.clear();
    let mut findings: Vec<Finding> = Vec::new();
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (e, (end, sum)) in c.ends.iter().zip(ends.iter_mut()).enumerate() {
        let first = end.sources.first().copied().unwrap_or(e);
        for (k, mut pc) in sum.peer_connections.drain(..).enumerate() {
            pc.sources = end.pc_sources.get(k).cloned().unwrap_or_default();
            doc.peer_connections.push(pc);
        }
        doc.get_user_media.append(&mut sum.get_user_media);
        for d in &end.notes {
            let mut d = diag(d);
            d.source = Some(first);
            doc.diagnostics.push(d);
        }
        for ch in sum.checks.drain(..) {
            if !doc.checks.contains(&ch) {
                doc.checks.push(ch);
            }
        }
        // Ids become unique across browsers: `f3` of the second is
        // renamed in its own findings, causes and score ledger.
        let rename = |id: &str| format!("e{e}:{id}");
        for mut f in sum.findings.drain(..) {
            f.id = rename(&f.id);
            f.cause = f.cause.as_deref().map(rename);
            f.source = several.then_some(first);
            findings.push(f);
        }
        for l in &mut sum.score.ledger {
            l.finding = l.finding.as_deref().map(rename);
        }
        if let (Some(s), Some(d)) = (sum.start_ms, sum.duration_ms) {
            lo = lo.min(s);
            hi = hi.max(s + d);
        }
    }
    // Most severe first across browsers, then numbered `f1`, `f2`, ...
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let ids: std::collections::HashMap<String, String> = findings
        .iter()
        .enumerate()
        .map(|(n, f)| (f.id.clone(), format!("f{}", n + 1)))
        .collect();
    let renamed = |id: &str| ids.get(id).cloned().unwrap_or_default();
    for f in &mut findings {
        f.id = renamed(&f.id);
        f.cause = f.cause.as_deref().map(renamed);
    }
    for sum in &mut ends {
        for l in &mut sum.score.ledger {
            l.finding = l.finding.as_deref().map(renamed);
        }
    }
    // A finding's `source` is its browser's first dump; a link names the
    // dump its connection's id is from, which may be another of the same
    // browser's.
    let end_first = |source: usize| {
        c.ends
            .iter()
            .find(|e| e.sources.contains(&source))
            .and_then(|e| e.sources.first().copied())
            .unwrap_or(source)
    };
    doc.links = c.links.clone();
    for link in &mut doc.links {
        explain(link, &mut findings, &end_first);
    }
    // The verdict's score is the worst browser's.
    if let Some(worst) = ends
        .iter()
        .filter(|s| s.score.overall.is_some())
        .min_by(|a, b| {
            a.score
                .overall
                .unwrap_or(0.0)
                .total_cmp(&b.score.overall.unwrap_or(0.0))
        })
    {
        doc.score = worst.score.clone();
    }
    doc.findings = findings;
    doc.unlinked = c.unlinked.clone();
    doc.start_ms = (lo <= hi).then_some(lo);
    doc.duration_ms = (lo <= hi).then(|| r3(hi - lo));
    doc
}

/// Links the receiver's symptoms on a linked stream to the sender's
/// findings that hold when they begin (on the receiver's clock, with the
/// link's clock offset: starting before the symptom, or [`LEAD_MS`] after
/// at most, and lasting into it, give or take `causes::SLACK_MS`).
fn explain(
    link: &mut crate::combine::Link,
    findings: &mut [Finding],
    end_first: &dyn Fn(usize) -> usize,
) {
    let offset = link.clock_offset_ms.unwrap_or(0.0);
    let slack = crate::findings::causes::SLACK_MS;
    let mut pairs = Vec::new();
    for s in &link.streams {
        let (from, to, shift) = if s.from == "a" {
            (&link.a, &link.b, offset)
        } else {
            (&link.b, &link.a, -offset)
        };
        let on = |f: &Finding, end: &crate::combine::EndRef| {
            f.source.unwrap_or(0) == end_first(end.source)
                && f.peer_connection.as_deref() == Some(end.peer_connection.as_str())
        };
        let stream_is = |f: &Finding| f.stream.as_ref().and_then(|r| r.ssrc) == Some(s.ssrc);
        for symptom in findings.iter() {
            if !FAR_SYMPTOMS.contains(&symptom.kind) || !on(symptom, to) || !stream_is(symptom) {
                continue;
            }
            // The most direct cause first, as `findings::causes` does.
            let cause = FAR_CAUSES.iter().find_map(|(kind, per_stream)| {
                findings.iter().find(|c| {
                    c.kind == *kind
                        && on(c, from)
                        && (!per_stream || stream_is(c))
                        && c.ranges.iter().any(|r| {
                            r.start_ms + shift <= symptom.start_ms() + LEAD_MS
                                && symptom.overlaps(r.start_ms + shift, r.end_ms + shift + slack)
                        })
                })
            });
            if let Some(c) = cause {
                pairs.push((symptom.id.clone(), c.id.clone()));
            }
        }
    }
    for (symptom, cause) in pairs {
        if let Some(f) = findings.iter_mut().find(|f| f.id == symptom) {
            f.cause.get_or_insert_with(|| cause.clone());
        }
        link.explained
            .push(crate::combine::Explained { symptom, cause });
    }
}
