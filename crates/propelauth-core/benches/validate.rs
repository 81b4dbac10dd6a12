//! Token validation cost of `propelauth-core`, per request.
//!
//! Measured:
//!
//! - `cache_hit_from_header`: `Auth::validate_authorization_header` on a ~1.4 KB token seen
//!   before (the validated-token cache on, its default): header checks, the cache lookup
//!   (hash and full comparison of the token bytes), the time rules, and the `Arc<User>`
//!   handed over (then dropped).
//! - `cache_hit_via_validate_request`: the same through `Auth::validate_request` with
//!   `TokenSources::header_only()` (the entry point of the token sources): the same work plus
//!   the choice of source.
//! - `cache_hit_via_validate_request_keys_on`: the same with personal API keys accepted
//!   (`accept_personal_api_keys(true)`): plus the JWT-shape check of the credential; no backend
//!   call, no task.
//! - `cache_hit_from_query`: the token in `?access_token=` on a route that opts in (no header).
//! - `first_sight_from_header`: a token of the same shape never seen before (1,000 distinct
//!   tokens, each validated once per pass; the cache, at its default capacity, is emptied
//!   between passes, outside the timing): header parsing, cache miss, base64 decoding, JOSE
//!   header check, RS256 signature check, claims parsing, the construction of the `User`, and
//!   its insertion into the cache, which grows by one entry (a server's first minutes).
//! - `first_sight_full_cache_from_header`: the same on a cache of 1,000 entries filled with
//!   1,000 other tokens before each pass: every insertion evicts an entry (a server that has
//!   run for a while).
//! - `first_sight_uncached_from_header`: the same distinct tokens on a handle without the
//!   cache: the difference with the previous lines is what the lookup and insertion add.
//! - `typical_token_from_header`: the same with the cache off (`token_cache_capacity(0)`):
//!   what every request cost before the cache.
//! - `ten_orgs_from_header`: the same with ten orgs in the token (cache off).
//! - `bad_signature_from_header`: the rejection path for a token signed with another key,
//!   rendering of the 401 included (`UnauthorizedError::rejection`).
//! - `raw_rsa2048_verify` (`aws-lc-rs` only): the RSA-2048 PKCS#1 v1.5 SHA-256 signature check
//!   alone on the typical token, with a key parsed beforehand: the floor of the full
//!   validation.
//! - `jsonwebtoken_decode` (`aws-lc-rs` only): `jsonwebtoken::decode` of the typical token with
//!   a `DecodingKey` built once from the PEM, for reference.
//!
//! Run with `cargo bench -p propelauth-core --bench validate`.
//!
//! Instruction counts. Timings on a shared machine move by tens of percent from run to run;
//! instruction counts do not. With `PROPELAUTH_BENCH_FIXED=<what>[:<count>]` the binary skips
//! criterion and runs a fixed number of operations in one function, for
//! `valgrind --tool=callgrind --toggle-collect='validate::measured*'` (docs/performance.md):
//! `first-sight` (cache on), `first-sight-uncached` (cache off) or `raw-rsa` (the bare aws-lc
//! check), over `count` distinct tokens (default 1,000); `<what>:<count>:<passes>` repeats the
//! pass (the cache emptied in between, outside the measured function), for `perf record`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use propelauth_core::{
    Auth, AuthOptions, RequestCredentials, TokenSources, TokenVerificationMetadata,
    init_auth_with_metadata,
};
use propelauth_testing::{
    TEST_API_KEY, TEST_AUTH_URL, TEST_PUBLIC_KEY_PEM, TokenBuilder, TokenVariant, realistic_token,
};
use serde_json::json;

/// Long enough for the whole run: tokens minted at setup must not expire while measured.
const TOKEN_LIFETIME_SECS: i64 = 86_400;

/// Distinct tokens for the first-sight bench (fewer than the cache holds: no eviction).
const FIRST_SIGHT_TOKENS: usize = 1_000;

fn auth() -> Auth {
    init_auth_with_metadata(
        TEST_AUTH_URL,
        TEST_API_KEY,
        TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM),
    )
    .expect("the committed test key initializes core")
}

fn auth_without_cache() -> Auth {
    auth_with_capacity(0)
}

