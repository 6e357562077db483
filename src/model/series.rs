//! Columnar stats storage, as finished by the builder (`crate::build`).
//!
//! Each stats object (one getStats report id) has one time column and one
//! [`Column`] per property. A column keeps numbers and text apart: numbers as
//! `f64` with `NaN` for "no value", text as interned symbols. This is what
//! lets a 500 MB dump fit in memory and lets charts read a property without
//! touching anything else.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// An interned string.
pub type Sym = u32;
/// "No text value" in a text column.
pub const NO_TEXT: Sym = Sym::MAX;

/// String interner for text values (codec names, states, ids): they repeat
/// for every sample, so each distinct text is stored once.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    strings: Vec<Box<str>>,
    index: HashMap<Box<str>, Sym>,
}

impl Interner {
    /// Rebuilds an interner from its strings in symbol order. The strings
    /// must be distinct (symbols are positions): see [`Self::map_strings`]
    /// for strings that may become equal.
    pub fn from_strings(strings: Vec<String>) -> Self {
        let mut out = Interner::default();
        for s in strings {
            out.intern(&s);
        }
        out
    }

    /// An interner of `f` of every string, and the old symbol -> new symbol
    /// map to remap columns with ([`Texts::remap`]): strings that `f` makes
    /// equal share one symbol.
    pub fn map_strings(&self, f: impl Fn(&str) -> String) -> (Interner, Vec<Sym>) {
        let mut out = Interner::default();
        let map = self.strings().map(|s| out.intern(&f(s))).collect();
        (out, map)
    }

    /// The interned strings in symbol order.
    pub fn strings(&self) -> impl Iterator<Item = &str> {
        self.strings.iter().map(|s| &**s)
    }

    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.index.get(s) {
            return sym;
        }
        let sym = Sym::try_from(self.strings.len()).unwrap_or(NO_TEXT - 1);
        self.strings.push(s.into());
        self.index.insert(s.into(), sym);
        sym
    }

    pub fn resolve(&self, sym: Sym) -> Option<&str> {
        self.strings.get(sym as usize).map(|s| &**s)
    }

    pub fn len(&self) -> usize {
        self.strings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }
}

/// The numbers of one column, stored as densely as they allow without loss
/// (issue 6: a 500 MB dump must fit in a page twice, in the import worker
/// and in the page). In the generated 60-minute 16-connection dump 35 % of
/// the values sit in constant columns (ssrc, clockRate, frame sizes) and
/// another 36 % are exact in f32 (packet counts, frames, fps).
#[derive(Debug, Clone, PartialEq)]
pub enum Numbers {
    /// Every row holds the same value (bitwise; `NaN` everywhere = none).
    Const {
        value: f64,
        len: usize,
    },
    /// Every value is exactly an f32 (`NaN` = none).
    F32(Vec<f32>),
    F64(Vec<f64>),
}

impl Default for Numbers {
    fn default() -> Self {
        Numbers::F64(Vec::new())
    }
}

/// Whether `x` is exactly an f32 (`NaN`, "missing", counts as exact).
pub fn exact_in_f32(x: f64) -> bool {
    x.is_nan() || f64::from(x as f32) == x
}

impl Numbers {
    /// The densest exact form of `v`.
    pub fn compact(v: Vec<f64>) -> Numbers {
        let Some(&first) = v.first() else {
            return Numbers::F64(v);
        };
        if v.iter().all(|x| x.to_bits() == first.to_bits()) {
            return Numbers::Const {
                value: first,
                len: v.len(),
            };
        }
        if v.iter().all(|&x| exact_in_f32(x)) {
            return Numbers::F32(v.iter().map(|&x| x as f32).collect());
        }
        Numbers::F64(v)
    }

    pub fn len(&self) -> usize {
        match self {
            Numbers::Const { len, .. } => *len,
            Numbers::F32(v) => v.len(),
            Numbers::F64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value at row `i` (`NaN` when missing), `None` past the end.
    pub fn get(&self, i: usize) -> Option<f64> {
        match self {
            Numbers::Const { value, len } => (i < *len).then_some(*value),
            Numbers::F32(v) => v.get(i).map(|&x| f64::from(x)),
            Numbers::F64(v) => v.get(i).copied(),
        }
    }

    /// Every value in row order (`NaN` when missing), without copying.
    pub fn iter(&self) -> impl Iterator<Item = f64> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or(f64::NAN))
    }

