//! The `stats` object of one peer connection: series keys split back into
//! (stats id, property), values parsed and placed in time.

use super::raw::{Series, SeriesValues};
use crate::build::SessionBuilder;
use crate::error::{Kind, Location};
use crate::formats::legacy::is_legacy_id;
use crate::json::flat::PVal;
use crate::json::text::unix_ms_from_iso8601;
use std::collections::HashMap;

/// Number of points at which Chrome drops the oldest ones.
pub const SERIES_CAP: usize = 1000;

/// Splits `"<statsId>-<property>"`. Bracketed derived names may contain `-`
/// (`IT01V1-[framesReceived-framesDecoded-framesDropped]`) and stats ids
/// contain `-` too (`Conn-audio-1-0`), so: at the last `-[` when the key ends
/// with `]`, else at the last `-`.
pub fn split_series_key(key: &str) -> Option<(&str, &str)> {
    let i = if key.ends_with(']') {
        key.rfind("-[").or_else(|| key.rfind('-'))?
    } else {
        key.rfind('-')?
    };
    let id = key.get(..i)?;
    let prop = key.get(i + 1..)?;
    (!id.is_empty() && !prop.is_empty()).then_some((id, prop))
}

/// Stats type of an old (pre-M107) long stats id, which had no `statsType`.
pub fn type_from_id(id: &str) -> Option<&'static str> {
    const PREFIXES: &[(&str, &str)] = &[
        ("RTCInboundRTP", "inbound-rtp"),
        ("RTCOutboundRTP", "outbound-rtp"),
        ("RTCRemoteInboundRtp", "remote-inbound-rtp"),
        ("RTCRemoteOutboundRTP", "remote-outbound-rtp"),
        ("RTCRemoteOutboundRtp", "remote-outbound-rtp"),
        ("RTCIceCandidatePair", "candidate-pair"),
        ("RTCIceCandidate_", "local-candidate"),
        ("RTCTransport", "transport"),
        ("RTCCodec", "codec"),
        ("RTCCertificate", "certificate"),
        ("RTCAudioSource", "media-source"),
        ("RTCVideoSource", "media-source"),
        ("RTCMediaStreamTrack", "track"),
        ("RTCMediaStream_", "stream"),
        ("RTCPeerConnection", "peer-connection"),
        ("RTCDataChannel", "data-channel"),
        ("RTCAudioPlayout", "media-playout"),
        ("ssrc_", "ssrc"),
        ("bweforvideo", "VideoBwe"),
        ("Conn-", "googCandidatePair"),
        ("Channel-", "googComponent"),
        ("googTrack_", "googTrack"),
        ("googLibjingleSession", "googLibjingleSession"),
        ("googCertificate", "googCertificate"),
    ];
    PREFIXES
        .iter()
        .find(|(p, _)| id.starts_with(p))
        .map(|(_, t)| *t)
}

fn parse_samples<'a>(v: &'a SeriesValues<'_>) -> Result<Vec<PVal<'a>>, String> {
    match v {
        // Most of a webrtc-internals import: the hand-written scanner reads
        // the usual arrays, serde_json the rest (and gives the errors).
        SeriesValues::Text(t) => match crate::json::scan::values_array(t) {
            Some(values) => Ok(values),
            None => {
                serde_json::from_slice::<Vec<PVal<'a>>>(t.as_bytes()).map_err(|e| e.to_string())
            }
        },
        SeriesValues::Array(a) => Ok(a.iter().cloned().map(PVal::from).collect()),
        SeriesValues::Missing => Err("no values".into()),
    }
}

struct Prop<'s, 'a> {
    name: &'s str,
    key: &'s str,
    series: &'s Series<'a>,
}

