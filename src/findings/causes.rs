//! Symptoms point to causes: a freeze to the loss or the disconnection
//! that made it, a bandwidth limit to the congestion behind it. A symptom
//! takes as its cause the first kind in its list with a finding on the same
//! peer connection (and, for stream kinds, the same stream) whose ranges
//! overlap its own, give or take [`SLACK_MS`].

use super::Draft;

/// Causes act a little before their symptoms show, and windows blur both.
pub const SLACK_MS: f64 = 5000.0;

/// Symptom kind -> candidate causes, most direct first. `true`: the cause
/// must be on the same stream.
const CAUSES: &[(&str, &[(&str, bool)])] = &[
    ("ice-failed", &[("ice-disconnected", false)]),
    (
        "video-freeze",
        &[
            ("ice-disconnected", false),
            ("ice-failed", false),
            ("inbound-loss", true),
            ("high-jitter", true),
            ("decoder-overload", true),
        ],
    ),
    (
        "audio-concealment",
        &[
            ("ice-disconnected", false),
            ("ice-failed", false),
            ("inbound-loss", true),
            ("high-jitter", true),
        ],
    ),
    (
        "jitter-buffer-stress",
        &[
            ("high-jitter", true),
            ("inbound-loss", true),
            ("high-rtt", false),
        ],
    ),
    (
        "time-stretch",
        &[("high-jitter", true), ("jitter-buffer-stress", true)],
    ),
    (
        "keyframe-storm",
        &[("inbound-loss", true), ("ice-disconnected", false)],
    ),
    ("frames-dropped", &[("decoder-overload", true)]),
    (
        "dry-track",
        &[("ice-disconnected", false), ("ice-failed", false)],
    ),
    (
        "resolution-drop",
        &[
            ("app-resolution-cap", true),
            ("cpu-limited", true),
            ("bandwidth-limited", true),
            ("app-bitrate-cap", true),
        ],
    ),
    (
        "framerate-drop",
        &[
            ("app-framerate-cap", true),
            ("cpu-limited", true),
            ("bandwidth-limited", true),
            ("inbound-loss", true),
            ("video-freeze", true),
        ],
    ),
    (
        "bandwidth-limited",
        &[
            ("congestion", false),
            ("low-available-bitrate", false),
            ("outbound-loss", false),
        ],
    ),
    (
        "low-available-bitrate",
        &[("congestion", false), ("outbound-loss", false)],
    ),
    ("outbound-loss", &[("congestion", false)]),
    ("high-rtt", &[("congestion", false)]),
];

/// Sets each draft's `cause`.
pub(super) fn link(drafts: &mut [Draft]) {
    let found: Vec<Option<usize>> = (0..drafts.len())
        .map(|i| {
            let d = drafts.get(i)?;
            if d.cause.is_some() {
                return d.cause;
            }
            let (_, candidates) = CAUSES.iter().find(|(k, _)| *k == d.kind)?;
            candidates.iter().find_map(|(kind, same_stream)| {
                drafts.iter().enumerate().find_map(|(j, c)| {
                    let fits = j != i
                        && c.kind == *kind
                        && c.peer_connection == d.peer_connection
                        && (!same_stream
                            || matches!((&c.stream, &d.stream), (Some(a), Some(b)) if a.stats_id == b.stats_id))
                        && d.ranges.iter().any(|r| c.overlaps(r.start_ms - SLACK_MS, r.end_ms + SLACK_MS));
                    fits.then_some(j)
                })
            })
        })
        .collect();
    for (d, c) in drafts.iter_mut().zip(found) {
        d.cause = c;
    }
}
