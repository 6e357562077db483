//! The line-oriented rtcstats importers: the first byte picks the dialect
//! (fileFormat 3 header, jitsi, fippo), the rest is the body.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rtcview::formats::{rtcstats, Sniffed};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let (kind, mut text) = match pick % 3 {
        0 => (Sniffed::RtcstatsV3, b"RTCStatsDump\n{\"fileFormat\":3}\n".to_vec()),
        1 => (Sniffed::RtcstatsJitsi, Vec::new()),
        _ => (Sniffed::RtcstatsLegacyLines, b"{\"fileFormat\":2}\n".to_vec()),
    };
    text.extend_from_slice(body);
    if let Ok(session) = rtcstats::import_lines(&text, kind) {
        let _ = rtcview::summary::summarize(&session);
    }
});
