#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
#![cfg(not(target_arch = "wasm32"))]
//! Property tests of the decoders and derived metrics.

use proptest::prelude::*;
use rtcview::formats::rtcstats::delta::{decode_v3, Reports};
use rtcview::formats::rtcstats::encode::StatsEncoder;
use rtcview::formats::webrtc_internals::stats::split_series_key;
use serde_json::{json, Map, Value};

/// All numbers as f64, so `1` and `1.0` compare equal.
fn normalize(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64().unwrap_or(f64::NAN)),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, x)| (k.clone(), normalize(x))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

const TYPES: &[&str] = &[
    "outbound-rtp",
    "inbound-rtp",
    "codec",
    "candidate-pair",
    "compute-pressure",
];
const PROPS: &[&str] = &[
    "bytesSent",
    "packetsSent",
    "jitter",
    "kind",
    "mid",
    "customThing",
    "active",
    "frameWidth",
    "qualityLimitationReason",
];

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-1000i32..1000).prop_map(|n| json!(n as f64)),
        (0.0f64..1e9).prop_map(|f| json!(f)),
        "[a-z0-9]{0,6}".prop_map(Value::String),
        any::<bool>().prop_map(Value::Bool),
    ]
}

/// A stats object: fixed type and property set; values per poll.
#[derive(Debug, Clone)]
struct Obj {
    ty: &'static str,
    props: Vec<&'static str>,
    nested: bool,
}

fn objects() -> impl Strategy<Value = Vec<Obj>> {
    prop::collection::vec(
        (
            0..TYPES.len(),
            prop::sample::subsequence(PROPS, 1..PROPS.len()),
            any::<bool>(),
        )
            .prop_map(|(t, props, nested)| Obj {
                ty: TYPES[t],
                props,
                nested,
            }),
        1..5,
    )
}

/// Per poll and object: present?, property values, nested durations.
type Poll = Vec<(bool, Vec<Value>, (f64, f64))>;

fn polls(n_objects: usize) -> impl Strategy<Value = Vec<Poll>> {
    prop::collection::vec(
        prop::collection::vec(
            (
                any::<bool>(),
                prop::collection::vec(value(), PROPS.len()),
                (0.0f64..100.0, 0.0f64..100.0),
            ),
            n_objects,
        ),
        1..8,
    )
}

