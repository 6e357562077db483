//! Verifying the embedding page's login token.
//!
//! jsonwebtoken checks the signature with the key chosen by `kid` (the
//! algorithm is the key's, so `alg: none` and HS256-with-the-public-key fail),
//! `aud` and `iss`. Times (`exp`, `nbf`, `iat`) are checked here, against an
//! injected clock with the configured leeway, so they are testable; `jti` must
//! be present and unseen in this page.

use super::config::EmbedConfig;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, decode_header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// Error codes of `error.v1` (the protocol's contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum AuthCode {
    TokenExpired,
    TokenInvalid,
    TokenNotYetValid,
    Audience,
    Issuer,
    UnknownKey,
    Replayed,
    Forbidden,
}

impl AuthCode {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthCode::TokenExpired => "token_expired",
            AuthCode::TokenInvalid => "token_invalid",
            AuthCode::TokenNotYetValid => "token_not_yet_valid",
            AuthCode::Audience => "audience",
            AuthCode::Issuer => "issuer",
            AuthCode::UnknownKey => "unknown_key",
            AuthCode::Replayed => "replayed",
            AuthCode::Forbidden => "forbidden",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    pub code: AuthCode,
    pub message: String,
}

fn fail<T>(code: AuthCode, message: impl Into<String>) -> Result<T, AuthError> {
    Err(AuthError {
        code,
        message: message.into(),
    })
}

/// What the viewer uses from a verified token.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Claims {
    pub issuer: String,
    pub subject: Option<String>,
    pub appid: Option<String>,
    /// `data.filter`: key -> allowed values; `None` allows every session.
    pub filter: Option<BTreeMap<String, Vec<String>>>,
    pub permissions: Vec<String>,
    pub session_url: Option<String>,
    pub expires_s: f64,
}

impl Claims {
    /// Without `read:deobfuscated`, IP addresses are masked in every view.
    pub fn may_see_addresses(&self) -> bool {
        self.permissions.iter().any(|p| p == "read:deobfuscated")
    }
}

#[derive(Deserialize)]
struct RawClaims {
    iss: Option<String>,
    sub: Option<String>,
    exp: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
    jti: Option<String>,
    #[serde(default)]
    data: RawData,
}

#[derive(Deserialize, Default)]
struct RawData {
    appid: Option<Value>,
    filter: Option<BTreeMap<String, Vec<FilterValue>>>,
    #[serde(default)]
    permissions: Vec<String>,
    session: Option<RawSession>,
}

#[derive(Deserialize)]
struct FilterValue {
    value: Value,
}

#[derive(Deserialize)]
struct RawSession {
    url: Option<String>,
}

/// Text of a claim or metadata value for comparisons (`"csio"`, `42`).
pub fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The token types accepted in the header's `typ` (compared without
/// case, RFC 8725 3.11); a token without `typ` is accepted too.
pub const ACCEPTED_TYPES: [&str; 2] = ["JWT", "rtcview+jwt"];

/// Header parameters that carry or point to a key: the key is always the
/// configured one, so a token that brings its own is refused outright.
const KEY_PARAMETERS: [&str; 4] = ["jwk", "jku", "x5c", "x5u"];

/// The header checks the JWT library does not make: explicit typing, no
/// `crit` extensions (none is understood here, RFC 7515 4.1.11), and no
/// key carried in the token.
fn check_header(token: &str) -> Result<(), String> {
    use base64::Engine as _;
    let segment = token.split('.').next().unwrap_or_default();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment.trim_end_matches('='))
        .map_err(|_| "the token's header is not base64url".to_string())?;
    let header: serde_json::Map<String, Value> = serde_json::from_slice(&bytes)
        .map_err(|_| "the token's header is not a JSON object".to_string())?;
    if let Some(typ) = header.get("typ") {
        let ok = typ
            .as_str()
            .is_some_and(|t| ACCEPTED_TYPES.iter().any(|a| a.eq_ignore_ascii_case(t)));
        if !ok {
            return Err(format!(
                "the token's type (typ) is {typ}, not JWT or rtcview+jwt"
            ));
        }
    }
    if header.contains_key("crit") {
        return Err(
            "the token has critical header extensions (crit), which are not supported".into(),
        );
    }
    if let Some(k) = KEY_PARAMETERS.iter().find(|k| header.contains_key(**k)) {
        return Err(format!(
            "the token carries a key ({k}); only keys in config.json are used"
        ));
    }
    Ok(())
}

/// Verifies tokens for one page: remembers every `jti` it accepted.
#[derive(Debug)]
pub struct TokenVerifier {
    config: EmbedConfig,
    seen_jti: HashSet<String>,
}

