//! The arithmetic every rule shares: trailing windows over per-interval
//! values, episodes with hysteresis, and the text of times and numbers in
//! messages.
//!
//! A per-interval value sits at the later sample of its interval: value
//! `i` covers `(t[i-1], t[i]]`. `NaN` is "not judged here" (no data, a
//! gap, a suppressed stretch): it ends an episode.

/// On and off thresholds, and how long a condition must hold to count.
#[derive(Debug, Clone, Copy)]
pub struct Hysteresis {
    /// An episode starts when the value reaches this.
    pub on: f64,
    /// It goes on while the value stays at or above this.
    pub off: f64,
    /// Shorter episodes are dropped.
    pub min_ms: f64,
    /// Episodes closer than this are one.
    pub merge_ms: f64,
}

/// A stretch where a condition held: from the start of its first interval
/// to the end of its last (`first`, `last`: sample indices).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Episode {
    pub start_ms: f64,
    pub end_ms: f64,
    pub first: usize,
    pub last: usize,
}

impl Episode {
    pub fn duration_ms(&self) -> f64 {
        self.end_ms - self.start_ms
    }
}

/// The time an interval ending at sample `i` starts.
fn interval_start(times: &[f64], i: usize) -> f64 {
    i.checked_sub(1)
        .and_then(|p| times.get(p))
        .or_else(|| times.get(i))
        .copied()
        .unwrap_or(f64::NAN)
}

/// Episodes of `values` (per interval, aligned to `times`) under `h`.
/// Higher is worse; use [`episodes_below`] for "too low" conditions.
pub fn episodes(times: &[f64], values: &[f64], h: Hysteresis) -> Vec<Episode> {
    episodes_where(times, values, h, false)
}

/// [`episodes`] where "worse" is higher (`below` false) or lower.
fn episodes_where(times: &[f64], values: &[f64], h: Hysteresis, below: bool) -> Vec<Episode> {
    // NaN is never at a level either way: a gap ends a run.
    let at = |v: f64, level: f64| if below { v <= level } else { v >= level };
    let mut out: Vec<Episode> = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    let close = |out: &mut Vec<Episode>, (first, last): (usize, usize)| {
        let e = Episode {
            start_ms: interval_start(times, first),
            end_ms: times.get(last).copied().unwrap_or(f64::NAN),
            first,
            last,
        };
        match out.last_mut() {
            Some(prev) if e.start_ms - prev.end_ms <= h.merge_ms => {
                prev.end_ms = e.end_ms;
                prev.last = e.last;
            }
            _ => out.push(e),
        }
    };
    for (i, &v) in values.iter().enumerate() {
        match open {
            Some((first, _)) if at(v, h.off) => open = Some((first, i)),
            Some(run) => {
                close(&mut out, run);
                open = at(v, h.on).then_some((i, i));
            }
            None if at(v, h.on) => open = Some((i, i)),
            None => {}
        }
    }
    if let Some(run) = open {
        close(&mut out, run);
    }
    out.retain(|e| e.duration_ms() >= h.min_ms);
    out
}

/// Episodes where `values` is at or *below* `h.on` (and stays at or below
/// `h.off`): "too low" conditions (bitrate estimates, frame rates).
pub fn episodes_below(times: &[f64], values: &[f64], h: Hysteresis) -> Vec<Episode> {
    episodes_where(times, values, h, true)
}

/// Narrows an episode found on a trailing window to the intervals where
/// the condition itself showed (`bad(i)`): the window lags its cause by up
/// to its length, so look back that far for the first bad interval. `None`
/// when no interval was bad.
pub fn refine(
    times: &[f64],
    e: &Episode,
    window_ms: f64,
    bad: impl Fn(usize) -> bool,
) -> Option<Episode> {
    let from = times
        .partition_point(|&t| t < e.start_ms - window_ms)
        .min(e.first);
    let first = (from..=e.last).find(|&i| bad(i))?;
    let last = (first..=e.last).rev().find(|&i| bad(i)).unwrap_or(e.last);
    Some(Episode {
        start_ms: interval_start(times, first),
        end_ms: times.get(last).copied().unwrap_or(e.end_ms),
        first,
        last,
    })
}

