//! Whole pipeline on arbitrary bytes: sniff, gunzip, any importer, summary.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = rtcview::ImportOptions { max_decoded_bytes: 1 << 22 };
    if let Ok(session) = rtcview::import_with(data, &options) {
        let _ = serde_json::to_string(&rtcview::summary::summarize(&session));
    }
});
