//! Devices: getUserMedia that failed, capture that ended by itself, a
//! microphone that sends silence.

use super::context::{Pc, Stream};
use super::series::{capitalized, duration, episodes, from_to, masked, Hysteresis};
use super::{Context, Draft, Evidence, Out, Severity};
use crate::metrics::rates::counter_deltas;
use crate::model::Outcome;
use serde_json::Value;

/// A microphone whose level stays under this RMS is silent (ObserveRTC's
/// `captureFailureDetector.silenceRmsThreshold`) ...
pub const SILENCE_RMS: f64 = 0.001;
/// ... for this long (its `silenceThresholdInMs`: "long on purpose:
/// silence is not a broken microphone").
pub const SILENCE_MS: f64 = 30_000.0;

pub(super) fn rules(cx: &Context<'_>, out: &mut Out) {
    media_access(cx, out);
    let track_events = capture_ended(cx, out);
    out.check(
        "media-access-error",
        1,
        true,
        format!(
            "{} getUserMedia/getDisplayMedia request(s)",
            cx.session.get_user_media.len()
        ),
    );
    out.check(
        "capture-ended",
        1,
        track_events,
        if track_events {
            "MediaStreamTrack ended events of captured tracks"
        } else {
            "not checked: this dump records no track events (webrtc-internals does not)"
        },
    );
    let mut silent_checked = 0;
    for p in &cx.pcs {
        for s in p.streams.iter().filter(|s| !s.inbound() && s.is_audio()) {
            if silent_input(p, s, out) {
                silent_checked += 1;
            }
        }
    }
    out.check(
        "silent-input",
        1,
        silent_checked > 0,
        if silent_checked > 0 {
            format!("the microphone level of {silent_checked} outbound audio stream(s)")
        } else {
            "not checked: no media-source audio level".into()
        },
    );
}

/// media-access-error: a failed request; major unless a later request of
/// the same type succeeded.
fn media_access(cx: &Context<'_>, out: &mut Out) {
    let calls = &cx.session.get_user_media;
    for (i, c) in calls.iter().enumerate() {
        if c.outcome != Outcome::Failure {
            continue;
        }
        let recovered = calls
            .iter()
            .skip(i + 1)
            .any(|l| l.outcome == Outcome::Success && l.request_type == c.request_type);
        let what = match (c.audio, c.video) {
            (true, true) => "audio and video",
            (true, false) => "audio",
            (false, true) => "video",
            (false, false) => "media",
        };
        let error = c.error.clone().unwrap_or_else(|| "an error".into());
        let t = c.t_ms.or(c.result_t_ms).unwrap_or(f64::NAN);
        let when = if t.is_finite() {
            format!(" at {} UTC", super::series::clock(t))
        } else {
            String::new()
        };
        let tail = if recovered {
            "; a later request succeeded"
        } else {
            "; no later request succeeded"
        };
        let mut d = Draft::new(
            "media-access-error",
            1,
            if recovered {
                Severity::Minor
            } else {
                Severity::Major
            },
            format!("{} for {what} failed{when}: {error}{tail}.", c.request_type),
        )
        .with(Evidence::observed(None, &c.request_type, error.as_str()));
        if t.is_finite() {
            d = d.during(t, c.result_t_ms.unwrap_or(t));
        }
        out.push(d);
    }
}

/// The track id of a track event: its value's `id`, else its first extra.
fn track_id(value: &Value, extras: &[Value]) -> Option<String> {
    value
        .get("id")
        .and_then(Value::as_str)
        .or_else(|| extras.first().and_then(Value::as_str))
        .map(str::to_string)
}

