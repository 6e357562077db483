//! What each line of a chart did over a time range: the figures of the
//! stream table, which follows the visible range. The same values the
//! charts draw, so the table and the charts never disagree.

use super::catalog::{line_data, Chart, LineValues};
use crate::model::Session;
use serde::Serialize;

/// The window the "worst" figure is taken over: long enough not to be one
/// noisy sample, short enough that a bad minute does not vanish in the
/// mean of an hour.
pub const WORST_WINDOW_MS: f64 = 10_000.0;

/// Metrics where less is worse (a bitrate, a frame rate, a resolution);
/// for the others (loss, jitter, delays) more is worse.
fn lower_is_worse(metric: &str) -> bool {
    matches!(metric, "bitrate" | "packets" | "fps" | "resolution" | "bwe")
}

/// A line over a range. `mean` is of the samples (per-interval values for
/// rates and loss: every interval counts alike).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LineRange {
    pub label: String,
    pub samples: usize,
    pub mean: f64,
    pub min: f64,
    pub max: f64,
    /// The worst [`WORST_WINDOW_MS`] window inside the range (highest
    /// mean, or lowest where less is worse), when the range holds one.
    pub worst: Option<Window>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Window {
    pub start_ms: f64,
    pub end_ms: f64,
    pub mean: f64,
}

/// One chart's lines over a range, named by its stream and metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ChartRange<'a> {
    pub stats_id: &'a str,
    pub metric: &'a str,
    pub lines: Vec<LineRange>,
}

/// Every metric chart of peer connection `pc_id` over `t0..=t1`: the
/// stream table's rows for the visible range.
pub fn pc_range<'a>(
    session: &Session,
    charts: &'a [Chart],
    pc_id: &str,
    t0: f64,
    t1: f64,
) -> Vec<ChartRange<'a>> {
    charts
        .iter()
        .filter(|c| c.pc_id == pc_id)
        .map(|c| ChartRange {
            stats_id: &c.stats_id,
            metric: &c.metric,
            lines: chart_range(session, c, t0, t1),
        })
        .collect()
}

/// Every line of `chart` over `t0..=t1`; lines without a value there are
/// left out.
pub fn chart_range(session: &Session, chart: &Chart, t0: f64, t1: f64) -> Vec<LineRange> {
    let low = lower_is_worse(&chart.metric);
    chart
        .lines
        .iter()
        .filter_map(|l| {
            let (times, values) = line_data(session, l)?;
            let a = times.partition_point(|t| *t < t0);
            let b = times.partition_point(|t| *t <= t1);
            let ts = times.get(a..b)?;
            // Only the range's values, as f64 (a zoomed view of a long
            // call copies its few samples, not the whole line).
            let vs: Vec<f64> = match &values {
                LineValues::F64(v) => v.get(a..b)?.to_vec(),
                LineValues::F32(v) => v.get(a..b)?.iter().map(|&x| f64::from(x)).collect(),
            };
            line_range(&l.label, ts, &vs, low)
        })
        .collect()
}

/// One line's samples inside a range, as the chart draws them before
/// decimation: the data behind a chart's CSV export and its table twin.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Series<'a> {
    pub label: &'a str,
    /// Unix ms.
    pub t: Vec<f64>,
    /// Non-finite values (gaps) are `null`.
    pub v: Vec<Option<f64>>,
}

/// Every line of `chart` over `t0..=t1`, sample by sample.
pub fn chart_series<'a>(session: &Session, chart: &'a Chart, t0: f64, t1: f64) -> Vec<Series<'a>> {
    chart
        .lines
        .iter()
        .map(|l| {
            let mut out = Series {
                label: &l.label,
                t: Vec::new(),
                v: Vec::new(),
            };
            if let Some((times, values)) = line_data(session, l) {
                let a = times.partition_point(|t| *t < t0);
                let b = times.partition_point(|t| *t <= t1);
                out.t = times.get(a..b).unwrap_or_default().to_vec();
                let finite = |x: f64| x.is_finite().then_some(x);
                out.v = match &values {
                    LineValues::F64(v) => v
                        .get(a..b)
                        .unwrap_or_default()
                        .iter()
                        .map(|&x| finite(x))
                        .collect(),
                    LineValues::F32(v) => v
                        .get(a..b)
                        .unwrap_or_default()
                        .iter()
                        .map(|&x| finite(f64::from(x)))
                        .collect(),
                };
            }
            out
        })
        .collect()
}

