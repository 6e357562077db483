#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a development aid: failing loudly is fine
//! Prints the values of a stats property over time (a development aid).
//! cargo run --example inspect -- FILE PC_ID STATS_ID PROPERTY [PROPERTY...]
fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let bytes = std::fs::read(&a[0]).expect("readable");
    let s = rtcview::import(&bytes).expect("imports");
    let pc = s.peer_connection(&a[1]).expect("pc");
    let o = pc.stats_object(&a[2]).expect("object");
    for i in 0..o.len() {
        let vals: Vec<String> = a[3..]
            .iter()
            .map(|p| {
                let c = o.column(p);
                c.and_then(|c| {
                    c.number(i)
                        .map(|v| v.to_string())
                        .or_else(|| c.text(i, &s.strings).map(str::to_string))
                })
                .unwrap_or_else(|| "-".into())
            })
            .collect();
        println!("{:.0} {}", o.times_ms[i], vals.join(" "));
    }
}
