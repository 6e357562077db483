//! Rates and interval ratios from cumulative counters.

use super::MAX_GAP_MS;
use crate::model::{Numbers, StatsObject};

/// Values of `property` (NaN where missing), aligned to the object's times.
pub fn numbers<'a>(obj: &'a StatsObject, property: &str) -> Option<&'a Numbers> {
    obj.column(property)
        .map(|c| &c.numbers)
        .filter(|v| !v.is_empty())
}

/// Longest interval still treated as continuous for this object: the 5 s
/// rule of the reference importers, stretched for dumps polled less often
/// (jitsi and Safari clients poll every 10 s or more) to 2.5 x the median
/// poll interval, so a slow poll rate is not mistaken for a gap.
pub fn gap_limit_ms(obj: &StatsObject) -> f64 {
    match obj.typical_interval_ms() {
        Some(median) => MAX_GAP_MS.max(2.5 * median),
        None => MAX_GAP_MS,
    }
}

/// Walks consecutive samples where `a` (and `b`, when given) have values and
/// returns `f(Δt_ms, Δa, Δb)` at each later sample of a continuous interval:
/// `Δt > 0`, no longer than [`gap_limit_ms`], and no SSRC change in between.
/// Everything else is `NaN`. The one loop behind every interval metric.
fn per_interval(
    obj: &StatsObject,
    a: &str,
    b: Option<&str>,
    f: impl Fn(f64, f64, f64) -> Option<f64>,
) -> Vec<f64> {
    let n = obj.times_ms.len();
    let mut out = vec![f64::NAN; n];
    let Some(xs) = numbers(obj, a) else {
        return out;
    };
    let ys = match b {
        Some(b) => match numbers(obj, b) {
            Some(ys) => Some(ys.as_f64s()),
            None => return out,
        },
        None => None,
    };
    // One SSRC for the whole object (the usual case) cannot change: no
    // need to expand it to a row-long copy.
    let ssrc = numbers(obj, "ssrc")
        .filter(|v| !matches!(v, Numbers::Const { .. }))
        .map(Numbers::as_f64s);
    let walk = Walk {
        times: &obj.times_ms,
        ys: ys.as_deref(),
        ssrc: ssrc.as_deref(),
        max_gap: gap_limit_ms(obj),
    };
    // Plain slices, walked in step: this loop is behind every rate of
    // every chart and rule, and reading a column value by value through
    // its storage form costs several times the arithmetic. Counters
    // stored as f32 are walked as they are, not copied out first (in
    // wasm the copies were a third of what the findings allocated).
    match xs {
        Numbers::F32(xs) => walk.run(xs, &mut out, &f),
        Numbers::F64(xs) => walk.run(xs, &mut out, &f),
        Numbers::Const { .. } => walk.run(&xs.as_f64s(), &mut out, &f),
    }
    out
}

/// The columns [`per_interval`] walks beside the counter.
struct Walk<'a> {
    times: &'a [f64],
    ys: Option<&'a [f64]>,
    ssrc: Option<&'a [f64]>,
    max_gap: f64,
}

impl Walk<'_> {
    fn run<X: Copy + Into<f64>>(
        &self,
        xs: &[X],
        out: &mut [f64],
        f: &dyn Fn(f64, f64, f64) -> Option<f64>,
    ) {
        let mut prev: Option<(f64, f64, f64)> = None;
        let mut prev_ssrc = f64::NAN;
        let rows = out.iter_mut().zip(self.times.iter()).zip(xs.iter());
        for (i, ((slot, &t), &x)) in rows.enumerate() {
            let x: f64 = x.into();
            let y = match self.ys {
                Some(ys) => ys.get(i).copied().unwrap_or(f64::NAN),
                None => 0.0,
            };
            // True where the row starts a new stream under the same stats
            // id (the SSRC changed): deltas across it are meaningless.
            let s = self
                .ssrc
                .and_then(|v| v.get(i))
                .copied()
                .unwrap_or(f64::NAN);
            let ssrc_changed = !s.is_nan() && !prev_ssrc.is_nan() && s != prev_ssrc;
            prev_ssrc = s;
            if t.is_nan() || x.is_nan() || y.is_nan() {
                continue;
            }
            if let Some((pt, px, py)) = prev {
                let dt = t - pt;
                if dt > 0.0 && dt <= self.max_gap && !ssrc_changed {
                    if let Some(v) = f(dt, x - px, y - py) {
                        *slot = v;
                    }
                }
            }
            prev = Some((t, x, y));
        }
    }
}

/// Per-second rate of a counter: `scale * 1000 * Δcounter / Δt_ms`. No value
/// where the counter went backwards (a reset is a gap, not a negative spike).
pub fn rate_per_s(obj: &StatsObject, counter: &str, scale: f64) -> Vec<f64> {
    per_interval(obj, counter, None, |dt, dv, _| {
        (dv >= 0.0).then(|| scale * 1000.0 * dv / dt)
    })
}

