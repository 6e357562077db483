//! One stats object while it is being built: its rows, and its columns in
//! the form they are written fastest. [`ObjectBuilder::finish`] turns it
//! into the model's compact, read-only [`StatsObject`].

use crate::model::series::{exact_in_f32, NO_TEXT};
use crate::model::{Column, Interner, Numbers, StatsObject, Sym, Texts};

/// A value slot of a column being built: knows its "missing" marker.
trait Cell: Copy {
    const MISSING: Self;
    fn is_missing(&self) -> bool;
}

impl Cell for f64 {
    const MISSING: f64 = f64::NAN;
    fn is_missing(&self) -> bool {
        self.is_nan()
    }
}

impl Cell for f32 {
    const MISSING: f32 = f32::NAN;
    fn is_missing(&self) -> bool {
        self.is_nan()
    }
}

impl Cell for Sym {
    const MISSING: Sym = NO_TEXT;
    fn is_missing(&self) -> bool {
        *self == NO_TEXT
    }
}

fn set_at<T: Cell>(v: &mut Vec<T>, i: usize, x: T) {
    // Rows arrive in order, so this is nearly always the next one.
    if i == v.len() {
        v.push(x);
    } else if let Some(slot) = v.get_mut(i) {
        *slot = x;
    } else {
        v.resize(i, T::MISSING);
        v.push(x);
    }
}

/// Each missing value takes the previous row's, except across barriers.
fn fill_forward<T: Cell>(v: &mut Vec<T>, n: usize, barriers: &[usize]) {
    if v.is_empty() {
        return;
    }
    v.resize(n, T::MISSING);
    let mut last = T::MISSING;
    let mut b = barriers.iter().peekable();
    for (i, x) in v.iter_mut().enumerate() {
        while b.next_if(|&&r| r <= i).is_some() {
            last = T::MISSING;
        }
        if x.is_missing() {
            *x = last;
        } else {
            last = *x;
        }
    }
}

fn pad<T: Cell>(v: &mut Vec<T>, n: usize) {
    if !v.is_empty() {
        v.resize(n, T::MISSING);
    }
}

/// The rows `keep`, in that order.
fn pick<T: Cell>(v: &mut Vec<T>, keep: &[usize]) {
    if !v.is_empty() {
        *v = keep
            .iter()
            .map(|&i| v.get(i).copied().unwrap_or(T::MISSING))
            .collect();
    }
}

/// Numbers while building: f32 until a value is not exact in f32 (counts,
/// frame sizes and fps never are), then f64. Half the import's memory for
/// most columns (issue 6: the worker holds the whole model while parsing).
#[derive(Debug, Clone, PartialEq)]
enum BuildNumbers {
    F32(Vec<f32>),
    F64(Vec<f64>),
}

impl Default for BuildNumbers {
    fn default() -> Self {
        BuildNumbers::F32(Vec::new())
    }
}

/// A column while its object is being built, written at any row, made
/// compact by `StatsObject::finish`.
#[derive(Debug, Clone, Default, PartialEq)]
struct BuildColumn {
    numbers: BuildNumbers,
    texts: Vec<Sym>,
}

impl BuildColumn {
    fn set_number(&mut self, i: usize, v: f64) {
        match &mut self.numbers {
            BuildNumbers::F32(xs) if exact_in_f32(v) => set_at(xs, i, v as f32),
            BuildNumbers::F32(xs) => {
                let mut wide: Vec<f64> = xs.iter().map(|&x| f64::from(x)).collect();
                set_at(&mut wide, i, v);
                self.numbers = BuildNumbers::F64(wide);
            }
            BuildNumbers::F64(xs) => set_at(xs, i, v),
        }
    }

    fn set_text(&mut self, i: usize, s: Sym) {
        set_at(&mut self.texts, i, s);
    }

