//! The score: every 5 s window of every connection scores 0-100 as the
//! weakest of its parts (each received audio stream by the ITU-T G.107
//! E-model, each video stream by freezes, frame rate and resolution,
//! connectivity by the time it was up); the call scores the mean of its
//! windows. Every lost point goes to the finding that explains its window
//! in a ledger, so nothing in the number is hidden.

use super::context::{Pc, Stream};
use super::{Context, Finding};
use serde::Serialize;
use std::rc::Rc;

pub const WINDOW_MS: f64 = 5000.0;

/// The score in words, for the page (and docs/findings.md, which quotes it).
pub const EXPLANATION: &str = "Every 5 s of every connection scores 0-100 as the weakest of its parts: each received audio stream by the ITU-T G.107 E-model (R from the one-way delay, RTT/2 plus the jitter-buffer delay, and the audible concealment; 100 from R 90, where users are very satisfied), each video stream by its freezes (-100 x the share of the window frozen), its frame rate (-30 below 90 % of its best) and its resolution (-20 x (1 - sqrt of the share of its best pixels)), and connectivity by the share of the window the connection was up (setup beyond 5 s counts as down). The call scores the mean of its windows; audio, video and connectivity also score 1-5 (audio as the MOS of the mean R). Every lost point goes to the finding that explains its window, listed below; points no finding explains are listed as such.";

/// E-model constants (ITU-T G.107): the default R of a perfect
/// connection; Ie and Bpl of the codec with packet-loss concealment (G.113
/// Appendix I gives 0 and 25.1 for G.711 with PLC; Opus conceals at least
/// as well); random loss (BurstR 1).
pub const R0: f64 = 93.2;
/// R from which users are "very satisfied" (ITU-T G.107 Annex B, Table
/// B.1): the audio part scores 100 from here, `100 R / R_BEST` below. A
/// clean call's ordinary delay (R about 91) costs nothing.
pub const R_BEST: f64 = 90.0;
/// Frame rates within 90 % of the stream's best cost nothing (ordinary
/// jitter of the frame rate).
pub const FPS_TOLERANCE: f64 = 0.9;
pub const IE: f64 = 0.0;
pub const BPL: f64 = 25.1;
pub const BURST_R: f64 = 1.0;

/// One line of the ledger: points lost (negative) to a finding (or to no
/// finding: a drop nothing explains) over a time range.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LedgerEntry {
    pub points: f64,
    /// The finding's id; `None`: no finding explains these windows.
    pub finding: Option<String>,
    pub start_ms: f64,
    pub end_ms: f64,
    /// The part that scored lowest: `audio`, `video` or `connectivity`.
    #[cfg_attr(test, ts(type = "\"audio\" | \"video\" | \"connectivity\""))]
    pub part: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Score {
    /// 0-100: the mean of every window's score; `None` without windows.
    pub overall: Option<f64>,
    /// 1-5 (MOS from the mean R); `None`: no received audio.
    pub audio: Option<f64>,
    /// 1-5; `None`: no video.
    pub video: Option<f64>,
    /// 1-5; `None`: no connection with a state.
    pub connectivity: Option<f64>,
    pub window_ms: f64,
    pub windows: usize,
    /// Largest loss first; the points add up to `overall - 100`.
    pub ledger: Vec<LedgerEntry>,
}

/// R from one-way delay (ms) and audible loss (%), ITU-T G.107 simplified:
/// `R = R0 - Id - Ie,eff`, `Id = 0.024 d + 0.11 (d - 177.3) H(d - 177.3)`,
/// `Ie,eff = Ie + (95 - Ie) Ppl / (Ppl / BurstR + Bpl)`.
pub fn r_factor(delay_ms: f64, loss_pct: f64) -> f64 {
    let d = delay_ms.max(0.0);
    let id = 0.024 * d + if d > 177.3 { 0.11 * (d - 177.3) } else { 0.0 };
    let ppl = loss_pct.clamp(0.0, 100.0);
    let ie_eff = IE + (95.0 - IE) * ppl / (ppl / BURST_R + BPL);
    (R0 - id - ie_eff).clamp(0.0, 100.0)
}

