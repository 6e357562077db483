#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
#![cfg(not(target_arch = "wasm32"))]
//! The native CLI: `rtcview summary <file|->`.

use std::io::Write;
use std::process::{Command, Stdio};

fn rtcview(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rtcview"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn summary_of_a_file_is_one_json_document() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/rtcstats/v3-compressed-handmade.rtcstats"
    );
    let (code, out, err) = rtcview(&["summary", path], b"");
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    assert_eq!(v["schema"], "rtcview-summary/1");
    assert_eq!(v["source"]["format"], "rtcstats");
    assert_eq!(v["peerConnections"][0]["rtp"][0]["codec"], "opus");
    assert_eq!(v["getUserMedia"][0]["outcome"], "success");
    assert!(v["diagnostics"].as_array().is_some_and(|d| d.is_empty()));
}

#[test]
fn summary_reads_stdin_and_reports_partial_imports_with_exit_0() {
    let data = include_bytes!("fixtures/rtcstats/v3-compressed-handmade.rtcstats");
    let (code, out, _) = rtcview(&["summary", "-"], &data[..data.len() - 150]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["diagnostics"][0]["kind"], "truncated");
    assert!(v["diagnostics"][0]["line"].is_number());
}

#[test]
fn unreadable_input_exits_2_with_the_kind() {
    let (code, out, err) = rtcview(&["summary", "-"], b"this is not a dump");
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.starts_with("error[unrecognized]: not a WebRTC dump"),
        "{err}"
    );
    let (code, _, err) = rtcview(&["summary", "-"], b"");
    assert_eq!(code, 2);
    assert!(err.starts_with("error[empty]:"), "{err}");
    let (code, _, _) = rtcview(&["summary"], b"");
    assert_eq!(code, 64);
}
