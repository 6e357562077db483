//! The verdict: what went wrong in a call, when, on which side, how badly,
//! and why we think so.
//!
//! [`analyze`] runs every rule over a finished session. A rule reads the
//! session (and the reset-aware metrics), finds the stretches where its
//! condition held with hysteresis and a minimum duration, and writes each
//! as a [`Finding`] that names its evidence (stats object, property, value,
//! threshold) and its time ranges. A rule whose inputs the dump lacks
//! writes a [`Check`] saying so instead of guessing. Then symptoms are
//! linked to their causes (a freeze to the loss that made it) and the
//! call is scored, every lost point attributed to a finding.
//!
//! Every rule, threshold and source is written down in docs/findings.md;
//! the rule ids carry a version that changes when a rule's meaning does.

mod audio;
pub mod causes;
mod connectivity;
mod context;
mod data;
mod devices;
mod network;
pub mod outcome;
pub mod score;
pub mod series;
mod video;

pub use context::Context;
pub use score::Score;

use crate::metrics::Direction;
use crate::model::Session;
use serde::Serialize;

/// How badly a finding hurt the call (ordered: `Info` < `Critical`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Severity {
    /// Worth knowing, not a fault (a relay path, an ICE restart).
    Info,
    Minor,
    Major,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Minor => "minor",
            Severity::Major => "major",
            Severity::Critical => "critical",
        }
    }
}

/// The stream a finding is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StreamRef {
    pub direction: Direction,
    /// `audio` / `video`, when known.
    pub kind: Option<String>,
    #[cfg_attr(test, ts(type = "number | null"))]
    pub ssrc: Option<u64>,
    /// The stream's `inbound-rtp` / `outbound-rtp` stats object.
    pub stats_id: String,
}

/// When the condition held: unix ms.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TimeRange {
    pub start_ms: f64,
    pub end_ms: f64,
}

/// A measured value: a number, or a text (a state, a reason).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Value {
    Number(f64),
    Text(String),
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        // Rounded for reading; the rules compare unrounded values.
        Value::Number((v * 1000.0).round() / 1000.0)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}

/// What was measured against what.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Evidence {
    /// The stats object measured (`None`: an event or the configuration).
    pub stats_id: Option<String>,
    /// A stats property, or what else was read (`connectionState`, an event name).
    pub property: String,
    pub value: Value,
    /// The threshold the value crossed (`None`: a state or an event is the evidence).
    pub threshold: Option<Value>,
    /// `%`, `ms`, `kbit/s`, `frames/s`, `s`, `PLI/s`, or empty.
    pub unit: String,
}

impl Evidence {
    #[inline(never)]
    pub fn measured(
        stats_id: &str,
        property: &str,
        value: f64,
        threshold: f64,
        unit: &str,
    ) -> Evidence {
        Evidence {
            stats_id: Some(stats_id.to_string()),
            property: property.to_string(),
            value: value.into(),
            threshold: Some(threshold.into()),
            unit: unit.to_string(),
        }
    }

    #[inline(never)]
    pub fn observed(stats_id: Option<&str>, property: &str, value: impl Into<Value>) -> Evidence {
        Evidence {
            stats_id: stats_id.map(str::to_string),
            property: property.to_string(),
            value: value.into(),
            threshold: None,
            unit: String::new(),
        }
    }
}

/// One claim about the call.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Finding {
    /// Unique in the document (`f1`, `f2`, ... in the order below).
    pub id: String,
    /// Stable name: `inbound-loss`, `video-freeze`, ... (docs/findings.md).
    pub kind: &'static str,
    /// The rule and its version: `inbound-loss/1`.
    pub rule: String,
    pub severity: Severity,
    /// The peer connection's id as in the summary; `None`: the session.
    pub peer_connection: Option<String>,
    pub stream: Option<StreamRef>,
    /// When the condition held (unix ms), in order.
    pub ranges: Vec<TimeRange>,
    /// One plain sentence with the numbers.
    pub message: String,
    pub evidence: Vec<Evidence>,
    /// The id of the finding that explains this one (in a document of
    /// several browsers, possibly one of the other end's).
    pub cause: Option<String>,
    /// The source (index into the summary's `sources`) whose browser it is
    /// about, when the document covers several browsers.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub source: Option<usize>,
}

impl Finding {
    pub fn start_ms(&self) -> f64 {
        self.ranges.first().map(|r| r.start_ms).unwrap_or(f64::NAN)
    }

    pub fn end_ms(&self) -> f64 {
        self.ranges.last().map(|r| r.end_ms).unwrap_or(f64::NAN)
    }

    /// Whether any range overlaps `[a, b]`.
    pub fn overlaps(&self, a: f64, b: f64) -> bool {
        self.ranges.iter().any(|r| r.start_ms <= b && a <= r.end_ms)
    }
}

/// What a rule looked at: "checked 4 inbound streams", or why it could not.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Check {
    pub kind: &'static str,
    pub rule: String,
    /// False: the rule could not run on this dump (`note` says why).
    pub checked: bool,
    pub note: String,
}

/// Everything [`analyze`] concludes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Analysis {
    /// The rules' versions: `rtcview-findings/1`.
    pub ruleset: &'static str,
    /// Most severe first, then by time.
    pub findings: Vec<Finding>,
    /// One entry per rule, in the order of docs/findings.md.
    pub checks: Vec<Check>,
    pub score: Score,
}

pub const RULESET: &str = "rtcview-findings/1";

