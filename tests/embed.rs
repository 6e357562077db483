#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
#![cfg(not(target_arch = "wasm32"))]
//! Embed login: token verification and the protocol state machine.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use rtcview::embed::{Action, AuthCode, Bearer, Embed, EmbedConfig, TokenVerifier};
use serde_json::{json, Value};

const RSA_PRIV: &str = include_str!("fixtures/keys/rsa-private.pem");
const RSA_PUB: &str = include_str!("fixtures/keys/rsa-public.pem");
const EC_PRIV: &str = include_str!("fixtures/keys/ec-private.pem");
const EC_PUB: &str = include_str!("fixtures/keys/ec-public.pem");
const OTHER_PRIV: &str = include_str!("fixtures/keys/other-rsa-private.pem");
const NOW: f64 = 1_800_000_000.0;
const HOST: &str = "https://admin.example.com";
const AUD: &str = "https://viewer.example.com";

fn config() -> EmbedConfig {
    let c = json!({
        "allowedOrigins": [HOST, "https://other-admin.example.com"],
        "audience": AUD,
        "issuers": {"spock": {"keys": [
            {"kid": "rsa1", "alg": "RS256", "pem": RSA_PUB},
            {"kid": "ec1", "alg": "ES256", "pem": EC_PUB}
        ]}},
        "leewaySeconds": 30,
        "dataOrigins": ["https://files.example.com"]
    });
    EmbedConfig::parse(&c.to_string()).expect("config")
}

fn claims(jti: &str) -> Value {
    json!({"iss": "spock", "aud": AUD, "sub": "agent-7", "exp": NOW + 600.0, "iat": NOW - 5.0, "jti": jti,
           "data": {"appid": "app1", "permissions": [], "session": {"url": "https://files.example.com/s/1.json"}}})
}

fn rs256(kid: &str, c: &Value) -> String {
    let mut h = Header::new(Algorithm::RS256);
    h.kid = Some(kid.into());
    encode(
        &h,
        c,
        &EncodingKey::from_rsa_pem(RSA_PRIV.as_bytes()).unwrap(),
    )
    .unwrap()
}

fn code(r: Result<rtcview::embed::Claims, rtcview::embed::AuthError>) -> Option<AuthCode> {
    r.err().map(|e| e.code)
}

#[test]
fn valid_tokens_rs256_and_es256() {
    let mut v = TokenVerifier::new(config());
    let c = v
        .verify(&rs256("rsa1", &claims("a")), NOW)
        .expect("valid RS256");
    assert_eq!(
        (
            c.issuer.as_str(),
            c.appid.as_deref(),
            c.session_url.as_deref()
        ),
        (
            "spock",
            Some("app1"),
            Some("https://files.example.com/s/1.json")
        )
    );
    assert!(!c.may_see_addresses());
    let mut h = Header::new(Algorithm::ES256);
    h.kid = Some("ec1".into());
    let t = encode(
        &h,
        &claims("b"),
        &EncodingKey::from_ec_pem(EC_PRIV.as_bytes()).unwrap(),
    )
    .unwrap();
    assert!(v.verify(&t, NOW).is_ok(), "valid ES256");
}

#[test]
fn every_bad_token_is_refused_with_its_code() {
    let mut v = TokenVerifier::new(config());
    let with = |f: &dyn Fn(&mut Value), jti: &str| {
        let mut c = claims(jti);
        f(&mut c);
        c
    };
    // Times, with the 30 s leeway.
    assert_eq!(
        code(v.verify(
            &rs256("rsa1", &with(&|c| c["exp"] = json!(NOW - 31.0), "t1")),
            NOW
        )),
        Some(AuthCode::TokenExpired)
    );
    assert!(
        v.verify(
            &rs256("rsa1", &with(&|c| c["exp"] = json!(NOW - 29.0), "t2")),
            NOW
        )
        .is_ok(),
        "within leeway"
    );
    assert_eq!(
        code(v.verify(
            &rs256("rsa1", &with(&|c| c["nbf"] = json!(NOW + 120.0), "t3")),
            NOW
        )),
        Some(AuthCode::TokenNotYetValid)
    );
    assert_eq!(
        code(v.verify(
            &rs256("rsa1", &with(&|c| c["iat"] = json!(NOW + 120.0), "t4")),
            NOW
        )),
        Some(AuthCode::TokenNotYetValid)
    );
    assert_eq!(
        code(v.verify(
            &rs256(
                "rsa1",
                &with(
                    &|c| {
                        c.as_object_mut()
                            .unwrap()
                            .remove("exp")
                            .map(|_| ())
                            .unwrap_or(())
                    },
                    "t5"
                )
            ),
            NOW
        )),
        Some(AuthCode::TokenInvalid)
    );
    // Audience and issuer.
    assert_eq!(
        code(v.verify(
            &rs256(
                "rsa1",
                &with(&|c| c["aud"] = json!("https://evil.example"), "t6")
            ),
            NOW
        )),
        Some(AuthCode::Audience)
    );
    assert_eq!(
        code(v.verify(
            &rs256("rsa1", &with(&|c| c["iss"] = json!("mallory"), "t7")),
            NOW
        )),
        Some(AuthCode::Issuer)
    );
    // Keys.
    assert_eq!(
        code(v.verify(&rs256("nope", &claims("t8")), NOW)),
        Some(AuthCode::UnknownKey)
    );
    let mut h = Header::new(Algorithm::RS256);
    h.kid = Some("rsa1".into());
    let other = encode(
        &h,
        &claims("t9"),
        &EncodingKey::from_rsa_pem(OTHER_PRIV.as_bytes()).unwrap(),
    )
    .unwrap();
    assert_eq!(
        code(v.verify(&other, NOW)),
        Some(AuthCode::TokenInvalid),
        "signed by another key"
    );
    // Tampered payload (a different sub, same signature).
    let good = rs256("rsa1", &claims("t10"));
    let parts: Vec<&str> = good.split('.').collect();
    let mut payload: Value = serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap();
    payload["data"]["permissions"] = json!(["read:deobfuscated"]);
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        B64.encode(payload.to_string()),
        parts[2]
    );
    assert_eq!(code(v.verify(&tampered, NOW)), Some(AuthCode::TokenInvalid));
    // alg none.
    let none = format!(
        "{}.{}.",
        B64.encode(r#"{"alg":"none","kid":"rsa1","typ":"JWT"}"#),
        B64.encode(claims("t11").to_string())
    );
    assert_eq!(code(v.verify(&none, NOW)), Some(AuthCode::TokenInvalid));
    // HS256 signed with the public key as the HMAC secret (key confusion).
    let mut hs = Header::new(Algorithm::HS256);
    hs.kid = Some("rsa1".into());
    let confused = encode(
        &hs,
        &claims("t12"),
        &EncodingKey::from_secret(RSA_PUB.as_bytes()),
    )
    .unwrap();
    assert_eq!(code(v.verify(&confused, NOW)), Some(AuthCode::TokenInvalid));
    // An ES256 key used with an RS256 header.
    assert_eq!(
        code(v.verify(&rs256("ec1", &claims("t13")), NOW)),
        Some(AuthCode::TokenInvalid)
    );
    // Replay and a missing jti.
    let once = rs256("rsa1", &claims("t14"));
    assert!(v.verify(&once, NOW).is_ok());
    assert_eq!(code(v.verify(&once, NOW)), Some(AuthCode::Replayed));
    assert_eq!(
        code(v.verify(&rs256("rsa1", &with(&|c| c["jti"] = Value::Null, "")), NOW)),
        Some(AuthCode::TokenInvalid)
    );
    assert_eq!(code(v.verify("garbage", NOW)), Some(AuthCode::TokenInvalid));
}

