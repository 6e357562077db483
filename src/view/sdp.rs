//! SDP descriptions of a peer connection, split into media sections.

use crate::model::PeerConnection;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Section {
    /// `audio`, `video`, `application`.
    pub kind: String,
    pub port: String,
    pub protocol: String,
    pub mid: Option<String>,
    /// `sendrecv`, `sendonly`, `recvonly`, `inactive` (default `sendrecv`).
    pub direction: String,
    /// `opus/48000/2`, in the m-line's preference order.
    pub codecs: Vec<String>,
    pub candidates: usize,
    /// The section's lines (`\n`-separated).
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Description {
    pub t_ms: Option<f64>,
    /// The event it came from (`setRemoteDescription`, `createOfferOnSuccess` …).
    pub event: String,
    /// `local` or `remote`.
    #[cfg_attr(test, ts(type = "\"local\" | \"remote\""))]
    pub side: &'static str,
    /// `offer`, `answer`, `pranswer`, `rollback`.
    pub sdp_type: String,
    /// The session-level lines.
    pub session: String,
    pub sections: Vec<Section>,
    /// The whole SDP with `\r\n` line ends, for copying.
    pub sdp: String,
}

/// Splits an SDP into its session part and media sections.
pub fn parse(sdp: &str) -> (String, Vec<Section>) {
    let mut session = Vec::new();
    let mut sections: Vec<(Vec<&str>, &str)> = Vec::new();
    for line in sdp.split(['\r', '\n']).filter(|l| !l.is_empty()) {
        if let Some(m) = line.strip_prefix("m=") {
            sections.push((vec![line], m));
        } else if let Some((lines, _)) = sections.last_mut() {
            lines.push(line);
        } else {
            session.push(line);
        }
    }
    let parsed = sections
        .into_iter()
        .map(|(lines, m)| {
            let mut parts = m.split_whitespace();
            let kind = parts.next().unwrap_or("").to_string();
            let port = parts.next().unwrap_or("").to_string();
            let protocol = parts.next().unwrap_or("").to_string();
            let formats: Vec<&str> = parts.collect();
            let mut mid = None;
            let mut direction = "sendrecv".to_string();
            let mut rtpmap: Vec<(&str, &str)> = Vec::new();
            let mut candidates = 0;
            for l in &lines {
                if let Some(v) = l.strip_prefix("a=mid:") {
                    mid = Some(v.to_string());
                } else if let Some(d) = ["sendrecv", "sendonly", "recvonly", "inactive"]
                    .iter()
                    .find(|d| l.strip_prefix("a=") == Some(**d))
                {
                    direction = (*d).to_string();
                } else if let Some(v) = l.strip_prefix("a=rtpmap:") {
                    if let Some((pt, codec)) = v.split_once(' ') {
                        rtpmap.push((pt, codec));
                    }
                } else if l.starts_with("a=candidate:") {
                    candidates += 1;
                }
            }
            let codecs = formats
                .iter()
                .filter_map(|f| {
                    rtpmap
                        .iter()
                        .find(|(pt, _)| pt == f)
                        .map(|(_, c)| (*c).to_string())
                })
                .collect();
            Section {
                kind,
                port,
                protocol,
                mid,
                direction,
                codecs,
                candidates,
                text: lines.join("\n"),
            }
        })
        .collect();
    (session.join("\n"), parsed)
}

fn side(event: &str) -> Option<&'static str> {
    match event {
        "setRemoteDescription" => Some("remote"),
        "createOfferOnSuccess"
        | "createAnswerOnSuccess"
        | "setLocalDescription"
        | "setLocalDescriptionOnSuccess" => Some("local"),
        _ => None,
    }
}

/// Every SDP the connection's log carries, in order.
pub fn descriptions(pc: &PeerConnection) -> Vec<Description> {
    pc.events
        .iter()
        .filter_map(|e| {
            let side = side(&e.name)?;
            let sdp = e
                .value
                .get("sdp")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())?;
            let (session, sections) = parse(sdp);
            Some(Description {
                t_ms: e.t_ms,
                event: e.name.clone(),
                side,
                sdp_type: e
                    .value
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                session,
                sections,
                sdp: sdp.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections() {
        let sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\na=mid:0\r\na=recvonly\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:111 opus/48000/2\r\na=candidate:1 1 udp 1 192.0.2.1 5000 typ host\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:1\r\n";
        let (session, s) = parse(sdp);
        assert_eq!(session, "v=0\no=- 1 2 IN IP4 127.0.0.1");
        assert_eq!(s.len(), 2);
        assert_eq!(
            (
                s[0].kind.as_str(),
                s[0].mid.as_deref(),
                s[0].direction.as_str()
            ),
            ("audio", Some("0"), "recvonly")
        );
        assert_eq!(s[0].codecs, vec!["opus/48000/2", "PCMU/8000"]);
        assert_eq!(s[0].candidates, 1);
        assert_eq!(
            (s[1].kind.as_str(), s[1].direction.as_str()),
            ("application", "sendrecv")
        );
    }
}
