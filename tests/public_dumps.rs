#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
#![cfg(not(target_arch = "wasm32"))]
//! Every real dump in ../shared/dumps/public, one test per file (a failure
//! names its file): it imports without error, its summary (findings
//! included) matches its snapshot, gzip and plain give the same summary,
//! pushed in chunks it gives the same model, cut anywhere it degrades
//! gracefully, and every finding's evidence names a stats object and a
//! property the dump has. The importer never sees a file name; the
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

/// Everything this file checks about one public dump.
fn check(name: &str) {
    let Some(dir) = common::public_dumps_dir() else {
        return;
    };
    let path = dir.join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let session = rtcview::import(&bytes).unwrap_or_else(|e| panic!("{name}: {e} [{}]", e.kind));
    let errors: Vec<_> = session
        .diagnostics
        .iter()
        .filter(|d| d.severity == rtcview::error::Severity::Error)
        .collect();
    assert!(
        errors.is_empty(),
        "{name}: error diagnostics on a good dump: {errors:?}"
    );

    // The summary, findings and score included, against its snapshot.
    let summary = summarize(&session);
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/public");
    settings.bind(|| {
        insta::assert_json_snapshot!(
            name.to_string(),
            redact(serde_json::to_value(&summary).expect("json"))
        );
    });

    // Every finding's evidence exists in the dump.
    let analysis = rtcview::findings::analyze(&session);
    let problems = common::evidence_problems(&session, &analysis);
    assert!(problems.is_empty(), "{name}: {problems:#?}");

    gzip_and_plain_agree(name, &bytes);
    cuts_degrade_gracefully(name, &bytes);
    chunks_give_the_same_model(name, &bytes);
}

/// The same bytes gzip-compressed give the same summary (detection is by
/// magic bytes, so there is nothing else to go on).
fn gzip_and_plain_agree(name: &str, bytes: &[u8]) {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return;
    }
    let plain = summarize(&rtcview::import(bytes).expect("imports"));
    let zipped = summarize(&rtcview::import(&common::gzip(bytes)).expect("imports gzipped"));
    let strip = |s: &rtcview::summary::Summary| {
        let mut v = serde_json::to_value(s).expect("json");
        v["source"] = Value::Null;
        v["sources"] = Value::Null;
        v
    };
    assert_eq!(strip(&plain), strip(&zipped), "{name}");
    assert!(zipped.source.gzip);
    assert_eq!(zipped.source.decoded_bytes, bytes.len() as u64);
}

/// A dump cut anywhere still imports what came before the cut (or fails
/// with a clear kind), and analyzes, never panics.
fn cuts_degrade_gracefully(name: &str, bytes: &[u8]) {
    if bytes.len() < 2000 {
        return;
    }
    for frac in [0.25, 0.5, 0.9] {
        let cut = &bytes[..(bytes.len() as f64 * frac) as usize];
        match rtcview::import(cut) {
            Ok(s) => {
                let gz = bytes.starts_with(&[0x1f, 0x8b]);
                let flagged = s
                    .diagnostics
                    .iter()
                    .any(|d| matches!(d.kind, rtcview::Kind::Truncated | rtcview::Kind::Malformed));
                assert!(
                    gz || flagged,
                    "{name} cut at {frac}: no truncation diagnostic"
                );
                let a = rtcview::findings::analyze(&s);
                assert!(
                    common::evidence_problems(&s, &a).is_empty(),
                    "{name} cut at {frac}"
                );
            }
            Err(e) => assert!(
                matches!(e.kind, rtcview::Kind::Truncated | rtcview::Kind::Malformed),
                "{name} cut at {frac}: unexpected error kind {}",
                e.kind
            ),
        }
    }
}

/// The worker pushes a file in chunks as it streams in: whatever the chunk
/// size (lines and gzip blocks cut anywhere), the model is the one the whole
/// input gives in one push, byte for byte in the transfer format.
fn chunks_give_the_same_model(name: &str, bytes: &[u8]) {
    let encode = |r: Result<rtcview::model::Session, rtcview::ImportError>| {
        r.map(|s| rtcview::transfer::encode(&s)).map_err(|e| e.kind)
    };
    let zipped = if bytes.starts_with(&[0x1f, 0x8b]) {
        bytes.to_vec()
    } else {
        common::gzip(bytes)
    };
    for (input, step) in [
        (bytes, 1009),
        (bytes, 65536),
        (&zipped[..], 333),
        (&zipped[..], 65536),
    ] {
        let whole = encode(rtcview::import(input));
        let mut stream = rtcview::formats::ImportStream::new(Default::default());
        let pushed = input.chunks(step).try_for_each(|c| stream.push(c));
        let streamed = encode(pushed.and_then(|()| stream.finish()));
        assert!(whole.is_ok(), "{name}");
        assert!(whole == streamed, "{name} step {step}");
    }
}

/// One test per public dump.
macro_rules! public_dumps {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                check($file);
            }
        )*
        const FILES: &[&str] = &[$($file),*];
    };
}