fn auth_with_capacity(entries: usize) -> Auth {
    AuthOptions::new(TEST_AUTH_URL, TEST_API_KEY)
        .metadata(TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM))
        .token_cache_capacity(entries)
        .init()
        .expect("the committed test key initializes core")
}

/// [`FIRST_SIGHT_TOKENS`] distinct typical tokens, signed once per run.
fn fresh_tokens() -> &'static [String] {
    static TOKENS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    TOKENS.get_or_init(|| distinct_tokens(FIRST_SIGHT_TOKENS))
}

/// [`FIRST_SIGHT_TOKENS`] other distinct tokens, which fill the cache before a pass of
/// [`fresh_tokens`] in [`CacheState::Full`].
fn filler_headers() -> &'static [Vec<u8>] {
    static HEADERS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    HEADERS.get_or_init(|| {
        (0..FIRST_SIGHT_TOKENS)
            .map(|index| bearer(&token(1).claim("filler", json!(index)).sign()))
            .collect()
    })
}

/// What the cache holds when a pass of first sights starts.
#[derive(Clone, Copy)]
enum CacheState {
    /// Default capacity (10,000), emptied before each pass: every first sight adds an entry
    /// (a server's first minutes).
    Filling,
    /// A capacity of [`FIRST_SIGHT_TOKENS`], filled with as many other tokens before each
    /// pass: every first sight evicts an entry (a server that has run for a while).
    Full,
    /// `token_cache_capacity(0)`.
    Off,
}

impl CacheState {
    /// Printed by the paired ratios (aws-lc-rs only).
    #[cfg_attr(not(feature = "aws-lc-rs"), allow(dead_code))]
    fn label(self) -> &'static str {
        match self {
            Self::Filling => "cache filling",
            Self::Full => "cache full",
            Self::Off => "cache off",
        }
    }

    fn auth(self) -> Auth {
        match self {
            Self::Filling => auth(),
            Self::Full => auth_with_capacity(FIRST_SIGHT_TOKENS),
            Self::Off => auth_without_cache(),
        }
    }

    /// Before a timed pass (outside the timing).
    fn prepare(self, auth: &Auth) {
        match self {
            Self::Filling => auth.clear_token_cache(),
            Self::Full => {
                auth.clear_token_cache();
                for header in filler_headers() {
                    auth.validate_authorization_header(Some(header)).unwrap();
                }
                // Sharded: some shards evict before the total reaches the capacity.
                let entries = auth.metrics().cache_entries;
                assert!(
                    entries >= FIRST_SIGHT_TOKENS as u64 * 9 / 10,
                    "{entries} entries"
                );
            }
            Self::Off => {}
        }
    }

    /// After the passes: at least `first_sights` validations, none answered from the cache.
    fn check(self, auth: &Auth, first_sights: usize) {
        let metrics = auth.metrics();
        match self {
            Self::Off => assert_eq!(metrics.cache_misses, 0, "{metrics:?}"),
            Self::Filling | Self::Full => {
                assert_eq!(metrics.cache_hits, 0, "{metrics:?}");
                assert!(metrics.cache_misses >= first_sights as u64, "{metrics:?}");
            }
        }
    }
}

/// `count` distinct typical tokens: the same claims plus a counter.
fn distinct_tokens(count: usize) -> Vec<String> {
    (0..count)
        .map(|index| token(1).claim("first_sight", json!(index)).sign())
        .collect()
}

/// A realistic user token with `org_count` orgs, valid for the whole run.
fn token(org_count: usize) -> TokenBuilder {
    realistic_token(org_count).expires_in(TOKEN_LIFETIME_SECS)
}

fn bearer(token: &str) -> Vec<u8> {
    format!("Bearer {token}").into_bytes()
}

fn configure(c: &mut Criterion) -> criterion::BenchmarkGroup<'_, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group("validate");
    group
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(2))
        .sample_size(50);
    group
}

