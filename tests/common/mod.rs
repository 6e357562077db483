#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
//! Shared test helpers: where the public dumps live.
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared/dumps/public` next to the repository, if present.
pub fn public_dumps_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/dumps/public");
    dir.is_dir().then_some(dir)
}

/// Every dump file in the public set (SOURCES.md excluded), sorted; `None`
/// (with a message) when the folder is absent.
pub fn public_dumps() -> Option<Vec<PathBuf>> {
    let Some(dir) = public_dumps_dir() else {
        eprintln!("SKIPPED: ../shared/dumps/public is absent; the real-dump tests did not run");
        return None;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "SOURCES.md"))
        .collect();
    files.sort();
    Some(files)
}

pub fn public_dump(name: &str) -> Option<Vec<u8>> {
    let Some(dir) = public_dumps_dir() else {
        eprintln!("SKIPPED: ../shared/dumps/public is absent");
        return None;
    };
    std::fs::read(dir.join(name)).ok()
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).expect("gzip in memory");
    e.finish().expect("gzip in memory")
}