public_dumps! {
    internals_chrome108_headless_empty_gz => "internals-chrome108-headless-empty.gz",
    internals_chrome142_gumonly_gz => "internals-chrome142-gumonly.gz",
    internals_chrome144_2pc_txt => "internals-chrome144-2pc.txt",
    internals_chrome147_2pc_txt => "internals-chrome147-2pc.txt",
    internals_chrome149_recvonly_txt => "internals-chrome149-recvonly.txt",
    internals_chrome83_android_empty_txt => "internals-chrome83-android-empty.txt",
    internals_chrome86_2pc_json => "internals-chrome86-2pc.json",
    internals_chrome86_inbound_txt => "internals-chrome86-inbound.txt",
    jitsi_chrome_remote_relay_p2p_jsonl => "jitsi-chrome-remote-relay-p2p.jsonl",
    jitsi_chrome_standard_p2p_reconnect_jsonl => "jitsi-chrome-standard-p2p-reconnect.jsonl",
    jitsi_chrome_standard_p2p_jsonl => "jitsi-chrome-standard-p2p.jsonl",
    jitsi_chrome_standard_sfu_jsonl => "jitsi-chrome-standard-sfu.jsonl",
    jitsi_chrome100_59c86272_jsonl => "jitsi-chrome100-59c86272.jsonl",
    jitsi_chrome101_9c93a447_jsonl => "jitsi-chrome101-9c93a447.jsonl",
    jitsi_chrome116_relay_p2p_jsonl => "jitsi-chrome116-relay-p2p.jsonl",
    jitsi_chrome117_relay_jsonl => "jitsi-chrome117-relay.jsonl",
    jitsi_chrome96_p2p_sfu_jsonl => "jitsi-chrome96-p2p-sfu.jsonl",
    jitsi_chrome96_sfu_jsonl => "jitsi-chrome96-sfu.jsonl",
    jitsi_chrome99_050bf1c4_jsonl => "jitsi-chrome99-050bf1c4.jsonl",
    jitsi_chrome99_multiple_p2p_jsonl => "jitsi-chrome99-multiple-p2p.jsonl",
    jitsi_chrome99_p2p_add_transceiver_jsonl => "jitsi-chrome99-p2p-add-transceiver.jsonl",
    jitsi_chrome99_pc_failed_jsonl => "jitsi-chrome99-pc-failed.jsonl",
    jitsi_chrome99_pc_reconnect_jsonl => "jitsi-chrome99-pc-reconnect.jsonl",
    jitsi_chrome99_undefined_ice_candidate_jsonl => "jitsi-chrome99-undefined-ice-candidate.jsonl",
    jitsi_chromelegacy_0bad2cf1_jsonl => "jitsi-chromelegacy-0bad2cf1.jsonl",
    jitsi_chromelegacy_24a93962_10min_jsonl => "jitsi-chromelegacy-24a93962-10min.jsonl",
    jitsi_chromelegacy_multiple_pc_jsonl => "jitsi-chromelegacy-multiple-pc.jsonl",
    jitsi_chromelegacy_p2p_jsonl => "jitsi-chromelegacy-p2p.jsonl",
    jitsi_chromelegacy_screenshare_msessions_jsonl => "jitsi-chromelegacy-screenshare-msessions.jsonl",
    jitsi_chromelegacy_screenshare_p2p_jsonl => "jitsi-chromelegacy-screenshare-p2p.jsonl",
    jitsi_chromelegacy_sfu_jsonl => "jitsi-chromelegacy-sfu.jsonl",
    jitsi_firefox_relay_p2p_jsonl => "jitsi-firefox-relay-p2p.jsonl",
    jitsi_firefox_sfu_jsonl => "jitsi-firefox-sfu.jsonl",
    jitsi_firefox118_relay_jsonl => "jitsi-firefox118-relay.jsonl",
    jitsi_firefox97_sfu_jsonl => "jitsi-firefox97-sfu.jsonl",
    jitsi_safari_standard_jsonl => "jitsi-safari-standard.jsonl",
    jitsi_safari17_relay_jsonl => "jitsi-safari17-relay.jsonl",
    rtcstats_v0_json_chrome48_legacy_json => "rtcstats-v0-json-chrome48-legacy.json",
    rtcstats_v3_chromenative_chrome144_2pc_txt => "rtcstats-v3-chromenative-chrome144-2pc.txt",
    rtcstats_v3_rtcstatsjs_chrome140_gumonly_jsonl => "rtcstats-v3-rtcstatsjs-chrome140-gumonly.jsonl",
}

/// The list above is the folder: a dump added to it gets its test.
#[test]
fn every_public_dump_has_its_test() {
    let Some(files) = common::public_dumps() else {
        return;
    };
    let names: Vec<String> = files
        .iter()
        .map(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(
        names, FILES,
        "add the new dumps to public_dumps! in tests/public_dumps.rs"
    );
}
