//! A streaming gzip decoder (RFC 1952), members one after another: the
//! header and trailer read here, the deflate data inflated by
//! miniz_oxide.
//!
//! Why not flate2's `MultiGzDecoder`, which did this before: it checks the
//! CRC with crc32fast, whose slice-by-16 tables are 16 KB of random bytes
//! that gzip cannot shrink: 16 KB of the viewer's 450 KB budget. Here the
//! CRC uses one 1 KB table built at compile time; a dump is decoded once,
//! so the slower CRC does not show (measured in `docs/performance.md`).

use miniz_oxide::inflate::stream::{inflate, InflateState};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};

/// CRC-32 (IEEE), slicing by 8. The tables are computed when a decoder
/// is made (8 KB, a few microseconds), not stored in the binary: stored,
/// they are random bytes gzip cannot shrink. Byte-at-a-time with one
/// table made gunzipping a 126 MB dump 20 % slower.
struct Crc32 {
    tables: Box<[[u32; 256]; 8]>,
}

impl Crc32 {
    fn new() -> Crc32 {
        let mut tables = Box::new([[0u32; 256]; 8]);
        let [first, rest @ ..] = &mut *tables;
        for (i, slot) in first.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *slot = c;
        }
        let mut prev = *first;
        for table in rest.iter_mut() {
            for (slot, &p) in table.iter_mut().zip(prev.iter()) {
                *slot = (p >> 8) ^ first.get((p & 0xff) as usize).copied().unwrap_or(0);
            }
            prev = *table;
        }
        Crc32 { tables }
    }

    // Every index is masked to 0..=255 on 256-entry tables: it cannot
    // panic (and the compiler drops the checks).
    #[allow(clippy::indexing_slicing)]
    fn update(&self, crc: u32, data: &[u8]) -> u32 {
        let t = &*self.tables;
        let mut c = !crc;
        let mut chunks = data.chunks_exact(8);
        for b in &mut chunks {
            let one = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) ^ c;
            let two = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
            c = t[7][(one & 0xff) as usize]
                ^ t[6][((one >> 8) & 0xff) as usize]
                ^ t[5][((one >> 16) & 0xff) as usize]
                ^ t[4][(one >> 24) as usize]
                ^ t[3][(two & 0xff) as usize]
                ^ t[2][((two >> 8) & 0xff) as usize]
                ^ t[1][((two >> 16) & 0xff) as usize]
                ^ t[0][(two >> 24) as usize];
        }
        for &b in chunks.remainder() {
            c = t[0][((c as u8) ^ b) as usize] ^ (c >> 8);
        }
        !c
    }
}

const FHCRC: u8 = 2;
const FEXTRA: u8 = 4;
const FNAME: u8 = 8;
const FCOMMENT: u8 = 16;

/// Output buffer of one `inflate` call.
const OUT_CHUNK: usize = 64 * 1024;

enum State {
    /// Gathering a member's header (bytes so far).
    Header(Vec<u8>),
    /// Inflating a member's data.
    Data {
        inflater: Box<InflateState>,
        crc: u32,
        size: u32,
    },
    /// Gathering the 8-byte trailer (CRC-32, size mod 2^32).
    Trailer { bytes: Vec<u8>, crc: u32, size: u32 },
}

pub struct GzDecoder {
    state: State,
    crc32: Crc32,
    /// Members fully read (a stream may hold several, one after another).
    members: usize,
}

impl Default for GzDecoder {
    fn default() -> Self {
        GzDecoder {
            state: State::Header(Vec::new()),
            crc32: Crc32::new(),
            members: 0,
        }
    }
}

/// The header's length once `h` holds all of it, `Ok(None)` while it is
/// incomplete.
fn header_len(h: &[u8]) -> Result<Option<usize>, String> {
    let byte = |i: usize| h.get(i).copied();
    match (byte(0), byte(1), byte(2)) {
        (Some(0x1f), Some(0x8b), Some(8)) => {}
        (Some(a), Some(b), Some(c)) if (a, b) != (0x1f, 0x8b) || c != 8 => {
            return Err("invalid gzip header".into())
        }
        _ => return Ok(None),
    }
    let Some(flags) = byte(3) else {
        return Ok(None);
    };
    let mut at = 10;
    if flags & FEXTRA != 0 {
        let (Some(lo), Some(hi)) = (byte(at), byte(at + 1)) else {
            return Ok(None);
        };
        at += 2 + usize::from(u16::from_le_bytes([lo, hi]));
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            match h.get(at..).and_then(|r| r.iter().position(|&b| b == 0)) {
                Some(nul) => at += nul + 1,
                None => return Ok(None),
            }
        }
    }
    if flags & FHCRC != 0 {
        at += 2;
    }
    Ok((h.len() >= at).then_some(at))
}

