#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
#![cfg(not(target_arch = "wasm32"))]
//! The findings, proven on real calls where the truth is known: the
//! scenario corpus (`tests/fixtures/scenarios/`, recorded by
//! `scripts/scenarios/record.mjs`) holds, per scenario, both ends' dumps in
//! three forms and `schedule.json`, what was injected when.
//!
//! For every injection, each expected finding appears on the named peer's
//! dumps (every form), on the right stream, with a range overlapping the
//! injection; nothing above `info` appears that no injection explains (the
//! negative controls and the clean phases); Chrome's two downloads of one
//! session give the same findings. The precision / recall / overlap table
//! of docs/findings.md is computed here and must match
//! (`UPDATE_FINDINGS_TABLE=1 cargo test --test scenarios` rewrites it).

mod common;

use rtcview::findings::{analyze, Finding, Severity};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A finding may start a little before its injection (windows blur) and
/// a consequence may outlast it (a bandwidth estimate climbs back, a jitter
/// buffer drains): how far around an injection a finding still belongs to it.
const BEFORE_MS: f64 = 5000.0;
const AFTER_MS: f64 = 20_000.0;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scenarios")
}

/// The three forms of a peer's dump, as (file name, findings).
const FORMS: [&str; 3] = ["internals.txt.gz", "rtcstats-chrome.gz", "rtcstats-page.gz"];

struct Injection {
    id: String,
    start_ms: f64,
    end_ms: f64,
    expect: Vec<Value>,
    allow: Vec<String>,
}

struct Scenario {
    name: String,
    injections: Vec<Injection>,
    /// peer -> form -> findings
    findings: BTreeMap<String, BTreeMap<&'static str, Vec<Finding>>>,
}

fn load(name: &str) -> Scenario {
    let d = dir().join(name);
    let schedule: Value =
        serde_json::from_slice(&std::fs::read(d.join("schedule.json")).unwrap()).unwrap();
    let injections = schedule["injections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| Injection {
            id: i["id"].as_str().unwrap().to_string(),
            start_ms: i["startMs"].as_f64().unwrap(),
            end_ms: i["endMs"].as_f64().unwrap(),
            expect: i["expect"].as_array().cloned().unwrap_or_default(),
            allow: i["allow"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k.as_str().unwrap().to_string())
                .collect(),
        })
        .collect();
    let mut findings = BTreeMap::new();
    for peer in ["A", "B"] {
        let mut forms = BTreeMap::new();
        for form in FORMS {
            let file = d.join(format!("{}.{form}", peer.to_lowercase()));
            let session = rtcview::import(&std::fs::read(&file).unwrap())
                .unwrap_or_else(|e| panic!("{name}/{}: {e}", file.display()));
            let analysis = analyze(&session);
            let problems = common::evidence_problems(&session, &analysis);
            assert!(
                problems.is_empty(),
                "{name}/{}: {problems:#?}",
                file.display()
            );
            forms.insert(form, analysis.findings);
        }
        findings.insert(peer.to_string(), forms);
    }
    Scenario {
        name: name.to_string(),
        injections,
        findings,
    }
}

/// Whether finding `f` is what expectation `e` asks for.
fn meets(f: &Finding, e: &Value, inj: &Injection) -> bool {
    if f.kind != e["kind"].as_str().unwrap() {
        return false;
    }
    if let Some(want) = e.get("stream") {
        let Some(s) = &f.stream else { return false };
        if let Some(dir) = want.get("direction").and_then(Value::as_str) {
            if serde_json::to_value(s.direction).unwrap() != dir {
                return false;
            }
        }
        if let Some(kind) = want.get("kind").and_then(Value::as_str) {
            if s.kind.as_deref() != Some(kind) {
                return false;
            }
        }
    }
    f.overlaps(inj.start_ms - BEFORE_MS, inj.end_ms + AFTER_MS)
}

/// Whether an injection explains finding `f` (expected or allowed there).
fn explained(f: &Finding, s: &Scenario) -> bool {
    s.injections.iter().any(|inj| {
        let named =
            inj.allow.iter().any(|k| k == f.kind) || inj.expect.iter().any(|e| e["kind"] == f.kind);
        named && f.overlaps(inj.start_ms - BEFORE_MS, inj.end_ms + AFTER_MS)
    })
}

/// Intersection over union of a finding's span and an injection.
fn overlap(f: &Finding, inj: &Injection) -> f64 {
    let (a, b) = (f.start_ms(), f.end_ms());
    let inter = (b.min(inj.end_ms) - a.max(inj.start_ms)).max(0.0);
    let union = b.max(inj.end_ms) - a.min(inj.start_ms);
    if union <= 0.0 {
        1.0
    } else {
        inter / union
    }
}

/// Per kind: expectations met / expected, findings explained / above info,
/// and the overlaps of the met ones.
#[derive(Default, Clone)]
struct Tally {
    expected: usize,
    met: usize,
    produced: usize,
    explained: usize,
    overlaps: Vec<f64>,
}

