//! Masking IP addresses in every view (tokens without `read:deobfuscated`):
//! the session itself is rewritten before anything is shown, so no panel,
//! chart label or summary can leak an address.

use crate::model::Session;
use serde_json::Value;

/// The longest text that can spell an address:
/// `ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`.
pub const LONGEST_ADDRESS: usize = 45;

/// Bytes an address is spelled with (hex digits, `:` and `.`): an address
/// inside a text is a substring of a run of these.
pub fn is_address_byte(b: u8) -> bool {
    b.is_ascii_hexdigit() || b == b':' || b == b'.'
}

/// Whether `s` spells an IP address: IPv6 in every form (full,
/// compressed, mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`), or a
/// dotted quad, leading zeros allowed (`010.0.0.1` is an address to
/// `inet_aton` and to browsers). What std's parsers accept, and a little
/// more (leading zeros in an embedded IPv4 too); a test holds the two to
/// that.
pub fn spells_address(s: &str) -> bool {
    ipv6(s) || dotted_quad(s)
}

/// IPv6: groups of 1-4 hex digits, at most one `::` standing for at least
/// one zero group, a dotted quad allowed as the last two groups.
fn ipv6(s: &str) -> bool {
    let (head, tail) = match s.find("::") {
        Some(i) => (
            s.get(..i).unwrap_or_default(),
            Some(s.get(i + 2..).unwrap_or_default()),
        ),
        None => (s, None),
    };
    // Groups in `part`; `last`: it ends the address (may end in IPv4).
    let groups = |part: &str, last: bool| -> Option<usize> {
        if part.is_empty() {
            return Some(0);
        }
        let pieces: Vec<&str> = part.split(':').collect();
        let mut n = 0;
        for (k, p) in pieces.iter().enumerate() {
            if last && k + 1 == pieces.len() && p.contains('.') {
                n += dotted_quad(p).then_some(2)?;
            } else if (1..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_hexdigit()) {
                n += 1;
            } else {
                return None;
            }
        }
        Some(n)
    };
    match tail {
        Some(t) if t.contains("::") => false,
        Some(t) => {
            matches!((groups(head, false), groups(t, true)), (Some(a), Some(b)) if a + b <= 7)
        }
        None => groups(head, true) == Some(8),
    }
}

/// A dotted quad, leading zeros allowed (`010.0.0.1`).
pub fn dotted_quad(s: &str) -> bool {
    let mut parts = 0;
    for part in s.split('.') {
        parts += 1;
        let ok = (1..=3).contains(&part.len())
            && part.bytes().all(|c| c.is_ascii_digit())
            && part.parse::<u16>().is_ok_and(|n| n <= 255);
        if !ok || parts > 4 {
            return false;
        }
    }
    parts == 4
}

/// Replaces every IP address in a text by `x.x.x.x` (IPv4) or
/// `x:x:x:x:x:x:x:x` (IPv6), wherever it is: after `:`, `=`, `@`, `//`,
/// in brackets with a port, inside URLs and SDP. Afterwards no substring
/// of the result spells an address ([`spells_address`]; a property test
/// holds it to that). Whatever spells one is masked, even when it was
/// meant otherwise (a 4-part version `1.2.3.4`, a DTLS fingerprint's
/// first 8 groups): leaking is the worse mistake. The user agent is the
/// one exception, see [`mask_user_agent`].
pub fn mask_text(s: &str) -> String {
    mask_where(s, &|_, _| true)
}

/// [`mask_text`] for a user agent: a dotted quad right after a product's
/// `/` is its version (`Chrome/120.0.0.0`, the reduced user agent), which
/// support needs and which is no one's address.
pub fn mask_user_agent(s: &str) -> String {
    mask_where(s, &|b, at| {
        !(at > 0
            && b.get(at - 1) == Some(&b'/')
            && b.get(at.wrapping_sub(2))
                .is_some_and(u8::is_ascii_alphabetic))
    })
}

