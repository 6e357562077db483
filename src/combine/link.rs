//! The two ends of one connection, from two browsers: which streams one
//! sends the other receives, and how far apart the two machines' clocks
//! are.
//!
//! The clock offset comes from RTCP sender reports, as NTP does it. A
//! receiver's `remote-outbound-rtp` holds, per report, the sender's send
//! time (`remoteTimestamp`, sender's clock) and its own arrival time (the
//! object's `timestamp`, receiver's clock: Chromium stamps it with the
//! report's arrival). Their difference is the clock offset plus the
//! one-way delay. With d1 = min over b's reports of a's streams and d2 =
//! the same at a for b's streams (the minimum filters queueing),
//! `offset = (d1 - d2) / 2` (b's clock minus a's) and, the one-way delays
//! being positive, the error is at most `(d1 + d2) / 2`: half the round
//! trip, whatever the asymmetry. With reports in one direction only the
//! round trip from `remote-inbound-rtp` bounds it instead.

use super::identity::Identity;
use crate::metrics::{rtp_streams, Direction};
use crate::model::{Interner, PeerConnection};
use serde::Serialize;

/// One end: a source (index into the document's `sources`) and the id its
/// dump gives the connection.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EndRef {
    pub source: usize,
    pub peer_connection: String,
}

/// A stream one end sends and the other receives.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StreamPair {
    #[cfg_attr(test, ts(type = "number"))]
    pub ssrc: u64,
    pub kind: Option<String>,
    /// The sending end: `"a"` or `"b"`.
    pub from: &'static str,
    /// The receiving end.
    pub to: &'static str,
}

/// Two peer connections that are the two ends of one connection.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Link {
    pub a: EndRef,
    pub b: EndRef,
    /// What they share: `ice-ufrag`, `dtls-fingerprint`, `ssrc`.
    pub evidence: Vec<&'static str>,
    /// True when ICE or DTLS mirror each other (a direct connection);
    /// false when only SSRCs match (through a media server that forwards
    /// them: no clock offset can be read then, RTCP ends at the server).
    pub direct: bool,
    pub streams: Vec<StreamPair>,
    /// b's clock minus a's, ms; `None` when no sender report says.
    pub clock_offset_ms: Option<f64>,
    /// The offset is within this many ms of the truth.
    pub clock_offset_uncertainty_ms: Option<f64>,
    /// Findings of one end that explain the other end's symptoms.
    pub explained: Vec<Explained>,
}

/// `symptom` (a finding id) follows `cause` (a finding id of the other end).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Explained {
    pub symptom: String,
    pub cause: String,
}

/// The link between `a` and `b`, or `None` when nothing mirrors.
pub fn link(
    a: (&PeerConnection, &Interner, &Identity, EndRef),
    b: (&PeerConnection, &Interner, &Identity, EndRef),
) -> Option<Link> {
    let evidence = a.2.mirrors(b.2);
    if evidence.is_empty() {
        return None;
    }
    let direct = evidence.iter().any(|e| *e != "ssrc");
    let mut streams = Vec::new();
    for (ssrc, kind) in &a.2.sent {
        if b.2.received.iter().any(|(s, _)| s == ssrc) {
            streams.push(StreamPair {
                ssrc: *ssrc,
                kind: kind.clone(),
                from: "a",
                to: "b",
            });
        }
    }
    for (ssrc, kind) in &b.2.sent {
        if a.2.received.iter().any(|(s, _)| s == ssrc) {
            streams.push(StreamPair {
                ssrc: *ssrc,
                kind: kind.clone(),
                from: "b",
                to: "a",
            });
        }
    }
    let (clock_offset_ms, clock_offset_uncertainty_ms) = if direct {
        let d1 = report_delay_ms(b.0, b.1, &a.2.sent);
        let d2 = report_delay_ms(a.0, a.1, &b.2.sent);
        match (d1, d2) {
            (Some(d1), Some(d2)) => (Some(r1((d1 - d2) / 2.0)), Some(r1(((d1 + d2) / 2.0).abs()))),
            // One direction: d = offset + one-way delay, 0 <= delay <= rtt.
            (Some(d1), None) => match min_rtt_ms(a.0, a.1) {
                Some(rtt) => (Some(r1(d1 - rtt / 2.0)), Some(r1(rtt / 2.0))),
                None => (None, None),
            },
            (None, Some(d2)) => match min_rtt_ms(b.0, b.1) {
                Some(rtt) => (Some(r1(rtt / 2.0 - d2)), Some(r1(rtt / 2.0))),
                None => (None, None),
            },
            (None, None) => (None, None),
        }
    } else {
        (None, None)
    };
    Some(Link {
        a: a.3,
        b: b.3,
        evidence,
        direct,
        streams,
        clock_offset_ms,
        clock_offset_uncertainty_ms,
        explained: Vec::new(),
    })
}

fn r1(x: f64) -> f64 {
    // `+ 0.0`: no `-0.0` in the document.
    (x * 10.0).round() / 10.0 + 0.0
}

/// The smallest `timestamp - remoteTimestamp` of the sender reports `pc`
/// received for the streams `ssrcs` (the far end's sent SSRCs).
fn report_delay_ms(
    pc: &PeerConnection,
    strings: &Interner,
    ssrcs: &[(u64, Option<String>)],
) -> Option<f64> {
    let mut best: Option<f64> = None;
    for s in rtp_streams(pc, strings) {
        if s.direction != Direction::Inbound || !ssrcs.iter().any(|(x, _)| Some(*x) == s.ssrc) {
            continue;
        }
        let Some(r) = s.remote else { continue };
        let Some(sent) = r.column("remoteTimestamp") else {
            continue;
        };
        for (i, t) in r.times_ms.iter().enumerate() {
            if let Some(sent) = sent.number(i) {
                let d = t - sent;
                if d.is_finite() {
                    best = Some(best.map_or(d, |b: f64| b.min(d)));
                }
            }
        }
    }
    best
}

/// The smallest round trip (ms) `pc`'s `remote-inbound-rtp` reports.
fn min_rtt_ms(pc: &PeerConnection, strings: &Interner) -> Option<f64> {
    let mut best: Option<f64> = None;
    for s in rtp_streams(pc, strings) {
        if s.direction != Direction::Outbound {
            continue;
        }
        let Some(r) = s.remote else { continue };
        let Some(c) = r.column("roundTripTime") else {
            continue;
        };
        for i in 0..r.len() {
            if let Some(rtt) = c.number(i).filter(|v| *v > 0.0) {
                best = Some(best.map_or(rtt * 1000.0, |b: f64| b.min(rtt * 1000.0)));
            }
        }
    }
    best
}
