//! The validated-token cache: a token seen and accepted before is answered without a second
//! RSA check.
//!
//! - Keyed by the token's exact bytes. The map hashes them to find a slot, then compares the
//!   whole stored token with the presented one, so a hash collision can never answer with
//!   another token's user. The hash covers the length and the last bytes only (the tail of
//!   the RS256 signature, which no one but the signer controls): hashing 1.4 KB on every
//!   request would cost more than the rest of a hit, and equality stays exact.
//! - Bounded by a number of entries ([`quick_cache`]: sharded, S3-FIFO-like eviction, a read
//!   lock per lookup), so memory stays bounded whatever traffic arrives. Only accepted tokens
//!   are inserted, so an attacker cannot fill it without valid tokens.
//! - An entry remembers the key generation it was verified under: a hit under another
//!   generation is a miss, so a validation that raced a key change can never resurrect a
//!   token of the old key. A key change also empties the cache.
//! - An entry keeps the token's time claims, re-checked by the caller on every hit.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::token::TimeClaims;
use crate::user::User;

/// Default number of entries ([`AuthOptions::token_cache_capacity`](crate::AuthOptions::token_cache_capacity)).
pub const DEFAULT_TOKEN_CACHE_CAPACITY: usize = 10_000;

/// Shards are a power of two with at least this many entries each (below it, fewer shards).
const MIN_ENTRIES_PER_SHARD: usize = 32;

/// How many trailing bytes of a token are hashed (besides its length).
const HASHED_TAIL_BYTES: usize = 48;

/// A stored token: its exact bytes.
#[derive(PartialEq, Eq)]
struct TokenKey(Box<[u8]>);

/// A presented token, looked up without copying it.
struct TokenRef<'a>(&'a [u8]);

/// The one hash function of both forms: the length and the last [`HASHED_TAIL_BYTES`].
fn hash_token<H: Hasher>(token: &[u8], state: &mut H) {
    state.write_usize(token.len());
    state.write(&token[token.len().saturating_sub(HASHED_TAIL_BYTES)..]);
}

impl Hash for TokenKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_token(&self.0, state);
    }
}

impl Hash for TokenRef<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_token(self.0, state);
    }
}

impl quick_cache::Equivalent<TokenKey> for TokenRef<'_> {
    /// Every byte is compared.
    fn equivalent(&self, key: &TokenKey) -> bool {
        *self.0 == *key.0
    }
}

/// A token accepted earlier.
#[derive(Debug, Clone)]
pub(crate) struct CachedToken {
    pub(crate) user: Arc<User>,
    pub(crate) times: TimeClaims,
    pub(crate) key_generation: u64,
}

/// The bounded map from token bytes to [`CachedToken`]; `None` when the capacity is 0.
pub(crate) struct TokenCache {
    entries: Option<quick_cache::sync::Cache<TokenKey, CachedToken>>,
    capacity: usize,
}

impl std::fmt::Debug for TokenCache {
    /// Never shows the tokens.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("capacity", &self.capacity)
            .field("entries", &self.len())
            .finish()
    }
}

impl TokenCache {
    /// A cache of at most `capacity` entries; 0 turns it off.
    pub(crate) fn new(capacity: usize) -> Self {
        if capacity == 0 {
            return Self {
                entries: None,
                capacity,
            };
        }
        let entries = bounded_map(capacity);
        Self {
            entries: Some(entries),
            capacity,
        }
    }

    /// Whether the cache is on.
    pub(crate) fn is_enabled(&self) -> bool {
        self.entries.is_some()
    }

    /// The configured capacity.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// The entry for exactly these bytes, if any.
    pub(crate) fn get(&self, token: &[u8]) -> Option<CachedToken> {
        self.entries.as_ref()?.get(&TokenRef(token))
    }

    /// Remembers an accepted token (evicting another entry when full).
    pub(crate) fn insert(&self, token: &[u8], entry: CachedToken) {
        if let Some(entries) = &self.entries {
            entries.insert(TokenKey(Box::from(token)), entry);
        }
    }

    /// Forgets one token (it expired).
    pub(crate) fn remove(&self, token: &[u8]) {
        if let Some(entries) = &self.entries {
            entries.remove(&TokenRef(token));
        }
    }

    /// Forgets every token.
    pub(crate) fn clear(&self) {
        if let Some(entries) = &self.entries {
            entries.clear();
        }
    }

    /// Entries held now.
    pub(crate) fn len(&self) -> usize {
        self.entries
            .as_ref()
            .map_or(0, quick_cache::sync::Cache::len)
    }
}

