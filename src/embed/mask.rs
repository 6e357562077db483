//! Masking IP addresses in every view (tokens without `read:deobfuscated`):
//! the session itself is rewritten before anything is shown, so no panel,
//! chart label or summary can leak an address.

use crate::model::Session;
use serde_json::Value;

fn is_hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

/// Replaces IPv4 addresses by `x.x.x.x` and IPv6 addresses by `x:x:x:x:x:x:x:x`.
/// Version strings (`Chrome/120.0.6099.71`) and fingerprints (32 hex pairs) are
/// left alone.
pub fn mask_text(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        let prev = if i == 0 { None } else { b.get(i - 1).copied() };
        // An address starts after a separator; `scheme:` may precede IPv4
        // (`turn:192.0.2.1`), but a `:` before hex is inside an IPv6 address.
        let sep = |p: u8| {
            !(p.is_ascii_alphanumeric() || p == b'.' || p == b'/' || p == b'_' || p == b'-')
        };
        let v4 = prev.is_none_or(sep).then(|| ipv4_at(b, i)).flatten();
        let v6 = prev
            .is_none_or(|p| sep(p) && p != b':')
            .then(|| ipv6_at(b, i))
            .flatten();
        if let Some(len) = v4.or(v6) {
            out.push_str(s.get(copied..i).unwrap_or_default());
            out.push_str(if v4.is_some() {
                "x.x.x.x"
            } else {
                "x:x:x:x:x:x:x:x"
            });
            i += len;
            copied = i;
            continue;
        }
        i += 1;
    }
    out.push_str(s.get(copied..).unwrap_or_default());
    out
}

fn ipv4_at(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    for part in 0..4 {
        let s = i;
        while i < b.len() && b.get(i).is_some_and(u8::is_ascii_digit) && i - s < 3 {
            i += 1;
        }
        if i == s {
            return None;
        }
        let n: u32 = std::str::from_utf8(b.get(s..i)?).ok()?.parse().ok()?;
        if n > 255 {
            return None;
        }
        if part < 3 {
            if b.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
    }
    // Not followed by more of a dotted number or word.
    match b.get(i) {
        Some(c)
            if c.is_ascii_alphanumeric()
                || (*c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
        {
            None
        }
        _ => Some(i - start),
    }
}

fn ipv6_at(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    let mut groups = 0;
    let mut double = false;
    let mut last_colon = false;
    while i < b.len() {
        let c = *b.get(i)?;
        if is_hex(c) {
            let s = i;
            while i < b.len() && b.get(i).copied().is_some_and(is_hex) {
                i += 1;
            }
            if i - s > 4 {
                return None;
            }
            groups += 1;
            last_colon = false;
        } else if c == b':' {
            if b.get(i + 1) == Some(&b':') {
                if double {
                    return None;
                }
                double = true;
                i += 2;
            } else {
                if last_colon {
                    return None;
                }
                i += 1;
            }
            last_colon = true;
        } else {
            break;
        }
    }
    let len = i - start;
    let text = b.get(start..i)?;
    let colons = text.iter().filter(|&&c| c == b':').count();
    let ok = colons >= 2
        && groups <= 8
        && (double || groups == 8)
        && groups >= 1
        && !b.get(i).is_some_and(|c| c.is_ascii_alphanumeric());
    ok.then_some(len)
}

/// Masks every string of a JSON value (not its keys).
pub fn mask_value(v: &mut Value) {
    match v {
        Value::String(s) => {
            let m = mask_text(s);
            if m != *s {
                *s = m;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(mask_value),
        Value::Object(o) => o.values_mut().for_each(mask_value),
        _ => {}
    }
}

/// Masks every address in the session: metadata, events (SDP, candidates,
/// errors), configurations, URLs, and every text stats value.
pub fn mask_session(s: &mut Session) {
    s.metadata.values_mut().for_each(mask_value);
    if let Some(ua) = &s.user_agent {
        s.user_agent = Some(mask_text(ua));
    }
    for e in &mut s.client_events {
        mask_value(&mut e.value);
        e.extras.iter_mut().for_each(mask_value);
    }
    for g in &mut s.get_user_media {
        mask_value(&mut g.constraints);
    }
    for pc in &mut s.peer_connections {
        pc.url = pc.url.as_deref().map(mask_text);
        if let Some(c) = pc.configuration.as_mut() {
            mask_value(c);
        }
        pc.configuration_text = pc.configuration_text.as_deref().map(mask_text);
        for e in &mut pc.events {
            mask_value(&mut e.value);
            e.extras.iter_mut().for_each(mask_value);
        }
        // Stats ids can embed addresses (legacy `Cand-…`, `Conn-…` are opaque;
        // old internals candidate ids are not addresses), but text values do.
    }
    // Two texts can mask to the same one (two host candidates): symbols
    // are positions, so the columns are remapped to the new interner.
    let (strings, map) = s.strings.map_strings(mask_text);
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
    for d in &mut s.diagnostics {
        d.message = mask_text(&d.message);
    }
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
        let fp = "a=fingerprint:sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
        assert_eq!(mask_text(fp), fp);
        assert_eq!(mask_text("at 12:30:45"), "at 12:30:45");
        assert_eq!(mask_text("999.1.1.1 1.2.3"), "999.1.1.1 1.2.3");
    }
}
