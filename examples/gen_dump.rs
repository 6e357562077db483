#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // a dev tool, not input handling
//! Generates big, realistic dumps for the import benchmark.
#![recursion_limit = "512"]
//!
//!     cargo run --release --example gen_dump -- <format> <minutes> <pcs> <out>
//!
//! `format`: `rtcstats` (fileFormat 3 as rtcstats-js writes it: compressed
//! methods, ids, properties and deltas), `rtcstats-chrome` (Chrome's writer:
//! full reports every poll), `rtcstats-one-stream` (compressed, only the
//! outbound video report: long series in small files) or `internals` (webrtc-internals, series capped at
//! 1000 points like Chrome). One poll per second per peer connection, each
//! with the ~20 stats objects of an audio+video call in both directions,
//! counters growing with jitter from a fixed-seed generator (reproducible).

use rtcview::formats::rtcstats::encode::{method_value, StatsEncoder};
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::io::Write;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64) / ((1u64 << 53) as f64)
    }
}

/// Cumulative counters of one stream.
#[derive(Default, Clone)]
struct Counters {
    bytes: f64,
    packets: f64,
    lost: f64,
    frames: f64,
    energy: f64,
    samples: f64,
    decode: f64,
    jb: f64,
    jb_count: f64,
}

fn report(id: &str, ty: &str, ts: f64, props: Value) -> (String, Value) {
    let mut m = props.as_object().cloned().unwrap_or_default();
    m.insert("id".into(), json!(id));
    m.insert("type".into(), json!(ty));
    m.insert("timestamp".into(), json!(ts));
    (id.to_string(), Value::Object(m))
}

