#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
//! Prints the columns of the stats objects whose id contains a substring:
//! what a dump really holds, column by column (numbers/texts, last values).
//!
//!     cargo run --example columns -- <dump> <id-substring>
fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let id = std::env::args().nth(2).unwrap_or_default();
    let bytes = std::fs::read(&path).unwrap_or_default();
    let s = match rtcview::import(&bytes) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    for pc in &s.peer_connections {
        for o in &pc.stats {
            if o.id.contains(&id) {
                println!("{} {} {:?} n={}", pc.id, o.id, o.stats_type, o.len());
                for (k, c) in &o.columns {
                    println!(
                        "   {k}: nums={} ({:?}) texts={} last_num={:?} last_text={:?}",
                        c.numbers.len(),
                        std::mem::discriminant(&c.numbers),
                        c.texts.len(),
                        o.last_number(k),
                        o.last_text(k, &s.strings)
                    );
                }
            }
        }
    }
}
