//! Reducing a series to what the pixels can show.
//!
//! Per pixel column we keep the first, minimum, maximum and last point (in
//! time order): spikes and dips survive however many samples share a column,
//! and a redraw costs O(visible samples) with at most four points per column
//! handed to the renderer. `NaN` values break the line.

/// Consecutive `(t_ms, value)` points drawn as one polyline.
pub type Segment = Vec<(f64, f64)>;

/// Index of the first time `>= t` (times ascending).
fn lower_bound(times: &[f64], t: f64) -> usize {
    times.partition_point(|&x| x < t)
}

/// Samples per block of a [`Blocks`] summary.
pub const BLOCK: usize = 64;

/// Per block of [`BLOCK`] samples, the indices of its first, minimum,
/// maximum and last point, or `None` where the block holds a `NaN`. A block
/// that falls within one pixel column stands for all its samples, so a
/// redraw over a million points reads ~16 k summaries instead (issue 6:
/// zoom and pan within 16 ms at 1 M points). The result is the same as
/// the full scan's, point for point (see the tests).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Blocks {
    blocks: Vec<Option<[usize; 4]>>,
}

impl Blocks {
    pub fn build<V: Copy + Into<f64>>(times: &[f64], values: &[V]) -> Blocks {
        let n = times.len().min(values.len());
        let blocks = (0..n)
            .step_by(BLOCK)
            .map(|start| {
                let end = (start + BLOCK).min(n);
                let mut pts = [start; 4];
                let mut lo = f64::INFINITY;
                let mut hi = f64::NEG_INFINITY;
                for i in start..end {
                    let (t, v) = (times.get(i)?, (*values.get(i)?).into());
                    if t.is_nan() || v.is_nan() {
                        return None;
                    }
                    // Strict comparisons: the earliest extreme, as the scan.
                    if v < lo {
                        lo = v;
                        pts[1] = i;
                    }
                    if v > hi {
                        hi = v;
                        pts[2] = i;
                    }
                }
                pts[3] = end - 1;
                Some(pts)
            })
            .collect();
        Blocks { blocks }
    }
}

/// Per pixel column: first, min, max, last `(index, value)`.
struct Columns<'a> {
    times: &'a [f64],
    t0: f64,
    span: f64,
    width_px: usize,
    out: Vec<Segment>,
    seg: Segment,
    bucket: Option<(i64, [(usize, f64); 4])>,
}

impl Columns<'_> {
    fn column(&self, t: f64) -> i64 {
        let c = ((t - self.t0) / self.span * self.width_px as f64).floor();
        c.clamp(-1.0, self.width_px as f64) as i64
    }

    fn flush(&mut self) {
        if let Some((_, mut pts)) = self.bucket.take() {
            pts.sort_by_key(|p| p.0);
            let mut last_i = usize::MAX;
            for (i, v) in pts {
                if i != last_i {
                    if let Some(&t) = self.times.get(i) {
                        self.seg.push((t, v));
                    }
                    last_i = i;
                }
            }
        }
    }

    fn feed(&mut self, i: usize, t: f64, v: f64) {
        if v.is_nan() || t.is_nan() {
            self.flush();
            if !self.seg.is_empty() {
                self.out.push(std::mem::take(&mut self.seg));
            }
            return;
        }
        let c = self.column(t);
        match &mut self.bucket {
            Some((bc, pts)) if *bc == c => {
                if v < pts[1].1 {
                    pts[1] = (i, v);
                }
                if v > pts[2].1 {
                    pts[2] = (i, v);
                }
                pts[3] = (i, v);
            }
            _ => {
                self.flush();
                self.bucket = Some((c, [(i, v); 4]));
            }
        }
    }
}

/// Decimates `(times, values)` for `width_px` columns spanning `t0..t1`.
/// One point beyond each edge is included so lines run to the border.
pub fn decimate(times: &[f64], values: &[f64], t0: f64, t1: f64, width_px: usize) -> Vec<Segment> {
    decimate_with(times, values, None, t0, t1, width_px)
}

