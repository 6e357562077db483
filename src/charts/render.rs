//! Draws one chart with plotters, generic over the backend: plotters-canvas
//! in the page, the SVG backend in native snapshot tests.

use super::catalog::{line_data, Chart};
use super::decimate::Segment;

/// Lines at least this long get block summaries (below it a full scan is
/// already well under a millisecond).
const LONG_LINE: usize = 16_384;
use super::theme::Theme;
use crate::model::Session;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Serialize;

/// What to draw: the visible time range and the overlays. Sizes are in
/// backend pixels; `scale` is the device pixel ratio so text and strokes keep
/// their CSS size on HiDPI screens.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub t0_ms: f64,
    pub t1_ms: f64,
    /// Hover cursor.
    pub cursor_ms: Option<f64>,
    /// A time marked by clicking the event log.
    pub mark_ms: Option<f64>,
    /// The time ranges of the finding the user is looking at, shaded.
    pub highlight_ms: Vec<(f64, f64)>,
    pub scale: f64,
    pub dark: bool,
    /// Label the time axis as time since this instant (the call's start,
    /// `+1:30`) instead of the UTC wall clock; ticks fall on round steps
    /// from it.
    pub origin_ms: Option<f64>,
}

impl Frame {
    /// Ranges as the page passes them, `[start, end, start, end, …]` (one
    /// `Float64Array` crosses to wasm with the least glue), as pairs; an odd
    /// last value is dropped.
    pub fn ranges_from_flat(flat: &[f64]) -> Vec<(f64, f64)> {
        flat.chunks_exact(2)
            .filter_map(|c| match c {
                [a, b] => Some((*a, *b)),
                _ => None,
            })
            .collect()
    }
}

/// Where the plot area landed, in backend pixels (for mapping the mouse).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PlotRect {
    pub left: i32,
    pub right: i32,
    pub top: i32,
    pub bottom: i32,
}

/// `HH:MM:SS` (UTC) of unix ms, for the time axis.
pub fn clock_from_unix_ms(ms: f64) -> String {
    let s = (ms / 1000.0).floor() as i64;
    let day = s.rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", day / 3600, (day / 60) % 60, day % 60)
}

/// The steps the time axis ticks at: round for a clock reader (never the
/// 50 s a decimal tick picker lands on).
const TICK_STEPS_MS: [f64; 25] = [
    1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, // ms
    1e3, 2e3, 5e3, 10e3, 15e3, 30e3, // s
    60e3, 120e3, 300e3, 600e3, 900e3, 1_800e3, // min
    3_600e3, 7_200e3, 21_600e3, 43_200e3, // h
];

/// Ticks for `t0..t1`: the smallest round step giving at most `max`
/// ticks, at multiples of it counted from `origin_ms` (0: whole UTC
/// seconds, minutes, hours). Returns the step and the ticks.
pub fn time_ticks(t0: f64, t1: f64, max: usize, origin_ms: f64) -> (f64, Vec<f64>) {
    let span = (t1 - t0).max(1.0);
    let step = TICK_STEPS_MS
        .iter()
        .copied()
        .find(|s| span / s <= max as f64)
        .unwrap_or_else(|| (span / max as f64 / 86_400e3).ceil() * 86_400e3);
    let first = ((t0 - origin_ms) / step).ceil() * step + origin_ms;
    // Not on the right edge, where its centred label would be cut off.
    let last = t1 - span * 0.04;
    let ticks = (0..=max)
        .map(|k| first + k as f64 * step)
        .take_while(|t| *t <= last)
        .collect();
    (step, ticks)
}

/// The time axis: plotters' f64 axis with [`time_ticks`] for its key
/// points (plotters' own picks decimal steps: ticks 50 s apart).
struct TimeCoord {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Ranged for TimeCoord {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;
    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }
    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }
    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

/// Never used (the labels come from the mesh's `x_label_formatter`), but
/// the mesh needs one; plotters' default is `{:?}`, whose float code is
/// 1 KB of wasm.
impl ValueFormatter<f64> for TimeCoord {
    fn format(_: &f64) -> String {
        String::new()
    }
}

