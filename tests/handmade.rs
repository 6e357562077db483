#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
#![cfg(not(target_arch = "wasm32"))]
//! Hand-written fixtures with expected values worked out by hand from the
//! format specification, plus damaged variants of them.

mod common;

use rtcview::summary::summarize;
use rtcview::Kind;

const V3: &[u8] = include_bytes!("fixtures/rtcstats/v3-compressed-handmade.rtcstats");
const INTERNALS: &[u8] = include_bytes!("fixtures/webrtc-internals/m147-handmade.json");

#[test]
fn compressed_v3_decodes_as_specified() {
    let s = rtcview::import(V3).expect("imports");
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    let sum = summarize(&s);
    assert_eq!(sum.source.dialect, "v3");
    assert_eq!(
        sum.user_agent.as_deref().map(|u| u.contains("Chrome/140")),
        Some(true)
    );
    assert_eq!(sum.start_ms, Some(1_758_602_115_000.0));
    // getUserMedia correlated by its "60-0" id.
    assert_eq!(sum.get_user_media.len(), 1);
    assert!(sum.get_user_media[0].audio && !sum.get_user_media[0].video);
    assert_eq!(
        serde_json::to_value(sum.get_user_media[0].outcome).ok(),
        Some(serde_json::json!("success"))
    );

    let pc = &sum.peer_connections[0];
    assert_eq!(pc.id, "PC_0");
    assert_eq!(
        pc.ice_servers,
        vec![
            "turn:turn.example.test:3478?transport=udp",
            "stun:stun.example.test"
        ]
    );
    let states: Vec<&str> = pc
        .connection_states
        .iter()
        .map(|c| c.state.as_str())
        .collect();
    assert_eq!(states, ["connecting", "connected"]);
    let sig: Vec<&str> = pc
        .signaling_states
        .iter()
        .map(|c| c.state.as_str())
        .collect();
    assert_eq!(sig, ["have-remote-offer", "stable"]);
    // connected at 1758602115000 + 5+1+20+10+2+0+1+3+1+1+0+5+0+40 = ...115089
    assert_eq!(pc.connection_states[1].t_ms, Some(1_758_602_115_089.0));
    let pair = pc
        .selected_candidate_pair
        .as_ref()
        .expect("selected pair via transport.selectedCandidatePairId");
    assert_eq!(
        (
            pair.local_type.as_deref(),
            pair.remote_type.as_deref(),
            pair.protocol.as_deref()
        ),
        (Some("host"), Some("relay"), Some("udp"))
    );

    assert_eq!(pc.rtp.len(), 1);
    let r = &pc.rtp[0];
    assert_eq!(
        (r.ssrc, r.codec.as_deref(), r.kind.as_deref(), r.samples),
        (Some(1111), Some("opus"), Some("audio"), 4)
    );
    let br = r.bitrate_kbps.expect("bitrate");
    assert_eq!((br.mean, br.max), (64.0, 64.0));
    // 2 lost of 250 received + 2 lost.
    assert_eq!(r.packets_lost_pct, Some(0.794));
    // jitter 2, 2, 0 (falsy overwrite), 0 ms.
    let j = r.jitter_ms.expect("jitter");
    assert_eq!((j.mean, j.max), (1.0, 2.0));

    // The data channel report was removed by an explicit null at the 4th poll.
    let raw = &s.peer_connections[0];
    assert_eq!(raw.stats_object("6").map(|o| o.len()), Some(3));
    assert_eq!(
        raw.stats_object("1").map(|o| o.len()),
        Some(4),
        "unchanged codec carried over"
    );
    // The SLD's compressed SDP is expanded from the answer it applies.
    let sld = raw
        .events
        .iter()
        .find(|e| e.name == "setLocalDescription")
        .expect("SLD event");
    let answer = raw
        .events
        .iter()
        .find(|e| e.name == "createAnswerOnSuccess")
        .expect("answer event");
    assert_eq!(sld.value["sdp"], answer.value["sdp"]);
    assert!(sld.value["sdp"]
        .as_str()
        .is_some_and(|t| t.contains("a=recvonly")));
}