fn bench_cache(c: &mut Criterion) {
    let auth = auth();
    let header = bearer(&token(1).sign());
    let user = auth
        .validate_authorization_header(Some(&header))
        .expect("the typical token validates");
    let again = auth.validate_authorization_header(Some(&header)).unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&user, &again),
        "the second validation is a cache hit"
    );
    drop((user, again));

    let mut group = configure(c);
    group.bench_function("cache_hit_from_header", |b| {
        b.iter(|| auth.validate_authorization_header(Some(black_box(header.as_slice()))))
    });
    let header_only = TokenSources::header_only();
    group.bench_function("cache_hit_via_validate_request", |b| {
        b.iter(|| {
            let credentials = RequestCredentials::new(Some(black_box(header.as_slice())));
            auth.validate_request(&header_only, credentials)
        })
    });
    let with_keys = AuthOptions::new(TEST_AUTH_URL, TEST_API_KEY)
        .metadata(TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM))
        .accept_personal_api_keys(true)
        .init()
        .unwrap();
    with_keys
        .validate_request(&header_only, RequestCredentials::new(Some(&header)))
        .unwrap();
    group.bench_function("cache_hit_via_validate_request_keys_on", |b| {
        b.iter(|| {
            let credentials = RequestCredentials::new(Some(black_box(header.as_slice())));
            with_keys.validate_request(&header_only, credentials)
        })
    });
    assert_eq!(with_keys.metrics().api_key_backend_calls, 0);
    let websocket = TokenSources::header_only().or_query("access_token");
    let query = format!(
        "room=7&access_token={}",
        &std::str::from_utf8(&header).unwrap()[7..]
    );
    group.bench_function("cache_hit_from_query", |b| {
        b.iter(|| {
            let credentials = RequestCredentials::new(None).query(Some(black_box(query.as_str())));
            auth.validate_request(&websocket, credentials)
        })
    });
    // First sights: distinct tokens (the same claims plus a counter), each seen once per
    // pass, in each state of the cache (set up between passes, outside the timing).
    let fresh: Vec<Vec<u8>> = fresh_tokens().iter().map(|token| bearer(token)).collect();
    for (name, cache) in [
        ("first_sight_from_header", CacheState::Filling),
        ("first_sight_full_cache_from_header", CacheState::Full),
        ("first_sight_uncached_from_header", CacheState::Off),
    ] {
        let auth = cache.auth();
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| first_sights(&auth, cache, &fresh, iterations))
        });
        // At least 0 first sights: the filter may have skipped this one.
        cache.check(&auth, 0);
    }
    group.finish();
    let metrics = auth.metrics();
    assert!(
        metrics.cache_hits > 0 && metrics.cache_misses > 0,
        "{metrics:?}"
    );
}

/// Validates `iterations` headers, passing over `fresh` in order, with the cache in state
/// `cache` at the start of each pass (set up outside the timing); returns the time spent
/// validating.
fn first_sights(auth: &Auth, cache: CacheState, fresh: &[Vec<u8>], iterations: u64) -> Duration {
    let mut measured = Duration::ZERO;
    let mut remaining = iterations;
    while remaining > 0 {
        cache.prepare(auth);
        let pass = remaining.min(fresh.len() as u64);
        let started = Instant::now();
        for header in &fresh[..pass as usize] {
            let _ = black_box(auth.validate_authorization_header(Some(header)));
        }
        measured += started.elapsed();
        remaining -= pass;
    }
    measured
}

fn bench_core(c: &mut Criterion) {
    let auth = auth_without_cache();
    let typical = token(1).sign();
    let ten_orgs = token(10).sign();
    let wrong_key = token(1).sign_variant(TokenVariant::WrongKey);
    println!(
        "token sizes: typical {} bytes, ten orgs {} bytes, wrong key {} bytes",
        typical.len(),
        ten_orgs.len(),
        wrong_key.len()
    );
    assert!(
        (1300..=1500).contains(&typical.len()),
        "the typical token should be about 1.4 KB, it is {} bytes",
        typical.len()
    );

    let typical_header = bearer(&typical);
    let ten_orgs_header = bearer(&ten_orgs);
    let wrong_key_header = bearer(&wrong_key);
    let user = auth
        .validate_authorization_header(Some(&typical_header))
        .expect("the typical token validates");
    assert_eq!(user.org_id_to_org_member_info.len(), 1);
    let user = auth
        .validate_authorization_header(Some(&ten_orgs_header))
        .expect("the ten-org token validates");
    assert_eq!(user.org_id_to_org_member_info.len(), 10);
    let rejection = auth
        .validate_authorization_header(Some(&wrong_key_header))
        .expect_err("a token signed with another key is rejected")
        .rejection();
    assert_eq!(rejection.status, 401);

    let mut group = configure(c);
    group.bench_function("typical_token_from_header", |b| {
        b.iter(|| auth.validate_authorization_header(Some(black_box(typical_header.as_slice()))))
    });
    group.bench_function("ten_orgs_from_header", |b| {
        b.iter(|| auth.validate_authorization_header(Some(black_box(ten_orgs_header.as_slice()))))
    });
    group.bench_function("bad_signature_from_header", |b| {
        b.iter(|| {
            auth.validate_authorization_header(Some(black_box(wrong_key_header.as_slice())))
                .map_err(|error| error.rejection())
        })
    });
    group.finish();
}

