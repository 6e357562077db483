//! The secrets of a dump and what a redacted copy writes instead: rules
//! over the text of one line, so that they hold in every dialect and at
//! every depth of escaping (SDP inside a JSON string inside a JSON
//! string, as webrtc-internals writes it).
//!
//! - TURN credentials (`username`, `credential`, `password`) become
//!   [`HIDDEN`], as in the viewer (`model::secrets`).
//! - ICE username fragments (`a=ice-ufrag:`, ` ufrag ` in candidates, the
//!   `usernameFragment` stats properties) become `ufrag1`, `ufrag2`, …,
//!   the same fragment always the same name, so that candidates still
//!   group by their ICE session and a restart still shows; ICE passwords
//!   (`a=ice-pwd:`, ` pwd `) become `redactedpassword00000001`, …
//! - DTLS fingerprints (16 or more colon-separated hex pairs, wherever
//!   they are: SDP, certificate stats and the ids Chrome derives from
//!   them) become as many pairs of letters that are not hex digits
//!   (`XX:…:GH`), distinct per fingerprint, so that no part of them spells
//!   an address; `base64Certificate` becomes `redacted`.
//! - Device and track labels (`label`, and the third element of the
//!   `[kind, trackId, label, …]` arrays of track events) become
//!   `redacted label 1`, ….
//! - URLs (`http`, `https`, `ws`, `wss`) lose their query and fragment,
//!   and so does a `url` that is a path (rtcstats-server's header).

use crate::model::secrets::HIDDEN;
use std::collections::HashMap;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Credential,
    Ufrag,
    Pwd,
    Label,
    Certificate,
    UrlPath,
}

/// The kind of secret a JSON key holds. `numeric`: the file is rtcstats
/// fileFormat 3, whose compressed stats name properties by number
/// (docs/formats.md 2.4: 122 `iceLocalUsernameFragment`, 143
/// `usernameFragment`, 115 `label`, 165 `base64Certificate`).
fn key_kind(key: &[u8], numeric: bool) -> Option<Kind> {
    Some(match key {
        b"username" | b"credential" | b"password" => Kind::Credential,
        b"usernameFragment"
        | b"iceLocalUsernameFragment"
        | b"iceRemoteUsernameFragment"
        | b"ufrag" => Kind::Ufrag,
        b"pwd" => Kind::Pwd,
        b"label" => Kind::Label,
        b"base64Certificate" => Kind::Certificate,
        b"url" => Kind::UrlPath,
        b"122" | b"143" if numeric => Kind::Ufrag,
        b"115" if numeric => Kind::Label,
        b"165" if numeric => Kind::Certificate,
        _ => return None,
    })
}

/// The kind of a webrtc-internals stats series (`"<id>-<property>": {…,
/// "values": "[…]"}`), whose values are redacted element by element.
fn series_kind(key: &[u8]) -> Option<Kind> {
    let dash = key.iter().rposition(|&c| c == b'-')?;
    match key_kind(key.get(dash + 1..)?, false)? {
        k @ (Kind::Ufrag | Kind::Label | Kind::Certificate) => Some(k),
        _ => None,
    }
}

/// Where a bare value (SDP attribute, candidate word) ends.
fn ends_value(c: u8) -> bool {
    matches!(
        c,
        b'\r' | b'\n' | b'\\' | b'"' | b' ' | b'\'' | b',' | b'\t'
    )
}

/// Where a URL inside a text ends.
fn ends_url(c: u8) -> bool {
    c.is_ascii_whitespace() || matches!(c, b'"' | b'\\' | b'\'' | b'<' | b'>' | b'`')
}

/// The minimum number of colon-separated hex pairs taken for a
/// fingerprint (SHA-1 has 20, SHA-256 32).
const FINGERPRINT_MIN_PAIRS: usize = 16;

/// How long a JSON key may be to be looked at (ids are shorter).
const LONGEST_KEY: usize = 256;

/// The replacements handed out so far, and what is counted.
#[derive(Default)]
pub struct Secrets {
    ufrags: HashMap<Vec<u8>, usize>,
    pwds: HashMap<Vec<u8>, usize>,
    labels: HashMap<Vec<u8>, usize>,
    fingerprints: HashMap<Vec<u8>, usize>,
    /// webrtc-internals: the kind of the series whose `values` come next.
    pending: Option<Kind>,
    /// rtcstats fileFormat 3: numeric property keys.
    pub numeric_keys: bool,
    /// Credentials and certificates replaced, URLs shortened.
    pub credentials: usize,
    pub certificates: usize,
    pub urls: usize,
}

