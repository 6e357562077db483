#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
#![cfg(not(target_arch = "wasm32"))]
//! Several dumps together (issue 15), on the scenario recordings: both
//! ends of every call, each end written three ways by one browser
//! (webrtc-internals, Chrome's rtcstats export, the page's rtcstats-js).
//! Both ends ran on one machine, so the true clock offset is 0; a shifted
//! copy of one end gives a known non-zero truth.

use rtcview::combine::{combine, Input};
use rtcview::model::{Column, Numbers, Session};
use rtcview::summary::summarize_combined;
use std::path::{Path, PathBuf};

const FORMS: [&str; 3] = ["internals.txt.gz", "rtcstats-chrome.gz", "rtcstats-page.gz"];

fn scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scenarios");
    let mut all: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    all.sort();
    assert!(all.len() >= 19, "the scenario corpus is missing");
    all
}

fn open(dir: &Path, end: &str, form: &str) -> Input {
    let name = format!("{end}.{form}");
    let bytes = std::fs::read(dir.join(&name)).unwrap();
    Input {
        name,
        session: rtcview::import(&bytes).unwrap(),
    }
}

/// Whether media flowed both ways (the offset needs sender reports).
fn media_flowed(dir: &Path) -> bool {
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("schedule.json")).unwrap()).unwrap();
    ["AtoB", "BtoA"]
        .iter()
        .all(|d| s["relay"][d]["out"].as_u64().unwrap_or(0) > 100)
}

/// Moves every time of one end's machine by `delta_ms`: its report times,
/// events and states, and the send times the other end's sender reports
/// carry (`remoteTimestamp` at `other`), as if its clock were off.
fn shift_clock(session: &mut Session, other: &mut Session, delta_ms: f64) {
    for pc in &mut session.peer_connections {
        for e in &mut pc.events {
            e.t_ms = e.t_ms.map(|t| t + delta_ms);
        }
        for o in &mut pc.stats {
            let times: Vec<f64> = o.times_ms.iter().map(|t| t + delta_ms).collect();
            *o = rtcview::model::StatsObject::new(
                o.id.clone(),
                o.stats_type.clone(),
                times,
                std::mem::take(&mut o.columns),
            );
        }
    }
    for pc in &mut other.peer_connections {
        for o in &mut pc.stats {
            if let Some(c) = o.columns.get_mut("remoteTimestamp") {
                let v: Vec<f64> = c.numbers.iter().map(|t| t + delta_ms).collect();
                c.numbers = Numbers::compact(v);
            }
        }
    }
}