/// MOS from R (ITU-T G.107 Annex B).
pub fn mos(r: f64) -> f64 {
    if r <= 0.0 {
        1.0
    } else if r >= 100.0 {
        4.5
    } else {
        1.0 + 0.035 * r + 7e-6 * r * (r - 60.0) * (100.0 - r)
    }
}

/// What a part lost points to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reason {
    Down,
    Delay,
    Loss,
    Freeze,
    FrameRate,
    Resolution,
}

/// A part's score in one window: what it concerns, and its lost points by
/// reason.
#[derive(Debug, Clone)]
struct Part {
    score: f64,
    domain: Domain,
    /// For audio, R (to average into a MOS).
    r: Option<f64>,
    /// At most three reasons; unused slots lose nothing. An array, not a
    /// Vec: there is a part per stream per window (a hundred thousand in
    /// an hour of 16 connections), and allocating each was most of the
    /// score's time in the wasm build.
    losses: [(f64, Reason); 3],
}

/// An unused slot of [`Part::losses`].
const NO_LOSS: (f64, Reason) = (0.0, Reason::Down);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Domain {
    Connectivity,
    Audio(usize),
    Video(usize),
}

impl Domain {
    fn name(self) -> &'static str {
        match self {
            Domain::Connectivity => "connectivity",
            Domain::Audio(_) => "audio",
            Domain::Video(_) => "video",
        }
    }
}

/// The rows of `times` in `(a, b]`: found once per window and stream, and
/// shared by every sum over them.
fn rows_in(times: &[f64], a: f64, b: f64) -> std::ops::Range<usize> {
    times.partition_point(|&t| t <= a)..times.partition_point(|&t| t <= b)
}

/// Sum of counter deltas of the intervals ending in `rows`.
fn sum_in(d: &[f64], rows: std::ops::Range<usize>) -> Option<f64> {
    let (n, sum) = d
        .get(rows)?
        .iter()
        .filter(|x| x.is_finite())
        .fold((0, 0.0), |(n, s), x| (n + 1, s + x));
    (n > 0).then_some(sum)
}

/// The last value of a column at `rows`.
fn last_in(c: Option<&crate::model::Column>, rows: std::ops::Range<usize>) -> Option<f64> {
    let c = c?;
    rows.rev().find_map(|i| c.number(i))
}

/// Precomputed deltas of one stream.
struct StreamSeries<'a, 'b> {
    s: &'b Stream<'a>,
    audible: Vec<f64>,
    total: Rc<Vec<f64>>,
    jb_delay: Rc<Vec<f64>>,
    jb_emitted: Rc<Vec<f64>>,
    freeze: Rc<Vec<f64>>,
    frames: Rc<Vec<f64>>,
    packets: Rc<Vec<f64>>,
    /// `frameWidth` and `frameHeight`, looked up once.
    width: Option<&'b crate::model::Column>,
    height: Option<&'b crate::model::Column>,
    /// The best frame rate and pixel count the stream reached.
    best_fps: f64,
    best_pixels: f64,
}

fn prepare<'a, 'b>(s: &'b Stream<'a>) -> StreamSeries<'a, 'b> {
    let o = s.obj();
    let concealed = s.deltas("concealedSamples");
    let silent = s.deltas("silentConcealedSamples");
    let audible = concealed
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (c - silent
                .get(i)
                .copied()
                .filter(|x| x.is_finite())
                .unwrap_or(0.0))
            .max(0.0)
        })
        .collect();
    let frames_prop = if s.inbound() {
        "framesDecoded"
    } else {
        "framesEncoded"
    };
    let frames = s.deltas(frames_prop);
    let dt = crate::metrics::rates::interval_ms(o, frames_prop);
    let mut fps: Vec<f64> = frames
        .iter()
        .zip(dt.iter())
        .filter(|(f, t)| f.is_finite() && **t > 0.0)
        .map(|(f, t)| 1000.0 * f / t)
        .collect();
    // The 90th percentile: a burst after a stall is not the norm.
    let best_fps = super::series::quantile(&mut fps, 9, 10);
    let (w, h) = (o.column("frameWidth"), o.column("frameHeight"));
    let pixels = |i: usize| Some(w?.number(i)? * h?.number(i)?);
    let best_pixels = (0..o.len()).filter_map(pixels).fold(f64::NAN, f64::max);
    StreamSeries {
        s,
        audible,
        total: s.deltas("totalSamplesReceived"),
        jb_delay: s.deltas("jitterBufferDelay"),
        jb_emitted: s.deltas("jitterBufferEmittedCount"),
        freeze: s.deltas("totalFreezesDuration"),
        frames,
        packets: s.deltas(if s.inbound() {
            "packetsReceived"
        } else {
            "packetsSent"
        }),
        width: w,
        height: h,
        best_fps,
        best_pixels,
    }
}

