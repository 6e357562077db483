//! Video: freezes, the repair loop, decoding and encoding under load, the
//! resolution and frame rate a stream fell to, streams that went dry, and
//! the limits the application set itself.

use super::context::{Latest, Pc, Stream};
use super::series::{
    capitalized, duration, episodes, episodes_below, from_to, masked, median, num, sum,
    windowed_ratio, Episode, Hysteresis,
};
use super::{Context, Draft, Evidence, Out, Severity};
use crate::metrics::rates::interval_ms;
use crate::model::StatsObject;

/// Frozen for less than this in all is worth knowing only (Chrome counts a
/// 200 ms hitch as a freeze); more is minor, longer than the next major,
/// longer than the last critical.
pub const FREEZE_MINOR_MS: f64 = 1000.0;
pub const FREEZE_MAJOR_MS: f64 = 2000.0;
pub const FREEZE_CRITICAL_MS: f64 = 10_000.0;
/// Freezes closer than this are one stretch.
pub const FREEZE_MERGE_MS: f64 = 5000.0;

/// Keyframe requests (PLI + FIR) per second over 30 s: from 0.5/s, down to
/// 0.15/s, judged once half a window is there (ObserveRTC's
/// `keyframeStormDetector`: "real-world storms run ~0.5-0.7 PLI/s").
pub const STORM_WINDOW_MS: f64 = 30_000.0;
pub const STORM: Hysteresis = Hysteresis {
    on: 0.5,
    off: 0.15,
    min_ms: 5000.0,
    merge_ms: 10_000.0,
};

/// Frames dropped after arriving, over 10 s: from 10 %, down to 5 %
/// (ObserveRTC's `decoderPerformanceDetector.dropRatioThreshold`), not
/// judged where the network lost 2 % or more (`quietLossThreshold`).
pub const DROPPED: Hysteresis = Hysteresis {
    on: 10.0,
    off: 5.0,
    min_ms: 5000.0,
    merge_ms: 5000.0,
};
pub const QUIET_LOSS_PCT: f64 = 2.0;

/// The encoder limited by CPU for 30 % of an interval (ObserveRTC's
/// `encoderCpuLimitationShareThreshold`).
pub const CPU: Hysteresis = Hysteresis {
    on: 0.3,
    off: 0.15,
    min_ms: 5000.0,
    merge_ms: 5000.0,
};

/// Decoding takes more than 80 % of a frame's time budget (ObserveRTC's
/// `decodeTimeBudgetRatio`).
pub const DECODE_BUDGET: f64 = 0.8;

/// A stream below 75 % of the pixels it had reached, or 60 % of its usual
/// frame rate, for 10 s.
pub const RESOLUTION_RATIO: f64 = 0.75;
pub const FRAMERATE_RATIO: f64 = 0.6;
pub const DROP_MIN_MS: f64 = 10_000.0;
/// Frame rates below this are not judged (screen sharing, thumbnails).
pub const MIN_USUAL_FPS: f64 = 10.0;

/// No bytes for this long is a dry stream (ObserveRTC's dry track
/// detectors: 5000 ms).
pub const DRY_MS: f64 = 5000.0;

/// The application's own limits: a target under half of libwebrtc's
/// default maximum for the source's resolution while the bandwidth
/// estimate is at least 1.5 times the target; sent pixels under 60 % of the
/// source's, or a frame rate under 70 % of the source's, with no quality
/// limitation; for 10 s.
pub const APP_CAP_TARGET_RATIO: f64 = 0.5;
pub const APP_CAP_HEADROOM: f64 = 1.5;
pub const APP_CAP_PIXELS_RATIO: f64 = 0.6;
pub const APP_CAP_FPS_RATIO: f64 = 0.7;
pub const APP_CAP_MIN_MS: f64 = 10_000.0;
/// A cap is a flat target: its spread over the stretch stays within 10 %
/// (a bandwidth estimate moving the target is not a cap).
pub const APP_CAP_FLAT: f64 = 0.1;

/// libwebrtc's default maximum video bitrate for a resolution, kbit/s
/// (`GetMaxDefaultVideoBitrateKbps` in media/engine/webrtc_video_engine.cc).
pub fn default_max_kbps(width: f64, height: f64) -> f64 {
    let pixels = width * height;
    if pixels <= 320.0 * 240.0 {
        600.0
    } else if pixels <= 640.0 * 480.0 {
        1700.0
    } else if pixels <= 960.0 * 540.0 {
        2000.0
    } else {
        2500.0
    }
}

pub(super) fn rules(cx: &Context<'_>, out: &mut Out) {
    let mut counts = Counts::default();
    for p in &cx.pcs {
        for s in p.streams.iter().filter(|s| s.is_video()) {
            if s.inbound() {
                counts.inbound += 1;
                if freezes(p, s, out) {
                    counts.freeze += 1;
                }
                keyframe_storm(p, s, out);
                frames_dropped(p, s, out);
                decoder_overload(p, s, out);
            } else {
                counts.outbound += 1;
                if cpu_limited(cx, p, s, out) {
                    counts.quality += 1;
                }
                app_caps(cx, p, s, out, &mut counts);
            }
            resolution_drop(p, s, out);
            framerate_drop(p, s, out);
        }
        for s in &p.streams {
            dry(p, s, out);
        }
    }
    let inbound = |what: &str| {
        if counts.inbound > 0 {
            (
                true,
                format!("{what} of {} inbound video stream(s)", counts.inbound),
            )
        } else {
            (false, "not checked: no inbound video".to_string())
        }
    };
    let (ok, n) = if counts.freeze > 0 {
        (
            true,
            format!(
                "freezeCount and totalFreezesDuration of {} inbound video stream(s)",
                counts.freeze
            ),
        )
    } else if counts.inbound > 0 {
        (
            false,
            "not checked: no freezeCount in this dump (older browser)".to_string(),
        )
    } else {
        inbound("")
    };
    out.check("video-freeze", 1, ok, n);
    let (ok, n) = inbound("pliCount and firCount");
    out.check("keyframe-storm", 1, ok, n);
    let (ok, n) = inbound("framesDropped against framesReceived");
    out.check("frames-dropped", 1, ok, n);
    let (ok, n) = inbound("totalDecodeTime against the frame interval");
    out.check("decoder-overload", 1, ok, n);
    let outbound = |what: &str| {
        if counts.outbound > 0 {
            (
                true,
                format!("{what} of {} outbound video stream(s)", counts.outbound),
            )
        } else {
            (false, "not checked: no outbound video".to_string())
        }
    };
    let (ok, n) = if counts.quality > 0 {
        (
            true,
            format!(
                "qualityLimitationReason of {} outbound video stream(s)",
                counts.quality
            ),
        )
    } else {
        outbound("")
    };
    out.check(
        "cpu-limited",
        1,
        ok && counts.quality > 0,
        if counts.quality > 0 {
            n
        } else {
            "not checked: no qualityLimitationReason".into()
        },
    );
    let any_video = counts.inbound + counts.outbound > 0;
    out.check(
        "resolution-drop",
        1,
        any_video,
        if any_video {
            "frameWidth and frameHeight of every video stream"
        } else {
            "not checked: no video"
        },
    );
    out.check(
        "framerate-drop",
        1,
        any_video,
        if any_video {
            "framesPerSecond of every video stream"
        } else {
            "not checked: no video"
        },
    );
    out.check(
        "dry-track",
        1,
        true,
        "bytes of every stream against the far end's reports and the media source",
    );
    let app = |n: usize, what: &str| {
        if n > 0 {
            (true, format!("{what} of {n} outbound video stream(s)"))
        } else {
            (
                false,
                "not checked: no outbound video with a media source".to_string(),
            )
        }
    };
    let (ok, n) = if counts.bitrate_cap > 0 {
        app(
            counts.bitrate_cap,
            "targetBitrate against the bandwidth estimate and the source",
        )
    } else {
        (
            false,
            "not checked: no targetBitrate and bandwidth estimate".to_string(),
        )
    };
    out.check("app-bitrate-cap", 1, ok, n);
    let (ok, n) = app(
        counts.source_caps,
        "the sent resolution against the media source's",
    );
    out.check("app-resolution-cap", 1, ok, n);
    let (ok, n) = app(
        counts.source_caps,
        "the sent frame rate against the media source's",
    );
    out.check("app-framerate-cap", 1, ok, n);
}

