#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
#![cfg(not(target_arch = "wasm32"))]
//! The layers of docs/architecture.md, kept by the code: every `crate::…`
//! path in a module of `src/` must name a module that module may depend on,
//! the table must have no cycle, and every module must be in it. A new
//! module or a new dependency is a decision: make it here and in the
//! architecture document together.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module -> what it may depend on (docs/architecture.md, "may depend on").
/// `app`, `bin` and the crate root may use everything.
const MAY_DEPEND_ON: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("memo", &[]),
    ("json", &[]),
    ("model", &["error"]),
    ("build", &["model", "json", "error"]),
    ("formats", &["build", "model", "json", "error"]),
    ("metrics", &["model"]),
    ("findings", &["metrics", "model", "error"]),
    ("combine", &["metrics", "model", "error"]),
    (
        "summary",
        &["combine", "findings", "metrics", "model", "error"],
    ),
    ("charts", &["metrics", "model", "memo"]),
    ("view", &["charts", "findings", "metrics", "model"]),
    ("transfer", &["charts", "model", "error"]),
    ("embed", &["summary", "model", "error"]),
    ("report", &["summary", "charts", "view", "model"]),
    ("redact", &["embed", "model"]),
    ("convert", &["formats", "model", "error"]),
];

/// Modules that sit above every layer; `contract` (test-only) declares the types every layer hands to JS.
const TOP: &[&str] = &["app", "lib", "bin", "contract"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file of `src/` belongs to.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// Modules named by `crate::x` in code (not in comments).
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
            rest = after;
        }
    }
    out
}

fn table() -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    MAY_DEPEND_ON
        .iter()
        .map(|(m, deps)| (*m, deps.iter().copied().collect()))
        .collect()
}

#[test]
fn every_module_depends_only_on_what_its_layer_allows() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let allowed = table();
    let mut wrong = Vec::new();
    for f in &files {
        let m = module_of(&src, f);
        if TOP.contains(&m.as_str()) {
            continue;
        }
        let Some(ok) = allowed.get(m.as_str()) else {
            panic!("module `{m}` ({}) is not in the layer table: place it in tests/layers.rs and docs/architecture.md", f.display());
        };
        for dep in crate_paths(&std::fs::read_to_string(f).unwrap()) {
            if dep != m && !ok.contains(dep.as_str()) {
                wrong.push(format!(
                    "{}: `{m}` uses `crate::{dep}`",
                    f.strip_prefix(&src).unwrap().display()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_layers_have_no_cycle_and_name_every_module() {
    let allowed = table();
    // Kahn's algorithm: repeatedly take a module whose dependencies are taken.
    let mut done: BTreeSet<&str> = BTreeSet::new();
    while done.len() < allowed.len() {
        let next = allowed
            .iter()
            .find(|(m, deps)| !done.contains(*m) && deps.iter().all(|d| done.contains(d)));
        let Some((m, _)) = next else {
            let left: Vec<_> = allowed.keys().filter(|m| !done.contains(*m)).collect();
            panic!("the layer table has a cycle (or names an unknown module) among {left:?}");
        };
        done.insert(m);
    }
    // Every `pub mod` of the crate root is a layer or a top module.
    let lib = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .unwrap();
    for line in lib.lines() {
        if let Some(m) = line.trim().strip_prefix("pub mod ") {
            let m = m.trim_end_matches(';');
            assert!(
                allowed.contains_key(m) || TOP.contains(&m),
                "`{m}` is in lib.rs but not in the layer table"
            );
        }
    }
}

/// The check itself: a path in code counts, one in a comment does not.
#[test]
fn crate_paths_are_read_from_code_only() {
    let text = "use crate::model::Session;\n// crate::app is only mentioned\nlet x = crate::metrics::rates::gap_limit_ms(o);\n";
    let found: Vec<_> = crate_paths(text).into_iter().collect();
    assert_eq!(found, vec!["metrics", "model"]);
}
