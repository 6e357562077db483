//! What the findings cost next to the import, natively:
//! `cargo run --release --example findings_cost -- FILE...` prints the
//! import, the summary without findings' share, and `findings::analyze`
//! (best of 3 each). The wasm figures are `scripts/bench-wasm.mjs`'s.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// Counts what is allocated, to see what the findings ask of the allocator
/// (the wasm build's dlmalloc is slower at it than the system's).
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
struct Counting;
static BYTES: AtomicUsize = AtomicUsize::new(0);
static COUNT: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        BYTES.fetch_add(l.size(), Relaxed);
        COUNT.fetch_add(1, Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        BYTES.fetch_add(n, Relaxed);
        COUNT.fetch_add(1, Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}
// Not on wasm32, where the crate's own heap (app/heap.rs) is the global one.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static A: Counting = Counting;

fn best<T>(mut f: impl FnMut() -> T) -> (T, f64) {
    let mut out = None;
    let mut ms = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        let v = f();
        ms = ms.min(t.elapsed().as_secs_f64() * 1000.0);
        out = Some(v);
    }
    (out.expect("ran"), ms)
}

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("read");
        let (session, import_ms) = best(|| rtcview::import(&bytes).expect("import"));
        let (_, findings_ms) = best(|| rtcview::findings::analyze(&session));
        let (b0, c0) = (BYTES.load(Relaxed), COUNT.load(Relaxed));
        let analysis = rtcview::findings::analyze(&session);
        let (mb, n) = (
            (BYTES.load(Relaxed) - b0) as f64 / 1e6,
            COUNT.load(Relaxed) - c0,
        );
        println!(
            "{path}: import {import_ms:.0} ms, findings {findings_ms:.0} ms ({:.1} %), {} findings; findings allocate {mb:.0} MB in {n} allocations",
            100.0 * findings_ms / import_ms,
            analysis.findings.len()
        );
    }
}
