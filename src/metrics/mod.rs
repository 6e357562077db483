//! Metrics derived from raw counters (formats.md section 4.3), never from
//! Chrome's `[...]` series: those changed names and units across versions and
//! are end-aligned wrongly in webrtc-internals dumps.
//!
//! Every derived series is aligned to its stats object's time column; `NaN`
//! marks "no value" (first sample, counter reset, SSRC change, a gap longer
//! than [`MAX_GAP_MS`]).

pub mod rates;
pub mod rtp;

pub use rates::{delta_ratio, rate_per_s, Stat};
pub use rtp::{rtp_streams, selected_candidate_pair, Direction, RtpStream, SelectedPair};

/// Intervals longer than this break the line instead of averaging over the
/// gap (the reference importers' 5 s rule).
pub const MAX_GAP_MS: f64 = 5000.0;