#[test]
fn handmade_internals_aligns_from_the_end() {
    let s = rtcview::import(INTERNALS).expect("imports");
    let sum = summarize(&s);
    assert_eq!(sum.source.dialect, "on-events");
    let pc = &s.peer_connections[0];
    let o = pc.stats_object("IT01A1111").expect("inbound object");
    assert_eq!(o.len(), 5);
    assert_eq!(o.stats_type.as_deref(), Some("inbound-rtp"));
    // The 2-point object series sits on the last two timestamps.
    let none = o
        .column("qualityLimitationDurations.none")
        .expect("flattened");
    assert!(none.number(2).is_none());
    assert_eq!((none.number(3), none.number(4)), (Some(1.0), Some(2.0)));
    // The 4-point derived series starts at the second sample.
    let derived = o.column("[bytesReceived_in_bits/s]").expect("derived kept");
    assert!(derived.number(0).is_none() && derived.number(1).is_some());
    assert!(
        pc.stats_object("P").is_none(),
        "an empty series {{}} makes no object"
    );
    let r = &sum.peer_connections[0].rtp[0];
    assert_eq!(r.codec.as_deref(), Some("opus"));
    assert_eq!(r.bitrate_kbps.map(|b| b.mean), Some(64.0));
    assert_eq!(r.packets_lost_pct, Some(0.99));
    let states: Vec<&str> = sum.peer_connections[0]
        .connection_states
        .iter()
        .map(|c| c.state.as_str())
        .collect();
    assert_eq!(states, ["connected"]);
    assert!(
        pc.events.iter().any(|e| e.is_failure()),
        "ICE candidate error is a failure"
    );
    let g = &sum.get_user_media[0];
    assert!(g.audio && !g.video);
    assert_eq!(s.get_user_media[0].tracks.len(), 1);
}

#[test]
fn capped_internals_history_is_reported() {
    let n = 1000;
    let ts: Vec<f64> = (0..n)
        .map(|i| 1_770_000_000_000.0 + 1000.0 * i as f64)
        .collect();
    let vals: Vec<u64> = (0..n).map(|i| i * 100).collect();
    let series = |v: String| serde_json::json!({"startTime": "2026-02-02T02:40:00.000Z", "endTime": "2026-02-02T02:56:39.000Z", "statsType": "inbound-rtp", "values": v});
    let doc = serde_json::json!({
        "getUserMedia": [], "UserAgent": "x",
        "PeerConnections": {"1-1": {"updateLog": [], "stats": {
            "IT01V1-timestamp": series(serde_json::to_string(&ts).unwrap_or_default()),
            "IT01V1-bytesReceived": series(serde_json::to_string(&vals).unwrap_or_default()),
        }}}
    });
    let s = rtcview::import(doc.to_string().as_bytes()).expect("imports");
    let capped: Vec<_> = s
        .diagnostics
        .iter()
        .filter(|d| d.kind == Kind::Capped)
        .collect();
    assert_eq!(capped.len(), 1, "{:?}", s.diagnostics);
    assert!(
        capped[0].message.contains("2026-02-02T02:40:00Z"),
        "{}",
        capped[0].message
    );
}

#[test]
fn truncated_v3_keeps_earlier_lines() {
    // The last three lines are 24 + 21 + 74 bytes: cut inside the 4th poll.
    let cut = &V3[..V3.len() - 100];
    let s = rtcview::import(cut).expect("partial import");
    let t: Vec<_> = s
        .diagnostics
        .iter()
        .filter(|d| d.kind == Kind::Truncated)
        .collect();
    assert_eq!(t.len(), 1, "{:?}", s.diagnostics);
    assert!(t[0].location.line.is_some());
    assert_eq!(
        s.peer_connections[0].stats_object("0").map(|o| o.len()),
        Some(3)
    );
}

#[test]
fn truncated_internals_keeps_what_was_read() {
    // Cut inside the stats of the only peer connection.
    let at = INTERNALS
        .windows(12)
        .position(|w| w == b"IT01A1111-jitter".get(..12).unwrap_or_default())
        .expect("marker");
    let s = rtcview::import(&INTERNALS[..at + 40]).expect("partial import");
    assert!(
        s.diagnostics
            .iter()
            .any(|d| d.kind == Kind::Truncated && d.message.starts_with("truncated at line")),
        "{:?}",
        s.diagnostics
    );
    let pc = &s.peer_connections[0];
    assert!(
        pc.events.len() >= 5,
        "the update log before the cut is kept"
    );
    assert!(pc
        .stats_object("IT01A1111")
        .is_some_and(|o| o.column("bytesReceived").is_some()));
}

#[test]
fn corrupt_byte_in_internals_is_diagnosed() {
    let mut bad = INTERNALS.to_vec();
    let at = bad
        .windows(9)
        .position(|w| w == b"CIT01_111")
        .expect("marker");
    bad[at - 2] = b'#';
    let s = rtcview::import(&bad).expect("partial import");
    assert!(
        s.diagnostics
            .iter()
            .any(|d| d.kind == Kind::Malformed && d.message.starts_with("damaged at line")),
        "{:?}",
        s.diagnostics
    );
    assert_eq!(s.peer_connections.len(), 1);
}

#[test]
fn junk_lines_are_skipped_with_diagnostics() {
    let mut text = String::from_utf8_lossy(V3).into_owned();
    text = text.replacen("[23,\"PC_0\",\"stable\",0]", "--disconnect--", 1);
    let s = rtcview::import(text.as_bytes()).expect("imports");
    let d = s
        .diagnostics
        .iter()
        .find(|d| d.kind == Kind::Malformed)
        .expect("diagnostic");
    assert_eq!(d.location.line, Some(14));
}