/// Masks the addresses for which `masked(bytes, start)` holds: at each
/// position of a run of address bytes, the longest substring (at most
/// [`LONGEST_ADDRESS`] bytes) that spells an address is replaced, and the
/// scan goes on after it. The mask's `x` ends the run, so nothing before
/// and after a mask can join into a new address; a position where no
/// substring spells one cannot start one later either.
fn mask_where(s: &str, masked: &dyn Fn(&[u8], usize) -> bool) -> String {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    let mut run_end = 0;
    while i < b.len() {
        if !b.get(i).copied().is_some_and(is_address_byte) {
            i += 1;
            continue;
        }
        if run_end <= i {
            run_end = i;
            while b.get(run_end).copied().is_some_and(is_address_byte) {
                run_end += 1;
            }
        }
        let end = run_end.min(i + LONGEST_ADDRESS);
        let window = b.get(i..end).unwrap_or_default();
        // Every address has three `.` or two `:`; most runs (hex ids,
        // numbers, times) have neither and are passed over at once.
        let dots = window.iter().filter(|&&c| c == b'.').count();
        let colons = window.iter().filter(|&&c| c == b':').count();
        let found = if dots >= 3 || colons >= 2 {
            (2..=window.len())
                .rev()
                .find(|&n| s.get(i..i + n).is_some_and(spells_address))
        } else {
            None
        };
        match found {
            Some(n) if masked(b, i) => {
                if out.capacity() == 0 {
                    out.reserve(s.len());
                }
                out.push_str(s.get(copied..i).unwrap_or_default());
                let v4 = s.get(i..i + n).is_some_and(dotted_quad);
                out.push_str(if v4 { "x.x.x.x" } else { "x:x:x:x:x:x:x:x" });
                i += n;
                copied = i;
            }
            Some(n) => i += n,
            None => i += 1,
        }
    }
    if copied == 0 {
        return s.to_string();
    }
    out.push_str(s.get(copied..).unwrap_or_default());
    out
}

/// What a text shows to whoever may not see addresses: its addresses
/// masked ([`mask_text`]) and its ICE credentials hidden
/// (`model::secrets::hide_ice_credentials`).
pub fn mask_all(s: &str) -> String {
    let masked = mask_text(s);
    crate::model::secrets::hide_ice_credentials(&masked).unwrap_or(masked)
}

