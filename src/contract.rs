//! The typed contract between the wasm and its JS: the TypeScript
//! declarations of every document JS receives are generated from the Rust
//! types that serialize them, and this test keeps the committed file
//! (`www/rtcview-types.d.ts`, shipped in the npm package) equal to what the
//! types say. Change a type, run `UPDATE_TS=1 cargo test --lib contract`,
//! and review the diff of the declarations with the change.

use ts_rs::TS;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/www/rtcview-types.d.ts");

const HEADER: &str = "\
// The documents rtcview's wasm hands to JS, generated from the Rust types
// by src/contract.rs (`UPDATE_TS=1 cargo test --lib contract`). Do not edit.
";

/// The declarations, one `export type` per Rust type, in dependency order
/// so the file reads top-down from the summary.
fn declarations() -> String {
    let decls = [
        // The summary (`rtcview-summary/1`, statsReady.v1, `rtcview summary`).
        crate::summary::Summary::decl(),
        crate::summary::Source::decl(),
        crate::summary::GumSummary::decl(),
        crate::summary::PcSummary::decl(),
        crate::findings::outcome::PcOutcome::decl(),
        crate::findings::outcome::PcOutcomeState::decl(),
        crate::summary::RtpSummary::decl(),
        crate::summary::DiagSummary::decl(),
        crate::model::Format::decl(),
        crate::model::Outcome::decl(),
        crate::model::event::StateChange::decl(),
        crate::metrics::rtp::Direction::decl(),
        crate::metrics::rates::Stat::decl(),
        crate::metrics::rtp::SelectedPair::decl(),
        crate::error::Severity::decl(),
        // The verdict.
        crate::findings::Finding::decl(),
        crate::findings::Severity::decl(),
        crate::findings::StreamRef::decl(),
        crate::findings::TimeRange::decl(),
        crate::findings::Evidence::decl(),
        crate::findings::Value::decl(),
        crate::findings::Check::decl(),
        crate::findings::score::Score::decl(),
        crate::findings::score::LedgerEntry::decl(),
        // The viewer's panels (`Viewer` methods).
        crate::charts::catalog::ChartInfo::decl(),
        crate::charts::catalog::Band::decl(),
        crate::charts::catalog::Marker::decl(),
        crate::charts::range::ChartRange::decl(),
        crate::charts::range::LineRange::decl(),
        crate::charts::range::Series::decl(),
        crate::charts::range::Window::decl(),
        crate::view::Readout::decl(),
        crate::view::events::EventRow::decl(),
        crate::view::sdp::Description::decl(),
        crate::view::sdp::Section::decl(),
        crate::view::ice::CandidatePair::decl(),
        crate::view::ice::Candidate::decl(),
        crate::view::lanes::Lane::decl(),
        crate::view::lanes::Segment::decl(),
        crate::view::Configuration::decl(),
        // Errors thrown by `Viewer.open`/`summarizeDump`/the loader: a JS
        // `Error` whose `name` is one of these.
        crate::error::Kind::decl(),
    ];
    let mut out = String::from(HEADER);
    for d in decls {
        out.push('\n');
        out.push_str("export ");
        out.push_str(&d);
        out.push('\n');
    }
    // The embed protocol's `error.v1` codes (also the `code` of `mount()`'s
    // `error` event and of a rejected `embed().summary`).
    out.push_str("\nexport ");
    out.push_str(&crate::embed::auth::AuthCode::decl());
    out.push_str("\n\nexport type LoadFailureCode = ");
    let quoted: Vec<String> = crate::embed::protocol::LOAD_FAILURE_CODES
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect();
    out.push_str(&quoted.join(" | "));
    out.push_str(";\n\nexport type ErrorCode = AuthCode | LoadFailureCode;\n");
    out
}

#[test]
fn declarations_match_the_rust_types() {
    let want = declarations();
    if std::env::var_os("UPDATE_TS").is_some() {
        std::fs::write(PATH, &want).expect("write www/rtcview-types.d.ts");
        return;
    }
    let have = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        have == want,
        "www/rtcview-types.d.ts is not what the Rust types say: run \
         `UPDATE_TS=1 cargo test --lib contract` and commit the result"
    );
}
