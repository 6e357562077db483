#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
#![cfg(not(target_arch = "wasm32"))]
//! `rtcview convert` over every recorded scenario, hand-made fixture and
//! public dump: the copy in the other family gives the same summary as the
//! input (same peer connections, states, streams, rates, findings, score),
//! and converting it back gives the same again. What the conversion changes
//! by design is named here and nowhere hidden: the source block, the
//! diagnostics (of the file, not the call), and the event counts that the
//! families' shapes force (docs/conversion.md).

mod common;

use rtcview::convert::{convert, Target};
use rtcview::model::Format;
use serde_json::Value;
use std::path::Path;

/// The summary without what a conversion changes by design: the source
/// block and the diagnostics; event counts per connection are returned
/// apart, to be checked against what the conversion says it added or left.
fn summary(session: &rtcview::Session) -> (Value, Vec<u64>) {
    let mut v = serde_json::to_value(rtcview::summary::summarize(session)).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("source");
    o.remove("sources");
    o.remove("diagnostics");
    let mut events = Vec::new();
    for pc in o["peerConnections"].as_array_mut().unwrap() {
        events.push(pc["events"].as_u64().unwrap());
        pc.as_object_mut().unwrap().remove("events");
    }
    (v, events)
}

fn write(session: &rtcview::Session, target: Target) -> (Vec<u8>, rtcview::convert::Report) {
    let mut out = Vec::new();
    let report = convert(session, target, &mut out).unwrap();
    (out, report)
}

/// `create`/`constraints` events: the only events whose number a
/// conversion may change (rtcstats carries a configuration only in them).
fn creates(session: &rtcview::Session) -> Vec<u64> {
    session
        .peer_connections
        .iter()
        .map(|p| p.events.iter().filter(|e| e.name == "create").count() as u64)
        .collect()
}

/// What is wrong with the round trip of one file.
fn check(path: &Path) -> Vec<String> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).unwrap();
    let Ok(a) = rtcview::import(&bytes) else {
        return Vec::new(); // not a dump (the fixtures hold damaged ones)
    };
    let from = a.source.as_ref().unwrap().format;
    let other = match from {
        Format::Rtcstats => Target::WebrtcInternals,
        Format::WebrtcInternals => Target::Rtcstats,
    };
    let back = match from {
        Format::Rtcstats => Target::Rtcstats,
        Format::WebrtcInternals => Target::WebrtcInternals,
    };
    let mut failures = Vec::new();
    let (b_bytes, b_report) = write(&a, other);
    let b = match rtcview::import(&b_bytes) {
        Ok(b) => b,
        Err(e) => return vec![format!("{name}: the converted copy does not import: {e}")],
    };
    if b.source.as_ref().unwrap().format == from {
        failures.push(format!("{name}: the copy is in the same family"));
    }
    if other == Target::WebrtcInternals {
        failures.extend(readable_as_the_dump_importer_reads(&name, &b_bytes));
    }
    let (sa, ea) = summary(&a);
    let (sb, eb) = summary(&b);
    let mut differ = Vec::new();
    common::differences(&sa, &sb, "", &mut differ);
    // One way: the copy's events are the input's, plus one `create` per
    // connection that had none (into rtcstats).
    let added: u64 = creates(&b).iter().sum::<u64>() - creates(&a).iter().sum::<u64>();
    if added != b_report.synthesized_creates as u64
        || ea.iter().sum::<u64>() + added != eb.iter().sum::<u64>()
    {
        differ.push(format!(
            "events {ea:?} -> {eb:?} with {added} creates added"
        ));
    }
    same_stats(&a, &b, &mut differ);
    let (c_bytes, _) = write(&b, back);
    let c = match rtcview::import(&c_bytes) {
        Ok(c) => c,
        Err(e) => return vec![format!("{name}: converted back, it does not import: {e}")],
    };
    let (sc, ec) = summary(&c);
    common::differences(&sa, &sc, "(back)", &mut differ);
    if ec != eb {
        differ.push(format!("(back) events {eb:?} -> {ec:?}"));
    }
    if !differ.is_empty() {
        differ.truncate(10);
        failures.push(format!(
            "{name}: summaries differ:\n  {}",
            differ.join("\n  ")
        ));
    }
    failures
}

