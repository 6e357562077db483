//! Import fed in chunks as the file streams in: gunzip, sniff and parse as
//! bytes arrive, so the page never holds the whole text of a line-oriented
//! dump (issue 6). A JSON document (webrtc-internals, rtcstats v0) is one
//! value and is gathered, then parsed at the end.
//!
//! [`import_with`](super::import_with) goes through here too, so every test
//! of an in-memory import also tests the streaming path.

use super::decompress::{is_gzip, too_large};
use super::rtcstats::LineImporter;
use super::{skip_bom_and_space, sniff, webrtc_internals, ImportOptions, Sniffed};
use crate::error::{Diagnostic, ImportError, Kind, Severity};
use crate::model::Session;

/// Longest prefix looked at to tell the dialects apart. A fippo dump's
/// first line is a small metadata object; a first line longer than this is
/// a one-line JSON document.
const SNIFF_MAX_BYTES: usize = 1 << 20;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Compressed bytes handed to the gzip decoder at a time.
const GZIP_PIECE_BYTES: usize = 32 << 10;

enum Stage {
    /// Decoded bytes gathered until the dialect can be told.
    Sniffing(Vec<u8>),
    Lines(Box<LineImporter>),
    Document(Vec<u8>),
}

/// A streaming import: [`push`](Self::push) chunks in order, then
/// [`finish`](Self::finish). After an error every call returns it again.
pub struct ImportStream {
    options: ImportOptions,
    /// Input bytes before the transport is known (gzip needs two, bzip2
    /// detection three).
    raw_head: Vec<u8>,
    transport: Option<Transport>,
    stage: Stage,
    input_bytes: u64,
    decoded_bytes: u64,
    /// The gzip stream was damaged: what decoded before it is kept.
    gzip_damage: Option<String>,
    /// Compressed input not yet handed to the decoder (see `decode`).
    gzip_piece: Vec<u8>,
    failed: Option<ImportError>,
    /// The input's size when known (file size, Content-Length).
    size_hint: u64,
    /// A newline has arrived while sniffing.
    sniffed_newline: bool,
}

enum Transport {
    Plain,
    Gzip(Box<super::gunzip::GzDecoder>),
}

impl ImportStream {
    pub fn new(options: ImportOptions) -> Self {
        ImportStream {
            options,
            raw_head: Vec::new(),
            transport: None,
            stage: Stage::Sniffing(Vec::new()),
            input_bytes: 0,
            decoded_bytes: 0,
            gzip_damage: None,
            gzip_piece: Vec::new(),
            failed: None,
            size_hint: 0,
            sniffed_newline: false,
        }
    }

    /// Tells the input's size, when known: a plain JSON document is then
    /// gathered into one buffer of that size instead of a growing one (whose
    /// doublings copied it about twice over and could hold up to twice its
    /// size).
    pub fn size_hint(&mut self, input_bytes: u64) {
        self.size_hint = input_bytes;
    }

