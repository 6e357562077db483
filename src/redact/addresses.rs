//! Addresses in a redacted dump: every IP address replaced by a
//! documentation address (RFC 5737, RFC 3849), the same replacement every
//! time the same address recurs, so a redacted call still reads right
//! (which candidate is whose, which pair was selected, when the relay
//! changed).
//!
//! What spells an address is decided by the embed mask's scanner
//! (`embed::mask::spells_address`, held to std's parsers by a test), so
//! that redaction and masking agree on what an address is.

use crate::embed::mask::{dotted_quad, is_address_byte, spells_address, LONGEST_ADDRESS};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The three IPv4 documentation networks (RFC 5737), in the order their
/// addresses are handed out.
const V4_POOLS: [[u8; 3]; 3] = [[192, 0, 2], [198, 51, 100], [203, 0, 113]];

/// Hosts per pool (`.1` to `.254`): 762 IPv4 replacements; later ones are
/// IPv6 documentation addresses in `2001:db8:4::/48`.
const HOSTS_PER_POOL: u32 = 254;

/// A dotted quad right after one of these is a product's version
/// (`Chrome/120.0.0.0`, the reduced user agent; `"version":"120.0.0.0"`
/// in `userAgentData`), which support needs and which is no one's address.
const VERSION_AFTER: [&str; 23] = [
    "Chrome/",
    "Chromium/",
    "HeadlessChrome/",
    "CriOS/",
    "Edg/",
    "EdgA/",
    "EdgiOS/",
    "OPR/",
    "Electron/",
    "Firefox/",
    "FxiOS/",
    "Version/",
    "Safari/",
    "AppleWebKit/",
    "YaBrowser/",
    "SamsungBrowser/",
    "\"version\":\"",
    "\"version\": \"",
    "\"fullVersion\":\"",
    "\"fullVersion\": \"",
    "\"uaFullVersion\":\"",
    "\"uaFullVersion\": \"",
    "\\\"version\\\":\\\"",
];

/// What an address is spelled as, parsed: dotted quads may have leading
/// zeros (`010.0.0.1`), also as the tail of an IPv6 address, which std's
/// parsers refuse.
pub fn parse(s: &str) -> Option<IpAddr> {
    if dotted_quad(s) {
        let mut octets = [0u8; 4];
        for (slot, part) in octets.iter_mut().zip(s.split('.')) {
            *slot = part.parse().ok()?;
        }
        return Some(IpAddr::V4(Ipv4Addr::from(octets)));
    }
    if let Ok(v6) = s.parse::<Ipv6Addr>() {
        return Some(IpAddr::V6(v6));
    }
    let at = s.rfind(':')?;
    let (head, quad) = s.split_at(at + 1);
    match parse(quad)? {
        IpAddr::V4(v4) => format!("{head}{v4}").parse().ok().map(IpAddr::V6),
        IpAddr::V6(_) => None,
    }
}

/// RFC 5737 and RFC 3849: the addresses a redacted dump may show.
pub fn is_documentation(a: IpAddr) -> bool {
    match a {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            V4_POOLS.iter().any(|p| o.starts_with(p))
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            s.first() == Some(&0x2001) && s.get(1) == Some(&0x0db8)
        }
    }
}

