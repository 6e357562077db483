//! State swimlanes: each state machine's states as time segments.

use crate::model::{PeerConnection, StateChange};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Segment {
    pub t0_ms: f64,
    pub t1_ms: f64,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Lane {
    pub name: &'static str,
    pub segments: Vec<Segment>,
    /// Changes the dump records without a time (old webrtc-internals): shown
    /// as a sequence instead of a lane.
    pub untimed: Vec<String>,
}

fn lane(name: &'static str, changes: &[StateChange], end_ms: f64) -> Lane {
    let timed: Vec<(f64, &str)> = changes
        .iter()
        .filter_map(|c| c.t_ms.map(|t| (t, c.state.as_str())))
        .collect();
    let segments = timed
        .iter()
        .enumerate()
        .map(|(i, (t, s))| Segment {
            t0_ms: *t,
            t1_ms: timed.get(i + 1).map(|n| n.0).unwrap_or(end_ms.max(*t)),
            state: (*s).to_string(),
        })
        .collect();
    let untimed = changes
        .iter()
        .filter(|c| c.t_ms.is_none())
        .map(|c| c.state.clone())
        .collect();
    Lane {
        name,
        segments,
        untimed,
    }
}

/// The four lanes of a peer connection; the last state lasts until `end_ms`.
pub fn state_lanes(pc: &PeerConnection, end_ms: f64) -> Vec<Lane> {
    vec![
        lane("signaling", &pc.signaling_states, end_ms),
        lane("ICE gathering", &pc.ice_gathering_states, end_ms),
        lane("ICE connection", &pc.ice_connection_states, end_ms),
        lane("connection", &pc.connection_states, end_ms),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_run_to_the_next_change() {
        let ch = |t: Option<f64>, s: &str| StateChange {
            t_ms: t,
            state: s.into(),
        };
        let l = lane(
            "x",
            &[
                ch(Some(1.0), "new"),
                ch(Some(5.0), "connected"),
                ch(None, "odd"),
            ],
            9.0,
        );
        assert_eq!(l.segments.len(), 2);
        assert_eq!((l.segments[0].t1_ms, l.segments[1].t1_ms), (5.0, 9.0));
        assert_eq!(l.untimed, vec!["odd"]);
    }
}
