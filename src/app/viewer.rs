//! The `Viewer` handle: one imported session, its charts, and the panel
//! data, for the page's script. Panel data crosses as JSON text; the page
//! renders every string with `textContent`.

use crate::charts::catalog::line_data;
use crate::charts::{draw_layers, metric_charts, raw_charts, Chart, Frame, Layer};
use crate::metrics::rates::gap_limit_ms;
use crate::model::Session;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use super::{import_error, js_error};

fn json<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// The import worker's side of a load: chunks are pushed as the file or
/// the response streams in and are gunzipped and parsed at once (see
/// `formats::stream`), so a line-oriented dump is never held whole. At the
/// end the summary is computed here (off the page's main thread) and the
/// model leaves in parts of the transfer format, each stats object freed
/// once encoded.
#[wasm_bindgen(js_name = ImportStream)]
pub struct WorkerImport {
    stream: Option<crate::formats::ImportStream>,
    encoder: Option<crate::transfer::Encoder>,
}

impl Default for WorkerImport {
    fn default() -> Self {
        Self::new()
    }
}

/// Size of the transfer's parts: big enough that posting them costs
/// nothing, small enough that neither side holds much more than the model.
const PART_BYTES: usize = 4 << 20;

#[wasm_bindgen(js_class = ImportStream)]
impl WorkerImport {
    #[wasm_bindgen(constructor)]
    pub fn new() -> WorkerImport {
        WorkerImport {
            stream: Some(crate::formats::ImportStream::new(Default::default())),
            encoder: None,
        }
    }

    /// The input's size in bytes, when known (file size, Content-Length).
    #[wasm_bindgen(js_name = sizeHint)]
    pub fn size_hint(&mut self, bytes: f64) {
        if let Some(stream) = self.stream.as_mut() {
            // f64 from JS: a negative or fractional size is no hint.
            if bytes.is_finite() && bytes >= 0.0 {
                stream.size_hint(bytes as u64);
            }
        }
    }

    /// Takes the next chunk. Throws an `Error` named after the error kind
    /// when the input cannot be a dump (or is too large): stop reading.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        let stream = self
            .stream
            .as_mut()
            .ok_or_else(|| js_error("internal", "push() after finish()"))?;
        stream.push(chunk).map_err(import_error)
    }

    /// Ends the input and builds the session; returns its summary (JSON).
    /// Throws an `Error` named after the error kind.
    pub fn finish(&mut self) -> Result<String, JsValue> {
        let stream = self
            .stream
            .take()
            .ok_or_else(|| js_error("internal", "finish() twice"))?;
        let session = stream.finish().map_err(import_error)?;
        let summary = json(&crate::summary::summarize(&session));
        self.encoder = Some(crate::transfer::Encoder::new(session, PART_BYTES));
        Ok(summary)
    }

    /// The next part of the model in the transfer format, `undefined` after
    /// the last.
    #[wasm_bindgen(js_name = nextPart)]
    pub fn next_part(&mut self) -> Option<Vec<u8>> {
        self.encoder.as_mut()?.next_part()
    }
}

/// Draws `layers` into `canvas`; the plot area `[left, right, top, bottom]`.
fn draw_on(
    canvas: &HtmlCanvasElement,
    layers: &[Layer<'_>],
    frame: &Frame,
) -> Result<Vec<f64>, JsValue> {
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| js_error("canvas", "canvas has no 2d context"))?;
    let root = backend.into_drawing_area();
    let r = draw_layers(&root, layers, frame).map_err(|e| js_error("draw", &e))?;
    Ok(vec![
        f64::from(r.left),
        f64::from(r.right),
        f64::from(r.top),
        f64::from(r.bottom),
    ])
}

