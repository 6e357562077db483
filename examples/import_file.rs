#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // a dev tool, not input handling
//! Imports the given files once each and prints the time: a target for
//! profilers (`perf record`, valgrind) over one import.
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let t = std::time::Instant::now();
        let r = rtcview::import(&bytes);
        println!(
            "{path}: {:?} in {:.1} ms",
            r.as_ref()
                .map(|s| s.peer_connections.len())
                .map_err(|e| e.kind),
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
}
