#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
#![cfg(not(target_arch = "wasm32"))]
//! `rtcview redact` over every recorded scenario and every public dump:
//! the copy holds no address that is not a documentation address and no
//! ICE credential, TURN credential or device label of the input, and it
//! gives the same summary as the input, up to what was redacted (addresses
//! compared masked, as the embedded viewer masks them).

mod common;

use rtcview::redact::{addresses, redact, Options};
use serde_json::Value;
use std::path::Path;

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return bytes.to_vec();
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The summary, masked as the embedded viewer masks it, without what
/// redaction changes by design (the file's size).
fn masked_summary(bytes: &[u8]) -> Value {
    let mut session = rtcview::import(bytes).unwrap();
    rtcview::embed::mask::mask_session(&mut session);
    let mut v = serde_json::to_value(rtcview::summary::summarize(&session)).unwrap();
    for pointer in ["/source", "/sources/0"] {
        let source = v.pointer_mut(pointer).unwrap().as_object_mut().unwrap();
        source.remove("bytes");
        source.remove("decodedBytes");
    }
    // Page URLs lose their query and fragment.
    for pc in v["peerConnections"].as_array_mut().unwrap() {
        if let Some(url) = pc["url"].as_str() {
            let bare = url.split(['?', '#']).next().unwrap_or_default().to_string();
            pc["url"] = Value::String(bare);
        }
    }
    v
}

/// Secrets of the input that must not survive: ICE ufrags and passwords
/// from the SDP, TURN credentials and labels.
fn secrets_of(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["a=ice-ufrag:", "a=ice-pwd:"] {
        for (at, _) in text.match_indices(attr) {
            let value: String = text[at + attr.len()..]
                .chars()
                .take_while(|c| !matches!(c, '\\' | '\r' | '\n' | '"' | ' '))
                .collect();
            // Short ones (`a=ice-ufrag:a`) occur everywhere as text.
            if value.len() >= 4 {
                found.push(value);
            }
        }
    }
    for key in [
        "\"credential\":\"",
        "\\\"credential\\\":\\\"",
        "\"label\":\"",
        "\\\"label\\\":\\\"",
    ] {
        for (at, _) in text.match_indices(key) {
            let value: String = text[at + key.len()..]
                .chars()
                .take_while(|c| !matches!(c, '\\' | '"'))
                .collect();
            if value.len() >= 4 {
                found.push(value);
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn redacted_dumps_leak_nothing_and_read_the_same() {
    let files = common::every_dump();
    assert!(files.len() > 50, "{} inputs", files.len());
    // Two debug-built imports per file: spread over the cores.
    let failures = common::check_in_parallel(&files, check);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What is wrong with the redacted copy of one file.
fn check(path: &Path) -> Vec<String> {
    let mut failures = Vec::new();
    {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).unwrap();
        let text = gunzip(&bytes);
        let (redacted, report) = redact(&text, Options::default());
        let leaks = addresses::leaks(&redacted, false);
        if !leaks.is_empty() {
            failures.push(format!("{name}: leaks {leaks:?}"));
        }
        if report.guarded > 0 {
            failures.push(format!(
                "{name}: the guard pass replaced {}",
                report.guarded
            ));
        }
        let redacted_text = String::from_utf8_lossy(&redacted);
        let original = String::from_utf8_lossy(&text);
        // Data channels' names are the application's, and kept where they
        // are arguments (createDataChannel, ondatachannel).
        let channel_lines: Vec<&str> = original
            .lines()
            .filter(|l| l.contains("DataChannel\"") || l.contains("datachannel\""))
            .collect();
        for secret in secrets_of(&original) {
            let quoted = [format!("\"{secret}\""), format!("\\\"{secret}\\\"")];
            if channel_lines.iter().any(|l| l.contains(&quoted[0])) {
                continue;
            }
            if quoted.iter().any(|q| redacted_text.contains(q.as_str()))
                || (secret.len() >= 16 && redacted_text.contains(&secret))
            {
                failures.push(format!("{name}: {secret:?} survived"));
            }
        }
        let mut differ = Vec::new();
        common::differences(
            &masked_summary(&text),
            &masked_summary(&redacted),
            "",
            &mut differ,
        );
        if !differ.is_empty() {
            differ.truncate(8);
            failures.push(format!(
                "{name}: summaries differ:\n  {}",
                differ.join("\n  ")
            ));
        }
    }
    failures
}
