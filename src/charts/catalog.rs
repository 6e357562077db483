//! Which charts a session has: per RTP stream (bitrate, loss, jitter, RTT,
//! frame rate, resolution, jitter-buffer delay) and per connection (ICE RTT,
//! available bitrate), grouped by peer connection and stream; plus, on
//! request, one chart per raw numeric column of every stats object.
//!
//! Lines refer to the session's columns by index: raw series are never
//! copied, derived ones are computed once when the catalog is built.

use super::decimate::{decimate_with, value_at, Blocks, Segment};
use crate::metrics::rtp::Derived;
use crate::metrics::{rtp_streams, Direction, RtpStream};
use crate::model::{Interner, Numbers, PeerConnection, Session, StatsObject};
use serde::Serialize;
use std::borrow::Cow;

/// Where a line's values come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Values {
    /// A column of the time source object, as stored.
    Column(String),
    /// Computed once (by the import worker), aligned to the time source
    /// object's times. f32: these are for display (7 significant digits),
    /// and a long call's catalog is hundreds of MB in f64.
    Derived(Vec<f32>),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub label: String,
    /// (peer connection index, stats object index) whose times the values follow.
    pub times_of: (usize, usize),
    pub values: Values,
    /// Block summaries for fast decimation, built on the first draw of a
    /// long line (`charts::decimate::Blocks`).
    #[serde(skip)]
    pub blocks: crate::memo::Memo<Option<Blocks>>,
}

/// A time range shaded behind the lines (e.g. "bandwidth"-limited quality).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Band {
    pub t0_ms: f64,
    pub t1_ms: f64,
    pub label: String,
}

/// A vertical marker (e.g. a codec change).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Marker {
    pub t_ms: f64,
    pub label: String,
}

/// Serializable so the import worker can send the catalog it built
/// (`model::wire`), derived values and all, instead of the page's main
/// thread computing it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// Stable id: `<pc index>/<stats id>/<metric>` or `raw/<pc>/<stats id>/<property>`.
    pub id: String,
    /// What it shows: `bitrate`, `loss`, ... for metric charts (see
    /// [`METRICS`]), the property for raw ones.
    pub metric: String,
    /// The stats object it is about: the stream's (`inbound-rtp`,
    /// `outbound-rtp`), the selected candidate pair's, or the raw object's.
    pub stats_id: String,
    /// Heading of the group the chart belongs to.
    pub group: String,
    pub pc_id: String,
    pub title: String,
    pub unit: String,
    pub lines: Vec<Line>,
    pub bands: Vec<Band>,
    pub markers: Vec<Marker>,
    /// The y axis starts at 0 (rates, counts), else it fits the data.
    pub zero_based: bool,
    /// A raw column ("show every raw series"), not a derived metric.
    pub raw: bool,
    /// Constant or identifier-like raw series, hidden unless asked for.
    pub boring: bool,
}

/// The chart list as the page sees it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ChartInfo<'a> {
    pub id: &'a str,
    pub metric: &'a str,
    pub stats_id: &'a str,
    pub group: &'a str,
    pub pc_id: &'a str,
    pub title: &'a str,
    pub unit: &'a str,
    pub lines: Vec<&'a str>,
    pub raw: bool,
    pub boring: bool,
    pub bands: &'a [Band],
    pub markers: &'a [Marker],
}

impl Chart {
    pub fn info(&self) -> ChartInfo<'_> {
        ChartInfo {
            id: &self.id,
            metric: &self.metric,
            stats_id: &self.stats_id,
            group: &self.group,
            pc_id: &self.pc_id,
            title: &self.title,
            unit: &self.unit,
            lines: self.lines.iter().map(|l| l.label.as_str()).collect(),
            raw: self.raw,
            boring: self.boring,
            bands: &self.bands,
            markers: &self.markers,
        }
    }
}