    fn fill_forward(&mut self, n: usize, barriers: &[usize]) {
        match &mut self.numbers {
            BuildNumbers::F32(xs) => fill_forward(xs, n, barriers),
            BuildNumbers::F64(xs) => fill_forward(xs, n, barriers),
        }
        fill_forward(&mut self.texts, n, barriers);
    }

    fn pad(&mut self, n: usize) {
        match &mut self.numbers {
            BuildNumbers::F32(xs) => pad(xs, n),
            BuildNumbers::F64(xs) => pad(xs, n),
        }
        pad(&mut self.texts, n);
    }

    fn pick(&mut self, keep: &[usize]) {
        match &mut self.numbers {
            BuildNumbers::F32(xs) => pick(xs, keep),
            BuildNumbers::F64(xs) => pick(xs, keep),
        }
        pick(&mut self.texts, keep);
    }

    fn compact(mut self) -> Column {
        // Growth by doubling leaves up to half of each vector unused.
        match &mut self.numbers {
            BuildNumbers::F32(xs) => xs.shrink_to_fit(),
            BuildNumbers::F64(xs) => xs.shrink_to_fit(),
        }
        self.texts.shrink_to_fit();
        let numbers = match self.numbers {
            BuildNumbers::F32(xs) => match xs.first() {
                Some(&first) if xs.iter().all(|x| x.to_bits() == first.to_bits()) => {
                    Numbers::Const {
                        value: f64::from(first),
                        len: xs.len(),
                    }
                }
                _ => Numbers::F32(xs),
            },
            BuildNumbers::F64(xs) => Numbers::compact(xs),
        };
        Column {
            numbers,
            texts: Texts::compact(self.texts),
        }
    }
}

/// A property as its file writes it: a key, or a member `key` of the
/// nested object under `parent` (`qualityLimitationDurations.cpu`). The
/// column is found by this raw spelling, so a compressed key (`"96"`) is
/// looked up in the property table only when its column is created.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Key<'a> {
    pub parent: Option<&'a str>,
    pub key: &'a str,
}

impl<'a> Key<'a> {
    pub fn top(key: &'a str) -> Self {
        Key { parent: None, key }
    }

    /// Whether `raw` (a [`BuildEntry::raw`], split after `split` bytes)
    /// is this key's spelling.
    #[inline(always)]
    fn is(&self, raw: &str, split: usize) -> bool {
        match self.parent {
            None => split == 0 && raw == self.key,
            Some(p) => {
                split == p.len() + 1
                    && raw.len() == split + self.key.len()
                    && raw.get(..p.len()) == Some(p)
                    && raw.get(split..) == Some(self.key)
            }
        }
    }
}

/// A short all-digit key (a fileFormat 3 property code) as a number.
#[inline(always)]
fn code_of(key: &str) -> Option<usize> {
    let b = key.as_bytes();
    if b.is_empty() || b.len() > 3 {
        return None;
    }
    b.iter().try_fold(0usize, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + usize::from(c - b'0'))
    })
}

/// A column being built, with the raw key it was found by.
#[derive(Debug, Clone, Default, PartialEq)]
struct BuildEntry {
    /// `key`, or `parent.key` with `split` = parent length + 1 (else 0).
    raw: String,
    split: usize,
    /// The property name the column gets.
    name: String,
    col: BuildColumn,
}

/// A value on its way into a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Sample<'a> {
    Number(f64),
    Text(&'a str),
}