/// What was redacted, for the command line's closing line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub ufrags: usize,
    pub passwords: usize,
    pub labels: usize,
    pub fingerprints: usize,
    pub credentials: usize,
    pub certificates: usize,
    pub urls: usize,
}

fn number(map: &mut HashMap<Vec<u8>, usize>, value: &[u8]) -> usize {
    let n = map.len() + 1;
    *map.entry(value.to_vec()).or_insert(n)
}

impl Secrets {
    pub fn counts(&self) -> Counts {
        Counts {
            ufrags: self.ufrags.len(),
            passwords: self.pwds.len(),
            labels: self.labels.len(),
            fingerprints: self.fingerprints.len(),
            credentials: self.credentials,
            certificates: self.certificates,
            urls: self.urls,
        }
    }

    /// The replacement of `value` (as written, escapes and all) of a
    /// secret of `kind`; `None` to leave it.
    fn replace(&mut self, kind: Kind, value: &[u8]) -> Option<Vec<u8>> {
        if value.is_empty() {
            return None;
        }
        Some(match kind {
            Kind::Credential => {
                if value == HIDDEN.as_bytes() {
                    return None;
                }
                self.credentials += 1;
                HIDDEN.as_bytes().to_vec()
            }
            Kind::Ufrag => format!("ufrag{}", number(&mut self.ufrags, value)).into_bytes(),
            Kind::Pwd => {
                format!("redactedpassword{:08}", number(&mut self.pwds, value)).into_bytes()
            }
            Kind::Label => {
                format!("redacted label {}", number(&mut self.labels, value)).into_bytes()
            }
            Kind::Certificate => {
                self.certificates += 1;
                b"redacted".to_vec()
            }
            Kind::UrlPath => {
                if value.first() != Some(&b'/') {
                    return None;
                }
                let q = value.iter().position(|&c| c == b'?' || c == b'#')?;
                self.urls += 1;
                value.get(..q)?.to_vec()
            }
        })
    }

    /// A label found by position (track events), as a JSON literal.
    pub fn label_literal(&mut self, literal: &[u8]) -> Vec<u8> {
        let inner = literal
            .get(1..literal.len().saturating_sub(1))
            .unwrap_or_default();
        let n = number(&mut self.labels, inner);
        format!("\"redacted label {n}\"").into_bytes()
    }

    /// Appends `line` to `out` with its secrets replaced.
    pub fn rewrite(&mut self, b: &[u8], out: &mut Vec<u8>) {
        let mut copied = 0;
        let mut i = 0;
        while i < b.len() {
            let c = b.get(i).copied().unwrap_or(0);
            let hit = match c {
                b'"' => self.key_value(b, i),
                b'\\' if b.get(i + 1) == Some(&b'"') => self.escaped_key_value(b, i),
                b'i' => self.sdp_attribute(b, i),
                b' ' => self.candidate_word(b, i),
                b'h' | b'w' => self.url(b, i),
                _ if c.is_ascii_hexdigit() => self.fingerprint(b, i),
                _ => None,
            };
            match hit {
                Some((from, to, replacement)) => {
                    out.extend_from_slice(b.get(copied..from).unwrap_or_default());
                    out.extend_from_slice(&replacement);
                    copied = to;
                    i = to.max(i + 1);
                }
                None => i += 1,
            }
        }
        out.extend_from_slice(b.get(copied..).unwrap_or_default());
    }

