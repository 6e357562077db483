//! Small text helpers shared by the importers.

use serde_json::{Map, Value};

/// Parses an ISO-8601 UTC time (`2020-11-05T18:34:12.741Z`, offsets
/// `+hh:mm` accepted) into unix milliseconds.
pub fn unix_ms_from_iso8601(s: &str) -> Option<f64> {
    let s = s.trim();
    let (date, time) = s.split_once(['T', ' '])?;
    let mut d = date.splitn(3, '-');
    let year: i64 = d.next()?.parse().ok()?;
    let month: i64 = d.next()?.parse().ok()?;
    let day: i64 = d.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (clock, offset_min) = split_offset(time)?;
    let mut c = clock.splitn(3, ':');
    let h: f64 = c.next()?.parse().ok()?;
    let m: f64 = c.next()?.parse().ok()?;
    let sec: f64 = c.next().unwrap_or("0").parse().ok()?;
    let days = days_from_civil(year, month, day);
    let ms = (days as f64) * 86_400_000.0 + h * 3_600_000.0 + m * 60_000.0 + sec * 1000.0
        - offset_min * 60_000.0;
    ms.is_finite().then_some(ms)
}

fn split_offset(time: &str) -> Option<(&str, f64)> {
    if let Some(t) = time.strip_suffix('Z') {
        return Some((t, 0.0));
    }
    if let Some(i) = time.rfind(['+', '-']) {
        if i >= 5 {
            let (clock, off) = time.split_at(i);
            let sign = if off.starts_with('-') { -1.0 } else { 1.0 };
            let off = off.get(1..)?;
            let (oh, om) = off
                .split_once(':')
                .unwrap_or((off.get(..2)?, off.get(2..).unwrap_or("0")));
            let mins = oh.parse::<f64>().ok()? * 60.0 + om.parse::<f64>().unwrap_or(0.0);
            return Some((clock, sign * mins));
        }
    }
    Some((time, 0.0))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A JSON number or numeric value as f64.
pub fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// Decodes a value that may be JSON inside a string (`"{\"a\":1}"`); other
/// strings and non-strings are returned unchanged.
pub fn json_in_string(v: Value) -> Value {
    match v {
        Value::String(s) => {
            let t = s.trim_start();
            if t.starts_with('{') || t.starts_with('[') {
                serde_json::from_slice(t.as_bytes()).unwrap_or(Value::String(s))
            } else {
                Value::String(s)
            }
        }
        other => other,
    }
}

/// Splits an old webrtc-internals `key: value, key: value` text (ICE
/// candidates: `sdpMid: 0, sdpMLineIndex: 0, candidate: candidate:...`) into
/// an object. The last key takes the rest of the text, since a candidate line
/// contains spaces but no `, key:` separators.
pub fn object_from_key_value_text(text: &str, keys: &[&str]) -> Option<Map<String, Value>> {
    let mut out = Map::new();
    let mut rest = text;
    for (i, key) in keys.iter().enumerate() {
        let prefix = format!("{key}: ");
        rest = rest.trim_start().strip_prefix(prefix.as_str())?;
        let value = if i + 1 == keys.len() {
            let v = rest;
            rest = "";
            v
        } else {
            let (v, r) = rest.split_once(", ")?;
            rest = r;
            v
        };
        out.insert((*key).to_string(), Value::String(value.to_string()));
    }
    Some(out)
}

/// Parses multi-line `key: value` text (old `icecandidateerror` payloads).
pub fn object_from_lines(text: &str) -> Option<Map<String, Value>> {
    let mut out = Map::new();
    for line in text.lines() {
        let (k, v) = line.split_once(": ").or_else(|| line.split_once(':'))?;
        let k = k.trim();
        if k.is_empty() || k.contains(' ') {
            return None;
        }
        out.insert(k.to_string(), Value::String(v.trim().to_string()));
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times() {
        assert_eq!(unix_ms_from_iso8601("1970-01-01T00:00:00.000Z"), Some(0.0));
        assert_eq!(
            unix_ms_from_iso8601("2020-11-05T18:34:12.741Z"),
            Some(1_604_601_252_741.0)
        );
        assert_eq!(
            unix_ms_from_iso8601("2016-01-28T18:24:19.012Z"),
            Some(1_454_005_459_012.0)
        );
        assert_eq!(
            unix_ms_from_iso8601("2016-01-28T19:24:19.012+01:00"),
            Some(1_454_005_459_012.0)
        );
        assert_eq!(unix_ms_from_iso8601("not a date"), None);
    }

    #[test]
    fn key_value_text() {
        let o = object_from_key_value_text(
            "sdpMid: 0, sdpMLineIndex: 0, candidate: candidate:1 1 udp 2122 10.0.0.1 5000 typ host",
            &["sdpMid", "sdpMLineIndex", "candidate"],
        );
        assert_eq!(
            o.and_then(|o| o.get("candidate").cloned()),
            Some(Value::String(
                "candidate:1 1 udp 2122 10.0.0.1 5000 typ host".into()
            ))
        );
    }
}
