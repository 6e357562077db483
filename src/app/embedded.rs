//! The page side of embedding: an [`EmbedSession`] wraps the pure protocol
//! state machine; the page passes it every `message` event and carries out
//! the returned actions (JSON), so every rule stays in tested Rust.

use super::viewer::Viewer;
use crate::embed::{Embed, EmbedConfig};
use wasm_bindgen::prelude::*;

fn actions(a: &[crate::embed::Action]) -> String {
    serde_json::to_string(a).unwrap_or_else(|_| "[]".into())
}

#[wasm_bindgen]
pub struct EmbedSession {
    embed: Embed,
}

#[wasm_bindgen]
impl EmbedSession {
    /// Reads `config.json`. Throws an `Error` named `config` when it is
    /// missing fields or invalid: never "allow all".
    #[wasm_bindgen(constructor)]
    pub fn new(config_json: &str) -> Result<EmbedSession, JsValue> {
        let config = EmbedConfig::parse(config_json)
            .map_err(|e| super::js_error("config", &e.to_string()))?;
        Ok(EmbedSession {
            embed: Embed::new(config),
        })
    }

    /// Origins to announce `ready.v1` to (JSON array); empty once logged in.
    #[wasm_bindgen(js_name = readyTargets)]
    pub fn ready_targets(&self) -> String {
        serde_json::to_string(&self.embed.ready_targets()).unwrap_or_else(|_| "[]".into())
    }

    /// The `ready.v1` message text.
    #[wasm_bindgen(js_name = readyMessage)]
    pub fn ready_message() -> String {
        Embed::ready_message().to_string()
    }

    /// The longest message text the protocol reads
    /// (`embed::protocol::MAX_MESSAGE_BYTES`): the page drops longer ones
    /// before copying them into wasm.
    #[wasm_bindgen(js_name = maxMessageBytes)]
    pub fn max_message_bytes() -> f64 {
        crate::embed::protocol::MAX_MESSAGE_BYTES as f64
    }

    /// One `message` event; returns the actions (JSON).
    #[wasm_bindgen(js_name = onMessage)]
    pub fn on_message(
        &mut self,
        text: &str,
        has_buffer: bool,
        origin: &str,
        from_parent: bool,
    ) -> String {
        let now_s = js_sys::Date::now() / 1000.0;
        actions(
            &self
                .embed
                .on_message(text, has_buffer, origin, from_parent, now_s),
        )
    }

    /// An import finished: filter, masking, then `Show` + `statsReady.v1`,
    /// or `forbidden`.
    pub fn admit(&mut self, viewer: &mut Viewer) -> String {
        // Masking rewrites text only; the chart catalog refers to numeric
        // columns by position and its labels carry no addresses, so it
        // stays, unless masked ids re-sorted the stats objects.
        // The worker's summary, when the load came from it.
        let summary = viewer
            .summary_json
            .as_deref()
            .and_then(|j| serde_json::from_slice(j.as_bytes()).ok());
        let acts = self.embed.admit_with_summary(&mut viewer.session, summary);
        if self.embed.stats_reordered() {
            // The catalog refers to stats objects by position.
            viewer.metric = crate::charts::metric_charts(&viewer.session);
            viewer.raw = None;
        }
        // Filtering and masking changed the session: keep the summary that
        // went to the host (statsReady.v1) for the page, not the worker's.
        viewer.summary_json = acts.iter().find_map(|a| match a {
            crate::embed::Action::Post { message, .. }
                if message.get("msg").and_then(|m| m.as_str()) == Some("statsReady.v1") =>
            {
                message.get("data").map(|d| d.to_string())
            }
            _ => None,
        });
        actions(&acts)
    }

    /// Several sessions (the `fetch` actions of one `load.v1` with
    /// `data.urls`) were imported together, linked, never merged, and each
    /// admitted (`admit`); `doc` is the document of them all (JSON):
    /// `Show` + `statsReady.v1` with it, masked as the login requires.
    #[wasm_bindgen(js_name = admitSeveral)]
    pub fn admit_several(&mut self, doc: &str) -> String {
        // `from_slice`, as `admit`: `from_str` would link a second reader.
        let doc = serde_json::from_slice(doc.as_bytes()).unwrap_or(serde_json::Value::Null);
        actions(&self.embed.admit_several(doc))
    }

    /// A fetch or import failed: `what` is the importer error's kind (its
    /// JS `Error` name) or `fetch_failed`; Rust picks the protocol code.
    pub fn failed(&mut self, what: &str, message: &str) -> String {
        actions(&self.embed.failed(what, message))
    }

    /// The content height changed: `resize.v1` to the verified origin.
    pub fn resized(&self, height: f64) -> String {
        actions(&self.embed.resized(height))
    }
}
