//! The `Viewer` handle: one imported session, its charts, and the panel
//! data, for the page's script. Panel data crosses as JSON text; the page
//! renders every string with `textContent`.

use crate::charts::catalog::line_data;
use crate::charts::decimate::value_at;
use crate::charts::{draw_chart, metric_charts, raw_charts, Chart, Frame};
use crate::metrics::rates::gap_limit_ms;
use crate::model::Session;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

fn js_error(kind: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name(kind);
    JsValue::from(err)
}

fn json<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// The import worker's side of a load: chunks are pushed as the file or
/// the response streams in and are gunzipped and parsed at once (see
/// `formats::stream`), so a line-oriented dump is never held whole. At the
/// end the model is encoded in the transfer format.
#[wasm_bindgen(js_name = ImportStream)]
pub struct WorkerImport {
    stream: crate::formats::ImportStream,
}

impl Default for WorkerImport {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen(js_class = ImportStream)]
impl WorkerImport {
    #[wasm_bindgen(constructor)]
    pub fn new() -> WorkerImport {
        WorkerImport {
            stream: crate::formats::ImportStream::new(Default::default()),
        }
    }

    /// Takes the next chunk. Throws an `Error` named after the error kind
    /// when the input cannot be a dump (or is too large): stop reading.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.stream
            .push(chunk)
            .map_err(|e| js_error(e.kind.as_str(), &e.to_string()))
    }

    /// Ends the input; returns the model in the transfer format. Throws an
    /// `Error` named after the error kind.
    #[wasm_bindgen(js_name = finishToWire)]
    pub fn finish_to_wire(self) -> Result<Vec<u8>, JsValue> {
        let session = self
            .stream
            .finish()
            .map_err(|e| js_error(e.kind.as_str(), &e.to_string()))?;
        Ok(crate::model::wire::encode(&session))
    }
}

/// Builds a [`Viewer`] from the import worker's transfer in short steps:
/// `push` the buffer in slices, call `step` until it returns true, then
/// `finish`. Each call does a bounded amount of work, so the page's main
/// thread never blocks for long, however large the session.
#[wasm_bindgen]
pub struct ViewerLoader {
    bytes: Vec<u8>,
    decoder: Option<crate::model::wire::Decoder>,
    session: Option<Session>,
    charts: Vec<Chart>,
    next_pc: usize,
}

#[wasm_bindgen]
impl ViewerLoader {
    #[wasm_bindgen(constructor)]
    pub fn new(total_bytes: usize) -> ViewerLoader {
        ViewerLoader {
            bytes: Vec::with_capacity(total_bytes),
            decoder: None,
            session: None,
            charts: Vec::new(),
            next_pc: 0,
        }
    }

    /// Appends a slice of the transfer.
    pub fn push(&mut self, chunk: &[u8]) {
        self.bytes.extend_from_slice(chunk);
    }

    /// Works for about `budget_ms`; true when the viewer is ready to `finish`.
    pub fn step(&mut self, budget_ms: f64) -> Result<bool, JsValue> {
        let start = js_sys::Date::now();
        let spent = || js_sys::Date::now() - start >= budget_ms;
        let broken = || js_error("internal", "the import worker sent an unreadable model");
        if self.session.is_none() {
            if self.decoder.is_none() {
                self.decoder =
                    Some(crate::model::wire::Decoder::new(&self.bytes).ok_or_else(broken)?);
            }
            loop {
                let d = self.decoder.as_mut().ok_or_else(broken)?;
                if d.step(&self.bytes, 16).ok_or_else(broken)? {
                    let d = self.decoder.take().ok_or_else(broken)?;
                    self.session = Some(d.finish(&self.bytes).ok_or_else(broken)?);
                    self.bytes = Vec::new();
                    break;
                }
                if spent() {
                    return Ok(false);
                }
            }
        }
        let session = self.session.as_ref().ok_or_else(broken)?;
        while self.next_pc < session.peer_connections.len() {
            self.charts.extend(crate::charts::catalog::metric_charts_of(
                session,
                self.next_pc,
            ));
            self.next_pc += 1;
            if spent() {
                return Ok(self.next_pc >= session.peer_connections.len());
            }
        }
        Ok(true)
    }

