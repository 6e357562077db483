//! SDP de-duplication of fileFormat 3 (formats.md 2.5): a section identical to
//! the same section of the previous description is sent as a bare `v=`
//! (session part) or `m=` (media section). We keep the last full local and
//! remote description per connection and put the sections back.

/// Splits an SDP into its session part and media sections (each a list of lines).
fn sections(sdp: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = vec![Vec::new()];
    for line in sdp.split("\r\n").flat_map(|l| l.split('\n')) {
        if line.is_empty() {
            continue;
        }
        if line.starts_with("m=") {
            out.push(Vec::new());
        }
        if let Some(last) = out.last_mut() {
            last.push(line);
        }
    }
    out
}

/// True when `sdp` has at least one compressed section marker.
pub fn is_compressed(sdp: &str) -> bool {
    sections(sdp)
        .iter()
        .any(|s| matches!(s.as_slice(), ["v="] | ["m="]))
}

/// Expands the `v=`/`m=` markers of `sdp` from `base`. Returns the expanded
/// SDP and the number of markers that had nothing to expand from.
pub fn expand(sdp: &str, base: Option<&str>) -> (String, usize) {
    let base_sections = base.map(sections).unwrap_or_default();
    let mut missing = 0;
    let mut out = String::with_capacity(sdp.len() * 2);
    for (i, s) in sections(sdp).iter().enumerate() {
        let lines: &[&str] = match s.as_slice() {
            ["v="] | ["m="] => match base_sections.get(i) {
                Some(b) => b,
                None => {
                    missing += 1;
                    s
                }
            },
            _ => s,
        };
        for l in lines {
            out.push_str(l);
            out.push_str("\r\n");
        }
    }
    (out, missing)
}

/// Compresses `sdp` against `base` like rtcstats-js (for the test encoder
/// and the dump generator).
pub fn compress(sdp: &str, base: Option<&str>) -> String {
    let Some(base) = base else {
        return sdp.to_string();
    };
    if sdp.is_empty() || base.is_empty() {
        return sdp.to_string();
    }
    let b = sections(base);
    let mut parts = Vec::new();
    for (i, s) in sections(sdp).iter().enumerate() {
        if b.get(i) == Some(s) {
            parts.push(if i == 0 {
                "v=".to_string()
            } else {
                "m=".to_string()
            });
        } else {
            parts.push(s.join("\r\n"));
        }
    }
    parts.join("\r\n") + "\r\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 UDP 111\r\na=mid:0\r\nm=video 9 UDP 96\r\na=mid:1\r\n";
    const B: &str = "v=0\r\no=- 1 3 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 UDP 111\r\na=mid:0\r\nm=video 9 UDP 96\r\na=mid:1\r\na=inactive\r\n";

    #[test]
    fn round_trip() {
        let c = compress(B, Some(A));
        assert_eq!(c, "v=0\r\no=- 1 3 IN IP4 127.0.0.1\r\ns=-\r\nm=\r\nm=video 9 UDP 96\r\na=mid:1\r\na=inactive\r\n");
        assert!(is_compressed(&c));
        assert_eq!(expand(&c, Some(A)), (B.to_string(), 0));
        assert_eq!(expand(&c, None).1, 1);
    }
}
