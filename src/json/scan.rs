//! A hand-written JSON scanner for the bulk of both dump formats: lines
//! with a flat payload ([`super::lines`]: rtcstats getStats lines) and
//! arrays of values (webrtc-internals `values`).
//!
//! Why not serde_json: in the size-optimized wasm build its generic
//! machinery (a visitor call per token, a `Vec` per report, a `Value` per
//! odd value) made parsing half of the browser import, about three times
//! the work of the tokenizing itself (issue 6: import within 2x of the
//! browser's `JSON.parse`). This scanner reads the common shape of a
//! getStats line straight into one flat list of properties.
//!
//! It is strict JSON, but deliberately incomplete: whenever its input is
//! not the common shape (another method, a payload that is not an object,
//! nesting deeper than 64, a number out of range, any syntax error) it
//! returns `None` and the caller parses the text with serde_json, which
//! then gives the other reading or the error. Strings with escapes and
//! arrays inside reports are found here and decoded by serde_json. So odd
//! input gets serde_json's behaviour, and tests/scanner.rs checks that
//! whatever the scanner accepts parses the same with serde_json, to the bit.

use super::flat::PVal;
use super::lines::{ArrayLine, Flat, Member, Payload, Shape};
use serde_json::Value;
use std::borrow::Cow;

/// Nesting the scanner reads itself; deeper lines go to serde_json (whose
/// own limit is 128).
const MAX_DEPTH: u32 = 64;

/// Powers of ten exact in an f64 (Clinger's fast path).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Reads a line with a flat payload (`[head, second, {payload}, ...rest]`
/// whose head `shape` says is flat); `None` for any other line or anything
/// the scanner leaves to serde_json.
pub fn array_line(text: &[u8], shape: Shape) -> Option<ArrayLine<'_>> {
    array_line_sized(text, shape, (0, 0))
}

/// [`array_line`], with room made for `(members, properties)` up front
/// (the previous line's counts: polls of a connection are alike, and a
/// vector grown from empty reallocates five or six times per line).
pub fn array_line_sized(
    text: &[u8],
    shape: Shape,
    capacity: (usize, usize),
) -> Option<ArrayLine<'_>> {
    // serde_json rejects invalid UTF-8 inside strings, and outside strings
    // it is a syntax error: validating the line once lets every string be
    // borrowed without a check of its own.
    let s = std::str::from_utf8(text).ok()?;
    let mut sc = Scan { s, b: text, i: 0 };
    sc.expect(b'[')?;
    let head = sc.small_value()?;
    if !(shape.flat_when)(&head) {
        return None;
    }
    sc.expect(b',')?;
    let second = sc.small_value()?;
    sc.expect(b',')?;
    let mut flat = Flat {
        members: Vec::with_capacity(capacity.0),
        props: Vec::with_capacity(capacity.1),
        hoisted: None,
    };
    sc.payload(&mut flat, shape.hoisted_key)?;
    let mut rest = Vec::new();
    loop {
        sc.ws();
        match sc.peek() {
            b',' => {
                sc.i += 1;
                rest.push(sc.small_value()?);
            }
            b']' => {
                sc.i += 1;
                break;
            }
            _ => return None,
        }
    }
    sc.ws();
    (sc.i == text.len()).then_some(ArrayLine {
        head,
        second,
        payload: Payload::Flat(flat),
        rest,
    })
}

