//! A redacted copy of a dump, in the dump's own format, to hand on
//! without leaking whose call it was (`rtcview redact`).
//!
//! The copy is made line by line over the raw text, never through the
//! session model: what is not a secret stays byte for byte, so the copy
//! opens in rtcview and in every other importer of the input's format, and
//! gives the same summary except for what was redacted. Memory is bounded
//! by the longest line (a longer run without a newline is cut between two
//! JSON values), so a gigabyte streams through.
//!
//! Each line goes through three passes:
//! 1. [`secrets`]: credentials, ICE ufrag/pwd, DTLS fingerprints,
//!    certificates, device and track labels, URL queries and fragments;
//! 2. [`addresses`]: every IP address, documentation addresses included
//!    (so that no two addresses become one), replaced consistently;
//! 3. a guard: whatever still spells an address that is not a
//!    documentation address (two replacements that touch, say) is
//!    replaced again, and counted, so that the copy never holds one.
//!
//! The rules are written down in docs/redaction.md.

pub mod addresses;
pub mod secrets;

use addresses::{Addresses, Keep};
use secrets::{Counts, Secrets};
use serde_json::Value;

/// A line longer than this is cut between two JSON values (after a `",`
/// outside any string escape), to bound memory on a dump written without
/// newlines.
const MAX_LINE: usize = 8 << 20;

/// Guard rounds before a run whose replacements keep touching is masked
/// whole.
const GUARD_ROUNDS: usize = 4;

/// What `redact` leaves.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Keep addresses on private, shared, link-local and loopback ranges
    /// ([`addresses::is_private`]).
    pub keep_private: bool,
}

/// What a redaction replaced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Distinct addresses replaced.
    pub addresses: usize,
    /// Partial or unparsable spellings masked as `x.x.x.x`.
    pub masked: usize,
    /// Spellings the guard pass had to replace.
    pub guarded: usize,
    pub secrets: Counts,
    pub bytes_in: u64,
    pub lines: u64,
}

/// A streaming redactor: [`Redactor::push`] bytes as they come, then
/// [`Redactor::finish`].
pub struct Redactor {
    options: Options,
    addresses: Addresses,
    secrets: Secrets,
    /// Bytes of an unfinished line.
    pending: Vec<u8>,
    /// Scratch for the passes.
    first_pass: Vec<u8>,
    second_pass: Vec<u8>,
    guarded: usize,
    bytes_in: u64,
    lines: u64,
    started: bool,
}

impl Redactor {
    pub fn new(options: Options) -> Self {
        Redactor {
            options,
            addresses: Addresses::default(),
            secrets: Secrets::default(),
            pending: Vec::new(),
            first_pass: Vec::new(),
            second_pass: Vec::new(),
            guarded: 0,
            bytes_in: 0,
            lines: 0,
            started: false,
        }
    }

    /// Bytes taken so far.
    pub fn bytes_in(&self) -> u64 {
        self.bytes_in
    }

    /// Takes `bytes`; appends the redacted text of every line they end.
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<u8>) {
        self.bytes_in += bytes.len() as u64;
        self.pending.extend_from_slice(bytes);
        let mut done = 0;
        loop {
            let rest = self.pending.get(done..).unwrap_or_default();
            let end = match rest.iter().position(|&c| c == b'\n') {
                Some(nl) => done + nl + 1,
                None if rest.len() > MAX_LINE => done + cut(rest),
                None => break,
            };
            let line = std::mem::take(&mut self.pending);
            self.line(line.get(done..end).unwrap_or_default(), out);
            self.pending = line;
            done = end;
        }
        self.pending.drain(..done);
    }

    /// Redacts what is left (a last line without a newline).
    pub fn finish(mut self, out: &mut Vec<u8>) -> Report {
        let rest = std::mem::take(&mut self.pending);
        if !rest.is_empty() {
            self.line(&rest, out);
        }
        Report {
            addresses: self.addresses.distinct(),
            masked: self.addresses.masked,
            guarded: self.guarded,
            secrets: self.secrets.counts(),
            bytes_in: self.bytes_in,
            lines: self.lines,
        }
    }

    fn line(&mut self, line: &[u8], out: &mut Vec<u8>) {
        if !self.started {
            self.started = true;
            // rtcstats fileFormat 3 names stats properties by number.
            self.secrets.numeric_keys = line.starts_with(b"RTCStatsDump");
        }
        self.lines += 1;
        let mut first = std::mem::take(&mut self.first_pass);
        let mut second = std::mem::take(&mut self.second_pass);
        first.clear();
        second.clear();
        match positional_labels(line, &mut self.secrets) {
            Some(relabelled) => self.secrets.rewrite(&relabelled, &mut first),
            None => self.secrets.rewrite(line, &mut first),
        }
        let keep = Keep {
            private: self.options.keep_private,
            documentation: false,
        };
        self.addresses.rewrite(&first, keep, &mut second);
        let guard = Keep {
            documentation: true,
            ..keep
        };
        // Replacements that touch can spell a new address between them
        // (`1.2.3.4:5::6`); each guard round replaces those, and a text
        // that still holds one after a few rounds loses its whole run.
        let mut text = second;
        for _ in 0..GUARD_ROUNDS {
            first.clear();
            let n = self.addresses.rewrite(&text, guard, &mut first);
            if n == 0 {
                out.extend_from_slice(&text);
                self.first_pass = first;
                self.second_pass = text;
                return;
            }
            self.guarded += n;
            std::mem::swap(&mut text, &mut first);
        }
        self.addresses.mask_runs(&text, guard, out);
        self.first_pass = first;
        self.second_pass = text;
    }
}