    /// Takes the next chunk of the file. An error means nothing usable can
    /// come of this input (not a dump, too large): stop reading.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), ImportError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        self.input_bytes += chunk.len() as u64;
        let r = self.push_raw(chunk);
        if let Err(e) = &r {
            self.failed = Some(e.clone());
        }
        r
    }

    fn push_raw(&mut self, chunk: &[u8]) -> Result<(), ImportError> {
        if self.transport.is_none() {
            self.raw_head.extend_from_slice(chunk);
            if self.raw_head.len() < 3 {
                return Ok(());
            }
            let head = std::mem::take(&mut self.raw_head);
            self.start_transport(&head)?;
            return self.decode(&head);
        }
        self.decode(chunk)
    }

    fn start_transport(&mut self, head: &[u8]) -> Result<(), ImportError> {
        if head.starts_with(b"BZh") {
            return Err(ImportError::new(
                Kind::Unsupported,
                "bzip2-compressed input is not supported; decompress it first",
            ));
        }
        self.transport = Some(if is_gzip(head) {
            Transport::Gzip(Box::default())
        } else {
            Transport::Plain
        });
        Ok(())
    }

    fn decode(&mut self, chunk: &[u8]) -> Result<(), ImportError> {
        if !matches!(self.transport, Some(Transport::Gzip(_))) {
            return self.feed(chunk);
        }
        // The decoder is fed fixed pieces at fixed offsets of the input,
        // whatever the chunks: where a damaged stream stops, and what it
        // gave before, must not depend on how the file was read.
        let mut rest = chunk;
        while !rest.is_empty() {
            let want = GZIP_PIECE_BYTES - self.gzip_piece.len();
            let (take, after) = rest.split_at(want.min(rest.len()));
            self.gzip_piece.extend_from_slice(take);
            rest = after;
            if self.gzip_piece.len() == GZIP_PIECE_BYTES {
                self.gunzip_piece()?;
            }
        }
        Ok(())
    }

    /// Gunzips the gathered piece and parses what it gave.
    fn gunzip_piece(&mut self) -> Result<(), ImportError> {
        let piece = std::mem::take(&mut self.gzip_piece);
        let r = self.gunzip(|d, out| d.write(&piece, out));
        self.gzip_piece = piece;
        self.gzip_piece.clear();
        r
    }

    /// Runs `step` on the gzip decoder (unless the stream is already known
    /// damaged), notes damage, and parses all it has decoded: its writer
    /// holds the output, and flushing or finishing hands over the rest.
    fn gunzip(
        &mut self,
        step: impl FnOnce(&mut super::gunzip::GzDecoder, &mut Vec<u8>) -> Result<(), String>,
    ) -> Result<(), ImportError> {
        let Some(Transport::Gzip(d)) = &mut self.transport else {
            return Ok(());
        };
        if self.gzip_damage.is_some() {
            return Ok(());
        }
        let mut out = Vec::new();
        if let Err(e) = step(d, &mut out) {
            self.gzip_damage = Some(e);
        }
        self.feed(&out)
    }

    /// Decoded bytes, in order.
    fn feed(&mut self, data: &[u8]) -> Result<(), ImportError> {
        if data.is_empty() {
            return Ok(());
        }
        self.decoded_bytes += data.len() as u64;
        if self.decoded_bytes > self.options.max_decoded_bytes {
            let plain = matches!(self.transport, Some(Transport::Plain));
            return Err(too_large(
                plain.then_some(self.decoded_bytes),
                self.options.max_decoded_bytes,
            ));
        }
        match &mut self.stage {
            Stage::Lines(li) => li.push(data),
            Stage::Document(doc) => {
                doc.extend_from_slice(data);
                Ok(())
            }
            // A first chunk that decides on its own is not copied (one
            // push of a whole file would otherwise be copied whole).
            Stage::Sniffing(head) if head.is_empty() && sniff_ready(data) => self.start_stage(data),
            Stage::Sniffing(head) => {
                head.extend_from_slice(data);
                let newline = memchr::memchr(b'\n', data).is_some();
                self.sniffed_newline |= newline;
                // A `{` first line is decided only once it ends: until a
                // newline arrives, do not rescan the head for one on every
                // chunk (quadratic for a one-line document in small chunks).
                let waiting = !self.sniffed_newline
                    && head.len() < SNIFF_MAX_BYTES
                    && skip_bom_and_space(head).first() == Some(&b'{');
                if waiting || !sniff_ready(head) {
                    return Ok(());
                }
                let head = std::mem::take(head);
                self.start_stage(&head)
            }
        }
    }

    fn start_stage(&mut self, head: &[u8]) -> Result<(), ImportError> {
        match sniff(head)? {
            Sniffed::JsonDocument => {
                let plain = matches!(self.transport, Some(Transport::Plain));
                let expected = if plain {
                    self.size_hint.min(self.options.max_decoded_bytes)
                } else {
                    0
                };
                let room = usize::try_from(expected).unwrap_or(0).max(head.len());
                let mut doc = Vec::with_capacity(room);
                doc.extend_from_slice(head);
                self.stage = Stage::Document(doc);
                Ok(())
            }
            kind => {
                let mut li = Box::new(LineImporter::new(kind));
                let r = li.push(head);
                self.stage = Stage::Lines(li);
                r
            }
        }
    }

    /// Ends the input and builds the session.
    pub fn finish(mut self) -> Result<Session, ImportError> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if self.transport.is_none() {
            let head = std::mem::take(&mut self.raw_head);
            self.start_transport(&head)?;
            self.decode(&head)?;
        }
        if !self.gzip_piece.is_empty() {
            self.gunzip_piece()?;
        }
        self.gunzip(|d, out| d.finish(out))?;
        let gzip = matches!(self.transport, Some(Transport::Gzip(_)));
        if gzip && self.decoded_bytes == 0 {
            return Err(ImportError::new(
                Kind::Malformed,
                format!(
                    "gzip data could not be decompressed: {}",
                    self.gzip_damage.as_deref().unwrap_or("no data")
                ),
            ));
        }
        // A short file may end before its dialect could be told early.
        if let Stage::Sniffing(head) = &mut self.stage {
            let head = std::mem::take(head);
            self.start_stage(&head)?;
        }
        let stage = std::mem::replace(&mut self.stage, Stage::Sniffing(Vec::new()));
        let mut session = match stage {
            Stage::Lines(li) => li.finish()?,
            // (Sniffing cannot remain: `start_stage` chose or failed.)
            Stage::Document(doc) | Stage::Sniffing(doc) => webrtc_internals::import_document(&doc)?,
        };
        add_transport(
            &mut session,
            self.input_bytes,
            gzip,
            self.decoded_bytes,
            self.gzip_damage.as_deref(),
        );
        Ok(session)
    }
}