#[derive(Default)]
struct Counts {
    inbound: usize,
    freeze: usize,
    outbound: usize,
    quality: usize,
    bitrate_cap: usize,
    source_caps: usize,
}

fn series(obj: &StatsObject, prop: &str, scale: f64) -> Option<Vec<f64>> {
    let c = obj.column(prop)?;
    Some(
        (0..obj.len())
            .map(|i| c.number(i).map(|v| v * scale).unwrap_or(f64::NAN))
            .collect(),
    )
}

/// Whether packets reached `obj` during `(a, b]`.
fn received_in(obj: &StatsObject, packets: &[f64], a: f64, b: f64) -> bool {
    let lo = obj.times_ms.partition_point(|&t| t <= a);
    let hi = obj.times_ms.partition_point(|&t| t <= b);
    packets
        .get(lo..hi)
        .unwrap_or_default()
        .iter()
        .any(|&p| p > 0.0)
}

/// video-freeze: Chrome's freezes (a frame later than max(3 x the mean
/// frame interval, mean + 150 ms)) and pauses (no frame for 5 s or more,
/// which Chrome counts apart), except where the sender stopped sending.
/// Returns whether the stream reports freezes at all.
fn freezes(p: &Pc<'_>, s: &Stream<'_>, out: &mut Out) -> bool {
    let obj = s.obj();
    if obj.column("totalFreezesDuration").is_none() {
        return false;
    }
    let freeze = s.deltas("totalFreezesDuration");
    let pause = s.deltas("totalPausesDuration");
    let count = s.deltas("freezeCount");
    let packets = s.deltas("packetsReceived");
    // The other inbound streams of the connection: if they kept receiving
    // while this one got nothing, its sender stopped (replaceTrack(null),
    // a paused producer); if everything stopped, the transport did.
    let others: Vec<(&StatsObject, std::rc::Rc<Vec<f64>>)> = p
        .streams
        .iter()
        .filter(|o| o.inbound() && o.obj().id != obj.id)
        .map(|o| (o.obj(), o.deltas("packetsReceived")))
        .collect();
    // A stall is counted when the next frame arrives: it ended at this
    // sample and lasted its duration.
    let mut spans: Vec<(f64, f64, f64, usize)> = Vec::new();
    for i in 0..obj.len() {
        let f = freeze.get(i).copied().filter(|x| *x > 0.0).unwrap_or(0.0);
        let ps = pause.get(i).copied().filter(|x| *x > 0.0).unwrap_or(0.0);
        let d = f + ps;
        if d <= 0.0 {
            continue;
        }
        let Some(&end) = obj.times_ms.get(i) else {
            continue;
        };
        let start = end - d * 1000.0;
        let silent_here = !received_in(obj, &packets, start + 1000.0, end - 1000.0);
        let others_flowing = others
            .iter()
            .any(|(o, pk)| received_in(o, pk, start + 1000.0, end - 1000.0));
        if d > 2.0 && silent_here && others_flowing {
            continue;
        }
        let n = count
            .get(i)
            .copied()
            .filter(|c| c.is_finite() && *c > 0.0)
            .unwrap_or(0.0)
            + if ps > 0.0 { 1.0 } else { 0.0 };
        let n = n.max(1.0) as usize;
        match spans.last_mut() {
            Some(last) if start - last.1 <= FREEZE_MERGE_MS => {
                last.1 = end;
                last.2 += d * 1000.0;
                last.3 += n;
            }
            _ => spans.push((start, end, d * 1000.0, n)),
        }
    }
    if spans.is_empty() {
        return true;
    }
    let total: f64 = spans.iter().map(|s| s.2).sum();
    let n: usize = spans.iter().map(|s| s.3).sum();
    let longest = spans
        .iter()
        .max_by(|a, b| a.2.total_cmp(&b.2))
        .copied()
        .unwrap_or((0.0, 0.0, 0.0, 0));
    let severity = if total >= FREEZE_CRITICAL_MS {
        Severity::Critical
    } else if total >= FREEZE_MAJOR_MS {
        Severity::Major
    } else if total >= FREEZE_MINOR_MS {
        Severity::Minor
    } else {
        Severity::Info
    };
    let message = if n == 1 {
        format!(
            "{} froze for {} {}.",
            capitalized(&s.label),
            duration(total),
            from_to(longest.0, longest.1)
        )
    } else {
        format!(
            "{} froze {n} times, {} in all; the worst stretch {} ({} frozen).",
            capitalized(&s.label),
            duration(total),
            from_to(longest.0, longest.1),
            duration(longest.2)
        )
    };
    let mut d = Draft::new("video-freeze", 1, severity, message)
        .on_pc(p.id())
        .on_stream(Some(s.reference.clone()))
        .with(Evidence {
            stats_id: Some(obj.id.clone()),
            property: "totalFreezesDuration".into(),
            value: (total / 1000.0).into(),
            threshold: None,
            unit: "s".into(),
        })
        .with(Evidence::observed(Some(&obj.id), "freezeCount", n as f64));
    if pause.iter().any(|x| *x > 0.0) {
        d = d.with(Evidence::observed(
            Some(&obj.id),
            "totalPausesDuration",
            pause.iter().filter(|x| x.is_finite()).sum::<f64>(),
        ));
    }
    for (a, b, ..) in spans {
        d = d.during(a, b);
    }
    out.push(d);
    true
}

