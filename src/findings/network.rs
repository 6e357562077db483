//! The network: loss each way, round-trip time, jitter, the bandwidth
//! estimate and what it did to the sender, congestion.

use super::context::{Pc, Stream};
use super::series::{
    capitalized, episodes, episodes_below, from_to, masked, max, mean, median, median_episodes,
    num, refine, sum, windowed_ratio, Episode, Hysteresis,
};
use super::{Context, Draft, Evidence, Out, Severity};
use crate::metrics::rates::{counter_deltas, signed_deltas};
use crate::model::StatsObject;

/// Loss over a 10 s trailing window ...
pub const LOSS_WINDOW_MS: f64 = 10_000.0;
/// ... starts an episode at 2 % and keeps it going down to 1 % (Twilio's
/// `packetsLostFraction` warnings raise at 1 % and at a 3 % average; this
/// sits between, on a longer window).
pub const LOSS: Hysteresis = Hysteresis {
    on: 2.0,
    off: 1.0,
    min_ms: 5000.0,
    merge_ms: 5000.0,
};
/// Windows with fewer packets than this are not judged ...
pub const LOSS_MIN_PACKETS: f64 = 50.0;
/// ... and a stretch that lost fewer packets than this is noise (2 % of a
/// 10 s window of audio at 50 packets/s).
pub const LOSS_MIN_LOST: f64 = 10.0;
/// Severity of loss by the episode's loss %: major from 5 %, critical from 15 %.
pub const LOSS_MAJOR_PCT: f64 = 5.0;
pub const LOSS_CRITICAL_PCT: f64 = 15.0;

/// Round trip: ITU-T G.114 puts the limit of a natural conversation at
/// 150 ms one way, so 300 ms round trip; Twilio warns from 400 ms.
pub const RTT: Hysteresis = Hysteresis {
    on: 300.0,
    off: 250.0,
    min_ms: 10_000.0,
    merge_ms: 10_000.0,
};
pub const RTT_MAJOR_MS: f64 = 400.0;
pub const RTT_CRITICAL_MS: f64 = 800.0;
pub const MEDIAN_WINDOW_MS: f64 = 10_000.0;

/// Interarrival jitter (RFC 3550) of received streams: Twilio warns above
/// 30 ms.
pub const JITTER: Hysteresis = Hysteresis {
    on: 30.0,
    off: 20.0,
    min_ms: 10_000.0,
    merge_ms: 10_000.0,
};
pub const JITTER_MAJOR_MS: f64 = 50.0;
pub const JITTER_CRITICAL_MS: f64 = 100.0;

/// Share of an interval the encoder spent limited by bandwidth
/// (`qualityLimitationDurations.bandwidth`), as ObserveRTC's CPU rule
/// reads its share (0.3); half the time, for 10 s, is bandwidth-limited.
pub const LIMITED: Hysteresis = Hysteresis {
    on: 0.5,
    off: 0.3,
    min_ms: 10_000.0,
    merge_ms: 5000.0,
};

/// The bandwidth estimate (`availableOutgoingBitrate`) below which a
/// connection sending video is short of bandwidth: about what libwebrtc
/// gives a 640x360 layer at its minimum (its simulcast table: 150-700
/// kbit/s for 640x360).
pub const LOW_BWE: Hysteresis = Hysteresis {
    on: 300.0,
    off: 400.0,
    min_ms: 10_000.0,
    merge_ms: 10_000.0,
};
pub const LOW_BWE_MAJOR_KBPS: f64 = 150.0;

/// Congestion, as ObserveRTC's `CongestionDetector` at medium sensitivity:
/// the encoder limited by bandwidth while the round trip strays from its
/// running average (EWMA, alpha 0.1, 0.02 while congested) by more than a
/// third of it, clamped to 50..150 ms.
pub const CONGESTION_MIN_MS: f64 = 5000.0;