/// The round trip (ms) at `t`: the selected pair's, else RTCP's.
fn rtt_at(rtt: &[(f64, f64)], t: f64) -> Option<f64> {
    let r = rtt.partition_point(|x| x.0 <= t);
    r.checked_sub(1).and_then(|r| rtt.get(r)).map(|x| x.1)
}

fn parts_of(
    p: &Pc<'_>,
    series: &[StreamSeries<'_, '_>],
    rtt: &[(f64, f64)],
    down: &[(f64, f64)],
    a: f64,
    b: f64,
) -> Vec<Part> {
    let mut parts = Vec::new();
    // Connectivity: the share of the window the connection was up.
    if !p.connected.is_empty() || !down.is_empty() {
        let down: f64 = down
            .iter()
            .map(|&(x, y)| (y.min(b) - x.max(a)).max(0.0))
            .sum();
        let score = 100.0 * (1.0 - (down / (b - a)).min(1.0));
        parts.push(Part {
            score,
            domain: Domain::Connectivity,
            r: None,
            losses: [(100.0 - score, Reason::Down), NO_LOSS, NO_LOSS],
        });
    }
    for (k, ss) in series.iter().enumerate() {
        let o = ss.s.obj();
        // A stream's first seconds (a jitter buffer filling, the encoder
        // and the bandwidth estimate ramping up) are not judged, as the
        // rules do not judge them.
        let first = o.times_ms.first().copied().unwrap_or(f64::NAN);
        if a < first + super::context::STARTUP_MS {
            continue;
        }
        let rows = rows_in(&o.times_ms, a, b);
        let sum_in = |d: &[f64]| sum_in(d, rows.clone());
        if ss.s.inbound() && ss.s.is_audio() {
            let (Some(aud), Some(tot)) = (sum_in(&ss.audible), sum_in(&ss.total)) else {
                continue;
            };
            if tot <= 0.0 {
                continue;
            }
            let jb = match (sum_in(&ss.jb_delay), sum_in(&ss.jb_emitted)) {
                (Some(d), Some(e)) if e > 0.0 => 1000.0 * d / e,
                _ => 0.0,
            };
            let delay = rtt_at(rtt, b).unwrap_or(0.0) / 2.0 + jb;
            let loss = 100.0 * aud / tot;
            let r = r_factor(delay, loss);
            let score = (100.0 * r / R_BEST).min(100.0);
            // The lost points split between delay (Id) and loss (Ie,eff)
            // as they lowered R.
            let (id, ie) = (R0 - r_factor(delay, 0.0), R0 - r_factor(0.0, loss));
            let lost = 100.0 - score;
            let losses = if id + ie > 0.0 {
                [
                    (lost * id / (id + ie), Reason::Delay),
                    (lost * ie / (id + ie), Reason::Loss),
                    NO_LOSS,
                ]
            } else {
                [NO_LOSS; 3]
            };
            parts.push(Part {
                score,
                domain: Domain::Audio(k),
                r: Some(r),
                losses,
            });
        } else if ss.s.is_video() {
            let Some(frames) = sum_in(&ss.frames) else {
                continue;
            };
            // Nothing on the wire: paused (an SFU, the sender), not bad.
            if sum_in(&ss.packets).unwrap_or(0.0) <= 0.0 {
                continue;
            }
            let span = (b - a) / 1000.0;
            let frozen = if ss.s.inbound() {
                (sum_in(&ss.freeze).unwrap_or(0.0) / span).min(1.0)
            } else {
                0.0
            };
            // Slow sources (slides, a canvas) are not judged by frame rate.
            let fps_ratio = if ss.best_fps >= super::video::MIN_USUAL_FPS {
                (frames / span / ss.best_fps).min(1.0)
            } else {
                1.0
            };
            let px = {
                let now = last_in(ss.width, rows.clone()).zip(last_in(ss.height, rows.clone()));
                match now.map(|(w, h)| w * h) {
                    Some(n) if ss.best_pixels > 0.0 => (n / ss.best_pixels).min(1.0),
                    _ => 1.0,
                }
            };
            let fps_short = ((FPS_TOLERANCE - fps_ratio) / FPS_TOLERANCE).max(0.0);
            let losses = [
                (100.0 * frozen, Reason::Freeze),
                (30.0 * fps_short, Reason::FrameRate),
                (20.0 * (1.0 - px.sqrt()), Reason::Resolution),
            ];
            let score = 100.0 - losses.iter().map(|l| l.0).sum::<f64>();
            parts.push(Part {
                score: score.clamp(0.0, 100.0),
                domain: Domain::Video(k),
                r: None,
                losses,
            });
        }
    }
    parts
}