/// keyframe-storm: the receiver asks for keyframes again and again.
fn keyframe_storm(p: &Pc<'_>, s: &Stream<'_>, out: &mut Out) {
    let obj = s.obj();
    if obj.column("pliCount").is_none() {
        return;
    }
    let pli = s.deltas("pliCount");
    let fir = s.deltas("firCount");
    let dt = interval_ms(obj, "pliCount");
    let keep = p.judgeable_rows(&obj.times_ms);
    let requests: Vec<f64> = pli
        .iter()
        .enumerate()
        .map(|(i, a)| a + fir.get(i).copied().filter(|x| x.is_finite()).unwrap_or(0.0))
        .collect();
    let secs: Vec<f64> = dt.iter().map(|t| t / 1000.0).collect();
    let rate = windowed_ratio(
        &obj.times_ms,
        &masked(&requests, &keep),
        &masked(&secs, &keep),
        STORM_WINDOW_MS,
        STORM_WINDOW_MS / 2000.0,
    );
    let asked = |i: usize| requests.get(i).is_some_and(|&r| r > 0.0);
    let found: Vec<Episode> = episodes(&obj.times_ms, &rate, STORM)
        .iter()
        .filter_map(|e| super::series::refine(&obj.times_ms, e, STORM_WINDOW_MS, asked))
        .collect();
    let Some(e) = found.first() else { return };
    let n: f64 = found.iter().map(|e| sum(&requests, e.first, e.last)).sum();
    let peak = found
        .iter()
        .map(|e| super::series::max(&rate, e.first, e.last))
        .fold(f64::NAN, f64::max);
    let mut d = Draft::new(
        "keyframe-storm",
        1,
        Severity::Minor,
        format!(
            "{} asked for a new keyframe {} times, up to {} per second (first {}): every repair was itself lost or unusable, and each keyframe is a burst on the link.",
            capitalized(&s.label),
            num(n, 0),
            num(peak, 2),
            from_to(e.start_ms, e.end_ms)
        ),
    )
    .on_pc(p.id())
    .on_stream(Some(s.reference.clone()))
    .with(Evidence::measured(&obj.id, "pliCount", peak, STORM.on, "PLI/s"));
    for e in &found {
        d = d.during(e.start_ms, e.end_ms);
    }
    out.push(d);
}

/// frames-dropped: frames that arrived but were not shown, when the
/// network is not to blame.
fn frames_dropped(p: &Pc<'_>, s: &Stream<'_>, out: &mut Out) {
    let obj = s.obj();
    if obj.column("framesDropped").is_none() || obj.column("framesReceived").is_none() {
        return;
    }
    let dropped = s.deltas("framesDropped");
    let received = s.deltas("framesReceived");
    let (lost, expected) = s.received_loss();
    let recv_packets = s.deltas("packetsReceived");
    let loss = windowed_ratio(&obj.times_ms, &lost, &expected, 10_000.0, 1.0);
    let mut keep = p.judgeable_rows(&obj.times_ms);
    for (k, l) in keep.iter_mut().zip(loss.iter()) {
        if *l * 100.0 >= QUIET_LOSS_PCT {
            *k = false;
        }
    }
    // After a stall the jitter buffer throws away what is stale: not this
    // device's fault. The 10 s after an interval with no packets are not
    // judged.
    let stalls: Vec<f64> = recv_packets
        .iter()
        .zip(&obj.times_ms)
        .filter(|(p, _)| **p == 0.0)
        .map(|(_, t)| *t)
        .collect();
    for (k, t) in keep.iter_mut().zip(&obj.times_ms) {
        if stalls.iter().any(|s| *t >= *s && *t < s + 10_000.0) {
            *k = false;
        }
    }
    let w: Vec<f64> = windowed_ratio(
        &obj.times_ms,
        &masked(&dropped, &keep),
        &masked(&received, &keep),
        10_000.0,
        30.0,
    )
    .into_iter()
    .map(|x| x * 100.0)
    .collect();
    let bad = |i: usize| {
        dropped.get(i).is_some_and(|&d| d > 0.0) && keep.get(i).copied().unwrap_or(false)
    };
    let found: Vec<Episode> = episodes(&obj.times_ms, &w, DROPPED)
        .iter()
        .filter_map(|e| super::series::refine(&obj.times_ms, e, 10_000.0, bad))
        .collect();
    let Some(e) = found.first() else { return };
    let n: f64 = found.iter().map(|e| sum(&dropped, e.first, e.last)).sum();
    let peak = found
        .iter()
        .map(|e| super::series::max(&w, e.first, e.last))
        .fold(f64::NAN, f64::max);
    let mut d = Draft::new(
        "frames-dropped",
        1,
        Severity::Minor,
        format!(
            "{} dropped {} frames after they arrived (up to {} %, first {}), with little loss on the network: this device could not keep up.",
            capitalized(&s.label),
            num(n, 0),
            num(peak, 0),
            from_to(e.start_ms, e.end_ms)
        ),
    )
    .on_pc(p.id())
    .on_stream(Some(s.reference.clone()))
    .with(Evidence::measured(&obj.id, "framesDropped", peak, DROPPED.on, "%"));
    for e in &found {
        d = d.during(e.start_ms, e.end_ms);
    }
    out.push(d);
}