/// Every finding kind, in the order of docs/findings.md (and of the checks).
pub const KINDS: &[&str] = &[
    "never-connected",
    "ice-failed",
    "ice-disconnected",
    "dtls-failure",
    "slow-setup",
    "no-turn-server",
    "relay-path",
    "tcp-path",
    "path-change",
    "ice-restart",
    "signaling-error",
    "media-access-error",
    "capture-ended",
    "silent-input",
    "inbound-loss",
    "outbound-loss",
    "high-rtt",
    "high-jitter",
    "bandwidth-limited",
    "low-available-bitrate",
    "congestion",
    "audio-concealment",
    "jitter-buffer-stress",
    "time-stretch",
    "video-freeze",
    "keyframe-storm",
    "frames-dropped",
    "decoder-overload",
    "cpu-limited",
    "resolution-drop",
    "framerate-drop",
    "dry-track",
    "app-bitrate-cap",
    "app-resolution-cap",
    "app-framerate-cap",
    "stats-truncated",
    "stats-gap",
];

/// A finding before it has an id; rules make these.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub kind: &'static str,
    pub version: u32,
    pub severity: Severity,
    pub peer_connection: Option<String>,
    pub stream: Option<StreamRef>,
    pub ranges: Vec<TimeRange>,
    pub message: String,
    pub evidence: Vec<Evidence>,
    /// Index of the explaining draft (set by `causes`).
    pub cause: Option<usize>,
}

impl Draft {
    #[inline(never)]
    pub fn new(kind: &'static str, version: u32, severity: Severity, message: String) -> Draft {
        Draft {
            kind,
            version,
            severity,
            peer_connection: None,
            stream: None,
            ranges: Vec::new(),
            message,
            evidence: Vec::new(),
            cause: None,
        }
    }

    #[inline(never)]
    pub fn on_pc(mut self, pc: &str) -> Draft {
        self.peer_connection = Some(pc.to_string());
        self
    }

    #[inline(never)]
    pub fn on_stream(mut self, s: Option<StreamRef>) -> Draft {
        self.stream = s;
        self
    }

    #[inline(never)]
    pub fn during(mut self, start_ms: f64, end_ms: f64) -> Draft {
        self.ranges.push(TimeRange {
            start_ms,
            end_ms: end_ms.max(start_ms),
        });
        self
    }

    #[inline(never)]
    pub fn with(mut self, e: Evidence) -> Draft {
        self.evidence.push(e);
        self
    }

    pub fn start_ms(&self) -> f64 {
        self.ranges.first().map(|r| r.start_ms).unwrap_or(f64::NAN)
    }

    pub fn overlaps(&self, a: f64, b: f64) -> bool {
        self.ranges.iter().any(|r| r.start_ms <= b && a <= r.end_ms)
    }
}

/// Where rules write.
#[derive(Debug, Default)]
pub(crate) struct Out {
    pub drafts: Vec<Draft>,
    pub checks: Vec<Check>,
}

impl Out {
    #[inline(never)]
    pub fn push(&mut self, d: Draft) {
        self.drafts.push(d);
    }

    /// Records that rule `kind/version` ran (`checked`) or could not, and why.
    #[inline(never)]
    pub fn check(
        &mut self,
        kind: &'static str,
        version: u32,
        checked: bool,
        note: impl Into<String>,
    ) {
        self.checks.push(Check {
            kind,
            rule: format!("{kind}/{version}"),
            checked,
            note: note.into(),
        });
    }
}

/// Runs every rule over the session.
pub fn analyze(session: &Session) -> Analysis {
    let cx = Context::new(session);
    let mut out = Out::default();
    connectivity::rules(&cx, &mut out);
    devices::rules(&cx, &mut out);
    network::rules(&cx, &mut out);
    audio::rules(&cx, &mut out);
    video::rules(&cx, &mut out);
    data::rules(&cx, &mut out);
    causes::link(&mut out.drafts);
    // The checks in the order of the vocabulary (each kind is checked
    // once: a test holds every rule to it).
    let mut checks: Vec<Check> = Vec::with_capacity(out.checks.len());
    for k in KINDS {
        checks.extend(out.checks.iter().filter(|c| c.kind == *k).cloned());
    }
    out.checks = checks;
    let findings = finish(out.drafts);
    let score = score::score(&cx, &findings);
    Analysis {
        ruleset: RULESET,
        findings,
        checks: out.checks,
        score,
    }
}

/// Orders the drafts (most severe first, then by time, then by kind), gives
/// them ids and turns cause indices into ids.
fn finish(drafts: Vec<Draft>) -> Vec<Finding> {
    let mut order: Vec<usize> = (0..drafts.len()).collect();
    series::small_sort_by(&mut order, |&a, &b| match (drafts.get(a), drafts.get(b)) {
        (Some(x), Some(y)) => y
            .severity
            .cmp(&x.severity)
            .then(x.start_ms().total_cmp(&y.start_ms()))
            .then(x.kind.cmp(y.kind))
            .then(x.peer_connection.cmp(&y.peer_connection)),
        _ => std::cmp::Ordering::Equal,
    });
    let mut id_of = vec![String::new(); drafts.len()];
    for (n, &i) in order.iter().enumerate() {
        if let Some(slot) = id_of.get_mut(i) {
            *slot = format!("f{}", n + 1);
        }
    }
    order
        .iter()
        .filter_map(|&i| {
            let d = drafts.get(i)?;
            Some(Finding {
                id: id_of.get(i)?.clone(),
                kind: d.kind,
                rule: format!("{}/{}", d.kind, d.version),
                severity: d.severity,
                peer_connection: d.peer_connection.clone(),
                stream: d.stream.clone(),
                ranges: d.ranges.clone(),
                message: d.message.clone(),
                evidence: d.evidence.clone(),
                cause: d.cause.and_then(|c| id_of.get(c).cloned()),
                source: None,
            })
        })
        .collect()
}