/// The full report sets the generated polls describe: per poll its time and
/// `ID<i> -> report` (every report stamped with the poll time, ids absent
/// when not present; all present at the first poll).
fn report_sets(objs: &[Obj], seq: &[Poll]) -> Vec<(f64, Map<String, Value>)> {
    let mut out = Vec::new();
    for (k, poll) in seq.iter().enumerate() {
        let t = 1_700_000_000_000.0 + 1000.0 * k as f64;
        let mut cur = Map::new();
        for (i, (obj, (present, vals, (q1, q2)))) in objs.iter().zip(poll).enumerate() {
            if !present && k > 0 {
                continue;
            }
            let mut r = Map::new();
            r.insert("type".into(), json!(obj.ty));
            r.insert("timestamp".into(), json!(t));
            for (p, v) in obj.props.iter().zip(vals) {
                r.insert((*p).to_string(), v.clone());
            }
            if obj.nested {
                r.insert(
                    "qualityLimitationDurations".into(),
                    json!({"cpu": q1, "none": q2}),
                );
            }
            cur.insert(format!("ID{i}"), Value::Object(r));
        }
        out.push((t, cur));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// decode(encode(x)) == x for report sets whose reports share the poll
    /// timestamp and keep their property set (what the format can express).
    #[test]
    fn v3_decoder_inverts_encoder((objs, seq) in objects().prop_flat_map(|o| { let n = o.len(); (Just(o), polls(n)) })) {
        let mut enc = StatsEncoder::default();
        let mut base = Reports::new();
        for (k, (_, cur)) in report_sets(&objs, &seq).into_iter().enumerate() {
            let mut with_ids = cur.clone();
            for (id, r) in with_ids.iter_mut() {
                if let Some(o) = r.as_object_mut() {
                    o.insert("id".into(), json!(id));
                }
            }
            let cur = with_ids;
            let delta = enc.encode(&cur);
            // The delta must survive a trip through JSON text.
            let text = serde_json::to_string(&delta).expect("json");
            let delta: Map<String, Value> = serde_json::from_str(&text).expect("json");
            decode_v3(&mut base, delta);
            prop_assert_eq!(base.len(), cur.len());
            for (id, r) in &cur {
                let short = enc.short_id(id).expect("transmitted ids have a short id");
                let mut want = r.as_object().cloned().unwrap_or_default();
                want.remove("id");
                prop_assert_eq!(normalize(&base[short]), normalize(&Value::Object(want)), "poll {} id {}", k, id);
            }
        }
    }

    /// The importer's fileFormat 3 path (which decodes straight into columns
    /// rather than through `decode_v3`) yields, at every poll, exactly the
    /// values the encoder was given.
    #[test]
    fn v3_import_path_matches_encoder_input((objs, seq) in objects().prop_flat_map(|o| { let n = o.len(); (Just(o), polls(n)) })) {
        let mut enc = StatsEncoder::default();
        let mut text = String::from("RTCStatsDump\n{\"fileFormat\":3}\n");
        let expected = report_sets(&objs, &seq);
        for (k, (t, cur)) in expected.iter().enumerate() {
            let delta = enc.encode(cur);
            let dt = if k == 0 { *t } else { 1000.0 };
            text.push_str(&json!(["g", "PC_0", delta, dt]).to_string());
            text.push('\n');
        }
        let s = rtcview::import(text.as_bytes()).expect("imports");
        let pc = &s.peer_connections[0];
        for (t, cur) in &expected {
            for (id, r) in cur {
                let short = enc.short_id(id).expect("short id");
                let o = pc.stats_object(short).expect("object");
                let row = o.times_ms.iter().position(|x| x == t).expect("row at poll time");
                prop_assert_eq!(o.stats_type.as_deref(), r["type"].as_str());
                for (p, v) in r.as_object().expect("report") {
                    if p == "type" || p == "timestamp" { continue; }
                    let check = |name: &str, v: &Value| -> Result<(), TestCaseError> {
                        let col = o.column(name).expect("column");
                        match v {
                            Value::Number(n) => prop_assert_eq!(col.number(row), n.as_f64(), "{} {} row {}", short, name, row),
                            Value::String(x) => prop_assert_eq!(col.text(row, &s.strings), Some(x.as_str())),
                            Value::Bool(b) => prop_assert_eq!(col.text(row, &s.strings), Some(if *b { "true" } else { "false" })),
                            _ => {}
                        }
                        Ok(())
                    };
                    match v {
                        Value::Object(inner) => for (k2, v2) in inner { check(&format!("{p}.{k2}"), v2)?; },
                        other => check(p, other)?,
                    }
                }
            }
        }
    }

    /// Splitting a series key gives back the stats id and property it was made of.
    #[test]
    fn series_keys_split_back(id in "[A-Za-z0-9_:/+=;-]{1,24}", prop in prop_oneof![
        "[a-z][A-Za-z0-9]{0,20}",
        "\\[[a-zA-Z/_-]{1,30}\\]",
    ]) {
        prop_assume!(!id.ends_with('-'));
        let key = format!("{id}-{prop}");
        prop_assert_eq!(split_series_key(&key), Some((id.as_str(), prop.as_str())));
    }

    /// Rates of a monotonic counter are finite and non-negative; a reset
    /// is a gap, never a negative spike.
    #[test]
    fn rates_never_negative(steps in prop::collection::vec((1u32..3000, 0u32..100_000, any::<bool>()), 2..60)) {
        use rtcview::build::SessionBuilder;
        use rtcview::model::Format;
        let mut b = SessionBuilder::new(Format::Rtcstats, "t");
        let (mut t, mut c) = (0.0, 0.0);
        for (dt, dc, reset) in &steps {
            t += *dt as f64;
            c = if *reset { *dc as f64 } else { c + *dc as f64 };
            let r = json!({"bytesSent": c});
            b.push_report("pc", "x", t, r.as_object().expect("object"), false);
        }
        let s = b.finish();
        let obj = &s.peer_connections[0].stats[0];
        for v in rtcview::metrics::rate_per_s(obj, "bytesSent", 8.0) {
            prop_assert!(v.is_nan() || (v.is_finite() && v >= 0.0));
        }
    }

    /// Whatever the bytes, import returns (no panic, no hang).
    #[test]
    fn import_never_panics(prefix in prop_oneof![Just(&b""[..]), Just(&b"RTCStatsDump\n"[..]), Just(&b"{"[..]), Just(&b"["[..]), Just(&b"\x1f\x8b"[..])],
                           body in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut input = prefix.to_vec();
        input.extend_from_slice(&body);
        let _ = rtcview::import(&input);
    }

    /// Structured junk: rtcstats lines with random shapes.
    #[test]
    fn rtcstats_lines_never_panic(lines in prop::collection::vec((value(), prop_oneof![Just(json!(null)), Just(json!("PC_0"))], value(), prop::collection::vec(value(), 0..3)), 0..20), v3 in any::<bool>()) {
        let mut text = if v3 { String::from("RTCStatsDump\n{\"fileFormat\":3}\n") } else { String::new() };
        for (m, pc, v, rest) in lines {
            let mut arr = vec![m, pc, v];
            arr.extend(rest);
            text.push_str(&Value::Array(arr).to_string());
            text.push('\n');
        }
        let _ = rtcview::import(text.as_bytes());
    }
}

/// Every spelling of an address a dump can hold (issue 14).
fn address_spellings() -> impl Strategy<Value = String> {
    let v4 = any::<[u8; 4]>();
    let v6 = any::<[u16; 8]>();
    prop_oneof![
        v4.prop_map(|o| std::net::Ipv4Addr::from(o).to_string()),
        v4.prop_map(|o| format!("{:03}.{:03}.{}.{:02}", o[0], o[1], o[2], o[3])),
        v6.prop_map(|g| std::net::Ipv6Addr::from(g).to_string()),
        v6.prop_map(|g| std::net::Ipv6Addr::from(g).to_string().to_uppercase()),
        v6.prop_map(|g| g
            .iter()
            .map(|x| format!("{x:04x}"))
            .collect::<Vec<_>>()
            .join(":")),
        v6.prop_map(|g| g
            .iter()
            .map(|x| format!("{x:x}"))
            .collect::<Vec<_>>()
            .join(":")),
        // Runs of zero groups anywhere, compressed by hand.
        (v6, 0usize..8, 1usize..8).prop_map(|(g, at, n)| {
            let hex = |s: &[u16]| {
                s.iter()
                    .map(|x| format!("{x:x}"))
                    .collect::<Vec<_>>()
                    .join(":")
            };
            let end = (at + n).min(8);
            format!("{}::{}", hex(&g[..at]), hex(&g[end..]))
        }),
        v4.prop_map(|o| format!("::ffff:{}", std::net::Ipv4Addr::from(o))),
        v4.prop_map(|o| format!("64:ff9b::{}", std::net::Ipv4Addr::from(o))),
        (any::<u16>(), v4)
            .prop_map(|(h, o)| format!("2001:db8:{h:x}::{}", std::net::Ipv4Addr::from(o))),
    ]
}

proptest! {
    /// After masking, no substring of the text spells an address, whatever
    /// the spelling and whatever comes before or after it.
    #[test]
    fn masked_text_holds_no_address(
        addr in address_spellings(),
        before in prop::sample::select(vec!["", " ", ":", "=", "@", "//", "https://", "wss://user:pw@", "[", "address:", "a", "host:", "c=IN IP6 ", "raddr ", "ab:cd:"]),
        after in prop::sample::select(vec!["", " ", ":3478", "]:443", "/path?q=1", "%en0", ".", ".5", ":ff", "a", " typ host", "\r\n"]),
        again in address_spellings(),
    ) {
        use rtcview::embed::mask::{mask_text, spells_address};
        prop_assert!(spells_address(&addr), "generator made a non-address: {addr}");
        let text = format!("{before}{addr}{after}{again}");
        let out = mask_text(&text);
        let b = out.as_bytes();
        for i in 0..b.len() {
            for j in i + 1..=b.len().min(i + 45) {
                if let Some(t) = out.get(i..j) {
                    prop_assert!(!spells_address(t), "{text:?} masked to {out:?} still holds {t:?}");
                }
            }
        }
    }
}

proptest! {
    /// A redacted text holds no substring that spells an address other
    /// than a documentation address, whatever the spelling and whatever
    /// touches it; and the same address, however often it recurs, becomes
    /// the same replacement (issue 16).
    #[test]
    fn redacted_text_holds_no_address_and_maps_consistently(
        addr in address_spellings(),
        before in prop::sample::select(vec!["", " ", ":", "=", "@", "//", "https://", "wss://user:pw@", "[", "address:", "a", "host:", "c=IN IP6 ", "raddr ", "ab:cd:", "\"ip\":\""]),
        after in prop::sample::select(vec!["", " ", ":3478", "]:443", "/path?q=1", "%en0", ".", ".5", ":ff", "a", " typ host", "\r\n", "\","]),
        again in address_spellings(),
        keep_private in any::<bool>(),
    ) {
        use rtcview::redact::{addresses::leaks, redact, Options};
        let options = Options { keep_private };
        let text = format!("{before}{addr}{after}{again}");
        let (out, _) = redact(text.as_bytes(), options);
        let left = leaks(&out, keep_private);
        prop_assert!(left.is_empty(), "{text:?} redacted to {:?} still holds {left:?}", String::from_utf8_lossy(&out));

        let twice = format!("{addr} | {addr}");
        let (out, _) = redact(twice.as_bytes(), options);
        let out = String::from_utf8_lossy(&out).into_owned();
        let halves: Vec<&str> = out.split(" | ").collect();
        prop_assert_eq!(halves.len(), 2, "{}", out);
        prop_assert_eq!(halves[0], halves[1], "{} redacted to {}", twice, out);
    }
}