/// Imports one peer connection's stats. Returns true when it holds legacy
/// (goog) stats. `note_caps`: say where Chrome's 1000-point cap cut the
/// history (not for a converted copy, which carries its source's notes).
pub fn import(
    b: &mut SessionBuilder,
    pc_id: &str,
    series: Vec<(String, Series<'_>)>,
    why_untimed: &str,
    note_caps: bool,
) -> bool {
    // Group by stats id, keeping first-appearance order.
    let mut order: Vec<&str> = Vec::new();
    let mut groups: HashMap<&str, Vec<Prop<'_, '_>>> = HashMap::new();
    for (key, s) in &series {
        let Some((id, prop)) = split_series_key(key) else {
            b.warn(
                Kind::Malformed,
                "stats key without a '-<property>' part",
                Location::key(format!("PeerConnections.{pc_id}.stats.{key}")),
            );
            continue;
        };
        match s {
            Series::Empty => continue,
            Series::Invalid => {
                b.warn(
                    Kind::Malformed,
                    "stats series is not an object",
                    Location::key(format!("PeerConnections.{pc_id}.stats.{key}")),
                );
                continue;
            }
            Series::Ok { .. } => {}
        }
        let g = groups.entry(id).or_default();
        if g.is_empty() {
            order.push(id);
        }
        g.push(Prop {
            name: prop,
            key,
            series: s,
        });
    }

    let mut legacy = false;
    let mut capped_from: Option<f64> = None;
    let mut without_timestamps = 0usize;
    for id in order {
        let Some(props) = groups.get(id) else {
            continue;
        };
        legacy |= is_legacy_id(id);
        let mut parsed: Vec<(&str, &str, Vec<PVal<'_>>, &Series<'_>)> =
            Vec::with_capacity(props.len());
        for p in props {
            let Series::Ok { values, .. } = p.series else {
                continue;
            };
            match parse_samples(values) {
                Ok(v) => parsed.push((p.name, p.key, v, p.series)),
                Err(e) => b.warn(
                    Kind::Malformed,
                    format!("stats values are not a JSON array ({e})"),
                    Location::key(format!("PeerConnections.{pc_id}.stats.{}", p.key)),
                ),
            }
        }
        if parsed.is_empty() {
            continue;
        }
        let capped = parsed.iter().any(|(_, _, v, _)| v.len() >= SERIES_CAP);

        // The time column.
        let explicit: Option<Vec<f64>> =
            parsed
                .iter()
                .find(|(n, ..)| *n == "timestamp")
                .map(|(_, _, v, _)| {
                    v.iter()
                        .map(|s| match s {
                            PVal::Num(n) => *n,
                            _ => f64::NAN,
                        })
                        .collect()
                });
        let times: Vec<f64> = match explicit {
            Some(t) => t,
            None => {
                without_timestamps += 1;
                let Some((_, _, longest, series)) =
                    parsed.iter().max_by_key(|(_, _, v, _)| v.len())
                else {
                    continue;
                };
                let Series::Ok {
                    start_time,
                    end_time,
                    ..
                } = series
                else {
                    continue;
                };
                let start = start_time.as_deref().and_then(unix_ms_from_iso8601);
                let end = end_time.as_deref().and_then(unix_ms_from_iso8601);
                let n = longest.len();
                match (start, end) {
                    (Some(s), Some(e)) if n > 1 => (0..n)
                        .map(|i| s + (e - s) * i as f64 / (n - 1) as f64)
                        .collect(),
                    (Some(s), _) => (0..n).map(|i| s + 1000.0 * i as f64).collect(),
                    _ => {
                        b.warn(
                            Kind::Malformed,
                            "stats object has neither a -timestamp series nor startTime: not placed in time",
                            Location::key(format!("PeerConnections.{pc_id}.stats.{id}")),
                        );
                        continue;
                    }
                }
            }
        };
        if capped {
            if let Some(&t0) = times.iter().find(|t| t.is_finite()) {
                capped_from = Some(capped_from.map_or(t0, |c: f64| c.max(t0)));
            }
        }

        let stats_type = parsed
            .iter()
            .find_map(|(_, _, _, s)| match s {
                Series::Ok {
                    stats_type: Some(t),
                    ..
                } => Some(t.clone()),
                _ => None,
            })
            .or_else(|| {
                parsed
                    .iter()
                    .find(|(n, ..)| *n == "type")
                    .and_then(|(_, _, v, _)| {
                        v.iter().rev().find_map(|s| match s {
                            PVal::Str(t) => Some(t.to_string()),
                            _ => None,
                        })
                    })
            })
            .or_else(|| type_from_id(id).map(str::to_string));

        let p = b.pc_index(pc_id);
        let at = b.stats_slot(p, id);
        b.set_stats_type(at, stats_type);
        let base = b.push_times(at, &times);
        let mut too_long = Vec::new();
        for (name, key, samples, _) in &parsed {
            if matches!(*name, "timestamp" | "type") {
                continue;
            }
            // Align from the end: Chrome drops the oldest points first and a
            // property may appear later than its report.
            let (skip, offset) = if samples.len() > times.len() {
                too_long.push(key.to_string());
                (samples.len() - times.len(), 0)
            } else {
                (0, times.len() - samples.len())
            };
            let rows = samples.iter().skip(skip).enumerate();
            b.put_series(at, name, rows.map(|(i, s)| (base + offset + i, s)));
        }
        for key in too_long {
            b.warn(
                Kind::Malformed,
                "series has more points than its -timestamp series; the oldest were dropped",
                Location::key(format!("PeerConnections.{pc_id}.stats.{key}")),
            );
        }
    }
    if let Some(t0) = capped_from.filter(|_| note_caps) {
        b.warn(
            Kind::Capped,
            format!(
                "webrtc-internals keeps only the last {SERIES_CAP} samples per series: stats of peer connection {pc_id} before {} were dropped by Chrome",
                iso_from_unix_ms(t0)
            ),
            Location::key(format!("PeerConnections.{pc_id}.stats")),
        );
    }
    if without_timestamps > 0 {
        b.diag(
            crate::error::Severity::Info,
            Kind::Unsupported,
            format!("no per-sample -timestamp series ({why_untimed}): sample times are spread evenly between startTime and endTime"),
            Location::key(format!("PeerConnections.{pc_id}.stats")),
        );
    }
    legacy
}

/// Why a dump has no `-timestamp` series, for the import note: Chrome
/// writes them since M117, but a damaged file may just have lost them (a
/// truncated M156 dump is not an old one), so the era is said only of a
/// whole file.
pub fn why_untimed(damaged: bool) -> &'static str {
    if damaged {
        "the file is damaged: they may be in the part that is missing"
    } else {
        "Chrome before M117"
    }
}