/// A line's values as stored, read without copying where they allow.
#[derive(Debug, Clone, PartialEq)]
pub enum LineValues<'a> {
    F64(Cow<'a, [f64]>),
    F32(&'a [f32]),
}

impl LineValues<'_> {
    pub fn len(&self) -> usize {
        match self {
            LineValues::F64(v) => v.len(),
            LineValues::F32(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn to_f64s(&self) -> Vec<f64> {
        match self {
            LineValues::F64(v) => v.to_vec(),
            LineValues::F32(v) => v.iter().map(|&x| f64::from(x)).collect(),
        }
    }

    pub fn blocks(&self, times: &[f64]) -> Blocks {
        match self {
            LineValues::F64(v) => Blocks::build(times, v),
            LineValues::F32(v) => Blocks::build(times, v),
        }
    }

    pub fn decimate(
        &self,
        times: &[f64],
        blocks: Option<&Blocks>,
        t0: f64,
        t1: f64,
        width_px: usize,
    ) -> Vec<Segment> {
        match self {
            LineValues::F64(v) => decimate_with(times, v, blocks, t0, t1, width_px),
            LineValues::F32(v) => decimate_with(times, v, blocks, t0, t1, width_px),
        }
    }

    pub fn value_at(&self, times: &[f64], t: f64, max_age_ms: f64) -> Option<(f64, f64)> {
        match self {
            LineValues::F64(v) => value_at(times, v, t, max_age_ms),
            LineValues::F32(v) => value_at(times, v, t, max_age_ms),
        }
    }
}

/// Resolves a line to its `(times, values)`. Constant columns are expanded;
/// f32 and f64 columns and derived series are borrowed.
pub fn line_data<'a>(session: &'a Session, line: &'a Line) -> Option<(&'a [f64], LineValues<'a>)> {
    let obj = session
        .peer_connections
        .get(line.times_of.0)?
        .stats
        .get(line.times_of.1)?;
    let values = match &line.values {
        Values::Column(p) => match &obj.column(p)?.numbers {
            Numbers::F32(v) => LineValues::F32(v),
            Numbers::F64(v) => LineValues::F64(Cow::Borrowed(v)),
            n @ Numbers::Const { .. } => LineValues::F64(n.as_f64s()),
        },
        Values::Derived(v) => LineValues::F32(v),
    };
    Some((&obj.times_ms, values))
}

fn obj_index(pc: &PeerConnection, obj: &StatsObject) -> Option<usize> {
    pc.stats.iter().position(|o| std::ptr::eq(o, obj))
}

fn derived_line(
    p: usize,
    pc: &PeerConnection,
    label: &str,
    d: Option<Derived<'_>>,
) -> Option<Line> {
    let d = d?;
    if !d.values.iter().any(|v| v.is_finite()) {
        return None;
    }
    Some(Line {
        label: label.to_string(),
        times_of: (p, obj_index(pc, d.obj)?),
        values: Values::Derived(d.values.iter().map(|&v| v as f32).collect()),
        blocks: Default::default(),
    })
}

fn column_line(
    p: usize,
    pc: &PeerConnection,
    obj: &StatsObject,
    prop: &str,
    label: &str,
    scale: f64,
) -> Option<Line> {
    let c = obj.column(prop)?;
    if !c.has_numbers() {
        return None;
    }
    let values = if scale == 1.0 {
        Values::Column(prop.to_string())
    } else {
        Values::Derived(c.numbers.iter().map(|v| (v * scale) as f32).collect())
    };
    Some(Line {
        label: label.to_string(),
        times_of: (p, obj_index(pc, obj)?),
        values,
        blocks: Default::default(),
    })
}

/// Runs of a text column's value, as bands where it is not `none`
/// (qualityLimitationReason).
fn text_bands(obj: &StatsObject, prop: &str, strings: &Interner) -> Vec<Band> {
    let Some(col) = obj.column(prop) else {
        return Vec::new();
    };
    let mut out: Vec<Band> = Vec::new();
    let mut run: Option<(f64, String)> = None;
    let end = obj.times_ms.last().copied().unwrap_or(0.0);
    for (i, &t) in obj.times_ms.iter().enumerate() {
        let v = col.text(i, strings).unwrap_or("none");
        match &run {
            Some((_, r)) if r == v => {}
            _ => {
                if let Some((t0, r)) = run.take() {
                    if r != "none" {
                        out.push(Band {
                            t0_ms: t0,
                            t1_ms: t,
                            label: r,
                        });
                    }
                }
                run = Some((t, v.to_string()));
            }
        }
    }
    if let Some((t0, r)) = run {
        if r != "none" && end > t0 {
            out.push(Band {
                t0_ms: t0,
                t1_ms: end,
                label: r,
            });
        }
    }
    out
}

/// Points where the codec of a stream changed.
fn codec_markers(pc: &PeerConnection, obj: &StatsObject, strings: &Interner) -> Vec<Marker> {
    let Some(col) = obj.column("codecId") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut last: Option<&str> = None;
    for (i, &t) in obj.times_ms.iter().enumerate() {
        let Some(id) = col.text(i, strings) else {
            continue;
        };
        if last.is_some_and(|l| l != id) {
            let name = pc
                .stats_object(id)
                .and_then(|c| c.last_text("mimeType", strings))
                .map(|m| m.rsplit('/').next().unwrap_or(m).to_string())
                .unwrap_or_else(|| id.to_string());
            out.push(Marker {
                t_ms: t,
                label: format!("codec: {name}"),
            });
        }
        last = Some(id);
    }
    out
}

fn stream_label(s: &RtpStream<'_>) -> String {
    let dir = match s.direction {
        Direction::Inbound => "inbound",
        Direction::Outbound => "outbound",
    };
    let mut out = format!("{dir} {}", s.kind.as_deref().unwrap_or("media"));
    if let Some(ssrc) = s.ssrc {
        out.push_str(&format!(" {ssrc}"));
    }
    if let Some(c) = &s.codec {
        out.push_str(&format!(" ({c})"));
    }
    out
}

/// The metrics a chart can show: per stream, then per connection.
pub const METRICS: &[&str] = &[
    "bitrate",
    "loss",
    "packets",
    "jitter",
    "rtt",
    "fps",
    "resolution",
    "concealment",
    "jitterbuffer",
    "icertt",
    "bwe",
];

/// Charts of derived metrics, per stream and per connection.
pub fn metric_charts(session: &Session) -> Vec<Chart> {
    (0..session.peer_connections.len())
        .flat_map(|p| metric_charts_of(session, p))
        .collect()
}

/// The metric charts of peer connection `p`.
pub fn metric_charts_of(session: &Session, p: usize) -> Vec<Chart> {
    let strings = &session.strings;
    let mut out = Vec::new();
    if let Some(pc) = session.peer_connections.get(p) {
        for s in rtp_streams(pc, strings) {
            let group = stream_label(&s);
            let video = s.kind.as_deref() == Some("video");
            let base = format!("{p}/{}", s.obj.id);
            let mut push =
                |metric: &str, title: &str, unit: &str, lines: Vec<Option<Line>>, zero: bool| {
                    let lines: Vec<Line> = lines.into_iter().flatten().collect();
                    if lines.is_empty() {
                        return None;
                    }
                    out.push(Chart {
                        id: format!("{base}/{metric}"),
                        metric: metric.to_string(),
                        stats_id: s.obj.id.clone(),
                        group: group.clone(),
                        pc_id: pc.id.clone(),
                        title: title.to_string(),
                        unit: unit.to_string(),
                        lines,
                        bands: Vec::new(),
                        markers: Vec::new(),
                        zero_based: zero,
                        raw: false,
                        boring: false,
                    });
                    out.len().checked_sub(1)
                };
            let target = (s.direction == Direction::Outbound)
                .then(|| column_line(p, pc, s.obj, "targetBitrate", "target", 0.001))
                .flatten();
            let bitrate = push(
                "bitrate",
                "Bitrate",
                "kbit/s",
                vec![
                    derived_line(p, pc, "payload", Some(s.bitrate_kbps())),
                    target,
                ],
                true,
            );
            push(
                "loss",
                "Packet loss",
                "%",
                vec![derived_line(p, pc, "lost", s.loss_pct())],
                true,
            );
            push(
                "packets",
                "Packets",
                "packets/s",
                vec![derived_line(p, pc, "packets", Some(s.packet_rate()))],
                true,
            );
            push(
                "jitter",
                "Jitter",
                "ms",
                vec![derived_line(p, pc, "jitter", s.jitter_ms())],
                true,
            );
            push(
                "rtt",
                "Round-trip time",
                "ms",
                vec![derived_line(p, pc, "RTT", s.rtt_ms())],
                true,
            );
            if video {
                push(
                    "fps",
                    "Frame rate",
                    "frames/s",
                    vec![derived_line(p, pc, "fps", s.fps())],
                    true,
                );
                let (w, h) = if s.legacy {
                    match s.direction {
                        Direction::Inbound => ("googFrameWidthReceived", "googFrameHeightReceived"),
                        Direction::Outbound => ("googFrameWidthSent", "googFrameHeightSent"),
                    }
                } else {
                    ("frameWidth", "frameHeight")
                };
                push(
                    "resolution",
                    "Resolution",
                    "px",
                    vec![
                        column_line(p, pc, s.obj, w, "width", 1.0),
                        column_line(p, pc, s.obj, h, "height", 1.0),
                    ],
                    true,
                );
            }
            if s.direction == Direction::Inbound && !video {
                push(
                    "concealment",
                    "Concealed audio",
                    "%",
                    vec![derived_line(p, pc, "concealed", s.concealment_pct())],
                    true,
                );
            }
            if s.direction == Direction::Inbound {
                push(
                    "jitterbuffer",
                    "Jitter-buffer delay",
                    "ms",
                    vec![derived_line(p, pc, "delay", s.jitter_buffer_delay_ms())],
                    true,
                );
            }
            if let Some(i) = bitrate {
                let bands = text_bands(s.obj, "qualityLimitationReason", strings);
                let markers = codec_markers(pc, s.obj, strings);
                if let Some(c) = out.get_mut(i) {
                    c.bands = bands;
                    c.markers = markers;
                }
            }
        }
        // The connection: the selected candidate pair's ICE RTT and the
        // available outgoing bitrate (bandwidth estimate).
        let selected = pc
            .stats
            .iter()
            .filter(|o| o.stats_type.as_deref() == Some("transport"))
            .filter_map(|t| t.last_text("selectedCandidatePairId", strings))
            .find_map(|id| pc.stats_object(id));
        if let Some(pair) = selected {
            let group = "connection".to_string();
            for (metric, title, unit, prop, scale) in [
                (
                    "icertt",
                    "ICE round-trip time",
                    "ms",
                    "currentRoundTripTime",
                    1000.0,
                ),
                (
                    "bwe",
                    "Available outgoing bitrate",
                    "kbit/s",
                    "availableOutgoingBitrate",
                    0.001,
                ),
            ] {
                if let Some(line) = column_line(p, pc, pair, prop, title, scale) {
                    out.push(Chart {
                        id: format!("{p}/{}/{metric}", pair.id),
                        metric: metric.to_string(),
                        stats_id: pair.id.clone(),
                        group: group.clone(),
                        pc_id: pc.id.clone(),
                        title: title.to_string(),
                        unit: unit.to_string(),
                        lines: vec![line],
                        bands: Vec::new(),
                        markers: Vec::new(),
                        zero_based: true,
                        raw: false,
                        boring: false,
                    });
                }
            }
        }
    }
    out
}

/// Properties that identify rather than measure: never interesting as a line.
fn id_like(prop: &str) -> bool {
    prop.ends_with("Id")
        || prop.ends_with("Timestamp")
        || matches!(
            prop,
            "ssrc"
                | "rtxSsrc"
                | "fecSsrc"
                | "payloadType"
                | "clockRate"
                | "channels"
                | "port"
                | "relatedPort"
                | "priority"
                | "mid"
                | "rid"
                | "encodingIndex"
                | "foundation"
        )
}

/// One chart per numeric column of every stats object. Constant and
/// identifier-like columns are marked `boring`.
pub fn raw_charts(session: &Session) -> Vec<Chart> {
    let mut out = Vec::new();
    for (p, pc) in session.peer_connections.iter().enumerate() {
        for (o, obj) in pc.stats.iter().enumerate() {
            let ty = obj.stats_type.as_deref().unwrap_or("?");
            let group = format!("{} ({ty})", obj.id);
            for (prop, col) in &obj.columns {
                if !col.has_numbers() {
                    continue;
                }
                // Without copying the column, and stopping at the first
                // different value: on the main thread, for every column.
                let n = &col.numbers;
                let constant = matches!(n, Numbers::Const { .. }) || {
                    let mut finite = n.iter().filter(|v| v.is_finite());
                    let first = finite.next();
                    finite.all(|v| Some(v) == first)
                };
                out.push(Chart {
                    id: format!("raw/{p}/{}/{prop}", obj.id),
                    metric: prop.clone(),
                    stats_id: obj.id.clone(),
                    group: group.clone(),
                    pc_id: pc.id.clone(),
                    title: prop.clone(),
                    unit: String::new(),
                    lines: vec![Line {
                        label: prop.clone(),
                        times_of: (p, o),
                        values: Values::Column(prop.clone()),
                        blocks: Default::default(),
                    }],
                    bands: Vec::new(),
                    markers: Vec::new(),
                    zero_based: false,
                    raw: true,
                    boring: constant || id_like(prop),
                });
            }
        }
    }
    out
}