#[test]
fn jwks_keys_work_too() {
    // The same RSA key as a JWK (n, e) under another kid.
    let pk =
        <rsa::RsaPublicKey as rsa::pkcs8::DecodePublicKey>::from_public_key_pem(RSA_PUB).unwrap();
    let n = B64.encode(rsa::traits::PublicKeyParts::n(&pk).to_bytes_be());
    let e = B64.encode(rsa::traits::PublicKeyParts::e(&pk).to_bytes_be());
    let c = json!({"allowedOrigins": [HOST], "audience": AUD, "issuers": {"spock": {"jwks": {"keys": [{"kty": "RSA", "kid": "j1", "alg": "RS256", "n": n, "e": e}]}}}});
    let mut v = TokenVerifier::new(EmbedConfig::parse(&c.to_string()).expect("jwks config"));
    assert!(v.verify(&rs256("j1", &claims("j")), NOW).is_ok());
}

/// The wasm build verifies with our RS256/ES256-only provider: it must agree
/// with rust_crypto on good and bad signatures.
#[test]
fn verify_only_provider_agrees_with_rust_crypto() {
    let p = &rtcview::embed::provider::VERIFY_ONLY;
    for (alg, kid, key) in [
        (
            Algorithm::RS256,
            "rsa1",
            jsonwebtoken::DecodingKey::from_rsa_pem(RSA_PUB.as_bytes()).unwrap(),
        ),
        (
            Algorithm::ES256,
            "ec1",
            jsonwebtoken::DecodingKey::from_ec_pem(EC_PUB.as_bytes()).unwrap(),
        ),
    ] {
        let mut h = Header::new(alg);
        h.kid = Some(kid.into());
        let enc = if alg == Algorithm::RS256 {
            EncodingKey::from_rsa_pem(RSA_PRIV.as_bytes())
        } else {
            EncodingKey::from_ec_pem(EC_PRIV.as_bytes())
        };
        let t = encode(&h, &claims("p"), &enc.unwrap()).unwrap();
        let (signed, sig) = t.rsplit_once('.').unwrap();
        let sig = B64.decode(sig).unwrap();
        let verifier = (p.verifier_factory)(&alg, &key).expect("verifier");
        assert!(
            verifier.verify(signed.as_bytes(), &sig).is_ok(),
            "{alg:?} good signature"
        );
        assert!(
            verifier
                .verify(format!("{signed}x").as_bytes(), &sig)
                .is_err(),
            "{alg:?} tampered message"
        );
    }
}

fn session() -> rtcview::Session {
    rtcview::import(include_bytes!(
        "fixtures/rtcstats/v3-compressed-handmade.rtcstats"
    ))
    .unwrap()
}

fn posted(actions: &[Action]) -> Vec<(String, Value)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Post { origin, message } => Some((origin.clone(), message.clone())),
            _ => None,
        })
        .collect()
}

fn login(token: &str) -> String {
    json!({"msg": "login.v1", "data": token}).to_string()
}