/// decoder-overload: decoding takes most of each frame's time.
fn decoder_overload(p: &Pc<'_>, s: &Stream<'_>, out: &mut Out) {
    let obj = s.obj();
    if obj.column("totalDecodeTime").is_none() {
        return;
    }
    let decode = s.deltas("totalDecodeTime");
    let frames = s.deltas("framesDecoded");
    let dt = interval_ms(obj, "framesDecoded");
    let keep = p.judgeable_rows(&obj.times_ms);
    let ratio: Vec<f64> = (0..obj.len())
        .map(|i| {
            let (d, f, t) = (
                decode.get(i).copied().unwrap_or(f64::NAN),
                frames.get(i).copied().unwrap_or(f64::NAN),
                dt.get(i).copied().unwrap_or(f64::NAN),
            );
            if f >= 5.0 && t > 0.0 {
                // ms per frame against the ms each frame may take.
                (1000.0 * d / f) / (t / f)
            } else {
                f64::NAN
            }
        })
        .collect();
    let found = episodes(
        &obj.times_ms,
        &masked(&ratio, &keep),
        Hysteresis {
            on: DECODE_BUDGET,
            off: DECODE_BUDGET * 0.8,
            min_ms: 5000.0,
            merge_ms: 5000.0,
        },
    );
    let Some(e) = found.first() else { return };
    let peak = found
        .iter()
        .map(|e| super::series::max(&ratio, e.first, e.last))
        .fold(f64::NAN, f64::max);
    let mut d = Draft::new(
        "decoder-overload",
        1,
        Severity::Minor,
        format!(
            "{}: decoding took up to {} % of each frame's time {}: this device's decoder could not keep up.",
            capitalized(&s.label),
            num(100.0 * peak, 0),
            from_to(e.start_ms, e.end_ms)
        ),
    )
    .on_pc(p.id())
    .on_stream(Some(s.reference.clone()))
    .with(Evidence::measured(&obj.id, "totalDecodeTime", 100.0 * peak, 100.0 * DECODE_BUDGET, "%"));
    for e in &found {
        d = d.during(e.start_ms, e.end_ms);
    }
    out.push(d);
}

/// cpu-limited. Returns whether the stream reports quality limitations.
fn cpu_limited(cx: &Context<'_>, p: &Pc<'_>, s: &Stream<'_>, out: &mut Out) -> bool {
    let obj = s.obj();
    let Some(share) = s.limited_share(cx, "cpu") else {
        return false;
    };
    let keep = p.flowing_rows(s);
    let found = episodes(&obj.times_ms, &masked(&share, keep), CPU);
    let Some(e) = found.first() else { return true };
    let total: f64 = found.iter().map(Episode::duration_ms).sum();
    let mut d = Draft::new(
        "cpu-limited",
        1,
        Severity::Minor,
        format!(
            "{} was limited by this computer's CPU for {} (first {}): the encoder lowered resolution or frame rate to keep up.",
            capitalized(&s.label),
            duration(total),
            from_to(e.start_ms, e.end_ms)
        ),
    )
    .on_pc(p.id())
    .on_stream(Some(s.reference.clone()))
    .with(Evidence::observed(Some(&obj.id), "qualityLimitationReason", "cpu"));
    for e in &found {
        d = d.during(e.start_ms, e.end_ms);
    }
    out.push(d);
    true
}

/// Width and height columns of a stream.
fn size_props(s: &Stream<'_>) -> (&'static str, &'static str) {
    match (s.rtp.legacy, s.inbound()) {
        (true, true) => ("googFrameWidthReceived", "googFrameHeightReceived"),
        (true, false) => ("googFrameWidthSent", "googFrameHeightSent"),
        _ => ("frameWidth", "frameHeight"),
    }
}

/// resolution-drop: below 75 % of the pixels the stream had reached.
fn resolution_drop(p: &Pc<'_>, s: &Stream<'_>, out: &mut Out) {
    let obj = s.obj();
    let (wp, hp) = size_props(s);
    let (Some(w), Some(h)) = (series(obj, wp, 1.0), series(obj, hp, 1.0)) else {
        return;
    };
    let keep = p.flowing_rows(s);
    let mut best: f64 = 0.0;
    let mut best_size = (0.0, 0.0);
    let mut ratio = vec![f64::NAN; obj.len()];
    for i in 0..obj.len() {
        let (Some(&x), Some(&y)) = (w.get(i), h.get(i)) else {
            continue;
        };
        if !(x > 0.0 && y > 0.0 && keep.get(i).copied().unwrap_or(false)) {
            continue;
        }
        if x * y > best {
            best = x * y;
            best_size = (x, y);
        }
        if let Some(r) = ratio.get_mut(i) {
            *r = x * y / best;
        }
    }
    let mut found = episodes_below(
        &obj.times_ms,
        &ratio,
        Hysteresis {
            on: RESOLUTION_RATIO,
            off: RESOLUTION_RATIO,
            min_ms: DROP_MIN_MS,
            merge_ms: 5000.0,
        },
    );
    found.retain(|e| !p.in_ramp_up(e));
    let Some(e) = found.first() else { return };
    let lowest = (e.first..=e.last)
        .filter_map(|i| Some((w.get(i)?, h.get(i)?, ratio.get(i)?)))
        .filter(|(_, _, r)| r.is_finite())
        .min_by(|a, b| a.2.total_cmp(b.2));
    let Some((lw, lh, lr)) = lowest else { return };
    // What a receiver gets is also the sender's or an SFU's choice (layout,
    // simulcast layers): minor; a sender's own drop below half is major.
    let severity = if *lr < 0.5 && !s.inbound() {
        Severity::Major
    } else {
        Severity::Minor
    };
    let mut d = Draft::new(
        "resolution-drop",
        1,
        severity,
        format!(
            "{} dropped from {}×{} to {}×{} {}.",
            capitalized(&s.label),
            num(best_size.0, 0),
            num(best_size.1, 0),
            num(*lw, 0),
            num(*lh, 0),
            from_to(e.start_ms, e.end_ms)
        ),
    )
    .on_pc(p.id())
    .on_stream(Some(s.reference.clone()))
    .with(Evidence::measured(
        &obj.id,
        hp,
        *lh,
        (RESOLUTION_RATIO * best).sqrt() * best_size.1 / best.sqrt(),
        "px",
    ));
    for e in &found {
        d = d.during(e.start_ms, e.end_ms);
    }
    out.push(d);
}

