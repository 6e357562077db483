#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
#![cfg(not(target_arch = "wasm32"))]
//! Every real dump in ../shared/dumps/public imports without error, and its
//! summary is snapshot-tested. The importer never sees a file name; the
//! snapshot is keyed by file name only to find it again.

mod common;

use rtcview::summary::summarize;
use serde_json::Value;

/// Masks what could identify a person or a host in snapshots (the dumps are
/// not ours: some hold real IPs and URLs): ICE server hosts keep their scheme,
/// page URLs keep their scheme.
fn redact(mut v: Value) -> Value {
    if let Some(pcs) = v.get_mut("peerConnections").and_then(Value::as_array_mut) {
        for pc in pcs {
            if let Some(servers) = pc.get_mut("iceServers").and_then(Value::as_array_mut) {
                for s in servers {
                    if let Some(text) = s.as_str() {
                        let scheme = text.split(':').next().unwrap_or("");
                        *s = Value::String(format!("{scheme}:[host]"));
                    }
                }
            }
            if let Some(url) = pc.get_mut("url") {
                if let Some(text) = url.as_str() {
                    let scheme = text.split(':').next().unwrap_or("");
                    *url = Value::String(format!("{scheme}:[url]"));
                }
            }
        }
    }
    v
}

#[test]
fn every_public_dump_imports_and_matches_its_snapshot() {
    let Some(files) = common::public_dumps() else {
        return;
    };
    assert!(
        files.len() >= 40,
        "expected the 40 public dumps, found {}",
        files.len()
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/public");
    let _guard = settings.bind_to_scope();
    for path in files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let bytes = std::fs::read(&path).expect("readable dump");
        let session =
            rtcview::import(&bytes).unwrap_or_else(|e| panic!("{name}: {e} [{}]", e.kind));
        let summary = serde_json::to_value(summarize(&session)).expect("serializable");
        let errors: Vec<_> = session
            .diagnostics
            .iter()
            .filter(|d| d.severity == rtcview::error::Severity::Error)
            .collect();
        assert!(
            errors.is_empty(),
            "{name}: error diagnostics on a good dump: {errors:?}"
        );
        insta::assert_json_snapshot!(name.clone(), redact(summary));
    }
}

/// The same bytes gzip-compressed give the same session (detection is by
/// magic bytes, so there is nothing else to go on).
#[test]
fn gzip_and_plain_give_the_same_summary() {
    let Some(files) = common::public_dumps() else {
        return;
    };
    for path in files {
        let bytes = std::fs::read(&path).expect("readable dump");
        if bytes.starts_with(&[0x1f, 0x8b]) {
            continue;
        }
        let plain = summarize(&rtcview::import(&bytes).expect("imports"));
        let zipped = summarize(&rtcview::import(&common::gzip(&bytes)).expect("imports gzipped"));
        let strip = |s: &rtcview::summary::Summary| {
            let mut v = serde_json::to_value(s).expect("json");
            v["source"] = Value::Null;
            v
        };
        assert_eq!(strip(&plain), strip(&zipped), "{}", path.display());
        assert!(zipped.source.gzip);
        assert_eq!(zipped.source.decoded_bytes, bytes.len() as u64);
    }
}

/// A dump cut anywhere still imports what came before the cut (or fails with
/// a clear kind), never panics.
#[test]
fn truncated_public_dumps_degrade_gracefully() {
    let Some(files) = common::public_dumps() else {
        return;
    };
    for path in files {
        let bytes = std::fs::read(&path).expect("readable dump");
        if bytes.len() < 2000 {
            continue;
        }
        for frac in [0.25, 0.5, 0.9] {
            let cut = &bytes[..(bytes.len() as f64 * frac) as usize];
            match rtcview::import(cut) {
                Ok(s) => {
                    let gz = bytes.starts_with(&[0x1f, 0x8b]);
                    let flagged = s.diagnostics.iter().any(|d| {
                        matches!(d.kind, rtcview::Kind::Truncated | rtcview::Kind::Malformed)
                    });
                    assert!(
                        gz || flagged,
                        "{} cut at {frac}: no truncation diagnostic",
                        path.display()
                    );
                }
                Err(e) => assert!(
                    matches!(e.kind, rtcview::Kind::Truncated | rtcview::Kind::Malformed),
                    "{} cut at {frac}: unexpected error kind {}",
                    path.display(),
                    e.kind
                ),
            }
        }
    }
}

/// The worker pushes a file in chunks as it streams in: whatever the chunk
/// size (lines and gzip blocks cut anywhere), the model is the one the whole
/// input gives in one push, byte for byte in the transfer format.
#[test]
fn streamed_in_chunks_gives_the_same_model() {
    let Some(files) = common::public_dumps() else {
        return;
    };
    let encode = |r: Result<rtcview::model::Session, rtcview::ImportError>| {
        r.map(|s| rtcview::transfer::encode(&s)).map_err(|e| e.kind)
    };
    for path in files {
        let bytes = std::fs::read(&path).expect("readable dump");
        let zipped = if bytes.starts_with(&[0x1f, 0x8b]) {
            bytes.clone()
        } else {
            common::gzip(&bytes)
        };
        for (input, step) in [
            (&bytes, 1009),
            (&bytes, 65536),
            (&zipped, 333),
            (&zipped, 65536),
        ] {
            let whole = encode(rtcview::import(input));
            let mut stream = rtcview::formats::ImportStream::new(Default::default());
            let pushed = input.chunks(step).try_for_each(|c| stream.push(c));
            let streamed = encode(pushed.and_then(|()| stream.finish()));
            assert!(whole.is_ok(), "{}", path.display());
            assert!(whole == streamed, "{} step {step}", path.display());
        }
    }
}
