//! Recovering the readable part of a damaged JSON document.
//!
//! webrtc-internals dumps are one big JSON document, so a download cut short
//! or a corrupted byte makes the whole file invalid. To still show what was
//! read, we cut the text back to the last complete member before the damage
//! and close every bracket that is still open.

/// Candidate repairs of `text` damaged at byte `error_at`, best (longest)
/// first. Each is the text up to a separator before the damage, with the open
/// brackets closed.
pub fn repaired_prefixes(text: &[u8], error_at: usize, max_candidates: usize) -> Vec<Vec<u8>> {
    // Cut points: byte offsets of ',' outside strings, with the stack of open
    // brackets at that point; plus offsets right after an opening bracket.
    let mut stack: Vec<u8> = Vec::new();
    let mut cuts: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let end = error_at.min(text.len());
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
            b'{' | b'[' => {
                stack.push(b);
                remember(&mut cuts, i + 1, &stack, max_candidates);
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => remember(&mut cuts, i, &stack, max_candidates),
            _ => {}
        }
    }
    cuts.iter()
        .rev()
        .map(|(at, open)| {
            let mut out = text.get(..*at).unwrap_or_default().to_vec();
            for &b in open.iter().rev() {
                out.push(if b == b'{' { b'}' } else { b']' });
            }
            out
        })
        .collect()
}

fn remember(cuts: &mut Vec<(usize, Vec<u8>)>, at: usize, stack: &[u8], keep: usize) {
    if cuts.len() >= keep.max(1) * 4 {
        cuts.drain(..cuts.len() - keep.max(1));
    }
    cuts.push((at, stack.to_vec()));
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
        let fixes = repaired_prefixes(t, t.len(), 4);
        let first = fixes.first().cloned().unwrap_or_default();
        let v: serde_json::Value = serde_json::from_slice(&first).unwrap_or_default();
        assert_eq!(v["c"]["d"], 4);
        assert_eq!(v["a"][3], 3);
    }
}
