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

/// The worker's size check reads the importer's own limit and wording.
#[wasm_bindgen_test]
fn the_input_limit_comes_from_the_importer() {
    let limit = rtcview::formats::ImportOptions::default().max_decoded_bytes;
    assert_eq!(rtcview::app::max_input_bytes(), limit as f64);
    assert_eq!(
        rtcview::app::too_large_message(1.5 * 1024.0 * 1024.0 * 1024.0),
        "too large (1536.0 MB; limit 1024 MB)"
    );
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

fn canvas(width: u32, height: u32) -> web_sys::HtmlCanvasElement {
    let doc = web_sys::window()
        .expect("window")
        .document()
        .expect("document");
    let c: web_sys::HtmlCanvasElement = doc
        .create_element("canvas")
        .expect("canvas")
        .dyn_into()
        .expect("a canvas");
    c.set_width(width);
    c.set_height(height);
    doc.body()
        .expect("body")
        .append_child(&c)
        .expect("attached");
    c
}

fn inked(c: &web_sys::HtmlCanvasElement) -> usize {
    let ctx: web_sys::CanvasRenderingContext2d = c
        .get_context("2d")
        .expect("ctx")
        .expect("2d")
        .dyn_into()
        .expect("2d context");
    let data = ctx
        .get_image_data(0.0, 0.0, f64::from(c.width()), f64::from(c.height()))
        .expect("pixels")
        .data();
    data.chunks(4)
        .filter(|p| p[0] < 200 || p[1] < 200 || p[2] < 200)
        .count()
}

#[wasm_bindgen_test]
fn viewer_draws_charts_on_canvas_at_device_pixel_ratio() {
    let mut v = rtcview::app::Viewer::open(V3).expect("imports");
    let charts: serde_json::Value = serde_json::from_str(&v.charts(false)).expect("json");
    let id = charts
        .as_array()
        .and_then(|a| a.iter().find(|c| c["title"] == "Bitrate"))
        .expect("a bitrate chart")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let range = v.time_range();
    assert_eq!(range.len(), 2);
    for (scale, w, h) in [(1.0, 480, 150), (2.0, 960, 300)] {
        let c = canvas(w, h);
        let rect = v
            .draw_chart(
                &c,
                &id,
                range[0],
                range[1],
                Some(range[0] + 2000.0),
                None,
                scale,
                false,
                Some(vec![range[0] + 1000.0, range[0] + 3000.0]),
                None,
            )
            .expect("draws");
        // The plot area sits inside the canvas, leaving room for the axes.
        assert!(
            rect[0] > 0.0 && rect[1] <= f64::from(w) && rect[0] < rect[1],
            "{rect:?}"
        );
        assert!(
            rect[0] >= 40.0 * scale,
            "label area scales with the pixel ratio: {rect:?}"
        );
        assert!(inked(&c) > 300, "nothing drawn at scale {scale}");
    }
    let readout: serde_json::Value =
        serde_json::from_str(&v.values_at(&id, range[0] + 2500.0)).expect("json");
    assert_eq!(readout[0]["value"], 64.0);
    assert!(v
        .draw_chart(
            &canvas(10, 10),
            "no/such/chart",
            0.0,
            1.0,
            None,
            None,
            1.0,
            false,
            None,
            None
        )
        .is_err());
}

#[wasm_bindgen_test]
fn viewer_panels_are_json() {
    let v = rtcview::app::Viewer::open(V3).expect("imports");
    let events: serde_json::Value = serde_json::from_str(&v.events(0)).expect("json");
    assert!(events.as_array().is_some_and(|e| e.len() > 5));
    let sdp: serde_json::Value = serde_json::from_str(&v.descriptions(0)).expect("json");
    assert_eq!(sdp[0]["sections"][0]["codecs"][0], "opus/48000/2");
    let pairs: serde_json::Value = serde_json::from_str(&v.candidate_pairs(0)).expect("json");
    assert_eq!(pairs[0]["selected"], true);
    let lanes: serde_json::Value = serde_json::from_str(&v.lanes(0)).expect("json");
    assert_eq!(lanes.as_array().map(Vec::len), Some(4));
    let err = rtcview::app::Viewer::open(b"")
        .map(|_| ())
        .expect_err("empty");
    let err: js_sys::Error = err.dyn_into().expect("Error");
    assert_eq!(String::from(err.name()), "empty");
}

/// The heap grows geometrically (src/app/heap.rs): a hundred live
/// row-long vectors of 300 KB grow the memory a few times, not once each
/// (std's dlmalloc grew it by each one's shortfall: a hundred growths).
#[wasm_bindgen_test]
fn the_heap_grows_by_an_eighth_not_by_each_allocation() {
    let mut growths = 0;
    let mut pages = core::arch::wasm32::memory_size::<0>();
    let mut live: Vec<Vec<f64>> = Vec::new();
    for _ in 0..100 {
        live.push(vec![1.0; 300_000 / 8]);
        let now = core::arch::wasm32::memory_size::<0>();
        if now != pages {
            growths += 1;
            pages = now;
        }
    }
    assert_eq!(live.len(), 100);
    assert!(growths <= 20, "{growths} growths for 100 allocations");
    assert!(
        growths >= 1,
        "30 MB fit without growing: the test proves nothing"
    );
    assert_eq!(rtcview::app::heap::grow_pages(1, 16), 16);
    assert_eq!(rtcview::app::heap::grow_pages(1, 1024), 128);
    assert_eq!(rtcview::app::heap::grow_pages(20 << 20, 1024), 320);
}