/// Reads a JSON array of values (a webrtc-internals `values` text, which
/// the document holds as a string and serde_json unescapes) as
/// serde_json reads it into `Vec<PVal>`; `None` leaves it to serde_json.
pub fn values_array(text: &str) -> Option<Vec<PVal<'_>>> {
    let mut sc = Scan {
        s: text,
        b: text.as_bytes(),
        i: 0,
    };
    sc.expect(b'[')?;
    // About one element per 8 bytes of text (a number and its comma);
    // arrays of shorter elements grow the vector once or twice.
    let mut out = Vec::with_capacity(text.len() / 8 + 1);
    sc.ws();
    if sc.peek() == b']' {
        sc.i += 1;
    } else {
        loop {
            sc.ws();
            out.push(sc.value(1)?);
            sc.ws();
            match sc.peek() {
                b',' => sc.i += 1,
                b']' => {
                    sc.i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    sc.ws();
    (sc.i == sc.b.len()).then_some(out)
}

struct Scan<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Scan<'a> {
    /// The current byte; 0 past the end (never valid where it is tested).
    #[inline(always)]
    fn peek(&self) -> u8 {
        self.b.get(self.i).copied().unwrap_or(0)
    }

    #[inline(always)]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    #[inline(always)]
    fn expect(&mut self, c: u8) -> Option<()> {
        self.ws();
        if self.peek() != c {
            return None;
        }
        self.i += 1;
        Some(())
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i + word.len();
        if self.b.get(self.i..end)? != word {
            return None;
        }
        self.i = end;
        Some(())
    }

    /// A string at `"`, borrowed unless it has escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let start = self.i + 1;
        let mut j = start;
        loop {
            match *self.b.get(j)? {
                b'"' => break,
                b'\\' => return self.escaped_string(),
                // Control characters must be escaped in JSON.
                0..=0x1f => return None,
                _ => j += 1,
            }
        }
        self.i = j + 1;
        // Quotes are ASCII, so both ends are character boundaries.
        Some(Cow::Borrowed(self.s.get(start..j)?))
    }

    /// A string with escapes: found here, decoded by serde_json.
    fn escaped_string(&mut self) -> Option<Cow<'a, str>> {
        let start = self.i;
        let mut j = start + 1;
        loop {
            match *self.b.get(j)? {
                b'"' => break,
                b'\\' => j += 2,
                _ => j += 1,
            }
        }
        let text: String = serde_json::from_slice(self.b.get(start..=j)?).ok()?;
        self.i = j + 1;
        Some(Cow::Owned(text))
    }

    /// A number, giving exactly the f64 serde_json (`float_roundtrip`)
    /// gives: integers as u64/i64 converted, decimals whose digits fit in
    /// 53 bits by Clinger's exact fast path (webrtc-internals times such as
    /// `1770000000123.456` do), the rest by the correctly rounded std parser.
    fn number(&mut self) -> Option<f64> {
        let start = self.i;
        let negative = self.peek() == b'-';
        if negative {
            self.i += 1;
        }
        let mut mantissa: u64 = 0;
        let int_start = self.i;
        match self.peek() {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                while let d @ b'0'..=b'9' = self.peek() {
                    mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
                    self.i += 1;
                }
            }
            _ => return None,
        }
        let mut digits = self.i - int_start;
        let mut frac_digits = 0;
        if self.peek() == b'.' {
            self.i += 1;
            let frac_start = self.i;
            while let d @ b'0'..=b'9' = self.peek() {
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
                self.i += 1;
            }
            frac_digits = self.i - frac_start;
            if frac_digits == 0 {
                return None;
            }
            digits += frac_digits;
        }
        let mut exponent = false;
        if let b'e' | b'E' = self.peek() {
            exponent = true;
            self.i += 1;
            if let b'+' | b'-' = self.peek() {
                self.i += 1;
            }
            let exp_start = self.i;
            while self.peek().is_ascii_digit() {
                self.i += 1;
            }
            if self.i == exp_start {
                return None;
            }
        }
        let magnitude = if !exponent && frac_digits == 0 && digits <= 19 {
            // Below 10^19, so no overflow: serde_json's u64 (or i64), as f64.
            mantissa as f64
        } else if !exponent && digits <= 19 && mantissa <= 1 << 53 {
            // Both exact in an f64 (a mantissa of at most 19 digits has not
            // wrapped), so one division is correctly rounded.
            mantissa as f64 / POW10.get(frac_digits).copied()?
        } else {
            // serde_json refuses numbers out of range; std gives infinity.
            let v: f64 = self.s.get(start..self.i)?.parse().ok()?;
            return v.is_finite().then_some(v);
        };
        Some(if negative { -magnitude } else { magnitude })
    }

    /// A property value.
    fn value(&mut self, depth: u32) -> Option<PVal<'a>> {
        Some(match self.peek() {
            b'"' => PVal::Str(self.string()?),
            b'{' => {
                let mut fields = Vec::new();
                self.members(&mut fields, depth + 1)?;
                PVal::Obj(fields)
            }
            // Arrays are rare in reports and kept as JSON: serde_json reads them.
            b'[' => PVal::Json(self.small_value()?),
            b't' => {
                self.literal(b"true")?;
                PVal::Bool(true)
            }
            b'f' => {
                self.literal(b"false")?;
                PVal::Bool(false)
            }
            b'n' => {
                self.literal(b"null")?;
                PVal::Null
            }
            _ => PVal::Num(self.number()?),
        })
    }

    /// An object at `{`: its members appended to `out`.
    fn members(&mut self, out: &mut Vec<(Cow<'a, str>, PVal<'a>)>, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.i += 1;
        self.ws();
        if self.peek() == b'}' {
            self.i += 1;
            return Some(());
        }
        loop {
            self.ws();
            if self.peek() != b'"' {
                return None;
            }
            let key = self.string()?;
            self.expect(b':')?;
            self.ws();
            let v = self.value(depth)?;
            out.push((key, v));
            self.ws();
            match self.peek() {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A flat payload: `{"<hoisted>": number, "<key>": {object} | null, ...}`.
    ///
    /// Its member loop repeats `members`' on purpose: one loop shared
    /// through a closure or a `next_key` step measured 4-7 % slower in the
    /// wasm build (rtcstats-js 60 min 16 PC, Node 20).
    fn payload(&mut self, st: &mut Flat<'a>, hoisted_key: &str) -> Option<()> {
        self.ws();
        if self.peek() != b'{' {
            return None;
        }
        self.i += 1;
        self.ws();
        if self.peek() == b'}' {
            self.i += 1;
            return Some(());
        }
        loop {
            self.ws();
            if self.peek() != b'"' {
                return None;
            }
            let key = self.string()?;
            self.expect(b':')?;
            self.ws();
            if key == hoisted_key {
                if let PVal::Num(t) = self.value(1)? {
                    st.hoisted = Some(t);
                }
            } else {
                let member = match self.peek() {
                    b'{' => {
                        let start = st.props.len();
                        self.members(&mut st.props, 2)?;
                        Member::Object(start..st.props.len())
                    }
                    b'n' => {
                        self.literal(b"null")?;
                        Member::Null
                    }
                    _ => {
                        self.value(1)?;
                        Member::Other
                    }
                };
                st.members.push((key, member));
            }
            self.ws();
            match self.peek() {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A value outside the payload (method, pc, time, arrays): its extent
    /// found here, its value read by serde_json.
    fn small_value(&mut self) -> Option<Value> {
        self.ws();
        let start = self.i;
        self.skip(0)?;
        serde_json::from_slice(self.b.get(start..self.i)?).ok()
    }

    /// Moves past one value without reading it (serde_json checks it after).
    fn skip(&mut self, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek() {
            b'"' => {
                let mut j = self.i + 1;
                loop {
                    match *self.b.get(j)? {
                        b'"' => break,
                        b'\\' => j += 2,
                        _ => j += 1,
                    }
                }
                self.i = j + 1;
            }
            open @ (b'[' | b'{') => {
                let close = if open == b'[' { b']' } else { b'}' };
                self.i += 1;
                loop {
                    self.ws();
                    match self.peek() {
                        c if c == close => break,
                        b',' | b':' => self.i += 1,
                        0 => return None,
                        _ => self.skip(depth + 1)?,
                    }
                }
                self.i += 1;
            }
            _ => {
                let start = self.i;
                while let b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'.' | b'+' | b'-' = self.peek()
                {
                    self.i += 1;
                }
                if self.i == start {
                    return None;
                }
            }
        }
        Some(())
    }
}
