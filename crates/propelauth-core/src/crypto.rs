//! The RS256 verification key, parsed once from the project's PEM, and the choice of crypto
//! backend.
//!
//! Signatures are checked with a key that was parsed at initialization (aws-lc-rs
//! `ParsedPublicKey`, or RustCrypto `VerifyingKey`), so the request path never re-parses a
//! key. jsonwebtoken parses the PEM; its process-wide crypto provider is installed
//! deliberately (see [`install_jsonwebtoken_crypto_provider`]) so that signing in tests, or
//! the application's own use of jsonwebtoken, never hits its "no provider" panic.

use std::fmt;

/// Smallest RSA modulus accepted, in bits (the same bounds on both backends).
const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted, in bits.
const MAX_RSA_BITS: usize = 8192;

/// An RSA public key ready to verify RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signatures.
pub(crate) struct VerificationKey {
    #[cfg(feature = "aws-lc-rs")]
    key: aws_lc_rs::signature::ParsedPublicKey,
    #[cfg(all(feature = "rust-crypto", not(feature = "aws-lc-rs")))]
    key: rsa::pkcs1v15::VerifyingKey<sha2::Sha256>,
}

impl fmt::Debug for VerificationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerificationKey")
            .field("algorithm", &"RS256")
            .finish_non_exhaustive()
    }
}

impl VerificationKey {
    /// Parses a PEM holding an RSA public key (`PUBLIC KEY` or `RSA PUBLIC KEY`).
    pub(crate) fn from_pem(pem: &str) -> Result<Self, String> {
        let decoding_key = jsonwebtoken::DecodingKey::from_rsa_pem(pem.trim().as_bytes())
            .map_err(|error| format!("the PEM does not hold an RSA public key ({error})"))?;
        let pkcs1_der = decoding_key
            .try_get_as_bytes()
            .map_err(|error| format!("the PEM does not hold an RSA public key ({error})"))?;
        Self::from_pkcs1_der(pkcs1_der)
    }

    #[cfg(feature = "aws-lc-rs")]
    fn from_pkcs1_der(der: &[u8]) -> Result<Self, String> {
        use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256};
        let rejected =
            |error: aws_lc_rs::error::KeyRejected| format!("aws-lc rejected the RSA key ({error})");
        // Parsing does not check the size (verification would fail later): check it now.
        let modulus_len = aws_lc_rs::rsa::PublicKey::from_der(der)
            .map_err(rejected)?
            .modulus_len();
        check_key_size(modulus_len * 8)?;
        let key = ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, der).map_err(rejected)?;
        Ok(Self { key })
    }

    #[cfg(all(feature = "rust-crypto", not(feature = "aws-lc-rs")))]
    fn from_pkcs1_der(der: &[u8]) -> Result<Self, String> {
        use rsa::pkcs1::DecodeRsaPublicKey;
        use rsa::traits::PublicKeyParts;
        let key = rsa::RsaPublicKey::from_pkcs1_der(der)
            .map_err(|error| format!("the RSA key does not parse ({error})"))?;
        check_key_size(key.n().bits())?;
        Ok(Self {
            key: rsa::pkcs1v15::VerifyingKey::new(key),
        })
    }

    /// Whether `signature` is a valid RS256 signature of `message`.
    #[cfg(feature = "aws-lc-rs")]
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.key.verify_sig(message, signature).is_ok()
    }

    /// Whether `signature` is a valid RS256 signature of `message`.
    #[cfg(all(feature = "rust-crypto", not(feature = "aws-lc-rs")))]
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        use rsa::signature::Verifier;
        rsa::pkcs1v15::Signature::try_from(signature)
            .is_ok_and(|signature| self.key.verify(message, &signature).is_ok())
    }
}

/// SHA-256 of the concatenation of `parts`, with the crate's crypto backend (the end-user API
/// key cache keys entries by a salted digest instead of the key itself).
#[cfg(feature = "aws-lc-rs")]
pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut context = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    for part in parts {
        context.update(part);
    }
    let mut digest = [0; 32];
    digest.copy_from_slice(context.finish().as_ref());
    digest
}

/// SHA-256 of the concatenation of `parts`, with the crate's crypto backend (the end-user API
/// key cache keys entries by a salted digest instead of the key itself).
#[cfg(all(feature = "rust-crypto", not(feature = "aws-lc-rs")))]
pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// The one rule on key sizes, for both backends.
fn check_key_size(bits: usize) -> Result<(), String> {
    if (MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
        Ok(())
    } else {
        Err(format!(
            "the RSA key has {bits} bits; RS256 keys must have {MIN_RSA_BITS} to {MAX_RSA_BITS}"
        ))
    }
}

/// Installs jsonwebtoken's process-wide crypto provider matching this crate's backend.
///
/// jsonwebtoken panics at its first sign or decode when it cannot tell which backend to use
/// (none or both of its backend features on). [`Auth`](crate::Auth) calls this at
/// initialization; call it yourself before using jsonwebtoken directly if you do so before
/// initializing. It is idempotent, and leaves alone a provider someone else installed first.
pub fn install_jsonwebtoken_crypto_provider() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        #[cfg(feature = "aws-lc-rs")]
        let provider = &jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER;
        #[cfg(all(feature = "rust-crypto", not(feature = "aws-lc-rs")))]
        let provider = &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER;
        // An `Err` means a provider is already installed: that choice stands.
        let _ = provider.install_default();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_text_that_is_not_a_pem() {
        let error = VerificationKey::from_pem("not a pem").unwrap_err();
        assert!(error.contains("RSA public key"), "{error}");
    }

    #[test]
    fn keys_outside_2048_to_8192_bits_are_refused() {
        let short = include_str!("../tests/data/rsa1024_public_key.pem");
        let error = VerificationKey::from_pem(short).unwrap_err();
        assert!(error.contains("1024 bits"), "{error}");
        assert!(check_key_size(2048).is_ok() && check_key_size(8192).is_ok());
        assert!(check_key_size(2047).is_err() && check_key_size(8193).is_err());
    }

    #[test]
    fn sha256_matches_the_standard_test_vector() {
        let digest = sha256(&[b"a", b"bc"]);
        let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(
            hex,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn debug_output_names_the_algorithm_only() {
        let pem = propelauth_testing::TEST_PUBLIC_KEY_PEM;
        let key = VerificationKey::from_pem(pem).unwrap();
        assert_eq!(
            format!("{key:?}"),
            r#"VerificationKey { algorithm: "RS256", .. }"#
        );
    }
}