/// `+m:ss` (or `+h:mm:ss`) since `origin`, with tenths or milliseconds as
/// [`time_label`] adds them.
pub fn since_label(ms: f64, origin_ms: f64, span_ms: f64) -> String {
    let d = ms - origin_ms;
    let sign = if d < 0.0 { "−" } else { "+" };
    let d = d.abs();
    let s = (d / 1000.0).floor() as i64;
    let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60);
    let base = if h > 0 {
        format!("{sign}{h}:{m:02}:{sec:02}")
    } else {
        format!("{sign}{m}:{sec:02}")
    };
    with_fraction(base, d, span_ms)
}

/// Time-axis label for a visible span: tenths or milliseconds of a second
/// when the span is short enough for whole seconds to repeat.
pub fn time_label(ms: f64, span_ms: f64) -> String {
    with_fraction(clock_from_unix_ms(ms), ms, span_ms)
}

/// `base` with `ms`'s tenths or milliseconds of a second when the visible
/// span is short enough for whole seconds to repeat (both time labels).
fn with_fraction(base: String, ms: f64, span_ms: f64) -> String {
    let frac = ms.rem_euclid(1000.0);
    if span_ms <= 2_000.0 {
        format!("{base}.{:03}", frac.floor() as i64)
    } else if span_ms <= 20_000.0 {
        format!("{base}.{}", (frac / 100.0).floor() as i64)
    } else {
        base
    }
}

/// Short numbers for the y axis: `950`, `1.2k`, `3.4M`, `0.25`.
pub fn short_number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.1}G", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 10.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn y_range(segments: &[(usize, Vec<Segment>)], zero_based: bool) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for (_, segs) in segments {
        for &(_, v) in segs.iter().flatten() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if zero_based {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if hi - lo < 1e-9 {
        // A flat line (often all zero, e.g. no loss): give it room above.
        return if zero_based && lo >= 0.0 {
            (0.0, hi.max(1.0) * 1.1)
        } else {
            (lo - 1.0, hi + 1.0)
        };
    }
    let pad = (hi - lo) * 0.08;
    (
        if zero_based && lo >= 0.0 {
            lo
        } else {
            lo - pad
        },
        hi + pad,
    )
}

/// One chart drawn among others on one axis: a chart of another session
/// (the other end of a call, or another call), its times moved by
/// `shift_ms` onto the frame's clock.
pub struct Layer<'a> {
    pub session: &'a Session,
    pub chart: &'a Chart,
    pub shift_ms: f64,
}

/// Draws `chart` over `frame` into `root`; returns the plot area.
pub fn draw_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    session: &Session,
    chart: &Chart,
    frame: &Frame,
) -> Result<PlotRect, String> {
    let layer = Layer {
        session,
        chart,
        shift_ms: 0.0,
    };
    draw_layers(root, std::slice::from_ref(&layer), frame)
}