#[cfg(feature = "aws-lc-rs")]
fn bench_reference(c: &mut Criterion) {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use jsonwebtoken::{Algorithm, DecodingKey, Validation};

    let typical = token(1).sign();
    let (message, signature) = typical.rsplit_once('.').expect("a JWT has three segments");
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .expect("the signature is base64url");
    let decoding_key = DecodingKey::from_rsa_pem(TEST_PUBLIC_KEY_PEM.as_bytes()).unwrap();
    let key = raw_key();
    key.verify_sig(message.as_bytes(), &signature)
        .expect("the typical token's signature verifies");

    propelauth_core::install_jsonwebtoken_crypto_provider();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[propelauth_testing::TEST_ISSUER]);
    // The `DecodingKey` is built once, as an application would; jsonwebtoken still parses
    // the key material inside every `decode` call.
    let decode =
        |token: &str| jsonwebtoken::decode::<serde_json::Value>(token, &decoding_key, &validation);
    decode(&typical).expect("jsonwebtoken accepts the typical token");

    paired_first_sight_ratios(&key);

    let mut group = configure(c);
    group.bench_function("raw_rsa2048_verify", |b| {
        b.iter(|| key.verify_sig(black_box(message.as_bytes()), black_box(&signature)))
    });
    group.bench_function("jsonwebtoken_decode", |b| {
        b.iter(|| decode(black_box(&typical)))
    });
    group.finish();
}

/// First sight ÷ raw RSA check, measured in interleaved pairs over the same distinct tokens:
/// each round validates all of them (cache emptied first), and checks all their signatures
/// with the bare aws-lc key, alternating which goes first, so both see the same background
/// load. Prints the median ratios (with the cache, and without it) and their quartiles.
#[cfg(feature = "aws-lc-rs")]
fn paired_first_sight_ratios(key: &aws_lc_rs::signature::ParsedPublicKey) {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    const ROUNDS: usize = 21;
    let tokens = fresh_tokens();
    let headers: Vec<Vec<u8>> = tokens.iter().map(|token| bearer(token)).collect();
    let signed: Vec<(&str, Vec<u8>)> = tokens
        .iter()
        .map(|token| {
            let (message, signature) = token.rsplit_once('.').expect("three segments");
            (
                message,
                URL_SAFE_NO_PAD.decode(signature).expect("base64url"),
            )
        })
        .collect();
    let raw = || {
        let started = Instant::now();
        for (message, signature) in &signed {
            black_box(key.verify_sig(black_box(message.as_bytes()), black_box(signature))).unwrap();
        }
        started.elapsed().as_secs_f64()
    };
    for cache in [CacheState::Filling, CacheState::Full, CacheState::Off] {
        let auth = cache.auth();
        let mut ratios: Vec<f64> = (0..ROUNDS)
            .map(|round| {
                let full = || {
                    cache.prepare(&auth);
                    let started = Instant::now();
                    for header in &headers {
                        black_box(auth.validate_authorization_header(Some(header))).unwrap();
                    }
                    started.elapsed().as_secs_f64()
                };
                if round % 2 == 0 {
                    let full = full();
                    full / raw()
                } else {
                    let raw = raw();
                    full() / raw
                }
            })
            .collect();
        cache.check(&auth, ROUNDS * FIRST_SIGHT_TOKENS);
        let label = cache.label();
        ratios.sort_by(f64::total_cmp);
        println!(
            "first sight ÷ raw RSA check ({label}), median of {ROUNDS} paired rounds of \
             {FIRST_SIGHT_TOKENS} tokens: {:.3} (quartiles {:.3} to {:.3})",
            ratios[ROUNDS / 2],
            ratios[ROUNDS / 4],
            ratios[3 * ROUNDS / 4]
        );
    }
}