    /// `"key": "value"` at `i` (an opening quote). A key followed by an
    /// object may open a webrtc-internals series.
    fn key_value(&mut self, b: &[u8], i: usize) -> Option<(usize, usize, Vec<u8>)> {
        if i > 0 && b.get(i - 1) == Some(&b'\\') {
            return None;
        }
        let key_start = i + 1;
        let key_len = b
            .get(key_start..)?
            .iter()
            .take(LONGEST_KEY)
            .position(|&c| c == b'"' || c == b'\\')?;
        let key = b.get(key_start..key_start + key_len)?;
        if b.get(key_start + key_len) != Some(&b'"') {
            return None;
        }
        let mut j = key_start + key_len + 1;
        while b.get(j) == Some(&b' ') {
            j += 1;
        }
        if b.get(j) != Some(&b':') {
            return None;
        }
        j += 1;
        while b.get(j) == Some(&b' ') {
            j += 1;
        }
        match b.get(j) {
            Some(b'"') => {
                let start = j + 1;
                let mut k = start;
                while let Some(&c) = b.get(k) {
                    match c {
                        b'\\' => k += 2,
                        b'"' => break,
                        _ => k += 1,
                    }
                }
                let end = k.min(b.len());
                let value = b.get(start..end)?;
                if key == b"values" {
                    let kind = self.pending.take()?;
                    return Some((start, end, self.series_values(kind, value)));
                }
                let kind = key_kind(key, self.numeric_keys)?;
                let replacement = self.replace(kind, value)?;
                Some((start, end, replacement))
            }
            Some(b'{') => {
                self.pending = series_kind(key);
                None
            }
            _ => None,
        }
    }

    /// `\"key\":\"value\"` at `i` (JSON inside a JSON string).
    fn escaped_key_value(&mut self, b: &[u8], i: usize) -> Option<(usize, usize, Vec<u8>)> {
        let key_start = i + 2;
        let key_len = b
            .get(key_start..)?
            .iter()
            .take(LONGEST_KEY)
            .position(|&c| c == b'\\' || c == b'"')?;
        let key = b.get(key_start..key_start + key_len)?;
        let rest = b.get(key_start + key_len..)?;
        let prefix: &[u8] = if rest.starts_with(b"\\\":\\\"") {
            b"\\\":\\\""
        } else if rest.starts_with(b"\\\": \\\"") {
            b"\\\": \\\""
        } else if rest.starts_with(b"\\\" = \\\"") {
            // A logged assignment (jitsi: `not translating \"ufrag\" = \"…\"`).
            b"\\\" = \\\""
        } else {
            return None;
        };
        let kind = key_kind(key, false)?;
        let start = key_start + key_len + prefix.len();
        let len = b.get(start..)?.windows(2).position(|w| w == b"\\\"")?;
        let replacement = self.replace(kind, b.get(start..start + len)?)?;
        Some((start, start + len, replacement))
    }

    /// The elements of a webrtc-internals series' `values` text
    /// (`[\"a\",\"b\"]`), each replaced.
    fn series_values(&mut self, kind: Kind, text: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.windows(2).position(|w| w == b"\\\"") {
            let head = rest.get(..open + 2).unwrap_or_default();
            out.extend_from_slice(head);
            let tail = rest.get(open + 2..).unwrap_or_default();
            let Some(close) = tail.windows(2).position(|w| w == b"\\\"") else {
                rest = tail;
                break;
            };
            let value = tail.get(..close).unwrap_or_default();
            match self.replace(kind, value) {
                Some(r) => out.extend_from_slice(&r),
                None => out.extend_from_slice(value),
            }
            out.extend_from_slice(b"\\\"");
            rest = tail.get(close + 2..).unwrap_or_default();
        }
        out.extend_from_slice(rest);
        out
    }

    /// `ice-ufrag:VALUE` / `ice-pwd:VALUE` at `i` (SDP, any escaping).
    fn sdp_attribute(&mut self, b: &[u8], i: usize) -> Option<(usize, usize, Vec<u8>)> {
        let rest = b.get(i..)?;
        let (kind, len) = if rest.starts_with(b"ice-ufrag:") {
            (Kind::Ufrag, 10)
        } else if rest.starts_with(b"ice-pwd:") {
            (Kind::Pwd, 8)
        } else {
            return None;
        };
        self.word(b, i + len, kind)
    }

    /// ` ufrag VALUE` / ` pwd VALUE` at `i` (candidate lines).
    fn candidate_word(&mut self, b: &[u8], i: usize) -> Option<(usize, usize, Vec<u8>)> {
        let rest = b.get(i..)?;
        if rest.starts_with(b" ufrag ") {
            self.word(b, i + 7, Kind::Ufrag)
        } else if rest.starts_with(b" pwd ") {
            self.word(b, i + 5, Kind::Pwd)
        } else {
            None
        }
    }

