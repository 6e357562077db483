//! Transport detection, from magic bytes (never from a file name). The
//! gzip decoding itself streams, in [`super::stream`].

use crate::error::{ImportError, Kind};

pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
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
