#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
#![cfg(not(target_arch = "wasm32"))]
//! The hand-written getStats scanner against serde_json: every line the
//! scanner accepts parses to the same thing with serde_json alone, bit for
//! bit (numbers compared by their bits, so `-0` and rounding count), and
//! the lines it is for are in fact read by it.

mod common;

use proptest::prelude::*;
use rtcview::formats::rtcstats::line::SHAPE;
use rtcview::json::flat::PVal;
use rtcview::json::lines::{ArrayLine as Line, Payload};
use rtcview::json::scan::values_array;

/// An rtcstats getStats line by the scanner (`None`: left to serde_json).
fn stats_line(text: &[u8]) -> Option<Line<'_>> {
    rtcview::json::scan::array_line(text, SHAPE)
}

/// The same line by serde_json alone.
fn parse_line_serde(text: &[u8]) -> Result<Option<Line<'_>>, serde_json::Error> {
    rtcview::json::lines::parse_line_serde(text, SHAPE)
}
use std::io::Read;

/// A line's parse as text; `{:?}` of an f64 keeps its sign and every digit
/// needed to tell two values apart.
fn shown(line: &Line<'_>) -> String {
    format!("{line:?}")
}

/// `Some(true)`: the scanner read the line (and agrees with serde_json);
/// `Some(false)`: it left the line to serde_json. Panics on disagreement.
fn check(text: &[u8]) -> bool {
    let Some(fast) = stats_line(text) else {
        return false;
    };
    match parse_line_serde(text) {
        Ok(Some(slow)) => assert_eq!(
            shown(&fast),
            shown(&slow),
            "line {:?}",
            String::from_utf8_lossy(text)
        ),
        other => panic!(
            "scanner accepted a line serde_json reads as {other:?}: {:?}",
            String::from_utf8_lossy(text)
        ),
    }
    true
}

#[test]
fn common_lines_are_scanned_and_agree() {
    let scanned: &[&[u8]] = &[
        br#"["g","PC_0",{"t":5,"0":{"type":1,"80":10,"k":"a\"b","q":{"cpu":1}},"1":null},12]"#,
        br#"[1,"PC_0",{"0":{"80":4054.0,"88":94828.65000000001,"94":0.05,"x":-0.0,"y":-0,"z":1e3}},1770000000000.0]"#,
        br#"["getStats","1-2",{"OT01V":{"timestamp":1770000000123.456,"kind":"video","ok":true,"no":false,"n":null}},5]"#,
        br#" [ "g" , "PC_1" , { "t" : 1.5 , "3" : { "a" : [1, {"b": 2}] , "u" : "h\u00e9\u20ac\ud83d\ude00" } } , 0.25 ] "#,
        "[\"g\",\"PC_0\",{\"0\":{\"label\":\"caméra ünïcode\"}},1]".as_bytes(),
        br#"["g","PC_0",{},1]"#,
        br#"["g","PC_0",{"0":{}},1]"#,
        br#"["g",null,{"0":{"n":123456789012345678901234567890,"m":18446744073709551615,"k":9999999999999999999,"j":-9223372036854775809}},1]"#,
        br#"["g","PC_0",{"0":{"a":0.1,"b":0.30000000000000004,"c":2.2250738585072014e-308,"d":5e-324,"e":1.7976931348623157e308,"f":123456789012345.6,"g":0.000000000000000000000001}},1]"#,
        br#"["g","PC_0",{"0":"text","1":7,"2":[1,2]},1]"#,
        // Around Clinger's bound: 16-19 digits whose mantissa fits 53 bits or not.
        br#"["g","PC_0",{"0":{"a":1770000000123.456,"b":9007199254740.992,"c":9007199254740.993,"d":0.9007199254740992,"e":9.999999999999999999,"f":123456789.0123456789}},1]"#,
        br#"["g","PC_0",{"t":"not a number","0":{"t":3}},1,2,3]"#,
    ];
    for text in scanned {
        assert!(
            check(text),
            "not scanned: {}",
            String::from_utf8_lossy(text)
        );
    }
    // Left to serde_json, which gives the error or the other reading.
    let left: &[&[u8]] = &[
        br#"["create","PC_0",{},1]"#,
        br#"["g","PC_0",[1,2],1]"#,
        br#"["g","PC_0"]"#,
        br#"["g","PC_0",{"0":{"a":01}},1]"#,
        br#"["g","PC_0",{"0":{"a":1.}},1]"#,
        br#"["g","PC_0",{"0":{"a":.5}},1]"#,
        br#"["g","PC_0",{"0":{"a":1e400}},1]"#,
        br#"["g","PC_0",{"0":{"a":+1}},1]"#,
        br#"["g","PC_0",{"0":{"a":1,}},1]"#,
        br#"["g","PC_0",{"0":{"a":"tab	inside"}},1]"#,
        br#"["g","PC_0",{"0":{"a":"bad \x escape"}},1]"#,
        br#"["g","PC_0",{"0":{"a":tru}},1]"#,
        br#"["g","PC_0",{"0":{"a":1}},1] x"#,
        br#"["g","PC_0",{"0":{"a":1}},1"#,
        b"[\"g\",\"PC_0\",{\"0\":{\"a\":\"\xff\"}},1]",
    ];
    for text in left {
        assert!(
            stats_line(text).is_none(),
            "scanned: {}",
            String::from_utf8_lossy(text)
        );
    }
}

