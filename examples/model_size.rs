#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // a measuring tool: failing loudly is the point
//! Where the model's memory goes: peak and live heap while importing a dump
//! as the worker does and while encoding the transfer, and the columns by
//! storage form (constant, f32, f64).
//!
//!     cargo run --release --example model_size -- <dump>
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Counts live heap bytes and their peak: the wasm build's linear memory
/// grows to the peak and never shrinks, so the peak is what the page pays.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(l.size(), Relaxed) + l.size();
        PEAK.fetch_max(live, Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        unsafe { System.dealloc(p, l) }
    }
}
// Not on wasm32, where the crate's own heap (app/heap.rs) is the global one.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static A: Counting = Counting;

use rtcview::model::{Numbers, Texts};

fn mb(b: usize) -> f64 {
    b as f64 / 1e6
}

fn phase(name: &str) {
    println!(
        "{name}: live {:.0} MB, peak so far {:.0} MB",
        mb(LIVE.load(Relaxed)),
        mb(PEAK.load(Relaxed))
    );
    PEAK.store(LIVE.load(Relaxed), Relaxed);
}

fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let bytes = std::fs::read(&path).unwrap_or_default();
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    // As the worker does it: chunks streamed in, the file never held whole.
    let mut stream = rtcview::formats::ImportStream::new(Default::default());
    for c in bytes.chunks(65536) {
        stream.push(c).expect("imports");
    }
    let s = stream.finish().expect("imports");
    phase("import (file bytes excluded)");
    let summary = rtcview::summary::summarize(&s);
    phase("summary");
    drop(summary);
    // As the worker does it: parts posted (here: dropped) one by one.
    let mut enc = rtcview::transfer::Encoder::new(s.clone(), 4 << 20);
    phase("chart catalog (and a clone of the model for the figures below)");
    let mut wire = 0;
    while let Some(p) = enc.next_part() {
        wire += p.len();
    }
    phase("encode in parts");
    println!("transfer {:.0} MB", mb(wire));
    let (mut rows, mut plain, mut held) = (0usize, 0usize, 0usize);
    let mut forms = std::collections::BTreeMap::<&str, (usize, usize)>::new();
    for pc in &s.peer_connections {
        for o in &pc.stats {
            rows += o.len();
            held += o.heap_bytes();
            plain += o.len() * 8;
            for c in o.columns.values() {
                let form = match &c.numbers {
                    _ if c.numbers.is_empty() => None,
                    Numbers::Const { .. } => Some("numbers const"),
                    Numbers::F32(_) => Some("numbers f32"),
                    Numbers::F64(_) => Some("numbers f64"),
                };
                if let Some(f) = form {
                    let e = forms.entry(f).or_default();
                    e.0 += 1;
                    e.1 += c.numbers.len();
                    plain += c.numbers.len() * 8;
                }
                let form = match &c.texts {
                    _ if c.texts.is_empty() => None,
                    Texts::Const { .. } => Some("texts const"),
                    Texts::Syms(_) => Some("texts per row"),
                };
                if let Some(f) = form {
                    let e = forms.entry(f).or_default();
                    e.0 += 1;
                    e.1 += c.texts.len();
                    plain += c.texts.len() * 4;
                }
            }
        }
    }
    println!("rows {rows}; columns and values by storage form:");
    for (f, (cols, values)) in forms {
        println!("  {f}: {cols} columns, {values} values");
    }
    println!(
        "values held {:.0} MB (times included); {:.0} MB as plain f64/u32 columns",
        mb(held),
        mb(plain)
    );
}
