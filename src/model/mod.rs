//! The normalized session model every importer produces.
//!
//! One [`Session`] holds what a dump says about a call, whatever its dialect:
//! source metadata, getUserMedia calls, peer connections with their
//! configuration, ordered event log and state histories, and stats stored as
//! columnar time series per stats object. It is finished and read-only:
//! importers write it only through `crate::build::SessionBuilder`, which
//! enforces ordering and folds diagnostics; everything else reads it.

pub mod event;
pub mod secrets;
pub mod series;

pub use event::{Event, StateChange};
pub use series::{Column, Interner, Numbers, StatsObject, Sym, Texts};

use crate::error::Diagnostic;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The two dump families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Format {
    #[serde(rename = "webrtc-internals")]
    WebrtcInternals,
    #[serde(rename = "rtcstats")]
    Rtcstats,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::WebrtcInternals => "webrtc-internals",
            Format::Rtcstats => "rtcstats",
        }
    }
}

/// Where the session came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceInfo {
    pub format: Format,
    /// Which writer/era within the family (see `docs/summary-schema.md`).
    pub dialect: String,
    /// Bytes as given (compressed size for gzip input).
    pub bytes: u64,
    /// True when the input was gzip.
    pub gzip: bool,
    /// Bytes after decompression.
    pub decoded_bytes: u64,
}

/// Outcome of a getUserMedia/getDisplayMedia request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Outcome {
    Success,
    Failure,
    /// No result was recorded.
    Pending,
}

/// A media track as reported by a getUserMedia success.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackInfo {
    pub kind: Option<String>,
    pub id: Option<String>,
    pub label: Option<String>,
}

/// One getUserMedia or getDisplayMedia request and its result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GetUserMediaCall {
    /// Request time, unix ms.
    pub t_ms: Option<f64>,
    /// `getUserMedia` or `getDisplayMedia`.
    pub request_type: String,
    pub audio: bool,
    pub video: bool,
    /// The constraints as given (parsed when they were JSON).
    pub constraints: Value,
    pub outcome: Outcome,
    pub result_t_ms: Option<f64>,
    pub error: Option<String>,
    pub tracks: Vec<TrackInfo>,
    /// Correlation key from the dump, when it has one.
    #[serde(skip, default)]
    pub correlation: Option<String>,
}

/// Everything known about one RTCPeerConnection.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PeerConnection {
    pub id: String,
    /// Page URL that created it, when recorded.
    pub url: Option<String>,
    /// RTCConfiguration, parsed into JSON when possible (see `configuration_text`).
    pub configuration: Option<Value>,
    /// The configuration as text when it was not JSON (old webrtc-internals).
    pub configuration_text: Option<String>,
    /// Legacy constraints passed to the constructor.
    pub constraints: Option<Value>,
    /// API calls and callbacks in file order (getStats polls excluded: they feed `stats`).
    pub events: Vec<Event>,
    pub signaling_states: Vec<StateChange>,
    pub ice_connection_states: Vec<StateChange>,
    pub connection_states: Vec<StateChange>,
    pub ice_gathering_states: Vec<StateChange>,
    /// Stats objects sorted by stats id.
    pub stats: Vec<StatsObject>,
    /// Number of getStats polls (rtcstats) that fed `stats`.
    pub stats_polls: u64,
}