/// A stream's frame rate per row, and the property it comes from: the
/// reported `framesPerSecond` (goog's for legacy stats), else the rate of
/// its frame counter.
fn fps_series(s: &Stream<'_>) -> Option<(Vec<f64>, &'static str)> {
    let obj = s.obj();
    if s.rtp.legacy {
        let p = if s.inbound() {
            "googFrameRateReceived"
        } else {
            "googFrameRateSent"
        };
        return series(obj, p, 1.0).map(|v| (v, p));
    }
    if let Some(v) = series(obj, "framesPerSecond", 1.0) {
        return Some((v, "framesPerSecond"));
    }
    let counter = if s.inbound() {
        "framesDecoded"
    } else {
        "framesEncoded"
    };
    obj.column(counter)?;
    Some((crate::metrics::rate_per_s(obj, counter, 1.0), counter))
}

/// framerate-drop: below 60 % of the stream's usual frame rate.
fn framerate_drop(p: &Pc<'_>, s: &Stream<'_>, out: &mut Out) {
    let obj = s.obj();
    let Some((fps, fps_prop)) = fps_series(s) else {
        return;
    };
    // No packets: a paused stream (an SFU's last-N, a sender that stopped),
    // not a slow one.
    let keep = p.flowing_rows(s);
    let fps = masked(&fps, keep);
    // The stream's usual rate: its 80th percentile, so that a long bad
    // stretch does not become the norm it is judged against.
    let mut v: Vec<f64> = fps
        .iter()
        .copied()
        .filter(|x| x.is_finite() && *x > 0.0)
        .collect();
    let usual = super::series::quantile(&mut v, 4, 5);
    if usual.is_nan() || usual < MIN_USUAL_FPS {
        return;
    }
    // A sender whose source slowed down (camera, canvas) is not at fault.
    let source_fps = s
        .source
        .and_then(|m| Some((m, series(m, "framesPerSecond", 1.0)?)));
    let ratio: Vec<f64> = fps
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let t = obj.times_ms.get(i).copied().unwrap_or(f64::NAN);
            let src_ok = match &source_fps {
                Some((m, src)) => {
                    let r = m.times_ms.partition_point(|&x| x <= t);
                    r.checked_sub(1)
                        .and_then(|r| src.get(r))
                        .is_none_or(|&sf| !(sf.is_finite() && sf < FRAMERATE_RATIO * usual))
                }
                None => true,
            };
            if src_ok {
                f / usual
            } else {
                f64::NAN
            }
        })
        .collect();
    let mut found = episodes_below(
        &obj.times_ms,
        &ratio,
        Hysteresis {
            on: FRAMERATE_RATIO,
            off: FRAMERATE_RATIO,
            min_ms: DROP_MIN_MS,
            merge_ms: 5000.0,
        },
    );
    found.retain(|e| !p.in_ramp_up(e));
    let Some(e) = found.first() else { return };
    let mut low: Vec<f64> = (e.first..=e.last)
        .filter_map(|i| fps.get(i).copied())
        .filter(|x| x.is_finite())
        .collect();
    let low = median(&mut low);
    let severity = if low < 0.3 * usual {
        Severity::Major
    } else {
        Severity::Minor
    };
    let mut d = Draft::new(
        "framerate-drop",
        1,
        severity,
        format!(
            "{} fell to {} frames/s from its usual {} {}.",
            capitalized(&s.label),
            num(low, 0),
            num(usual, 0),
            from_to(e.start_ms, e.end_ms)
        ),
    )
    .on_pc(p.id())
    .on_stream(Some(s.reference.clone()))
    .with(Evidence::measured(
        &obj.id,
        fps_prop,
        low,
        FRAMERATE_RATIO * usual,
        "frames/s",
    ));
    for e in &found {
        d = d.during(e.start_ms, e.end_ms);
    }
    out.push(d);
}

/// dry-track: no bytes for 5 s while the connection was up and the far end
/// (inbound) or the media source (outbound) says media was there.
fn dry(p: &Pc<'_>, s: &Stream<'_>, out: &mut Out) {
    let obj = s.obj();
    let prop = if s.inbound() {
        "bytesReceived"
    } else {
        "bytesSent"
    };
    if obj.column(prop).is_none() {
        return;
    }
    let bytes = s.deltas(prop);
    let keep = p.judgeable_rows(&obj.times_ms);
    // Only once the stream has carried something: a stream that never
    // started is another question.
    let started = bytes.iter().position(|b| *b > 0.0);
    let Some(started) = started else { return };
    let zero: Vec<f64> = bytes
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if i > started && *b == 0.0 {
                1.0
            } else if b.is_finite() {
                0.0
            } else {
                f64::NAN
            }
        })
        .collect();
    let found = episodes(
        &obj.times_ms,
        &masked(&zero, &keep),
        Hysteresis {
            on: 1.0,
            off: 1.0,
            min_ms: DRY_MS,
            merge_ms: 0.0,
        },
    );
    // An outbound stream the application may have paused (encodings
    // `active: false`, Chrome before M114 does not say) is not judged.
    if !s.inbound() {
        let Some(active) = obj.column("active") else {
            return;
        };
        if found
            .iter()
            .any(|e| (e.first..=e.last).any(|i| active.text(i, p.strings) != Some("true")))
        {
            return;
        }
    }
    // Media was there: the far end says it sent (inbound), or the source
    // produced (outbound).
    let witness: Option<(&StatsObject, &str)> = if s.inbound() {
        s.rtp.remote.map(|r| (r, "packetsSent"))
    } else {
        s.source.map(|m| {
            (
                m,
                if s.is_audio() {
                    "totalSamplesDuration"
                } else {
                    "frames"
                },
            )
        })
    };
    let Some((wobj, wprop)) = witness else { return };
    let grew = |a: f64, b: f64| -> Option<f64> {
        let col = wobj.column(wprop)?;
        let at = |t: f64| {
            let r = wobj.times_ms.partition_point(|&x| x <= t);
            r.checked_sub(1).and_then(|r| col.number(r))
        };
        let (x, y) = (at(a)?, at(b)?);
        // The witness must itself have been updated inside the span.
        let updated = wobj.times_ms.iter().any(|&t| a < t && t <= b);
        (updated && y > x).then_some(y - x)
    };
    let dry: Vec<(Episode, f64)> = found
        .into_iter()
        .filter_map(|e| grew(e.start_ms, e.end_ms).map(|g| (e, g)))
        .collect();
    let Some((e, g)) = dry.first() else { return };
    let total: f64 = dry.iter().map(|(e, _)| e.duration_ms()).sum();
    let why = if s.inbound() {
        format!(
            "the far end reported sending {} packets meanwhile",
            num(*g, 0)
        )
    } else {
        "its media source kept producing".to_string()
    };
    let mut d = Draft::new(
        "dry-track",
        1,
        Severity::Major,
        format!(
            "{} carried no bytes for {} (first {}) while the connection was up and {why}.",
            capitalized(&s.label),
            duration(total),
            from_to(e.start_ms, e.end_ms)
        ),
    )
    .on_pc(p.id())
    .on_stream(Some(s.reference.clone()))
    .with(Evidence::measured(&obj.id, prop, 0.0, 1.0, "bytes"))
    .with(Evidence::observed(Some(&wobj.id), wprop, *g));
    for (e, _) in &dry {
        d = d.during(e.start_ms, e.end_ms);
    }
    out.push(d);
}