/// capture-ended: a captured track ended without the page stopping it.
/// Returns whether the dump records track events at all.
fn capture_ended(cx: &Context<'_>, out: &mut Out) -> bool {
    let events = &cx.session.client_events;
    let is_track = |n: &str| n.starts_with("MediaStreamTrack.");
    if !events.iter().any(|e| is_track(&e.name)) {
        return false;
    }
    let mut stopped: Vec<String> = Vec::new();
    for e in events {
        let id = track_id(&e.value, &e.extras);
        match e.name.as_str() {
            "MediaStreamTrack.stop" => stopped.extend(id),
            "MediaStreamTrack.onended" => {
                if id.as_ref().is_some_and(|i| stopped.contains(i)) {
                    continue;
                }
                let kind = e
                    .value
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("media");
                let label = e.value.get("label").and_then(Value::as_str).unwrap_or("");
                let t = e.t_ms.unwrap_or(f64::NAN);
                let mut d = Draft::new(
                    "capture-ended",
                    1,
                    Severity::Major,
                    format!(
                        "The {kind} capture{} ended by itself at {} UTC (device unplugged, taken by another application, or permission revoked).",
                        if label.is_empty() { String::new() } else { format!(" ({label})") },
                        super::series::clock(t)
                    ),
                )
                .with(Evidence::observed(None, "MediaStreamTrack.onended", kind));
                if t.is_finite() {
                    d = d.during(t, t);
                }
                out.push(d);
            }
            _ => {}
        }
    }
    true
}

/// silent-input: the microphone's level under the silence floor for 30 s
/// while the stream was sending. Returns whether it could judge.
fn silent_input(p: &Pc<'_>, s: &Stream<'_>, out: &mut Out) -> bool {
    let Some(src) = s.source else {
        return false;
    };
    // RMS level per interval from the energy counters (audioLevel is a
    // snapshot); audioLevel where there are none.
    let (level, prop): (Vec<f64>, &str) = if src.column("totalAudioEnergy").is_some()
        && src.column("totalSamplesDuration").is_some()
    {
        let e = counter_deltas(src, "totalAudioEnergy");
        let d = counter_deltas(src, "totalSamplesDuration");
        (
            e.iter()
                .zip(&d)
                .map(|(e, d)| if *d > 0.0 { (e / d).sqrt() } else { f64::NAN })
                .collect(),
            "totalAudioEnergy",
        )
    } else if let Some(c) = src.column("audioLevel") {
        (
            (0..src.len())
                .map(|i| c.number(i).unwrap_or(f64::NAN))
                .collect(),
            "audioLevel",
        )
    } else {
        return false;
    };
    // Only while the stream sends (a paused sender's microphone is not
    // heard anyway): our rows where packets went out, at the source's times.
    let obj = s.obj();
    let sending = p.flowing_rows(s);
    let keep: Vec<bool> = src
        .times_ms
        .iter()
        .map(|&t| {
            let r = obj.times_ms.partition_point(|&x| x <= t);
            r.checked_sub(1)
                .and_then(|r| sending.get(r))
                .copied()
                .unwrap_or(false)
        })
        .collect();
    let silent: Vec<f64> = masked(&level, &keep)
        .iter()
        .map(|l| {
            if l.is_nan() {
                f64::NAN
            } else if *l < SILENCE_RMS {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    let found = episodes(
        &src.times_ms,
        &silent,
        Hysteresis {
            on: 1.0,
            off: 1.0,
            min_ms: SILENCE_MS,
            merge_ms: 0.0,
        },
    );
    let Some(e) = found.first() else { return true };
    let total: f64 = found.iter().map(|e| e.duration_ms()).sum();
    // Silence that covers the whole time the microphone was judged: it
    // never produced a sound (broken, wrong device, muted in hardware).
    // Silence between sounds is most likely the user muting (a disabled
    // track sends zeros just as a dead microphone does): worth knowing only.
    let judged = silent.iter().filter(|v| v.is_finite()).count();
    let quiet = silent.iter().filter(|v| **v == 1.0).count();
    let never = judged > 0 && quiet * 10 >= judged * 9;
    let (severity, why) = if never {
        (
            Severity::Minor,
            "it never produced a sound: a broken or muted microphone, or the wrong input device",
        )
    } else {
        (
            Severity::Info,
            "it produced sound at other times, so most likely the user muted it",
        )
    };
    let mut d = Draft::new(
        "silent-input",
        1,
        severity,
        format!(
            "{}: the microphone captured only silence for {} (first {}); {why}.",
            capitalized(&s.label),
            duration(total),
            from_to(e.start_ms, e.end_ms)
        ),
    )
    .on_pc(p.id())
    .on_stream(Some(s.reference.clone()))
    .with(Evidence::measured(&src.id, prop, 0.0, SILENCE_RMS, "RMS"));
    for e in &found {
        d = d.during(e.start_ms, e.end_ms);
    }
    out.push(d);
    true
}
