//! Dump importers: sniff the content, decompress, and hand it to the importer
//! of its dialect. Every importer feeds the same [`SessionBuilder`].
//!
//! Detection looks at bytes only (a bounded prefix where it can), never at a
//! file name: see `docs/formats-support.md`.

pub mod decompress;
pub mod gunzip;
pub mod legacy;
pub mod rtcstats;
pub mod stream;
pub mod webrtc_internals;

use crate::error::{ImportError, Kind};
use crate::model::Session;
pub use stream::ImportStream;

/// Limits that protect the page from hostile or huge inputs.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Largest decompressed size accepted, in bytes.
    pub max_decoded_bytes: u64,
}

impl Default for ImportOptions {
    fn default() -> Self {
        // 1 GiB: a 1 GB rtcstats dump must load (issue 6); beyond that the
        // page cannot hold the text and the model together.
        ImportOptions {
            max_decoded_bytes: 1 << 30,
        }
    }
}

/// What the first bytes say the input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// `RTCStatsDump` header: rtcstats fileFormat 3 (rtcstats-js or Chrome).
    RtcstatsV3,
    /// A single JSON document starting with `{`: webrtc-internals or rtcstats v0.
    JsonDocument,
    /// A JSON object on the first line, arrays after: fippo rtcstats fileFormat 1/2.
    RtcstatsLegacyLines,
    /// Lines of JSON arrays without a header: jitsi rtcstats.
    RtcstatsJitsi,
}

pub(crate) fn skip_bom_and_space(bytes: &[u8]) -> &[u8] {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    b.get(start..).unwrap_or_default()
}

/// Recognises the dump family from its first bytes (decompressed).
pub fn sniff(bytes: &[u8]) -> Result<Sniffed, ImportError> {
    let b = skip_bom_and_space(bytes);
    if b.is_empty() {
        return Err(ImportError::new(Kind::Empty, "the file is empty"));
    }
    if b.starts_with(b"RTCStatsDump\n")
        || b.starts_with(b"RTCStatsDump\r\n")
        || b == b"RTCStatsDump"
    {
        return Ok(Sniffed::RtcstatsV3);
    }
    match b.first() {
        Some(b'[') => Ok(Sniffed::RtcstatsJitsi),
        Some(b'{') => {
            // A fippo file's first line is a complete JSON object followed by
            // lines of arrays; internals and v0 are one document.
            let first_line_end = b.iter().position(|&c| c == b'\n').unwrap_or(b.len());
            let first = b.get(..first_line_end).unwrap_or_default();
            let rest = skip_bom_and_space(b.get(first_line_end..).unwrap_or_default());
            if rest.first() == Some(&b'[')
                && serde_json::from_slice::<serde_json::Value>(first).is_ok_and(|v| v.is_object())
            {
                Ok(Sniffed::RtcstatsLegacyLines)
            } else {
                Ok(Sniffed::JsonDocument)
            }
        }
        _ => Err(ImportError::new(
            Kind::Unrecognized,
            "not a WebRTC dump: expected a webrtc-internals JSON document or an rtcstats dump",
        )),
    }
}

/// Imports a dump with default limits.
pub fn import(bytes: &[u8]) -> Result<Session, ImportError> {
    import_with(bytes, &ImportOptions::default())
}

/// Imports a dump: decompresses, sniffs and dispatches. A partial import is a
/// `Session` with diagnostics; an error means nothing usable was found.
pub fn import_with(bytes: &[u8], options: &ImportOptions) -> Result<Session, ImportError> {
    let input_len = bytes.len() as u64;
    if !decompress::is_gzip(bytes) && input_len > options.max_decoded_bytes {
        return Err(decompress::too_large(
            Some(input_len),
            options.max_decoded_bytes,
        ));
    }
    // A plain JSON document in memory is parsed where it lies; the stream
    // would gather a copy of it first (it is one value, not lines).
    if !decompress::is_gzip(bytes) && sniff(bytes).ok() == Some(Sniffed::JsonDocument) {
        let mut session = webrtc_internals::import_document(bytes)?;
        stream::add_transport(&mut session, input_len, false, input_len, None);
        return Ok(session);
    }
    let mut stream = stream::ImportStream::new(options.clone());
    stream.push(bytes)?;
    stream.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"RTCStatsDump\n{}").ok(), Some(Sniffed::RtcstatsV3));
        assert_eq!(
            sniff(b"\xEF\xBB\xBF  [\"a\"]").ok(),
            Some(Sniffed::RtcstatsJitsi)
        );
        assert_eq!(
            sniff(b"{\n \"PeerConnections\": {}}").ok(),
            Some(Sniffed::JsonDocument)
        );
        assert_eq!(
            sniff(b"{\"fileFormat\":2}\n[\"x\",null,null,1]").ok(),
            Some(Sniffed::RtcstatsLegacyLines)
        );
        assert_eq!(sniff(b"   ").map_err(|e| e.kind), Err(Kind::Empty));
        assert_eq!(sniff(b"hello").map_err(|e| e.kind), Err(Kind::Unrecognized));
    }
}