/// The application's bitrate cap on an outbound video stream: where it
/// holds, and what it was measured with.
pub(super) struct BitrateCap<'a> {
    pub episodes: Vec<Episode>,
    /// targetBitrate per row, kbit/s.
    pub target_kbps: Vec<f64>,
    /// The selected pair's availableOutgoingBitrate: (time, pair, bit/s).
    pub bwe: Vec<(f64, &'a str, f64)>,
    /// Their times, for [`super::context::rows_through`].
    bwe_times: Vec<f64>,
    hint: std::cell::Cell<usize>,
}

impl BitrateCap<'_> {
    /// The bandwidth estimate at `t`, kbit/s.
    pub fn bwe_kbps(&self, t: f64) -> Option<f64> {
        let r = super::context::rows_through(&self.bwe_times, t, &self.hint);
        r.checked_sub(1)
            .and_then(|r| self.bwe.get(r))
            .map(|x| x.2 / 1000.0)
    }

    /// Whether the cap holds at `t`.
    pub fn holds_at(&self, t: f64) -> bool {
        self.episodes
            .iter()
            .any(|e| e.start_ms <= t && t <= e.end_ms)
    }
}

/// Where an outbound video stream's target sat far under both the
/// bandwidth estimate and what its source normally gets, flat (a cap, not
/// an estimate moving it), and not CPU-limited. `None`: no target, source
/// or estimate to judge by. Chrome reports such a stream as limited by
/// "bandwidth" too: bandwidth-limited defers to this.
pub(super) fn bitrate_cap<'s, 'a>(
    cx: &Context<'_>,
    p: &Pc<'a>,
    s: &'s Stream<'a>,
) -> Option<&'s BitrateCap<'a>> {
    s.cap.get_or_init(|| find_bitrate_cap(cx, p, s)).as_ref()
}

fn find_bitrate_cap<'a>(cx: &Context<'_>, p: &Pc<'a>, s: &Stream<'_>) -> Option<BitrateCap<'a>> {
    let obj = s.obj();
    let src = s.source?;
    let target = series(obj, "targetBitrate", 1.0 / 1000.0)?;
    let bwe = p.pair_bwe();
    if bwe.is_empty() {
        return None;
    }
    let mut cap = BitrateCap {
        episodes: Vec::new(),
        target_kbps: target,
        bwe: bwe.to_vec(),
        bwe_times: bwe.iter().map(|x| x.0).collect(),
        hint: std::cell::Cell::new(0),
    };
    let (src_w, src_h) = (Latest::of(src, "width"), Latest::of(src, "height"));
    let keep = p.flowing_rows(s);
    let cpu = s.limited_share(cx, "cpu");
    let flags: Vec<f64> = obj
        .times_ms
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            let judged = keep.get(i).copied().unwrap_or(false);
            let capped = (|| {
                let tg = cap.target_kbps.get(i).copied().filter(|x| x.is_finite())?;
                let (w, h) = (src_w.at(t)?, src_h.at(t)?);
                let b = cap.bwe_kbps(t)?;
                let busy = cpu
                    .as_ref()
                    .and_then(|v| v.get(i).copied())
                    .is_some_and(|c| c >= 0.3);
                Some(
                    !busy
                        && tg < APP_CAP_TARGET_RATIO * default_max_kbps(w, h)
                        && b >= APP_CAP_HEADROOM * tg,
                )
            })();
            match (judged, capped) {
                (true, Some(true)) => 1.0,
                (true, Some(false)) => 0.0,
                _ => f64::NAN,
            }
        })
        .collect();
    // Flat: most of the stretch within 10 % of its median target (the
    // allocation dips for a poll now and then).
    let flat = |e: &Episode| {
        let mut v: Vec<f64> = (e.first..=e.last)
            .filter_map(|i| cap.target_kbps.get(i).copied())
            .filter(|x| x.is_finite())
            .collect();
        let m = median(&mut v);
        let near = v
            .iter()
            .filter(|x| ((*x - m) / m).abs() <= APP_CAP_FLAT)
            .count();
        m > 0.0 && near * 5 >= v.len() * 4
    };
    let h = Hysteresis {
        on: 1.0,
        off: 1.0,
        min_ms: APP_CAP_MIN_MS,
        merge_ms: 5000.0,
    };
    cap.episodes = episodes(&obj.times_ms, &flags, h)
        .into_iter()
        .filter(flat)
        .collect();
    Some(cap)
}

/// An encoding limit the application set with `setParameters` (rtcstats
/// dumps record the calls; Chrome's own dumps do not): which, its value,
/// and from when to when it held.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct SetLimit {
    pub name: &'static str,
    pub value: f64,
    pub start_ms: f64,
    pub end_ms: f64,
}