/// [`chart_range`] for one line's samples inside the range.
pub fn line_range(label: &str, times: &[f64], values: &[f64], low: bool) -> Option<LineRange> {
    // Prefix sums of the finite values: any window's mean in O(1).
    let mut sum = Vec::with_capacity(values.len() + 1);
    let mut count = Vec::with_capacity(values.len() + 1);
    let (mut s, mut n) = (0.0, 0usize);
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    sum.push(0.0);
    count.push(0);
    for &v in values {
        if v.is_finite() {
            s += v;
            n += 1;
            min = min.min(v);
            max = max.max(v);
        }
        sum.push(s);
        count.push(n);
    }
    if n == 0 {
        return None;
    }
    let first = times.first().copied().unwrap_or(f64::NAN);
    let mut worst: Option<Window> = None;
    let mut start = 0;
    for (end, &t) in times.iter().enumerate() {
        if t - first < WORST_WINDOW_MS {
            continue;
        }
        // Samples in [t - window, t]: the first window holds the first
        // sample, so a bad start is not left out of every window.
        while times.get(start).is_some_and(|&x| x < t - WORST_WINDOW_MS) {
            start += 1;
        }
        let k = count.get(end + 1).copied().unwrap_or(0) - count.get(start).copied().unwrap_or(0);
        if k == 0 {
            continue;
        }
        let m = (sum.get(end + 1).copied().unwrap_or(0.0) - sum.get(start).copied().unwrap_or(0.0))
            / k as f64;
        if worst
            .as_ref()
            .is_none_or(|w| if low { m < w.mean } else { m > w.mean })
        {
            worst = Some(Window {
                start_ms: t - WORST_WINDOW_MS,
                end_ms: t,
                mean: m,
            });
        }
    }
    Some(LineRange {
        label: label.to_string(),
        samples: n,
        mean: s / n as f64,
        min,
        max,
        worst,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_window_is_found_and_the_mean_covers_the_range() {
        // 60 s at 0 % loss, then 20 s at 5 %, then 20 s at 0 %: 1 s samples.
        let times: Vec<f64> = (0..100).map(|i| f64::from(i) * 1000.0).collect();
        let values: Vec<f64> = (0..100)
            .map(|i| if (60..80).contains(&i) { 5.0 } else { 0.0 })
            .collect();
        let r = line_range("lost", &times, &values, false).expect("values");
        assert_eq!((r.mean, r.min, r.max, r.samples), (1.0, 0.0, 5.0, 100));
        // A bad first second counts in the first window.
        let early: Vec<f64> = (0..30).map(|i| if i == 0 { 90.0 } else { 0.0 }).collect();
        let e = line_range("jitter", &times[..30], &early, false).expect("values");
        assert!(e.worst.as_ref().expect("a window").mean >= e.mean, "{e:?}");
        let w = r.worst.expect("a window");
        assert_eq!(w.mean, 5.0);
        assert!(
            w.start_ms >= 60_000.0 - 1000.0 && w.end_ms <= 80_000.0,
            "{w:?}"
        );
        // Less is worse (a frame rate): the dip is the worst window.
        let fps: Vec<f64> = values.iter().map(|v| 30.0 - 4.0 * v).collect();
        let r = line_range("fps", &times, &fps, true).expect("values");
        assert_eq!(r.worst.expect("a window").mean, 10.0);
        // Shorter than a window: no worst window, only the range's figures.
        let r = line_range("x", &times[..5], &values[..5], false).expect("values");
        assert!(r.worst.is_none());
        // Missing values are skipped, not counted as zero.
        let r = line_range("x", &times[..3], &[f64::NAN, 2.0, 4.0], false).expect("values");
        assert_eq!((r.mean, r.samples), (3.0, 2));
        assert!(line_range("x", &times[..2], &[f64::NAN, f64::NAN], false).is_none());
    }
}
