//! The webrtc-internals importer (and its damaged-document salvage), reached
//! directly so every input is a JSON-document candidate.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(session) = rtcview::formats::webrtc_internals::import_document(data) {
        let _ = rtcview::summary::summarize(&session);
    }
});