/// Builds a [`Viewer`] from the import worker's parts (the model and the
/// chart catalog the worker built) in short steps:
/// `push` each part as it arrives, `end` after the last, call `step` until
/// it says done, then `finish`. Each call does a bounded amount of work,
/// so the page's main thread never blocks for long, however large the
/// session; decoded bytes are dropped as it goes.
#[wasm_bindgen]
pub struct ViewerLoader {
    decoder: crate::transfer::Decoder,
    ready: Option<(Session, Vec<Chart>)>,
}

impl Default for ViewerLoader {
    fn default() -> Self {
        Self::new()
    }
}

/// What [`ViewerLoader::step`] returns (in JS: `Step.Working`, ...).
#[wasm_bindgen]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Call again (after letting the browser paint).
    Working = 0,
    /// Push the next part first.
    NeedBytes = 1,
    /// Ready to `finish`.
    Done = 2,
}

#[wasm_bindgen]
impl ViewerLoader {
    #[wasm_bindgen(constructor)]
    pub fn new() -> ViewerLoader {
        ViewerLoader {
            decoder: crate::transfer::Decoder::new(),
            ready: None,
        }
    }

    /// Appends a part of the transfer.
    pub fn push(&mut self, part: &[u8]) {
        self.decoder.push(part);
    }

    /// No more parts will come.
    pub fn end(&mut self) {
        self.decoder.end();
    }

    /// Works for about `budget_ms`; says what the page does next.
    pub fn step(&mut self, budget_ms: f64) -> Result<Step, JsValue> {
        use crate::transfer::Progress;
        let start = js_sys::Date::now();
        let broken = || js_error("internal", "the import worker sent an unreadable model");
        if self.ready.is_some() {
            return Ok(Step::Done);
        }
        loop {
            // One column or one derived series at a time: a million-row
            // stats object is tens of MB, too much for one step.
            match self.decoder.step(1).ok_or_else(broken)? {
                Progress::Working => {}
                Progress::NeedBytes => return Ok(Step::NeedBytes),
                Progress::Done => {
                    let d = std::mem::take(&mut self.decoder);
                    self.ready = Some(d.finish_with_charts().ok_or_else(broken)?);
                    return Ok(Step::Done);
                }
            }
            if js_sys::Date::now() - start >= budget_ms {
                return Ok(Step::Working);
            }
        }
    }

    /// The viewer (after `step` said done), with the summary the worker
    /// computed, if given.
    pub fn finish(self, summary: Option<String>) -> Result<Viewer, JsValue> {
        let (session, metric) = self
            .ready
            .ok_or_else(|| js_error("internal", "finish() before the last step"))?;
        Ok(Viewer {
            session,
            metric,
            raw: None,
            summary_json: summary,
        })
    }
}

#[wasm_bindgen]
pub struct Viewer {
    pub(crate) session: Session,
    pub(crate) metric: Vec<Chart>,
    pub(crate) raw: Option<Vec<Chart>>,
    /// The summary's JSON, computed once (by the worker when it can): it
    /// walks every sample, a long task on the main thread for a big dump.
    pub(crate) summary_json: Option<String>,
}

/// Not exported to JS (the page imports in the worker, `ViewerLoader`):
/// for the browser tests, which start from bytes.
impl Viewer {
    /// Imports a dump. Fails with an `Error` named after the error kind.
    pub fn open(bytes: &[u8]) -> Result<Viewer, JsValue> {
        let session = crate::formats::import(bytes).map_err(import_error)?;
        let metric = metric_charts(&session);
        Ok(Viewer {
            session,
            metric,
            raw: None,
            summary_json: None,
        })
    }
}

#[wasm_bindgen]
impl Viewer {
    /// The `rtcview-summary/1` document.
    pub fn summary(&mut self) -> String {
        let session = &self.session;
        self.summary_json
            .get_or_insert_with(|| json(&crate::summary::summarize(session)))
            .clone()
    }