/// Records how the input came (sizes, gzip) and, for a damaged gzip
/// stream, says so first among the diagnostics.
pub(super) fn add_transport(
    session: &mut Session,
    input_bytes: u64,
    gzip: bool,
    decoded_bytes: u64,
    gzip_damage: Option<&str>,
) {
    if let Some(e) = gzip_damage {
        session.diagnostics.insert(
            0,
            Diagnostic {
                severity: Severity::Error,
                kind: Kind::Truncated,
                message: format!(
                    "gzip stream is damaged or cut short ({e}); showing what was read"
                ),
                location: Default::default(),
                count: 1,
            },
        );
    }
    if let Some(src) = session.source.as_mut() {
        src.bytes = input_bytes;
        src.gzip = gzip;
        src.decoded_bytes = decoded_bytes;
    }
}

/// Whether `head` (the first decoded bytes) is enough for [`sniff`] to give
/// the answer it would give on the whole file.
fn sniff_ready(head: &[u8]) -> bool {
    if head.len() >= SNIFF_MAX_BYTES {
        return true;
    }
    if head.len() < UTF8_BOM.len() && UTF8_BOM.starts_with(head) {
        return false;
    }
    let b = skip_bom_and_space(head);
    let strict_prefix = |h: &[u8]| b.len() < h.len() && h.starts_with(b);
    if b.is_empty() || strict_prefix(b"RTCStatsDump\n") || strict_prefix(b"RTCStatsDump\r\n") {
        return false;
    }
    match b.first() {
        // `{` starts a document or a fippo metadata line: the first line
        // and the first byte after it decide.
        Some(b'{') => match b.iter().position(|&c| c == b'\n') {
            Some(i) => !skip_bom_and_space(b.get(i..).unwrap_or_default()).is_empty(),
            None => false,
        },
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn sniff_stream(text: &[u8], step: usize) -> Option<Sniffed> {
        // Only where the first line is ready can a stage be chosen.
        let mut head = Vec::new();
        for c in text.chunks(step) {
            head.extend_from_slice(c);
            if sniff_ready(&head) {
                return sniff(&head).ok();
            }
        }
        sniff(&head).ok()
    }

    #[test]
    fn sniffing_a_prefix_agrees_with_the_whole() {
        let cases: [&[u8]; 7] = [
            b"RTCStatsDump\n{\"fileFormat\":3}\n",
            b"RTCStatsDump\r\n{}\n",
            b"\xEF\xBB\xBF[\"create\",\"1\",{},1]\n",
            b"{\"fileFormat\":2}\n\n  [\"x\",null,null,1]\n",
            b"{\n \"PeerConnections\": {}}",
            b"{\"a\":1}\n\n\n",
            b"  \n hello",
        ];
        for text in cases {
            let whole = sniff(text).ok();
            for step in 1..=text.len() {
                assert_eq!(sniff_stream(text, step), whole, "{text:?} step {step}");
            }
        }
    }

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = e.write_all(data);
        e.finish().unwrap_or_default()
    }

    fn jitsi_lines(n: usize) -> Vec<u8> {
        (0..n)
            .flat_map(|i| format!("[\"setLocalDescription\",\"pc{i}\",{{}},{i}]\n").into_bytes())
            .collect()
    }

    fn streamed(input: &[u8], limit: u64) -> Result<Session, ImportError> {
        let mut s = ImportStream::new(ImportOptions {
            max_decoded_bytes: limit,
        });
        input.chunks(100).try_for_each(|c| s.push(c))?;
        s.finish()
    }

    /// A size hint (right, short, long, absurd) changes nothing but the
    /// document buffer's first capacity; over the limit stays too large.
    #[test]
    fn size_hints_change_no_outcome() {
        let doc =
            br#"{"PeerConnections":{"1-1":{"updateLog":[],"stats":{},"url":"x"}},"UserAgent":"u"}"#;
        let limit = 1 << 20;
        let run = |input: &[u8], hint: Option<u64>| {
            let mut s = ImportStream::new(ImportOptions {
                max_decoded_bytes: limit,
            });
            if let Some(h) = hint {
                s.size_hint(h);
            }
            let pushed = input.chunks(7).try_for_each(|c| s.push(c));
            format!("{:?}", pushed.and_then(|()| s.finish()))
        };
        for input in [doc.to_vec(), gz(doc)] {
            let plain = run(&input, None);
            assert!(plain.starts_with("Ok"), "{plain}");
            for hint in [input.len() as u64, 3, 10 * input.len() as u64, u64::MAX] {
                assert_eq!(run(&input, Some(hint)), plain, "hint {hint}");
            }
        }
        let big = [&doc[..doc.len() - 1], &vec![b' '; 1 << 20], b"}"].concat();
        assert!(run(&big, Some(u64::MAX)).contains("TooLarge"));
    }

    #[test]
    fn gunzips_and_limits_the_decoded_size() {
        let text = jitsi_lines(50);
        let z = gz(&text);
        let s = streamed(&z, 1 << 20).map(|s| s.source);
        let src = s.ok().flatten();
        assert_eq!(src.as_ref().map(|s| s.gzip), Some(true));
        assert_eq!(src.map(|s| s.decoded_bytes), Some(text.len() as u64));
        let err = streamed(&z, 100).map(|_| ()).map_err(|e| e.kind);
        assert_eq!(err, Err(Kind::TooLarge));
    }

    #[test]
    fn damaged_gzip_keeps_what_decoded() {
        let text = jitsi_lines(3000);
        let z = gz(&text);
        let cut = z.get(..z.len() / 2).unwrap_or_default();
        let s = streamed(cut, 1 << 30);
        let Ok(s) = s else {
            panic!("expected a partial session")
        };
        assert_eq!(s.diagnostics.first().map(|d| d.kind), Some(Kind::Truncated));
        let n = s.peer_connections.len();
        assert!(n > 100 && n < 3000, "{n} connections");
        let garbage = streamed(b"\x1f\x8bnot really gzip", 1 << 30).map(|_| ());
        assert_eq!(garbage.map_err(|e| e.kind), Err(Kind::Malformed));
    }

    /// Found by the import_chunked fuzz target: a corrupt deflate stream
    /// gave "not a dump" when read in small chunks (the garbage decoded
    /// before the corruption was sniffed) but "malformed" in one push.
    #[test]
    fn damaged_gzip_gives_one_outcome_whatever_the_chunks() {
        let text = jitsi_lines(20_000);
        let mut z = gz(&text);
        let mid = z.len() / 2;
        for b in z.iter_mut().skip(mid).take(64) {
            *b = 0xff;
        }
        let outcome = |step: usize| {
            let mut s = ImportStream::new(ImportOptions::default());
            let r = z
                .chunks(step)
                .try_for_each(|c| s.push(c))
                .and_then(|()| s.finish());
            r.map(|s| {
                (
                    s.peer_connections.len(),
                    s.diagnostics.first().map(|d| d.kind),
                )
            })
            .map_err(|e| e.kind)
        };
        let whole = outcome(z.len());
        assert!(
            matches!(whole, Ok((n, Some(Kind::Truncated))) if n > 0),
            "{whole:?}"
        );
        for step in [1, 221, 4096, 40_000] {
            assert_eq!(outcome(step), whole, "chunks of {step}");
        }
    }

    #[test]
    fn bzip2_and_empty_inputs_are_named() {
        let bz = streamed(b"BZh91AY&SY", 1 << 30).map(|_| ());
        assert_eq!(bz.map_err(|e| e.kind), Err(Kind::Unsupported));
        let empty = streamed(b"", 1 << 30).map(|_| ());
        assert_eq!(empty.map_err(|e| e.kind), Err(Kind::Empty));
        let tiny = streamed(b"[", 1 << 30).map(|_| ());
        assert!(tiny.is_err());
    }
}