/// Interval ratio of two counters: `scale * Δnum / Δden`, e.g. ms of decode
/// time per decoded frame. No value where `Δden <= 0` or `Δnum < 0`.
pub fn delta_ratio(obj: &StatsObject, num: &str, den: &str, scale: f64) -> Vec<f64> {
    per_interval(obj, num, Some(den), |_, dx, dy| {
        (dy > 0.0 && dx >= 0.0).then(|| scale * dx / dy)
    })
}

/// Increase of a cumulative counter since the previous sample, at each
/// later sample of a continuous interval; `NaN` elsewhere (the first sample,
/// a gap, an SSRC change, a counter that went backwards).
pub fn counter_deltas(obj: &StatsObject, counter: &str) -> Vec<f64> {
    per_interval(obj, counter, None, |_, dv, _| (dv >= 0.0).then_some(dv))
}

/// Change of a value since the previous sample, at each later sample of a
/// continuous interval, whatever its sign (`packetsLost` can go down:
/// duplicates); `NaN` elsewhere.
pub fn signed_deltas(obj: &StatsObject, property: &str) -> Vec<f64> {
    per_interval(obj, property, None, |_, dv, _| Some(dv))
}

/// Length (ms) of each continuous interval over which `property` has
/// values, at the interval's later sample; `NaN` elsewhere.
pub fn interval_ms(obj: &StatsObject, property: &str) -> Vec<f64> {
    per_interval(obj, property, None, |dt, _, _| Some(dt))
}

/// Interval loss %: `100 * Δlost / (Δreceived + Δlost)`, `Δlost` clamped at 0
/// (duplicates can make the cumulative count go down).
pub fn interval_loss_pct(obj: &StatsObject, lost: &str, received: &str) -> Vec<f64> {
    per_interval(obj, lost, Some(received), |_, dl, dr| {
        let dl = dl.max(0.0);
        (dr >= 0.0 && dr + dl > 0.0).then(|| 100.0 * dl / (dr + dl))
    })
}

/// Raw values scaled (e.g. seconds to ms), NaN where missing.
pub fn scaled(obj: &StatsObject, property: &str, scale: f64) -> Vec<f64> {
    match numbers(obj, property) {
        Some(v) => v.iter().map(|x| x * scale).collect(),
        None => vec![f64::NAN; obj.times_ms.len()],
    }
}

/// Mean and maximum of the finite values.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Stat {
    pub mean: f64,
    pub max: f64,
}

impl Stat {
    pub fn of(values: &[f64]) -> Option<Stat> {
        let mut n = 0usize;
        let mut sum = 0.0;
        let mut max = f64::NEG_INFINITY;
        for &v in values.iter().filter(|v| v.is_finite()) {
            n += 1;
            sum += v;
            max = max.max(v);
        }
        (n > 0).then(|| Stat {
            mean: sum / n as f64,
            max,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, Numbers, Texts};
    use std::collections::BTreeMap;

    fn object(times: &[f64], prop: &str, vals: &[f64]) -> StatsObject {
        let column = Column {
            numbers: Numbers::compact(vals.to_vec()),
            texts: Texts::default(),
        };
        let columns = BTreeMap::from([(prop.to_string(), column)]);
        StatsObject::new("x".into(), None, times.to_vec(), columns)
    }

    #[test]
    fn rates_skip_resets_and_gaps() {
        let o = object(
            &[0.0, 1000.0, 2000.0, 3000.0, 10000.0, 11000.0],
            "bytes",
            &[0.0, 125.0, 250.0, 10.0, 20.0, 145.0],
        );
        let r = rate_per_s(&o, "bytes", 8.0);
        assert!(r[0].is_nan());
        assert_eq!(r[1], 1000.0);
        assert_eq!(r[2], 1000.0);
        assert!(r[3].is_nan(), "counter reset must be a gap");
        assert!(r[4].is_nan(), "7 s gap must break the line");
        assert_eq!(r[5], 1000.0);
    }

    #[test]
    fn slow_polling_is_not_a_gap() {
        let o = object(
            &[0.0, 10000.0, 20000.0, 30000.0, 90000.0],
            "bytes",
            &[0.0, 1250.0, 2500.0, 3750.0, 5000.0],
        );
        let r = rate_per_s(&o, "bytes", 8.0);
        assert_eq!(r[1], 1000.0);
        assert_eq!(r[3], 1000.0);
        assert!(r[4].is_nan(), "60 s is still a gap at a 10 s poll rate");
    }

    #[test]
    fn stat_ignores_gaps() {
        assert_eq!(
            Stat::of(&[f64::NAN, 1.0, 3.0]),
            Some(Stat {
                mean: 2.0,
                max: 3.0
            })
        );
        assert_eq!(Stat::of(&[f64::NAN]), None);
    }
}
