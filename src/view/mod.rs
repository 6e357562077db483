//! What the viewer's panels show, computed from the session: event log
//! rows, SDP descriptions split into media sections, ICE candidate pairs,
//! state swimlanes and the parsed configuration. Pure data (serialized to
//! the page as JSON); the page renders every string as text.

pub mod events;
pub mod findings;
pub mod ice;
pub mod lanes;
pub mod sdp;

pub use events::{event_rows, EventRow};
pub use ice::{candidate_pairs, CandidatePair};
pub use lanes::{state_lanes, Lane};
pub use sdp::{descriptions, Description};

use serde::Serialize;
use serde_json::Value;

/// One line's value at a time (`Viewer.valuesAt`): `None` where the line
/// has no sample within its gap limit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Readout<'a> {
    pub label: &'a str,
    pub value: Option<f64>,
}

/// A peer connection's configuration for display: ICE servers (URLs only;
/// credentials are never shown) and the other fields as text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Configuration {
    pub ice_servers: Vec<Vec<String>>,
    pub fields: Vec<(String, String)>,
    /// Old Chrome's non-JSON configuration text, when that is all there is.
    pub text: Option<String>,
}

pub fn configuration(pc: &crate::model::PeerConnection) -> Configuration {
    let mut out = Configuration {
        ice_servers: Vec::new(),
        fields: Vec::new(),
        text: pc.configuration_text.clone(),
    };
    out.ice_servers = pc.ice_servers();
    if let Some(Value::Object(cfg)) = &pc.configuration {
        for (k, v) in cfg {
            if k == "iceServers" {
                continue;
            }
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.fields.push((k.clone(), text));
        }
    }
    if let Some(c) = &pc.constraints {
        out.fields
            .push(("constraints (legacy)".into(), c.to_string()));
    }
    out
}