/// A quick_cache map holding at most `capacity` entries (`capacity` > 0), sharded for the
/// machine's parallelism. Shared by the validated-token cache and the API key cache.
pub(crate) fn bounded_map<K, V>(capacity: usize) -> quick_cache::sync::Cache<K, V>
where
    K: Eq + std::hash::Hash,
    V: Clone,
{
    // quick_cache gives every shard `ceil(capacity / shards)` entries, which can add up
    // to more than asked: choose the shard count here and round the total down to a
    // multiple of it, so the bound holds exactly (losing fewer entries than shards).
    let parallelism = std::thread::available_parallelism().map_or(1, usize::from);
    let mut shards = (parallelism * 4).next_power_of_two();
    while shards > 1 && capacity / shards < MIN_ENTRIES_PER_SHARD {
        shards /= 2;
    }
    let bound = (capacity / shards) * shards;
    let options = quick_cache::OptionsBuilder::new()
        .shards(shards)
        .estimated_items_capacity(bound)
        .weight_capacity(bound as u64)
        .build();
    match options {
        Ok(options) => quick_cache::sync::Cache::with_options(
            options,
            quick_cache::UnitWeighter,
            quick_cache::DefaultHashBuilder::default(),
            quick_cache::sync::DefaultLifecycle::default(),
        ),
        // The options above are always valid; should quick_cache ever refuse them, its
        // own default sharding still bounds the cache.
        Err(_) => quick_cache::sync::Cache::new(bound),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::hash_map::DefaultHasher;

    use super::*;

    fn hash_of(value: &impl Hash) -> u64 {
        let mut hasher = DefaultHasher::new();
        value.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn both_forms_hash_alike_and_only_exact_bytes_are_equal() {
        let token = b"header.payload.signature-tail-0123456789abcdefghijklmnopqrstuvwxyz".to_vec();
        let stored = TokenKey(token.clone().into_boxed_slice());
        assert_eq!(hash_of(&stored), hash_of(&TokenRef(&token)));
        assert!(quick_cache::Equivalent::equivalent(
            &TokenRef(&token),
            &stored
        ));

        // Same length and tail, another beginning: the same hash, and still not equal.
        let mut forged = token.clone();
        forged[0] = b'H';
        assert_eq!(hash_of(&TokenRef(&forged)), hash_of(&stored));
        assert!(!quick_cache::Equivalent::equivalent(
            &TokenRef(&forged),
            &stored
        ));
        assert!(!quick_cache::Equivalent::equivalent(
            &TokenRef(&token[1..]),
            &stored
        ));
        assert!(!quick_cache::Equivalent::equivalent(
            &TokenRef(b""),
            &stored
        ));
    }

    fn user(id: &str) -> Arc<User> {
        let claims = serde_json::json!({ "user_id": id });
        Arc::new(serde_json::from_value::<User>(claims).unwrap_or_else(|_| unreachable!()))
    }

    #[test]
    fn a_colliding_token_never_gets_another_entry() {
        let cache = TokenCache::new(100);
        let token = vec![b'a'; 200];
        let mut other = token.clone();
        other[0] = b'b';
        let times = TimeClaims::for_tests(f64::MAX, 0.0);
        cache.insert(
            &token,
            CachedToken {
                user: user("owner"),
                times,
                key_generation: 0,
            },
        );
        assert_eq!(
            cache.get(&token).map(|hit| hit.user.user_id.clone()),
            Some("owner".into())
        );
        assert!(
            cache.get(&other).is_none(),
            "same hash, other bytes: a miss"
        );
        cache.insert(
            &other,
            CachedToken {
                user: user("other"),
                times,
                key_generation: 0,
            },
        );
        assert_eq!(
            cache.get(&token).map(|hit| hit.user.user_id.clone()),
            Some("owner".into())
        );
        assert_eq!(
            cache.get(&other).map(|hit| hit.user.user_id.clone()),
            Some("other".into())
        );
        cache.remove(&other);
        assert!(cache.get(&other).is_none());
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn capacity_zero_turns_the_cache_off() {
        let cache = TokenCache::new(0);
        assert!(!cache.is_enabled());
        cache.insert(
            b"token",
            CachedToken {
                user: user("u"),
                times: TimeClaims::for_tests(f64::MAX, 0.0),
                key_generation: 0,
            },
        );
        assert!(cache.get(b"token").is_none());
        assert_eq!(cache.len(), 0);
    }
}