#[test]
fn protocol_hears_only_the_parent_at_allowed_origins() {
    let mut e = Embed::new(config());
    assert_eq!(
        e.ready_targets(),
        vec![
            HOST.to_string(),
            "https://other-admin.example.com".to_string()
        ]
    );
    let token = rs256("rsa1", &claims("p1"));
    assert!(
        e.on_message(&login(&token), false, "https://evil.example", true, NOW)
            .is_empty(),
        "disallowed origin ignored"
    );
    assert!(
        e.on_message(&login(&token), false, HOST, false, NOW)
            .is_empty(),
        "a non-parent window is ignored"
    );
    assert_eq!(
        posted(&e.on_message("PING", false, HOST, true, NOW)),
        vec![(HOST.into(), json!("PONG"))]
    );
    assert!(e
        .on_message("PING", false, "https://evil.example", true, NOW)
        .is_empty());
    // Objects serialized to JSON, and JSON strings, both work.
    let actions = e.on_message(
        &serde_json::to_string(&login(&token)).unwrap(),
        false,
        HOST,
        true,
        NOW,
    );
    assert!(actions.contains(&Action::StopReady));
    assert!(actions.contains(&Action::Fetch {
        url: "https://files.example.com/s/1.json".into(),
        bearer: Some(Bearer::new(&token))
    }));
    assert!(e.ready_targets().is_empty());
    // After login only the verified origin is heard.
    assert!(e
        .on_message("PING", false, "https://other-admin.example.com", true, NOW)
        .is_empty());
    // A URL outside dataOrigins is fetched without the token.
    let a = e.on_message(
        &json!({"msg": "load.v1", "data": {"url": "https://cdn.example.net/x.json"}}).to_string(),
        false,
        HOST,
        true,
        NOW,
    );
    assert_eq!(
        a,
        vec![Action::Fetch {
            url: "https://cdn.example.net/x.json".into(),
            bearer: None
        }]
    );
    let a = e.on_message(
        &json!({"msg": "load.v1", "data": {"name": "x.json"}}).to_string(),
        true,
        HOST,
        true,
        NOW,
    );
    assert_eq!(
        a,
        vec![Action::ImportBuffer {
            name: "x.json".into()
        }]
    );
    // Admit: statsReady.v1 with the summary, to the verified origin only.
    let mut s = session();
    let a = e.admit(&mut s);
    assert!(a.contains(&Action::Show));
    let p = posted(&a);
    assert_eq!(p[0].0, HOST);
    assert_eq!(p[0].1["msg"], "statsReady.v1");
    assert_eq!(p[0].1["data"]["schema"], "rtcview-summary/1");
    assert_eq!(
        e.on_message(
            &json!({"msg": "zoom.v1", "data": {"t0Ms": 1.0, "t1Ms": 2.0}}).to_string(),
            false,
            HOST,
            true,
            NOW
        ),
        vec![Action::Zoom {
            t0_ms: 1.0,
            t1_ms: 2.0
        }]
    );
    assert_eq!(
        e.on_message(
            &json!({"msg": "logout.v1"}).to_string(),
            false,
            HOST,
            true,
            NOW
        ),
        vec![Action::Clear]
    );
    assert_eq!(e.resized(100.0), vec![]);
}

#[test]
fn failed_login_reports_the_code_and_shows_nothing() {
    let mut e = Embed::new(config());
    let expired = rs256("rsa1", &{
        let mut c = claims("x");
        c["exp"] = json!(NOW - 3600.0);
        c
    });
    let a = e.on_message(&login(&expired), false, HOST, true, NOW);
    assert!(a.contains(&Action::Clear));
    assert_eq!(
        posted(&a)[0].1,
        json!({"msg": "error.v1", "data": {"code": "token_expired", "message": "the token has expired"}})
    );
    let a = e.on_message(
        &json!({"msg": "load.v1", "data": {"url": "https://files.example.com/a"}}).to_string(),
        false,
        HOST,
        true,
        NOW,
    );
    assert_eq!(
        posted(&a)[0].1["data"]["code"],
        "token_invalid",
        "no load before login"
    );
    let mut s = session();
    assert_eq!(
        e.admit(&mut s),
        vec![Action::Clear],
        "nothing is shown without a login"
    );
}

/// A failed load reports the protocol's code, mapped in Rust from what
/// failed (the page passes the importer error's kind, or fetch_failed),
/// and only to the verified origin.
#[test]
fn failed_loads_map_to_the_protocols_codes() {
    let mut e = Embed::new(config());
    assert_eq!(
        e.failed("too_large", "x"),
        vec![Action::Clear],
        "nothing before a login"
    );
    e.on_message(
        &login(&rs256("rsa1", &claims("f1"))),
        false,
        HOST,
        true,
        NOW,
    );
    for (what, code) in [
        ("fetch_failed", "fetch_failed"),
        ("too_large", "too_large"),
        ("unrecognized", "not_a_dump"),
        ("malformed", "not_a_dump"),
        ("empty", "not_a_dump"),
    ] {
        let a = e.failed(what, "why");
        assert_eq!(
            posted(&a),
            vec![(
                HOST.to_string(),
                json!({"msg": "error.v1", "data": {"code": code, "message": "why"}})
            )],
            "{what}"
        );
    }
}

