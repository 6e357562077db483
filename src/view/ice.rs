//! ICE candidate pairs of a peer connection, with their candidates.

use crate::model::{Interner, PeerConnection, StatsObject};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Candidate {
    pub id: String,
    pub candidate_type: Option<String>,
    pub protocol: Option<String>,
    pub address: Option<String>,
    pub port: Option<f64>,
    pub relay_protocol: Option<String>,
    pub url: Option<String>,
    pub network_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CandidatePair {
    pub id: String,
    /// The transport's selected pair at the end of the session.
    pub selected: bool,
    pub state: Option<String>,
    pub nominated: bool,
    pub local: Option<Candidate>,
    pub remote: Option<Candidate>,
    pub current_rtt_ms: Option<f64>,
    pub bytes_sent: Option<f64>,
    pub bytes_received: Option<f64>,
    /// The STUN connectivity checks each way: "120 requests sent, 0
    /// responses received" is how an ICE failure reads (legacy
    /// `googCandidatePair` objects use the same names).
    pub requests_sent: Option<f64>,
    pub responses_received: Option<f64>,
    pub requests_received: Option<f64>,
    pub responses_sent: Option<f64>,
    /// Consent freshness checks (RFC 7675) sent once the pair was in use.
    pub consent_requests_sent: Option<f64>,
    /// First and last time the pair was reported.
    pub first_ms: Option<f64>,
    pub last_ms: Option<f64>,
}

fn candidate(pc: &PeerConnection, id: Option<&str>, s: &Interner) -> Option<Candidate> {
    let o = pc.stats_object(id?)?;
    let text = |p: &str| o.last_text(p, s).map(str::to_string);
    Some(Candidate {
        id: o.id.clone(),
        candidate_type: text("candidateType"),
        protocol: text("protocol"),
        address: text("address").or_else(|| text("ip")),
        port: o.last_number("port"),
        relay_protocol: text("relayProtocol"),
        url: text("url"),
        network_type: text("networkType"),
    })
}

fn is_pair(o: &StatsObject) -> bool {
    matches!(
        o.stats_type.as_deref(),
        Some("candidate-pair") | Some("googCandidatePair")
    )
}

/// Every candidate pair, the selected one first.
pub fn candidate_pairs(pc: &PeerConnection, s: &Interner) -> Vec<CandidatePair> {
    let selected: Vec<&str> = pc
        .stats
        .iter()
        .filter(|o| o.stats_type.as_deref() == Some("transport"))
        .filter_map(|t| t.last_text("selectedCandidatePairId", s))
        .collect();
    let mut out: Vec<CandidatePair> = pc
        .stats
        .iter()
        .filter(|o| is_pair(o))
        .map(|o| CandidatePair {
            id: o.id.clone(),
            selected: selected.contains(&o.id.as_str())
                || o.last_text("selected", s) == Some("true")
                || o.last_text("googActiveConnection", s) == Some("true"),
            state: o.last_text("state", s).map(str::to_string),
            nominated: o.last_text("nominated", s) == Some("true"),
            local: candidate(pc, o.last_text("localCandidateId", s), s),
            remote: candidate(pc, o.last_text("remoteCandidateId", s), s),
            current_rtt_ms: o
                .last_number("currentRoundTripTime")
                .map(|v| v * 1000.0)
                .or_else(|| o.last_number("googRtt")),
            bytes_sent: o.last_number("bytesSent"),
            bytes_received: o.last_number("bytesReceived"),
            requests_sent: o.last_number("requestsSent"),
            responses_received: o.last_number("responsesReceived"),
            requests_received: o.last_number("requestsReceived"),
            responses_sent: o.last_number("responsesSent"),
            consent_requests_sent: o.last_number("consentRequestsSent"),
            first_ms: o.times_ms.first().copied(),
            last_ms: o.times_ms.last().copied(),
        })
        .collect();
    out.sort_by_key(|p| !p.selected);
    out
}