/// The text of a dump file, gunzipped when it is gzip.
fn text_of(path: &std::path::Path) -> Vec<u8> {
    let raw = std::fs::read(path).expect("readable dump");
    if !raw.starts_with(&[0x1f, 0x8b]) {
        return raw;
    }
    let mut text = Vec::new();
    let _ = flate2::read::MultiGzDecoder::new(&raw[..]).read_to_end(&mut text);
    text
}

/// Every line of a dump that serde_json reads as a getStats line is read
/// by the scanner, to the same thing; returns how many there were.
fn every_stats_line_scanned(text: &[u8]) -> usize {
    let mut n = 0;
    for line in text.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line).trim_ascii();
        let stats = matches!(
            parse_line_serde(line),
            Ok(Some(Line {
                payload: Payload::Flat(_),
                ..
            }))
        );
        assert_eq!(check(line), stats, "{}", String::from_utf8_lossy(line));
        n += usize::from(stats);
    }
    n
}

/// The bundled sample (recorded in headless Chromium by
/// scripts/record-sample.mjs: Chrome-style full `getStats` reports).
#[test]
fn sample_session_lines_agree() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/sample/session.rtcstats.gz");
    assert!(every_stats_line_scanned(&text_of(&path)) >= 60);
}

/// Every line of every public dump (only the Chrome-written one has
/// getStats lines of this shape; jitsi's `getstats` lines are read as
/// `Value`s by the jitsi importer).
#[test]
fn public_dump_lines_agree() {
    let Some(files) = common::public_dumps() else {
        return;
    };
    let scanned: usize = files
        .iter()
        .map(|p| every_stats_line_scanned(&text_of(p)))
        .sum();
    assert!(
        scanned >= 117,
        "the scanner read only {scanned} lines of the public dumps"
    );
}

/// Number spellings: plain, signed, fractions, exponents, long mantissas.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:?}")),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
        (0u64..100_000_000, 0u32..25).prop_map(|(m, k)| {
            let s = m.to_string();
            let k = (k as usize).min(s.len().saturating_sub(1));
            format!("{}.{}", &s[..s.len() - k], &s[s.len() - k..]).replace(".$", "")
        }),
        "-?(0|[1-9][0-9]{0,24})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?",
    ]
}

fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9_]{0,8}",
        "[ -~]{0,8}".prop_map(|s| serde_json::to_string(&s).unwrap()[1..]
            .trim_end_matches('"')
            .to_string()),
        "\\PC{0,6}".prop_map(|s| serde_json::to_string(&s).unwrap()[1..]
            .trim_end_matches('"')
            .to_string()),
        Just("\\u00e9\\n\\\"".to_string()),
    ]
    .prop_map(|s| format!("\"{s}\""))
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => number(),
        2 => string(),
        1 => Just("true".to_string()),
        1 => Just("false".to_string()),
        1 => Just("null".to_string()),
    ]
}

fn value() -> impl Strategy<Value = String> {
    scalar().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec((string(), inner.clone()), 0..4).prop_map(|m| {
                let body: Vec<String> = m.iter().map(|(k, v)| format!("{k}:{v}")).collect();
                format!("{{{}}}", body.join(","))
            }),
            prop::collection::vec(inner, 0..4).prop_map(|a| format!("[{}]", a.join(","))),
        ]
    })
}

fn ws() -> impl Strategy<Value = &'static str> {
    prop_oneof![8 => Just(""), 1 => Just(" "), 1 => Just("\t\r\n ")]
}

