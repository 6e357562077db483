//! Public keys from PEM, for `config.json`.
//!
//! jsonwebtoken reads PEM through `pem`, `simple_asn1` and `time` (about
//! 46 KB of wasm, 15 % of what the findings cost): the viewer only needs
//! RSA and P-256 public keys, which the `rsa` and `p256` crates it ships
//! for verification already decode. Natively the CLI still signs with
//! jsonwebtoken's own PEM reading (`rtcview token`), and the tests check
//! both read the same keys the same way.

use base64::Engine;
use jsonwebtoken::DecodingKey;
use rsa::pkcs1::{DecodeRsaPublicKey, EncodeRsaPublicKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::RsaPublicKey;

/// The label and DER bytes of the first PEM block of `text`.
fn der(text: &str) -> Result<(String, Vec<u8>), String> {
    let mut lines = text
        .lines()
        .map(str::trim)
        .skip_while(|l| !l.starts_with("-----BEGIN "));
    let label = lines
        .next()
        .and_then(|l| l.strip_prefix("-----BEGIN "))
        .and_then(|l| l.strip_suffix("-----"))
        .ok_or("not PEM: no -----BEGIN line")?
        .to_string();
    let end = format!("-----END {label}-----");
    let mut b64 = String::new();
    let mut ended = false;
    for l in lines {
        if l == end {
            ended = true;
            break;
        }
        if !l.contains(':') {
            b64.push_str(l);
        }
    }
    if !ended {
        return Err(format!("not PEM: no {end} line"));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| format!("not PEM: {e}"))?;
    Ok((label, bytes))
}

/// The smallest RSA modulus accepted, in bits (NIST SP 800-131A: 1024-bit
/// keys are disallowed for signatures).
pub const MIN_RSA_BITS: usize = 2048;

/// Refuses an RSA modulus shorter than [`MIN_RSA_BITS`].
pub fn check_rsa_bits(modulus_bits: usize) -> Result<(), String> {
    if modulus_bits < MIN_RSA_BITS {
        return Err(format!(
            "an RSA key of {modulus_bits} bits is too short (at least {MIN_RSA_BITS})"
        ));
    }
    Ok(())
}

/// An RSA public key (`PUBLIC KEY` or `RSA PUBLIC KEY`) of at least
/// [`MIN_RSA_BITS`].
pub fn rsa_key(text: &str) -> Result<DecodingKey, String> {
    let (label, bytes) = der(text)?;
    let key = match label.as_str() {
        "PUBLIC KEY" => RsaPublicKey::from_public_key_der(&bytes).map_err(|e| e.to_string())?,
        "RSA PUBLIC KEY" => RsaPublicKey::from_pkcs1_der(&bytes).map_err(|e| e.to_string())?,
        other => return Err(format!("a {other} is not an RSA public key")),
    };
    check_rsa_bits(rsa::traits::PublicKeyParts::n(&key).bits())?;
    let pkcs1 = key.to_pkcs1_der().map_err(|e| e.to_string())?;
    Ok(DecodingKey::from_rsa_der(pkcs1.as_bytes()))
}

/// A P-256 public key (`PUBLIC KEY`), as its uncompressed SEC1 point.
pub fn ec_key(text: &str) -> Result<DecodingKey, String> {
    let (label, bytes) = der(text)?;
    if label != "PUBLIC KEY" {
        return Err(format!("a {label} is not an EC public key"));
    }
    let key = p256::PublicKey::from_public_key_der(&bytes).map_err(|e| e.to_string())?;
    Ok(DecodingKey::from_ec_der(key.to_sec1_bytes().as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSA: &str = include_str!("../../tests/fixtures/keys/rsa-public.pem");
    #[cfg(not(target_arch = "wasm32"))]
    const EC: &str = include_str!("../../tests/fixtures/keys/ec-public.pem");

    /// Our reading gives the key jsonwebtoken's own PEM reading gives
    /// (natively, where the CLI keeps jsonwebtoken's PEM support).
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn reads_what_jsonwebtoken_reads() {
        let bytes = |k: &DecodingKey| k.try_get_as_bytes().map(<[u8]>::to_vec).ok();
        let ours = rsa_key(RSA).expect("rsa");
        let theirs = DecodingKey::from_rsa_pem(RSA.as_bytes()).expect("rsa");
        assert_eq!(bytes(&ours), bytes(&theirs));
        assert!(bytes(&ours).is_some_and(|b| !b.is_empty()));
        let ours = ec_key(EC).expect("ec");
        let theirs = DecodingKey::from_ec_pem(EC.as_bytes()).expect("ec");
        assert_eq!(bytes(&ours), bytes(&theirs));
    }

    #[test]
    fn refuses_what_is_not_a_public_key() {
        assert!(rsa_key("hello").is_err());
        assert!(rsa_key("-----BEGIN PUBLIC KEY-----\nAAAA\n").is_err());
        assert!(ec_key("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").is_err());
        assert!(ec_key(RSA).is_err(), "an RSA key is not a P-256 key");
    }
}
