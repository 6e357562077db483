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

#[test]
fn token_mints_what_the_viewer_verifies() {
    let key = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/keys/ec-private.pem"
    );
    let args = [
        "token",
        "--key",
        key,
        "--alg",
        "ES256",
        "--kid",
        "ec1",
        "--iss",
        "spock",
        "--aud",
        "https://viewer.example.com",
        "--ttl",
        "5m",
        "--appid",
        "a1",
        "--session-url",
        "https://files.example.com/s.json",
        "--permission",
        "read:deobfuscated",
        "--filter",
        "siteID=csio",
    ];
    let (code, out, err) = rtcview(&args, b"");
    assert_eq!(code, 0, "{err}");
    let config = serde_json::json!({"allowedOrigins": [], "audience": "https://viewer.example.com",
        "issuers": {"spock": {"keys": [{"kid": "ec1", "alg": "ES256", "pem": include_str!("fixtures/keys/ec-public.pem")}]}}});
    let mut v = rtcview::embed::TokenVerifier::new(
        rtcview::embed::EmbedConfig::parse(&config.to_string()).unwrap(),
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let c = v
        .verify(out.trim(), now)
        .expect("the minted token verifies");
    assert_eq!(c.appid.as_deref(), Some("a1"));
    assert!(c.may_see_addresses());
    assert_eq!(c.filter.unwrap()["siteID"], vec!["csio".to_string()]);
    assert!(c.expires_s - now <= 301.0 && c.expires_s - now > 290.0);
    let (code, _, err) = rtcview(&["token", "--key", key, "--kid", "k"], b"");
    assert_eq!(code, 2);
    assert!(err.starts_with("error[token]:"), "{err}");
    // The id is 128 random bits, new for every token.
    let jti = |token: &str| -> String {
        let payload = token.split('.').nth(1).unwrap();
        let bytes =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
                .unwrap();
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()["jti"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (_, again, _) = rtcview(&args, b"");
    let (a, b) = (jti(out.trim()), jti(again.trim()));
    assert!(
        a.len() == 32 && a.bytes().all(|c| c.is_ascii_hexdigit()),
        "{a}"
    );
    assert_ne!(a, b);
    // A TTL over a day, zero, or one that overflows is refused.
    for ttl in ["2d", "0", "99999999999999999999d", "18446744073709551615d"] {
        let mut bad = args.to_vec();
        bad[12] = ttl;
        let (code, _, err) = rtcview(&bad, b"");
        assert_eq!(code, 2, "--ttl {ttl}");
        assert!(err.contains("--ttl"), "{ttl}: {err}");
    }
}

/// `rtcview report`: one HTML file with the verdict, the evidence charts as
/// inline SVG and the event log; no script, nothing fetched; `--mask`
/// leaves no address in it.
#[test]
fn report_is_one_self_contained_file() {
    let input = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/scenarios/uplink-loss-5pct/a.rtcstats-page.gz"
    );
    let dir = std::env::temp_dir().join(format!("rtcview-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("report.html");
    let masked = dir.join("masked.html");
    let (code, _, err) = rtcview(&["report", input, "-o", out.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = rtcview(
        &["report", "--mask", input, "-o", masked.to_str().unwrap()],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(&out).unwrap();
    let masked = std::fs::read_to_string(&masked).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert!(html.starts_with("<!doctype html>"));
    for needle in [
        "outbound-loss",
        "Outbound audio: the far end lost",
        "<svg",
        "Event log: peer connection PC_0",
        "packetsLost",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    assert!(
        html.matches("<svg").count() >= 2,
        "the loss findings' charts"
    );
    let lower = html.to_ascii_lowercase();
    for bad in [
        "<script", " src=", " href=", "url(", "@import", "<link", "<iframe", "<object",
    ] {
        assert!(!lower.contains(bad), "{bad}");
    }
    // The dump's addresses: shown unmasked, gone masked.
    assert!(html.contains("203.0.113.11"));
    assert!(!masked.contains("203.0.113.") && masked.contains("x.x.x.x"));
    let (code, _, _) = rtcview(&["report", input], b"");
    assert_eq!(code, 64, "no -o: usage");
}

/// `rtcview redact`: gzip in, gzip out, no address left but documentation
/// ones, and the copy still opens; `--keep-private` keeps private ranges;
/// stdin to stdout.
#[test]
fn redact_writes_the_input_format_without_addresses() {
    use std::io::Read;
    let input = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/scenarios/turn-tcp/a.rtcstats-page.gz"
    );
    let dir = std::env::temp_dir().join(format!("rtcview-redact-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("redacted.gz");
    let (code, _, err) = rtcview(&["redact", input, "-o", out.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("addresses"), "the closing line: {err}");
    let gz = std::fs::read(&out).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert!(gz.starts_with(&[0x1f, 0x8b]), "gzip in, gzip out");
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(gz.as_slice())
        .read_to_end(&mut text)
        .unwrap();
    assert!(rtcview::redact::addresses::leaks(&text, false).is_empty());
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("a=ice-ufrag:ufrag1") && text.contains("a=ice-pwd:redactedpassword00000001")
    );
    assert!(
        text.contains("\"credential\":\"•••\""),
        "the TURN credential"
    );
    let session = rtcview::import(text.as_bytes()).unwrap();
    assert_eq!(session.peer_connections.len(), 1);

    let line = "[\"onicecandidate\",\"PC_0\",{\"candidate\":\"candidate:1 1 udp 1 10.1.2.3 5000 typ host\",\"address\":\"8.8.4.4\"},1]\n";
    let (code, kept, err) = rtcview(
        &["redact", "--keep-private", "-", "-o", "-"],
        line.as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        kept,
        "[\"onicecandidate\",\"PC_0\",{\"candidate\":\"candidate:1 1 udp 1 10.1.2.3 5000 typ host\",\"address\":\"192.0.2.1\"},1]\n"
    );
    let (_, all, _) = rtcview(&["redact", "-", "-o", "-"], line.as_bytes());
    assert!(
        all.contains(" 192.0.2.1 5000") && all.contains("\"192.0.2.2\""),
        "{all}"
    );
    assert_eq!(rtcview(&["redact", input], b"").0, 64, "no -o: usage");
}

#[test]
fn convert_writes_the_other_family() {
    use std::io::Read;
    let input = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/scenarios/uplink-loss-5pct/a.internals.txt.gz"
    );
    let dir = std::env::temp_dir().join(format!("rtcview-convert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("a.rtcstats.gz");
    let (code, _, err) = rtcview(
        &[
            "convert",
            input,
            "--to",
            "rtcstats",
            "-o",
            out.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.starts_with("converted 1 peer connections,") && err.contains("1 create events added"),
        "the closing line: {err}"
    );
    let gz = std::fs::read(&out).unwrap();
    assert!(gz.starts_with(&[0x1f, 0x8b]), "an output named .gz is gzip");
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(gz.as_slice())
        .read_to_end(&mut text)
        .unwrap();
    let text = String::from_utf8(text).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("RTCStatsDump"));
    let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(header["fileFormat"], 3);
    assert_eq!(header["rtcviewConversion"]["from"], "webrtc-internals");
    // Chrome's writer's shape: plain method names and full reports.
    let first: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert!(
        first[0].is_string() && first.as_array().unwrap().len() >= 4,
        "{first}"
    );
    assert!(text.contains("[\"getStats\",\"8-1\",{"));
    let original = rtcview::import(&std::fs::read(input).unwrap()).unwrap();
    let copy = rtcview::import(text.as_bytes()).unwrap();
    assert_eq!(copy.source.as_ref().unwrap().format.as_str(), "rtcstats");
    let findings = |s: &rtcview::Session| {
        let v = serde_json::to_value(rtcview::summary::summarize(s)).unwrap();
        v["findings"].clone()
    };
    assert_eq!(findings(&copy), findings(&original));
    assert!(findings(&copy).to_string().contains("outbound-loss"));

    // And back, through stdin and stdout.
    let (code, json, err) = rtcview(
        &["convert", "-", "--to", "webrtc-internals", "-o", "-"],
        text.as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(doc["PeerConnections"]["8-1"]["stats"]
        .as_object()
        .unwrap()
        .keys()
        .any(|k| k.ends_with("-timestamp")));
    assert_eq!(
        findings(&rtcview::import(json.as_bytes()).unwrap()),
        findings(&original)
    );
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(
        rtcview(&["convert", input, "-o", "x"], b"").0,
        64,
        "no --to: usage"
    );
    assert_eq!(
        rtcview(&["convert", input, "--to", "csv", "-o", "x"], b"").0,
        64
    );
}

/// `summary A B C`: one document over several dumps (issue 15): sources
/// in the order given with their names, the two exports of one browser
/// merged into one connection, the other end linked with its offset.
#[test]
fn summary_of_several_files_merges_and_links() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/scenarios/clean/"
    );
    let (a1, b, a2) = (
        format!("{dir}a.internals.txt.gz"),
        format!("{dir}b.rtcstats-page.gz"),
        format!("{dir}a.rtcstats-chrome.gz"),
    );
    let (code, out, err) = rtcview(&["summary", &a1, &b, &a2], b"");
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    let names: Vec<&str> = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "a.internals.txt.gz",
            "b.rtcstats-page.gz",
            "a.rtcstats-chrome.gz"
        ]
    );
    assert_eq!(v["sources"][1]["dialect"], "v3");
    let pcs = v["peerConnections"].as_array().unwrap();
    assert_eq!(pcs.len(), 2);
    assert_eq!(pcs[0]["id"], "8-1");
    assert_eq!(pcs[0]["sources"], serde_json::json!([0, 2]));
    assert_eq!(pcs[1]["id"], "PC_0");
    assert_eq!(pcs[1]["sources"], serde_json::json!([1]));
    let link = &v["links"][0];
    assert_eq!(
        link["a"],
        serde_json::json!({"source": 0, "peerConnection": "8-1"})
    );
    assert_eq!(
        link["b"],
        serde_json::json!({"source": 1, "peerConnection": "PC_0"})
    );
    assert_eq!(link["streams"].as_array().unwrap().len(), 4);
    assert!(link["clockOffsetMs"].as_f64().unwrap().abs() < 50.0);
    // One file: the document of today, plus its source's name.
    let (_, out, _) = rtcview(&["summary", &a1], b"");
    let one: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(one["sources"][0]["name"], "a.internals.txt.gz");
    assert_eq!(one["links"], serde_json::json!([]));
    // An unreadable second file names itself.
    let (code, _, err) = rtcview(&["summary", &a1, "/nonexistent/x.gz"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/x.gz"), "{err}");
}
