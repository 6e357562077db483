#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
//! Browser tests of the app layer (wasm-bindgen-test in headless Chromium).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const V3: &[u8] = include_bytes!("fixtures/rtcstats/v3-compressed-handmade.rtcstats");

#[wasm_bindgen_test]
fn summarizes_a_dump_in_the_browser() {
    let json = rtcview::app::summarize_dump(V3).expect("imports");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["schema"], "rtcview-summary/1");
    assert_eq!(
        v["peerConnections"][0]["rtp"][0]["bitrateKbps"]["mean"],
        64.0
    );
}

#[wasm_bindgen_test]
fn errors_reach_js_with_their_kind() {
    let err = rtcview::app::summarize_dump(b"not a dump").expect_err("must fail");
    let err: js_sys::Error = err.dyn_into().expect("a JS Error");
    assert_eq!(String::from(err.name()), "unrecognized");
    assert!(String::from(err.message()).starts_with("not a WebRTC dump"));
}

#[wasm_bindgen_test]
fn gzip_works_in_wasm() {
    // flate2's pure-Rust backend must work on wasm32 too.
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut z, V3).expect("gzip");
    let gz = z.finish().expect("gzip");
    let json = rtcview::app::summarize_dump(&gz).expect("imports gzip");
    assert!(json.contains("\"gzip\":true"));
}