    /// The viewer (after `step` returned true).
    pub fn finish(self) -> Result<Viewer, JsValue> {
        let session = self
            .session
            .ok_or_else(|| js_error("internal", "finish() before the last step"))?;
        Ok(Viewer {
            session,
            metric: self.charts,
            raw: None,
        })
    }
}

#[wasm_bindgen]
pub struct Viewer {
    pub(crate) session: Session,
    metric: Vec<Chart>,
    raw: Option<Vec<Chart>>,
}

#[derive(Serialize)]
struct Readout<'a> {
    label: &'a str,
    value: Option<f64>,
}

#[wasm_bindgen]
impl Viewer {
    /// Imports a dump. Throws an `Error` named after the error kind.
    pub fn open(bytes: &[u8]) -> Result<Viewer, JsValue> {
        let session =
            crate::formats::import(bytes).map_err(|e| js_error(e.kind.as_str(), &e.to_string()))?;
        let metric = metric_charts(&session);
        Ok(Viewer {
            session,
            metric,
            raw: None,
        })
    }

    /// The `rtcview-summary/1` document.
    pub fn summary(&self) -> String {
        json(&crate::summary::summarize(&self.session))
    }

    /// `[start, end]` in unix ms, or `[]` when nothing in the dump has a time.
    #[wasm_bindgen(js_name = timeRange)]
    pub fn time_range(&self) -> Vec<f64> {
        self.session
            .time_range_ms()
            .map(|(a, b)| vec![a, b])
            .unwrap_or_default()
    }

    /// `[start, end]` of the stats samples (where charts have data), or the
    /// whole time range when there are none: the initial and "reset" view.
    #[wasm_bindgen(js_name = dataRange)]
    pub fn data_range(&self) -> Vec<f64> {
        match self.session.stats_range_ms() {
            Some((a, b)) if b > a => vec![a, b],
            _ => self.time_range(),
        }
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

    fn chart(&self, id: &str) -> Option<&Chart> {
        let list = if id.starts_with("raw/") {
            self.raw.as_deref().unwrap_or_default()
        } else {
            &self.metric
        };
        list.iter().find(|c| c.id == id)
    }

    /// Draws chart `id` into `canvas` (already sized in device pixels) for
    /// the time range `t0..t1`. `scale` is the device pixel ratio. Returns the
    /// plot area `[left, right, top, bottom]` in canvas pixels.
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
    ) -> Result<Vec<f64>, JsValue> {
        let chart = self
            .chart(id)
            .ok_or_else(|| js_error("not_found", &format!("no chart {id}")))?;
        let backend = CanvasBackend::with_canvas_object(canvas.clone())
            .ok_or_else(|| js_error("canvas", "canvas has no 2d context"))?;
        let root = backend.into_drawing_area();
        let frame = Frame {
            t0_ms: t0,
            t1_ms: t1,
            cursor_ms: cursor,
            mark_ms: mark,
            scale,
            dark,
        };
        let r =
            draw_chart(&root, &self.session, chart, &frame).map_err(|e| js_error("draw", &e))?;
        Ok(vec![
            f64::from(r.left),
            f64::from(r.right),
            f64::from(r.top),
            f64::from(r.bottom),
        ])
    }

    /// The values of chart `id`'s lines in effect at `t` (JSON).
    #[wasm_bindgen(js_name = valuesAt)]
    pub fn values_at(&self, id: &str, t: f64) -> String {
        let Some(chart) = self.chart(id) else {
            return "[]".into();
        };
        let out: Vec<Readout<'_>> = chart
            .lines
            .iter()
            .map(|l| {
                let max_age = self
                    .session
                    .peer_connections
                    .get(l.times_of.0)
                    .and_then(|p| p.stats.get(l.times_of.1))
                    .map(gap_limit_ms)
                    .unwrap_or(5000.0);
                let value = line_data(&self.session, l)
                    .and_then(|(ts, vs)| value_at(ts, &vs, t, max_age))
                    .map(|(_, v)| v);
                Readout {
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