/// Private, shared, link-local and loopback ranges (RFC 1918, RFC 6598,
/// RFC 3927, RFC 4193, RFC 4291): kept with `--keep-private`, since they
/// identify no one outside the network and tell the network team which
/// interface was used.
pub fn is_private(a: IpAddr) -> bool {
    match a {
        IpAddr::V4(v4) => {
            let [first, second, ..] = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || (first == 100 && (64..128).contains(&second))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let first = v6.segments().first().copied().unwrap_or(0);
            v6.is_loopback() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
    }
}

/// Which addresses a pass leaves as they are.
#[derive(Clone, Copy, Debug)]
pub struct Keep {
    /// Private ranges ([`is_private`]).
    pub private: bool,
    /// Documentation addresses: the first pass replaces them too (so that
    /// no two addresses end up as one), the guard pass and the checker
    /// accept them.
    pub documentation: bool,
}

impl Keep {
    /// Whether the address spelled at `text[at..at + len]` stays.
    fn keeps(&self, text: &[u8], at: usize, a: IpAddr) -> bool {
        if a.is_unspecified() {
            // `0.0.0.0` and `::` say "no address" (SDP's `c=IN IP4 0.0.0.0`).
            return true;
        }
        if self.private && is_private(a) {
            return true;
        }
        if self.documentation && is_documentation(a) {
            return true;
        }
        a.is_ipv4() && {
            let before = text.get(..at).unwrap_or_default();
            VERSION_AFTER.iter().any(|t| before.ends_with(t.as_bytes()))
        }
    }
}

/// The consistent map from addresses to their replacements.
#[derive(Default)]
pub struct Addresses {
    map: HashMap<IpAddr, IpAddr>,
    next_v4: u32,
    next_v6: u32,
    /// Spellings that could not be parsed or were partial (`10.1.2.x`),
    /// replaced by `x.x.x.x`.
    pub masked: usize,
}

impl Addresses {
    /// Distinct addresses replaced so far.
    pub fn distinct(&self) -> usize {
        self.map.len()
    }

    fn replacement(&mut self, a: IpAddr) -> IpAddr {
        if let Some(r) = self.map.get(&a) {
            return *r;
        }
        let r = match a {
            IpAddr::V4(_) if self.next_v4 < HOSTS_PER_POOL * V4_POOLS.len() as u32 => {
                let k = self.next_v4;
                self.next_v4 += 1;
                let pool = V4_POOLS
                    .get((k / HOSTS_PER_POOL) as usize)
                    .copied()
                    .unwrap_or([192, 0, 2]);
                let [a, b, c] = pool;
                IpAddr::V4(Ipv4Addr::new(a, b, c, (k % HOSTS_PER_POOL + 1) as u8))
            }
            IpAddr::V4(_) => {
                let k = self.next_v4;
                self.next_v4 += 1;
                IpAddr::V6(Ipv6Addr::new(
                    0x2001,
                    0xdb8,
                    4,
                    0,
                    0,
                    0,
                    (k >> 16) as u16,
                    k as u16,
                ))
            }
            IpAddr::V6(_) => {
                self.next_v6 += 1;
                let k = self.next_v6;
                IpAddr::V6(Ipv6Addr::new(
                    0x2001,
                    0xdb8,
                    0,
                    0,
                    0,
                    0,
                    (k >> 16) as u16,
                    k as u16,
                ))
            }
        };
        self.map.insert(a, r);
        r
    }

    /// Appends `text` to `out` with every address that `keep` does not
    /// keep replaced; returns how many were replaced. At each position of
    /// a run of address bytes the longest spelling (at most
    /// [`LONGEST_ADDRESS`] bytes) is taken, as the mask does, and the scan
    /// goes on after it. A partially obfuscated IPv4 (`129.146.173.x`, as
    /// some servers write them) loses its three octets too.
    pub fn rewrite(&mut self, text: &[u8], keep: Keep, out: &mut Vec<u8>) -> usize {
        let mut replaced = 0;
        let mut copied = 0;
        let mut i = 0;
        while i < text.len() {
            if !text.get(i).copied().is_some_and(is_address_byte) {
                i += 1;
                continue;
            }
            let start = i;
            let mut end = i;
            while text.get(end).copied().is_some_and(is_address_byte) {
                end += 1;
            }
            i = end;
            let run = text.get(start..end).unwrap_or_default();
            let dots = run.iter().filter(|&&c| c == b'.').count();
            let colons = run.iter().filter(|&&c| c == b':').count();
            // Every address has three `.` or two `:`; most runs (numbers,
            // hex ids, times) have neither and are passed over at once.
            if dots < 3 && colons < 2 {
                continue;
            }
            let partial = partial_v4(text, start, end);
            let scan_end = partial.unwrap_or(end);
            let mut j = start;
            while j < scan_end {
                let window_end = scan_end.min(j + LONGEST_ADDRESS);
                let found = (2..=window_end - j).rev().find_map(|n| {
                    let s = std::str::from_utf8(text.get(j..j + n)?).ok()?;
                    spells_address(s).then_some((n, s))
                });
                let Some((n, spelled)) = found else {
                    j += 1;
                    continue;
                };
                let parsed = parse(spelled);
                if parsed.is_some_and(|a| keep.keeps(text, j, a)) {
                    j += n;
                    continue;
                }
                out.extend_from_slice(text.get(copied..j).unwrap_or_default());
                match parsed {
                    Some(a) => {
                        let r = self.replacement(a);
                        out.extend_from_slice(r.to_string().as_bytes());
                    }
                    None => {
                        self.masked += 1;
                        out.extend_from_slice(b"x.x.x.x");
                    }
                }
                replaced += 1;
                j += n;
                copied = j;
            }
            if let Some(p) = partial {
                out.extend_from_slice(text.get(copied..p).unwrap_or_default());
                out.extend_from_slice(b"x.x.x.");
                self.masked += 1;
                replaced += 1;
                copied = end;
            }
        }
        out.extend_from_slice(text.get(copied..).unwrap_or_default());
        replaced
    }
}

impl Addresses {
    /// Appends `text` to `out` with every run of address bytes that still
    /// spells an address `keep` does not keep replaced whole by
    /// `x.x.x.x`: the last resort of the guard.
    pub fn mask_runs(&mut self, text: &[u8], keep: Keep, out: &mut Vec<u8>) {
        let mut i = 0;
        while i < text.len() {
            let start = i;
            let address_byte = text.get(i).copied().is_some_and(is_address_byte);
            while i < text.len()
                && text.get(i).copied().is_some_and(is_address_byte) == address_byte
            {
                i += 1;
            }
            let run = text.get(start..i).unwrap_or_default();
            let mut probe = Addresses::default();
            let mut scratch = Vec::new();
            if address_byte && probe.rewrite(run, keep, &mut scratch) > 0 {
                self.masked += 1;
                out.extend_from_slice(b"x.x.x.x");
            } else {
                out.extend_from_slice(run);
            }
        }
    }
}

/// Where a partially obfuscated IPv4 address starts in the run
/// `text[start..end]`: the run ends in three octets and a `.`, and an `x`
/// or `*` follows that ends the word (`10.45.65.x`).
fn partial_v4(text: &[u8], start: usize, end: usize) -> Option<usize> {
    let run = text.get(start..end)?;
    let body = run.strip_suffix(b".")?;
    if !matches!(text.get(end), Some(b'x' | b'X' | b'*'))
        || text.get(end + 1).is_some_and(u8::is_ascii_alphanumeric)
    {
        return None;
    }
    let mut dots_seen = 0;
    let mut at = body.len();
    while at > 0 {
        let c = *body.get(at - 1)?;
        if c == b'.' {
            dots_seen += 1;
            if dots_seen == 3 {
                break;
            }
        } else if !c.is_ascii_digit() {
            break;
        }
        at -= 1;
    }
    let octets = std::str::from_utf8(body.get(at..)?).ok()?;
    let parts: Vec<&str> = octets.split('.').collect();
    let ok = parts.len() == 3
        && parts
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.parse::<u16>().is_ok_and(|n| n <= 255));
    ok.then_some(start + at)
}