pub(super) fn rules(cx: &Context<'_>, out: &mut Out) {
    let mut inbound = 0;
    let mut outbound_checked = 0;
    let mut outbound_unchecked = 0;
    let mut jitter_checked = 0;
    let mut rtt_checked = 0;
    let mut bwe_checked = 0;
    let mut video_out = 0;
    for p in &cx.pcs {
        for s in &p.streams {
            if s.inbound() {
                inbound += 1;
                inbound_loss(p, s, out);
                if jitter(p, s, out) {
                    jitter_checked += 1;
                }
            } else if outbound_loss(p, s, out) {
                outbound_checked += 1;
            } else {
                outbound_unchecked += 1;
            }
            if !s.inbound() && s.is_video() {
                video_out += 1;
                bandwidth_limited(cx, p, s, out);
            }
        }
        if high_rtt(p, out) {
            rtt_checked += 1;
        }
        if low_bwe(p, out) {
            bwe_checked += 1;
        }
        congestion(cx, p, out);
    }
    out.check(
        "inbound-loss",
        1,
        inbound > 0,
        if inbound > 0 {
            format!("packetsLost against packetsReceived of {inbound} inbound stream(s)")
        } else {
            "not checked: no inbound streams".into()
        },
    );
    out.check(
        "outbound-loss",
        1,
        outbound_checked > 0,
        match (outbound_checked, outbound_unchecked) {
            (0, 0) => "not checked: no outbound streams".into(),
            (0, _) => "not checked: no remote-inbound-rtp stats (what the far end reports)".into(),
            (n, 0) => format!("remote-inbound-rtp of {n} outbound stream(s)"),
            (n, m) => format!("remote-inbound-rtp of {n} outbound stream(s); {m} had none"),
        },
    );
    out.check(
        "high-rtt",
        1,
        rtt_checked > 0,
        if rtt_checked > 0 {
            format!("the round trip of {rtt_checked} peer connection(s)")
        } else {
            "not checked: no round-trip time (candidate pair or RTCP)".into()
        },
    );
    out.check(
        "high-jitter",
        1,
        jitter_checked > 0,
        if jitter_checked > 0 {
            format!("jitter of {jitter_checked} inbound stream(s)")
        } else {
            "not checked: no inbound jitter".into()
        },
    );
    out.check(
        "bandwidth-limited",
        1,
        video_out > 0,
        if video_out > 0 {
            format!("qualityLimitationReason of {video_out} outbound video stream(s)")
        } else {
            "not checked: no outbound video".into()
        },
    );
    out.check(
        "low-available-bitrate",
        1,
        bwe_checked > 0,
        if bwe_checked > 0 {
            format!("availableOutgoingBitrate of {bwe_checked} peer connection(s) sending video")
        } else {
            "not checked: no bandwidth estimate while sending video".into()
        },
    );
    out.check(
        "congestion",
        1,
        video_out > 0 && rtt_checked > 0,
        if video_out > 0 && rtt_checked > 0 {
            "bandwidth-limited sending against the round trip's running average".to_string()
        } else {
            "not checked: needs outbound video and a round-trip time".into()
        },
    );
}

fn loss_severity(pct: f64) -> Severity {
    if pct >= LOSS_CRITICAL_PCT {
        Severity::Critical
    } else if pct >= LOSS_MAJOR_PCT {
        Severity::Major
    } else {
        Severity::Minor
    }
}

/// Per-interval lost and expected packets, masked where not judgeable.
struct LossSeries {
    times: Vec<f64>,
    lost: Vec<f64>,
    expected: Vec<f64>,
}

/// Loss episodes of a series, each narrowed to the intervals that lost
/// packets, with (lost, expected) over it.
fn loss_episodes(ls: &LossSeries) -> Vec<(Episode, f64, f64)> {
    let w: Vec<f64> = windowed_ratio(
        &ls.times,
        &ls.lost,
        &ls.expected,
        LOSS_WINDOW_MS,
        LOSS_MIN_PACKETS,
    )
    .into_iter()
    .map(|x| x * 100.0)
    .collect();
    let mut out = Vec::new();
    for e in episodes(&ls.times, &w, LOSS) {
        let lossy = |i: usize| ls.lost.get(i).is_some_and(|&l| l > 0.0);
        let Some(r) = refine(&ls.times, &e, LOSS_WINDOW_MS, lossy) else {
            continue;
        };
        let lost = sum(&ls.lost, r.first, r.last);
        let expected = sum(&ls.expected, r.first, r.last);
        if expected >= LOSS_MIN_PACKETS && lost >= LOSS_MIN_LOST {
            out.push((r, lost, expected));
        }
    }
    out
}