    /// `[start, end]` in unix ms, or `[]` when nothing in the dump has a
    /// time: the opening and "reset" view, so that a state change after
    /// the last stats sample (a `failed` that ends the call) is on screen.
    #[wasm_bindgen(js_name = timeRange)]
    pub fn time_range(&self) -> Vec<f64> {
        self.session
            .time_range_ms()
            .map(|(a, b)| vec![a, b])
            .unwrap_or_default()
    }

    /// The chart list (JSON): derived metrics, or every raw series.
    pub fn charts(&mut self, raw: bool) -> String {
        if raw {
            let session = &self.session;
            let list = self.raw.get_or_insert_with(|| raw_charts(session));
            json(&list.iter().map(Chart::info).collect::<Vec<_>>())
        } else {
            json(&self.metric.iter().map(Chart::info).collect::<Vec<_>>())
        }
    }

    /// Chart `id`, and `other`'s chart moved by its shift, drawn on one
    /// axis: the one drawing path of `drawChart` and `drawWith`.
    fn draw_layers_on(
        &self,
        canvas: &HtmlCanvasElement,
        id: &str,
        other: Option<(&Viewer, &str, f64)>,
        frame: &Frame,
    ) -> Result<Vec<f64>, JsValue> {
        let mut layers = vec![Layer {
            session: &self.session,
            chart: self.chart_or_error(id)?,
            shift_ms: 0.0,
        }];
        if let Some((viewer, id, shift_ms)) = other {
            layers.push(Layer {
                session: &viewer.session,
                chart: viewer.chart_or_error(id)?,
                shift_ms,
            });
        }
        draw_on(canvas, &layers, frame)
    }

    fn chart_or_error(&self, id: &str) -> Result<&Chart, JsValue> {
        self.chart(id)
            .ok_or_else(|| js_error("not_found", &format!("no chart {id}")))
    }

    fn chart(&self, id: &str) -> Option<&Chart> {
        let list = if id.starts_with("raw/") {
            self.raw.as_deref().unwrap_or_default()
        } else {
            &self.metric
        };
        list.iter().find(|c| c.id == id)
    }

    /// Draws chart `id` into `canvas` (already sized in device pixels) for
    /// the time range `t0..t1`. `scale` is the device pixel ratio;
    /// `highlight` the ranges of the finding being looked at, as
    /// `[start, end, start, end, ...]`; `origin` labels the time axis as
    /// time since that instant instead of UTC. Returns the plot area
    /// `[left, right, top, bottom]` in canvas pixels.
    #[wasm_bindgen(js_name = drawChart)]
    #[allow(clippy::too_many_arguments)] // mirrors the JS call; a Frame object would cost a JS shim
    pub fn draw_chart(
        &self,
        canvas: &HtmlCanvasElement,
        id: &str,
        t0: f64,
        t1: f64,
        cursor: Option<f64>,
        mark: Option<f64>,
        scale: f64,
        dark: bool,
        highlight: Option<Vec<f64>>,
        origin: Option<f64>,
    ) -> Result<Vec<f64>, JsValue> {
        let frame = Frame {
            t0_ms: t0,
            t1_ms: t1,
            cursor_ms: cursor,
            mark_ms: mark,
            highlight_ms: Frame::ranges_from_flat(&highlight.unwrap_or_default()),
            scale,
            dark,
            origin_ms: origin,
        };
        self.draw_layers_on(canvas, id, None, &frame)
    }

    /// Draws chart `id` of this session and chart `other_id` of `other` on
    /// one axis, on this session's clock: `shift` ms are added to
    /// `other`'s times (the two ends of a call: minus the link's clock
    /// offset; two calls: the difference of their starts). Returns the
    /// plot area like `drawChart`.
    #[wasm_bindgen(js_name = drawWith)]
    #[allow(clippy::too_many_arguments)] // mirrors the JS call
    pub fn draw_with(
        &self,
        canvas: &HtmlCanvasElement,
        id: &str,
        other: &Viewer,
        other_id: &str,
        shift: f64,
        t0: f64,
        t1: f64,
        cursor: Option<f64>,
        scale: f64,
        dark: bool,
    ) -> Result<Vec<f64>, JsValue> {
        let frame = Frame {
            t0_ms: t0,
            t1_ms: t1,
            cursor_ms: cursor,
            mark_ms: None,
            highlight_ms: Vec::new(),
            scale,
            dark,
            origin_ms: None,
        };
        self.draw_layers_on(canvas, id, Some((other, other_id, shift)), &frame)
    }

