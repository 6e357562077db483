#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
#![cfg(not(target_arch = "wasm32"))]
//! The same Chrome 144 session is in the public set twice: as a
//! webrtc-internals dump and as Chrome's own rtcstats dump. Both imports must
//! give the same raw series for the same stats objects and properties.

mod common;

use rtcview::model::{Interner, StatsObject};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
enum V {
    N(f64),
    T(String),
}

fn value_at(o: &StatsObject, prop: &str, i: usize, s: &Interner) -> Option<V> {
    let c = o.column(prop)?;
    if let Some(n) = c.number(i) {
        return Some(V::N(n));
    }
    c.text(i, s).map(|t| V::T(t.to_string()))
}

/// webrtc-internals turned numeric-looking strings into numbers (`mid` "0"
/// -> 0) and rounds 64-bit integers; compare modulo that.
fn same(a: &V, b: &V) -> bool {
    match (a, b) {
        (V::N(x), V::N(y)) => x == y || ((x - y).abs() / x.abs().max(1.0) < 1e-12),
        (V::T(x), V::T(y)) => x == y,
        (V::N(x), V::T(t)) | (V::T(t), V::N(x)) => t.parse::<f64>().ok() == Some(*x),
    }
}

#[test]
fn internals_and_chrome_rtcstats_agree_on_raw_series() {
    let (Some(internals), Some(rtcstats)) = (
        common::public_dump("internals-chrome144-2pc.txt"),
        common::public_dump("rtcstats-v3-chromenative-chrome144-2pc.txt"),
    ) else {
        return;
    };
    let a = rtcview::import(&internals).expect("internals imports");
    let b = rtcview::import(&rtcstats).expect("rtcstats imports");
    assert_eq!(a.peer_connections.len(), 2);
    let mut compared = 0usize;
    let mut mismatches: BTreeMap<String, usize> = BTreeMap::new();
    for pa in &a.peer_connections {
        let pb = b
            .peer_connection(&pa.id)
            .unwrap_or_else(|| panic!("pc {} missing from rtcstats", pa.id));
        let mut objects = 0;
        for oa in &pa.stats {
            let Some(ob) = pb.stats_object(&oa.id) else {
                continue;
            };
            objects += 1;
            assert_eq!(oa.stats_type, ob.stats_type, "{}", oa.id);
            // Index rtcstats rows by time.
            let rows_b: BTreeMap<u64, usize> = ob
                .times_ms
                .iter()
                .enumerate()
                .map(|(i, t)| (t.to_bits(), i))
                .collect();
            let mut common_times = 0;
            for (ia, t) in oa.times_ms.iter().enumerate() {
                let Some(&ib) = rows_b.get(&t.to_bits()) else {
                    continue;
                };
                common_times += 1;
                for prop in oa.columns.keys().filter(|p| !p.starts_with('[')) {
                    let (Some(va), Some(vb)) = (
                        value_at(oa, prop, ia, &a.strings),
                        value_at(ob, prop, ib, &b.strings),
                    ) else {
                        continue;
                    };
                    compared += 1;
                    if !same(&va, &vb) {
                        *mismatches.entry(format!("{}.{prop}", oa.id)).or_default() += 1;
                    }
                }
            }
            assert!(
                common_times > 0 || oa.len() <= 1,
                "{}: no common timestamps",
                oa.id
            );
        }
        assert!(
            objects >= 20,
            "pc {}: only {objects} stats objects in common",
            pa.id
        );
    }
    assert!(compared > 25_000, "only {compared} points compared");
    assert!(
        mismatches.is_empty(),
        "{} of {compared} points differ: {mismatches:?}",
        mismatches.values().sum::<usize>()
    );
}

/// The same session's two dumps give the same verdict: the same finding
/// kinds on the same streams, the same rules able to run, the same score.
/// (This session is a clean call: no finding either way; the scenario
/// corpus compares the two downloads on impaired calls.)
#[test]
fn internals_and_chrome_rtcstats_agree_on_findings() {
    let (Some(internals), Some(rtcstats)) = (
        common::public_dump("internals-chrome144-2pc.txt"),
        common::public_dump("rtcstats-v3-chromenative-chrome144-2pc.txt"),
    ) else {
        return;
    };
    let verdict = |bytes: &[u8]| {
        let s = rtcview::import(bytes).expect("imports");
        let a = rtcview::findings::analyze(&s);
        let checks: Vec<(&str, bool)> = a.checks.iter().map(|c| (c.kind, c.checked)).collect();
        let mut k: Vec<(String, Option<String>, Option<String>)> = a
            .findings
            .iter()
            .map(|f| {
                (
                    f.kind.to_string(),
                    f.peer_connection.clone(),
                    f.stream.as_ref().map(|s| s.stats_id.clone()),
                )
            })
            .collect();
        k.sort();
        k.dedup();
        (k, checks, a.score.overall.map(f64::round))
    };
    let (a, b) = (verdict(&internals), verdict(&rtcstats));
    assert_eq!(a, b);
    assert!(
        a.1.iter().filter(|c| c.1).count() >= 20,
        "most rules ran: {:?}",
        a.1
    );
    assert!(a.2.is_some(), "the call was scored");
}
