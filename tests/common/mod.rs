#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
//! Shared test helpers: where the public dumps live.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `../shared/dumps/public` next to the repository. When it is absent the
/// real-dump tests skip with a visible message, except under `CI=true`,
/// where a missing folder is a failure naming it (CI always has it).
pub fn public_dumps_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/dumps/public");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{} is missing: under CI=true the real-dump tests must run",
            dir.display()
        );
    }
    eprintln!(
        "SKIPPED: {} is absent; the real-dump tests did not run",
        dir.display()
    );
    None
}

/// Every dump file in the public set (SOURCES.md excluded), sorted; `None`
/// (with a message) when the folder is absent outside CI.
pub fn public_dumps() -> Option<Vec<PathBuf>> {
    let dir = public_dumps_dir()?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "SOURCES.md"))
        .collect();
    files.sort();
    Some(files)
}

pub fn public_dump(name: &str) -> Option<Vec<u8>> {
    let dir = public_dumps_dir()?;
    Some(std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}")))
}

/// Checks that every finding's evidence names a stats object of the
/// session and a property it has (or its time); returns the problems.
pub fn evidence_problems(
    session: &rtcview::Session,
    analysis: &rtcview::findings::Analysis,
) -> Vec<String> {
    let mut out = Vec::new();
    // Everything timed in the dump: a finding's ranges lie within it.
    let mut times: Vec<f64> = Vec::new();
    for p in &session.peer_connections {
        times.extend(p.stats.iter().flat_map(|o| o.times_ms.iter().copied()));
        times.extend(p.events.iter().filter_map(|e| e.t_ms));
    }
    times.extend(session.client_events.iter().filter_map(|e| e.t_ms));
    times.extend(session.get_user_media.iter().filter_map(|g| g.t_ms));
    let (first, last) = times
        .iter()
        .filter(|t| t.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &t| {
            (a.min(t), b.max(t))
        });
    for f in &analysis.findings {
        for r in &f.ranges {
            let ok = r.start_ms.is_finite()
                && r.end_ms.is_finite()
                && r.start_ms <= r.end_ms
                && r.start_ms >= first - 1.0
                && r.end_ms <= last + 1.0;
            if !ok {
                out.push(format!(
                    "{} ({}): range {}..{} outside the dump's {first}..{last}",
                    f.id, f.kind, r.start_ms, r.end_ms
                ));
            }
        }
        for e in &f.evidence {
            let Some(id) = &e.stats_id else { continue };
            let objects: Vec<_> = session
                .peer_connections
                .iter()
                .filter(|p| f.peer_connection.as_deref().is_none_or(|id| id == p.id))
                .filter_map(|p| p.stats_object(id))
                .collect();
            if objects.is_empty() {
                out.push(format!("{} ({}): no stats object {id}", f.id, f.kind));
            } else if e.property != "timestamp"
                && !objects.iter().any(|o| o.column(&e.property).is_some())
            {
                out.push(format!(
                    "{} ({}): {id} has no property {}",
                    f.id, f.kind, e.property
                ));
            }
        }
    }
    out
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).expect("gzip in memory");
    e.finish().expect("gzip in memory")
}

/// Every dump the whole-corpus tests go through: the hand-made fixtures,
/// every recorded scenario (both dialects, both ends) and the public dumps,
/// sorted.
pub fn every_dump() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    for dir in [root.join("rtcstats"), root.join("webrtc-internals")] {
        files.extend(std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()));
    }
    for scenario in std::fs::read_dir(root.join("scenarios")).unwrap() {
        let scenario = scenario.unwrap().path();
        files.extend(
            std::fs::read_dir(scenario)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "gz")),
        );
    }
    files.extend(public_dumps().unwrap_or_default());
    files.sort();
    files
}

/// `check` over `files`, spread over the cores (debug-built imports of the
/// whole corpus); the failures it returns, all together.
pub fn check_in_parallel(files: &[PathBuf], check: fn(&Path) -> Vec<String>) -> Vec<String> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunks: Vec<&[PathBuf]> = files.chunks(files.len().div_ceil(threads).max(1)).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                scope.spawn(move || chunk.iter().flat_map(|p| check(p)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

/// The paths where two JSON values differ: changed, missing or added.
pub fn differences(
    a: &serde_json::Value,
    b: &serde_json::Value,
    path: &str,
    out: &mut Vec<String>,
) {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                match y.get(k) {
                    Some(vb) => differences(va, vb, &format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k}: missing")),
                }
            }
            for k in y.keys().filter(|k| !x.contains_key(*k)) {
                out.push(format!("{path}.{k}: added"));
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                differences(va, vb, &format!("{path}[{i}]"), out);
            }
        }
        _ if a != b => out.push(format!("{path}: {a} != {b}")),
        _ => {}
    }
}
