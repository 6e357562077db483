//! A verify-only jsonwebtoken crypto provider for RS256 and ES256.
//!
//! jsonwebtoken's `rust_crypto` provider links every algorithm and all the
//! signing code (about 220 KB of gzipped wasm); the viewer only ever verifies
//! RS256 and ES256. This is installed on wasm32; natively the CLI uses
//! `rust_crypto` (it also signs), and the tests check both agree.

use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{Error, ErrorKind};
use jsonwebtoken::signature::{self, Verifier};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, DecodingKeyKind, EncodingKey};
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::{BigUint, Pkcs1v15Sign, RsaPublicKey};
use sha2::{Digest, Sha256};

struct Rs256(RsaPublicKey);

impl Verifier<Vec<u8>> for Rs256 {
    fn verify(&self, msg: &[u8], sig: &Vec<u8>) -> Result<(), signature::Error> {
        let digest = Sha256::digest(msg);
        self.0
            .verify(Pkcs1v15Sign::new::<Sha256>(), &digest, sig)
            .map_err(signature::Error::from_source)
    }
}

impl JwtVerifier for Rs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::RS256
    }
}

struct Es256(p256::ecdsa::VerifyingKey);

impl Verifier<Vec<u8>> for Es256 {
    fn verify(&self, msg: &[u8], sig: &Vec<u8>) -> Result<(), signature::Error> {
        let sig = p256::ecdsa::Signature::from_slice(sig).map_err(signature::Error::from_source)?;
        self.0
            .verify(msg, &sig)
            .map_err(signature::Error::from_source)
    }
}

impl JwtVerifier for Es256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::ES256
    }
}

fn verifier(
    alg: &Algorithm,
    key: &DecodingKey,
) -> jsonwebtoken::errors::Result<Box<dyn JwtVerifier>> {
    match alg {
        Algorithm::RS256 if key.family() == AlgorithmFamily::Rsa => {
            let public = match key.kind() {
                DecodingKeyKind::SecretOrDer(der) => RsaPublicKey::from_pkcs1_der(der)
                    .map_err(|_| Error::from(ErrorKind::InvalidRsaKey(String::new())))?,
                DecodingKeyKind::RsaModulusExponent { n, e } => {
                    RsaPublicKey::new(BigUint::from_bytes_be(n), BigUint::from_bytes_be(e))
                        .map_err(|_| Error::from(ErrorKind::InvalidRsaKey(String::new())))?
                }
            };
            Ok(Box::new(Rs256(public)))
        }
        Algorithm::ES256 if key.family() == AlgorithmFamily::Ec => {
            let bytes = key.try_get_as_bytes()?;
            let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
                .map_err(|_| Error::from(ErrorKind::InvalidEcdsaKey))?;
            Ok(Box::new(Es256(vk)))
        }
        Algorithm::RS256 | Algorithm::ES256 => Err(ErrorKind::InvalidKeyFormat.into()),
        _ => Err(ErrorKind::InvalidAlgorithm.into()),
    }
}

fn no_signing(_: &Algorithm, _: &EncodingKey) -> jsonwebtoken::errors::Result<Box<dyn JwtSigner>> {
    Err(ErrorKind::InvalidAlgorithm.into())
}

/// The provider: RS256 and ES256 verification, nothing else.
pub static VERIFY_ONLY: CryptoProvider = CryptoProvider {
    signer_factory: no_signing,
    verifier_factory: verifier,
    key_utils: KeyUtils::new_unimplemented(),
};

/// Installs [`VERIFY_ONLY`] once (wasm32, where no provider is compiled in).
pub fn install() {
    #[cfg(target_arch = "wasm32")]
    {
        let _ = VERIFY_ONLY.install_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_other_algorithms_and_wrong_keys() {
        let rsa =
            super::super::pem::rsa_key(include_str!("../../tests/fixtures/keys/rsa-public.pem"))
                .expect("rsa key");
        let ec = super::super::pem::ec_key(include_str!("../../tests/fixtures/keys/ec-public.pem"))
            .expect("ec key");
        assert!(verifier(&Algorithm::RS256, &rsa).is_ok());
        assert!(verifier(&Algorithm::ES256, &ec).is_ok());
        assert!(verifier(&Algorithm::ES256, &rsa).is_err());
        assert!(verifier(&Algorithm::RS256, &ec).is_err());
        assert!(verifier(&Algorithm::HS256, &DecodingKey::from_secret(b"x")).is_err());
        assert!(verifier(&Algorithm::PS256, &rsa).is_err());
        let v = verifier(&Algorithm::RS256, &rsa).expect("verifier");
        assert!(v.verify(b"msg", &vec![0u8; 256]).is_err());
    }
}
