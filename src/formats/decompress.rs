//! Transport decompression, sniffed from magic bytes (never from a file name).

use crate::error::{ImportError, Kind};
use std::borrow::Cow;
use std::io::Read;

/// Result of [`decompress`].
#[derive(Debug)]
pub struct Decoded<'a> {
    pub bytes: Cow<'a, [u8]>,
    pub gzip: bool,
    /// The gzip stream ended early or was corrupt; `bytes` holds what decoded.
    pub truncated: Option<String>,
}

pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Gunzips `bytes` if they start with the gzip magic, refusing to produce more
/// than `limit` bytes (a small gzip can expand enormously).
pub fn decompress(bytes: &[u8], limit: u64) -> Result<Decoded<'_>, ImportError> {
    if bytes.starts_with(b"BZh") {
        return Err(ImportError::new(
            Kind::Unsupported,
            "bzip2-compressed input is not supported; decompress it first",
        ));
    }
    if !is_gzip(bytes) {
        return Ok(Decoded {
            bytes: Cow::Borrowed(bytes),
            gzip: false,
            truncated: None,
        });
    }
    let decoder = flate2::read::MultiGzDecoder::new(bytes);
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4).min(64 << 20));
    let mut limited = decoder.take(limit.saturating_add(1));
    let truncated = match limited.read_to_end(&mut out) {
        Ok(_) => None,
        Err(e) => Some(e.to_string()),
    };
    if out.len() as u64 > limit {
        return Err(too_large(None, limit));
    }
    if out.is_empty() {
        if let Some(e) = truncated {
            return Err(ImportError::new(
                Kind::Malformed,
                format!("gzip data could not be decompressed: {e}"),
            ));
        }
    }
    Ok(Decoded {
        bytes: Cow::Owned(out),
        gzip: true,
        truncated,
    })
}

/// The standard "too large" error, with the numbers.
pub fn too_large(actual: Option<u64>, limit: u64) -> ImportError {
    let mb = |b: u64| b as f64 / 1_048_576.0;
    let msg = match actual {
        Some(a) => format!("too large ({:.1} MB; limit {:.0} MB)", mb(a), mb(limit)),
        None => format!(
            "too large (over {:.0} MB once decompressed; limit {:.0} MB)",
            mb(limit),
            mb(limit)
        ),
    };
    ImportError::new(Kind::TooLarge, msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = e.write_all(data);
        e.finish().unwrap_or_default()
    }

    #[test]
    fn gunzips_and_limits() {
        let z = gz(b"hello world");
        let d = decompress(&z, 100).map_err(|e| e.to_string());
        assert_eq!(d.as_ref().map(|d| &*d.bytes), Ok(&b"hello world"[..]));
        let err = decompress(&z, 5).map(|_| ()).map_err(|e| e.kind);
        assert_eq!(err, Err(Kind::TooLarge));
    }

    #[test]
    fn truncated_gzip_keeps_what_decoded() {
        let data: Vec<u8> = (0..20000u32)
            .flat_map(|i| i.to_string().into_bytes())
            .collect();
        let z = gz(&data);
        let cut = &z[..z.len() / 2];
        let d = decompress(cut, 1 << 30);
        let Ok(d) = d else {
            panic!("expected partial output")
        };
        assert!(d.truncated.is_some());
        assert!(!d.bytes.is_empty());
        assert!(data.starts_with(&d.bytes));
    }
}
