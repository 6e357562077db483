//! The dump itself: history the browser dropped, and polls that are missing.

use super::series::{duration, from_to};
use super::{Context, Draft, Evidence, Out, Severity};
use crate::error::Kind;

/// A poll interval longer than twice the usual one, and at least 5 s, is a
/// gap (ObserveRTC's `statsGapDetector`: `gapRatioThreshold` 2,
/// `minGapInMs` 5000).
pub const GAP_RATIO: f64 = 2.0;
pub const GAP_MIN_MS: f64 = 5000.0;

pub(super) fn rules(cx: &Context<'_>, out: &mut Out) {
    // stats-truncated: what the importer diagnosed as capped history
    // (webrtc-internals keeps the last 1000 samples of each series).
    let capped: Vec<_> = cx
        .session
        .diagnostics
        .iter()
        .filter(|d| d.kind == Kind::Capped)
        .collect();
    for diag in &capped {
        let pc = diag
            .location
            .key
            .as_deref()
            .and_then(|k| k.strip_prefix("PeerConnections."))
            .and_then(|k| k.strip_suffix(".stats"));
        let p = pc.and_then(|id| cx.pcs.iter().find(|p| p.id() == id));
        let first_stats = p.and_then(|p| {
            p.pc.stats
                .iter()
                .filter_map(|o| o.times_ms.first().copied())
                .reduce(f64::min)
        });
        let start = cx.range_ms.map(|r| r.0).unwrap_or(f64::NAN);
        let mut d = Draft::new(
            "stats-truncated",
            1,
            Severity::Info,
            format!("Stats history is incomplete: {}", diag.message),
        )
        .with(Evidence::observed(None, "samples per series", 1000.0));
        if let Some(id) = pc {
            d = d.on_pc(id);
        }
        if let (true, Some(f)) = (start.is_finite(), first_stats) {
            d = d.during(start, f);
        }
        out.push(d);
    }
    out.check(
        "stats-truncated",
        1,
        true,
        "the importer's history-cap diagnostics (webrtc-internals keeps 1000 samples per series)",
    );

    // stats-gap: the poll timeline of each connection (its object with the
    // most samples).
    let mut checked = 0;
    for p in &cx.pcs {
        let Some(obj) = p.pc.stats.iter().max_by_key(|o| o.len()) else {
            continue;
        };
        let Some(usual) = obj.typical_interval_ms() else {
            continue;
        };
        checked += 1;
        let limit = GAP_MIN_MS.max(GAP_RATIO * usual);
        let gaps: Vec<(f64, f64)> = obj
            .times_ms
            .windows(2)
            .filter_map(|w| match w {
                [a, b] if b - a > limit => Some((*a, *b)),
                _ => None,
            })
            .collect();
        let Some(&(a, b)) = gaps
            .iter()
            .max_by(|x, y| (x.1 - x.0).total_cmp(&(y.1 - y.0)))
        else {
            continue;
        };
        let mut d = Draft::new(
            "stats-gap",
            1,
            Severity::Info,
            format!(
                "Peer connection {}'s stats have {} gap(s) longer than {}; the longest {} {} (charts and findings have no data there).",
                p.id(),
                gaps.len(),
                duration(limit),
                duration(b - a),
                from_to(a, b)
            ),
        )
        .on_pc(p.id())
        .with(Evidence::measured(&obj.id, "timestamp", (b - a) / 1000.0, limit / 1000.0, "s"));
        for (a, b) in gaps {
            d = d.during(a, b);
        }
        out.push(d);
    }
    out.check(
        "stats-gap",
        1,
        checked > 0,
        if checked > 0 {
            format!("the poll timeline of {checked} peer connection(s)")
        } else {
            "not checked: no stats".into()
        },
    );
}