#[test]
fn filters_and_masking() {
    // The fixture's header has origin "https://example.test"; filter on it.
    let mut e = Embed::new(config());
    let mut c = claims("f1");
    c["data"]["filter"] = json!({"origin": [{"value": "https://elsewhere.example"}]});
    e.on_message(&login(&rs256("rsa1", &c)), false, HOST, true, NOW);
    let a = e.admit(&mut session());
    assert_eq!(posted(&a)[0].1["data"]["code"], "forbidden");
    assert!(!a.contains(&Action::Show));
    let mut c = claims("f2");
    c["data"]["filter"] =
        json!({"origin": [{"value": "https://nope.example"}, {"value": "https://example.test"}]});
    e.on_message(&login(&rs256("rsa1", &c)), false, HOST, true, NOW);
    let mut s = session();
    assert!(e.admit(&mut s).contains(&Action::Show));
    // A key the dump lacks is forbidden.
    let mut c = claims("f3");
    c["data"]["filter"] = json!({"siteID": [{"value": "csio"}]});
    e.on_message(&login(&rs256("rsa1", &c)), false, HOST, true, NOW);
    assert_eq!(
        posted(&e.admit(&mut session()))[0].1["data"]["code"],
        "forbidden"
    );
    // Masking: the sample has candidates with 192.0.2.x addresses.
    let mut masked = rtcview::import(include_bytes!("../www/sample/session.rtcstats.gz")).unwrap();
    e.on_message(
        &login(&rs256("rsa1", &claims("m1"))),
        false,
        HOST,
        true,
        NOW,
    );
    e.admit(&mut masked);
    let all = format!(
        "{:?} {:?}",
        masked.peer_connections[0].events, masked.strings
    );
    assert!(!all.contains("192.0.2."), "addresses remain after masking");
    assert!(all.contains("x.x.x.x"));
    // Given the worker's summary (of the session before masking), the page
    // posts the same masked statsReady.v1 as when it summarizes again.
    let turn = br#"RTCStatsDump
{"fileFormat":3}
["create","PC_0",{"iceServers":[{"urls":["turn:192.0.2.9:3478"]}]},0]
"#;
    let mut recomputed = rtcview::import(turn).unwrap();
    let worker = serde_json::to_value(rtcview::summary::summarize(&recomputed)).unwrap();
    assert!(worker.to_string().contains("192.0.2.9"));
    let mut given = rtcview::import(turn).unwrap();
    let mut post = |jti: &str, s: &mut rtcview::Session, summary: Option<Value>| {
        e.on_message(&login(&rs256("rsa1", &claims(jti))), false, HOST, true, NOW);
        posted(&e.admit_with_summary(s, summary))
    };
    let a = post("m1b", &mut recomputed, None);
    let b = post("m1c", &mut given, Some(worker));
    assert_eq!(a, b);
    assert!(!b[0].1.to_string().contains("192.0.2."));
    assert!(b[0].1.to_string().contains("x.x.x.x"));
    let mut clear = rtcview::import(include_bytes!("../www/sample/session.rtcstats.gz")).unwrap();
    let mut c = claims("m2");
    c["data"]["permissions"] = json!(["read:deobfuscated"]);
    e.on_message(&login(&rs256("rsa1", &c)), false, HOST, true, NOW);
    e.admit(&mut clear);
    assert!(format!("{:?}", clear.peer_connections[0].events).contains("192.0.2."));
}

/// The page reads these names: the JSON shape of actions is a contract.
#[test]
fn actions_serialize_as_the_page_expects() {
    let j = |a: Action| serde_json::to_value(a).unwrap();
    assert_eq!(
        j(Action::Zoom {
            t0_ms: 1.0,
            t1_ms: 2.0
        }),
        json!({"do": "zoom", "t0Ms": 1.0, "t1Ms": 2.0})
    );
    assert_eq!(
        j(Action::Fetch {
            url: "u".into(),
            bearer: Some(Bearer::new("t.o.k"))
        }),
        json!({"do": "fetch", "url": "u", "bearer": "t.o.k"})
    );
    assert_eq!(
        j(Action::Fetch {
            url: "u".into(),
            bearer: None
        }),
        json!({"do": "fetch", "url": "u", "bearer": null})
    );
    // Debug output never shows a token.
    let shown = format!(
        "{:?}",
        Action::Fetch {
            url: "u".into(),
            bearer: Some(Bearer::new("t.o.k"))
        }
    );
    assert!(!shown.contains("t.o.k"), "{shown}");
    assert_eq!(j(Action::StopReady), json!({"do": "stopReady"}));
    assert_eq!(
        j(Action::ImportBuffer { name: "n".into() }),
        json!({"do": "importBuffer", "name": "n"})
    );
    assert_eq!(
        j(Action::Select {
            pc: Some("p".into()),
            stream: None
        }),
        json!({"do": "select", "pc": "p", "stream": null})
    );
}

/// Every text cell of a session, resolved: (pc, object, property, row, text).
fn texts(s: &rtcview::Session) -> Vec<(usize, String, String, usize, Option<String>)> {
    let mut out = Vec::new();
    for (p, pc) in s.peer_connections.iter().enumerate() {
        for o in &pc.stats {
            for (name, c) in &o.columns {
                for row in 0..o.len() {
                    let t = c.text(row, &s.strings).map(str::to_string);
                    out.push((p, o.id.clone(), name.clone(), row, t));
                }
            }
        }
    }
    out
}