/// Trailing-window ratio `Σ num / Σ den` over the intervals that end within
/// `(t - window_ms, t]`; `NaN` where the window's `den` sum is below
/// `min_den` (too little to judge) or no interval of it has data.
pub fn windowed_ratio(
    times: &[f64],
    num: &[f64],
    den: &[f64],
    window_ms: f64,
    min_den: f64,
) -> Vec<f64> {
    let n = times.len();
    let mut out = vec![f64::NAN; n];
    let (mut sn, mut sd) = (0.0, 0.0);
    let mut lo = 0;
    let ok = |i: usize| {
        let (a, b) = (
            num.get(i).copied().unwrap_or(f64::NAN),
            den.get(i).copied().unwrap_or(f64::NAN),
        );
        (a.is_finite() && b.is_finite()).then_some((a, b))
    };
    for i in 0..n {
        let t = times.get(i).copied().unwrap_or(f64::NAN);
        if let Some((a, b)) = ok(i) {
            sn += a;
            sd += b;
        }
        while lo < i && times.get(lo).is_some_and(|&tl| tl <= t - window_ms) {
            if let Some((a, b)) = ok(lo) {
                sn -= a;
                sd -= b;
            }
            lo += 1;
        }
        if ok(i).is_some() && sd >= min_den && sd > 0.0 {
            if let Some(slot) = out.get_mut(i) {
                *slot = sn / sd;
            }
        }
    }
    out
}

/// Trailing-window median of `values` over `(t - window_ms, t]`, ignoring
/// `NaN`; `NaN` where the window holds fewer than `min_points` values.
pub fn windowed_median(
    times: &[f64],
    values: &[f64],
    window_ms: f64,
    min_points: usize,
) -> Vec<f64> {
    let mut out = vec![f64::NAN; times.len()];
    let mut lo = 0;
    let mut buf: Vec<f64> = Vec::new();
    for (i, &t) in times.iter().enumerate() {
        while lo < i && times.get(lo).is_some_and(|&tl| tl <= t - window_ms) {
            lo += 1;
        }
        if !values.get(i).is_some_and(|v| v.is_finite()) {
            continue;
        }
        buf.clear();
        buf.extend(
            values
                .get(lo..=i)
                .unwrap_or_default()
                .iter()
                .filter(|v| v.is_finite()),
        );
        if buf.len() >= min_points.max(1) {
            if let Some(slot) = out.get_mut(i) {
                *slot = median(&mut buf);
            }
        }
    }
    out
}

/// [`episodes`] of the trailing-window median of `values` ([`windowed_median`]),
/// and that median. A window's median never exceeds its largest value, so
/// when no value reaches `h.on` there is no episode and no median is
/// computed (both empty): a healthy stream costs one pass.
pub fn median_episodes(
    times: &[f64],
    values: &[f64],
    window_ms: f64,
    min_points: usize,
    h: Hysteresis,
) -> (Vec<Episode>, Vec<f64>) {
    if !values.iter().any(|&v| v >= h.on) {
        return (Vec::new(), Vec::new());
    }
    let med = windowed_median(times, values, window_ms, min_points);
    (episodes(times, &med, h), med)
}

/// The median of `v` (reordered); `NaN` when empty.
pub fn median(v: &mut [f64]) -> f64 {
    quantile(v, 1, 2)
}

/// What `v` sorted ascending holds at index `len * num / den` (`v` is
/// reordered; `NaN` when empty): a selection, not a sort. Every quantile
/// and median goes through here, so the wasm carries one selection
/// routine and no sort for them.
pub fn quantile(v: &mut [f64], num: usize, den: usize) -> f64 {
    let k = (v.len() * num / den.max(1)).min(v.len().saturating_sub(1));
    if v.is_empty() {
        return f64::NAN;
    }
    v.select_nth_unstable_by(k, f64::total_cmp);
    v.get(k).copied().unwrap_or(f64::NAN)
}

/// Stable insertion sort, for the short lists of a verdict (findings,
/// ledger entries: tens, rarely hundreds): each call site of the standard
/// stable sort instantiates ~5 KB of wasm; this is a few hundred bytes.
pub fn small_sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 {
            match (v.get(j - 1), v.get(j)) {
                (Some(a), Some(b)) if cmp(a, b) == std::cmp::Ordering::Greater => {
                    v.swap(j - 1, j);
                    j -= 1;
                }
                _ => break,
            }
        }
    }
}