/// The key of the raw RSA check: the test key, parsed by aws-lc-rs beforehand.
#[cfg(feature = "aws-lc-rs")]
fn raw_key() -> aws_lc_rs::signature::ParsedPublicKey {
    use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256};
    let decoding_key =
        jsonwebtoken::DecodingKey::from_rsa_pem(TEST_PUBLIC_KEY_PEM.as_bytes()).unwrap();
    let pkcs1_der = decoding_key.try_get_as_bytes().unwrap();
    ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, pkcs1_der).unwrap()
}

/// `PROPELAUTH_BENCH_FIXED=<what>[:<count>]`: a fixed number of operations, for callgrind.
/// Tokens are minted, the handle built and one warm-up validation done (then forgotten)
/// outside the measured function.
fn fixed_count(spec: &str) {
    let mut fields = spec.split(':');
    let what = fields.next().unwrap_or_default();
    let mut number = |default| {
        fields
            .next()
            .map_or(default, |n| n.parse().expect("a number"))
    };
    let (count, passes) = (number(FIRST_SIGHT_TOKENS), number(1));
    let tokens = distinct_tokens(count + 1);
    let (warm_up, measured) = tokens.split_first().expect("at least one token");
    let headers: Vec<Vec<u8>> = measured.iter().map(|token| bearer(token)).collect();
    match what {
        "first-sight" | "first-sight-uncached" => {
            let auth = if what == "first-sight" {
                auth()
            } else {
                auth_without_cache()
            };
            auth.validate_access_token(warm_up).unwrap();
            for _ in 0..passes {
                auth.clear_token_cache();
                measured_first_sights(&auth, &headers);
            }
            println!(
                "{what}: {passes} x {count} validations, {:?}",
                auth.metrics()
            );
        }
        #[cfg(feature = "aws-lc-rs")]
        "raw-rsa" => {
            use base64::Engine;
            use base64::engine::general_purpose::URL_SAFE_NO_PAD;
            let key = raw_key();
            let signed: Vec<(&str, Vec<u8>)> = std::iter::once(warm_up)
                .chain(measured)
                .map(|token| {
                    let (message, signature) = token.rsplit_once('.').expect("three segments");
                    (
                        message,
                        URL_SAFE_NO_PAD.decode(signature).expect("base64url"),
                    )
                })
                .collect();
            let (warm_up, signed) = signed.split_first().expect("at least one token");
            key.verify_sig(warm_up.0.as_bytes(), &warm_up.1).unwrap();
            for _ in 0..passes {
                measured_raw_rsa(&key, signed);
            }
            println!("{what}: {passes} x {count} signature checks");
        }
        other => panic!("PROPELAUTH_BENCH_FIXED: unknown operation {other:?}"),
    }
}

/// The measured part of `first-sight*`: one validation per header, each unwrapped.
#[inline(never)]
fn measured_first_sights(auth: &Auth, headers: &[Vec<u8>]) {
    for header in headers {
        black_box(auth.validate_authorization_header(Some(black_box(header)))).unwrap();
    }
}

/// The measured part of `raw-rsa`: one signature check per token.
#[cfg(feature = "aws-lc-rs")]
#[inline(never)]
fn measured_raw_rsa(key: &aws_lc_rs::signature::ParsedPublicKey, signed: &[(&str, Vec<u8>)]) {
    for (message, signature) in signed {
        black_box(key.verify_sig(black_box(message.as_bytes()), black_box(signature))).unwrap();
    }
}

#[cfg(feature = "aws-lc-rs")]
criterion_group!(benches, bench_cache, bench_core, bench_reference);
#[cfg(not(feature = "aws-lc-rs"))]
criterion_group!(benches, bench_cache, bench_core);

fn main() {
    if let Ok(spec) = std::env::var("PROPELAUTH_BENCH_FIXED") {
        fixed_count(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
