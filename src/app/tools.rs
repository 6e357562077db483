//! The page's sharing tools (wasm32, `--features tools`): the same code as
//! `rtcview redact`, `convert`, `report` and `summary`, as a second wasm
//! module that the page loads only when one of them is asked for
//! (www/tools.js), so that the viewer's own module stays in its size budget.
//! It touches no `web-sys`: bytes in, bytes out; the worker around it
//! (www/tools-worker.js) streams files in and gzips a redacted copy out.

use crate::charts::Frame;
use crate::convert::Target;
use crate::redact::{Options, Redactor};
use wasm_bindgen::prelude::*;

/// An error for the page: a JS `Error` named after its kind.
fn error(kind: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name(kind);
    JsValue::from(err)
}

/// An import error, named after its kind (as `app::import_error` in the
/// viewer's build).
fn import_error(e: crate::ImportError) -> JsValue {
    error(e.kind.as_str(), &e.to_string())
}

/// `rtcview redact` over a stream: push the dump's (gunzipped) bytes as
/// they are read, take the redacted bytes back each time.
#[wasm_bindgen]
pub struct RedactStream {
    redactor: Redactor,
    /// gzip input: our member-by-member decoder (the browser's
    /// `DecompressionStream` refuses a second gzip member).
    gunzip: Option<crate::formats::gunzip::GzDecoder>,
    text: Vec<u8>,
    out: Vec<u8>,
    summary: String,
    /// Bytes redacted so far (after gunzip): held to the importer's limit,
    /// so that a gzip bomb stops here as it does when opened.
    decoded: u64,
    /// Input not yet taken (the output of one push is bounded).
    pending: Vec<u8>,
}

#[wasm_bindgen]
impl RedactStream {
    /// `gzip`: the chunks are a gzip stream (the redacted text comes out
    /// plain; the worker gzips it again).
    #[wasm_bindgen(constructor)]
    pub fn new(keep_private: bool, gzip: bool) -> RedactStream {
        RedactStream {
            redactor: Redactor::new(Options { keep_private }),
            gunzip: gzip.then(crate::formats::gunzip::GzDecoder::default),
            text: Vec::new(),
            out: Vec::new(),
            summary: String::new(),
            decoded: 0,
            pending: Vec::new(),
        }
    }

    /// The redacted text of the lines this chunk completed, at most about
    /// 50 MiB of it: the input is taken 16 KiB at a time (inflated first
    /// when gzip, the limit checked after each piece: deflate inflates a
    /// piece at most ~1000-fold, to 16.5 MiB), until 32 MiB are out; what
    /// is left waits for the next call (see [`Self::pending`]). Without
    /// these bounds one chunk of a gzip bomb inflated past what one wasm
    /// allocation can hold, and aborted.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<u8>, JsValue> {
        const PIECE: usize = 16 << 10;
        const OUT_MAX: usize = 32 << 20;
        let limit = crate::formats::ImportOptions::default().max_decoded_bytes;
        let mut input = std::mem::take(&mut self.pending);
        input.extend_from_slice(chunk);
        let mut at = 0;
        while at < input.len() && self.out.len() < OUT_MAX {
            let end = (at + PIECE).min(input.len());
            let piece = input.get(at..end).unwrap_or_default();
            at = end;
            let text = match &mut self.gunzip {
                Some(d) => {
                    self.text.clear();
                    d.write(piece, &mut self.text).map_err(|e| {
                        error("malformed", &format!("the gzip data is damaged: {e}"))
                    })?;
                    &self.text[..]
                }
                None => piece,
            };
            self.decoded += text.len() as u64;
            if self.decoded > limit {
                let e = crate::formats::decompress::too_large(Some(self.decoded), limit);
                return Err(error(e.kind.as_str(), &e.message));
            }
            self.redactor.push(text, &mut self.out);
        }
        self.pending = input.split_off(at.min(input.len()));
        Ok(std::mem::take(&mut self.out))
    }

    /// Input is left over from the last push: push again (an empty chunk
    /// will do) before the next one.
    pub fn pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The rest; what was replaced is then in [`Self::summary`].
    pub fn finish(&mut self) -> Result<Vec<u8>, JsValue> {
        if self.pending() {
            return Err(error(
                "error",
                "input is pending: push until pending() is false",
            ));
        }
        if let Some(d) = &mut self.gunzip {
            self.text.clear();
            d.finish(&mut self.text)
                .map_err(|e| error("truncated", &format!("the gzip data ends early: {e}")))?;
            self.redactor.push(&self.text, &mut self.out);
        }
        let redactor = std::mem::replace(&mut self.redactor, Redactor::new(Options::default()));
        let r = redactor.finish(&mut self.out);
        let s = &r.secrets;
        self.summary = format!(
            "{} addresses, {} ICE ufrags, {} passwords, {} fingerprints, {} labels, {} TURN credentials, {} URLs replaced",
            r.addresses, s.ufrags, s.passwords, s.fingerprints, s.labels, s.credentials, s.urls
        );
        Ok(std::mem::take(&mut self.out))
    }

    /// What was replaced, for the page to say (after [`Self::finish`]).
    pub fn summary(&self) -> String {
        self.summary.clone()
    }
}