/// What the rtcstats dump-importer (rtcstats/rtcstats `dump-importer`,
/// `rtcstats-shared/timeseries.js`) needs of a webrtc-internals dump: a
/// `UserAgentData` key (it refuses a dump without), a `-timestamp` series
/// for every stats id, and values it can pair with those timestamps from
/// the start (it does not align from the end as Chrome's cut series need):
/// every series exactly as long as its id's timestamps.
fn readable_as_the_dump_importer_reads(name: &str, bytes: &[u8]) -> Vec<String> {
    let doc: Value = serde_json::from_slice(bytes).unwrap();
    let mut out = Vec::new();
    if doc.get("UserAgentData").is_none() {
        out.push(format!("{name}: no UserAgentData"));
    }
    for (pc, v) in doc["PeerConnections"].as_object().unwrap() {
        for e in v["updateLog"].as_array().unwrap() {
            if e.get("timestamp").is_some() && e.get("time").is_none() {
                out.push(format!(
                    "{name}: {pc}: an updateLog entry without its time text"
                ));
                break;
            }
        }
        let stats = v["stats"].as_object().unwrap();
        for (key, series) in stats {
            let (id, _) = rtcview::formats::webrtc_internals::stats::split_series_key(key).unwrap();
            let len = |s: &Value| {
                serde_json::from_str::<Vec<Value>>(s["values"].as_str().unwrap())
                    .unwrap()
                    .len()
            };
            match stats.get(&format!("{id}-timestamp")) {
                None => out.push(format!("{name}: {pc}: {key} has no -timestamp series")),
                Some(t) if len(t) != len(series) => out.push(format!(
                    "{name}: {pc}: {key} is {} long, its timestamps {}",
                    len(series),
                    len(t)
                )),
                Some(_) => {}
            }
        }
    }
    out.truncate(5);
    out
}

/// Every stats value, not only what the summary derives from them: the same
/// objects, types, times and values, property by property.
fn same_stats(a: &rtcview::Session, b: &rtcview::Session, out: &mut Vec<String>) {
    for (pa, pb) in a.peer_connections.iter().zip(&b.peer_connections) {
        if pa.stats.len() != pb.stats.len() {
            out.push(format!(
                "{}: {} stats objects != {}",
                pa.id,
                pa.stats.len(),
                pb.stats.len()
            ));
            continue;
        }
        for (oa, ob) in pa.stats.iter().zip(&pb.stats) {
            let at = format!("{} {}", pa.id, oa.id);
            if oa.id != ob.id || oa.stats_type != ob.stats_type || oa.times_ms != ob.times_ms {
                out.push(format!("{at}: id, type or times differ"));
                continue;
            }
            // A column with no value left (a sparse derived series whose
            // points fell on repeated times) is no data.
            let names = |o: &rtcview::model::StatsObject| -> Vec<String> {
                o.columns
                    .iter()
                    .filter(|(_, c)| c.has_numbers() || c.has_texts())
                    .map(|(n, _)| n.clone())
                    .collect()
            };
            let (names_a, names_b) = (names(oa), names(ob));
            if names_a != names_b {
                out.push(format!("{at}: properties {names_a:?} != {names_b:?}"));
                continue;
            }
            for name in &names_a {
                let (ca, cb) = (&oa.columns[name], &ob.columns[name]);
                for row in 0..oa.times_ms.len() {
                    let va = (ca.number(row), ca.text(row, &a.strings));
                    let vb = (cb.number(row), cb.text(row, &b.strings));
                    if va != vb {
                        out.push(format!("{at}.{name}[{row}]: {va:?} != {vb:?}"));
                        break;
                    }
                }
            }
        }
    }
}

