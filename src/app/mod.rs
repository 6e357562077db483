//! Browser shell (wasm32 only): the one place that touches `wasm-bindgen`
//! and `web-sys`. The page's script drives a [`viewer::Viewer`]; the DOM
//! around the charts is built by the script, as text only.

pub mod embedded;
pub mod heap;
pub mod viewer;

pub use embedded::EmbedSession;
pub use viewer::Viewer;

use wasm_bindgen::prelude::*;

/// Every error the wasm throws: a JS `Error` whose `name` is the kind
/// (an `ImportErrorKind` of rtcview-types.d.ts, `config`, `draw`, ...)
/// and whose `message` is for people, so the page can show both.
pub(crate) fn js_error(kind: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name(kind);
    JsValue::from(err)
}

/// An import error, named after its kind.
pub(crate) fn import_error(e: crate::ImportError) -> JsValue {
    js_error(e.kind.as_str(), &e.to_string())
}

/// Crate version, for the page footer and bug reports.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The chart metrics that show the evidence of a finding kind, most
/// telling first (`view::findings::metrics_for`), space-separated: one
/// string crosses to JS with far less glue than an array of them.
#[wasm_bindgen(js_name = findingMetrics)]
pub fn finding_metrics(kind: &str) -> String {
    crate::view::findings::metrics_for(kind).join(" ")
}

/// The largest input the importer reads, in decompressed bytes
/// (`formats::ImportOptions`): the worker refuses a larger file before
/// reading it, with [`too_large_message`].
#[wasm_bindgen(js_name = maxInputBytes)]
pub fn max_input_bytes() -> f64 {
    crate::formats::ImportOptions::default().max_decoded_bytes as f64
}

/// The importer's own "too large" message for an input of `bytes`.
#[wasm_bindgen(js_name = tooLargeMessage)]
pub fn too_large_message(bytes: f64) -> String {
    let limit = crate::formats::ImportOptions::default().max_decoded_bytes;
    crate::formats::decompress::too_large(Some(bytes as u64), limit).message
}

/// The legend swatch of each chart line for a theme, as CSS backgrounds,
/// `;`-separated: its colour, dashed as the line is
/// (`charts::theme::Theme::line_css`).
#[wasm_bindgen(js_name = lineColors)]
pub fn line_colors(dark: bool) -> String {
    crate::charts::theme::Theme::new(dark).line_css()
}

/// How the score is computed, in words (`findings::score::EXPLANATION`).
#[wasm_bindgen(js_name = scoreExplanation)]
pub fn score_explanation() -> String {
    crate::findings::score::EXPLANATION.to_string()
}

/// Imports a dump and returns its `rtcview-summary/1` document as JSON text.
///
/// On failure throws a JS `Error` whose `name` is the error kind
/// (`unrecognized`, `empty`, `too_large`, ...) and whose `message` is for
/// people, so the page can show both.
///
/// Not exported to JS (the page summarizes in the worker): for the browser
/// tests, which check the wasm build's import and summary.
pub fn summarize_dump(bytes: &[u8]) -> Result<String, JsValue> {
    let session = crate::formats::import(bytes).map_err(import_error)?;
    serde_json::to_string(&crate::summary::summarize(&session))
        .map_err(|e| js_error("internal", &e.to_string()))
}
