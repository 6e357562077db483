//! How each peer connection ended, in one word and one line: what a
//! support agent reads on the connection's button before opening it
//! ("failed after 12.0 s, never connected"), and the colour it gets.

use super::context::{pc_end, stretches};
use super::series::duration;
use crate::model::{PeerConnection, StateChange};
use serde::Serialize;

/// The connection's outcome at the end of the dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum PcOutcomeState {
    /// Up at the end of the dump.
    Connected,
    /// Ended `failed` (whether or not it had been up).
    Failed,
    /// Ended `disconnected`: ICE lost the path and the dump ends before
    /// it came back or failed.
    Disconnected,
    /// Closed by the application.
    Closed,
    /// Never reached `connected` and did not fail: still trying, never
    /// started, or no state was recorded.
    NeverConnected,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PcOutcome {
    pub state: PcOutcomeState,
    /// Ever connected (ICE `connected`/`completed` or connection
    /// `connected`).
    pub was_connected: bool,
    /// Time spent connected, ms (`None` when no state change is timed).
    pub connected_ms: Option<f64>,
    /// The outcome in words, with its duration: "failed · 36.5 s
    /// connected", "never connected · tried 15.1 s".
    pub label: String,
}

/// The history that says whether the connection is up: the connection
/// state where the dump has it (it includes DTLS), else ICE's.
fn up_history(pc: &PeerConnection) -> (&[StateChange], &'static [&'static str]) {
    if pc.connection_states.is_empty() {
        (&pc.ice_connection_states, &["connected", "completed"])
    } else {
        (&pc.connection_states, &["connected"])
    }
}

pub fn outcome(pc: &PeerConnection) -> PcOutcome {
    let (h, up_states) = up_history(pc);
    let end_ms = pc_end(pc)
        .into_iter()
        .chain(h.iter().filter_map(|c| c.t_ms))
        .reduce(f64::max)
        .unwrap_or(f64::NAN);
    let was_connected = h.iter().any(|c| up_states.contains(&c.state.as_str()));
    let up = stretches(h, up_states, end_ms);
    let connected_ms =
        (!up.is_empty() && end_ms.is_finite()).then(|| up.iter().map(|(a, b)| b - a).sum::<f64>());
    let last = h.last().map(|c| c.state.as_str());
    let state = match last {
        Some("failed") => PcOutcomeState::Failed,
        Some("closed") => PcOutcomeState::Closed,
        Some("disconnected") if was_connected => PcOutcomeState::Disconnected,
        _ if was_connected => PcOutcomeState::Connected,
        _ => PcOutcomeState::NeverConnected,
    };
    // The word, then how long it was up, or how long it tried: "failed ·
    // 36.5 s connected", "never connected · tried 15.1 s".
    let word = match state {
        PcOutcomeState::Connected => "connected",
        PcOutcomeState::Failed => "failed",
        PcOutcomeState::Disconnected => "disconnected at the end",
        PcOutcomeState::Closed => "closed",
        PcOutcomeState::NeverConnected => "never connected",
    };
    let first = h.iter().find_map(|c| c.t_ms);
    let detail = if was_connected {
        let up = if state == PcOutcomeState::Connected {
            "up"
        } else {
            "connected"
        };
        connected_ms.map(|ms| format!("{} {up}", duration(ms)))
    } else {
        // Until it gave up (failed, closed), else until the dump ends.
        let until = match state {
            PcOutcomeState::NeverConnected => Some(end_ms),
            _ => h.last().and_then(|c| c.t_ms),
        };
        let tried = first.zip(until).map(|(a, b)| b - a).filter(|d| *d > 0.0);
        let never = if state == PcOutcomeState::NeverConnected {
            ""
        } else {
            "never connected, "
        };
        Some(match (first, tried) {
            (None, _) => "no state change recorded".to_string(),
            (_, Some(d)) => format!("{never}tried {}", duration(d)),
            (_, None) => format!("{never}{}", last.unwrap_or("")),
        })
    };
    let label = match detail {
        Some(d) => format!("{word} · {d}"),
        None => word.to_string(),
    };
    PcOutcome {
        state,
        was_connected,
        connected_ms: connected_ms.map(|v| (v * 1000.0).round() / 1000.0),
        label,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pc(conn: &[(f64, &str)], ice: &[(f64, &str)]) -> PeerConnection {
        let h = |v: &[(f64, &str)]| {
            v.iter()
                .map(|&(t, s)| StateChange {
                    t_ms: Some(t),
                    state: s.into(),
                })
                .collect()
        };
        PeerConnection {
            connection_states: h(conn),
            ice_connection_states: h(ice),
            ..PeerConnection::default()
        }
    }

    #[test]
    fn outcomes() {
        let o = outcome(&pc(&[(0.0, "connecting"), (1000.0, "connected")], &[]));
        assert_eq!(o.state, PcOutcomeState::Connected);
        let o = outcome(&pc(
            &[
                (0.0, "connecting"),
                (1000.0, "connected"),
                (61_000.0, "failed"),
            ],
            &[],
        ));
        assert_eq!(
            (o.state, o.label.as_str()),
            (PcOutcomeState::Failed, "failed · 1 min 0 s connected")
        );
        let o = outcome(&pc(&[(0.0, "connecting"), (30_000.0, "failed")], &[]));
        assert_eq!(o.label, "failed · never connected, tried 30.0 s");
        assert!(!o.was_connected);
        // ICE alone (old dumps): completed counts as up.
        let o = outcome(&pc(
            &[],
            &[(0.0, "checking"), (500.0, "completed"), (900.0, "closed")],
        ));
        assert_eq!(
            (o.state, o.connected_ms),
            (PcOutcomeState::Closed, Some(400.0))
        );
        let o = outcome(&pc(&[], &[]));
        assert_eq!(o.state, PcOutcomeState::NeverConnected);
        assert_eq!(o.label, "never connected · no state change recorded");
        let o = outcome(&pc(&[(0.0, "connecting")], &[]));
        assert_eq!(o.label, "never connected · connecting");
        let o = outcome(&pc(&[(0.0, "connected"), (2000.0, "disconnected")], &[]));
        assert_eq!(o.state, PcOutcomeState::Disconnected);
    }
}