/// One whole-dump tool: `report` (HTML), `summary` (JSON), or a conversion
/// (`webrtc-internals`, `rtcstats`), of the dump's bytes (gzip or not).
#[wasm_bindgen]
pub fn tool(bytes: &[u8], name: &str, op: &str) -> Result<Vec<u8>, JsValue> {
    let session = crate::import(bytes).map_err(import_error)?;
    match op {
        "report" => Ok(crate::report::report(&session, name).into_bytes()),
        "summary" => serde_json::to_vec_pretty(&crate::summary::summarize(&session))
            .map_err(|e| error("error", &e.to_string())),
        other => {
            let target = Target::parse(other).ok_or_else(|| error("error", "unknown tool"))?;
            let mut out = Vec::new();
            crate::convert::convert(&session, target, &mut out)
                .map_err(|e| error("error", &e.to_string()))?;
            Ok(out)
        }
    }
}

/// One dump's charts as SVG (a chart's "SVG" export): the session is read
/// once and kept, since the page asks for one chart at a time.
#[wasm_bindgen]
pub struct ChartSvg {
    session: crate::Session,
    metric: Vec<crate::charts::Chart>,
    raw: Option<Vec<crate::charts::Chart>>,
}

#[wasm_bindgen]
impl ChartSvg {
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8]) -> Result<ChartSvg, JsValue> {
        let session = crate::import(bytes).map_err(import_error)?;
        let metric = crate::charts::metric_charts(&session);
        Ok(ChartSvg {
            session,
            metric,
            raw: None,
        })
    }

    /// Chart `id` (the viewer's: the catalog is built the same way) over
    /// `t0..t1`, `width` × `height` CSS pixels, drawn by plotters' SVG
    /// backend as the canvas is: the same theme, the finding's ranges
    /// (`highlight`, `[start, end, …]`) and the time axis' origin.
    #[allow(clippy::too_many_arguments)] // mirrors the viewer's drawChart
    pub fn svg(
        &mut self,
        id: &str,
        t0: f64,
        t1: f64,
        width: u32,
        height: u32,
        dark: bool,
        highlight: Option<Vec<f64>>,
        origin: Option<f64>,
    ) -> Result<String, JsValue> {
        use plotters::prelude::{IntoDrawingArea, SVGBackend};
        let list = if id.starts_with("raw/") {
            self.raw
                .get_or_insert_with(|| crate::charts::raw_charts(&self.session))
        } else {
            &self.metric
        };
        let chart = list
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| error("not_found", "no such chart in this dump"))?;
        let frame = Frame {
            t0_ms: t0,
            t1_ms: t1,
            cursor_ms: None,
            mark_ms: None,
            highlight_ms: Frame::ranges_from_flat(&highlight.unwrap_or_default()),
            scale: 1.0,
            dark,
            origin_ms: origin,
        };
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (width.max(1), height.max(1)))
                .into_drawing_area();
            crate::charts::draw_chart(&root, &self.session, chart, &frame)
                .map_err(|e| error("draw", &e))?;
        }
        Ok(svg)
    }
}