impl PeerConnection {
    /// The ICE servers of the configuration: one list of URLs per server
    /// (`urls` as a string or an array, legacy `url`), or, from old
    /// Chrome's JS-like text (`iceServers: [a, b]`), one server per URL.
    /// The one reading of ICE servers: the summary and the Configuration
    /// panel both use it.
    pub fn ice_servers(&self) -> Vec<Vec<String>> {
        if let Some(servers) = self
            .configuration
            .as_ref()
            .and_then(|c| c.get("iceServers"))
            .and_then(Value::as_array)
        {
            return servers
                .iter()
                .map(|s| {
                    let mut urls = Vec::new();
                    for key in ["urls", "url"] {
                        match s.get(key) {
                            Some(Value::String(u)) => urls.push(u.clone()),
                            Some(Value::Array(us)) => {
                                urls.extend(us.iter().filter_map(Value::as_str).map(str::to_string))
                            }
                            _ => {}
                        }
                    }
                    urls
                })
                .collect();
        }
        let Some(text) = &self.configuration_text else {
            return Vec::new();
        };
        let Some((list, _)) = text
            .split_once("iceServers: [")
            .and_then(|(_, rest)| rest.split_once(']'))
        else {
            return Vec::new();
        };
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| vec![s.to_string()])
            .collect()
    }

    /// Every ICE server URL, in order.
    pub fn ice_server_urls(&self) -> Vec<String> {
        self.ice_servers().into_iter().flatten().collect()
    }

    /// Whether the configuration is known at all (JSON or old text).
    pub fn has_configuration(&self) -> bool {
        self.configuration.is_some() || self.configuration_text.is_some()
    }

    pub fn stats_object(&self, id: &str) -> Option<&StatsObject> {
        self.stats
            .binary_search_by(|o| o.id.as_str().cmp(id))
            .ok()
            .and_then(|i| self.stats.get(i))
    }
}

/// A whole imported dump.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub source: Option<SourceInfo>,
    pub user_agent: Option<String>,
    /// Header/identity metadata: the rtcstats header object, jitsi
    /// `connectionInfo`/`identity`, the client `create` event, internals
    /// top-level scalars. Keys are kept as the dump spells them.
    pub metadata: BTreeMap<String, Value>,
    pub get_user_media: Vec<GetUserMediaCall>,
    /// Client-level events (no peer connection).
    pub client_events: Vec<Event>,
    /// In order of first appearance in the dump.
    pub peer_connections: Vec<PeerConnection>,
    pub diagnostics: Vec<Diagnostic>,
    /// Interned text values of all stats columns.
    pub strings: Interner,
}

impl Session {
    pub fn peer_connection(&self, id: &str) -> Option<&PeerConnection> {
        self.peer_connections.iter().find(|p| p.id == id)
    }

    /// Earliest and latest time (unix ms) of anything placed in time: events,
    /// state changes, getUserMedia calls and stats samples.
    pub fn time_range_ms(&self) -> Option<(f64, f64)> {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        let mut see = |t: f64| {
            if t.is_finite() {
                lo = lo.min(t);
                hi = hi.max(t);
            }
        };
        for e in &self.client_events {
            if let Some(t) = e.t_ms {
                see(t);
            }
        }
        for g in &self.get_user_media {
            for t in [g.t_ms, g.result_t_ms].into_iter().flatten() {
                see(t);
            }
        }
        for pc in &self.peer_connections {
            for e in &pc.events {
                if let Some(t) = e.t_ms {
                    see(t);
                }
            }
            for o in &pc.stats {
                if let (Some(a), Some(b)) = (o.times_ms.first(), o.times_ms.last()) {
                    see(*a);
                    see(*b);
                }
            }
        }
        (lo <= hi).then_some((lo, hi))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// One reading of ICE servers for the summary and the Configuration
    /// panel (the panel used to ignore old text configurations and the
    /// legacy `url` beside `urls`).
    #[test]
    fn ice_servers_in_every_spelling() {
        let pc = PeerConnection {
            configuration: Some(json!({"iceServers": [
                {"urls": "stun:a.example"},
                {"urls": ["turn:b.example", "turns:b.example"], "username": "u", "credential": "c"},
                {"url": "turn:c.example"}
            ]})),
            ..Default::default()
        };
        assert_eq!(
            pc.ice_servers(),
            vec![
                vec!["stun:a.example".to_string()],
                vec!["turn:b.example".into(), "turns:b.example".into()],
                vec!["turn:c.example".into()],
            ]
        );
        let old = PeerConnection {
            configuration_text: Some(
                "{ iceServers: [stun:a.example, turn:b.example], iceTransportPolicy: all }".into(),
            ),
            ..Default::default()
        };
        assert_eq!(
            old.ice_server_urls(),
            vec!["stun:a.example", "turn:b.example"]
        );
        assert!(PeerConnection::default().ice_servers().is_empty());
    }
}
