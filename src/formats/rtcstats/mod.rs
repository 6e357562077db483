//! rtcstats dumps: fileFormat 3 (rtcstats-js and Chrome's own writer), the
//! jitsi dialect, fippo fileFormat 1/2 and v0 (see `docs/formats-support.md`).
//!
//! Line-oriented dialects are read line by line, so a damaged line costs that
//! line only: it becomes a diagnostic and the import goes on.

pub mod delta;
pub mod encode;
pub mod handler;
pub mod line;
pub mod sdp;
pub mod tables;
pub mod v0;

use crate::error::{ImportError, Kind, Location, Severity};
use crate::formats::Sniffed;
use crate::json::text::as_f64;
use crate::model::Session;
use handler::{Handler, StatsEncoding};
use serde_json::Value;

enum Layout {
    /// fileFormat 3: time is the last element, a delta to the previous line.
    V3,
    /// jitsi / fippo: time is element 3, absolute.
    Absolute,
}

/// Imports a line-oriented rtcstats dump held in memory.
pub fn import_lines(data: &[u8], kind: Sniffed) -> Result<Session, ImportError> {
    let mut li = LineImporter::new(kind);
    li.push(data)?;
    li.finish()
}

/// The longest line an rtcstats dump may have: one getStats poll of a
/// large conference is a few MB; a longer line is damage or an attack.
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// A line-oriented rtcstats import fed in chunks of any size (the worker
/// pushes the file as it streams in, so the whole text is never held). A
/// line cut by a chunk boundary is carried over to the next push.
pub struct LineImporter {
    h: Handler,
    kind: Sniffed,
    layout: Layout,
    encoding: StatsEncoding,
    dialect: String,
    header_only_file_format: bool,
    running_ms: f64,
    header_lines: usize,
    events: usize,
    bad_lines: usize,
    /// Lines seen so far (1-based numbering, empty lines included).
    line_no: usize,
    /// The start of a line whose end has not arrived yet.
    carry: Vec<u8>,
    /// (entries, properties) of the last getStats payload: room made for
    /// the next one.
    stats_size: (usize, usize),
}

impl LineImporter {
    pub fn new(kind: Sniffed) -> Self {
        let mut li = LineImporter {
            h: Handler::new(""),
            kind,
            layout: Layout::Absolute,
            encoding: StatsEncoding::JitsiDelta,
            dialect: "jitsi".to_string(),
            header_only_file_format: false,
            running_ms: 0.0,
            header_lines: 0,
            events: 0,
            bad_lines: 0,
            line_no: 0,
            carry: Vec::new(),
            stats_size: (0, 0),
        };
        match kind {
            Sniffed::RtcstatsV3 => {
                li.layout = Layout::V3;
                li.encoding = StatsEncoding::V3Delta;
                li.dialect = "v3".into();
                li.header_lines = 2;
            }
            Sniffed::RtcstatsLegacyLines => {
                li.header_lines = 1;
                li.dialect = "v1".into();
                li.encoding = StatsEncoding::FippoDelta { iso_top_time: true };
            }
            _ => {}
        }
        li
    }

    /// Reads every complete line of `data` (after the carried start of the
    /// previous chunk's last line); keeps the incomplete tail for later.
    pub fn push(&mut self, data: &[u8]) -> Result<(), ImportError> {
        let mut rest = data;
        if !self.carry.is_empty() {
            let Some(i) = memchr::memchr(b'\n', rest) else {
                self.carry.extend_from_slice(rest);
                return self.check_line_length();
            };
            let mut line = std::mem::take(&mut self.carry);
            line.extend_from_slice(rest.get(..i).unwrap_or_default());
            let r = self.line(&line, false);
            line.clear();
            self.carry = line;
            r?;
            rest = rest.get(i + 1..).unwrap_or_default();
        }
        while let Some(i) = memchr::memchr(b'\n', rest) {
            self.line(rest.get(..i).unwrap_or_default(), false)?;
            rest = rest.get(i + 1..).unwrap_or_default();
        }
        self.carry.extend_from_slice(rest);
        self.check_line_length()
    }

    /// A line still unfinished after [`MAX_LINE_BYTES`] is not an rtcstats
    /// line: the import stops with `too_large` rather than buffer it.
    fn check_line_length(&self) -> Result<(), ImportError> {
        if self.carry.len() <= MAX_LINE_BYTES {
            return Ok(());
        }
        Err(ImportError::new(
            Kind::TooLarge,
            format!(
                "line {} is longer than {} MB: no rtcstats line is that long",
                self.line_no + 1,
                MAX_LINE_BYTES >> 20
            ),
        )
        .at(Location::line(self.line_no + 1)))
    }