/// Kinds that explain a reason for lost points, the symptom first (its
/// own `cause` leads on to the root).
fn explains(reason: Reason, inbound: bool) -> &'static [&'static str] {
    match reason {
        Reason::Down => &[
            "never-connected",
            "dtls-failure",
            "ice-failed",
            "ice-disconnected",
            "slow-setup",
        ],
        Reason::Delay => &[
            "jitter-buffer-stress",
            "high-rtt",
            "high-jitter",
            "congestion",
            "time-stretch",
        ],
        Reason::Loss => &[
            "audio-concealment",
            "inbound-loss",
            "ice-disconnected",
            "ice-failed",
            "high-jitter",
        ],
        Reason::Freeze => &[
            "video-freeze",
            "ice-disconnected",
            "ice-failed",
            "inbound-loss",
            "dry-track",
        ],
        Reason::FrameRate if inbound => &[
            "framerate-drop",
            "video-freeze",
            "inbound-loss",
            "keyframe-storm",
            "decoder-overload",
            "frames-dropped",
            "ice-disconnected",
        ],
        Reason::FrameRate => &[
            "app-framerate-cap",
            "framerate-drop",
            "cpu-limited",
            "bandwidth-limited",
            "ice-disconnected",
        ],
        Reason::Resolution if inbound => &["resolution-drop", "inbound-loss", "ice-disconnected"],
        Reason::Resolution => &[
            "app-resolution-cap",
            "resolution-drop",
            "cpu-limited",
            "bandwidth-limited",
            "app-bitrate-cap",
            "low-available-bitrate",
            "ice-disconnected",
        ],
    }
}

/// The finding that explains a part's loss in `[a, b]`: of the kinds that
/// explain it, the first with a finding on this connection (and stream)
/// overlapping the window.
fn explaining<'f>(
    findings: &'f [Finding],
    p: &Pc<'_>,
    stream: Option<&Stream<'_>>,
    reason: Reason,
    a: f64,
    b: f64,
) -> Option<&'f Finding> {
    let inbound = stream.is_some_and(|s| s.inbound());
    explains(reason, inbound).iter().find_map(|kind| {
        findings.iter().find(|f| {
            f.kind == *kind
                && f.peer_connection.as_deref() == Some(p.id())
                && match (&f.stream, stream) {
                    (Some(fs), Some(s)) => fs.stats_id == s.obj().id,
                    (Some(_), None) => false,
                    (None, _) => true,
                }
                && f.overlaps(a - 1000.0, b + 1000.0)
        })
    })
}

