//! `config.json`: who may embed the viewer and whose tokens it accepts.
//! Operators edit it; a missing or invalid file is an error, never "allow all".

use jsonwebtoken::{jwk::JwkSet, Algorithm, DecodingKey};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid config.json: {}", self.0)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawConfig {
    allowed_origins: Vec<String>,
    audience: String,
    #[serde(default)]
    issuers: BTreeMap<String, RawIssuer>,
    #[serde(default = "default_leeway")]
    leeway_seconds: u64,
    #[serde(default)]
    data_origins: Vec<String>,
    max_token_lifetime_seconds: Option<u64>,
}

/// The most leeway config.json may give token times: clocks a few minutes
/// apart are a fault to fix, not to absorb.
pub const MAX_LEEWAY_SECONDS: u64 = 300;

fn default_leeway() -> u64 {
    30
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
struct RawIssuer {
    /// When set, this issuer's tokens are accepted only from these of the
    /// page's `allowedOrigins`.
    allowed_origins: Option<Vec<String>>,
    #[serde(default)]
    keys: Vec<RawKey>,
    jwks: Option<JwkSet>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKey {
    kid: String,
    alg: String,
    pem: String,
}

/// A verification key: the algorithm is pinned by the key, never taken
/// from the token (no `none`, no HS/RS confusion).
#[derive(Clone)]
pub struct Key {
    pub issuer: String,
    pub kid: String,
    pub alg: Algorithm,
    pub key: DecodingKey,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Key {{ issuer: {:?}, kid: {:?}, alg: {} }}",
            self.issuer,
            self.kid,
            alg_name(self.alg)
        )
    }
}

#[derive(Debug, Clone)]
pub struct EmbedConfig {
    pub allowed_origins: Vec<String>,
    pub audience: String,
    pub keys: Vec<Key>,
    pub leeway_seconds: u64,
    pub data_origins: Vec<String>,
    /// Tokens whose `exp − iat` is longer are refused (`token_invalid`).
    pub max_token_lifetime_seconds: Option<u64>,
    /// Issuer -> the origins its tokens may log in from (issuers not
    /// listed: any allowed origin).
    pub issuer_origins: BTreeMap<String, Vec<String>>,
}

/// An origin as browsers spell `MessageEvent.origin`: `scheme://host[:port]`,
/// no path, no trailing slash, no wildcard.
pub fn is_exact_origin(o: &str) -> bool {
    let Some((scheme, rest)) = o.split_once("://") else {
        return false;
    };
    (scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http"))
        && !rest.is_empty()
        && !rest.contains(['/', '*', '?', '#', ' ', '@'])
}

/// Why a config.json origin is refused, if it is: not an exact origin,
/// not canonical (browsers compare `MessageEvent.origin` as text, so
/// `HTTPS://Admin.example.com` or `https://admin.example.com:443` would
/// never match and silently lock the host out), or plain `http:` to
/// anything but this machine.
pub fn origin_problem(o: &str) -> Option<String> {
    if !is_exact_origin(o) {
        return Some(format!(
            "\"{o}\" is not an exact origin like \"https://admin.example.com\" (no path, no trailing slash, no wildcard)"
        ));
    }
    if origin_of(o).as_deref() != Some(o) {
        return Some(format!(
            "\"{o}\" is not canonical: write it as a browser does, \"{}\"",
            origin_of(o).unwrap_or_default()
        ));
    }
    let host = o.split_once("://").map(|(_, h)| h).unwrap_or_default();
    let host = host
        .rsplit_once(':')
        .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
        .map_or(host, |(h, _)| h);
    let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    if o.starts_with("http://") && !loopback {
        return Some(format!(
            "\"{o}\" is plain http: only https, or http to this machine (localhost, 127.0.0.1, [::1])"
        ));
    }
    None
}

/// The name of one of the two algorithms keys may have (jsonwebtoken's
/// `Debug` of its enums costs the page's wasm a table of every name).
pub fn alg_name(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::RS256 => "RS256",
        Algorithm::ES256 => "ES256",
        _ => "another algorithm",
    }
}

fn parse_alg(alg: &str) -> Result<Algorithm, ConfigError> {
    match alg {
        "RS256" => Ok(Algorithm::RS256),
        "ES256" => Ok(Algorithm::ES256),
        other => Err(ConfigError(format!(
            "key algorithm \"{other}\" is not supported (RS256 or ES256)"
        ))),
    }
}