/// Masking rewrites each text value into its masked form and nothing else,
/// also when two values mask to the same text (two host candidates: the
/// interned strings are renumbered, so every column is remapped); and the
/// masked session's summary is the summary with its strings masked.
#[test]
fn masking_keeps_each_text_in_its_place() {
    use rtcview::embed::mask::{mask_all, mask_session, mask_text, mask_value};
    let handmade = br#"RTCStatsDump
{"fileFormat":3}
["getStats","PC_0",{"A":{"type":"local-candidate","address":"192.168.1.20","candidateType":"host"},"B":{"type":"local-candidate","address":"192.168.1.21","candidateType":"srflx"},"C":{"type":"inbound-rtp","kind":"video","codecId":"CIT01_96"}},0]
"#;
    let mut dumps = vec![("handmade".to_string(), handmade.to_vec())];
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/dumps/public");
    match std::fs::read_dir(&dir) {
        Ok(entries) => {
            let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for p in paths.into_iter().filter(|p| !p.ends_with("SOURCES.md")) {
                dumps.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
        Err(_) => eprintln!("SKIPPED (public part): ../shared/dumps/public is absent"),
    }
    let mut collisions = 0;
    for (name, bytes) in dumps {
        let Ok(mut s) = rtcview::import(&bytes) else {
            continue;
        };
        let before = texts(&s);
        let masked_strings: std::collections::HashSet<String> =
            s.strings.strings().map(mask_text).collect();
        collisions += usize::from(masked_strings.len() < s.strings.len());
        let mut summary = serde_json::to_value(rtcview::summary::summarize(&s)).unwrap();
        mask_value(&mut summary);
        mask_session(&mut s);
        // ICE username fragments are hidden wherever their text occurs.
        let ufrags: std::collections::HashSet<String> = before
            .iter()
            .filter(|(_, _, c, _, _)| {
                rtcview::model::secrets::UFRAG_PROPERTIES.contains(&c.as_str())
            })
            .filter_map(|(_, _, _, _, t)| t.clone())
            .collect();
        let want: Vec<_> = before
            .into_iter()
            .map(|(p, o, c, r, t)| {
                let t = t.map(|t| {
                    if ufrags.contains(&t) {
                        rtcview::model::secrets::HIDDEN.to_string()
                    } else {
                        mask_all(&t)
                    }
                });
                (p, mask_all(&o), c, r, t)
            })
            .collect();
        // Ids that spell an address (certificate fingerprints) are masked
        // too, and the objects re-sorted by id.
        let mut want = want;
        want.sort();
        let mut got = texts(&s);
        got.sort();
        assert_eq!(got, want, "{name}");
        let masked = serde_json::to_value(rtcview::summary::summarize(&s)).unwrap();
        assert_eq!(masked, summary, "{name}");
    }
    // The case that broke: values that mask to the same text.
    assert!(collisions >= 1);
}

/// A token with exactly this header (for parameters `Header` cannot hold).
fn rs256_with_header(header: &Value, c: &Value) -> String {
    let msg = format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(c.to_string())
    );
    let key = EncodingKey::from_rsa_pem(RSA_PRIV.as_bytes()).unwrap();
    let sig = jsonwebtoken::crypto::sign(msg.as_bytes(), &key, Algorithm::RS256).unwrap();
    format!("{msg}.{sig}")
}

/// Issue 14: explicit typing, no `crit`, no key carried in the token.
#[test]
fn header_typing_crit_and_carried_keys_are_refused() {
    let mut v = TokenVerifier::new(config());
    let h = |extra: Value| {
        let mut h = json!({"alg": "RS256", "kid": "rsa1"});
        for (k, x) in extra.as_object().unwrap() {
            h[k] = x.clone();
        }
        h
    };
    for (i, ok) in [
        json!({}),
        json!({"typ": "JWT"}),
        json!({"typ": "jwt"}),
        json!({"typ": "rtcview+jwt"}),
    ]
    .into_iter()
    .enumerate()
    {
        let t = rs256_with_header(&h(ok.clone()), &claims(&format!("ok{i}")));
        assert!(v.verify(&t, NOW).is_ok(), "{ok} is accepted");
    }
    for (i, bad) in [
        json!({"typ": "at+jwt"}),
        json!({"typ": "secevent+jwt"}),
        json!({"typ": 1}),
        json!({"crit": ["exp"]}),
        json!({"jwk": {"kty": "oct", "k": "AAAA"}}),
        json!({"jku": "https://evil.example/keys"}),
        json!({"x5u": "https://evil.example/cert"}),
        json!({"x5c": ["MIIB"]}),
    ]
    .into_iter()
    .enumerate()
    {
        let t = rs256_with_header(&h(bad.clone()), &claims(&format!("bad{i}")));
        assert_eq!(
            code(v.verify(&t, NOW)),
            Some(AuthCode::TokenInvalid),
            "{bad}"
        );
    }
}

fn config_with(extra: Value) -> Result<EmbedConfig, String> {
    let mut c = json!({
        "allowedOrigins": [HOST, "https://other-admin.example.com"],
        "audience": AUD,
        "issuers": {"spock": {"keys": [{"kid": "rsa1", "alg": "RS256", "pem": RSA_PUB}]}},
        "dataOrigins": ["https://files.example.com"]
    });
    for (k, x) in extra.as_object().unwrap() {
        c[k] = x.clone();
    }
    EmbedConfig::parse(&c.to_string()).map_err(|e| e.to_string())
}

#[test]
fn token_lifetime_is_capped_when_configured() {
    let mut v = TokenVerifier::new(config_with(json!({"maxTokenLifetimeSeconds": 300})).unwrap());
    let mut c = claims("short");
    c["iat"] = json!(NOW - 5.0);
    c["exp"] = json!(NOW + 290.0);
    assert!(v.verify(&rs256("rsa1", &c), NOW).is_ok());
    let mut long = claims("long");
    long["exp"] = json!(NOW + 600.0);
    assert_eq!(
        code(v.verify(&rs256("rsa1", &long), NOW)),
        Some(AuthCode::TokenInvalid)
    );
    let mut no_iat = claims("no-iat");
    no_iat.as_object_mut().unwrap().remove("iat");
    no_iat["exp"] = json!(NOW + 60.0);
    assert_eq!(
        code(v.verify(&rs256("rsa1", &no_iat), NOW)),
        Some(AuthCode::TokenInvalid)
    );
}

#[test]
fn config_origins_must_be_canonical_and_leeway_bounded() {
    for (origin, why) in [
        ("https://Admin.example.com", "not canonical"),
        ("HTTPS://admin.example.com", "not canonical"),
        ("https://admin.example.com:443", "not canonical"),
        ("https://admin.example.com/", "not an exact origin"),
        ("https://admin.example.com/app", "not an exact origin"),
        ("http://admin.example.com", "plain http"),
    ] {
        let e = config_with(json!({"allowedOrigins": [origin]})).unwrap_err();
        assert!(e.contains(origin) && e.contains(why), "{origin}: {e}");
        let e = config_with(json!({"dataOrigins": [origin]})).unwrap_err();
        assert!(e.contains(origin), "{origin}: {e}");
    }
    for ok in [
        "http://localhost:8080",
        "http://127.0.0.1:5173",
        "http://[::1]:3000",
        "https://admin.example.com:8443",
    ] {
        assert!(config_with(json!({"allowedOrigins": [ok]})).is_ok(), "{ok}");
    }
    assert!(config_with(json!({"leewaySeconds": 300})).is_ok());
    let e = config_with(json!({"leewaySeconds": 301})).unwrap_err();
    assert!(e.contains("leewaySeconds"), "{e}");
}

#[test]
fn an_issuer_bound_to_its_origins_logs_in_only_from_them() {
    let c = config_with(json!({"issuers": {
        "spock": {"allowedOrigins": [HOST], "keys": [{"kid": "rsa1", "alg": "RS256", "pem": RSA_PUB}]}
    }}))
    .unwrap();
    let mut e = Embed::new(c);
    let other = "https://other-admin.example.com";
    let out = e.on_message(
        &login(&rs256("rsa1", &claims("i1"))),
        false,
        other,
        true,
        NOW,
    );
    assert_eq!(posted(&out)[0].1["data"]["code"], "issuer", "{out:?}");
    let out = e.on_message(
        &login(&rs256("rsa1", &claims("i2"))),
        false,
        HOST,
        true,
        NOW,
    );
    assert!(
        out.iter().any(|a| matches!(a, Action::Fetch { .. })),
        "{out:?}"
    );
    // An issuer's origin must be one of the page's.
    let e = config_with(json!({"issuers": {
        "spock": {"allowedOrigins": ["https://elsewhere.example"], "keys": []}
    }}))
    .unwrap_err();
    assert!(e.contains("https://elsewhere.example"), "{e}");
}

#[test]
fn a_login_ends_when_its_token_expires() {
    let mut e = Embed::new(config());
    let mut c = claims("x1");
    c["exp"] = json!(NOW + 60.0);
    e.on_message(&login(&rs256("rsa1", &c)), false, HOST, true, NOW);
    let mut s = rtcview::import(include_bytes!("../www/sample/session.rtcstats.gz")).unwrap();
    assert!(e.admit(&mut s).contains(&Action::Show));
    let zoom = json!({"msg": "zoom.v1", "data": {"t0Ms": 1.0, "t1Ms": 2.0}}).to_string();
    assert_eq!(
        e.on_message(&zoom, false, HOST, true, NOW + 80.0),
        vec![Action::Zoom {
            t0_ms: 1.0,
            t1_ms: 2.0
        }],
        "within the leeway"
    );
    for cmd in [
        zoom.clone(),
        json!({"msg": "select.v1", "data": {"pc": "p"}}).to_string(),
        json!({"msg": "load.v1", "data": {"url": "https://files.example.com/2"}}).to_string(),
    ] {
        let mut e2 = Embed::new(config());
        e2.on_message(&login(&rs256("rsa1", &json!({"iss": "spock", "aud": AUD, "exp": NOW + 60.0, "jti": format!("j{}", cmd.len())}))), false, HOST, true, NOW);
        let out = e2.on_message(&cmd, false, HOST, true, NOW + 91.0);
        assert_eq!(out.first(), Some(&Action::Clear), "{cmd}: {out:?}");
        assert_eq!(posted(&out)[0].1["data"]["code"], "token_expired", "{cmd}");
        // And the login is over: nothing works until the next one.
        let again = e2.on_message(&cmd, false, HOST, true, NOW + 92.0);
        assert!(
            !again.iter().any(|a| matches!(
                a,
                Action::Zoom { .. } | Action::Select { .. } | Action::Fetch { .. }
            )),
            "{again:?}"
        );
    }
    let out = e.on_message(&zoom, false, HOST, true, NOW + 91.0);
    assert_eq!(out.first(), Some(&Action::Clear));
}

#[test]
fn long_messages_are_dropped_unread() {
    let mut e = Embed::new(config());
    let token = rs256("rsa1", &claims("big"));
    let padded = json!({"msg": "login.v1", "data": token, "pad": "x".repeat(rtcview::embed::protocol::MAX_MESSAGE_BYTES)}).to_string();
    assert!(e.on_message(&padded, false, HOST, true, NOW).is_empty());
    // The same token, unpadded, was not consumed.
    let out = e.on_message(&login(&token), false, HOST, true, NOW);
    assert!(
        out.iter().any(|a| matches!(a, Action::Fetch { .. })),
        "{out:?}"
    );
}

/// Issue 14's canary: a dump full of address spellings and secrets, loaded
/// without `read:deobfuscated`. No view the page can ask for (summary,
/// event log with full values, SDP, ICE pairs, configuration, state lanes,
/// both chart catalogs, the posted statsReady.v1) holds a canary address
/// or secret; the TURN credentials are not even in the session.
#[test]
fn canary_nothing_leaks_past_the_mask() {
    use rtcview::embed::mask::spells_address;
    const SECRETS: [&str; 5] = [
        "turnuser1700",
        "turnpass-s3cret",
        "UFRAGcanary",
        "PWDcanary0123456789abcd",
        "remoteUFRAGx",
    ];
    let sdp = "v=0\r\no=- 1 2 IN IP4 198.51.100.77\r\nc=IN IP6 2001:db8:cafe::17\r\na=ice-ufrag:UFRAGcanary\r\na=ice-pwd:PWDcanary0123456789abcd\r\na=candidate:1 1 udp 2122 203.0.113.45 50000 typ host\r\na=candidate:2 1 udp 1686 ::ffff:198.51.100.7 50001 typ srflx raddr 10.1.2.3 rport 9\r\n";
    let dump = format!(
        "RTCStatsDump\n{}\n{}\n{}\n{}\n{}\n{}\n",
        json!({"fileFormat": 3, "url": "https://10.0.0.5:8443/room?x=1", "userAgent": "Mozilla/5.0 Chrome/120.0.0.0",
               // A converted copy's note: its diagnostics and client events are the dump's text.
               "rtcviewConversion": {"from": "webrtc-internals", "capped": [{"key": "PeerConnections.198.51.100.88.stats", "message": "cut before 198.51.100.88"}],
                                     "clientEvents": [{"name": "custom", "value": {"ip": "198.51.100.88"}, "tMs": 5}]}}),
        json!(["create", "PC_0", {"iceServers": [{"urls": ["turn:192.0.2.200:3478", "turns:[2001:db8::200]:5349"], "username": "turnuser1700", "credential": "turnpass-s3cret"}]}, 0]),
        json!(["setRemoteDescription", "PC_0", {"type": "offer", "sdp": sdp}, 1]),
        json!(["onicecandidate", "PC_0", {"candidate": "candidate:3 1 udp 1 64:ff9b::203.0.113.9 3478 typ relay raddr 100.64.0.1 rport 1 generation 0 ufrag remoteUFRAGx", "sdpMid": "0"}, 2]),
        json!(["getStats", "PC_0", {
            "CP1": {"type": "candidate-pair", "localCandidateId": "L1", "remoteCandidateId": "R1", "state": "succeeded", "nominated": true, "currentRoundTripTime": 0.05, "bytesSent": 10, "bytesReceived": 10},
            "L1": {"type": "local-candidate", "address": "192.168.77.5", "port": 5000, "candidateType": "host", "usernameFragment": "UFRAGcanary", "url": "wss://203.0.113.99/ws"},
            "R1": {"type": "remote-candidate", "address": "fe80::1234:5678", "port": 5001, "candidateType": "host", "usernameFragment": "remoteUFRAGx"},
            "T1": {"type": "transport", "selectedCandidatePairId": "CP1", "iceLocalUsernameFragment": "UFRAGcanary"}
        }, 3]),
        json!(["connectionstatechange", "PC_0", "failed", 4]),
    );
    let mut e = Embed::new(config());
    e.on_message(
        &login(&rs256("rsa1", &claims("canary"))),
        false,
        HOST,
        true,
        NOW,
    );
    let mut s = rtcview::import(dump.as_bytes()).unwrap();
    // The TURN credentials never enter the session, in any mode.
    let unmasked = serde_json::to_string(&rtcview::view::event_rows(&s, Some(0))).unwrap();
    assert!(
        unmasked.contains("192.0.2.200"),
        "the raw session keeps addresses"
    );
    assert!(
        !unmasked.contains("turnuser1700") && !unmasked.contains("turnpass-s3cret"),
        "{unmasked}"
    );
    // As the page does: the metric catalog is built before admission.
    let metric = rtcview::charts::metric_charts(&s);
    let worker = serde_json::to_value(rtcview::summary::summarize(&s)).unwrap();
    let out = e.admit_with_summary(&mut s, Some(worker));
    let pc = &s.peer_connections[0];
    let info = |c: &[rtcview::charts::Chart]| {
        serde_json::to_string(&c.iter().map(|c| c.info()).collect::<Vec<_>>()).unwrap()
    };
    let views = [
        (
            "statsReady.v1",
            serde_json::to_string(&posted(&out)).unwrap(),
        ),
        (
            "summary",
            serde_json::to_string(&rtcview::summary::summarize(&s)).unwrap(),
        ),
        (
            "events",
            serde_json::to_string(&rtcview::view::event_rows(&s, Some(0))).unwrap(),
        ),
        (
            "client events",
            serde_json::to_string(&rtcview::view::event_rows(&s, None)).unwrap(),
        ),
        (
            "full values",
            s.peer_connections[0]
                .events
                .iter()
                .map(rtcview::view::events::detail)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        (
            "sdp",
            serde_json::to_string(&rtcview::view::descriptions(pc)).unwrap(),
        ),
        (
            "pairs",
            serde_json::to_string(&rtcview::view::ice::candidate_pairs(pc, &s.strings)).unwrap(),
        ),
        (
            "configuration",
            serde_json::to_string(&rtcview::view::configuration(pc)).unwrap(),
        ),
        (
            "lanes",
            serde_json::to_string(&rtcview::view::lanes::state_lanes(pc, 5.0)).unwrap(),
        ),
        ("metric charts", info(&metric)),
        ("raw charts", info(&rtcview::charts::raw_charts(&s))),
        (
            "stats texts",
            s.strings.strings().collect::<Vec<_>>().join("\n"),
        ),
        (
            "stats ids",
            pc.stats
                .iter()
                .map(|o| o.id.clone())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    ];
    assert!(views[0].1.contains("statsReady.v1"), "{}", views[0].1);
    for (name, text) in &views {
        for secret in SECRETS {
            assert!(!text.contains(secret), "{name} holds {secret}: {text}");
        }
        for part in [
            "51.100.7",
            "100.77",
            "113.45",
            "113.9",
            "cafe::17",
            "77.5",
            "1234:5678",
            "10.0.0.5",
            "10.1.2.3",
            "100.64.0.1",
            "0.2.200",
            "db8::200",
            "113.99",
            "100.88",
        ] {
            assert!(!text.contains(part), "{name} holds {part}: {text}");
        }
        // The user agent's version is the one dotted quad kept (mask_user_agent).
        let text = text.replace("Chrome/120.0.0.0", "Chrome/");
        let b = text.as_bytes();
        for i in 0..b.len() {
            for j in i + 1..=b.len().min(i + 45) {
                if let Some(t) = text.get(i..j) {
                    assert!(!spells_address(t), "{name} holds the address {t:?}: {text}");
                }
            }
        }
    }
    // And the views are not empty: the canary reached each of them.
    assert!(views
        .iter()
        .find(|(n, _)| *n == "pairs")
        .unwrap()
        .1
        .contains("x.x.x.x"));
    assert!(views
        .iter()
        .find(|(n, _)| *n == "sdp")
        .unwrap()
        .1
        .contains("•••"));
}

/// A masked id can sort elsewhere: the stats objects are re-sorted (lookups
/// by id binary-search them) and the caller is told, so the page rebuilds
/// the chart catalog that refers to them by position.
#[test]
fn masked_ids_keep_the_stats_sorted() {
    let dump = br#"RTCStatsDump
{"fileFormat":3}
["getStats","PC_0",{"10.0.0.9-cand":{"type":"local-candidate","port":1},"B":{"type":"codec","payloadType":96}},0]
"#;
    let mut s = rtcview::import(dump).unwrap();
    let ids = |s: &rtcview::Session| {
        s.peer_connections[0]
            .stats
            .iter()
            .map(|o| o.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&s), ["10.0.0.9-cand", "B"]);
    assert!(rtcview::embed::mask::mask_session(&mut s));
    assert_eq!(ids(&s), ["B", "x.x.x.x-cand"]);
    assert!(s.peer_connections[0].stats_object("B").is_some());
    assert!(s.peer_connections[0].stats_object("x.x.x.x-cand").is_some());
    let mut clean = rtcview::import(dump.as_slice().strip_suffix(b"\n").unwrap()).unwrap();
    clean.peer_connections[0].stats.retain(|o| o.id == "B");
    assert!(
        !rtcview::embed::mask::mask_session(&mut clean),
        "nothing moved"
    );
}

/// Key parameters are checked when config.json is read, not at the first
/// login: RSA at least 2048 bits, EC on P-256, a signing key of its alg.
#[test]
fn weak_or_inconsistent_keys_are_config_errors() {
    let short = include_str!("fixtures/keys/rsa-1024-public.pem");
    let e = config_with(
        json!({"issuers": {"spock": {"keys": [{"kid": "k", "alg": "RS256", "pem": short}]}}}),
    )
    .unwrap_err();
    assert!(e.contains("1024 bits") && e.contains("\"k\""), "{e}");
    let pk =
        <rsa::RsaPublicKey as rsa::pkcs8::DecodePublicKey>::from_public_key_pem(RSA_PUB).unwrap();
    let n = B64.encode(rsa::traits::PublicKeyParts::n(&pk).to_bytes_be());
    let e_ = B64.encode(rsa::traits::PublicKeyParts::e(&pk).to_bytes_be());
    let short_pk =
        <rsa::RsaPublicKey as rsa::pkcs8::DecodePublicKey>::from_public_key_pem(short).unwrap();
    let short_n = B64.encode(rsa::traits::PublicKeyParts::n(&short_pk).to_bytes_be());
    let jwks = |key: Value| config_with(json!({"issuers": {"spock": {"jwks": {"keys": [key]}}}}));
    assert!(
        jwks(json!({"kty": "RSA", "kid": "j", "alg": "RS256", "use": "sig", "n": n, "e": e_}))
            .is_ok()
    );
    for (bad, why) in [
        (
            json!({"kty": "RSA", "kid": "j", "n": short_n, "e": e_}),
            "1024 bits",
        ),
        (
            json!({"kty": "RSA", "kid": "j", "use": "enc", "n": n, "e": e_}),
            "not sig",
        ),
        (
            json!({"kty": "RSA", "kid": "j", "key_ops": ["verify", "encrypt"], "n": n, "e": e_}),
            "key_ops",
        ),
        (
            json!({"kty": "RSA", "kid": "j", "alg": "ES256", "n": n, "e": e_}),
            "RS256 only",
        ),
        (
            json!({"kty": "EC", "kid": "j", "crv": "P-384", "x": "AAAA", "y": "AAAA"}),
            "not P-256",
        ),
        (
            json!({"kty": "EC", "kid": "j", "alg": "RS256", "crv": "P-256", "x": "AAAA", "y": "AAAA"}),
            "ES256 only",
        ),
    ] {
        let e = jwks(bad.clone()).unwrap_err();
        assert!(e.contains(why) && e.contains("\"j\""), "{bad}: {e}");
    }
}

/// `load.v1` with `data.urls` (both ends of a call): one `Fetch` per URL,
/// each with the token only for a data origin; 1 to `MAX_SOURCES` URLs,
/// else `fetch_failed`; nothing before a login. `admit_several` reports
/// the document of them all to the verified origin, masked without
/// `read:deobfuscated`.
#[test]
fn several_sessions_load_together() {
    use rtcview::embed::protocol::MAX_SOURCES;
    let mut e = Embed::new(config());
    let urls = json!({"msg": "load.v1", "data": {"urls": [
        "https://files.example.com/a.gz", "https://cdn.example.net/b.gz"
    ]}})
    .to_string();
    let refused = posted(&e.on_message(&urls, false, HOST, true, NOW));
    assert_eq!(
        refused[0].1["data"]["code"], "token_invalid",
        "no load before a login"
    );
    let token = rs256("rsa1", &claims("several"));
    e.on_message(&login(&token), false, HOST, true, NOW);
    assert_eq!(
        e.on_message(&urls, false, HOST, true, NOW),
        vec![
            Action::Fetch {
                url: "https://files.example.com/a.gz".into(),
                bearer: Some(Bearer::new(&token))
            },
            Action::Fetch {
                url: "https://cdn.example.net/b.gz".into(),
                bearer: None
            },
        ]
    );
    let many: Vec<String> = (0..=MAX_SOURCES)
        .map(|i| format!("https://files.example.com/{i}"))
        .collect();
    for list in [json!([]), json!(many)] {
        let m = json!({"msg": "load.v1", "data": {"urls": list}}).to_string();
        let a = posted(&e.on_message(&m, false, HOST, true, NOW));
        assert_eq!(a[0].1["data"]["code"], "fetch_failed", "{list}");
    }
    // The document: masked (the login has no read:deobfuscated), to the
    // verified origin only.
    let doc =
        json!({"schema": "rtcview-summary/1", "findings": [{"message": "relay via 198.51.100.7"}]});
    let a = e.admit_several(doc);
    assert!(a.contains(&Action::Show));
    let p = posted(&a);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].0, HOST);
    assert_eq!(p[0].1["msg"], "statsReady.v1");
    let text = p[0].1.to_string();
    assert!(!text.contains("198.51.100.7"), "{text}");
    // Logged out: nothing is shown or reported.
    e.on_message(
        &json!({"msg": "logout.v1"}).to_string(),
        false,
        HOST,
        true,
        NOW,
    );
    assert_eq!(e.admit_several(json!({})), vec![Action::Clear]);
}
