//! Recovering the readable part of a damaged JSON document.
//!
//! webrtc-internals dumps are one big JSON document, so a download cut short
//! or a corrupted byte makes the whole file invalid. To still show what was
//! read, we cut the text back to the last complete member before the damage
//! and close every bracket that is still open.
//!
//! The candidates are built one at a time, on demand: each is a copy of up
//! to the whole document, and a 300 MB dump tried eight ways at once was
//! 2.4 GB (issue 14). Finding them costs two passes over the text and no
//! allocation per member, whatever the nesting depth.

/// The deepest repair worth building: serde_json refuses documents nested
/// 128 deep or more, so a cut inside such nesting cannot parse.
pub const MAX_REPAIR_DEPTH: usize = 128;

/// Walks `text[..end]` outside strings, telling `f` each bracket and comma:
/// `(offset, byte)`.
fn walk(text: &[u8], end: usize, mut f: impl FnMut(usize, u8)) {
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in text.iter().enumerate().take(end) {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' | b'}' | b']' | b',' => f(i, b),
            _ => {}
        }
    }
}

/// Candidate repairs of `text` damaged at byte `error_at`, best (longest)
/// first, at most `max_candidates`, built lazily. Each is the text up to a
/// separator before the damage (a `,` outside strings, or right after an
/// opening bracket), with the brackets still open there closed. Cuts nested
/// as deep as [`MAX_REPAIR_DEPTH`] or deeper are skipped.
pub fn repaired_prefixes(
    text: &[u8],
    error_at: usize,
    max_candidates: usize,
) -> impl Iterator<Item = Vec<u8>> + '_ {
    let keep = max_candidates.max(1);
    let end = error_at.min(text.len());
    // Pass 1: the last `keep` cut points shallow enough to parse, and only
    // their offsets (a ring, no allocation per member).
    let mut cuts: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
    let mut depth = 0usize;
    walk(text, end, |i, b| {
        let at = match b {
            b'{' | b'[' => {
                depth += 1;
                i + 1
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                return;
            }
            _ => i,
        };
        if depth < MAX_REPAIR_DEPTH {
            if cuts.len() == keep {
                cuts.pop_front();
            }
            cuts.push_back(at);
        }
    });
    // Pass 2: the open brackets at each of those cuts (bounded by the
    // depth limit, so at most `keep` × 128 bytes).
    let mut stacks: Vec<(usize, Vec<u8>)> = Vec::with_capacity(cuts.len());
    let mut stack: Vec<u8> = Vec::new();
    let mut next = cuts.iter().copied().peekable();
    let last = cuts.back().copied().unwrap_or(0);
    walk(text, last.min(end), |i, b| {
        // A comma's cut sees the stack as it is; the cut after an opening
        // bracket sees it with that bracket.
        match b {
            b'{' | b'[' => stack.push(b),
            b'}' | b']' => {
                stack.pop();
                return;
            }
            _ => {}
        }
        let at = if b == b',' { i } else { i + 1 };
        while next.peek() == Some(&at) {
            next.next();
            stacks.push((at, stack.clone()));
        }
    });
    // A comma cut at `last` itself lies past the walk: the stack is final.
    for at in next {
        stacks.push((at, stack.clone()));
    }
    stacks.into_iter().rev().map(move |(at, open)| {
        let mut out = Vec::with_capacity(at + open.len());
        out.extend_from_slice(text.get(..at).unwrap_or_default());
        out.extend(
            open.iter()
                .rev()
                .map(|&b| if b == b'{' { b'}' } else { b']' }),
        );
        out
    })
}

/// 1-based line number of byte offset `at`.
pub fn line_of(text: &[u8], at: usize) -> usize {
    text.iter().take(at).filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closes_open_brackets() {
        let t = br#"{"a": [1, 2, {"b": "x,y"}, 3], "c": {"d": 4, "e": "tru"#;
        let fixes: Vec<_> = repaired_prefixes(t, t.len(), 4).collect();
        let first = fixes.first().cloned().unwrap_or_default();
        let v: serde_json::Value = serde_json::from_slice(&first).unwrap_or_default();
        assert_eq!(v["c"]["d"], 4);
        assert_eq!(v["a"][3], 3);
        // Best first, each a valid document, at most 4.
        assert_eq!(fixes.len(), 4);
        for f in &fixes {
            assert!(
                serde_json::from_slice::<serde_json::Value>(f).is_ok(),
                "{}",
                String::from_utf8_lossy(f)
            );
        }
        assert!(fixes.windows(2).all(|w| w[0].len() > w[1].len()));
    }

    #[test]
    fn a_cut_right_after_an_opening_bracket() {
        let t = br#"{"a": {"#;
        let fixes: Vec<_> = repaired_prefixes(t, t.len(), 8).collect();
        assert_eq!(fixes.first().map(Vec::as_slice), Some(&br#"{"a": {}}"#[..]));
        assert_eq!(fixes.get(1).map(Vec::as_slice), Some(&b"{}"[..]));
    }

    /// Nesting 10⁴ deep with many members: cuts that deep are skipped
    /// (serde could not parse them), and finding the rest stays linear.
    #[test]
    fn deep_nesting_is_cheap_and_skipped() {
        let mut t = b"{\"a\": [1, 2, ".to_vec();
        t.extend(std::iter::repeat_n(b'[', 10_000));
        t.extend(std::iter::repeat_n(b"1,".as_slice(), 100_000).flatten());
        let fixes: Vec<_> = repaired_prefixes(&t, t.len(), 8).collect();
        assert!(!fixes.is_empty());
        for f in &fixes {
            let v: serde_json::Value = serde_json::from_slice(f).expect("parses");
            assert!(v["a"].is_array());
        }
    }
}
