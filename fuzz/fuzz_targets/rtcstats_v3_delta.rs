//! The fileFormat 3 getStats delta decoder on arbitrary JSON objects, poll
//! after poll against the same base.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rtcview::formats::rtcstats::delta::{decode_v3, Reports};

fuzz_target!(|data: &[u8]| {
    let mut base = Reports::new();
    for line in data.split(|&b| b == b'\n') {
        if let Ok(serde_json::Value::Object(delta)) = serde_json::from_slice(line) {
            decode_v3(&mut base, delta);
        }
    }
});