/// One getStats result of a peer connection at poll `k`.
fn poll(k: usize, ts: f64, pc: usize, rng: &mut Rng, c: &mut [Counters; 4]) -> Map<String, Value> {
    let ssrc = |i: usize| 1_000_000 + (pc * 10 + i) as u64 * 7919;
    let mut out = Map::new();
    let mut add = |(id, v): (String, Value)| {
        out.insert(id, v);
    };
    // Advance counters: 0 = out audio, 1 = out video, 2 = in audio, 3 = in video.
    for (i, s) in c.iter_mut().enumerate() {
        let video = i % 2 == 1;
        let pkts = if video {
            90.0 + 30.0 * rng.next()
        } else {
            50.0
        };
        s.packets += pkts.floor();
        s.bytes += (pkts * if video { 1100.0 } else { 80.0 } * (0.9 + 0.2 * rng.next())).floor();
        s.lost += if rng.next() < 0.05 { 1.0 } else { 0.0 };
        s.frames += if video {
            29.0 + rng.next().round()
        } else {
            0.0
        };
        s.energy += 0.01 * rng.next();
        s.samples += 1.0;
        s.decode += 0.003 * (28.0 + rng.next());
        s.jb += 0.04 * (40.0 + 10.0 * rng.next());
        s.jb_count += 40.0;
    }
    let [oa, ov, ia, iv] = c.clone();
    let rtt = 0.02 + 0.01 * rng.next();
    add(report(
        "P",
        "peer-connection",
        ts,
        json!({"dataChannelsOpened": 0, "dataChannelsClosed": 0}),
    ));
    add(report(
        "T01",
        "transport",
        ts,
        json!({
        "bytesSent": oa.bytes + ov.bytes + 3000.0 * k as f64, "bytesReceived": ia.bytes + iv.bytes + 3000.0 * k as f64,
        "packetsSent": oa.packets + ov.packets, "packetsReceived": ia.packets + iv.packets,
        "selectedCandidatePairId": "CPa1b2c3_d4e5f6", "dtlsState": "connected", "iceState": "connected", "iceRole": "controlling",
        "srtpCipher": "AES_CM_128_HMAC_SHA1_80", "tlsVersion": "FEFD", "dtlsCipher": "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "dtlsRole": "client", "selectedCandidatePairChanges": 1, "iceLocalUsernameFragment": "abcd",
        "localCertificateId": "CFaa", "remoteCertificateId": "CFbb"}),
    ));
    add(report(
        "CPa1b2c3_d4e5f6",
        "candidate-pair",
        ts,
        json!({
        "transportId": "T01", "localCandidateId": "Ia1b2c3", "remoteCandidateId": "Id4e5f6", "state": "succeeded",
        "priority": 9115038255631187000u64, "nominated": true, "writable": true,
        "packetsSent": oa.packets + ov.packets, "packetsReceived": ia.packets + iv.packets,
        "bytesSent": oa.bytes + ov.bytes, "bytesReceived": ia.bytes + iv.bytes,
        "totalRoundTripTime": rtt * k as f64, "currentRoundTripTime": rtt, "availableOutgoingBitrate": 2_500_000.0 + 1000.0 * (rng.next() * 100.0).floor(),
        "requestsReceived": k / 2, "requestsSent": k / 2 + 1, "responsesReceived": k / 2, "responsesSent": k / 2,
        "consentRequestsSent": k / 5, "lastPacketReceivedTimestamp": ts - 3.0, "lastPacketSentTimestamp": ts - 1.0,
        "packetsDiscardedOnSend": 0, "bytesDiscardedOnSend": 0}),
    ));
    for (id, ty, ct) in [
        ("Ia1b2c3", "local-candidate", "host"),
        ("Id4e5f6", "remote-candidate", "srflx"),
    ] {
        add(report(
            id,
            ty,
            ts,
            json!({"transportId": "T01", "address": "192.0.2.10", "port": 50000 + pc, "protocol": "udp",
            "candidateType": ct, "priority": 2122260223u64, "foundation": "1234567", "usernameFragment": "abcd", "networkType": "ethernet", "url": null}),
        ));
    }
    for (id, mime, pt, clock) in [
        ("COT01_111", "audio/opus", 111, 48000),
        ("COT01_96", "video/VP8", 96, 90000),
        ("CIT01_111", "audio/opus", 111, 48000),
        ("CIT01_96", "video/VP8", 96, 90000),
    ] {
        add(report(
            id,
            "codec",
            ts,
            json!({"transportId": "T01", "payloadType": pt, "mimeType": mime, "clockRate": clock, "sdpFmtpLine": "minptime=10;useinbandfec=1"}),
        ));
    }
    add(report(
        "SA1",
        "media-source",
        ts,
        json!({"trackIdentifier": "track-audio", "kind": "audio", "audioLevel": rng.next() * 0.1, "totalAudioEnergy": oa.energy, "totalSamplesDuration": k as f64, "echoReturnLoss": -30.0, "echoReturnLossEnhancement": 0.17}),
    ));
    add(report(
        "SV2",
        "media-source",
        ts,
        json!({"trackIdentifier": "track-video", "kind": "video", "width": 1280, "height": 720, "frames": ov.frames, "framesPerSecond": 30}),
    ));
    add(report(
        &format!("OT01A{}", ssrc(0)),
        "outbound-rtp",
        ts,
        json!({
        "ssrc": ssrc(0), "kind": "audio", "transportId": "T01", "codecId": "COT01_111", "mediaSourceId": "SA1", "remoteId": format!("RIA{}", ssrc(0)),
        "mid": "0", "packetsSent": oa.packets, "bytesSent": oa.bytes, "headerBytesSent": oa.packets * 12.0, "retransmittedPacketsSent": 0, "retransmittedBytesSent": 0,
        "targetBitrate": 32000, "totalPacketSendDelay": 0.001 * oa.packets, "nackCount": 0, "active": true, "packetsSentWithEct1": 0}),
    ));
    add(report(
        &format!("OT01V{}", ssrc(1)),
        "outbound-rtp",
        ts,
        json!({
        "ssrc": ssrc(1), "kind": "video", "transportId": "T01", "codecId": "COT01_96", "mediaSourceId": "SV2", "remoteId": format!("RIV{}", ssrc(1)),
        "mid": "1", "rid": "h", "encodingIndex": 0, "packetsSent": ov.packets, "bytesSent": ov.bytes, "headerBytesSent": ov.packets * 24.0,
        "retransmittedPacketsSent": (ov.lost * 2.0), "retransmittedBytesSent": ov.lost * 2200.0, "rtxSsrc": ssrc(1) + 1,
        "targetBitrate": 2_000_000, "totalEncodedBytesTarget": ov.bytes * 1.05, "frameWidth": 1280, "frameHeight": 720, "framesPerSecond": 30,
        "framesSent": ov.frames, "hugeFramesSent": 0, "framesEncoded": ov.frames, "keyFramesEncoded": 1 + k / 60, "qpSum": ov.frames * 31.0,
        "totalEncodeTime": ov.frames * 0.004, "totalPacketSendDelay": ov.packets * 0.002,
        "qualityLimitationReason": if (k / 30) % 7 == 3 { "bandwidth" } else { "none" },
        "qualityLimitationDurations": {"bandwidth": (k / 7) as f64, "cpu": 0.0, "none": k as f64 - (k / 7) as f64, "other": 0.0},
        "qualityLimitationResolutionChanges": k / 210, "encoderImplementation": "libvpx", "powerEfficientEncoder": false, "active": true,
        "scalabilityMode": "L1T1", "firCount": 0, "pliCount": k / 100, "nackCount": (ov.lost * 2.0)}),
    ));
    for (id, i, kind) in [
        (format!("RIA{}", ssrc(0)), 0, "audio"),
        (format!("RIV{}", ssrc(1)), 1, "video"),
    ] {
        let s = &c[i];
        add(report(
            &id,
            "remote-inbound-rtp",
            ts - 200.0 * rng.next(),
            json!({
            "ssrc": ssrc(i), "kind": kind, "transportId": "T01", "codecId": if i == 0 { "COT01_111" } else { "COT01_96" },
            "localId": if i == 0 { format!("OT01A{}", ssrc(0)) } else { format!("OT01V{}", ssrc(1)) },
            "packetsLost": s.lost, "jitter": 0.002 + 0.003 * rng.next(), "roundTripTime": rtt, "totalRoundTripTime": rtt * k as f64,
            "fractionLost": 0.0, "roundTripTimeMeasurements": k}),
        ));
    }
    add(report(
        &format!("IT01A{}", ssrc(2)),
        "inbound-rtp",
        ts,
        json!({
        "ssrc": ssrc(2), "kind": "audio", "transportId": "T01", "codecId": "CIT01_111", "trackIdentifier": "remote-audio", "mid": "0",
        "remoteId": format!("ROA{}", ssrc(2)), "playoutId": "AP",
        "packetsReceived": ia.packets, "packetsLost": ia.lost, "jitter": 0.003 * rng.next(), "bytesReceived": ia.bytes, "headerBytesReceived": ia.packets * 12.0,
        "lastPacketReceivedTimestamp": ts - 5.0, "packetsDiscarded": 0, "fecPacketsReceived": 0, "fecPacketsDiscarded": 0, "fecBytesReceived": 0,
        "jitterBufferDelay": ia.jb, "jitterBufferTargetDelay": ia.jb * 1.1, "jitterBufferMinimumDelay": ia.jb * 0.9, "jitterBufferEmittedCount": ia.jb_count * 480.0,
        "totalSamplesReceived": ia.samples * 48000.0, "concealedSamples": (ia.lost * 960.0), "silentConcealedSamples": 0, "concealmentEvents": ia.lost,
        "insertedSamplesForDeceleration": 120.0 * k as f64, "removedSamplesForAcceleration": 80.0 * k as f64, "audioLevel": rng.next() * 0.05,
        "totalAudioEnergy": ia.energy, "totalSamplesDuration": ia.samples, "totalProcessingDelay": ia.jb * 0.5, "estimatedPlayoutTimestamp": 3_970_000_000_000.0 + ts,
        "nackCount": 0}),
    ));
    add(report(
        &format!("IT01V{}", ssrc(3)),
        "inbound-rtp",
        ts,
        json!({
        "ssrc": ssrc(3), "kind": "video", "transportId": "T01", "codecId": "CIT01_96", "trackIdentifier": "remote-video", "mid": "1",
        "remoteId": format!("ROV{}", ssrc(3)),
        "packetsReceived": iv.packets, "packetsLost": iv.lost, "jitter": 0.004 * rng.next(), "bytesReceived": iv.bytes, "headerBytesReceived": iv.packets * 24.0,
        "lastPacketReceivedTimestamp": ts - 2.0, "framesReceived": iv.frames, "framesDecoded": iv.frames - 1.0, "keyFramesDecoded": 1 + k / 60,
        "framesDropped": (k / 90), "frameWidth": 1280, "frameHeight": 720, "framesPerSecond": 30, "qpSum": iv.frames * 30.0,
        "totalDecodeTime": iv.decode, "totalInterFrameDelay": iv.frames / 30.0, "totalSquaredInterFrameDelay": iv.frames / 900.0,
        "pauseCount": 0, "totalPausesDuration": 0, "freezeCount": k / 300, "totalFreezesDuration": (k / 300) as f64 * 0.3,
        "jitterBufferDelay": iv.jb, "jitterBufferTargetDelay": iv.jb, "jitterBufferMinimumDelay": iv.jb * 0.8, "jitterBufferEmittedCount": iv.frames,
        "totalProcessingDelay": iv.decode * 3.0, "framesAssembledFromMultiplePackets": iv.frames, "totalAssemblyTime": iv.frames * 0.0005,
        "decoderImplementation": "libvpx", "powerEfficientDecoder": false, "firCount": 0, "pliCount": k / 100, "nackCount": iv.lost * 2.0,
        "retransmittedPacketsReceived": iv.lost, "retransmittedBytesReceived": iv.lost * 1100.0, "rtxSsrc": ssrc(3) + 1}),
    ));
    for (id, i) in [
        (format!("ROA{}", ssrc(2)), 2),
        (format!("ROV{}", ssrc(3)), 3),
    ] {
        let s = &c[i];
        add(report(
            &id,
            "remote-outbound-rtp",
            ts - 300.0 * rng.next(),
            json!({
            "ssrc": ssrc(i), "kind": if i == 2 { "audio" } else { "video" }, "transportId": "T01",
            "localId": if i == 2 { format!("IT01A{}", ssrc(2)) } else { format!("IT01V{}", ssrc(3)) },
            "packetsSent": s.packets + s.lost, "bytesSent": s.bytes, "remoteTimestamp": ts - 310.0, "reportsSent": k / 5,
            "roundTripTimeMeasurements": k / 5, "totalRoundTripTime": rtt * (k / 5) as f64}),
        ));
    }
    add(report(
        "AP",
        "media-playout",
        ts,
        json!({"kind": "audio", "synthesizedSamplesDuration": 0.02, "synthesizedSamplesEvents": 1,
        "totalSamplesDuration": ia.samples, "totalPlayoutDelay": ia.samples * 48000.0 * 0.05, "totalSamplesCount": ia.samples * 48000.0}),
    ));
    add(report(
        "CFaa",
        "certificate",
        ts,
        json!({"fingerprint": "AA:BB", "fingerprintAlgorithm": "sha-256", "base64Certificate": "MIIB"}),
    ));
    out
}