/// Every address spelled in `text` that a redacted dump must not hold:
/// what [`Addresses::rewrite`] would still replace with documentation
/// addresses and `keep` accepted.
pub fn leaks(text: &[u8], keep_private: bool) -> Vec<String> {
    let mut probe = Addresses::default();
    let mut out = Vec::new();
    let keep = Keep {
        private: keep_private,
        documentation: true,
    };
    if probe.rewrite(text, keep, &mut out) == 0 {
        return Vec::new();
    }
    let mut found: Vec<String> = probe.map.keys().map(ToString::to_string).collect();
    if probe.masked > 0 {
        found.push(format!("{} partial or unparsed spellings", probe.masked));
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, keep_private: bool) -> (String, Addresses) {
        let mut a = Addresses::default();
        let mut out = Vec::new();
        a.rewrite(
            text.as_bytes(),
            Keep {
                private: keep_private,
                documentation: false,
            },
            &mut out,
        );
        (String::from_utf8(out).unwrap_or_default(), a)
    }

    #[test]
    fn the_same_address_gets_the_same_replacement() {
        let (out, a) = run(
            "candidate:1 1 udp 2122 10.1.2.3 5000 typ host; raddr 10.1.2.3, relay 203.0.113.9 and [2a00:1450::5]:443 then 010.001.002.003",
            false,
        );
        assert_eq!(
            out,
            "candidate:1 1 udp 2122 192.0.2.1 5000 typ host; raddr 192.0.2.1, relay 192.0.2.2 and [2001:db8::1]:443 then 192.0.2.1"
        );
        assert_eq!(a.distinct(), 3);
    }

    #[test]
    fn kept_spellings() {
        let (out, _) = run(
            "c=IN IP4 0.0.0.0 :: Chrome/120.0.0.0 Safari/537.36 192.168.1.7 fe80::1",
            true,
        );
        assert_eq!(
            out,
            "c=IN IP4 0.0.0.0 :: Chrome/120.0.0.0 Safari/537.36 192.168.1.7 fe80::1"
        );
        let (out, _) = run("192.168.1.7 fe80::1 ::ffff:10.0.0.1 127.0.0.1", false);
        assert_eq!(out, "192.0.2.1 2001:db8::1 2001:db8::2 192.0.2.2");
    }

    #[test]
    fn partial_addresses_lose_their_octets() {
        let (out, _) = run(
            "\"address\":\"129.146.173.x\", 10.45.65.*; v1.2.3.xyz",
            false,
        );
        assert_eq!(out, "\"address\":\"x.x.x.x\", x.x.x.*; v1.2.3.xyz");
    }

    #[test]
    fn the_pools_overflow_into_ipv6() {
        let mut text = String::new();
        for k in 0..800u32 {
            text.push_str(&format!("10.0.{}.{} ", k / 256, k % 256));
        }
        let (out, a) = run(&text, false);
        assert_eq!(a.distinct(), 800);
        assert!(out.starts_with("192.0.2.1 192.0.2.2 "), "{}", &out[..40]);
        assert!(out.contains("203.0.113.254 2001:db8:4::2fa "), "{out}");
        assert!(leaks(out.as_bytes(), false).is_empty());
    }
}