/// Time series of one stats report id while it is built.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectBuilder {
    pub id: String,
    /// RTCStats `type` (`inbound-rtp`, legacy `ssrc`, ...), when known.
    pub stats_type: Option<String>,
    /// Report timestamps, unix ms, in arrival order.
    pub times_ms: Vec<f64>,
    /// Columns in first-seen order, with a cursor: reports repeat their
    /// properties in the same order every poll, so the next property is
    /// almost always the one after the last (a map lookup per value was a
    /// third of the import time).
    building: Vec<BuildEntry>,
    cursor: usize,
    /// fileFormat 3 deltas list only changed properties, so the cursor
    /// misses often there: their keys are short codes (`"80"`), and this
    /// maps a code to its entry + 1 (0: none yet).
    by_code: Vec<u32>,
    /// Objects with carried rows (fileFormat 3): carried rows are left empty
    /// while building and forward-filled once in `finish` (sequential per
    /// column, instead of copying every column on every poll).
    forward_fill: bool,
    /// Rows that start a fresh report (an id removed and sent again): the
    /// fill does not carry values across them.
    barriers: Vec<usize>,
}

impl ObjectBuilder {
    pub fn new(id: &str) -> Self {
        ObjectBuilder {
            id: id.to_string(),
            ..Default::default()
        }
    }

    /// Appends a sample row; returns its index.
    pub fn push_time(&mut self, t_ms: f64) -> usize {
        self.times_ms.push(t_ms);
        self.times_ms.len() - 1
    }

    /// Appends a row at `t_ms` that repeats the previous row's values; they
    /// are filled in by `finish` (see `forward_fill`).
    pub fn push_carried(&mut self, t_ms: f64) -> usize {
        self.forward_fill = true;
        self.push_time(t_ms)
    }

    /// Appends a row at `t_ms` that starts from nothing: values set on it
    /// are its only ones, even for an object that carries rows.
    pub fn push_fresh(&mut self, t_ms: f64) -> usize {
        let row = self.push_time(t_ms);
        self.barriers.push(row);
        row
    }

    /// [`Self::set_keyed`] by property name (tests).
    #[cfg(test)]
    pub fn set(&mut self, row: usize, property: &str, sample: Sample<'_>, strings: &mut Interner) {
        self.set_keyed(
            row,
            Key::top(property),
            || property.to_string(),
            sample,
            strings,
        );
    }

    /// Sets the value of the property written as `key` at `row`; `name`
    /// gives the column's property name when the column is new.
    pub fn set_keyed(
        &mut self,
        row: usize,
        key: Key<'_>,
        name: impl FnOnce() -> String,
        sample: Sample<'_>,
        strings: &mut Interner,
    ) {
        let slot = self.column_slot(key, name);
        self.set_in(slot, row, sample, strings);
    }

    /// The column of the property written as `key`, created (named by
    /// `name`) when new. Valid until `finish`.
    pub fn column_slot(&mut self, key: Key<'_>, name: impl FnOnce() -> String) -> usize {
        let at = |b: &Vec<BuildEntry>, i: usize| b.get(i).is_some_and(|e| key.is(&e.raw, e.split));
        let code = key.parent.is_none().then(|| code_of(key.key)).flatten();
        let i = if at(&self.building, self.cursor) {
            self.cursor
        } else if let Some(i) = code
            .and_then(|c| self.by_code.get(c))
            .and_then(|&i| (i as usize).checked_sub(1))
            .filter(|&i| at(&self.building, i))
        {
            i
        } else {
            let i = match self.building.iter().position(|e| key.is(&e.raw, e.split)) {
                Some(i) => i,
                None => {
                    // Two spellings of one name (a compressed and a long
                    // key in one file) share the column.
                    let name = name();
                    match self.building.iter().position(|e| e.name == name) {
                        Some(i) => i,
                        None => {
                            let (raw, split) = match key.parent {
                                None => (key.key.to_string(), 0),
                                Some(p) => (format!("{p}.{}", key.key), p.len() + 1),
                            };
                            self.building.push(BuildEntry {
                                raw,
                                split,
                                name,
                                col: BuildColumn::default(),
                            });
                            self.building.len() - 1
                        }
                    }
                }
            };
            if let Some(c) = code {
                if self.by_code.len() <= c {
                    self.by_code.resize(c + 1, 0);
                }
                if let Some(slot) = self.by_code.get_mut(c).filter(|s| **s == 0) {
                    *slot = u32::try_from(i + 1).unwrap_or(0);
                }
            }
            i
        };
        self.cursor = i + 1;
        i
    }