#[test]
fn hard_errors_have_their_own_kinds() {
    let kind = |b: &[u8]| rtcview::import(b).map(|_| ()).map_err(|e| e.kind);
    assert_eq!(kind(b""), Err(Kind::Empty));
    assert_eq!(kind(b" \n\t "), Err(Kind::Empty));
    assert_eq!(kind(b"hello, world"), Err(Kind::Unrecognized));
    assert_eq!(kind(b"{\"some\": \"json\"}"), Err(Kind::Unrecognized));
    assert_eq!(kind(b"[1,2]\n[3]\n"), Err(Kind::Unrecognized));
    assert_eq!(kind(b"RTCStatsDump\n[1]\n"), Err(Kind::Malformed));
    assert_eq!(kind(b"{\"some\": {\"a\": "), Err(Kind::Unrecognized));
    // Truncated before anything complete: an empty partial import that says so.
    let s = rtcview::import(b"{\"PeerConnections\": {\"a\": ").expect("partial");
    assert!(
        s.peer_connections.is_empty() && s.diagnostics.iter().any(|d| d.kind == Kind::Truncated)
    );
    let opts = rtcview::ImportOptions {
        max_decoded_bytes: 1000,
    };
    let e = rtcview::import_with(&[b' '; 2000], &opts)
        .map(|_| ())
        .map_err(|e| (e.kind, e.message));
    assert_eq!(e.as_ref().map_err(|e| e.0), Err(Kind::TooLarge));
    // A gzip bomb stops at the limit.
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut z, &vec![b'['; 1 << 20]).expect("gzip");
    let bomb = z.finish().expect("gzip");
    assert!(bomb.len() < 10_000);
    assert_eq!(
        rtcview::import_with(&bomb, &opts)
            .map(|_| ())
            .map_err(|e| e.kind),
        Err(Kind::TooLarge)
    );
}

/// Chrome's writer sends full reports as "getStats": a report missing from a
/// poll is gone (not carried over as in compressed fileFormat 3).
#[test]
fn chrome_written_full_reports_do_not_carry_over() {
    let text = concat!(
        "RTCStatsDump\n{\"fileFormat\":3}\n",
        "[\"getStats\",\"1-1\",{\"A\":{\"id\":\"A\",\"type\":\"codec\",\"timestamp\":1000,\"mimeType\":\"audio/opus\"},",
        "\"B\":{\"id\":\"B\",\"type\":\"codec\",\"timestamp\":1000,\"mimeType\":\"video/VP8\"}},1000]\n",
        "[\"getStats\",\"1-1\",{\"A\":{\"id\":\"A\",\"type\":\"codec\",\"timestamp\":2000,\"mimeType\":\"audio/opus\"}},1000]"
    );
    let s = rtcview::import(text.as_bytes()).expect("imports");
    assert_eq!(
        s.source.as_ref().map(|x| x.dialect.as_str()),
        Some("v3-chrome")
    );
    let pc = &s.peer_connections[0];
    assert_eq!(pc.stats_object("A").map(|o| o.len()), Some(2));
    assert_eq!(pc.stats_object("B").map(|o| o.len()), Some(1));
}

/// The findings engine over every committed fixture (the scenario corpus
/// has its own test): no panic, and every finding's evidence names a stats
/// object and property of its dump, with ranges inside it.
#[test]
fn findings_hold_on_every_fixture() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    for dir in ["rtcstats", "webrtc-internals"] {
        for e in std::fs::read_dir(root.join(dir)).expect("fixture folder") {
            files.push(e.expect("entry").path());
        }
    }
    files.push(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/sample/session.rtcstats.gz"),
    );
    assert!(files.len() >= 3);
    for path in files {
        let bytes = std::fs::read(&path).expect("read");
        let Ok(session) = rtcview::import(&bytes) else {
            continue;
        };
        let analysis = rtcview::findings::analyze(&session);
        let problems = common::evidence_problems(&session, &analysis);
        assert!(problems.is_empty(), "{}: {problems:?}", path.display());
    }
}