fn check(s: &Scenario, table: &mut BTreeMap<String, Tally>) -> Vec<String> {
    let mut problems = Vec::new();
    for inj in &s.injections {
        for e in &inj.expect {
            let peer = e["peer"].as_str().unwrap();
            let kind = e["kind"].as_str().unwrap();
            for (form, found) in &s.findings[peer] {
                let t = table.entry(kind.to_string()).or_default();
                t.expected += 1;
                match found.iter().find(|f| meets(f, e, inj)) {
                    Some(f) => {
                        t.met += 1;
                        t.overlaps.push(overlap(f, inj));
                    }
                    None => problems.push(format!(
                        "{}: {peer} {form}: expected {e} during {}; found {:?}",
                        s.name,
                        inj.id,
                        found.iter().map(|f| f.kind).collect::<Vec<_>>()
                    )),
                }
            }
        }
    }
    for (peer, forms) in &s.findings {
        for (form, found) in forms {
            for f in found.iter().filter(|f| f.severity > Severity::Info) {
                let t = table.entry(f.kind.to_string()).or_default();
                t.produced += 1;
                if explained(f, s) {
                    t.explained += 1;
                } else {
                    problems.push(format!(
                        "{}: {peer} {form}: {} ({}) that no injection explains: {}",
                        s.name,
                        f.kind,
                        f.severity.as_str(),
                        f.message
                    ));
                }
            }
        }
    }
    // Chrome's two downloads of one session: the same kinds on the same streams.
    for (peer, forms) in &s.findings {
        let kinds = |form: &str| {
            let mut k: Vec<(String, Option<String>)> = forms[form]
                .iter()
                .filter(|f| f.severity > Severity::Info)
                .map(|f| {
                    (
                        f.kind.to_string(),
                        f.stream.as_ref().map(|s| s.stats_id.clone()),
                    )
                })
                .collect();
            k.sort();
            k.dedup();
            k
        };
        let (a, b) = (kinds("internals.txt.gz"), kinds("rtcstats-chrome.gz"));
        if a != b {
            problems.push(format!(
                "{}: {peer}: the internals dump and the rtcstats export disagree: {a:?} vs {b:?}",
                s.name
            ));
        }
    }
    problems
}

fn scenario_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("schedule.json").is_file())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

fn markdown(table: &BTreeMap<String, Tally>) -> String {
    let mut out = String::from(
        "| kind | expected | found | recall | findings above info | explained | precision | mean overlap |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let pct = |a: usize, b: usize| {
        if b == 0 {
            "–".to_string()
        } else {
            format!("{:.0} %", 100.0 * a as f64 / b as f64)
        }
    };
    for (kind, t) in table {
        let mean = if t.overlaps.is_empty() {
            "–".to_string()
        } else {
            format!(
                "{:.2}",
                t.overlaps.iter().sum::<f64>() / t.overlaps.len() as f64
            )
        };
        out.push_str(&format!(
            "| `{kind}` | {} | {} | {} | {} | {} | {} | {mean} |\n",
            t.expected,
            t.met,
            pct(t.met, t.expected),
            t.produced,
            t.explained,
            pct(t.explained, t.produced),
        ));
    }
    out
}

#[test]
fn findings_match_what_was_injected() {
    let names = scenario_names();
    assert!(
        names.len() >= 15,
        "the corpus has {} scenarios",
        names.len()
    );
    let mut table = BTreeMap::new();
    let mut problems = Vec::new();
    for name in &names {
        let s = load(name);
        problems.extend(check(&s, &mut table));
    }
    let md = markdown(&table);
    println!("{md}");
    for p in &problems {
        println!("PROBLEM {p}");
    }
    // The table in docs/findings.md is this one.
    let doc_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/findings.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap_or_default();
    let (open, close) = ("<!-- scenario-table -->\n", "<!-- /scenario-table -->");
    let current = doc
        .split_once(open)
        .and_then(|(_, rest)| rest.split_once(close))
        .map(|(t, _)| t.to_string());
    if std::env::var("UPDATE_FINDINGS_TABLE").is_ok() {
        if let Some((head, rest)) = doc.split_once(open) {
            if let Some((_, tail)) = rest.split_once(close) {
                std::fs::write(&doc_path, format!("{head}{open}{md}{close}{tail}")).unwrap();
            }
        }
    } else {
        assert_eq!(
            current.as_deref(),
            Some(md.as_str()),
            "docs/findings.md's scenario table is out of date: UPDATE_FINDINGS_TABLE=1 cargo test --test scenarios"
        );
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Every rule reports what it checked, once, in the vocabulary's order,
/// and every kind a rule writes is in the vocabulary: on an empty session,
/// the bundled sample and every scenario dump.
#[test]
fn every_kind_is_checked_once() {
    let sample = rtcview::import(include_bytes!("../www/sample/session.rtcstats.gz")).unwrap();
    let mut sessions = vec![rtcview::Session::default(), sample];
    for name in scenario_names() {
        for file in ["a.internals.txt.gz", "b.rtcstats-page.gz"] {
            let bytes = std::fs::read(dir().join(&name).join(file)).unwrap();
            sessions.push(rtcview::import(&bytes).unwrap());
        }
    }
    for session in sessions {
        let a = analyze(&session);
        let kinds: Vec<&str> = a.checks.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, rtcview::findings::KINDS);
        for f in &a.findings {
            assert!(rtcview::findings::KINDS.contains(&f.kind), "{}", f.kind);
        }
    }
}