/// [`decimate`], reading whole blocks from `blocks` (built from the same
/// `times` and `values`) where a block falls within one pixel column.
pub fn decimate_with<V: Copy + Into<f64>>(
    times: &[f64],
    values: &[V],
    blocks: Option<&Blocks>,
    t0: f64,
    t1: f64,
    width_px: usize,
) -> Vec<Segment> {
    let n = times.len().min(values.len());
    if n == 0 || width_px == 0 || t1.partial_cmp(&t0) != Some(std::cmp::Ordering::Greater) {
        return Vec::new();
    }
    let start = lower_bound(times.get(..n).unwrap_or_default(), t0).saturating_sub(1);
    let end = (lower_bound(times.get(..n).unwrap_or_default(), t1) + 1).min(n);
    let mut acc = Columns {
        times,
        t0,
        span: t1 - t0,
        width_px,
        out: Vec::new(),
        seg: Vec::new(),
        bucket: None,
    };
    let point = |i: usize| Some((*times.get(i)?, (*values.get(i)?).into()));
    let mut i = start;
    while i < end {
        let whole = i % BLOCK == 0 && i + BLOCK <= end;
        let summary = blocks
            .filter(|_| whole)
            .and_then(|b| b.blocks.get(i / BLOCK).copied().flatten());
        if let Some(pts) = summary {
            let (Some((ta, _)), Some((tb, _))) = (point(i), point(i + BLOCK - 1)) else {
                break;
            };
            if acc.column(ta) == acc.column(tb) {
                let mut pts = pts;
                pts.sort_unstable();
                for j in pts {
                    if let Some((t, v)) = point(j) {
                        acc.feed(j, t, v);
                    }
                }
                i += BLOCK;
                continue;
            }
        }
        if let Some((t, v)) = point(i) {
            acc.feed(i, t, v);
        }
        i += 1;
    }
    acc.flush();
    if !acc.seg.is_empty() {
        acc.out.push(acc.seg);
    }
    acc.out
}

/// The value in effect at `t`: the last sample at or before `t` that is at
/// most `max_age_ms` old (hover readouts).
pub fn value_at<V: Copy + Into<f64>>(
    times: &[f64],
    values: &[V],
    t: f64,
    max_age_ms: f64,
) -> Option<(f64, f64)> {
    let i = times.partition_point(|&x| x <= t).checked_sub(1)?;
    let (ti, v): (f64, f64) = (*times.get(i)?, (*values.get(i)?).into());
    (!v.is_nan() && t - ti <= max_age_ms).then_some((ti, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading whole blocks gives exactly the full scan's points, at any
    /// zoom, with gaps, spikes and repeated extremes.
    #[test]
    fn blocks_give_the_full_scan_result() {
        let n = 100_000;
        let times: Vec<f64> = (0..n)
            .map(|i| 1000.0 * f64::from(i) + f64::from(i % 3))
            .collect();
        let values: Vec<f64> = (0..n)
            .map(|i| match i {
                _ if i % 9973 == 0 => f64::NAN,
                _ if i % 4001 == 0 => 1e6,
                // Few distinct values: extremes repeat within a block.
                _ => f64::from(((i * 7919) % 101) / 10),
            })
            .collect();
        let blocks = Blocks::build(&times, &values);
        let end = times[times.len() - 1];
        for (t0, t1, w) in [
            (0.0, end, 800),
            (0.0, end, 3),
            (123_456.0, 9_876_543.0, 640),
            (5e7, 5.0001e7, 1000),
            (-5e5, end + 5e5, 1920),
        ] {
            let full = decimate(&times, &values, t0, t1, w);
            let fast = decimate_with(&times, &values, Some(&blocks), t0, t1, w);
            assert_eq!(full, fast, "{t0}..{t1} at {w} px");
        }
    }

    #[test]
    fn keeps_extremes_and_breaks_at_gaps() {
        let times: Vec<f64> = (0..1000).map(f64::from).collect();
        let mut values: Vec<f64> = (0..1000).map(|i| (i % 7) as f64).collect();
        values[500] = 100.0;
        values[600] = f64::NAN;
        let segs = decimate(&times, &values, 0.0, 1000.0, 10);
        assert_eq!(segs.len(), 2);
        let pts: usize = segs.iter().map(Vec::len).sum();
        assert!(pts <= 4 * 12, "{pts} points for 10 columns");
        assert!(
            segs.iter().flatten().any(|p| p.1 == 100.0),
            "the spike survives"
        );
        assert_eq!(segs[0].first().map(|p| p.0), Some(0.0));
        assert_eq!(segs[1].last().map(|p| p.0), Some(999.0));
    }

    #[test]
    fn includes_neighbours_outside_the_range() {
        let times = [0.0, 10.0, 20.0, 30.0];
        let values = [1.0, 2.0, 3.0, 4.0];
        let segs = decimate(&times, &values, 12.0, 18.0, 100);
        assert_eq!(segs, vec![vec![(10.0, 2.0), (20.0, 3.0)]]);
        assert_eq!(value_at(&times, &values, 25.0, 100.0), Some((20.0, 3.0)));
        assert_eq!(value_at(&times, &values, -1.0, 100.0), None);
    }
}