/// Where to cut a line longer than [`MAX_LINE`]: after the last `",`
/// whose quote is not escaped (between two JSON values), else at the
/// last byte that is no part of an address or a word.
fn cut(text: &[u8]) -> usize {
    let window = text.get(..MAX_LINE).unwrap_or(text);
    let between_values = window.windows(2).rposition(|w| w == b"\",").filter(|&q| {
        let backslashes = window
            .get(..q)
            .unwrap_or_default()
            .iter()
            .rev()
            .take_while(|&&c| c == b'\\')
            .count();
        backslashes % 2 == 0
    });
    if let Some(q) = between_values {
        return q + 2;
    }
    window
        .iter()
        .rposition(|&c| !c.is_ascii_alphanumeric() && !matches!(c, b':' | b'.' | b'-' | b'_'))
        .map_or(window.len(), |p| p + 1)
        .max(1)
}

/// Track and device labels found by position: the third element of the
/// `[kind, trackId, label, streamId…]` arrays of rtcstats' track events
/// (docs/formats.md, `addTrack`, `ontrack`, `…OnSuccess`). Returns the
/// line with them replaced, or `None` when it has none.
fn positional_labels(line: &[u8], secrets: &mut Secrets) -> Option<Vec<u8>> {
    let has = |kind: &[u8]| line.windows(kind.len()).any(|w| w == kind);
    if !has(b"[\"audio\",\"") && !has(b"[\"video\",\"") {
        return None;
    }
    let text = std::str::from_utf8(line).ok()?;
    let value: Value = serde_json::from_str(text.trim_end()).ok()?;
    let mut found = Vec::new();
    collect_labels(&value, &mut found);
    if found.is_empty() {
        return None;
    }
    let mut out = line.to_vec();
    for (track, label) in found {
        let (Ok(track), Ok(label)) = (serde_json::to_string(&track), serde_json::to_string(&label))
        else {
            continue;
        };
        let needle = format!("{track},{label}");
        let replacement = format!("{track},");
        let mut next = Vec::with_capacity(out.len());
        let mut rest = out.as_slice();
        while let Some(at) = find(rest, needle.as_bytes()) {
            next.extend_from_slice(rest.get(..at).unwrap_or_default());
            next.extend_from_slice(replacement.as_bytes());
            next.extend_from_slice(&secrets.label_literal(label.as_bytes()));
            rest = rest.get(at + needle.len()..).unwrap_or_default();
        }
        next.extend_from_slice(rest);
        out = next;
    }
    Some(out)
}

fn collect_labels(v: &Value, found: &mut Vec<(String, String)>) {
    match v {
        Value::Array(items) => {
            if let [Value::String(kind), Value::String(track), Value::String(label), ..] =
                items.as_slice()
            {
                if (kind == "audio" || kind == "video") && !label.is_empty() {
                    found.push((track.clone(), label.clone()));
                }
            }
            items.iter().for_each(|i| collect_labels(i, found));
        }
        Value::Object(map) => map.values().for_each(|i| collect_labels(i, found)),
        _ => {}
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Redacts a whole dump held in memory (the tests'; the command line
/// streams through [`Redactor`]).
pub fn redact(bytes: &[u8], options: Options) -> (Vec<u8>, Report) {
    let mut r = Redactor::new(options);
    let mut out = Vec::with_capacity(bytes.len());
    r.push(bytes, &mut out);
    let report = r.finish(&mut out);
    (out, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_across_pushes_redact_as_one() {
        let text = b"[\"addTrack\",\"PC_0\",[\"audio\",\"t1\",\"Jabra Mic\",\"s1\"],1]\n{\"address\":\"10.0.0.1\"}\n";
        let (whole, report) = redact(text, Options::default());
        let mut r = Redactor::new(Options::default());
        let mut pieces = Vec::new();
        for chunk in text.chunks(3) {
            r.push(chunk, &mut pieces);
        }
        r.finish(&mut pieces);
        assert_eq!(whole, pieces);
        assert_eq!(
            String::from_utf8_lossy(&whole),
            "[\"addTrack\",\"PC_0\",[\"audio\",\"t1\",\"redacted label 1\",\"s1\"],1]\n{\"address\":\"192.0.2.1\"}\n"
        );
        assert_eq!(report.lines, 2);
        assert_eq!(report.addresses, 1);
        assert_eq!(report.secrets.labels, 1);
    }

    #[test]
    fn touching_replacements_are_guarded() {
        // A v6 address whose replacement would touch a following hex word.
        let (out, _) = redact(b"10.0.0.1:5000 and fe80::1:abcd", Options::default());
        assert!(addresses::leaks(&out, false).is_empty(), "{out:?}");
    }

    #[test]
    fn long_lines_are_cut_between_values() {
        let text = [&b"[\""[..], &[b'a'; 10], b"\",\"10.1.1.1\"]"].concat();
        assert_eq!(cut(&text), 14);
        assert_eq!(cut(b"abc def"), 4);
        assert_eq!(cut(b"abcdef"), 6);
    }
}