/// Sorts time spans `(start, end)` by start (then end): one routine for
/// every such list.
pub fn sort_spans(v: &mut [(f64, f64)]) {
    v.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
}

/// Sum of the finite values of `v[first..=last]`.
pub fn sum(v: &[f64], first: usize, last: usize) -> f64 {
    v.get(first..=last)
        .unwrap_or_default()
        .iter()
        .filter(|x| x.is_finite())
        .sum()
}

/// Mean of the finite values of `v[first..=last]`, `NaN` when none.
pub fn mean(v: &[f64], first: usize, last: usize) -> f64 {
    let xs: Vec<f64> = v
        .get(first..=last)
        .unwrap_or_default()
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    if xs.is_empty() {
        f64::NAN
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

/// Largest finite value of `v[first..=last]`, `NaN` when none.
pub fn max(v: &[f64], first: usize, last: usize) -> f64 {
    v.get(first..=last)
        .unwrap_or_default()
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .fold(f64::NAN, f64::max)
}

/// Values of `v` set to `NaN` where `keep` says no.
pub fn masked(v: &[f64], keep: &[bool]) -> Vec<f64> {
    v.iter()
        .zip(keep.iter().chain(std::iter::repeat(&true)))
        .map(|(&x, &k)| if k { x } else { f64::NAN })
        .collect()
}

/// `HH:MM:SS` (UTC) of a unix ms time.
pub fn clock(ms: f64) -> String {
    if !ms.is_finite() {
        return "?".into();
    }
    let s = (ms / 1000.0).floor() as i64;
    let day = s.rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", day / 3600, day % 3600 / 60, day % 60)
}

/// "from 04:07:58 to 04:09:57 UTC".
pub fn from_to(start_ms: f64, end_ms: f64) -> String {
    format!("from {} to {} UTC", clock(start_ms), clock(end_ms))
}

/// A number with `digits` decimals, without a trailing `.0` for integers.
pub fn num(x: f64, digits: usize) -> String {
    if (x - x.round()).abs() < 1e-9 && digits == 0 || x.abs() >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.digits$}")
    }
}

/// A duration in words: "8.2 s", "3 min 10 s".
pub fn duration(ms: f64) -> String {
    let s = ms / 1000.0;
    if s < 60.0 {
        format!("{} s", num(s, 1))
    } else {
        let m = (s / 60.0).floor();
        format!("{m:.0} min {:.0} s", s - 60.0 * m)
    }
}