/// Writes one finding for the loss episodes of a stream.
fn loss_finding(
    kind: &'static str,
    p: &Pc<'_>,
    s: &Stream<'_>,
    evidence_obj: &StatsObject,
    found: &[(Episode, f64, f64)],
    lead: &str,
    out: &mut Out,
) {
    let Some(worst) = found
        .iter()
        .max_by(|a, b| (a.1 / a.2).total_cmp(&(b.1 / b.2)))
    else {
        return;
    };
    let (lost, expected): (f64, f64) = found.iter().fold((0.0, 0.0), |a, e| (a.0 + e.1, a.1 + e.2));
    let pct = 100.0 * lost / expected;
    let worst_pct = 100.0 * worst.1 / worst.2;
    let message = match found {
        [(e, l, x)] => format!(
            "{lead} {} % of its packets ({} of {}) {}.",
            num(100.0 * l / x, 1),
            num(*l, 0),
            num(*x, 0),
            from_to(e.start_ms, e.end_ms)
        ),
        _ => format!(
            "{lead} {} % of its packets ({} of {}) in {} stretches; the worst {} % {}.",
            num(pct, 1),
            num(lost, 0),
            num(expected, 0),
            found.len(),
            num(worst_pct, 1),
            from_to(worst.0.start_ms, worst.0.end_ms)
        ),
    };
    let mut d = Draft::new(kind, 1, loss_severity(worst_pct), message)
        .on_pc(p.id())
        .on_stream(Some(s.reference.clone()))
        .with(Evidence::measured(
            &evidence_obj.id,
            "packetsLost",
            worst_pct,
            LOSS.on,
            "%",
        ));
    for (e, ..) in found {
        d = d.during(e.start_ms, e.end_ms);
    }
    out.push(d);
}

/// inbound-loss: packetsLost against packetsReceived.
fn inbound_loss(p: &Pc<'_>, s: &Stream<'_>, out: &mut Out) {
    let obj = s.obj();
    let (lost, expected) = s.received_loss();
    let keep = p.judgeable_rows(&obj.times_ms);
    let ls = LossSeries {
        times: obj.times_ms.clone(),
        lost: masked(&lost, &keep),
        expected: masked(&expected, &keep),
    };
    let found = loss_episodes(&ls);
    let lead = format!("{} lost", capitalized(&s.label));
    loss_finding("inbound-loss", p, s, obj, &found, &lead, out);
}