/// Several dumps opened together (issue 15): each is streamed in as it is
/// read (`begin`, `push`…, `end`), then `combine` merges the dumps of one
/// browser and links the two ends of a call (`crate::combine`) and gives
/// the document of them all; each browser's session then leaves in the
/// transfer format the viewer's `ViewerLoader` reads (`nextPart(end)`).
/// In this module, not the viewer's: opening several dumps is the rarer
/// use, and the viewer's module stays in its size budget.
#[wasm_bindgen]
#[derive(Default)]
pub struct CombineSet {
    inputs: Vec<crate::combine::Input>,
    current: Option<(String, crate::formats::ImportStream)>,
    /// Per browser: its session's own summary, and the encoder of its parts.
    ends: Vec<(String, crate::transfer::Encoder)>,
    /// Per browser: the sources (indexes, in the order given) it holds.
    end_sources: Vec<Vec<u32>>,
    /// Keep every dump its own browser (no merging): the embedded viewer
    /// admits each dump under the login's filter, which a merge would
    /// blur (one dump's metadata passing for another's).
    apart: bool,
}

/// Parts of the same size as the viewer's import worker sends.
const PART_BYTES: usize = 4 << 20;

#[wasm_bindgen]
impl CombineSet {
    #[wasm_bindgen(constructor)]
    pub fn new() -> CombineSet {
        CombineSet::default()
    }

    /// Keeps every dump its own browser: linked, never merged.
    #[wasm_bindgen(js_name = keepApart)]
    pub fn keep_apart(&mut self) {
        self.apart = true;
    }

    /// Starts the next dump, `name` being its file's name.
    pub fn begin(&mut self, name: &str, size_hint: f64) {
        let mut stream = crate::formats::ImportStream::new(Default::default());
        if size_hint.is_finite() && size_hint > 0.0 {
            stream.size_hint(size_hint as u64);
        }
        self.current = Some((name.to_string(), stream));
    }

    /// The next chunk of the current dump. Throws an `Error` named after
    /// the error kind when it cannot be a dump.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        let (_, stream) = self
            .current
            .as_mut()
            .ok_or_else(|| error("internal", "push() before begin()"))?;
        stream.push(chunk).map_err(import_error)
    }

    /// Ends the current dump and builds its session.
    pub fn end(&mut self) -> Result<(), JsValue> {
        let (name, stream) = self
            .current
            .take()
            .ok_or_else(|| error("internal", "end() before begin()"))?;
        let session = stream
            .finish()
            .map_err(|e| error(e.kind.as_str(), &format!("{name}: {e}")))?;
        self.inputs.push(crate::combine::Input { name, session });
        Ok(())
    }

    /// Merges and links the dumps given so far; returns the
    /// `rtcview-summary/1` document of them all (JSON).
    pub fn combine(&mut self) -> String {
        let inputs = std::mem::take(&mut self.inputs);
        let combined = crate::combine::combine_with(inputs, !self.apart);
        let json = |v: &crate::summary::Summary| {
            serde_json::to_string(v).unwrap_or_else(|_| "null".into())
        };
        // Each browser's own summary (its column's) and the document of
        // them all, from one analysis per browser.
        let per_end: Vec<_> = combined
            .ends
            .iter()
            .map(|e| crate::summary::summarize(&e.session))
            .collect();
        let own: Vec<String> = per_end.iter().map(json).collect();
        let doc = json(&crate::summary::summarize_combined_from(&combined, per_end));
        self.end_sources = combined
            .ends
            .iter()
            .map(|e| e.sources.iter().map(|&i| i as u32).collect())
            .collect();
        self.ends = combined
            .ends
            .into_iter()
            .zip(own)
            .map(|(end, summary)| {
                (
                    summary,
                    crate::transfer::Encoder::new(end.session, PART_BYTES),
                )
            })
            .collect();
        doc
    }

    /// How many browsers (sessions) `combine` made.
    pub fn ends(&self) -> usize {
        self.ends.len()
    }

    /// The sources (indexes into the document's `sources`) browser `end`
    /// was merged from.
    #[wasm_bindgen(js_name = endSources)]
    pub fn end_sources(&self, end: usize) -> Vec<u32> {
        self.end_sources.get(end).cloned().unwrap_or_default()
    }

    /// Browser `end`'s own summary (its viewer's, JSON).
    #[wasm_bindgen(js_name = endSummary)]
    pub fn end_summary(&self, end: usize) -> String {
        self.ends.get(end).map(|e| e.0.clone()).unwrap_or_default()
    }

    /// The next part of browser `end`'s session, `undefined` after its last.
    #[wasm_bindgen(js_name = nextPart)]
    pub fn next_part(&mut self, end: usize) -> Option<Vec<u8>> {
        self.ends.get_mut(end)?.1.next_part()
    }
}