/// The most windows scored per connection: 100 000 five-second windows
/// are almost six days, longer than any call.
pub const MAX_WINDOWS_PER_PC: usize = 100_000;

/// The most windows scored in a session, shared by its connections (at
/// least 1000 each: 83 minutes): the 16-connection, ten-hour benchmark
/// has 113 000.
pub const MAX_WINDOWS: usize = 1_000_000;

pub(super) fn score(cx: &Context<'_>, findings: &[Finding]) -> Score {
    // Each window: its score, and its lost points by finding (or none).
    type Blame = (Option<String>, &'static str, f64, f64, f64);
    let mut windows: Vec<(f64, Vec<Blame>)> = Vec::new();
    let (mut audio_r, mut video, mut conn) = (Vec::new(), Vec::new(), Vec::new());
    for p in &cx.pcs {
        let series: Vec<StreamSeries<'_, '_>> = p.streams.iter().map(prepare).collect();
        let mut rtt: Vec<(f64, f64)> = p
            .pair_rtt()
            .iter()
            .map(|&(t, _, v)| (t, v * 1000.0))
            .collect();
        if rtt.is_empty() {
            if let Some(r) = p
                .streams
                .iter()
                .filter_map(|s| s.rtp.remote)
                .find(|r| r.column("roundTripTime").is_some())
            {
                let c = r.column("roundTripTime");
                rtt = r
                    .times_ms
                    .iter()
                    .enumerate()
                    .filter_map(|(i, &t)| Some((t, c?.number(i)? * 1000.0)))
                    .collect();
            }
        }
        // From the first sign of life to the end of the connection.
        let first_state =
            p.pc.ice_connection_states
                .iter()
                .chain(&p.pc.connection_states)
                .filter(|c| c.state != "new")
                .filter_map(|c| c.t_ms)
                .reduce(f64::min);
        let first_stats = p
            .streams
            .iter()
            .filter_map(|s| s.obj().times_ms.first().copied())
            .reduce(f64::min);
        let Some(start) = first_state.into_iter().chain(first_stats).reduce(f64::min) else {
            continue;
        };
        // A connection that failed or closed is over: its windows end there
        // (a page that gives up on one connection and makes another is not
        // scored twice for it).
        let over =
            p.pc.ice_connection_states
                .iter()
                .chain(&p.pc.connection_states)
                .filter(|c| matches!(c.state.as_str(), "failed" | "closed"))
                .filter_map(|c| c.t_ms)
                .reduce(f64::min)
                .unwrap_or(p.end_ms)
                .min(p.end_ms);
        // Down: disconnected or failed, and not yet connected past the time
        // a setup may take (slow-setup's threshold).
        let mut down = p.down.clone();
        let grace = start + super::connectivity::SLOW_SETUP_MS;
        let up = p.connected.first().map(|c| c.0).unwrap_or(over);
        if up > grace {
            down.push((grace, up));
        }
        // A connection's windows are bounded: a damaged or hostile dump's
        // clock can span millennia, and the windows are walked by time.
        let per_pc = MAX_WINDOWS_PER_PC.min((MAX_WINDOWS / cx.pcs.len().max(1)).max(1000));
        let over = over.min(start + per_pc as f64 * WINDOW_MS);
        let mut a = start;
        while a < over {
            let b = (a + WINDOW_MS).min(over);
            if b - a < WINDOW_MS / 2.0 {
                break;
            }
            let parts = parts_of(p, &series, &rtt, &down, a, b);
            if let Some(weakest) = parts.iter().min_by(|x, y| x.score.total_cmp(&y.score)) {
                for part in &parts {
                    match part.domain {
                        Domain::Audio(_) => audio_r.extend(part.r),
                        Domain::Video(_) => video.push(part.score),
                        Domain::Connectivity => conn.push(part.score),
                    }
                }
                let stream = match weakest.domain {
                    Domain::Audio(k) | Domain::Video(k) => series.get(k).map(|s| s.s),
                    Domain::Connectivity => None,
                };
                let blame: Vec<Blame> = weakest
                    .losses
                    .iter()
                    .filter(|(pts, _)| *pts > 0.01)
                    .map(|&(pts, reason)| {
                        let f = explaining(findings, p, stream, reason, a, b).map(|f| f.id.clone());
                        (f, weakest.domain.name(), a, b, pts)
                    })
                    .collect();
                windows.push((weakest.score, blame));
            }
            a = b;
        }
    }
    let n = windows.len();
    let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    let overall = mean(&windows.iter().map(|w| w.0).collect::<Vec<_>>());
    // The ledger: each window's lost points, / n, to its finding; runs of
    // windows with the same finding and part are one entry.
    let mut ledger: Vec<LedgerEntry> = Vec::new();
    for (_, blames) in &windows {
        for (finding, part, a, b, pts) in blames {
            let points = -pts / n as f64;
            match ledger.iter_mut().find(|e| {
                e.finding == *finding && e.part == *part && (*a - e.end_ms).abs() < 1.0 + WINDOW_MS
            }) {
                Some(e) => {
                    e.points += points;
                    e.end_ms = e.end_ms.max(*b);
                }
                None => ledger.push(LedgerEntry {
                    points,
                    finding: finding.clone(),
                    start_ms: *a,
                    end_ms: *b,
                    part,
                }),
            }
        }
    }
    // What no finding explains is one line per part: many small drops
    // (a frame rate jittering, ordinary delay) over the call.
    let mut merged: Vec<LedgerEntry> = Vec::new();
    for e in ledger {
        match merged
            .iter_mut()
            .find(|m| m.finding.is_none() && e.finding.is_none() && m.part == e.part)
        {
            Some(m) => {
                m.points += e.points;
                m.start_ms = m.start_ms.min(e.start_ms);
                m.end_ms = m.end_ms.max(e.end_ms);
            }
            None => merged.push(e),
        }
    }
    let mut ledger = merged;
    super::series::small_sort_by(&mut ledger, |x, y| x.points.total_cmp(&y.points));
    for e in &mut ledger {
        e.points = (e.points * 100.0).round() / 100.0;
    }
    let round1 = |x: f64| (x * 10.0).round() / 10.0;
    let round2 = |x: f64| (x * 100.0).round() / 100.0;
    Score {
        overall: overall.map(round1),
        audio: mean(&audio_r).map(|r| round2(mos(r))),
        video: mean(&video).map(|v| round2(1.0 + 4.0 * v / 100.0)),
        connectivity: mean(&conn).map(|c| round2(1.0 + 4.0 * c / 100.0)),
        window_ms: WINDOW_MS,
        windows: n,
        ledger,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/findings.md shows the formula the page shows, word for word.
    #[test]
    fn the_docs_explain_the_score_as_the_page_does() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/findings.md");
        let doc = std::fs::read_to_string(path).expect("docs/findings.md");
        let (_, rest) = doc
            .split_once("<!-- score-explanation -->")
            .expect("start marker");
        let (block, _) = rest
            .split_once("<!-- /score-explanation -->")
            .expect("end marker");
        assert_eq!(block.trim(), EXPLANATION);
    }

    #[test]
    fn e_model_known_points() {
        // No delay, no loss: the default R, MOS about 4.4.
        assert!((r_factor(0.0, 0.0) - 93.2).abs() < 1e-9);
        assert!((mos(93.2) - 4.41).abs() < 0.01);
        // 150 ms one way costs 3.6; 300 ms 7.2 + 13.5.
        assert!((r_factor(150.0, 0.0) - 89.6).abs() < 1e-9);
        assert!((r_factor(300.0, 0.0) - (93.2 - 7.2 - 0.11 * 122.7)).abs() < 1e-9);
        // 5 % audible loss with Bpl 25.1: Ie,eff = 95 * 5 / 30.1.
        assert!((r_factor(0.0, 5.0) - (93.2 - 95.0 * 5.0 / 30.1)).abs() < 1e-9);
        assert_eq!(mos(0.0), 1.0);
        assert_eq!(mos(100.0), 4.5);
    }
}