/// outbound-loss: what the far end reports (remote-inbound-rtp
/// `packetsLost`) against what we sent (`packetsSent` at the report's time).
/// Returns whether the stream could be judged.
fn outbound_loss(p: &Pc<'_>, s: &Stream<'_>, out: &mut Out) -> bool {
    let obj = s.obj();
    if s.rtp.legacy {
        // Legacy goog send reports carry the RTCP loss themselves.
        let lost: Vec<f64> = signed_deltas(obj, "packetsLost")
            .iter()
            .map(|v| v.max(0.0))
            .collect();
        // Lost packets were sent too; RTCP can run ahead of our sample.
        let sent: Vec<f64> = s
            .deltas("packetsSent")
            .iter()
            .zip(lost.iter())
            .map(|(s, l)| if l.is_finite() { s.max(*l) } else { *s })
            .collect();
        if lost.iter().all(|v| v.is_nan()) {
            return false;
        }
        let keep = p.judgeable_rows(&obj.times_ms);
        let ls = LossSeries {
            times: obj.times_ms.clone(),
            lost: masked(&lost, &keep),
            expected: masked(&sent, &keep),
        };
        let lead = format!("{}: the far end lost", capitalized(&s.label));
        loss_finding("outbound-loss", p, s, obj, &loss_episodes(&ls), &lead, out);
        return true;
    }
    let Some(remote) = s.rtp.remote else {
        return false;
    };
    let Some(sent_col) = obj.column("packetsSent") else {
        return false;
    };
    if remote.column("packetsLost").is_none() {
        return false;
    }
    // Our packetsSent at each remote report time (the latest of our rows).
    let sent_at: Vec<f64> = remote
        .times_ms
        .iter()
        .map(|&t| {
            let row = obj.times_ms.partition_point(|&x| x <= t);
            row.checked_sub(1)
                .and_then(|r| sent_col.number(r))
                .unwrap_or(f64::NAN)
        })
        .collect();
    let lost: Vec<f64> = signed_deltas(remote, "packetsLost")
        .iter()
        .map(|v| v.max(0.0))
        .collect();
    let keep = p.judgeable_rows(&remote.times_ms);
    let expected: Vec<f64> = (0..remote.len())
        .map(|i| {
            let l = lost.get(i).copied().unwrap_or(f64::NAN);
            let d = match (
                i.checked_sub(1).and_then(|p| sent_at.get(p)),
                sent_at.get(i),
            ) {
                (Some(a), Some(b)) => b - a,
                _ => f64::NAN,
            };
            // Lost packets were sent too; RTCP can run ahead of our sample.
            if l.is_finite() && d >= 0.0 {
                d.max(l)
            } else {
                f64::NAN
            }
        })
        .collect();
    let ls = LossSeries {
        times: remote.times_ms.clone(),
        lost: masked(&lost, &keep),
        expected: masked(&expected, &keep),
    };
    let lead = format!("{}: the far end lost", capitalized(&s.label));
    loss_finding(
        "outbound-loss",
        p,
        s,
        remote,
        &loss_episodes(&ls),
        &lead,
        out,
    );
    true
}

/// Severity by a level and its major/critical bounds.
fn by_level(v: f64, major: f64, critical: f64) -> Severity {
    if v >= critical {
        Severity::Critical
    } else if v >= major {
        Severity::Major
    } else {
        Severity::Minor
    }
}

/// high-rtt: the selected candidate pair's round trip (STUN), else RTCP's.
fn high_rtt(p: &Pc<'_>, out: &mut Out) -> bool {
    let pair = p.pair_rtt();
    let (times, values, source, property): (Vec<f64>, Vec<f64>, String, &str) = if pair.len() >= 3 {
        (
            pair.iter().map(|r| r.0).collect(),
            pair.iter().map(|r| r.2 * 1000.0).collect(),
            pair.last().map(|r| r.1.to_string()).unwrap_or_default(),
            "currentRoundTripTime",
        )
    } else {
        let Some(r) = p
            .streams
            .iter()
            .filter_map(|s| s.rtp.remote)
            .find(|r| r.column("roundTripTime").is_some())
        else {
            return false;
        };
        let col = r.column("roundTripTime");
        (
            r.times_ms.clone(),
            (0..r.len())
                .map(|i| {
                    col.and_then(|c| c.number(i))
                        .map(|v| v * 1000.0)
                        .unwrap_or(f64::NAN)
                })
                .collect(),
            r.id.clone(),
            "roundTripTime",
        )
    };
    let keep = p.judgeable_rows(&times);
    let (found, _) = median_episodes(&times, &masked(&values, &keep), MEDIAN_WINDOW_MS, 3, RTT);
    if found.is_empty() {
        return true;
    }
    let medians: Vec<f64> = found
        .iter()
        .map(|e| {
            let mut v: Vec<f64> = values
                .get(e.first..=e.last)
                .unwrap_or_default()
                .iter()
                .copied()
                .filter(|x| x.is_finite())
                .collect();
            median(&mut v)
        })
        .collect();
    let worst = medians.iter().copied().fold(f64::NAN, f64::max);
    let Some(i) = medians.iter().position(|&m| m == worst) else {
        return true;
    };
    let Some(w) = found.get(i) else {
        return true;
    };
    let message = format!(
        "Peer connection {}'s round trip was {} ms (median) {}, above {} ms: talkers start to speak over each other.",
        p.id(),
        num(worst, 0),
        from_to(w.start_ms, w.end_ms),
        num(RTT.on, 0)
    ) + &if found.len() > 1 {
        format!(" It was high {} times in all.", found.len())
    } else {
        String::new()
    };
    let mut d = Draft::new(
        "high-rtt",
        1,
        by_level(worst, RTT_MAJOR_MS, RTT_CRITICAL_MS),
        message,
    )
    .on_pc(p.id())
    .with(Evidence::measured(&source, property, worst, RTT.on, "ms"));
    for e in &found {
        d = d.during(e.start_ms, e.end_ms);
    }
    out.push(d);
    true
}

