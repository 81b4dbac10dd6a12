//! The examples of the guides and READMEs, compiled and run by `cargo test --workspace`.
//!
//! Each item below includes one Markdown file as its documentation, so rustdoc runs every
//! Rust block of it as a doctest (`no_run` blocks are compiled, `compile_fail` blocks must
//! fail to compile). The files live outside any published crate's directory, which is why
//! they are tested here and not by the crates they describe. The framework guides reach core
//! through their adapter: their install sections list no `propelauth-core`, so a snippet that
//! names it fails `tests/install_sections.rs`. Only `docs/custom-server.md` (a server without
//! an adapter) names core. Core's own README is tested by core.
#![deny(missing_docs)]

/// The workspace README.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct WorkspaceReadme;

/// `docs/axum.md`.
#[cfg(doctest)]
#[doc = include_str!("../../docs/axum.md")]
struct AxumGuide;

/// `docs/actix.md`.
#[cfg(doctest)]
#[doc = include_str!("../../docs/actix.md")]
struct ActixGuide;

/// `docs/rocket.md`.
#[cfg(doctest)]
#[doc = include_str!("../../docs/rocket.md")]
struct RocketGuide;

/// `docs/poem.md`.
#[cfg(doctest)]
#[doc = include_str!("../../docs/poem.md")]
struct PoemGuide;

/// `docs/custom-server.md`.
#[cfg(doctest)]
#[doc = include_str!("../../docs/custom-server.md")]
struct CustomServerGuide;

/// `docs/api.md`.
#[cfg(doctest)]
#[doc = include_str!("../../docs/api.md")]
struct ApiGuide;

/// `docs/api-docs.md`.
#[cfg(doctest)]
#[doc = include_str!("../../docs/api-docs.md")]
struct ApiDocsGuide;

/// `docs/testing.md`.
#[cfg(doctest)]
#[doc = include_str!("../../docs/testing.md")]
struct TestingGuide;

/// `crates/propelauth-testing/README.md`, shown on crates.io.
#[cfg(doctest)]
#[doc = include_str!("../../crates/propelauth-testing/README.md")]
struct TestingReadme;

/// `crates/propelauth-axum/README.md`, shown on crates.io.
#[cfg(doctest)]
#[doc = include_str!("../../crates/propelauth-axum/README.md")]
struct AxumReadme;

/// `crates/propelauth-actix/README.md`, shown on crates.io.
#[cfg(doctest)]
#[doc = include_str!("../../crates/propelauth-actix/README.md")]
struct ActixReadme;

/// `crates/propelauth-rocket/README.md`, shown on crates.io.
#[cfg(doctest)]
#[doc = include_str!("../../crates/propelauth-rocket/README.md")]
struct RocketReadme;

/// `crates/propelauth-poem/README.md`, shown on crates.io.
#[cfg(doctest)]
#[doc = include_str!("../../crates/propelauth-poem/README.md")]
struct PoemReadme;