fn report() -> impl Strategy<Value = String> {
    prop::collection::vec((string(), value(), ws()), 0..6).prop_map(|m| {
        let body: Vec<String> = m
            .iter()
            .map(|(k, v, w)| format!("{w}{k}{w}:{w}{v}{w}"))
            .collect();
        format!("{{{}}}", body.join(","))
    })
}

fn line() -> impl Strategy<Value = String> {
    let entry = prop_oneof![
        6 => report(),
        1 => Just("null".to_string()),
        1 => value(),
    ];
    (
        prop_oneof![
            Just("\"g\""),
            Just("1"),
            Just("\"getStats\""),
            Just("\"getstats\"")
        ],
        prop_oneof![
            Just("\"PC_0\"".to_string()),
            Just("null".to_string()),
            number()
        ],
        prop::collection::vec(
            (prop_oneof![Just("\"t\"".to_string()), string()], entry),
            0..5,
        ),
        prop::collection::vec(scalar(), 0..3),
        ws(),
    )
        .prop_map(|(m, pc, entries, rest, w)| {
            let body: Vec<String> = entries.iter().map(|(k, v)| format!("{k}:{v}")).collect();
            let mut s = format!("[{m},{w}{pc},{{{}}}", body.join(&format!(",{w}")));
            for r in rest {
                s.push(',');
                s.push_str(&r);
            }
            s.push(']');
            s
        })
}

/// `Some(true)`: the scanner read the `values` text (and agrees with
/// serde_json's `Vec<PVal>`); `Some(false)`: it left it to serde_json.
fn check_values(text: &str) -> bool {
    let Some(fast) = values_array(text) else {
        return false;
    };
    match serde_json::from_str::<Vec<PVal>>(text) {
        Ok(slow) => assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{text}"),
        Err(e) => panic!("scanner accepted values serde_json refuses ({e}): {text}"),
    }
    true
}

#[test]
fn values_arrays_agree() {
    for text in [
        "[]",
        " [ 1 , 2.5 , -0 ] ",
        r#"["audio","vid\"eo",null,true,{"a":[1]},[2]]"#,
    ] {
        assert!(check_values(text), "not scanned: {text}");
    }
    for text in ["[1,]", "[01]", "[1] 2", "{}", "[\"a]", ""] {
        assert!(values_array(text).is_none(), "scanned: {text}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Generated `values` texts: read by the scanner whenever serde_json
    /// reads them, and to the same values; damaged ones agree or are left.
    #[test]
    fn generated_values_agree(items in prop::collection::vec(value(), 0..8), w in ws(), at in any::<prop::sample::Index>(), byte in any::<u8>(), damage in any::<bool>()) {
        let text = format!("[{}]", items.join(&format!(",{w}")));
        let read = check_values(&text);
        prop_assert_eq!(read, serde_json::from_str::<Vec<PVal>>(&text).is_ok(), "{}", text);
        if damage {
            let mut bytes = text.into_bytes();
            let i = at.index(bytes.len());
            bytes[i] = byte;
            if let Ok(damaged) = String::from_utf8(bytes) {
                check_values(&damaged);
            }
        }
    }

    /// Generated lines: every one serde_json reads as a getStats line (the
    /// generator writes object payloads, shallow, numbers in range) is read
    /// by the scanner too, and to the same thing.
    #[test]
    fn generated_lines_agree(text in line()) {
        let read = check(text.as_bytes());
        let stats = matches!(
            parse_line_serde(text.as_bytes()),
            Ok(Some(Line { payload: Payload::Flat(_), .. }))
        );
        prop_assert_eq!(read, stats, "{}", text);
    }

    /// The same lines with one byte changed, removed or added: the scanner
    /// either leaves the line to serde_json or agrees with it.
    #[test]
    fn damaged_lines_agree(text in line(), at in any::<prop::sample::Index>(), byte in prop_oneof![Just(b'"'), Just(b'\\'), Just(b','), Just(b'}'), Just(b'0'), Just(b'.'), Just(b'e'), Just(0xff), any::<u8>()], op in 0u8..3) {
        let mut bytes = text.into_bytes();
        let i = at.index(bytes.len() + 1);
        match op {
            0 if i < bytes.len() => bytes[i] = byte,
            1 if i < bytes.len() => { bytes.remove(i); }
            _ => bytes.insert(i, byte),
        }
        check(&bytes);
    }
}