/// The `setParameters` limits of an outbound stream: calls whose sender
/// track (their first extra) is the stream's source track, or every call
/// when the connection sends one video stream and the calls name none.
/// The first encoding's limits (the largest simulcast layer's).
pub(super) fn set_parameters_limits(cx: &Context<'_>, p: &Pc<'_>, s: &Stream<'_>) -> Vec<SetLimit> {
    let strings = &cx.session.strings;
    let track = s
        .source
        .and_then(|m| m.last_text("trackIdentifier", strings));
    let videos = p
        .streams
        .iter()
        .filter(|o| !o.inbound() && o.is_video())
        .count();
    let mut out: Vec<SetLimit> = Vec::new();
    let mut open: Vec<(&'static str, f64, f64)> = Vec::new();
    for e in p.pc.events.iter().filter(|e| e.name == "setParameters") {
        let Some(t) = e.t_ms else { continue };
        let named = e.extras.first().and_then(serde_json::Value::as_str);
        let ours = match (named, track) {
            (Some(n), Some(tr)) => n == tr,
            (None, _) => videos == 1,
            (Some(_), None) => false,
        };
        if !ours {
            continue;
        }
        let enc = e.value.get("encodings").and_then(|v| v.get(0));
        for name in ["maxBitrate", "scaleResolutionDownBy", "maxFramerate"] {
            let value = enc
                .and_then(|x| x.get(name))
                .and_then(serde_json::Value::as_f64);
            let current = open.iter().position(|o| o.0 == name);
            match (current, value) {
                (Some(i), v) if v != open.get(i).map(|o| o.1) => {
                    let (n, val, start) = open.remove(i);
                    out.push(SetLimit {
                        name: n,
                        value: val,
                        start_ms: start,
                        end_ms: t,
                    });
                    if let Some(v) = v {
                        open.push((name, v, t));
                    }
                }
                (None, Some(v)) => open.push((name, v, t)),
                _ => {}
            }
        }
    }
    for (name, value, start) in open {
        out.push(SetLimit {
            name,
            value,
            start_ms: start,
            end_ms: p.end_ms.max(start),
        });
    }
    out
}

/// app-bitrate-cap, app-resolution-cap, app-framerate-cap.
fn app_caps<'a>(cx: &Context<'_>, p: &Pc<'a>, s: &Stream<'a>, out: &mut Out, counts: &mut Counts) {
    let obj = s.obj();
    let Some(src) = s.source else {
        return;
    };
    let (src_w, src_h) = (Latest::of(src, "width"), Latest::of(src, "height"));
    counts.source_caps += 1;
    let flowing = p.flowing_rows(s);
    // Simulcast: the lower layers are smaller and slower by design; only
    // the largest layer of a source can show the application's cap.
    let width = |o: &StatsObject| o.last_number("frameWidth").unwrap_or(0.0);
    let top_layer = !p.streams.iter().any(|o| {
        !o.inbound()
            && o.obj().id != obj.id
            && o.source.is_some_and(|m| m.id == src.id)
            && width(o.obj()) > width(obj)
    });
    let keep = flowing;
    let limited: Vec<f64> = {
        let b = s.limited_share(cx, "bandwidth");
        let c = s.limited_share(cx, "cpu");
        (0..obj.len())
            .map(|i| {
                let x = b
                    .as_ref()
                    .and_then(|v| v.get(i).copied())
                    .filter(|x| x.is_finite())
                    .unwrap_or(0.0);
                let y = c
                    .as_ref()
                    .and_then(|v| v.get(i).copied())
                    .filter(|x| x.is_finite())
                    .unwrap_or(0.0);
                x + y
            })
            .collect()
    };
    let unlimited = |i: usize| limited.get(i).is_some_and(|&l| l < 0.3);
    let flags = |f: &dyn Fn(usize, f64) -> Option<bool>| -> Vec<f64> {
        obj.times_ms
            .iter()
            .enumerate()
            .map(|(i, &t)| {
                if !keep.get(i).copied().unwrap_or(false) {
                    return f64::NAN;
                }
                match f(i, t) {
                    Some(true) => 1.0,
                    Some(false) => 0.0,
                    None => f64::NAN,
                }
            })
            .collect()
    };
    let h = Hysteresis {
        on: 1.0,
        off: 1.0,
        min_ms: APP_CAP_MIN_MS,
        merge_ms: 5000.0,
    };

    // Bitrate: the target far under both the bandwidth estimate and what
    // the source's resolution normally gets.
    if let Some(cap) = bitrate_cap(cx, p, s) {
        counts.bitrate_cap += 1;
        if let Some(e) = cap.episodes.first() {
            let tg = (e.first..=e.last)
                .filter_map(|i| cap.target_kbps.get(i).copied())
                .filter(|x| x.is_finite())
                .fold(f64::NAN, f64::max);
            let mut b: Vec<f64> = (e.first..=e.last)
                .filter_map(|i| obj.times_ms.get(i))
                .filter_map(|&t| cap.bwe_kbps(t))
                .collect();
            let b = median(&mut b);
            let (w, hgt) = (
                src_w.at(e.end_ms).unwrap_or(0.0),
                src_h.at(e.end_ms).unwrap_or(0.0),
            );
            let mut d = Draft::new(
                "app-bitrate-cap",
                1,
                Severity::Minor,
                format!(
                    "{} was held to about {} kbit/s by the application (its encoding's maxBitrate) {}, while the bandwidth estimate allowed {} kbit/s and a {}×{} source normally gets up to {} kbit/s.",
                    capitalized(&s.label),
                    num(tg, 0),
                    from_to(e.start_ms, e.end_ms),
                    num(b, 0),
                    num(w, 0),
                    num(hgt, 0),
                    num(default_max_kbps(w, hgt), 0)
                ),
            )
            .on_pc(p.id())
            .on_stream(Some(s.reference.clone()))
            .with(Evidence::measured(&obj.id, "targetBitrate", tg, APP_CAP_TARGET_RATIO * default_max_kbps(w, hgt), "kbit/s"))
            .with(Evidence::observed(cap.bwe.last().map(|r| r.1), "availableOutgoingBitrate", b));
            for e in &cap.episodes {
                d = d.during(e.start_ms, e.end_ms);
            }
            out.push(d);
        }
    }

    // Resolution: sent smaller than the source with no quality limitation.
    let (wp, hp) = size_props(s);
    if let (true, Some(w), Some(hh)) = (top_layer, series(obj, wp, 1.0), series(obj, hp, 1.0)) {
        let scaled = flags(&|i, t| {
            let (x, y) = (w.get(i).copied()?, hh.get(i).copied()?);
            let (sx, sy) = (src_w.at(t)?, src_h.at(t)?);
            if !(x > 0.0 && sx > 0.0) {
                return None;
            }
            Some(unlimited(i) && x * y < APP_CAP_PIXELS_RATIO * sx * sy)
        });
        let found = episodes(&obj.times_ms, &scaled, h);
        if let Some(e) = found.first() {
            let i = e.last;
            let (x, y) = (
                w.get(i).copied().unwrap_or(0.0),
                hh.get(i).copied().unwrap_or(0.0),
            );
            let t = obj.times_ms.get(i).copied().unwrap_or(e.end_ms);
            let (sx, sy) = (src_w.at(t).unwrap_or(0.0), src_h.at(t).unwrap_or(0.0));
            let mut d = Draft::new(
                "app-resolution-cap",
                1,
                Severity::Minor,
                format!(
                    "{} was sent at {}×{} from a {}×{} source {} with no quality limitation: the application scaled it down (scaleResolutionDownBy, or a simulcast layer).",
                    capitalized(&s.label),
                    num(x, 0),
                    num(y, 0),
                    num(sx, 0),
                    num(sy, 0),
                    from_to(e.start_ms, e.end_ms)
                ),
            )
            .on_pc(p.id())
            .on_stream(Some(s.reference.clone()))
            .with(Evidence::measured(&obj.id, hp, y, APP_CAP_PIXELS_RATIO.sqrt() * sy, "px"))
            .with(Evidence::observed(Some(&src.id), "height", sy));
            for e in &found {
                d = d.during(e.start_ms, e.end_ms);
            }
            out.push(d);
        }
    }

    // Frame rate: sent slower than the source with no quality limitation.
    if let (true, Some((fps, fps_prop))) = (top_layer, fps_series(s)) {
        // What the camera delivers: the track's frame count when reported
        // (under maxFramerate Chrome lowers the media source's own
        // framesPerSecond too), else the source's framesPerSecond.
        let delivered = src
            .column("track.deliveredFrames")
            .map(|_| crate::metrics::rate_per_s(src, "track.deliveredFrames", 1.0));
        let src_fps = Latest::of(src, "framesPerSecond");
        let source_fps = |t: f64| -> Option<f64> {
            match &delivered {
                Some(d) => {
                    let r = src.times_ms.partition_point(|&x| x <= t);
                    r.checked_sub(1)
                        .and_then(|r| d.get(r))
                        .copied()
                        .filter(|x| x.is_finite())
                }
                None => src_fps.at(t),
            }
        };
        let slowed = flags(&|i, t| {
            let f = fps.get(i).copied().filter(|x| x.is_finite())?;
            let sf = source_fps(t).filter(|x| *x >= MIN_USUAL_FPS)?;
            Some(unlimited(i) && f < APP_CAP_FPS_RATIO * sf)
        });
        let found = episodes(&obj.times_ms, &slowed, h);
        if let Some(e) = found.first() {
            let mut sent: Vec<f64> = (e.first..=e.last)
                .filter_map(|i| fps.get(i).copied())
                .filter(|x| x.is_finite())
                .collect();
            let sent = median(&mut sent);
            let sf = source_fps(e.end_ms).unwrap_or(f64::NAN);
            let mut d = Draft::new(
                "app-framerate-cap",
                1,
                Severity::Minor,
                format!(
                    "{} was sent at {} frames/s from a {} frames/s source {} with no quality limitation: the application capped its frame rate (maxFramerate).",
                    capitalized(&s.label),
                    num(sent, 0),
                    num(sf, 0),
                    from_to(e.start_ms, e.end_ms)
                ),
            )
            .on_pc(p.id())
            .on_stream(Some(s.reference.clone()))
            .with(Evidence::measured(&obj.id, fps_prop, sent, APP_CAP_FPS_RATIO * sf, "frames/s"))
                        .with(Evidence::observed(
                Some(&src.id),
                if delivered.is_some() { "track.deliveredFrames" } else { "framesPerSecond" },
                sf,
            ));
            for e in &found {
                d = d.during(e.start_ms, e.end_ms);
            }
            out.push(d);
        }
    }

    // What the application itself recorded: setParameters calls. Their
    // limits confirm a cap the stats showed (evidence), or show one the
    // stats cannot (a page's own getStats has no track frame counts, and
    // under maxFramerate the source reports the capped rate).
    for l in set_parameters_limits(cx, p, s) {
        let kind = match l.name {
            "maxBitrate" => "app-bitrate-cap",
            "scaleResolutionDownBy" => "app-resolution-cap",
            _ => "app-framerate-cap",
        };
        let ev = Evidence::observed(
            None,
            "setParameters",
            format!("{} {}", l.name, l.value).as_str(),
        );
        if let Some(d) = out.drafts.iter_mut().find(|d| {
            d.kind == kind
                && d.stream.as_ref().is_some_and(|r| r.stats_id == obj.id)
                && d.overlaps(l.start_ms, l.end_ms)
        }) {
            d.evidence.push(ev);
            continue;
        }
        let rows: Vec<usize> = (0..obj.len())
            .filter(|&i| keep.get(i).copied().unwrap_or(false))
            .filter(|&i| {
                obj.times_ms
                    .get(i)
                    .is_some_and(|&t| t > l.start_ms && t <= l.end_ms)
            })
            .collect();
        let (Some(&first), Some(&last)) = (rows.first(), rows.last()) else {
            continue;
        };
        let (a, b) = (
            obj.times_ms.get(first).copied().unwrap_or(l.start_ms),
            obj.times_ms.get(last).copied().unwrap_or(l.end_ms),
        );
        if b - a < APP_CAP_MIN_MS {
            continue;
        }
        let sent = |prop: &str, scale: f64| {
            let mut v: Vec<f64> = rows
                .iter()
                .filter_map(|&i| obj.column(prop)?.number(i))
                .map(|x| x * scale)
                .collect();
            median(&mut v)
        };
        let (held, what) = match l.name {
            "maxFramerate" => {
                let f = fps_series(s)
                    .map(|(v, _)| {
                        let mut x: Vec<f64> = rows
                            .iter()
                            .filter_map(|&i| v.get(i).copied())
                            .filter(|x| x.is_finite())
                            .collect();
                        median(&mut x)
                    })
                    .unwrap_or(f64::NAN);
                (
                    f <= l.value * 1.15,
                    format!("sent at {} frames/s", num(f, 0)),
                )
            }
            "maxBitrate" => {
                let t = sent("targetBitrate", 1.0 / 1000.0);
                (
                    t <= l.value / 1000.0 * 1.05,
                    format!("its target held at {} kbit/s", num(t, 0)),
                )
            }
            _ => {
                let h = sent("frameHeight", 1.0);
                (
                    l.value > 1.0 && h.is_finite(),
                    format!("sent {} px high", num(h, 0)),
                )
            }
        };
        if !held {
            continue;
        }
        out.push(
            Draft::new(
                kind,
                1,
                Severity::Minor,
                format!(
                    "The application set {} {} on {} with setParameters at {} UTC: it was {what} {}.",
                    l.name,
                    num(l.value, 2),
                    s.label,
                    super::series::clock(l.start_ms),
                    from_to(a, b)
                ),
            )
            .on_pc(p.id())
            .on_stream(Some(s.reference.clone()))
            .with(ev)
            .during(a, b),
        );
    }
}