    /// All values as f64: borrowed when stored so, expanded otherwise.
    pub fn as_f64s(&self) -> Cow<'_, [f64]> {
        match self {
            Numbers::Const { value, len } => Cow::Owned(vec![*value; *len]),
            Numbers::F32(v) => Cow::Owned(v.iter().map(|&x| f64::from(x)).collect()),
            Numbers::F64(v) => Cow::Borrowed(v),
        }
    }

    /// Bytes held (for the memory figures).
    pub fn heap_bytes(&self) -> usize {
        match self {
            Numbers::Const { .. } => 0,
            Numbers::F32(v) => v.len() * 4,
            Numbers::F64(v) => v.len() * 8,
        }
    }

    pub(crate) fn last_present(&self) -> Option<f64> {
        match self {
            Numbers::Const { value, len } => (*len > 0 && !value.is_nan()).then_some(*value),
            Numbers::F32(v) => v.iter().rev().find(|x| !x.is_nan()).map(|&x| f64::from(x)),
            Numbers::F64(v) => v.iter().rev().find(|x| !x.is_nan()).copied(),
        }
    }
}

/// The texts of one column: interned symbols, [`NO_TEXT`] for none.
#[derive(Debug, Clone, PartialEq)]
pub enum Texts {
    /// Every row holds the same symbol (`kind`, `mimeType`, ids).
    Const {
        sym: Sym,
        len: usize,
    },
    Syms(Vec<Sym>),
}

impl Default for Texts {
    fn default() -> Self {
        Texts::Syms(Vec::new())
    }
}

impl Texts {
    /// Each symbol replaced by `map[symbol]` (missing values stay missing,
    /// as does a symbol the map does not cover).
    pub fn remap(&mut self, map: &[Sym]) {
        let at = |s: Sym| {
            if s == NO_TEXT {
                s
            } else {
                map.get(s as usize).copied().unwrap_or(NO_TEXT)
            }
        };
        match self {
            Texts::Const { sym, .. } => *sym = at(*sym),
            Texts::Syms(v) => v.iter_mut().for_each(|s| *s = at(*s)),
        }
    }

    pub fn compact(v: Vec<Sym>) -> Texts {
        match v.first() {
            Some(&first) if v.iter().all(|&x| x == first) => Texts::Const {
                sym: first,
                len: v.len(),
            },
            _ => Texts::Syms(v),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Texts::Const { len, .. } => *len,
            Texts::Syms(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> Option<Sym> {
        match self {
            Texts::Const { sym, len } => (i < *len).then_some(*sym),
            Texts::Syms(v) => v.get(i).copied(),
        }
    }

    pub fn heap_bytes(&self) -> usize {
        match self {
            Texts::Const { .. } => 0,
            Texts::Syms(v) => v.len() * 4,
        }
    }

    pub(crate) fn last_present(&self) -> Option<Sym> {
        match self {
            Texts::Const { sym, len } => (*len > 0 && *sym != NO_TEXT).then_some(*sym),
            Texts::Syms(v) => v.iter().rev().copied().find(|&s| s != NO_TEXT),
        }
    }
}

/// One property of a stats object over time. Both parts are either empty
/// (the property never had that type) or as long as the object's time column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Column {
    pub numbers: Numbers,
    pub texts: Texts,
}

impl Column {
    pub fn number(&self, i: usize) -> Option<f64> {
        self.numbers.get(i).filter(|v| !v.is_nan())
    }

    pub fn text<'a>(&self, i: usize, strings: &'a Interner) -> Option<&'a str> {
        self.texts
            .get(i)
            .filter(|&s| s != NO_TEXT)
            .and_then(|s| strings.resolve(s))
    }

    pub fn has_numbers(&self) -> bool {
        self.numbers.last_present().is_some()
    }

    pub fn has_texts(&self) -> bool {
        self.texts.last_present().is_some()
    }
}

