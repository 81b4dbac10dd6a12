//! Test kit for applications protected by PropelAuth.
//!
//! - [`TEST_PRIVATE_KEY_PEM`] / [`TEST_PUBLIC_KEY_PEM`]: a committed RSA-2048 key pair, so
//!   tests never pay for key generation. **Never use it outside tests.**
//! - [`TokenBuilder`]: mints real RS256 access tokens with any claims, plus hostile variants
//!   ([`TokenVariant`]) to prove your app rejects them.
//! - [`StandIn`]: a local stand-in of the PropelAuth auth service on `127.0.0.1`, which
//!   serves the verification metadata, records requests and answers what a test tells it to.
//! - [`samples`]: three sample users (an owner, a member, a user in no org) in two sample
//!   orgs, with fixed ids and ready-made token builders, for your tests and a development mode.
//! - [`development`]: development mode, your own app run locally with no account: the
//!   stand-in, a handle initialized against it, sample tokens and a banner, in one call
//!   (re-exported by each framework adapter's `development` feature).
//!
//! ```
//! use propelauth_testing::{StandIn, TokenBuilder, OrgClaim};
//!
//! let stand_in = StandIn::start()?;
//! let auth = propelauth_core::AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
//!     .backend_base_url(stand_in.base_url())
//!     .init()?;
//!
//! let token = TokenBuilder::new("user-1")
//!     .email("ada@example.com")
//!     .org(OrgClaim::new("org-1", "Acme", "Admin").inherited_roles(["Admin", "Member"]))
//!     .sign();
//! let header = format!("Bearer {token}");
//! let user = auth.validate_authorization_header(Some(header.as_bytes()))?;
//! assert!(user.is_at_least_role_in_org("org-1", "Member"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
// docs.rs (nightly, `--cfg docsrs`): mark the items a cargo feature enables.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod development;
pub mod samples;
mod stand_in;
mod token;

pub use stand_in::{
    CannedResponse, MetadataShape, RecordedRequest, StandIn, StandInApiKey, StandInBuilder,
};
pub use token::{OrgClaim, TokenBuilder, TokenVariant, realistic_token, unix_now};

/// API key the stand-in accepts by default.
pub const TEST_API_KEY: &str = "propelauth-test-api-key-0123456789abcdef";

/// Auth URL the stand-in pretends to serve by default.
pub const TEST_AUTH_URL: &str = "https://auth.propelauth.test";

/// Issuer of tokens for [`TEST_AUTH_URL`]: what [`TokenBuilder`] puts in `iss` by default.
pub const TEST_ISSUER: &str = "https://auth.propelauth.test";

/// The public half of the committed test key pair (SubjectPublicKeyInfo PEM).
pub const TEST_PUBLIC_KEY_PEM: &str = include_str!("../keys/test_public_key.pem");

/// The private half of the committed test key pair (PKCS#8 PEM). Test use only.
pub const TEST_PRIVATE_KEY_PEM: &str = include_str!("../keys/test_private_key.pem");

/// A second, unrelated key pair's private key: tokens it signs must be rejected.
pub const OTHER_PRIVATE_KEY_PEM: &str = include_str!("../keys/other_private_key.pem");

/// The public half of [`OTHER_PRIVATE_KEY_PEM`]: serve it from the stand-in to simulate a
/// key rotation.
pub const OTHER_PUBLIC_KEY_PEM: &str = include_str!("../keys/other_public_key.pem");

/// Options for an [`Auth`](propelauth_core::Auth) that accepts the kit's tokens without any
/// request: auth URL [`TEST_AUTH_URL`], API key [`TEST_API_KEY`], verifier key
/// [`TEST_PUBLIC_KEY_PEM`]. Add `.debug(true)` or other options, then `.init()`.
///
/// ```
/// let auth = propelauth_testing::test_auth_options().debug(true).init()?;
/// let token = propelauth_testing::TokenBuilder::new("user-1").sign();
/// assert_eq!(auth.validate_access_token(&token)?.user_id, "user-1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn test_auth_options() -> propelauth_core::AuthOptions {
    propelauth_core::AuthOptions::new(TEST_AUTH_URL, TEST_API_KEY).metadata(
        propelauth_core::TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM),
    )
}