/// Draws the charts of `layers` on one axis (issue 15: what one end sent
/// against what the other received; one call against another): lines
/// numbered across the layers (each its own colour and dash), every
/// layer's bands and markers. The first layer sets the axis's scale kind.
pub fn draw_layers<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    layers: &[Layer<'_>],
    frame: &Frame,
) -> Result<PlotRect, String> {
    let Some(first) = layers.first() else {
        return Err("no chart to draw".into());
    };
    let chart = first.chart;
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let theme = Theme::new(frame.dark);
    let s = frame.scale.max(0.5);
    let px = |v: f64| (v * s).round() as i32;
    root.fill(&theme.background).map_err(err)?;
    let (w, _) = root.dim_in_pixel();
    let (t0, t1) = (frame.t0_ms, frame.t1_ms.max(frame.t0_ms + 1.0));
    let segments: Vec<(usize, Vec<Segment>)> = layers
        .iter()
        .flat_map(|layer| layer.chart.lines.iter().map(move |l| (layer, l)))
        .enumerate()
        .filter_map(|(i, (layer, l))| {
            let shift = layer.shift_ms;
            line_data(layer.session, l).map(|(t, v)| {
                // Long lines get block summaries on their first draw.
                let blocks = l
                    .blocks
                    .get_or_init(|| (t.len() >= LONG_LINE).then(|| v.blocks(t)))
                    .as_ref();
                let mut segs = v.decimate(t, blocks, t0 - shift, t1 - shift, w as usize);
                if shift != 0.0 {
                    for p in segs.iter_mut().flatten() {
                        p.0 += shift;
                    }
                }
                (i, segs)
            })
        })
        .collect();
    let (y0, y1) = y_range(&segments, chart.zero_based);
    // The enum, not the name: `FontFamily::from(&str)` lower-cases the
    // name, which links Unicode case tables into the wasm (~4 KB gzipped).
    let font = |size: f64| {
        (FontFamily::SansSerif, size * s)
            .into_font()
            .color(&theme.text)
    };
    let mut ctx = ChartBuilder::on(root)
        .margin_top(px(6.0))
        .margin_right(px(10.0))
        .x_label_area_size(px(20.0))
        .y_label_area_size(px(46.0))
        .build_cartesian_2d(
            TimeCoord {
                inner: (t0..t1).into(),
                ticks: time_ticks(t0, t1, 6, frame.origin_ms.unwrap_or(0.0)).1,
            },
            y0..y1,
        )
        .map_err(err)?;
    let label = |t: &f64| match frame.origin_ms {
        Some(o) => since_label(*t, o, t1 - t0),
        None => time_label(*t, t1 - t0),
    };
    ctx.configure_mesh()
        .x_labels(6)
        .y_labels(4)
        .x_label_formatter(&label)
        .y_label_formatter(&|v| short_number(*v))
        .label_style(font(11.0))
        .axis_style(theme.axis.stroke_width(px(1.0).max(1) as u32))
        .bold_line_style(theme.grid.stroke_width(1))
        .max_light_lines(0)
        .draw()
        .map_err(err)?;

    // Bands and markers thin out to the pixels like the lines: bands of one
    // label closer than a pixel merge, and a label is written only where
    // the previous one ends (a long call has thousands of short
    // quality-limitation runs; drawing each was most of a redraw).
    let to_px = |t: f64| (t - t0) / (t1 - t0) * f64::from(w);
    // Layer by layer: each layer's bands are in time order (no sort of
    // the layers' together: a sort's code costs the wasm budget more than
    // a label the second layer may repeat).
    for layer in layers {
        let shift = layer.shift_ms;
        let mut label_free_px = f64::NEG_INFINITY;
        // (start, end, label, ms actually inside a band): a merged band is
        // shaded by the share of its span the runs cover, so ten 5 s runs in
        // 500 s read as "partly limited", not "limited throughout".
        let mut merged: Option<(f64, f64, &str, f64)> = None;
        let visible = layer.chart.bands.iter().filter_map(|b| {
            let (a, z) = ((b.t0_ms + shift).max(t0), (b.t1_ms + shift).min(t1));
            (a < z).then_some((a, z, b.label.as_str(), z - a))
        });
        for band in visible.map(Some).chain(std::iter::once(None)) {
            if let (Some((a, z, label, on)), Some((ma, mz, ml, mon))) = (band, merged) {
                if label == ml && to_px(a) - to_px(mz) < 1.0 {
                    merged = Some((ma, z.max(mz), ml, mon + on));
                    continue;
                }
            }
            if let Some((a, z, label, on)) = std::mem::replace(&mut merged, band) {
                let share = (on / (z - a)).clamp(0.2, 1.0);
                let fill = RGBAColor(
                    theme.band.0,
                    theme.band.1,
                    theme.band.2,
                    theme.band.3 * share,
                );
                ctx.draw_series(std::iter::once(Rectangle::new(
                    [(a, y1), (z, y0)],
                    fill.filled(),
                )))
                .map_err(err)?;
                if to_px(a) >= label_free_px {
                    label_free_px = to_px(a) + label.len() as f64 * 6.0 * s + 8.0;
                    ctx.draw_series(std::iter::once(Text::new(
                        label.to_string(),
                        (a, y1),
                        font(10.0),
                    )))
                    .map_err(err)?;
                }
            }
        }
    }
    // The finding being looked at: its ranges, at least a pixel wide (an
    // instant, an ICE restart, still shows).
    let min_width = (t1 - t0) / f64::from(w.max(1));
    for &(a, z) in &frame.highlight_ms {
        let (a, z) = (a.max(t0), z.min(t1).max(a.max(t0) + min_width));
        if a <= t1 && z >= t0 {
            ctx.draw_series(std::iter::once(Rectangle::new(
                [(a, y1), (z, y0)],
                theme.highlight.filled(),
            )))
            .map_err(err)?;
        }
    }
    for layer in layers {
        let mut label_free_px = f64::NEG_INFINITY;
        let mut last_marker_px = f64::NEG_INFINITY;
        let markers = layer
            .chart
            .markers
            .iter()
            .map(|m| (m.t_ms + layer.shift_ms, m.label.as_str()))
            .filter(|(t, _)| *t >= t0 && *t <= t1);
        for (t_ms, label) in markers {
            let x = to_px(t_ms);
            if x - last_marker_px >= 1.0 {
                last_marker_px = x;
                ctx.draw_series(std::iter::once(PathElement::new(
                    vec![(t_ms, y0), (t_ms, y1)],
                    theme.marker.stroke_width(px(1.0).max(1) as u32),
                )))
                .map_err(err)?;
            }
            if x >= label_free_px {
                label_free_px = x + label.len() as f64 * 6.0 * s + 8.0;
                ctx.draw_series(std::iter::once(Text::new(
                    label.to_string(),
                    (t_ms, y1),
                    font(10.0),
                )))
                .map_err(err)?;
            }
        }
    }
    for (i, segs) in &segments {
        let style = theme.line(*i).stroke_width(px(1.5).max(1) as u32);
        // Not by colour alone: the first line solid, the others dashed,
        // each its own way (`Theme::dash`; the legend's swatches too).
        let dash = Theme::dash(*i);
        for seg in segs {
            let points = seg.iter().copied();
            match dash {
                None => ctx.draw_series(LineSeries::new(points, style)),
                Some((on, off)) => ctx.draw_series(DashedLineSeries::new(
                    points,
                    px(on).max(1),
                    px(off).max(1),
                    style,
                )),
            }
            .map_err(err)?;
        }
    }
    for (t, color) in [(frame.mark_ms, theme.mark), (frame.cursor_ms, theme.cursor)] {
        if let Some(t) = t.filter(|t| *t >= t0 && *t <= t1) {
            ctx.draw_series(std::iter::once(PathElement::new(
                vec![(t, y0), (t, y1)],
                color.stroke_width(px(1.0).max(1) as u32),
            )))
            .map_err(err)?;
        }
    }
    let (xr, yr) = ctx.plotting_area().get_pixel_range();
    root.present().map_err(err)?;
    Ok(PlotRect {
        left: xr.start,
        right: xr.end,
        top: yr.start,
        bottom: yr.end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_ranges_are_pairs() {
        assert_eq!(
            Frame::ranges_from_flat(&[1.0, 2.0, 3.0, 4.0, 5.0]),
            vec![(1.0, 2.0), (3.0, 4.0)]
        );
        assert!(Frame::ranges_from_flat(&[]).is_empty());
    }

    #[test]
    fn labels() {
        assert_eq!(clock_from_unix_ms(1_770_110_090_620.0), "09:14:50");
        assert_eq!(time_label(1_770_110_090_620.0, 5_000.0), "09:14:50.6");
        assert_eq!(time_label(1_770_110_090_620.0, 1_000.0), "09:14:50.620");
        assert_eq!(short_number(1234.0), "1.2k");
        assert_eq!(short_number(25000.0), "25k");
        assert_eq!(short_number(0.25), "0.25");
        assert_eq!(short_number(0.0), "0");
    }
}