impl EmbedConfig {
    pub fn parse(json: &str) -> Result<EmbedConfig, ConfigError> {
        let raw: RawConfig =
            serde_json::from_slice(json.as_bytes()).map_err(|e| ConfigError(e.to_string()))?;
        if raw.audience.trim().is_empty() {
            return Err(ConfigError("audience is empty".into()));
        }
        let issuer_origins = raw
            .issuers
            .iter()
            .filter_map(|(i, ik)| ik.allowed_origins.as_ref().map(|o| (i, o)));
        for (issuer, origins) in issuer_origins.clone() {
            if let Some(o) = origins.iter().find(|o| !raw.allowed_origins.contains(o)) {
                return Err(ConfigError(format!(
                    "issuer \"{issuer}\" lists \"{o}\", which is not in allowedOrigins"
                )));
            }
        }
        for o in raw.allowed_origins.iter().chain(&raw.data_origins) {
            if let Some(problem) = origin_problem(o) {
                return Err(ConfigError(problem));
            }
        }
        if raw.leeway_seconds > MAX_LEEWAY_SECONDS {
            return Err(ConfigError(format!(
                "leewaySeconds is {}; at most {MAX_LEEWAY_SECONDS}",
                raw.leeway_seconds
            )));
        }
        let issuer_origins: BTreeMap<String, Vec<String>> = issuer_origins
            .map(|(i, o)| (i.clone(), o.clone()))
            .collect();
        let mut keys = Vec::new();
        for (issuer, ik) in raw.issuers {
            for k in ik.keys {
                let alg = parse_alg(&k.alg)?;
                let key = match alg {
                    Algorithm::ES256 => super::pem::ec_key(&k.pem),
                    _ => super::pem::rsa_key(&k.pem),
                }
                .map_err(|e| {
                    ConfigError(format!("key \"{}\" of issuer \"{issuer}\": {e}", k.kid))
                })?;
                keys.push(Key {
                    issuer: issuer.clone(),
                    kid: k.kid,
                    alg,
                    key,
                });
            }
            for jwk in ik.jwks.map(|s| s.keys).unwrap_or_default() {
                let kid = jwk.common.key_id.clone().ok_or_else(|| {
                    ConfigError(format!("a JWK of issuer \"{issuer}\" has no kid"))
                })?;
                check_jwk(&jwk).map_err(|e| ConfigError(format!("JWK \"{kid}\": {e}")))?;
                let alg = match (&jwk.common.key_algorithm, &jwk.algorithm) {
                    // check_jwk let only these through.
                    (Some(jsonwebtoken::jwk::KeyAlgorithm::ES256), _) => Algorithm::ES256,
                    (Some(_), _) => Algorithm::RS256,
                    (None, jsonwebtoken::jwk::AlgorithmParameters::RSA(_)) => Algorithm::RS256,
                    (None, jsonwebtoken::jwk::AlgorithmParameters::EllipticCurve(_)) => {
                        Algorithm::ES256
                    }
                    _ => {
                        return Err(ConfigError(format!(
                            "JWK \"{kid}\": only RSA (RS256) and P-256 (ES256) keys are supported"
                        )))
                    }
                };
                let key = DecodingKey::from_jwk(&jwk)
                    .map_err(|e| ConfigError(format!("JWK \"{kid}\": {e}")))?;
                keys.push(Key {
                    issuer: issuer.clone(),
                    kid,
                    alg,
                    key,
                });
            }
        }
        Ok(EmbedConfig {
            allowed_origins: raw.allowed_origins,
            audience: raw.audience,
            keys,
            leeway_seconds: raw.leeway_seconds,
            data_origins: raw.data_origins,
            max_token_lifetime_seconds: raw.max_token_lifetime_seconds,
            issuer_origins,
        })
    }

    /// Whether a token of `issuer` may log in from `origin` (one of the
    /// allowed origins): an issuer that lists its own origins is bound to
    /// them, so one tenant's page cannot log in with another's token.
    pub fn issuer_may_log_in_from(&self, issuer: &str, origin: &str) -> bool {
        self.issuer_origins
            .get(issuer)
            .is_none_or(|origins| origins.iter().any(|o| o == origin))
    }

