#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
#![cfg(not(target_arch = "wasm32"))]
//! The worker-to-page transfer format round-trips every session exactly.

mod common;

use rtcview::summary::summarize;
use rtcview::transfer as wire;

fn round_trip(bytes: &[u8], name: &str) {
    let s = rtcview::import(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    let a = wire::encode(&s);
    let back = wire::decode(&a).unwrap_or_else(|| panic!("{name}: does not decode"));
    assert_eq!(wire::encode(&back), a, "{name}: re-encoding differs");
    // The worker's parts, each pushed as it arrives and decoded one stats
    // object per step, give the same session.
    let objects: usize = s.peer_connections.iter().map(|p| p.stats.len()).sum();
    for part_bytes in [1, 4096, 1 << 20] {
        let mut enc = wire::Encoder::new(s.clone(), part_bytes);
        let mut d = wire::Decoder::new();
        let (mut steps, mut parts, mut sent, mut largest) = (0, 0, Vec::new(), 0);
        let mut header_len = 0;
        loop {
            match d.step(1).expect("step") {
                wire::Progress::Working => steps += 1,
                wire::Progress::NeedBytes => match enc.next_part() {
                    Some(p) => {
                        if parts == 0 {
                            header_len = p.len();
                        } else {
                            largest = largest.max(p.len());
                        }
                        parts += 1;
                        sent.extend_from_slice(&p);
                        d.push(&p);
                    }
                    None => d.end(),
                },
                wire::Progress::Done => break,
            }
        }
        assert_eq!(
            sent, a,
            "{name}: parts of {part_bytes} differ from the whole"
        );
        let (stepped, charts) = d.finish_with_charts().expect("finish");
        // The catalog the worker built arrives whole, derived series and all
        // (bitwise: NaN gaps included).
        let expected = rtcview::charts::catalog::metric_charts(&s);
        assert_eq!(
            format!("{charts:?}"),
            format!("{expected:?}"),
            "{name}: charts differ"
        );
        assert_eq!(
            wire::encode(&stepped),
            a,
            "{name}: stepwise decoding differs"
        );
        assert!(
            steps >= objects,
            "{name}: {steps} steps for {objects} objects"
        );
        // A part is cut after the column (or derived series) that fills
        // it: never more than one column over the size asked for, whatever
        // the object's size.
        let unit = s
            .peer_connections
            .iter()
            .flat_map(|p| &p.stats)
            .map(|o| o.len() * 8)
            .max()
            .unwrap_or(0);
        assert!(
            largest <= (part_bytes + unit).max(header_len),
            "{name}: a part of {largest} bytes for parts of {part_bytes}"
        );
        if part_bytes == 1 {
            assert!(
                parts > objects,
                "{name}: {parts} parts for {objects} objects"
            );
        }
    }
    let sa = serde_json::to_value(summarize(&s)).unwrap();
    let sb = serde_json::to_value(summarize(&back)).unwrap();
    assert_eq!(sa, sb, "{name}: summaries differ");
    assert_eq!(back.strings.len(), s.strings.len());
    // Damaged transfers are refused, not misread.
    assert!(
        wire::decode(&a[..a.len() - 1]).is_none(),
        "{name}: truncated transfer accepted"
    );
    let mut longer = a.clone();
    longer.push(0);
    assert!(wire::decode(&longer).is_none());
}

#[test]
fn fixtures_and_sample_round_trip() {
    round_trip(
        include_bytes!("../www/sample/session.rtcstats.gz"),
        "sample",
    );
    round_trip(
        include_bytes!("fixtures/rtcstats/v3-compressed-handmade.rtcstats"),
        "v3 fixture",
    );
    round_trip(
        include_bytes!("fixtures/webrtc-internals/m147-handmade.json"),
        "internals fixture",
    );
}

#[test]
fn every_public_dump_round_trips() {
    let Some(files) = common::public_dumps() else {
        return;
    };
    for f in files {
        round_trip(&std::fs::read(&f).unwrap(), &f.display().to_string());
    }
}

#[test]
fn garbage_is_refused() {
    assert!(wire::decode(b"").is_none());
    assert!(wire::decode(b"RTCVW1").is_none());
    assert!(wire::decode(b"RTCVW1\xff\xff\xff\xff\xff\xff\xff\xff{}").is_none());
    assert!(wire::decode(b"not a transfer at all").is_none());
}