/// high-jitter: inbound interarrival jitter. Returns whether it could judge.
fn jitter(p: &Pc<'_>, s: &Stream<'_>, out: &mut Out) -> bool {
    let obj = s.obj();
    let (prop, scale) = if s.rtp.legacy {
        ("googJitterReceived", 1.0)
    } else {
        ("jitter", 1000.0)
    };
    let Some(col) = obj.column(prop) else {
        return false;
    };
    let values: Vec<f64> = (0..obj.len())
        .map(|i| col.number(i).map(|v| v * scale).unwrap_or(f64::NAN))
        .collect();
    let keep = p.judgeable_rows(&obj.times_ms);
    let (found, med) = median_episodes(
        &obj.times_ms,
        &masked(&values, &keep),
        MEDIAN_WINDOW_MS,
        3,
        JITTER,
    );
    let Some(worst) = found
        .iter()
        .map(|e| (e, max(&med, e.first, e.last)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
    else {
        return true;
    };
    let avg = mean(&values, worst.0.first, worst.0.last);
    let mut d = Draft::new(
        "high-jitter",
        1,
        by_level(worst.1, JITTER_MAJOR_MS, JITTER_CRITICAL_MS),
        format!(
            "{}'s packets arrived unevenly: jitter up to {} ms (mean {} ms) {}, above {} ms.",
            capitalized(&s.label),
            num(worst.1, 0),
            num(avg, 0),
            from_to(worst.0.start_ms, worst.0.end_ms),
            num(JITTER.on, 0)
        ),
    )
    .on_pc(p.id())
    .on_stream(Some(s.reference.clone()))
    .with(Evidence::measured(&obj.id, prop, worst.1, JITTER.on, "ms"));
    for e in &found {
        d = d.during(e.start_ms, e.end_ms);
    }
    out.push(d);
    true
}

/// The share of each interval an encoder spent limited by `reason`: from
/// `qualityLimitationDurations.<reason>` when reported, else 1 or 0 from
/// `qualityLimitationReason`.
pub(super) fn limited_share(cx: &Context<'_>, obj: &StatsObject, reason: &str) -> Option<Vec<f64>> {
    let dur = format!("qualityLimitationDurations.{reason}");
    if obj.column(&dur).is_some() {
        let d = counter_deltas(obj, &dur);
        let dt = crate::metrics::rates::interval_ms(obj, &dur);
        return Some(
            d.iter()
                .zip(dt.iter())
                .map(|(a, t)| {
                    if *t > 0.0 {
                        (1000.0 * a / t).clamp(0.0, 1.0)
                    } else {
                        f64::NAN
                    }
                })
                .collect(),
        );
    }
    let reasons = obj.column("qualityLimitationReason")?;
    let strings = &cx.session.strings;
    Some(
        (0..obj.len())
            .map(|i| match reasons.text(i, strings) {
                Some(r) if r == reason => 1.0,
                Some(_) => 0.0,
                None => f64::NAN,
            })
            .collect(),
    )
}

/// bandwidth-limited: the encoder held back by the bandwidth estimate.
fn bandwidth_limited<'a>(cx: &Context<'_>, p: &Pc<'a>, s: &Stream<'a>, out: &mut Out) {
    let obj = s.obj();
    let Some(share) = s.limited_share(cx, "bandwidth") else {
        return;
    };
    // An encoder given no bitrate at all (a paused sender) also reports
    // "bandwidth": judged only while it sends. And an encoder held under
    // the application's own maxBitrate reports "bandwidth" too: where
    // app-bitrate-cap holds, the network is not to blame.
    let mut keep = p.flowing_rows(s).to_vec();
    if let Some(cap) = super::video::bitrate_cap(cx, p, s) {
        for (k, t) in keep.iter_mut().zip(&obj.times_ms) {
            if cap.holds_at(*t) {
                *k = false;
            }
        }
    }
    let mut found = episodes(&obj.times_ms, &masked(&share, &keep), LIMITED);
    found.retain(|e| !p.in_ramp_up(e));
    if found.is_empty() {
        return;
    }
    let total: f64 = found.iter().map(Episode::duration_ms).sum();
    let e = found.first().copied().unwrap_or(Episode {
        start_ms: 0.0,
        end_ms: 0.0,
        first: 0,
        last: 0,
    });
    let target = obj.column("targetBitrate").map(|c| {
        (e.first..=e.last)
            .filter_map(|i| c.number(i))
            .fold(f64::NAN, f64::min)
            / 1000.0
    });
    let target_text = match target {
        Some(t) if t.is_finite() => format!("; its target fell to {} kbit/s", num(t, 0)),
        _ => String::new(),
    };
    let mut d = Draft::new(
        "bandwidth-limited",
        1,
        Severity::Minor,
        format!(
            "{} was limited by the available bandwidth for {} (first {}){target_text}: the encoder lowered its quality to fit.",
            capitalized(&s.label),
            super::series::duration(total),
            from_to(e.start_ms, e.end_ms)
        ),
    )
    .on_pc(p.id())
    .on_stream(Some(s.reference.clone()))
    .with(Evidence::observed(Some(&obj.id), "qualityLimitationReason", "bandwidth"));
    if let Some(t) = target.filter(|t| t.is_finite()) {
        d = d.with(Evidence::observed(
            Some(&obj.id),
            "targetBitrate",
            t * 1000.0,
        ));
    }
    for e in &found {
        d = d.during(e.start_ms, e.end_ms);
    }
    out.push(d);
}

/// Whether a connection sends video at `t`: an outbound video stream has
/// a row at or before `t` whose bytesSent grew.
/// Sorted, disjoint: adjacent intervals of every stream merged, so a
/// row's lookup is a binary search, not a scan (an hour of 16 streams is
/// tens of thousands of intervals).
fn sends_video(p: &Pc<'_>) -> Vec<(f64, f64)> {
    let mut spans = Vec::new();
    for s in p.streams.iter().filter(|s| !s.inbound() && s.is_video()) {
        let obj = s.obj();
        let d = s.deltas("bytesSent");
        for (i, v) in d.iter().enumerate() {
            if *v > 0.0 {
                if let (Some(&a), Some(&b)) = (
                    i.checked_sub(1).and_then(|p| obj.times_ms.get(p)),
                    obj.times_ms.get(i),
                ) {
                    spans.push((a, b));
                }
            }
        }
    }
    super::series::sort_spans(&mut spans);
    let mut merged: Vec<(f64, f64)> = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match merged.last_mut() {
            // Touching once widened: the union is the same.
            Some(last) if a <= last.1 + 1.0 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// Whether `t` is in one of `spans` (as [`sends_video`] makes them), its
/// end widened by 1 ms: `(a, b + 1]`.
fn in_spans(spans: &[(f64, f64)], t: f64) -> bool {
    let i = spans.partition_point(|s| s.0 < t);
    i.checked_sub(1)
        .and_then(|i| spans.get(i))
        .is_some_and(|&(_, b)| t <= b + 1.0)
}

/// low-available-bitrate: the bandwidth estimate while sending video.
/// Returns whether it could judge.
fn low_bwe(p: &Pc<'_>, out: &mut Out) -> bool {
    let rows = p.pair_bwe();
    let sending = sends_video(p);
    if rows.is_empty() || sending.is_empty() {
        return false;
    }
    let times: Vec<f64> = rows.iter().map(|r| r.0).collect();
    let values: Vec<f64> = rows
        .iter()
        .map(|r| {
            if in_spans(&sending, r.0) {
                r.2 / 1000.0
            } else {
                f64::NAN
            }
        })
        .collect();
    let keep = p.judgeable_rows(&times);
    let mut found = episodes_below(&times, &masked(&values, &keep), LOW_BWE);
    found.retain(|e| !p.in_ramp_up(e));
    let Some((e, lowest)) = found
        .iter()
        .map(|e| {
            let lowest = values
                .get(e.first..=e.last)
                .unwrap_or_default()
                .iter()
                .copied()
                .filter(|v| v.is_finite())
                .fold(f64::NAN, f64::min);
            (e, lowest)
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
    else {
        return true;
    };
    let source = rows.last().map(|r| r.1).unwrap_or_default();
    let severity = if lowest < LOW_BWE_MAJOR_KBPS {
        Severity::Major
    } else {
        Severity::Minor
    };
    let mut d = Draft::new(
        "low-available-bitrate",
        1,
        severity,
        format!(
            "Peer connection {}'s bandwidth estimate fell to {} kbit/s {} while sending video, below {} kbit/s.",
            p.id(),
            num(lowest, 0),
            from_to(e.start_ms, e.end_ms),
            num(LOW_BWE.on, 0)
        ),
    )
    .on_pc(p.id())
    .with(Evidence::measured(source, "availableOutgoingBitrate", lowest, LOW_BWE.on, "kbit/s"));
    for e in &found {
        d = d.during(e.start_ms, e.end_ms);
    }
    out.push(d);
    true
}

/// congestion: bandwidth-limited sending while the round trip strays from
/// its running average (ObserveRTC, medium sensitivity).
fn congestion(cx: &Context<'_>, p: &Pc<'_>, out: &mut Out) {
    let rtt = p.pair_rtt();
    if rtt.len() < 3 {
        return;
    }
    let limited: Vec<(&StatsObject, std::rc::Rc<Vec<f64>>)> = p
        .streams
        .iter()
        .filter(|s| !s.inbound() && s.is_video())
        .filter_map(|s| s.limited_share(cx, "bandwidth").map(|v| (s.obj(), v)))
        .collect();
    if limited.is_empty() {
        return;
    }
    let limited_at = |t: f64| {
        limited.iter().any(|(o, v)| {
            let row = o.times_ms.partition_point(|&x| x <= t);
            row.checked_sub(1)
                .and_then(|r| v.get(r))
                .is_some_and(|&x| x >= LIMITED.on)
        })
    };
    let mut ewma: Option<f64> = None;
    let mut congested = false;
    let times: Vec<f64> = rtt.iter().map(|r| r.0).collect();
    let mut flags = Vec::with_capacity(rtt.len());
    let mut peak: f64 = 0.0;
    let mut base = f64::NAN;
    for &(t, _, v) in rtt {
        let avg = *ewma.get_or_insert(v);
        let diff = (v - avg).abs();
        let threshold = (avg * 0.33).clamp(0.05, 0.15);
        congested = limited_at(t) && diff > threshold && p.judgeable(t, t);
        if congested {
            peak = peak.max(v);
            if base.is_nan() {
                base = avg;
            }
        }
        let alpha = if congested { 0.02 } else { 0.1 };
        ewma = Some((1.0 - alpha) * avg + alpha * v);
        flags.push(if congested { 1.0 } else { 0.0 });
    }
    let _ = congested;
    let mut found = episodes(
        &times,
        &flags,
        Hysteresis {
            on: 1.0,
            off: 1.0,
            min_ms: CONGESTION_MIN_MS,
            merge_ms: 5000.0,
        },
    );
    found.retain(|e| !p.in_ramp_up(e));
    let Some(first) = found.first() else {
        return;
    };
    let source = rtt.last().map(|r| r.1).unwrap_or_default();
    let mut d = Draft::new(
        "congestion",
        1,
        Severity::Minor,
        format!(
            "Peer connection {}'s path was congested {}: the round trip rose from about {} ms to {} ms while the sender was limited by bandwidth.",
            p.id(),
            from_to(first.start_ms, first.end_ms),
            num(base * 1000.0, 0),
            num(peak * 1000.0, 0)
        ),
    )
    .on_pc(p.id())
    .with(Evidence::measured(source, "currentRoundTripTime", peak * 1000.0, (base * 1000.0 * 1.33).max(base * 1000.0 + 50.0), "ms"));
    for e in &found {
        d = d.during(e.start_ms, e.end_ms);
    }
    out.push(d);
}
