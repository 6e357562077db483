#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // a dev tool, not input handling
//! Imports the given files once each and prints the time: a target for
//! profilers (`perf record`, valgrind) over one import; then the main
//! thread's work on the model (chart catalog per connection, summary).
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
        // What the page does on the main thread after the transfer: one
        // chart catalog step per connection, then the summary.
        if let Ok(s) = &r {
            let mut worst = 0.0f64;
            for p in 0..s.peer_connections.len() {
                let t = std::time::Instant::now();
                let charts = rtcview::charts::catalog::metric_charts_of(s, p);
                std::hint::black_box(charts);
                worst = worst.max(t.elapsed().as_secs_f64() * 1000.0);
            }
            let t = std::time::Instant::now();
            std::hint::black_box(rtcview::summary::summarize(s));
            println!(
                "  charts of one connection: at most {worst:.1} ms; summary {:.1} ms",
                t.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
}
