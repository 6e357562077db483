//! Secrets in a dump, and the one place that says how they are hidden.
//!
//! TURN credentials (`iceServers[].username`, `.credential`) are never
//! shown or posted, in any mode: the importer replaces them by [`HIDDEN`]
//! before anything else sees them (the event log's full rows included).
//! ICE credentials (`a=ice-ufrag`, `a=ice-pwd` in SDP, `ufrag` in
//! candidate lines, the `usernameFragment` stats property) are shown to
//! whoever may see addresses and hidden from the rest, with the addresses
//! (`embed::mask`): they are needed to read a connectivity check, and they
//! expire with the call.

use serde_json::Value;

/// What a hidden secret reads as.
pub const HIDDEN: &str = "•••";

/// The keys of an ICE server entry that hold its credentials.
const ICE_SERVER_SECRETS: [&str; 3] = ["username", "credential", "password"];

/// Replaces the credentials of every ICE server in `v` (at any depth: a
/// `create` event's configuration, `setConfiguration`, a header) by
/// [`HIDDEN`], keeping whether they were there.
pub fn hide_ice_server_credentials(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                if k == "iceServers" {
                    hide_in_servers(x);
                } else {
                    hide_ice_server_credentials(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(hide_ice_server_credentials),
        _ => {}
    }
}

fn hide_in_servers(servers: &mut Value) {
    let one = |s: &mut Value| {
        if let Value::Object(o) = s {
            for key in ICE_SERVER_SECRETS {
                if let Some(x) = o.get_mut(key) {
                    if !x.is_null() {
                        *x = Value::String(HIDDEN.into());
                    }
                }
            }
        }
    };
    match servers {
        Value::Array(a) => a.iter_mut().for_each(one),
        other => one(other),
    }
}

/// The stats properties that hold an ICE username fragment (candidates;
/// Chrome's transport).
pub const UFRAG_PROPERTIES: [&str; 3] = [
    "usernameFragment",
    "iceLocalUsernameFragment",
    "iceRemoteUsernameFragment",
];

/// `text` with the values of ICE credentials hidden: the rest of the line
/// after `ice-ufrag:` / `ice-pwd:` (SDP), and the word after ` ufrag ` and
/// ` pwd ` (candidate lines, old SDP), up to a space, quote or line end.
/// `None` when there is nothing to hide.
pub fn hide_ice_credentials(text: &str) -> Option<String> {
    // ` ufrag ` and ` pwd ` only in candidate lines: elsewhere they are
    // words ("ICE ufrag changes").
    const MARKS: [&str; 4] = ["ice-ufrag:", "ice-pwd:", " ufrag ", " pwd "];
    let marks = if text.contains("candidate:") {
        &MARKS[..]
    } else {
        &MARKS[..2]
    };
    if !marks.iter().any(|m| text.contains(m)) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = marks
            .iter()
            .filter_map(|m| rest.find(m).map(|at| (at, m.len())))
            .min();
        let Some((at, len)) = next else {
            out.push_str(rest);
            return Some(out);
        };
        let value_at = at + len;
        out.push_str(rest.get(..value_at).unwrap_or_default());
        let tail = rest.get(value_at..).unwrap_or_default();
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ',')
            .unwrap_or(tail.len());
        if end > 0 {
            out.push_str(HIDDEN);
        }
        rest = tail.get(end..).unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ice_server_credentials_are_hidden_at_any_depth() {
        let mut v = json!({"rtcConfiguration": {"iceServers": [
            {"urls": ["turn:turn.example:3478"], "username": "1700000000:alice", "credential": "s3cret"},
            {"urls": "stun:stun.example"}
        ]}, "iceServers": {"url": "turn:x.example", "credential": "c"}});
        hide_ice_server_credentials(&mut v);
        let text = v.to_string();
        assert!(
            !text.contains("alice") && !text.contains("s3cret"),
            "{text}"
        );
        assert_eq!(v["rtcConfiguration"]["iceServers"][0]["username"], HIDDEN);
        assert_eq!(
            v["rtcConfiguration"]["iceServers"][1],
            json!({"urls": "stun:stun.example"})
        );
        assert_eq!(v["iceServers"]["credential"], HIDDEN);
    }

    #[test]
    fn ice_credentials_in_sdp_and_candidates() {
        let sdp =
            "a=ice-ufrag:Ab3x\r\na=ice-pwd:0123456789abcdefghijklmn\r\na=ice-options:trickle\r\n";
        assert_eq!(
            hide_ice_credentials(sdp).as_deref(),
            Some("a=ice-ufrag:•••\r\na=ice-pwd:•••\r\na=ice-options:trickle\r\n")
        );
        let cand =
            "candidate:1 1 udp 2122 192.0.2.1 5000 typ host generation 0 ufrag Ab3x network-id 1";
        assert_eq!(
            hide_ice_credentials(cand).as_deref(),
            Some("candidate:1 1 udp 2122 192.0.2.1 5000 typ host generation 0 ufrag ••• network-id 1")
        );
        assert_eq!(hide_ice_credentials("a=ice-options:trickle"), None);
        assert_eq!(hide_ice_credentials("ICE ufrag changes in the log"), None);
    }
}