/// Issue 14's caps: each a clear `too_large` diagnostic (or error), what is
/// within the cap still shown, in bounded time.
#[test]
fn caps_on_connections_objects_events_and_lines() {
    use rtcview::build::{MAX_EVENTS_PER_PC, MAX_PEER_CONNECTIONS, MAX_STATS_OBJECTS_PER_PC};
    let too_large = |s: &rtcview::Session| {
        s.diagnostics
            .iter()
            .filter(|d| d.kind == Kind::TooLarge)
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
    };
    // 10⁵ peer connections.
    let mut text = String::from("RTCStatsDump\n{\"fileFormat\":3}\n");
    for i in 0..100_000 {
        text.push_str(&format!("[\"create\",\"PC_{i}\",{{}},{i}]\n"));
    }
    let t = std::time::Instant::now();
    let s = rtcview::import(text.as_bytes()).expect("imports what fits");
    assert_eq!(s.peer_connections.len(), MAX_PEER_CONNECTIONS);
    assert!(
        too_large(&s).iter().any(|m| m.contains("peer connections")),
        "{:?}",
        s.diagnostics
    );
    let _ = summarize(&s);
    assert!(t.elapsed().as_secs() < 60, "bounded time");
    // Stats objects in one connection.
    let mut stats = String::new();
    for i in 0..MAX_STATS_OBJECTS_PER_PC + 10 {
        stats.push_str(&format!(
            "\"o{i}\":{{\"type\":\"codec\",\"payloadType\":{}}},",
            i % 128
        ));
    }
    stats.pop();
    let text =
        format!("RTCStatsDump\n{{\"fileFormat\":3}}\n[\"getStats\",\"PC_0\",{{{stats}}},0]\n");
    let s = rtcview::import(text.as_bytes()).expect("imports what fits");
    assert_eq!(s.peer_connections[0].stats.len(), MAX_STATS_OBJECTS_PER_PC);
    assert!(too_large(&s).iter().any(|m| m.contains("stats objects")));
    // Events in one log.
    let mut text = String::from("RTCStatsDump\n{\"fileFormat\":3}\n");
    for i in 0..MAX_EVENTS_PER_PC + 5 {
        text.push_str(&format!("[\"onicecandidate\",\"PC_0\",null,{i}]\n"));
    }
    let s = rtcview::import(text.as_bytes()).expect("imports what fits");
    assert_eq!(s.peer_connections[0].events.len(), MAX_EVENTS_PER_PC);
    assert!(too_large(&s).iter().any(|m| m.contains("events")));
    // A line longer than any rtcstats line.
    let mut text = b"RTCStatsDump\n{\"fileFormat\":3}\n[\"getStats\",\"PC_0\",\"".to_vec();
    text.extend(std::iter::repeat_n(
        b'a',
        rtcview::formats::rtcstats::MAX_LINE_BYTES + 1,
    ));
    let mut imp = rtcview::formats::stream::ImportStream::new(Default::default());
    let err = text
        .chunks(1 << 20)
        .map(|c| imp.push(c))
        .find_map(Result::err)
        .expect("a too-long line stops the import");
    assert_eq!(err.kind, Kind::TooLarge);
    assert!(err.message.contains("line 3"), "{}", err.message);
}

/// A webrtc-internals document nested 10⁴ deep, and one cut off after a
/// long flat part: a clear error or what was read, quickly.
#[test]
fn deep_nesting_and_long_truncated_documents() {
    let mut deep = b"{\"PeerConnections\": {\"a\": ".to_vec();
    deep.extend(std::iter::repeat_n(b'[', 10_000));
    deep.extend(std::iter::repeat_n(b"1,".as_slice(), 200_000).flatten());
    let t = std::time::Instant::now();
    match rtcview::import(&deep) {
        Ok(s) => assert!(!s.diagnostics.is_empty()),
        Err(e) => assert!(matches!(e.kind, Kind::Malformed | Kind::Truncated), "{e:?}"),
    }
    assert!(t.elapsed().as_secs() < 30);
}

/// A clock that spans millennia (absolute times where fileFormat 3 writes
/// deltas) must not make the score walk millennia of five-second windows:
/// they are capped per session, so the summary ends with bounded memory.
#[test]
fn the_score_walks_a_bounded_number_of_windows() {
    let mut text = String::from("RTCStatsDump\n{\"fileFormat\":3}\n");
    let t0 = 1_700_000_000_000u64;
    for i in 0..50u64 {
        text.push_str(&format!(
            "[\"connectionstatechange\",\"PC_{i}\",\"connected\",{}]\n",
            t0 + i
        ));
        for k in 0..5u64 {
            text.push_str(&format!(
                "[\"getStats\",\"PC_{i}\",{{\"O1\":{{\"type\":\"outbound-rtp\",\"kind\":\"audio\",\"ssrc\":{i},\"bytesSent\":{}}}}},{}]\n",
                1000 * k,
                t0 + k
            ));
        }
    }
    let s = rtcview::import(text.as_bytes()).expect("imports");
    let summary = serde_json::to_value(summarize(&s)).unwrap();
    assert!(
        summary["durationMs"].as_f64().unwrap() > 1e14,
        "the clock spans millennia"
    );
    let windows = summary["score"]["windows"].as_u64().unwrap();
    assert!(
        windows > 0 && windows as usize <= rtcview::findings::score::MAX_WINDOWS,
        "{windows}"
    );
}