/// Formats unix ms as an ISO-8601 UTC string (for messages).
pub fn iso_from_unix_ms(ms: f64) -> String {
    let total_s = (ms / 1000.0).floor() as i64;
    let days = total_s.div_euclid(86_400);
    let secs = total_s.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_era_is_not_guessed_from_a_damaged_file() {
        assert!(why_untimed(false).contains("M117"));
        assert!(!why_untimed(true).contains("M117"));
    }

    #[test]
    fn keys_split_at_the_right_dash() {
        assert_eq!(
            split_series_key("IT01V1375092232-bytesReceived"),
            Some(("IT01V1375092232", "bytesReceived"))
        );
        assert_eq!(
            split_series_key("IT01V1-[framesReceived-framesDecoded-framesDropped]"),
            Some(("IT01V1", "[framesReceived-framesDecoded-framesDropped]"))
        );
        assert_eq!(
            split_series_key("Conn-audio-1-0-googRtt"),
            Some(("Conn-audio-1-0", "googRtt"))
        );
        assert_eq!(
            split_series_key("OT01V1-[bytesSent_in_bits/s]"),
            Some(("OT01V1", "[bytesSent_in_bits/s]"))
        );
        assert_eq!(split_series_key("nodash"), None);
        assert_eq!(split_series_key("-x"), None);
    }

    #[test]
    fn iso_round_trip() {
        assert_eq!(
            iso_from_unix_ms(1_604_601_252_741.0),
            "2020-11-05T18:34:12Z"
        );
    }
}
