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
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Source {
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

pub fn summarize(session: &Session) -> Summary {
    let analysis = crate::findings::analyze(session);
    let strings = &session.strings;
    let (format, dialect, bytes, gzip, decoded_bytes) = match &session.source {
        Some(s) => (
            s.format.as_str(),
            s.dialect.clone(),
            s.bytes,
            s.gzip,
            s.decoded_bytes,
        ),
        None => ("unknown", String::new(), 0, false, 0),
    };
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
            }
        })
        .collect();
    Summary {
        schema: SCHEMA,
        source: Source {
            format,
            dialect,
            bytes,
            gzip,
            decoded_bytes,
        },
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
    }
}
