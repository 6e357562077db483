//! The hand-written scanner against serde_json on arbitrary text: whatever
//! the scanner accepts (a getStats line, a `values` array) serde_json reads
//! to the same thing, bit for bit (`{:?}` of an f64 keeps every bit that
//! matters, and the sign of zero).
#![no_main]
use libfuzzer_sys::fuzz_target;
use rtcview::json::flat::PVal;
use rtcview::formats::rtcstats::line::SHAPE;
use rtcview::json::lines::parse_line_serde;
use rtcview::json::scan::{array_line, values_array};

fuzz_target!(|data: &[u8]| {
    if let Some(fast) = array_line(data, SHAPE) {
        match parse_line_serde(data, SHAPE) {
            Ok(Some(slow)) => assert_eq!(format!("{fast:?}"), format!("{slow:?}")),
            other => panic!("scanner read a line serde_json reads as {other:?}"),
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(fast) = values_array(text) {
            match serde_json::from_str::<Vec<PVal>>(text) {
                Ok(slow) => assert_eq!(format!("{fast:?}"), format!("{slow:?}")),
                Err(e) => panic!("scanner read values serde_json refuses: {e}"),
            }
        }
    }
});
