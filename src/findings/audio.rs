//! Received audio: how it sounded (concealment), and how hard the jitter
//! buffer worked for it (delay, time stretching).

use super::context::{Pc, Stream};
use super::series::{
    capitalized, episodes, from_to, masked, max, num, refine, sum, windowed_ratio, Episode,
    Hysteresis,
};
use super::{Context, Draft, Evidence, Out, Severity};
use crate::metrics::rates::counter_deltas;

/// Audible concealment (concealed minus silent-concealed samples) over a
/// 15 s window: from 3 %, down to 1 % (ObserveRTC's
/// `audioConcealmentDetector`, after Webex: above 3 % significant, above
/// 5 % severe).
pub const CONCEALMENT_WINDOW_MS: f64 = 15_000.0;
pub const CONCEALMENT: Hysteresis = Hysteresis {
    on: 3.0,
    off: 1.0,
    min_ms: 5000.0,
    merge_ms: 5000.0,
};
/// Windows with fewer samples than this are not judged (half a second at 48 kHz).
pub const CONCEALMENT_MIN_SAMPLES: f64 = 24_000.0;
pub const CONCEALMENT_MAJOR_PCT: f64 = 5.0;
pub const CONCEALMENT_CRITICAL_PCT: f64 = 15.0;

/// Jitter-buffer stress: a target delay above 200 ms while more than 2 %
/// of the samples are stretched or squeezed (ObserveRTC's
/// `jitterBufferStressDetector`), for two collections in a row.
pub const STRESS_TARGET_MS: f64 = 200.0;
pub const STRESS_STRETCH: f64 = 0.02;
pub const STRESS_MIN_MS: f64 = 2000.0;

/// Time stretching over a 10 s window: from 10 % of the samples, down to
/// 5 % (ObserveRTC's `audioDesyncDetector` fractional correction).
pub const STRETCH_WINDOW_MS: f64 = 10_000.0;
pub const STRETCH: Hysteresis = Hysteresis {
    on: 10.0,
    off: 5.0,
    min_ms: 5000.0,
    merge_ms: 5000.0,
};

pub(super) fn rules(_cx: &Context<'_>, out: &mut Out) {
    let cx = _cx;
    let mut concealment = 0;
    let mut buffer = 0;
    for p in &cx.pcs {
        for s in p.streams.iter().filter(|s| s.inbound() && s.is_audio()) {
            if s.obj().column("concealedSamples").is_some() {
                concealment += 1;
                audio_concealment(p, s, out);
            }
            if s.obj().column("insertedSamplesForDeceleration").is_some() {
                buffer += 1;
                jitter_buffer(p, s, out);
            }
        }
    }
    let note = |n: usize, what: &str| {
        if n > 0 {
            (true, format!("{what} of {n} inbound audio stream(s)"))
        } else {
            (
                false,
                "not checked: no inbound audio with those counters".to_string(),
            )
        }
    };
    let (ok, n) = note(concealment, "concealedSamples and silentConcealedSamples");
    out.check("audio-concealment", 1, ok, n);
    let (ok, n) = note(
        buffer,
        "jitterBufferTargetDelay and inserted/removed samples",
    );
    out.check("jitter-buffer-stress", 1, ok, n.clone());
    out.check("time-stretch", 1, ok, n);
}