    fn word(&mut self, b: &[u8], start: usize, kind: Kind) -> Option<(usize, usize, Vec<u8>)> {
        let len = b
            .get(start..)?
            .iter()
            .position(|&c| ends_value(c))
            .unwrap_or(b.len() - start);
        let replacement = self.replace(kind, b.get(start..start + len)?)?;
        Some((start, start + len, replacement))
    }

    /// A URL at `i`: its query and fragment are dropped.
    fn url(&mut self, b: &[u8], i: usize) -> Option<(usize, usize, Vec<u8>)> {
        if i > 0 && b.get(i - 1).is_some_and(u8::is_ascii_alphanumeric) {
            return None;
        }
        let rest = b.get(i..)?;
        let scheme = [&b"https://"[..], b"http://", b"wss://", b"ws://"]
            .into_iter()
            .find(|s| rest.starts_with(s))?;
        let len = rest.iter().position(|&c| ends_url(c)).unwrap_or(rest.len());
        let url = rest.get(scheme.len()..len)?;
        let q = url.iter().position(|&c| c == b'?' || c == b'#')?;
        self.urls += 1;
        let from = i + scheme.len() + q;
        Some((from, i + len, Vec::new()))
    }

    /// A DTLS fingerprint at `i`: at least [`FINGERPRINT_MIN_PAIRS`]
    /// colon-separated hex pairs, not part of a longer hex run.
    fn fingerprint(&mut self, b: &[u8], i: usize) -> Option<(usize, usize, Vec<u8>)> {
        if i > 0
            && b.get(i - 1)
                .is_some_and(|&c| c.is_ascii_hexdigit() || c == b':')
        {
            // Chrome's certificate ids are `CF` and the fingerprint
            // (`CF43:DC:…`); the prefix stays.
            let cf = i >= 2 && b.get(i - 2..i) == Some(&b"CF"[..]);
            let word_start = i < 3 || b.get(i - 3).is_some_and(|c| !c.is_ascii_alphanumeric());
            if !(cf && word_start) {
                return None;
            }
        }
        let hex = |k: usize| b.get(k).is_some_and(u8::is_ascii_hexdigit);
        let mut pairs = 0;
        let mut k = i;
        loop {
            if !(hex(k) && hex(k + 1)) {
                return None;
            }
            pairs += 1;
            k += 2;
            if b.get(k) == Some(&b':') && hex(k + 1) {
                k += 1;
            } else {
                break;
            }
        }
        if pairs < FINGERPRINT_MIN_PAIRS || hex(k) {
            return None;
        }
        let value = b.get(i..k)?.to_ascii_uppercase();
        let n = number(&mut self.fingerprints, &value);
        Some((i, k, fake_fingerprint(pairs, n)))
    }
}