    /// Sets a value of the column `slot` (from [`Self::column_slot`]).
    pub fn set_in(&mut self, slot: usize, row: usize, sample: Sample<'_>, strings: &mut Interner) {
        let Some(BuildEntry { col, .. }) = self.building.get_mut(slot) else {
            return;
        };
        match sample {
            Sample::Number(v) => col.set_number(row, v),
            Sample::Text(s) => {
                // Text repeats from poll to poll: compare with the last
                // value before hashing it.
                let sym = match col.texts.last() {
                    Some(&last) if strings.resolve(last) == Some(s) => last,
                    _ => strings.intern(s),
                };
                col.set_text(row, sym)
            }
        }
    }

    /// Each missing value takes the previous row's, except across barriers.
    fn fill_forward(&mut self) {
        let n = self.times_ms.len();
        let barriers = std::mem::take(&mut self.barriers);
        for e in &mut self.building {
            e.col.fill_forward(n, &barriers);
        }
        self.forward_fill = false;
    }

    /// Pads columns, sorts rows by time (stable) and drops rows whose time
    /// repeats the previous row's (a report re-sent unchanged carries the same
    /// timestamp and adds no information). Returns the finished object and
    /// the number of rows dropped.
    pub fn finish(mut self) -> (StatsObject, usize) {
        if self.forward_fill {
            self.fill_forward();
        }
        let mut building = std::mem::take(&mut self.building);
        self.cursor = 0;
        self.by_code = Vec::new();
        let n = self.times_ms.len();
        for e in &mut building {
            e.col.pad(n);
        }
        let sorted = self
            .times_ms
            .windows(2)
            .all(|w| matches!(w, [a, b] if a <= b));
        let mut order: Vec<usize> = (0..n).collect();
        if !sorted {
            let times = &self.times_ms;
            order.sort_by(|&a, &b| {
                let ta = times.get(a).copied().unwrap_or(f64::NAN);
                let tb = times.get(b).copied().unwrap_or(f64::NAN);
                ta.total_cmp(&tb)
            });
        }
        let mut keep: Vec<usize> = Vec::with_capacity(n);
        let mut last = f64::NAN;
        for &i in &order {
            let t = self.times_ms.get(i).copied().unwrap_or(f64::NAN);
            if t == last {
                continue;
            }
            last = t;
            keep.push(i);
        }
        let dropped = n - keep.len();
        if dropped > 0 || !sorted {
            self.times_ms = keep
                .iter()
                .filter_map(|&i| self.times_ms.get(i).copied())
                .collect();
            for e in &mut building {
                e.col.pick(&keep);
            }
        }
        let columns = building
            .into_iter()
            .map(|e| (e.name, e.col.compact()))
            .collect();
        // Growth by doubling left up to half the time column unused.
        self.times_ms.shrink_to_fit();
        let obj = StatsObject::new(self.id, self.stats_type, self.times_ms, columns);
        (obj, dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carried_rows_fill_forward_but_not_across_a_fresh_report() {
        let mut s = Interner::default();
        let mut o = ObjectBuilder::new("x");
        let r = o.push_fresh(1.0);
        o.set(r, "a", Sample::Number(1.0), &mut s);
        o.set(r, "k", Sample::Text("audio"), &mut s);
        o.push_carried(2.0);
        let r = o.push_carried(3.0);
        o.set(r, "a", Sample::Number(3.0), &mut s);
        // The id was removed and sent again without "a".
        let r = o.push_fresh(4.0);
        o.set(r, "k", Sample::Text("video"), &mut s);
        o.push_carried(5.0);
        let (o, _) = o.finish();
        let a: Vec<_> = (0..5)
            .map(|i| o.column("a").and_then(|c| c.number(i)))
            .collect();
        assert_eq!(a, vec![Some(1.0), Some(1.0), Some(3.0), None, None]);
        let k: Vec<_> = (0..5)
            .map(|i| o.column("k").and_then(|c| c.text(i, &s)))
            .collect();
        assert_eq!(
            k,
            vec![
                Some("audio"),
                Some("audio"),
                Some("audio"),
                Some("video"),
                Some("video")
            ]
        );
    }

    /// Columns are found by the key as written: a nested member and a
    /// top-level key spelled like it stay apart, two spellings of one name
    /// share a column, and a text equal to the last one keeps its symbol.
    #[test]
    fn keyed_columns_follow_the_raw_spelling() {
        let mut s = Interner::default();
        let mut o = ObjectBuilder::new("x");
        let long = |k: &str| if k == "80" { "bytesSent" } else { k }.to_string();
        for (t, v) in [(1.0, 10.0), (2.0, 20.0)] {
            let r = o.push_fresh(t);
            let nested = Key {
                parent: Some("96"),
                key: "cpu",
            };
            o.set_keyed(
                r,
                nested,
                || "quality.cpu".into(),
                Sample::Number(v),
                &mut s,
            );
            let literal = Key::top("96.cpu");
            o.set_keyed(r, literal, || "96.cpu".into(), Sample::Number(-v), &mut s);
            let code = Key::top("80");
            o.set_keyed(r, code, || long("80"), Sample::Number(v + 1.0), &mut s);
            o.set_keyed(
                r,
                Key::top("k"),
                || "k".into(),
                Sample::Text("video"),
                &mut s,
            );
            // Codes are looked up by number, but "01" is not "1".
            let (one, zero_one) = (Key::top("1"), Key::top("01"));
            o.set_keyed(r, one, || "1".into(), Sample::Number(1.0), &mut s);
            o.set_keyed(r, zero_one, || "01".into(), Sample::Number(2.0), &mut s);
        }
        let r = o.push_fresh(3.0);
        let spelled = Key::top("bytesSent");
        o.set_keyed(
            r,
            spelled,
            || "bytesSent".into(),
            Sample::Number(99.0),
            &mut s,
        );
        let (o, _) = o.finish();
        let names: Vec<&str> = o.columns.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            vec!["01", "1", "96.cpu", "bytesSent", "k", "quality.cpu"]
        );
        let col = |n: &str| {
            (0..3)
                .map(|i| o.column(n).and_then(|c| c.number(i)))
                .collect::<Vec<_>>()
        };
        assert_eq!(col("quality.cpu"), vec![Some(10.0), Some(20.0), None]);
        assert_eq!(col("96.cpu"), vec![Some(-10.0), Some(-20.0), None]);
        assert_eq!(col("bytesSent"), vec![Some(11.0), Some(21.0), Some(99.0)]);
        assert_eq!(col("1"), vec![Some(1.0), Some(1.0), None]);
        assert_eq!(col("01"), vec![Some(2.0), Some(2.0), None]);
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn columns_pad_sort_and_dedupe() {
        let mut s = Interner::default();
        let mut o = ObjectBuilder::new("x");
        let r = o.push_time(2.0);
        o.set(r, "a", Sample::Number(20.0), &mut s);
        let r = o.push_time(1.0);
        o.set(r, "b", Sample::Text("hi"), &mut s);
        let r = o.push_time(2.0);
        o.set(r, "a", Sample::Number(99.0), &mut s);
        let (o, dropped) = o.finish();
        assert_eq!(dropped, 1);
        assert_eq!(o.times_ms, vec![1.0, 2.0]);
        let a = o
            .column("a")
            .map(|c| c.numbers.as_f64s().into_owned())
            .unwrap_or_default();
        assert!(a.first().is_some_and(|v| v.is_nan()));
        assert_eq!(a.get(1), Some(&20.0));
        assert_eq!(o.last_text("b", &s), Some("hi"));
    }
}
