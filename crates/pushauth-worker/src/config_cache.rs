//! A short-lived, per-isolate cache of the read-mostly configuration records: tenants and the
//! secret → tenant index. Every server call, every browser call checked for its origin and every
//! device call reads its tenant; with this cache a warm isolate reads each tenant from KV at most
//! once per [`TTL_MS`], instead of once or twice per request.
//!
//! Why this is safe: Workers KV already serves reads from a per-location cache (60 s by default),
//! so a tenant change is not seen everywhere at once today; this adds at most [`TTL_MS`] to that,
//! and nothing in the cache is per-user or single-use state. Writes made through a [`Cached`]
//! store update the cache at once, so within an isolate a change is seen by the next request.
//! Not cached: devices, users, challenges, deliveries, nonces.

use std::cell::RefCell;
use std::collections::BTreeMap;

use pushauth_core::UnixMillis;

use crate::store::{keys, Store, StoreError};

/// How long a cached record is served before it is read again: 5 seconds.
pub const TTL_MS: u64 = 5_000;
/// The most records kept; past it the cache starts over (tenants are few and small).
pub const MAX_ENTRIES: usize = 1_000;

/// Cached records: key → (read at, value or absent).
#[derive(Debug, Default)]
pub struct ConfigCache {
    entries: RefCell<BTreeMap<String, (UnixMillis, Option<String>)>>,
}

impl ConfigCache {
    fn fresh(&self, key: &str, now: UnixMillis) -> Option<Option<String>> {
        let entries = self.entries.borrow();
        let (read_at, value) = entries.get(key)?;
        (now.saturating_sub(*read_at) < TTL_MS && *read_at <= now).then(|| value.clone())
    }

    fn remember(&self, key: &str, value: Option<String>, now: UnixMillis) {
        let mut entries = self.entries.borrow_mut();
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(key) {
            entries.clear();
        }
        entries.insert(key.to_owned(), (now, value));
    }
}

/// A [`Store`] that serves configuration records from a [`ConfigCache`] and everything else
/// from `inner`.
pub struct Cached<'a, S: Store> {
    /// The store behind the cache.
    pub inner: &'a S,
    /// The cache (one per isolate in the Worker).
    pub cache: &'a ConfigCache,
    /// The time of this request.
    pub now: UnixMillis,
}

impl<S: Store> Store for Cached<'_, S> {
    async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        if !keys::is_config(key) {
            return self.inner.get(key).await;
        }
        if let Some(value) = self.cache.fresh(key, self.now) {
            return Ok(value);
        }
        let value = self.inner.get(key).await?;
        self.cache.remember(key, value.clone(), self.now);
        Ok(value)
    }

    async fn put(&self, key: &str, value: &str, ttl_secs: Option<u64>) -> Result<(), StoreError> {
        let result = self.inner.put(key, value, ttl_secs).await;
        if keys::is_config(key) {
            // On failure the stored value is unknown: forget it rather than guess.
            match &result {
                Ok(()) => self.cache.remember(key, Some(value.to_owned()), self.now),
                Err(_) => {
                    self.cache.entries.borrow_mut().remove(key);
                }
            }
        }
        result
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        let result = self.inner.delete(key).await;
        if keys::is_config(key) {
            self.cache.entries.borrow_mut().remove(key);
            if result.is_ok() {
                self.cache.remember(key, None, self.now);
            }
        }
        result
    }

    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        self.inner.list(prefix, limit).await
    }
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))] // the test kit is native only
mod tests {
    use super::*;
    use crate::memory_store::MemoryStore;
    use crate::testkit::block_on;

    const T0: UnixMillis = 1_800_000_000_000;

    #[test]
    fn tenants_are_read_once_per_ttl_and_own_writes_are_seen_at_once() {
        let kv = MemoryStore::default();
        let cache = ConfigCache::default();
        let at = |now| Cached { inner: &kv, cache: &cache, now };
        block_on(kv.put("tenant:acme", "v1", None)).unwrap();
        kv.reset_counts();

        assert_eq!(block_on(at(T0).get("tenant:acme")).unwrap().as_deref(), Some("v1"));
        assert_eq!(block_on(at(T0 + TTL_MS - 1).get("tenant:acme")).unwrap().as_deref(), Some("v1"));
        assert_eq!(kv.reads.get(), 1, "the second read came from the cache");

        // A write through the cache is seen by the next request at once.
        block_on(at(T0 + 1).put("tenant:acme", "v2", None)).unwrap();
        assert_eq!(block_on(at(T0 + 2).get("tenant:acme")).unwrap().as_deref(), Some("v2"));
        block_on(at(T0 + 3).delete("tenant:acme")).unwrap();
        assert_eq!(block_on(at(T0 + 4).get("tenant:acme")).unwrap(), None);
        assert_eq!(kv.reads.get(), 1);

        // A change made elsewhere (another isolate) is seen once the entry is older than the TTL.
        block_on(kv.put("tenant:acme", "v3", None)).unwrap();
        assert_eq!(block_on(at(T0 + 4 + TTL_MS).get("tenant:acme")).unwrap().as_deref(), Some("v3"));
        // A clock that went backwards does not extend an entry's life.
        assert_eq!(block_on(at(T0).get("tenant:acme")).unwrap().as_deref(), Some("v3"));
        assert_eq!(kv.reads.get(), 3);
    }

    #[test]
    fn only_configuration_is_cached() {
        let kv = MemoryStore::default();
        let cache = ConfigCache::default();
        let store = Cached { inner: &kv, cache: &cache, now: T0 };
        for key in ["secret:ab", "tenant:t"] {
            block_on(store.get(key)).unwrap();
            block_on(store.get(key)).unwrap();
        }
        assert_eq!(kv.reads.get(), 2);
        for key in ["device:k", "user:t:u", "challenge:t:c", "hmac-seen:t:m", "delivery:t:d", "webpush:k"] {
            block_on(store.get(key)).unwrap();
            block_on(store.get(key)).unwrap();
        }
        assert_eq!(kv.reads.get(), 14, "single-use and per-user state is always read from the store");
    }

    #[test]
    fn the_cache_is_bounded() {
        let kv = MemoryStore::default();
        let cache = ConfigCache::default();
        let store = Cached { inner: &kv, cache: &cache, now: T0 };
        for i in 0..(MAX_ENTRIES + 10) {
            block_on(store.get(&format!("tenant:{i}"))).unwrap();
        }
        assert!(cache.entries.borrow().len() <= MAX_ENTRIES);
    }
}