    /// What every metric chart of peer connection `pc_id` did over
    /// `t0..=t1` (JSON `ChartRange[]`): the stream table of the visible
    /// range, with each line's worst 10 s window.
    #[wasm_bindgen(js_name = rangeStats)]
    pub fn range_stats(&self, pc_id: &str, t0: f64, t1: f64) -> String {
        json(&crate::charts::range::pc_range(
            &self.session,
            &self.metric,
            pc_id,
            t0,
            t1,
        ))
    }

    /// The values of chart `id`'s lines in effect at `t` (JSON).
    /// A chart's lines over `t0..=t1`, sample by sample
    /// (`charts::range::chart_series`), as JSON: its CSV export and table.
    #[wasm_bindgen(js_name = chartSeries)]
    pub fn chart_series(&self, id: &str, t0: f64, t1: f64) -> String {
        self.chart(id).map_or_else(
            || "[]".into(),
            |c| {
                json(&crate::charts::range::chart_series(
                    &self.session,
                    c,
                    t0,
                    t1,
                ))
            },
        )
    }

    #[wasm_bindgen(js_name = valuesAt)]
    pub fn values_at(&self, id: &str, t: f64) -> String {
        let Some(chart) = self.chart(id) else {
            return "[]".into();
        };
        let out: Vec<crate::view::Readout<'_>> = chart
            .lines
            .iter()
            .map(|l| {
                let max_age = self
                    .session
                    .peer_connections
                    .get(l.times_of.0)
                    .and_then(|p| p.stats.get(l.times_of.1))
                    .map(gap_limit_ms)
                    .unwrap_or(crate::metrics::MAX_GAP_MS);
                let value = line_data(&self.session, l)
                    .and_then(|(ts, vs)| vs.value_at(ts, t, max_age))
                    .map(|(_, v)| v);
                crate::view::Readout {
                    label: &l.label,
                    value,
                }
            })
            .collect();
        json(&out)
    }

    /// Event log rows of peer connection `pc` (index), or the client log for -1.
    pub fn events(&self, pc: i32) -> String {
        json(&crate::view::event_rows(
            &self.session,
            usize::try_from(pc).ok(),
        ))
    }

    /// SDP descriptions of peer connection `pc`.
    pub fn descriptions(&self, pc: usize) -> String {
        json(
            &self
                .session
                .peer_connections
                .get(pc)
                .map(crate::view::descriptions)
                .unwrap_or_default(),
        )
    }

    /// ICE candidate pairs of peer connection `pc`.
    #[wasm_bindgen(js_name = candidatePairs)]
    pub fn candidate_pairs(&self, pc: usize) -> String {
        json(
            &self
                .session
                .peer_connections
                .get(pc)
                .map(|p| crate::view::candidate_pairs(p, &self.session.strings))
                .unwrap_or_default(),
        )
    }

    /// State swimlanes of peer connection `pc`.
    pub fn lanes(&self, pc: usize) -> String {
        let end = self.session.time_range_ms().map(|r| r.1).unwrap_or(0.0);
        json(
            &self
                .session
                .peer_connections
                .get(pc)
                .map(|p| crate::view::state_lanes(p, end))
                .unwrap_or_default(),
        )
    }

    /// The parsed configuration of peer connection `pc`.
    pub fn configuration(&self, pc: usize) -> String {
        json(
            &self
                .session
                .peer_connections
                .get(pc)
                .map(crate::view::configuration),
        )
    }
}
