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
use crate::formats::text::as_f64;
use crate::formats::Sniffed;
use crate::model::Session;
use handler::{Handler, StatsEncoding};
use serde_json::Value;

/// Iterates `(1-based line number, line, is an unterminated last line)` over
/// `\n`-separated bytes, stripping `\r`. One pass, no counting ahead.
fn lines(data: &[u8]) -> impl Iterator<Item = (usize, &[u8], bool)> {
    let mut rest = Some(data);
    let mut n = 0usize;
    std::iter::from_fn(move || {
        let r = rest?;
        n += 1;
        let (line, unterminated) = match r.iter().position(|&b| b == b'\n') {
            Some(i) => {
                rest = r.get(i + 1..).filter(|t| !t.is_empty());
                (r.get(..i).unwrap_or_default(), false)
            }
            None => {
                rest = None;
                (r, true)
            }
        };
        Some((n, line.strip_suffix(b"\r").unwrap_or(line), unterminated))
    })
}

enum Layout {
    /// fileFormat 3: time is the last element, a delta to the previous line.
    V3,
    /// jitsi / fippo: time is element 3, absolute.
    Absolute,
}

/// Imports a line-oriented rtcstats dump.
pub fn import_lines(data: &[u8], kind: Sniffed) -> Result<Session, ImportError> {
    let mut h = Handler::new("");
    let mut layout = Layout::Absolute;
    let mut encoding = StatsEncoding::JitsiDelta;
    let mut dialect = "jitsi".to_string();
    let mut header_only_file_format = false;
    let mut running_ms = 0.0f64;
    let mut header_lines = 0usize;
    let mut events = 0usize;
    let mut bad_lines = 0usize;

    match kind {
        Sniffed::RtcstatsV3 => {
            layout = Layout::V3;
            encoding = StatsEncoding::V3Delta;
            dialect = "v3".into();
            header_lines = 2;
        }
        Sniffed::RtcstatsLegacyLines => {
            header_lines = 1;
            dialect = "v1".into();
            encoding = StatsEncoding::FippoDelta { iso_top_time: true };
        }
        _ => {}
    }

    for (line_no, raw, unterminated) in lines(data) {
        let text = raw.trim_ascii();
        if text.is_empty() {
            continue;
        }
        if line_no <= header_lines {
            match (kind, line_no) {
                (Sniffed::RtcstatsV3, 1) => continue,
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
                        h.b.set_user_agent(ua);
                    }
                    let ff = meta.get("fileFormat").and_then(as_f64);
                    if kind == Sniffed::RtcstatsLegacyLines && ff.is_some_and(|f| f >= 2.0) {
                        dialect = "v2".into();
                        encoding = StatsEncoding::FippoDelta {
                            iso_top_time: false,
                        };
                    }
                    header_only_file_format = meta
                        .as_object()
                        .is_some_and(|o| o.len() == 1 && o.contains_key("fileFormat"));
                    if let Value::Object(o) = meta {
                        for (k, v) in o {
                            h.b.set_metadata(&k, v);
                        }
                    }
                    continue;
                }
                _ => {}
            }
        }
        // fileFormat 3 lines go through the flat parser (getStats payloads
        // without a Value tree); the legacy layouts are small and use Value.
        let parsed = match layout {
            Layout::V3 => {
                line::parse_line(text).map(|l| l.map(|l| (l.method, l.pc, l.payload, l.rest)))
            }
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
                bad_lines += 1;
                h.b.warn(
                    Kind::Malformed,
                    "line has fewer than 3 elements; skipped",
                    Location::line(line_no),
                );
                continue;
            }
            Err(e) if e.is_data() => {
                bad_lines += 1;
                h.b.warn(
                    Kind::Malformed,
                    "line is not a JSON array; skipped",
                    Location::line(line_no),
                );
                continue;
            }
            Err(e) => {
                bad_lines += 1;
                if unterminated && e.is_eof() {
                    h.b.error(
                        Kind::Truncated,
                        format!("truncated at line {line_no}: showing what was read"),
                        Location::line(line_no),
                    );
                } else {
                    h.b.warn(
                        Kind::Malformed,
                        "line is not valid JSON; skipped",
                        Location::line(line_no),
                    );
                }
                continue;
            }
        };
        let (t_ms, extras) = match layout {
            Layout::V3 => {
                let mut rest = rest;
                match rest.pop().as_ref().and_then(as_f64) {
                    Some(d) => {
                        running_ms += d;
                        (Some(running_ms), rest)
                    }
                    None => {
                        h.b.warn(
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
                    h.b.warn(
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
                h.saw_codes = true;
                "getStats".into()
            }
            Value::String(s) => s.clone(),
            Value::Number(n) => {
                h.saw_codes = true;
                match n
                    .as_u64()
                    .and_then(|c| u32::try_from(c).ok())
                    .and_then(tables::method_name)
                {
                    Some(name) => name.to_string(),
                    None => {
                        h.b.warn(
                            Kind::Suspicious,
                            "unknown method code; kept as a number",
                            Location::line(line_no),
                        );
                        n.to_string()
                    }
                }
            }
            _ => {
                bad_lines += 1;
                h.b.warn(
                    Kind::Malformed,
                    "method is neither a string nor a code; skipped",
                    Location::line(line_no),
                );
                continue;
            }
        };
        let pc: Option<String> = match pc_v {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        events += 1;
        // In fileFormat 3 only the compressed spelling ("g", or code 1) is
        // delta-encoded; Chrome's writer sends full reports as "getStats",
        // where an id missing from a poll is gone, not unchanged.
        h.encoding = match (&layout, &method_v) {
            (Layout::V3, Value::String(m)) if m == "getStats" => StatsEncoding::Full,
            _ => encoding,
        };
        match payload {
            line::Payload::Stats(stats) => {
                h.handle_stats(pc.as_deref(), stats, t_ms, Some(line_no))
            }
            line::Payload::Value(value) => {
                h.handle(&method, pc.as_deref(), value, extras, t_ms, Some(line_no))
            }
        }
    }

    if kind == Sniffed::RtcstatsV3 && !h.saw_codes && header_only_file_format {
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

#[cfg(test)]
mod tests {
    use super::lines;

    #[test]
    fn line_splitting() {
        let v: Vec<_> = lines(b"a\r\nb\n\nc").collect();
        assert_eq!(
            v,
            vec![
                (1, &b"a"[..], false),
                (2, &b"b"[..], false),
                (3, &b""[..], false),
                (4, &b"c"[..], true)
            ]
        );
        let v: Vec<_> = lines(b"a\n").collect();
        assert_eq!(v, vec![(1, &b"a"[..], false)]);
        assert_eq!(lines(b"").count(), 1);
    }
}
