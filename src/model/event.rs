//! Events (API calls and callbacks) and state changes.

use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;

/// One entry of a peer connection's (or the client's) event log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Unix ms; `None` when the dump only has a locale time text or nothing.
    pub t_ms: Option<f64>,
    /// Canonical name (rtcstats spelling, see [`canonical_event_name`]).
    pub name: String,
    /// The name as the dump spelled it, when different.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_name: Option<String>,
    /// Payload, JSON-decoded where the dump stored JSON text. SDP payloads are
    /// `{type, sdp}` with compressed sections already expanded.
    pub value: Value,
    /// Extra fields (correlation ids, page URL, sender ids ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extras: Vec<Value>,
    /// Locale time text of old webrtc-internals logs (not parseable reliably).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_text: Option<String>,
    /// 1-based line in line-oriented dumps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Event {
    pub fn new(t_ms: Option<f64>, raw_name: &str, value: Value) -> Self {
        let name = canonical_event_name(raw_name);
        let raw_name = (name != raw_name).then(|| raw_name.to_string());
        Event {
            t_ms,
            name: name.into_owned(),
            raw_name,
            value,
            extras: Vec::new(),
            time_text: None,
            line: None,
        }
    }

    /// True for `...OnFailure`, ICE candidate errors and the like, and for
    /// a connection or ICE state that went `failed` or `disconnected`: what
    /// a viewer highlights and "failures only" keeps. (No dump records DTLS
    /// state as an event: a failed `dtlsState` is the `dtls-failure`
    /// finding's, from the transport stats.)
    pub fn is_failure(&self) -> bool {
        if matches!(
            state_kind(&self.name),
            Some(StateKind::IceConnection | StateKind::Connection)
        ) {
            return matches!(
                normalize_state(&self.value).as_deref(),
                Some("failed" | "disconnected")
            );
        }
        self.name.ends_with("OnFailure")
            || self.name == "onicecandidateerror"
            || self.name.ends_with("error")
    }
}

/// A state machine transition (signaling, ICE, connection, gathering).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StateChange {
    #[serde(rename = "tMs")]
    pub t_ms: Option<f64>,
    pub state: String,
}

/// Maps the three webrtc-internals spellings of the same event (camelCase
/// ~M86, lower-case ~M11x-M142, `on`-prefixed M144+) and legacy rtcstats
/// names onto the rtcstats spelling, so every dialect shares one vocabulary.
pub fn canonical_event_name(raw: &str) -> Cow<'_, str> {
    let mapped = match raw {
        "signalingStateChange" | "signalingstatechange" => "onsignalingstatechange",
        "iceConnectionStateChange" | "iceconnectionstatechange" => "oniceconnectionstatechange",
        "connectionStateChange" | "connectionstatechange" => "onconnectionstatechange",
        "iceGatheringStateChange" | "icegatheringstatechange" => "onicegatheringstatechange",
        "onIceCandidate" | "icecandidate" => "onicecandidate",
        "icecandidateerror" | "iceCandidateError" => "onicecandidateerror",
        "onRenegotiationNeeded"
        | "negotiationneeded"
        | "renegotiationneeded"
        | "onrenegotiationneeded" => "onnegotiationneeded",
        "datachannel" | "dataChannel" => "ondatachannel",
        "track" | "onTrack" => "ontrack",
        "onAddStream" | "addstream" => "onaddstream",
        "onRemoveStream" | "removestream" => "onremovestream",
        "createOfferOnError" => "createOfferOnFailure",
        "createAnswerOnError" => "createAnswerOnFailure",
        "setLocalDescriptionOnError" => "setLocalDescriptionOnFailure",
        "setRemoteDescriptionOnError" => "setRemoteDescriptionOnFailure",
        "addIceCandidateOnError" => "addIceCandidateOnFailure",
        _ => return Cow::Borrowed(raw),
    };
    Cow::Borrowed(mapped)
}

/// Which state history an event feeds, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateKind {
    Signaling,
    IceConnection,
    Connection,
    IceGathering,
}

pub fn state_kind(canonical_name: &str) -> Option<StateKind> {
    match canonical_name {
        "onsignalingstatechange" => Some(StateKind::Signaling),
        "oniceconnectionstatechange" => Some(StateKind::IceConnection),
        "onconnectionstatechange" => Some(StateKind::Connection),
        "onicegatheringstatechange" => Some(StateKind::IceGathering),
        _ => None,
    }
}

/// Normalizes a state value: removes JSON quoting (`"\"connected\""`, Chrome
/// M142+), and maps very old enum spellings (`SignalingStateHaveLocalOffer`,
/// `ICEConnectionStateConnected`) to the standard kebab-case names.
pub fn normalize_state(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.trim(),
        _ => return None,
    };
    let unquoted = if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') {
        serde_json::from_slice::<String>(text.as_bytes())
            .unwrap_or_else(|_| text.trim_matches('"').to_string())
    } else {
        text.to_string()
    };
    let stripped = [
        "SignalingState",
        "ICEConnectionState",
        "IceConnectionState",
        "PeerConnectionState",
        "ICEGatheringState",
        "IceGatheringState",
    ]
    .iter()
    .find_map(|p| unquoted.strip_prefix(p))
    .map(str::to_string);
    let word = match stripped {
        Some(rest) if !rest.is_empty() => kebab_from_camel(&rest),
        _ => unquoted,
    };
    (!word.is_empty()).then_some(word)
}

fn kebab_from_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn states_are_unquoted_and_normalized() {
        assert_eq!(
            normalize_state(&json!("\"connected\"")).as_deref(),
            Some("connected")
        );
        assert_eq!(
            normalize_state(&json!("checking")).as_deref(),
            Some("checking")
        );
        assert_eq!(
            normalize_state(&json!("SignalingStateHaveLocalOffer")).as_deref(),
            Some("have-local-offer")
        );
        assert_eq!(normalize_state(&json!("")), None);
        assert_eq!(normalize_state(&json!(3)), None);
    }

    #[test]
    fn event_names_of_every_era_meet() {
        for raw in [
            "signalingStateChange",
            "signalingstatechange",
            "onsignalingstatechange",
        ] {
            assert_eq!(canonical_event_name(raw), "onsignalingstatechange");
        }
        assert_eq!(
            canonical_event_name("onRenegotiationNeeded"),
            "onnegotiationneeded"
        );
        assert_eq!(canonical_event_name("createOffer"), "createOffer");
    }
}