/// "Inbound video" from "inbound video": a label at a sentence's start.
///
/// ASCII only: the labels are ours ("inbound video"), and Unicode case
/// mapping would link its tables into the wasm.
pub fn capitalized(label: &str) -> String {
    let mut s = label.to_string();
    if let Some(first) = s.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: Hysteresis = Hysteresis {
        on: 2.0,
        off: 1.0,
        min_ms: 2000.0,
        merge_ms: 0.0,
    };

    /// A deterministic shuffle of 0..n with repeats, for the sort tests.
    fn scrambled(n: usize) -> Vec<f64> {
        (0..n).map(|i| ((i * 7919) % 97) as f64 / 4.0).collect()
    }

    #[test]
    fn quantile_is_the_sorted_index() {
        for n in [1, 2, 3, 10, 97, 250] {
            let v = scrambled(n);
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            for (num, den) in [(1, 2), (4, 5), (9, 10), (0, 1), (1, 1)] {
                let k = (n * num / den).min(n - 1);
                assert_eq!(
                    quantile(&mut v.clone(), num, den),
                    sorted[k],
                    "n {n}, {num}/{den}"
                );
            }
        }
        assert!(quantile(&mut [], 1, 2).is_nan());
        assert!(median(&mut []).is_nan());
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
    }

    #[test]
    fn small_sort_is_a_stable_sort() {
        // Pairs (key, original position): equal keys keep their order.
        let v: Vec<(f64, usize)> = scrambled(300).into_iter().zip(0..).collect();
        let mut mine = v.clone();
        small_sort_by(&mut mine, |a, b| a.0.total_cmp(&b.0));
        let mut std_sorted = v;
        std_sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert_eq!(mine, std_sorted);
        let mut empty: [u8; 0] = [];
        small_sort_by(&mut empty, |a, b| a.cmp(b));
    }

    #[test]
    fn spans_sort_by_start_then_end() {
        let mut v = vec![(3.0, 4.0), (1.0, 9.0), (1.0, 2.0), (0.0, 5.0)];
        sort_spans(&mut v);
        assert_eq!(v, vec![(0.0, 5.0), (1.0, 2.0), (1.0, 9.0), (3.0, 4.0)]);
    }

    #[test]
    fn median_episodes_skip_what_cannot_reach_on() {
        let t: Vec<f64> = (0..20).map(|i| 1000.0 * i as f64).collect();
        let low = vec![1.9; 20];
        assert_eq!(
            median_episodes(&t, &low, 5000.0, 3, H),
            (Vec::new(), Vec::new())
        );
        let high = vec![2.5; 20];
        let (e, med) = median_episodes(&t, &high, 5000.0, 3, H);
        // NaN where the window is short: compared as text.
        assert_eq!(
            format!("{med:?}"),
            format!("{:?}", windowed_median(&t, &high, 5000.0, 3))
        );
        assert_eq!(e, episodes(&t, &med, H));
        assert_eq!(e.len(), 1);
    }

    #[test]
    fn episodes_start_on_and_end_off() {
        let t: Vec<f64> = (0..10).map(|i| 1000.0 * i as f64).collect();
        let v = [f64::NAN, 0.0, 3.0, 1.5, 1.5, 0.5, 2.5, f64::NAN, 0.0, 0.0];
        let e = episodes(&t, &v, H);
        // The first from interval 2's start (1 s) to interval 4's end (4 s);
        // the second lasts one interval (1 s): too short.
        assert_eq!(
            e,
            vec![Episode {
                start_ms: 1000.0,
                end_ms: 4000.0,
                first: 2,
                last: 4
            }]
        );
        let merged = episodes(
            &t,
            &[0.0, 3.0, 3.0, 0.0, 3.0, 3.0, 0.0, 0.0, 0.0, 0.0],
            Hysteresis {
                merge_ms: 1000.0,
                ..H
            },
        );
        assert_eq!(merged.len(), 1);
        assert_eq!((merged[0].start_ms, merged[0].end_ms), (0.0, 5000.0));
        let below = Hysteresis {
            on: 1.2,
            off: 2.0,
            ..H
        };
        let low = episodes_below(
            &t,
            &[9.0, 1.0, 1.0, 1.5, 9.0, 9.0, 9.0, 9.0, 9.0, 9.0],
            below,
        );
        assert_eq!(low.len(), 1);
        assert_eq!((low[0].first, low[0].last), (1, 3));
    }

    #[test]
    fn windows_sum_what_ends_inside() {
        let t = [0.0, 1000.0, 2000.0, 3000.0, 4000.0];
        let num = [f64::NAN, 1.0, 0.0, 3.0, 0.0];
        let den = [f64::NAN, 10.0, 10.0, 10.0, 10.0];
        let r = windowed_ratio(&t, &num, &den, 2000.0, 1.0);
        assert!(r[0].is_nan());
        assert_eq!(r[1], 0.1);
        assert_eq!(r[2], 0.05);
        assert_eq!(r[3], 0.15);
        assert_eq!(r[4], 0.15);
        let m = windowed_median(&t, &[1.0, 5.0, 3.0, f64::NAN, 9.0], 3000.0, 2);
        assert!(m[0].is_nan());
        assert_eq!(m[2], 3.0);
        assert!(m[3].is_nan());
        assert_eq!(m[4], 9.0);
    }

    #[test]
    fn texts() {
        assert_eq!(clock(1_796_081_577_864.0), "23:32:57");
        assert_eq!(duration(8200.0), "8.2 s");
        assert_eq!(duration(190_000.0), "3 min 10 s");
        assert_eq!(num(5.123, 1), "5.1");
        assert_eq!(num(1289.0, 0), "1289");
    }
}