const START_MS: f64 = 1_770_000_000_000.0;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [format, minutes, pcs, out] = args.as_slice() else {
        eprintln!("usage: gen_dump <rtcstats|rtcstats-chrome|rtcstats-one-stream|internals> <minutes> <pcs> <out>");
        std::process::exit(64);
    };
    let polls = minutes.parse::<usize>().unwrap_or(1) * 60;
    let pcs = pcs.parse::<usize>().unwrap_or(1);
    let mut rng = Rng(42);
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    match format.as_str() {
        "rtcstats" | "rtcstats-chrome" | "rtcstats-one-stream" => {
            let compressed = format != "rtcstats-chrome";
            // One outbound video report per poll: a series of a million
            // points in a file of tens of MB (the chart redraw benchmark).
            let one_stream = format == "rtcstats-one-stream";
            writeln!(w, "RTCStatsDump")?;
            if compressed {
                writeln!(
                    w,
                    "{}",
                    json!({"fileFormat": 3, "userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/147.0.0.0 Safari/537.36", "clientProtocol": "rtcstats#5.0", "startTime": START_MS})
                )?;
            } else {
                writeln!(w, "{}", json!({"fileFormat": 3}))?;
            }
            let method = |m: &str| {
                if compressed {
                    method_value(m)
                } else {
                    json!(m)
                }
            };
            let mut last = 0.0;
            let mut line =
                |w: &mut dyn Write, m: &str, pc: Value, v: Value, t: f64| -> std::io::Result<()> {
                    let delta = t - last;
                    last = t;
                    writeln!(w, "{}", Value::Array(vec![method(m), pc, v, json!(delta)]))
                };
            for p in 0..pcs {
                line(
                    &mut w,
                    "create",
                    json!(format!("PC_{p}")),
                    json!({"iceServers": [{"urls": ["turn:turn.example.test:3478"]}]}),
                    START_MS + p as f64,
                )?;
            }
            let mut enc: Vec<StatsEncoder> = (0..pcs).map(|_| StatsEncoder::default()).collect();
            let mut counters: Vec<[Counters; 4]> = vec![Default::default(); pcs];
            for k in 0..polls {
                for p in 0..pcs {
                    let ts = START_MS + 1000.0 * (k + 1) as f64 + 3.0 * p as f64;
                    let mut full = poll(k, ts, p, &mut rng, &mut counters[p]);
                    if one_stream {
                        full.retain(|_, r| r["type"] == "outbound-rtp" && r["kind"] == "video");
                    }
                    let v = if compressed {
                        Value::Object(enc[p].encode(&full))
                    } else {
                        Value::Object(full)
                    };
                    line(&mut w, "getStats", json!(format!("PC_{p}")), v, ts + 1.0)?;
                }
            }
        }
        "internals" => {
            // Collect every series, keep the last 1000 points like Chrome.
            let keep = polls.min(1000);
            let mut doc = String::new();
            doc.push_str("{\n \"getUserMedia\": [],\n \"PeerConnections\": {");
            for p in 0..pcs {
                let mut series: Vec<(String, String, Vec<Value>)> = Vec::new();
                let mut index: std::collections::HashMap<String, usize> = Default::default();
                let mut counters: [Counters; 4] = Default::default();
                for k in 0..polls {
                    let ts = START_MS + 1000.0 * (k + 1) as f64 + 3.0 * p as f64;
                    let full = poll(k, ts, p, &mut rng, &mut counters);
                    if k + keep < polls {
                        continue;
                    }
                    for (id, r) in full {
                        let Value::Object(r) = r else { continue };
                        let ty = r
                            .get("type")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string();
                        for (prop, v) in r {
                            if prop == "id" {
                                continue;
                            }
                            let key = format!("{id}-{prop}");
                            let i = *index.entry(key.clone()).or_insert_with(|| {
                                series.push((key, ty.clone(), Vec::new()));
                                series.len() - 1
                            });
                            series[i].2.push(v);
                        }
                    }
                }
                if p > 0 {
                    doc.push(',');
                }
                let _ = write!(doc, "\n  \"{p}-1\": {{\n   \"pid\": 1,\n   \"rtcConfiguration\": {},\n   \"stats\": {{", json!("{\"iceServers\":[]}"));
                for (i, (key, ty, vals)) in series.iter().enumerate() {
                    let values = Value::Array(vals.clone()).to_string();
                    let _ = write!(doc, "{}\n    {}: {{\n     \"endTime\": \"2026-02-02T02:56:39.000Z\",\n     \"startTime\": \"2026-02-02T02:40:00.000Z\",\n     \"statsType\": {},\n     \"values\": {}\n    }}",
                        if i > 0 { "," } else { "" }, json!(key), json!(ty), json!(values));
                }
                doc.push_str(
                    "\n   },\n   \"updateLog\": [],\n   \"url\": \"https://example.test/\"\n  }",
                );
            }
            doc.push_str(
                "\n },\n \"UserAgent\": \"Mozilla/5.0 (X11; Linux x86_64) Chrome/147.0.0.0\"\n}",
            );
            w.write_all(doc.as_bytes())?;
        }
        other => {
            eprintln!("unknown format {other}");
            std::process::exit(64);
        }
    }
    w.flush()
}