/// audio-concealment.
fn audio_concealment(p: &Pc<'_>, s: &Stream<'_>, out: &mut Out) {
    let obj = s.obj();
    let concealed = s.deltas("concealedSamples");
    let silent = s.deltas("silentConcealedSamples");
    let total = s.deltas("totalSamplesReceived");
    let audible: Vec<f64> = concealed
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
    let keep = p.judgeable_rows(&obj.times_ms);
    let (audible, total) = (masked(&audible, &keep), masked(&total, &keep));
    let w: Vec<f64> = windowed_ratio(
        &obj.times_ms,
        &audible,
        &total,
        CONCEALMENT_WINDOW_MS,
        CONCEALMENT_MIN_SAMPLES,
    )
    .into_iter()
    .map(|x| x * 100.0)
    .collect();
    let concealing = |i: usize| audible.get(i).is_some_and(|&a| a > 0.0);
    let found: Vec<Episode> = episodes(&obj.times_ms, &w, CONCEALMENT)
        .iter()
        .filter_map(|e| {
            let r = refine(&obj.times_ms, e, CONCEALMENT_WINDOW_MS, concealing)?;
            // The worst window is read over the episode as found.
            Some(Episode {
                first: r.first.min(e.first),
                last: r.last.max(e.last).min(e.last),
                ..r
            })
        })
        .collect();
    // The worst 15 s window, and the share over its whole stretch.
    let Some((worst, pct)) = found
        .iter()
        .map(|e| (e, max(&w, e.first, e.last)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
    else {
        return;
    };
    let t = sum(&total, worst.first, worst.last);
    let overall = if t > 0.0 {
        100.0 * sum(&audible, worst.first, worst.last) / t
    } else {
        0.0
    };
    let severity = if pct >= CONCEALMENT_CRITICAL_PCT {
        Severity::Critical
    } else if pct >= CONCEALMENT_MAJOR_PCT {
        Severity::Major
    } else {
        Severity::Minor
    };
    let more = if found.len() > 1 {
        format!(" ({} stretches in all)", found.len())
    } else {
        String::new()
    };
    let mut d = Draft::new(
        "audio-concealment",
        1,
        severity,
        format!(
            "{}: up to {} % of what was played (over 15 s; {} % over the stretch) was made up by the decoder to hide missing audio {}{more}: the listener heard gaps and robotic sound.",
            capitalized(&s.label),
            num(pct, 1),
            num(overall, 1),
            from_to(worst.start_ms, worst.end_ms)
        ),
    )
    .on_pc(p.id())
    .on_stream(Some(s.reference.clone()))
    .with(Evidence::measured(&obj.id, "concealedSamples", pct, CONCEALMENT.on, "%"));
    for e in &found {
        d = d.during(e.start_ms, e.end_ms);
    }
    out.push(d);
}

/// jitter-buffer-stress and time-stretch.
fn jitter_buffer(p: &Pc<'_>, s: &Stream<'_>, out: &mut Out) {
    let obj = s.obj();
    let total = s.deltas("totalSamplesReceived");
    let inserted = s.deltas("insertedSamplesForDeceleration");
    let removed = s.deltas("removedSamplesForAcceleration");
    let stretched: Vec<f64> = inserted
        .iter()
        .zip(removed.iter())
        .map(|(a, b)| a + b)
        .collect();
    let keep = p.judgeable_rows(&obj.times_ms);
    let (stretched, total) = (masked(&stretched, &keep), masked(&total, &keep));
    // Target delay per emitted sample over each interval, ms (the
    // spec's average target; jitterBufferDelay where there is no target).
    let delay_prop = if obj.column("jitterBufferTargetDelay").is_some() {
        "jitterBufferTargetDelay"
    } else {
        "jitterBufferDelay"
    };
    let delay = counter_deltas(obj, delay_prop);
    let emitted = s.deltas("jitterBufferEmittedCount");
    let target_ms: Vec<f64> = delay
        .iter()
        .zip(emitted.iter())
        .map(|(d, e)| if *e > 0.0 { 1000.0 * d / e } else { f64::NAN })
        .collect();
    let rate: Vec<f64> = stretched
        .iter()
        .zip(total.iter())
        .map(|(a, b)| if *b > 0.0 { a / b } else { f64::NAN })
        .collect();
    let stressed: Vec<f64> = target_ms
        .iter()
        .zip(rate.iter())
        .map(|(t, r)| {
            if t.is_nan() || r.is_nan() {
                f64::NAN
            } else if *t > STRESS_TARGET_MS && *r > STRESS_STRETCH {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    let found = episodes(
        &obj.times_ms,
        &stressed,
        Hysteresis {
            on: 1.0,
            off: 1.0,
            min_ms: STRESS_MIN_MS,
            merge_ms: 5000.0,
        },
    );
    if let Some(e) = found.first() {
        let peak = found
            .iter()
            .map(|e| max(&target_ms, e.first, e.last))
            .fold(f64::NAN, f64::max);
        let mut d = Draft::new(
            "jitter-buffer-stress",
            1,
            Severity::Minor,
            format!(
                "{}'s jitter buffer held up to {} ms of audio and kept stretching it to cover uneven arrival {}: speech was delayed and warped.",
                capitalized(&s.label),
                num(peak, 0),
                from_to(e.start_ms, e.end_ms)
            ),
        )
        .on_pc(p.id())
        .on_stream(Some(s.reference.clone()))
        .with(Evidence::measured(&obj.id, delay_prop, peak, STRESS_TARGET_MS, "ms"));
        for e in &found {
            d = d.during(e.start_ms, e.end_ms);
        }
        out.push(d);
    }
    let w: Vec<f64> = windowed_ratio(
        &obj.times_ms,
        &stretched,
        &total,
        STRETCH_WINDOW_MS,
        24_000.0,
    )
    .into_iter()
    .map(|x| x * 100.0)
    .collect();
    let found = episodes(&obj.times_ms, &w, STRETCH);
    if let Some(e) = found.first() {
        let peak = found
            .iter()
            .map(|e| max(&w, e.first, e.last))
            .fold(f64::NAN, f64::max);
        let mut d = Draft::new(
            "time-stretch",
            1,
            Severity::Minor,
            format!(
                "{}: up to {} % of the samples were inserted or removed to speed playout up or slow it down {}: voices sounded sped up or dragged.",
                capitalized(&s.label),
                num(peak, 1),
                from_to(e.start_ms, e.end_ms)
            ),
        )
        .on_pc(p.id())
        .on_stream(Some(s.reference.clone()))
        .with(Evidence::measured(&obj.id, "insertedSamplesForDeceleration", peak, STRETCH.on, "%"));
        for e in &found {
            d = d.during(e.start_ms, e.end_ms);
        }
        out.push(d);
    }
}
