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

/// Decimates `(times, values)` for `width_px` columns spanning `t0..t1`.
/// One point beyond each edge is included so lines run to the border.
pub fn decimate(times: &[f64], values: &[f64], t0: f64, t1: f64, width_px: usize) -> Vec<Segment> {
    let n = times.len().min(values.len());
    let mut out: Vec<Segment> = Vec::new();
    if n == 0 || width_px == 0 || t1.partial_cmp(&t0) != Some(std::cmp::Ordering::Greater) {
        return out;
    }
    let start = lower_bound(times.get(..n).unwrap_or_default(), t0).saturating_sub(1);
    let end = (lower_bound(times.get(..n).unwrap_or_default(), t1) + 1).min(n);
    let span = t1 - t0;
    let column = |t: f64| -> i64 {
        let c = ((t - t0) / span * width_px as f64).floor();
        c.clamp(-1.0, width_px as f64) as i64
    };
    let mut seg: Segment = Vec::new();
    // Current column's first, min, max, last (index, value).
    let mut bucket: Option<(i64, [(usize, f64); 4])> = None;
    let flush = |seg: &mut Segment, bucket: &mut Option<(i64, [(usize, f64); 4])>| {
        if let Some((_, mut pts)) = bucket.take() {
            pts.sort_by_key(|p| p.0);
            let mut last_i = usize::MAX;
            for (i, v) in pts {
                if i != last_i {
                    if let Some(&t) = times.get(i) {
                        seg.push((t, v));
                    }
                    last_i = i;
                }
            }
        }
    };
    for i in start..end {
        let (Some(&t), Some(&v)) = (times.get(i), values.get(i)) else {
            continue;
        };
        if v.is_nan() || t.is_nan() {
            flush(&mut seg, &mut bucket);
            if !seg.is_empty() {
                out.push(std::mem::take(&mut seg));
            }
            continue;
        }
        let c = column(t);
        match &mut bucket {
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
                flush(&mut seg, &mut bucket);
                bucket = Some((c, [(i, v); 4]));
            }
        }
    }
    flush(&mut seg, &mut bucket);
    if !seg.is_empty() {
        out.push(seg);
    }
    out
}

/// The value in effect at `t`: the last sample at or before `t` that is at
/// most `max_age_ms` old (hover readouts).
pub fn value_at(times: &[f64], values: &[f64], t: f64, max_age_ms: f64) -> Option<(f64, f64)> {
    let i = times.partition_point(|&x| x <= t).checked_sub(1)?;
    let (&ti, &v) = (times.get(i)?, values.get(i)?);
    (!v.is_nan() && t - ti <= max_age_ms).then_some((ti, v))
}

#[cfg(test)]
mod tests {
    use super::*;

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