    /// Messages are accepted only from these origins, compared exactly.
    pub fn origin_allowed(&self, origin: &str) -> bool {
        self.allowed_origins.iter().any(|o| o == origin)
    }

    /// The bearer token goes only to URLs whose origin is listed exactly.
    pub fn data_origin_allowed(&self, url: &str) -> bool {
        origin_of(url).is_some_and(|o| self.data_origins.contains(&o))
    }
}

/// A JWK's parameters, checked when config.json is read rather than at the
/// first login: a signing key (`use` absent or `sig`, `key_ops` absent or
/// `verify`), its `alg` of its type (RS256 for RSA, ES256 for EC), an RSA
/// modulus of at least 2048 bits, an EC key on P-256.
fn check_jwk(jwk: &jsonwebtoken::jwk::Jwk) -> Result<(), String> {
    use jsonwebtoken::jwk::{
        AlgorithmParameters, EllipticCurve, KeyAlgorithm, KeyOperations, PublicKeyUse,
    };
    match &jwk.common.public_key_use {
        None | Some(PublicKeyUse::Signature) => {}
        Some(_) => return Err("its use is not sig".into()),
    }
    if let Some(ops) = &jwk.common.key_operations {
        if ops.iter().any(|o| !matches!(o, KeyOperations::Verify)) {
            return Err("its key_ops allow more than verify".into());
        }
    }
    match (&jwk.algorithm, &jwk.common.key_algorithm) {
        (AlgorithmParameters::RSA(p), alg) => {
            if !matches!(alg, None | Some(KeyAlgorithm::RS256)) {
                return Err("an RSA key with another alg (RS256 only)".into());
            }
            use base64::Engine as _;
            let n = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p.n.trim_end_matches('='))
                .map_err(|_| "its modulus (n) is not base64url".to_string())?;
            let first = n.iter().position(|&b| b != 0).unwrap_or(n.len());
            let bits = n
                .get(first)
                .map_or(0, |&b| (n.len() - first) * 8 - b.leading_zeros() as usize);
            super::pem::check_rsa_bits(bits)
        }
        (AlgorithmParameters::EllipticCurve(p), alg) => {
            if !matches!(alg, None | Some(KeyAlgorithm::ES256)) {
                return Err("an EC key with another alg (ES256 only)".into());
            }
            if p.curve != EllipticCurve::P256 {
                return Err("its curve is not P-256".into());
            }
            Ok(())
        }
        _ => Err("only RSA (RS256) and P-256 (ES256) keys are supported".into()),
    }
}

/// `scheme://host[:port]` of an absolute http(s) URL, lower-cased scheme and host.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let authority = authority
        .strip_suffix(default_port)
        .unwrap_or(&authority)
        .to_string();
    Some(format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert!(is_exact_origin("https://admin.example.com"));
        assert!(is_exact_origin("http://127.0.0.1:8080"));
        assert!(!is_exact_origin("https://admin.example.com/"));
        assert!(!is_exact_origin("*"));
        assert!(!is_exact_origin("https://*.example.com"));
        assert_eq!(
            origin_of("https://Files.Example.com:443/a/b?c").as_deref(),
            Some("https://files.example.com")
        );
        assert_eq!(origin_of("https://user@evil.example/x"), None);
        assert_eq!(origin_of("javascript:alert(1)"), None);
    }

    #[test]
    fn config_errors() {
        assert!(EmbedConfig::parse("").is_err());
        assert!(EmbedConfig::parse(r#"{"allowedOrigins": ["*"], "audience": "x"}"#).is_err());
        assert!(EmbedConfig::parse(r#"{"allowedOrigins": [], "audience": ""}"#).is_err());
        assert!(
            EmbedConfig::parse(r#"{"allowedOrigins": [], "audience": "x", "typo": 1}"#).is_err()
        );
        assert!(EmbedConfig::parse(r#"{"allowedOrigins": [], "audience": "x", "issuers": {"a": {"keys": [{"kid": "k", "alg": "HS256", "pem": ""}]}}}"#).is_err());
        let c = EmbedConfig::parse(
            r#"{"allowedOrigins": [], "audience": "https://viewer.example.com"}"#,
        )
        .expect("the safe default parses");
        assert!(!c.origin_allowed("https://anything.example"));
        assert_eq!(c.leeway_seconds, 30);
    }
}
