//! Import throughput per file (not a timed test: it prints figures).
//!
//!     cargo bench --bench import [-- <files...>]
//!
//! Default input: every file in `bench-data/` (made by `scripts/bench.sh`).
//! Each file is imported repeatedly (at least 3 times and 2 s); the best run
//! is reported, as MB/s of decoded input. Results also go to
//! `target/bench-import.json` for `scripts/bench-compare.mjs`.

use std::time::Instant;

fn main() {
    let mut files: Vec<std::path::PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .map(Into::into)
        .collect();
    if files.is_empty() {
        if let Ok(dir) = std::fs::read_dir("bench-data") {
            files = dir
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
        }
    }
    files.sort();
    if files.is_empty() {
        eprintln!("no input: run scripts/bench.sh (it generates bench-data/) or pass files");
        return;
    }
    println!(
        "{:<40} {:>9} {:>10} {:>9} {:>7} {:>8}",
        "file", "MB", "best ms", "MB/s", "pcs", "samples"
    );
    let mut results = Vec::new();
    for path in files {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let mb = bytes.len() as f64 / 1e6;
        let mut best = f64::INFINITY;
        let mut runs = 0;
        let started = Instant::now();
        let mut shape = (0usize, 0usize);
        while runs < 3 || (started.elapsed().as_secs_f64() < 2.0 && runs < 20) {
            let t = Instant::now();
            let session = rtcview::import(&bytes);
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            best = best.min(ms);
            if let Ok(s) = &session {
                shape = (
                    s.peer_connections.len(),
                    s.peer_connections
                        .iter()
                        .flat_map(|p| &p.stats)
                        .map(|o| o.len())
                        .sum(),
                );
            }
            drop(session);
            runs += 1;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_string();
        println!(
            "{name:<40} {mb:>9.1} {best:>10.1} {:>9.1} {:>7} {:>8}",
            mb / (best / 1000.0),
            shape.0,
            shape.1
        );
        results.push(
            serde_json::json!({"file": name, "bytes": bytes.len(), "bestMs": best, "runs": runs}),
        );
    }
    let _ = std::fs::create_dir_all("target");
    let _ = std::fs::write(
        "target/bench-import.json",
        serde_json::Value::Array(results).to_string(),
    );
}