#[test]
fn converted_dumps_read_the_same_both_ways() {
    let files = common::every_dump();
    assert!(files.len() > 50, "{} inputs", files.len());
    let failures = common::check_in_parallel(&files, check);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What real dumps may not hold, made by hand: a value missing between two
/// (webrtc-internals gets a `null`, rtcstats leaves it out of that report),
/// a property that goes away before the end, a nested object, booleans, an
/// array, an event without a time, a text configuration. Both families,
/// both ways: every value comes back where it was.
#[test]
fn gaps_nesting_and_odd_values_survive_both_ways() {
    use rtcview::build::SessionBuilder;
    use rtcview::model::Event;
    use serde_json::json;
    let mut b = SessionBuilder::new(Format::Rtcstats, "handmade");
    b.ensure_pc("PC_0");
    b.set_pc_configuration_text(
        "PC_0",
        "{ iceServers: [stun:a.example], iceTransportPolicy: all }".into(),
    );
    b.push_event(
        Some("PC_0"),
        Event::new(None, "createOffer", serde_json::Value::Null),
    );
    b.push_event(
        Some("PC_0"),
        Event::new(
            Some(1_700_000_000_500.0),
            "onconnectionstatechange",
            json!("connected"),
        ),
    );
    let rows = [
        json!({"type": "outbound-rtp", "ssrc": 1, "bytesSent": 100, "active": true, "rid": "0",
               "qualityLimitationDurations": {"none": 1.0, "bandwidth": 0.0}, "layers": [1, 2], "gone": 5}),
        json!({"type": "outbound-rtp", "ssrc": 1, "active": false, "late": 1,
               "qualityLimitationDurations": {"none": 1.5, "bandwidth": 0.5}, "layers": [1], "gone": 6}),
        json!({"type": "outbound-rtp", "ssrc": 1, "bytesSent": 300, "active": true, "late": 2,
               "qualityLimitationDurations": {"none": 2.0, "bandwidth": 1.0}}),
    ];
    for (i, r) in rows.iter().enumerate() {
        let t = 1_700_000_001_000.0 + 1000.0 * i as f64;
        b.push_report("PC_0", "OT01V1", t, r.as_object().unwrap(), false);
    }
    let a = b.finish();
    let o = &a.peer_connections[0].stats[0];
    assert!(
        o.column("bytesSent").unwrap().number(1).is_none(),
        "the gap is in the model"
    );
    assert!(o.column("gone").unwrap().number(2).is_none());
    for (there, back) in [
        (Target::WebrtcInternals, Target::Rtcstats),
        (Target::Rtcstats, Target::WebrtcInternals),
    ] {
        let (bytes, _) = write(&a, there);
        let b = rtcview::import(&bytes).unwrap();
        let (bytes, _) = write(&b, back);
        let c = rtcview::import(&bytes).unwrap();
        for copy in [&b, &c] {
            let mut differ = Vec::new();
            same_stats(&a, copy, &mut differ);
            assert!(differ.is_empty(), "{there:?}: {differ:?}");
            let pc = &copy.peer_connections[0];
            assert_eq!(
                pc.configuration_text,
                a.peer_connections[0].configuration_text
            );
            assert_eq!(pc.ice_server_urls(), vec!["stun:a.example"]);
            let offer = pc.events.iter().find(|e| e.name == "createOffer").unwrap();
            assert_eq!(
                offer.t_ms, None,
                "an event without a time stays without one"
            );
            assert_eq!(pc.connection_states.len(), 1);
        }
    }
    // The internals copy holds the gaps as null, every series as long as
    // its timestamps.
    let (bytes, _) = write(&a, Target::WebrtcInternals);
    let doc: Value = serde_json::from_slice(&bytes).unwrap();
    let stats = &doc["PeerConnections"]["PC_0"]["stats"];
    assert_eq!(stats["OT01V1-bytesSent"]["values"], "[100,null,300]");
    assert_eq!(stats["OT01V1-gone"]["values"], "[5,6,null]");
    assert_eq!(
        stats["OT01V1-late"]["values"], "[null,1,2]",
        "as long as the timestamps"
    );
    assert!(
        doc["UserAgentData"].is_array(),
        "the dump-importer refuses a dump without"
    );
    assert_eq!(stats["OT01V1-active"]["values"], "[true,false,true]");
    assert_eq!(
        stats["OT01V1-qualityLimitationDurations"]["values"],
        "[{\"bandwidth\":0,\"none\":1},{\"bandwidth\":0.5,\"none\":1.5},{\"bandwidth\":1,\"none\":2}]"
    );
    assert_eq!(stats["OT01V1-timestamp"]["statsType"], "outbound-rtp");
}