/// `pairs` colon-separated pairs of letters `G`-`Z` (no hex digit, so no
/// part spells an address), the last two numbering the fingerprint.
fn fake_fingerprint(pairs: usize, n: usize) -> Vec<u8> {
    const LETTERS: &[u8; 20] = b"GHIJKLMNOPQRSTUVWXYZ";
    let letter = |d: usize| LETTERS.get(d % 20).copied().unwrap_or(b'X');
    let mut out = Vec::with_capacity(pairs * 3);
    for p in 0..pairs {
        if p > 0 {
            out.push(b':');
        }
        let from_end = pairs - 1 - p;
        let digit = match from_end {
            0 => n % 400,
            1 => n / 400 % 400,
            _ => {
                out.extend_from_slice(b"XX");
                continue;
            }
        };
        out.push(letter(digit / 20));
        out.push(letter(digit));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &mut Secrets, text: &str) -> String {
        let mut out = Vec::new();
        s.rewrite(text.as_bytes(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn sdp_and_candidates() {
        let mut s = Secrets::default();
        let sdp = "\"sdp\":\"v=0\\r\\na=ice-ufrag:Ab3x\\r\\na=ice-pwd:0123456789abcdefghijklmn\\r\\na=fingerprint:sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89\\r\\n\"";
        assert_eq!(
            run(&mut s, sdp),
            "\"sdp\":\"v=0\\r\\na=ice-ufrag:ufrag1\\r\\na=ice-pwd:redactedpassword00000001\\r\\na=fingerprint:sha-256 XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:GG:GH\\r\\n\""
        );
        let cand =
            "candidate:1 1 udp 2122 192.0.2.1 5000 typ host generation 0 ufrag Ab3x network-id 1";
        assert_eq!(
            run(&mut s, cand),
            "candidate:1 1 udp 2122 192.0.2.1 5000 typ host generation 0 ufrag ufrag1 network-id 1"
        );
        // The same fingerprint, lower case, in a certificate id.
        let id = "\"RTCCertificate_ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89\"";
        assert!(run(&mut s, id).ends_with("XX:GG:GH\""));
        // Chrome's certificate id: `CF` and the fingerprint.
        let cf = "\"CFAB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89-fingerprint\"";
        assert!(
            run(&mut s, cf).starts_with("\"CFXX:XX:"),
            "{}",
            run(&mut s, cf)
        );
        assert!(run(&mut s, cf).ends_with("XX:GG:GH-fingerprint\""));
        assert_eq!(s.counts().fingerprints, 1);
    }

    #[test]
    fn keys_plain_escaped_and_in_series() {
        let mut s = Secrets::default();
        let config = r#"["create","PC_0",{"iceServers":[{"urls":"turn:t.example","username":"1700:alice","credential":"s3cret"}]},1]"#;
        assert_eq!(
            run(&mut s, config),
            r#"["create","PC_0",{"iceServers":[{"urls":"turn:t.example","username":"•••","credential":"•••"}]},1]"#
        );
        let escaped = r#""rtcConfiguration": "{\"iceServers\":[{\"urls\":[\"turn:t.example\"],\"username\":\"alice\"}]}","#;
        assert_eq!(
            run(&mut s, escaped),
            r#""rtcConfiguration": "{\"iceServers\":[{\"urls\":[\"turn:t.example\"],\"username\":\"•••\"}]}","#
        );
        let stats =
            r#"{"usernameFragment":"Ab3x","label":"FaceTime HD Camera","url":"/?room=secret#x"}"#;
        assert_eq!(
            run(&mut s, stats),
            r#"{"usernameFragment":"ufrag1","label":"redacted label 1","url":"/"}"#
        );
        for line in [
            "   \"RTCIceCandidate_I+Gv-usernameFragment\": {",
            "    \"statsType\": \"local-candidate\",",
        ] {
            assert_eq!(run(&mut s, line), line);
        }
        assert_eq!(
            run(&mut s, "    \"values\": \"[\\\"Ab3x\\\",\\\"Zz9q\\\"]\""),
            "    \"values\": \"[\\\"ufrag1\\\",\\\"ufrag2\\\"]\""
        );
        let logged = r#"{"text":"not translating \"ufrag\" = \"Ab3x\""}"#;
        assert_eq!(
            run(&mut s, logged),
            r#"{"text":"not translating \"ufrag\" = \"ufrag1\""}"#
        );
        // Not pending any more: the next values stay.
        let plain = "    \"values\": \"[\\\"Ab3x\\\"]\"";
        assert_eq!(run(&mut s, plain), plain);
    }

    #[test]
    fn numeric_keys_only_in_file_format_3() {
        let line = r#"{"a1":{"143":"Ab3x","115":"Mic"}}"#;
        let mut s = Secrets::default();
        assert_eq!(run(&mut s, line), line);
        s.numeric_keys = true;
        assert_eq!(
            run(&mut s, line),
            r#"{"a1":{"143":"ufrag1","115":"redacted label 1"}}"#
        );
    }

    #[test]
    fn urls_lose_query_and_fragment() {
        let mut s = Secrets::default();
        assert_eq!(
            run(
                &mut s,
                r#"{"url":"https://meet.example/room?jwt=abc#config","origin":"https://meet.example"} wss://x.example/ws?token=1"#
            ),
            r#"{"url":"https://meet.example/room","origin":"https://meet.example"} wss://x.example/ws"#
        );
        // A TURN URL's transport stays.
        let turn = r#"{"url":"turn:t.example:3478?transport=udp"}"#;
        assert_eq!(run(&mut s, turn), turn);
    }

    #[test]
    fn short_hex_runs_are_not_fingerprints() {
        let mut s = Secrets::default();
        let t = "ab:cd:ef:01 and 12:34:56";
        assert_eq!(run(&mut s, t), t);
    }
}
