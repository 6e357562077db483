#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
#![cfg(not(target_arch = "wasm32"))]
//! The viewer component's stylesheet stays inside the component: `mount()`
//! adds www/viewer.css to a host page, so every selector in it must be
//! scoped to `.rv-root` (or the page's theme attribute above it), or it
//! would restyle the host.

/// Every selector of the stylesheet, with @media blocks opened.
fn selectors(css: &str) -> Vec<String> {
    // Comments out.
    let mut text = String::new();
    let mut rest = css;
    while let Some(i) = rest.find("/*") {
        text.push_str(&rest[..i]);
        rest = rest[i..]
            .find("*/")
            .map(|j| &rest[i + j + 2..])
            .unwrap_or("");
    }
    text.push_str(rest);
    let mut out = Vec::new();
    let mut prelude = String::new();
    let mut depth_in_rule = 0usize;
    for ch in text.chars() {
        match ch {
            '{' if depth_in_rule == 0 => {
                let p = prelude.trim().to_string();
                prelude.clear();
                if p.starts_with('@') {
                    continue; // @media: its rules follow at the same level
                }
                out.extend(p.split(',').map(|s| s.trim().to_string()));
                depth_in_rule = 1;
            }
            '{' => depth_in_rule += 1,
            '}' if depth_in_rule > 0 => depth_in_rule -= 1,
            '}' => prelude.clear(), // the end of an @media block
            c if depth_in_rule == 0 => prelude.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn every_viewer_selector_is_inside_rv_root() {
    let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/viewer.css"))
        .expect("www/viewer.css");
    let all = selectors(&css);
    assert!(all.len() > 50, "the parser found the rules: {}", all.len());
    let leaks: Vec<&String> = all
        .iter()
        .filter(|s| {
            !(s.starts_with(".rv-root") || s.starts_with(":root[data-theme=dark] .rv-root"))
        })
        .collect();
    assert!(leaks.is_empty(), "selectors outside .rv-root: {leaks:?}");
}

#[test]
fn the_parser_sees_a_leak() {
    let s = selectors(
        ".rv-root a { x: 1 } /* c */ @media (x) { .rv-root b, .leak { y: 2 } } .c1 { z: 3 }",
    );
    assert_eq!(s, vec![".rv-root a", ".rv-root b", ".leak", ".c1"]);
}

/// calls.css (several dumps, calls.js) is added to host pages by
/// `mount().open()` too: every selector stays under `.rv-calls`.
#[test]
fn every_calls_selector_is_inside_rv_calls() {
    let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/calls.css"))
        .expect("www/calls.css");
    let all = selectors(&css);
    assert!(all.len() > 10, "the parser found the rules: {}", all.len());
    let leaks: Vec<&String> = all
        .iter()
        .filter(|s| !s.starts_with(".rv-calls "))
        .collect();
    assert!(leaks.is_empty(), "selectors outside .rv-calls: {leaks:?}");
}