/// Masks every string of a JSON value, and its keys (an object keyed by
/// address, as stats reports keyed by candidate id can be).
pub fn mask_value(v: &mut Value) {
    match v {
        Value::String(s) => {
            let m = mask_all(s);
            if m != *s {
                *s = m;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(mask_value),
        Value::Object(o) => {
            let keys_change = o.keys().any(|k| mask_all(k) != *k);
            if keys_change {
                let old = std::mem::take(o);
                for (k, x) in old {
                    o.insert(mask_all(&k), x);
                }
            }
            for (k, x) in o.iter_mut() {
                match x {
                    // The summary's and the header's user agent, as the
                    // session's own (see `mask_user_agent`).
                    Value::String(ua) if k == "userAgent" => *ua = mask_user_agent(ua),
                    _ => mask_value(x),
                }
            }
        }
        _ => {}
    }
}

fn mask_opt(s: &mut Option<String>) {
    if let Some(t) = s.as_mut() {
        *t = mask_all(t);
    }
}

/// Masks every address and ICE credential in the session, in every text
/// it holds: metadata, events (SDP, candidates, errors, extras),
/// configurations, URLs, getUserMedia constraints, errors and track
/// labels, ids of connections and stats objects, every text stats value
/// (a `usernameFragment` entirely), and diagnostics. Device and track
/// labels and error texts are shown otherwise: support needs them ("Could
/// not start video source", which camera).
///
/// Returns whether some connection's stats objects were re-sorted (a
/// masked id sorts elsewhere): positions into `pc.stats` taken before are
/// then stale.
pub fn mask_session(s: &mut Session) -> bool {
    for v in s.metadata.values_mut() {
        mask_value(v);
    }
    s.metadata = std::mem::take(&mut s.metadata)
        .into_iter()
        .map(|(k, v)| (mask_all(&k), v))
        .collect();
    if let Some(ua) = &s.user_agent {
        s.user_agent = Some(mask_user_agent(ua));
    }
    let events = |events: &mut Vec<crate::model::Event>| {
        for e in events {
            mask_value(&mut e.value);
            e.extras.iter_mut().for_each(mask_value);
            mask_opt(&mut e.time_text);
        }
    };
    events(&mut s.client_events);
    for g in &mut s.get_user_media {
        mask_value(&mut g.constraints);
        mask_opt(&mut g.error);
        for t in &mut g.tracks {
            mask_opt(&mut t.id);
            mask_opt(&mut t.label);
        }
    }
    let mut reordered = false;
    for pc in &mut s.peer_connections {
        pc.id = mask_all(&pc.id);
        mask_opt(&mut pc.url);
        if let Some(c) = pc.configuration.as_mut() {
            mask_value(c);
        }
        if let Some(c) = pc.constraints.as_mut() {
            mask_value(c);
        }
        mask_opt(&mut pc.configuration_text);
        events(&mut pc.events);
        // Ids rarely hold addresses, but an id that did would otherwise
        // reach every panel; ids that point at others are text values,
        // masked alike below, so references still resolve.
        let mut changed = false;
        for o in &mut pc.stats {
            let id = mask_all(&o.id);
            changed |= id != o.id;
            o.id = id;
        }
        if changed && !pc.stats.is_sorted_by(|a, b| a.id <= b.id) {
            pc.stats.sort_by(|a, b| a.id.cmp(&b.id));
            reordered = true;
        }
    }
    // The texts of ufrag properties are hidden wherever they occur (the
    // same fragment is the transport's and the candidates').
    let mut ufrags = std::collections::HashSet::new();
    for o in s.peer_connections.iter().flat_map(|pc| pc.stats.iter()) {
        for p in crate::model::secrets::UFRAG_PROPERTIES {
            if let Some(c) = o.columns.get(p) {
                ufrags.extend((0..o.len()).filter_map(|i| c.texts.get(i)));
            }
        }
    }
    let ufrags: std::collections::HashSet<String> = ufrags
        .into_iter()
        .filter_map(|sym| s.strings.resolve(sym).map(str::to_string))
        .collect();
    // Two texts can mask to the same one (two host candidates): symbols
    // are positions, so the columns are remapped to the new interner.
    let (strings, map) = s.strings.map_strings(|t| {
        if ufrags.contains(t) {
            crate::model::secrets::HIDDEN.to_string()
        } else {
            mask_all(t)
        }
    });
    for o in s
        .peer_connections
        .iter_mut()
        .flat_map(|pc| pc.stats.iter_mut())
    {
        for c in o.columns.values_mut() {
            c.texts.remap(&map);
        }
    }
    s.strings = strings;
    // Messages and keys: a converted dump's note carries its source's
    // diagnostics as text (`SessionBuilder::restore_conversion_note`).
    for d in &mut s.diagnostics {
        d.message = mask_all(&d.message);
        if let Some(key) = &mut d.location.key {
            *key = mask_all(key);
        }
    }
    reordered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_addresses_not_versions() {
        assert_eq!(
            mask_text("candidate:1 1 udp 2122 192.168.1.20 5000 typ host"),
            "candidate:1 1 udp 2122 x.x.x.x 5000 typ host"
        );
        assert_eq!(
            mask_text("c=IN IP4 203.0.113.7\r\n"),
            "c=IN IP4 x.x.x.x\r\n"
        );
        assert_eq!(mask_text("turn:198.51.100.2:3478"), "turn:x.x.x.x:3478");
        assert_eq!(
            mask_text("Chrome/120.0.6099.71 Safari"),
            "Chrome/120.0.6099.71 Safari"
        );
        assert_eq!(
            mask_text("2001:db8::1 and fe80::1%en0"),
            "x:x:x:x:x:x:x:x and x:x:x:x:x:x:x:x%en0"
        );
        assert_eq!(
            mask_text("[2001:db8:0:0:0:0:0:1]:3478"),
            "[x:x:x:x:x:x:x:x]:3478"
        );
        assert_eq!(mask_text("at 12:30:45"), "at 12:30:45");
        assert_eq!(mask_text("v1.2.3 and 12.34.5"), "v1.2.3 and 12.34.5");
        // Not an address, but `99.1.1.1` inside it is one.
        assert_eq!(mask_text("999.1.1.1"), "9x.x.x.x");
    }

    /// The spellings the first scanner let through (issue 14).
    #[test]
    fn masks_mapped_nat64_urls_and_after_a_colon() {
        for (text, masked) in [
            ("::ffff:198.51.100.7", "x:x:x:x:x:x:x:x"),
            ("64:ff9b::203.0.113.9", "x:x:x:x:x:x:x:x"),
            ("https://10.0.0.5:8443/room", "https://x.x.x.x:8443/room"),
            ("wss://203.0.113.9/ws", "wss://x.x.x.x/ws"),
            ("address:2001:db8::7", "address:x:x:x:x:x:x:x:x"),
            ("user@192.0.2.1", "user@x.x.x.x"),
            ("ip=010.000.000.001", "ip=x.x.x.x"),
        ] {
            assert_eq!(mask_text(text), masked, "{text}");
        }
    }

    /// What spells an address is masked even when it was meant otherwise:
    /// a DTLS fingerprint's groups are eight hex groups; nothing of it
    /// that spells an address is left.
    #[test]
    fn a_fingerprint_leaves_no_address_behind() {
        let fp = "a=fingerprint:sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
        let out = mask_text(fp);
        assert_ne!(out, fp);
        assert!(no_address_in(&out), "{out}");
    }

    #[test]
    fn the_user_agent_keeps_its_versions() {
        let ua = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36";
        assert_eq!(mask_user_agent(ua), ua);
        assert_eq!(mask_text(ua), ua.replace("120.0.0.0", "x.x.x.x"));
        assert_eq!(
            mask_user_agent("proxy 203.0.113.9 Chrome/120.0.0.0"),
            "proxy x.x.x.x Chrome/120.0.0.0"
        );
    }

    /// Our IPv6 reading accepts whatever std's does (and leading zeros in
    /// an embedded IPv4 besides).
    #[test]
    fn ipv6_agrees_with_std() {
        for s in [
            "::",
            "::1",
            "1::",
            "2001:db8::7",
            "2001:db8:0:0:0:0:0:1",
            "::ffff:198.51.100.7",
            "64:ff9b::203.0.113.9",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:1.2.3.4",
            "1::2:3:4:5:6:7",
            ":::",
            "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            ":1::",
            "12345::",
            "1:2:3:4:5:6:7::",
            "::1.2.3",
            "1.2.3.4",
            "g::1",
            "1:2:3:4:5:6:7:1.2.3.4",
            "::ffff:1.2.3.4:5",
        ] {
            assert_eq!(ipv6(s), s.parse::<std::net::Ipv6Addr>().is_ok(), "{s}");
        }
        assert!(ipv6("::ffff:010.0.0.1"));
    }

    /// No substring spells an address (the scanner's promise).
    pub(crate) fn no_address_in(s: &str) -> bool {
        let b = s.as_bytes();
        (0..b.len()).all(|i| {
            (i + 1..=b.len().min(i + LONGEST_ADDRESS))
                .all(|j| s.get(i..j).is_none_or(|t| !spells_address(t)))
        })
    }
}