/// Time series of one stats report id: finished, read-only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsObject {
    pub id: String,
    /// RTCStats `type` (`inbound-rtp`, legacy `ssrc`, ...), when known.
    pub stats_type: Option<String>,
    /// Report timestamps, unix ms, ascending.
    pub times_ms: Vec<f64>,
    /// Property name -> column, sorted by name.
    pub columns: BTreeMap<String, Column>,
    /// The median interval between samples (see [`Self::typical_interval_ms`]).
    typical_interval_ms: Option<f64>,
}

impl StatsObject {
    /// A stats object of these rows; every column is as long as `times_ms`
    /// (or empty).
    pub fn new(
        id: String,
        stats_type: Option<String>,
        times_ms: Vec<f64>,
        columns: BTreeMap<String, Column>,
    ) -> Self {
        let typical_interval_ms = median_interval_ms(&times_ms);
        StatsObject {
            id,
            stats_type,
            times_ms,
            columns,
            typical_interval_ms,
        }
    }

    /// The median of the positive intervals between samples: the poll
    /// interval (1 s for webrtc-internals and most clients; 10 s or more for
    /// jitsi's). Computed once here: every derived metric needs it to tell
    /// a gap from a slow poll.
    pub fn typical_interval_ms(&self) -> Option<f64> {
        self.typical_interval_ms
    }

    pub fn len(&self) -> usize {
        self.times_ms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times_ms.is_empty()
    }

    pub fn column(&self, property: &str) -> Option<&Column> {
        self.columns.get(property)
    }

    /// Last number of a property, scanning back over missing values.
    pub fn last_number(&self, property: &str) -> Option<f64> {
        self.columns.get(property)?.numbers.last_present()
    }

    /// Last text of a property, scanning back over missing values.
    pub fn last_text<'a>(&self, property: &str, strings: &'a Interner) -> Option<&'a str> {
        let sym = self.columns.get(property)?.texts.last_present()?;
        strings.resolve(sym)
    }

    /// Bytes held by the time column and the columns' values.
    pub fn heap_bytes(&self) -> usize {
        self.times_ms.len() * 8
            + self
                .columns
                .values()
                .map(|c| c.numbers.heap_bytes() + c.texts.heap_bytes())
                .sum::<usize>()
    }
}

fn median_interval_ms(times: &[f64]) -> Option<f64> {
    let mut d: Vec<f64> = times
        .windows(2)
        .filter_map(|w| match w {
            [a, b] if b > a => Some(b - a),
            _ => None,
        })
        .collect();
    if d.is_empty() {
        return None;
    }
    let mid = d.len() / 2;
    d.select_nth_unstable_by(mid, f64::total_cmp);
    d.get(mid).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_stored_as_densely_as_exact() {
        let c = Numbers::compact(vec![90000.0; 4]);
        assert_eq!(
            c,
            Numbers::Const {
                value: 90000.0,
                len: 4
            }
        );
        let c = Numbers::compact(vec![f64::NAN, 30.0, 29.5, f64::NAN]);
        assert!(matches!(c, Numbers::F32(_)));
        assert!(c.get(0).is_some_and(f64::is_nan));
        assert_eq!(c.get(2), Some(29.5));
        assert_eq!(c.get(4), None);
        // Not exact in f32: a byte counter past 2^24, a jitter of 0.1 s,
        // a value below f32's range.
        for v in [16_777_217.0, 0.1, 1e-300] {
            let c = Numbers::compact(vec![1.0, v]);
            assert_eq!(c, Numbers::F64(vec![1.0, v]), "{v}");
        }
        assert_eq!(Texts::compact(vec![3, 3]), Texts::Const { sym: 3, len: 2 });
        assert_eq!(
            Texts::compact(vec![3, NO_TEXT]),
            Texts::Syms(vec![3, NO_TEXT])
        );
    }

    #[test]
    fn typical_interval_is_the_median_positive_interval() {
        let o = StatsObject::new(
            "x".into(),
            None,
            vec![0.0, 1000.0, 1000.0, 2000.0, 9000.0],
            BTreeMap::new(),
        );
        assert_eq!(o.typical_interval_ms(), Some(1000.0));
        let one = StatsObject::new("y".into(), None, vec![5.0], BTreeMap::new());
        assert_eq!(one.typical_interval_ms(), None);
    }
}