impl TokenVerifier {
    pub fn new(config: EmbedConfig) -> Self {
        super::provider::install();
        TokenVerifier {
            config,
            seen_jti: HashSet::new(),
        }
    }

    pub fn config(&self) -> &EmbedConfig {
        &self.config
    }

    /// Verifies `token` at unix time `now_s`.
    pub fn verify(&mut self, token: &str, now_s: f64) -> Result<Claims, AuthError> {
        let header = match decode_header(token) {
            Ok(h) => h,
            Err(_) => {
                return fail(
                    AuthCode::TokenInvalid,
                    "not a signed JWT (or an unsupported algorithm)",
                )
            }
        };
        if let Err(e) = check_header(token) {
            return fail(AuthCode::TokenInvalid, e);
        }
        let Some(kid) = header.kid.as_deref() else {
            return fail(AuthCode::TokenInvalid, "the token names no key (kid)");
        };
        let candidates: Vec<_> = self.config.keys.iter().filter(|k| k.kid == kid).collect();
        if candidates.is_empty() {
            return fail(
                AuthCode::UnknownKey,
                format!("no configured key has kid \"{kid}\""),
            );
        }
        let mut last = AuthError {
            code: AuthCode::TokenInvalid,
            message: String::new(),
        };
        let mut raw: Option<(RawClaims, String)> = None;
        for key in candidates {
            if header.alg != key.alg {
                last = AuthError {
                    code: AuthCode::TokenInvalid,
                    message: format!(
                        "algorithm {} does not match key \"{kid}\" ({})",
                        super::config::alg_name(header.alg),
                        super::config::alg_name(key.alg)
                    ),
                };
                continue;
            }
            let mut v = Validation::new(key.alg);
            v.validate_exp = false;
            v.validate_nbf = false;
            v.leeway = 0;
            v.set_audience(&[self.config.audience.as_str()]);
            v.set_issuer(&[key.issuer.as_str()]);
            v.set_required_spec_claims(&["aud", "iss"]);
            match decode::<RawClaims>(token, &key.key, &v) {
                Ok(data) => {
                    raw = Some((data.claims, key.issuer.clone()));
                    break;
                }
                Err(e) => {
                    let code = match e.kind() {
                        ErrorKind::InvalidAudience => AuthCode::Audience,
                        ErrorKind::InvalidIssuer => AuthCode::Issuer,
                        ErrorKind::MissingRequiredClaim(c) if c == "aud" => AuthCode::Audience,
                        ErrorKind::MissingRequiredClaim(c) if c == "iss" => AuthCode::Issuer,
                        _ => AuthCode::TokenInvalid,
                    };
                    last = AuthError {
                        code,
                        message: e.to_string(),
                    };
                }
            }
        }
        let Some((c, issuer)) = raw else {
            return Err(last);
        };
        let leeway = self.config.leeway_seconds as f64;
        let Some(exp) = c.exp else {
            return fail(AuthCode::TokenInvalid, "the token has no expiry (exp)");
        };
        if now_s > exp + leeway {
            return fail(AuthCode::TokenExpired, "the token has expired");
        }
        if c.nbf.is_some_and(|nbf| now_s + leeway < nbf) {
            return fail(
                AuthCode::TokenNotYetValid,
                "the token is not valid yet (nbf)",
            );
        }
        if c.iat.is_some_and(|iat| now_s + leeway < iat) {
            return fail(
                AuthCode::TokenNotYetValid,
                "the token was issued in the future (iat)",
            );
        }
        if let Some(max) = self.config.max_token_lifetime_seconds {
            match c.iat {
                Some(iat) if exp - iat <= max as f64 => {}
                Some(_) => {
                    return fail(
                        AuthCode::TokenInvalid,
                        format!("the token lives longer than {max} s (exp − iat)"),
                    )
                }
                None => {
                    return fail(
                        AuthCode::TokenInvalid,
                        "the token has no issue time (iat), and config.json limits token lifetimes",
                    )
                }
            }
        }
        let Some(jti) = c.jti.filter(|j| !j.is_empty()) else {
            return fail(AuthCode::TokenInvalid, "the token has no id (jti)");
        };
        if !self.seen_jti.insert(jti) {
            return fail(
                AuthCode::Replayed,
                "this token was already used in this page",
            );
        }
        let _ = c.iss;
        Ok(Claims {
            issuer,
            subject: c.sub,
            appid: c.data.appid.as_ref().and_then(value_text),
            filter: c.data.filter.map(|f| {
                f.into_iter()
                    .map(|(k, vs)| (k, vs.iter().filter_map(|v| value_text(&v.value)).collect()))
                    .collect()
            }),
            permissions: c.data.permissions,
            session_url: c.data.session.and_then(|s| s.url),
            expires_s: exp,
        })
    }
}
