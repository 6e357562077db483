//! Which charts show the evidence of a finding: the page scrolls to them
//! and highlights them when a finding is opened. The metric names are
//! `crate::charts::catalog::METRICS` (a test holds them to it).

/// The chart metrics (`charts::catalog::METRICS`) that show the evidence
/// of a finding kind, most telling first. Stream findings look for these
/// charts of their stream; connection findings for these charts of their
/// connection (`icertt`, `bwe`) or, failing that, of any of its streams.
pub fn metrics_for(kind: &str) -> &'static [&'static str] {
    match kind {
        "inbound-loss" | "outbound-loss" => &["loss", "packets"],
        "high-rtt" => &["icertt", "rtt"],
        "high-jitter" => &["jitter"],
        "bandwidth-limited" | "app-bitrate-cap" | "cpu-limited" => {
            &["bitrate", "resolution", "fps"]
        }
        "low-available-bitrate" => &["bwe", "bitrate"],
        "congestion" => &["icertt", "bwe", "bitrate"],
        "video-freeze" | "framerate-drop" | "app-framerate-cap" | "keyframe-storm"
        | "frames-dropped" | "decoder-overload" => &["fps", "loss"],
        "resolution-drop" | "app-resolution-cap" => &["resolution", "bitrate"],
        "audio-concealment" => &["concealment", "loss"],
        "jitter-buffer-stress" | "time-stretch" => &["jitterbuffer", "jitter"],
        "dry-track" => &["bitrate", "packets"],
        "ice-disconnected" | "ice-failed" | "path-change" | "ice-restart" => &["icertt", "bitrate"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::catalog::METRICS;

    #[test]
    fn every_kind_names_charts_that_exist() {
        for kind in crate::findings::KINDS {
            for m in metrics_for(kind) {
                assert!(METRICS.contains(m), "{kind}: no chart metric {m}");
            }
        }
    }
}