/// Every scenario, every pairing of forms: the two ends are one link
/// with every stream paired both ways, and the clock offset (truth 0) is
/// within 50 ms, its uncertainty covering it.
#[test]
fn both_ends_of_every_call_are_linked_with_offset_near_zero() {
    let mut failures = Vec::new();
    for dir in scenarios() {
        let flowed = media_flowed(&dir);
        for fa in FORMS {
            for fb in FORMS {
                let c = combine(vec![open(&dir, "a", fa), open(&dir, "b", fb)]);
                let what = format!(
                    "{} a.{fa} b.{fb}",
                    dir.file_name().unwrap().to_string_lossy()
                );
                assert_eq!(c.ends.len(), 2, "{what}: two browsers, not merged");
                if c.links.len() != 1 {
                    failures.push(format!(
                        "{what}: {} links ({:?})",
                        c.links.len(),
                        c.unlinked
                    ));
                    continue;
                }
                let l = &c.links[0];
                assert!(l.direct, "{what}: {l:?}");
                if !flowed {
                    continue;
                }
                let from_a = l.streams.iter().filter(|s| s.from == "a").count();
                let from_b = l.streams.iter().filter(|s| s.from == "b").count();
                if from_a == 0 || from_b == 0 {
                    failures.push(format!("{what}: streams {:?}", l.streams));
                }
                match (l.clock_offset_ms, l.clock_offset_uncertainty_ms) {
                    (Some(o), Some(u)) if o.abs() <= 50.0 && u + 0.5 >= o.abs() => {}
                    other => failures.push(format!("{what}: offset {other:?}")),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// One end's clock moved by a known amount: the offset is found within
/// 50 ms of it, in either order of the files, and the summary puts the
/// other end's findings on the linked connection.
#[test]
fn a_shifted_clock_is_measured() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/scenarios/uplink-bandwidth-300k");
    for delta in [7_200_123.4, -1_234.5] {
        let mut a = open(&dir, "a", FORMS[0]);
        let mut b = open(&dir, "b", FORMS[1]);
        shift_clock(&mut b.session, &mut a.session, delta);
        let c = combine(vec![a, b]);
        let o = c.links[0].clock_offset_ms.unwrap();
        assert!(
            (o - delta).abs() <= 50.0,
            "offset {o} for a shift of {delta}"
        );
        let u = c.links[0].clock_offset_uncertainty_ms.unwrap();
        assert!(u >= (o - delta).abs() - 0.5 && u < 50.0, "uncertainty {u}");

        let mut a = open(&dir, "a", FORMS[2]);
        let mut b = open(&dir, "b", FORMS[0]);
        shift_clock(&mut b.session, &mut a.session, delta);
        let c = combine(vec![b, a]);
        // b given first: the offset is a's clock minus b's.
        let o = c.links[0].clock_offset_ms.unwrap();
        assert!(
            (o + delta).abs() <= 50.0,
            "offset {o} for a shift of {}",
            -delta
        );
    }
}

/// Two unrelated calls are not linked, and the document says so.
#[test]
fn unrelated_calls_are_not_linked() {
    let all = scenarios();
    let (x, y) = (&all[0], &all[1]);
    let c = combine(vec![open(x, "a", FORMS[0]), open(y, "b", FORMS[0])]);
    assert!(c.links.is_empty());
    assert_eq!(c.ends.len(), 2);
    let doc = serde_json::to_value(summarize_combined(&c)).unwrap();
    assert_eq!(doc["links"], serde_json::json!([]));
    let said = doc["unlinked"][0].as_str().unwrap();
    assert!(said.contains("look like different calls"), "{said}");
}

fn event_keys(s: &Session) -> Vec<(String, String)> {
    s.peer_connections[0]
        .events
        .iter()
        .map(|e| (e.name.clone(), format!("{:.0}", e.t_ms.unwrap_or(0.0))))
        .collect()
}

/// The same session exported both ways is one connection: its events are
/// the union without duplicates, and a capped (trimmed) internals dump
/// gets its missing rows from the rtcstats export.
#[test]
fn one_session_exported_both_ways_is_merged_and_fills_the_cap() {
    for dir in scenarios() {
        let internals = open(&dir, "a", FORMS[0]);
        let export = open(&dir, "a", FORMS[1]);
        let full = export.session.clone();
        let mut capped = internals;
        // The internals window: only the last 20 rows of every series.
        for pc in &mut capped.session.peer_connections {
            for o in &mut pc.stats {
                let keep = o.len().saturating_sub(20);
                let columns = o
                    .columns
                    .iter()
                    .map(|(k, c)| {
                        let numbers = c.numbers.iter().skip(keep).collect::<Vec<_>>();
                        let texts = (keep..c.texts.len())
                            .map(|i| c.texts.get(i).unwrap())
                            .collect();
                        let col = Column {
                            numbers: if c.numbers.is_empty() {
                                Numbers::default()
                            } else {
                                Numbers::compact(numbers)
                            },
                            texts: if c.texts.is_empty() {
                                Default::default()
                            } else {
                                rtcview::model::Texts::compact(texts)
                            },
                        };
                        (k.clone(), col)
                    })
                    .collect();
                *o = rtcview::model::StatsObject::new(
                    o.id.clone(),
                    o.stats_type.clone(),
                    o.times_ms[keep..].to_vec(),
                    columns,
                );
            }
        }
        // Events: those of the export, and those of the internals dump the
        // export lacks (same name and time), each once.
        let mut rest = event_keys(&export.session);
        let mut expected = rest.len();
        for k in event_keys(&capped.session) {
            match rest.iter().position(|e| *e == k) {
                Some(i) => {
                    rest.swap_remove(i);
                }
                None => expected += 1,
            }
        }
        let c = combine(vec![capped, export]);
        let what = dir.file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(c.ends.len(), 1, "{what}: one browser");
        let end = &c.ends[0];
        assert_eq!(
            end.session.peer_connections.len(),
            full.peer_connections.len(),
            "{what}"
        );
        assert_eq!(end.pc_sources[0], vec![0, 1], "{what}");
        let pc = &end.session.peer_connections[0];
        assert_eq!(event_keys(&end.session).len(), expected, "{what}: events");
        // Every row of the export is there, with the export's raw values
        // where the capped dump had none.
        for o in &full.peer_connections[0].stats {
            let m = pc.stats_object(&o.id).unwrap();
            assert!(
                m.len() >= o.len(),
                "{what} {}: {} of {} rows",
                o.id,
                m.len(),
                o.len()
            );
            for (k, col) in o.columns.iter().filter(|(k, _)| !k.starts_with('[')) {
                let mc = m.column(k).unwrap();
                for (i, t) in o
                    .times_ms
                    .iter()
                    .enumerate()
                    .take(o.len().saturating_sub(25))
                {
                    let j = m.times_ms.iter().position(|u| u == t).unwrap();
                    assert_eq!(mc.number(j), col.number(i), "{what} {}.{k} at {t}", o.id);
                    assert_eq!(
                        mc.text(j, &end.session.strings),
                        col.text(i, &full.strings),
                        "{what} {}.{k} at {t}",
                        o.id
                    );
                }
            }
        }
    }
}

/// Merging a dump with itself changes nothing a summary says (but that
/// it has two sources), and three forms of one end with the other end's
/// dump give two browsers and one link.
#[test]
fn merging_is_idempotent_and_three_forms_make_one_end() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scenarios/clean");
    for form in FORMS {
        let one = rtcview::summary::summarize(&open(&dir, "a", form).session);
        let c = combine(vec![open(&dir, "a", form), open(&dir, "a", form)]);
        let two = summarize_combined(&c);
        let (mut x, mut y) = (
            serde_json::to_value(one).unwrap(),
            serde_json::to_value(two).unwrap(),
        );
        assert_eq!(
            y["peerConnections"][0]["sources"],
            serde_json::json!([0, 1])
        );
        for v in [&mut x, &mut y] {
            let o = v.as_object_mut().unwrap();
            o.remove("sources");
            o.remove("source");
            for pc in o["peerConnections"].as_array_mut().unwrap() {
                pc.as_object_mut().unwrap().remove("sources");
            }
        }
        assert_eq!(x, y, "{form}");
    }
    let c = combine(vec![
        open(&dir, "a", FORMS[0]),
        open(&dir, "b", FORMS[2]),
        open(&dir, "a", FORMS[1]),
        open(&dir, "a", FORMS[2]),
    ]);
    assert_eq!(c.ends.len(), 2);
    assert_eq!(c.ends[0].sources, vec![0, 2, 3]);
    assert_eq!(c.links.len(), 1);
    let doc = serde_json::to_value(summarize_combined(&c)).unwrap();
    assert_eq!(doc["sources"].as_array().unwrap().len(), 4);
    assert_eq!(doc["sources"][1]["name"], "b.rtcstats-page.gz");
    assert_eq!(doc["links"][0]["a"]["source"], 0);
    assert_eq!(doc["links"][0]["b"]["source"], 1);
    assert_eq!(doc["links"][0]["b"]["peerConnection"], "PC_0");
}

/// The callee's symptoms in the uplink-cap call follow the caller's
/// findings: the document links them across the two ends.
#[test]
fn the_other_ends_findings_explain_the_symptoms() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/scenarios/uplink-bandwidth-300k");
    let c = combine(vec![open(&dir, "a", FORMS[0]), open(&dir, "b", FORMS[0])]);
    let doc = serde_json::to_value(summarize_combined(&c)).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    let by_id = |id: &str| findings.iter().find(|f| f["id"] == id).unwrap();
    let explained = doc["links"][0]["explained"].as_array().unwrap();
    assert!(!explained.is_empty());
    for e in explained {
        let (s, c) = (
            by_id(e["symptom"].as_str().unwrap()),
            by_id(e["cause"].as_str().unwrap()),
        );
        assert_eq!(s["source"], 1, "{s}");
        assert_eq!(c["source"], 0, "{c}");
        // The cause holds when the symptom begins (a limit that starts
        // after a freeze did not make it).
        let start = |f: &serde_json::Value| f["ranges"][0]["startMs"].as_f64().unwrap();
        assert!(start(c) <= start(s) + 2000.0, "{s} {c}");
    }
    // The callee's smaller picture follows the caller's bandwidth limit.
    let kind = |id: &serde_json::Value| by_id(id.as_str().unwrap())["kind"].clone();
    assert!(
        explained
            .iter()
            .any(|e| kind(&e["symptom"]) == "resolution-drop"
                && kind(&e["cause"]) == "bandwidth-limited"),
        "{explained:?}"
    );
    assert!(
        explained
            .iter()
            .any(|e| by_id(e["symptom"].as_str().unwrap())["kind"] == "video-freeze"),
        "{explained:?}"
    );
    // Ids are unique across the two browsers.
    let mut ids: Vec<&str> = findings.iter().map(|f| f["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), findings.len());
}

/// Where both dumps hold a sample at the same time, they must agree: a
/// raw value changed in one copy is a diagnostic naming the stats object,
/// and the first source's value is the one kept.
#[test]
fn samples_that_disagree_are_said() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scenarios/clean");
    let a = open(&dir, "a", FORMS[0]);
    let mut b = open(&dir, "a", FORMS[1]);
    b.name = "copy".into();
    let pc = &mut b.session.peer_connections[0];
    let id = pc
        .stats
        .iter()
        .find(|o| o.stats_type.as_deref() == Some("outbound-rtp"))
        .unwrap()
        .id
        .clone();
    let o = pc.stats.iter_mut().find(|o| o.id == id).unwrap();
    let at = o.times_ms[10];
    let col = o.columns.get_mut("bytesSent").unwrap();
    let mut v: Vec<f64> = col.numbers.iter().collect();
    let original = v[10];
    v[10] += 1.0;
    v[11] += 1.0;
    col.numbers = Numbers::compact(v);
    let c = combine(vec![a, b]);
    assert_eq!(c.ends.len(), 1);
    let merged = c.ends[0].session.peer_connections[0]
        .stats_object(&id)
        .unwrap();
    let row = merged.times_ms.iter().position(|t| *t == at).unwrap();
    assert_eq!(
        merged.column("bytesSent").unwrap().number(row),
        Some(original)
    );
    let doc = serde_json::to_value(summarize_combined(&c)).unwrap();
    let said: Vec<&serde_json::Value> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "suspicious")
        .collect();
    assert_eq!(said.len(), 1, "{said:?}");
    assert_eq!(said[0]["key"], format!("8-1/{id}"));
    assert_eq!(
        said[0]["message"],
        "copy disagrees with the first source on 2 sample(s) taken at the same time"
    );
    assert_eq!(said[0]["source"], 0);
}

/// Each dump keeps its own diagnostics in the document, with its index:
/// a damaged second dump is said to be the second.
#[test]
fn each_dump_keeps_its_diagnostics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scenarios/clean");
    let a = open(&dir, "a", FORMS[0]);
    let bytes = std::fs::read(dir.join("b.rtcstats-page.gz")).unwrap();
    let text = {
        use std::io::Read;
        let mut s = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut s)
            .unwrap();
        s
    };
    let cut = &text[..text.len() * 2 / 3];
    let b = Input {
        name: "cut.rtcstats".into(),
        session: rtcview::import(cut).unwrap(),
    };
    assert!(!b.session.diagnostics.is_empty());
    let doc = serde_json::to_value(summarize_combined(&combine(vec![a, b]))).unwrap();
    let diags = doc["diagnostics"].as_array().unwrap();
    assert!(!diags.is_empty());
    assert!(diags.iter().all(|d| d["source"] == 1), "{diags:?}");
    assert_eq!(
        doc["links"].as_array().unwrap().len(),
        1,
        "what was read still links"
    );
}