    /// Reads the unterminated last line, if any, and builds the session.
    pub fn finish(mut self) -> Result<Session, ImportError> {
        if !self.carry.is_empty() {
            let last = std::mem::take(&mut self.carry);
            self.line(&last, true)?;
        }
        let kind = self.kind;
        let mut h = self.h;
        let mut dialect = self.dialect;
        let (events, bad_lines, header_lines) = (self.events, self.bad_lines, self.header_lines);
        if kind == Sniffed::RtcstatsV3 && !h.saw_codes && self.header_only_file_format {
            dialect = "v3-chrome".into();
        }
        h.b.set_dialect(&dialect);
        if events == 0 && bad_lines > 0 {
            return Err(ImportError::new(
                if kind == Sniffed::RtcstatsV3 {
                    Kind::Malformed
                } else {
                    Kind::Unrecognized
                },
                "not a WebRTC dump: no line could be read as an rtcstats event",
            ));
        }
        if events == 0 && kind == Sniffed::RtcstatsV3 && header_lines > 0 {
            h.b.diag(
                Severity::Info,
                Kind::Empty,
                "the dump has a header but no events",
                Location::default(),
            );
        }
        Ok(h.b.finish())
    }

    /// One line (without its `\n`); `unterminated` for a last line without one.
    fn line(&mut self, raw: &[u8], unterminated: bool) -> Result<(), ImportError> {
        self.line_no += 1;
        let line_no = self.line_no;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let text = raw.trim_ascii();
        if text.is_empty() {
            return Ok(());
        }
        if line_no <= self.header_lines {
            match (self.kind, line_no) {
                (Sniffed::RtcstatsV3, 1) => return Ok(()),
                (Sniffed::RtcstatsV3, _) | (Sniffed::RtcstatsLegacyLines, _) => {
                    let meta: Value = match serde_json::from_slice(text) {
                        Ok(Value::Object(o)) => Value::Object(o),
                        _ => {
                            return Err(ImportError::new(
                                Kind::Malformed,
                                "not a valid rtcstats dump: the metadata line after the header is not a JSON object",
                            )
                            .at(Location::line(line_no)))
                        }
                    };
                    if let Some(ua) = meta.get("userAgent").and_then(Value::as_str) {
                        self.h.b.set_user_agent(ua);
                    }
                    let ff = meta.get("fileFormat").and_then(as_f64);
                    if self.kind == Sniffed::RtcstatsLegacyLines && ff.is_some_and(|f| f >= 2.0) {
                        self.dialect = "v2".into();
                        self.encoding = StatsEncoding::FippoDelta {
                            iso_top_time: false,
                        };
                    }
                    self.header_only_file_format = meta
                        .as_object()
                        .is_some_and(|o| o.len() == 1 && o.contains_key("fileFormat"));
                    if let Some(note) = meta.get("rtcviewConversion") {
                        self.h.b.restore_conversion_note(note);
                    }
                    if let Value::Object(o) = meta {
                        // (The note is kept by restore_conversion_note,
                        // without the events it restored.)
                        for (k, v) in o.into_iter().filter(|(k, _)| k != "rtcviewConversion") {
                            self.h.b.set_metadata(&k, v);
                        }
                    }
                    return Ok(());
                }
                _ => {}
            }
        }
        // fileFormat 3 lines go through the flat parser (getStats payloads
        // without a Value tree); the legacy layouts are small and use Value.
        let parsed = match self.layout {
            Layout::V3 => line::parse_line_sized(text, self.stats_size).map(|l| {
                l.map(|l| {
                    if let line::Payload::Flat(st) = &l.payload {
                        self.stats_size = (st.members.len(), st.props.len());
                    }
                    (l.head, l.second, l.payload, l.rest)
                })
            }),
            Layout::Absolute => serde_json::from_slice::<Value>(text).and_then(|v| match v {
                Value::Array(mut items) if items.len() >= 3 => {
                    let rest = items.split_off(3);
                    let mut it = items.into_iter();
                    match (it.next(), it.next(), it.next()) {
                        (Some(m), Some(p), Some(v)) => {
                            Ok(Some((m, p, line::Payload::Value(v), rest)))
                        }
                        _ => Ok(None),
                    }
                }
                Value::Array(_) => Ok(None),
                _ => Err(serde::de::Error::custom("not an array")),
            }),
        };
        let (method_v, pc_v, payload, rest) = match parsed {
            Ok(Some(l)) => l,
            Ok(None) => {
                self.bad_lines += 1;
                self.h.b.warn(
                    Kind::Malformed,
                    "line has fewer than 3 elements; skipped",
                    Location::line(line_no),
                );
                return Ok(());
            }
            Err(e) if e.is_data() => {
                self.bad_lines += 1;
                self.h.b.warn(
                    Kind::Malformed,
                    "line is not a JSON array; skipped",
                    Location::line(line_no),
                );
                return Ok(());
            }
            Err(e) => {
                self.bad_lines += 1;
                if unterminated && e.is_eof() {
                    self.h.b.error(
                        Kind::Truncated,
                        format!("truncated at line {line_no}: showing what was read"),
                        Location::line(line_no),
                    );
                } else {
                    self.h.b.warn(
                        Kind::Malformed,
                        "line is not valid JSON; skipped",
                        Location::line(line_no),
                    );
                }
                return Ok(());
            }
        };
        let (t_ms, extras) = match self.layout {
            Layout::V3 => {
                let mut rest = rest;
                match rest.pop().as_ref().and_then(as_f64) {
                    Some(d) => {
                        self.running_ms += d;
                        (Some(self.running_ms), rest)
                    }
                    None => {
                        self.h.b.warn(
                            Kind::Malformed,
                            "line without a time delta",
                            Location::line(line_no),
                        );
                        (None, rest)
                    }
                }
            }
            Layout::Absolute => {
                let t = rest.first().and_then(as_f64);
                if t.is_none() {
                    self.h.b.warn(
                        Kind::Malformed,
                        "line without a timestamp",
                        Location::line(line_no),
                    );
                }
                // Element 4 of jitsi lines is a sequence number, not an extra.
                (t, Vec::new())
            }
        };
        let method: String = match &method_v {
            Value::String(s) if s == "g" => {
                self.h.saw_codes = true;
                "getStats".into()
            }
            Value::String(s) => s.clone(),
            Value::Number(n) => {
                self.h.saw_codes = true;
                match n
                    .as_u64()
                    .and_then(|c| u32::try_from(c).ok())
                    .and_then(tables::method_name)
                {
                    Some(name) => name.to_string(),
                    None => {
                        self.h.b.warn(
                            Kind::Suspicious,
                            "unknown method code; kept as a number",
                            Location::line(line_no),
                        );
                        n.to_string()
                    }
                }
            }
            _ => {
                self.bad_lines += 1;
                self.h.b.warn(
                    Kind::Malformed,
                    "method is neither a string nor a code; skipped",
                    Location::line(line_no),
                );
                return Ok(());
            }
        };
        let pc: Option<String> = match pc_v {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        self.events += 1;
        // In fileFormat 3 only the compressed spelling ("g", or code 1) is
        // delta-encoded; Chrome's writer sends full reports as "getStats",
        // where an id missing from a poll is gone, not unchanged.
        self.h.encoding = match (&self.layout, &method_v) {
            (Layout::V3, Value::String(m)) if m == "getStats" => StatsEncoding::Full,
            _ => self.encoding,
        };
        match payload {
            line::Payload::Flat(stats) => {
                self.h
                    .handle_stats(pc.as_deref(), stats, t_ms, Some(line_no))
            }
            line::Payload::Value(value) => {
                self.h
                    .handle(&method, pc.as_deref(), value, extras, t_ms, Some(line_no))
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line numbers in diagnostics do not depend on where chunks are cut,
    /// and an unterminated last line is reported as truncated.
    #[test]
    fn chunked_lines_keep_numbers() {
        let text = b"RTCStatsDump\r\n{\"fileFormat\":3}\n\n[\"create\",\"1\",{},0]\nnot json\n[\"close\",\"1\",null,5]\n[\"x\",";
        let whole = import_lines(text, Sniffed::RtcstatsV3).map(|s| s.diagnostics);
        for step in 1..text.len() {
            let mut li = LineImporter::new(Sniffed::RtcstatsV3);
            for chunk in text.chunks(step) {
                assert!(li.push(chunk).is_ok());
            }
            let chunked = li.finish().map(|s| s.diagnostics);
            assert_eq!(format!("{chunked:?}"), format!("{whole:?}"), "step {step}");
        }
        let diags = whole.unwrap_or_default();
        let lines: Vec<_> = diags.iter().map(|d| (d.kind, d.location.line)).collect();
        assert_eq!(
            lines,
            vec![(Kind::Malformed, Some(5)), (Kind::Truncated, Some(7))]
        );
    }
}