impl GzDecoder {
    /// Decodes `input`, appending what it gives to `out`. An error means
    /// the stream is damaged; what was appended before it stands.
    pub fn write(&mut self, mut input: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        // The inflater filled its output buffer: it may hold more output
        // even when the input is used up.
        let mut full = false;
        while !input.is_empty() || full {
            full = false;
            match &mut self.state {
                State::Header(h) => {
                    // No more than the header: the fixed 10 bytes, then
                    // byte by byte through the optional fields, so the
                    // data after it stays in `input`. (Between members
                    // only another member may follow.)
                    let want = if h.len() < 10 { 10 - h.len() } else { 1 };
                    let (take, rest) = input.split_at(input.len().min(want));
                    h.extend_from_slice(take);
                    input = rest;
                    if header_len(h)?.is_some() {
                        self.state = State::Data {
                            inflater: InflateState::new_boxed(DataFormat::Raw),
                            crc: 0,
                            size: 0,
                        };
                    } else if h.len() > 1 << 20 {
                        return Err("gzip header too long".into());
                    }
                }
                State::Data {
                    inflater,
                    crc,
                    size,
                } => {
                    let start = out.len();
                    out.resize(start + OUT_CHUNK, 0);
                    let r = inflate(
                        inflater,
                        input,
                        out.get_mut(start..).unwrap_or_default(),
                        MZFlush::None,
                    );
                    out.truncate(start + r.bytes_written);
                    full = r.bytes_written == OUT_CHUNK;
                    let new = out.get(start..).unwrap_or_default();
                    *crc = self.crc32.update(*crc, new);
                    *size = size.wrapping_add(r.bytes_written as u32);
                    input = input.get(r.bytes_consumed..).unwrap_or_default();
                    match r.status {
                        Ok(MZStatus::StreamEnd) => {
                            self.state = State::Trailer {
                                bytes: Vec::new(),
                                crc: *crc,
                                size: *size,
                            };
                        }
                        Ok(_) | Err(MZError::Buf) => {
                            if r.bytes_consumed == 0 && r.bytes_written == 0 && !input.is_empty() {
                                return Err("deflate data made no progress".into());
                            }
                        }
                        Err(_) => return Err("corrupt deflate stream".into()),
                    }
                }
                State::Trailer { bytes, crc, size } => {
                    let (take, rest) = input.split_at(input.len().min(8 - bytes.len()));
                    bytes.extend_from_slice(take);
                    input = rest;
                    if let [a, b, c, d, e, f, g, h] = bytes[..] {
                        if u32::from_le_bytes([a, b, c, d]) != *crc {
                            return Err("CRC mismatch: the data is corrupt".into());
                        }
                        if u32::from_le_bytes([e, f, g, h]) != *size {
                            return Err("size mismatch: the data is corrupt".into());
                        }
                        self.members += 1;
                        self.state = State::Header(Vec::new());
                    }
                }
            }
        }
        Ok(())
    }

    /// The input has ended: an error if it ended inside a member.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), String> {
        match &mut self.state {
            State::Header(h) if h.is_empty() && self.members > 0 => Ok(()),
            State::Header(_) if self.members == 0 => Err("no gzip data".into()),
            State::Header(_) => Err("trailing data after the last gzip member".into()),
            State::Data { inflater, .. } => {
                // Let the inflater hand over anything it still holds (its
                // CRC is never checked: the member has no trailer).
                let start = out.len();
                out.resize(start + OUT_CHUNK, 0);
                let r = inflate(
                    inflater,
                    &[],
                    out.get_mut(start..).unwrap_or_default(),
                    MZFlush::Finish,
                );
                out.truncate(start + r.bytes_written);
                Err("unexpected end of file".into())
            }
            State::Trailer { .. } => Err("unexpected end of file".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8], name: Option<&str>) -> Vec<u8> {
        let mut b = flate2::GzBuilder::new();
        if let Some(n) = name {
            b = b.filename(n).comment("c").extra(vec![1, 2, 3]);
        }
        let mut e = b.write(Vec::new(), flate2::Compression::default());
        let _ = e.write_all(data);
        e.finish().unwrap_or_default()
    }

    fn decode(input: &[u8], step: usize) -> (Vec<u8>, Result<(), String>) {
        let mut d = GzDecoder::default();
        let mut out = Vec::new();
        for c in input.chunks(step.max(1)) {
            if let Err(e) = d.write(c, &mut out) {
                return (out, Err(e));
            }
        }
        let r = d.finish(&mut out);
        (out, r)
    }

    #[test]
    fn crc_matches_the_standard_check_value() {
        let crc = Crc32::new();
        assert_eq!(crc.update(0, b"123456789"), 0xCBF4_3926);
        // Slicing by 8 gives what one byte at a time gives, at any split.
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        let whole = crc.update(0, &data);
        for cut in [0, 1, 7, 8, 9, 500, 999] {
            let (a, b) = data.split_at(cut);
            assert_eq!(crc.update(crc.update(0, a), b), whole, "cut {cut}");
        }
    }

    #[test]
    fn decodes_members_in_any_chunking() {
        let a: Vec<u8> = (0..200_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        let b = b"second member".to_vec();
        let input = [gz(&a, Some("a.json")), gz(&b, None)].concat();
        let whole = [a.clone(), b].concat();
        for step in [1, 7, 100, 4096, input.len()] {
            let (out, r) = decode(&input, step);
            assert_eq!(r, Ok(()), "step {step}");
            assert!(out == whole, "step {step}");
        }
    }

    #[test]
    fn damage_is_an_error_after_what_decoded() {
        let a: Vec<u8> = (0..100_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let z = gz(&a, None);
        // Cut short.
        let (out, r) = decode(z.get(..z.len() / 2).unwrap_or_default(), 1000);
        assert_eq!(r, Err("unexpected end of file".into()));
        assert!(!out.is_empty() && a.starts_with(&out));
        // A flipped bit in the trailer's CRC.
        let mut bad = z.clone();
        if let Some(b) = bad.get_mut(z.len() - 8) {
            *b ^= 1;
        }
        assert!(decode(&bad, 512).1.is_err_and(|e| e.contains("CRC")));
        assert!(decode(b"\x1f\x8bnot really gzip", 3).1.is_err());
        assert!(decode(&[z.clone(), b"junk".to_vec()].concat(), 64)
            .1
            .is_err());
    }
}
