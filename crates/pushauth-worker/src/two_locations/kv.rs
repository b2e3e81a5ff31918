//! Workers KV as two locations see it: one shared log of writes, read through each location's
//! own view.
//!
//! - A location sees its own writes at once, and another location's only [`PROPAGATION_MS`]
//!   after they were made (KV's eventual consistency: "up to 60 seconds or more").
//! - Every read is cached at its location for [`CACHE_TTL_MS`], absent keys included (KV's
//!   default `cacheTtl`): until the entry is older than that, the location answers the cached
//!   value even once a newer write has propagated. A location's own write replaces its cached
//!   entry.
//! - Expiry is enforced: a value written with a TTL reads as absent once it has passed.
//! - There is no compare-and-swap: the last write wins.
//!
//! Time comes from the clock the views are given (the harness's, which tests advance). Every
//! call yields once before it completes ([`yield_now`]), as a real KV call waits on the network.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use pushauth_core::UnixMillis;

use crate::memory_store::yield_now;
use crate::store::{Store, StoreError};

use super::Location;

/// How long a write takes to be seen at the other location: 60 s.
pub const PROPAGATION_MS: u64 = 60_000;
/// How long a location serves a value it read from its cache: 60 s.
pub const CACHE_TTL_MS: u64 = 60_000;

/// One write (a delete writes `None`).
#[derive(Debug, Clone)]
struct Write {
    at: UnixMillis,
    from: Location,
    value: Option<String>,
    expires_at: Option<UnixMillis>,
}

impl Write {
    fn seen_by(&self, location: Location, now: UnixMillis) -> bool {
        self.from == location || self.at + PROPAGATION_MS <= now
    }

    fn live_value(&self, now: UnixMillis) -> Option<String> {
        self.value.clone().filter(|_| self.expires_at.is_none_or(|e| e > now))
    }
}

/// A location's cached reads: when each key was read there, and the write it saw (`None`: the
/// key was absent).
type Cache = BTreeMap<(Location, String), (UnixMillis, Option<Write>)>;

/// The namespace: every write ever made, per key in the order made, and each location's cache.
#[derive(Debug, Default)]
pub struct SimKv {
    log: RefCell<BTreeMap<String, Vec<Write>>>,
    cache: RefCell<Cache>,
    /// Calls so far (reads, writes and lists, at either location).
    pub calls: Cell<u32>,
}

impl SimKv {
    /// The namespace as `location` sees it, by `clock`.
    pub fn view<'a>(&'a self, location: Location, clock: &'a Cell<UnixMillis>) -> KvView<'a> {
        KvView { kv: self, location, clock }
    }

    /// The newest write of `key` that `location` can see at `now`, ignoring its cache.
    fn visible(&self, key: &str, location: Location, now: UnixMillis) -> Option<Write> {
        self.log.borrow().get(key)?.iter().rev().find(|w| w.seen_by(location, now)).cloned()
    }

    /// The value of `key` once every write has propagated (the last write), for assertions.
    pub fn settled(&self, key: &str, now: UnixMillis) -> Option<String> {
        self.log.borrow().get(key)?.last()?.live_value(now)
    }

    fn write(
        &self,
        key: &str,
        from: Location,
        value: Option<String>,
        ttl_secs: Option<u64>,
        now: UnixMillis,
    ) {
        let expires_at = ttl_secs.map(|t| now + t * 1000);
        let write = Write { at: now, from, value, expires_at };
        self.log.borrow_mut().entry(key.to_owned()).or_default().push(write.clone());
        self.cache.borrow_mut().insert((from, key.to_owned()), (now, Some(write)));
    }
}

/// [`SimKv`] as one location sees it: the `Store` a Worker (or a Durable Object) there uses.
#[derive(Debug, Clone, Copy)]
pub struct KvView<'a> {
    kv: &'a SimKv,
    location: Location,
    clock: &'a Cell<UnixMillis>,
}

impl KvView<'_> {
    async fn begin(&self) -> UnixMillis {
        yield_now().await;
        self.kv.calls.set(self.kv.calls.get() + 1);
        self.clock.get()
    }
}

impl Store for KvView<'_> {
    async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        let now = self.begin().await;
        let cache_key = (self.location, key.to_owned());
        let cached = match self.kv.cache.borrow().get(&cache_key) {
            Some((read_at, write)) if *read_at <= now && now < read_at + CACHE_TTL_MS => Some(write.clone()),
            _ => None,
        };
        let write = match cached {
            Some(write) => write,
            None => {
                let write = self.kv.visible(key, self.location, now);
                self.kv.cache.borrow_mut().insert(cache_key, (now, write.clone()));
                write
            }
        };
        Ok(write.and_then(|w| w.live_value(now)))
    }

    async fn put(&self, key: &str, value: &str, ttl_secs: Option<u64>) -> Result<(), StoreError> {
        let now = self.begin().await;
        self.kv.write(key, self.location, Some(value.to_owned()), ttl_secs, now);
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        let now = self.begin().await;
        self.kv.write(key, self.location, None, None, now);
        Ok(())
    }

    /// Listing is not cached, but sees only what has reached this location.
    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        let now = self.begin().await;
        let keys: Vec<String> =
            self.kv.log.borrow().keys().filter(|k| k.starts_with(prefix)).cloned().collect();
        let mut out: Vec<String> = keys
            .into_iter()
            .filter(|k| self.kv.visible(k, self.location, now).and_then(|w| w.live_value(now)).is_some())
            .collect();
        out.truncate(limit);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::block_on;

    const T0: UnixMillis = 1_800_000_000_000;

    #[test]
    fn own_writes_at_once_others_after_propagation() {
        let kv = SimKv::default();
        let clock = Cell::new(T0);
        let (a, b) = (kv.view(Location::A, &clock), kv.view(Location::B, &clock));
        block_on(a.put("k", "v1", None)).unwrap();
        assert_eq!(block_on(a.get("k")).unwrap().as_deref(), Some("v1"));
        assert_eq!(block_on(b.list("", 10)).unwrap(), Vec::<String>::new());
        clock.set(T0 + PROPAGATION_MS);
        assert_eq!(block_on(b.get("k")).unwrap().as_deref(), Some("v1"));
        assert_eq!(block_on(b.list("", 10)).unwrap(), ["k"]);
    }

    #[test]
    fn reads_are_cached_absent_included() {
        let kv = SimKv::default();
        let clock = Cell::new(T0);
        let (a, b) = (kv.view(Location::A, &clock), kv.view(Location::B, &clock));
        assert_eq!(block_on(b.get("k")).unwrap(), None, "B caches the absence");
        block_on(a.put("k", "v1", None)).unwrap();
        clock.set(T0 + PROPAGATION_MS - 1);
        assert_eq!(block_on(b.get("k")).unwrap(), None);
        clock.set(T0 + PROPAGATION_MS + 1);
        assert_eq!(block_on(b.get("k")).unwrap().as_deref(), Some("v1"), "the cached absence expired");
        // B now holds v1 for a minute, whatever A writes meanwhile, and sees its own writes.
        block_on(a.delete("k")).unwrap();
        clock.set(T0 + PROPAGATION_MS + CACHE_TTL_MS);
        assert_eq!(block_on(b.get("k")).unwrap().as_deref(), Some("v1"));
        block_on(b.put("k", "v2", None)).unwrap();
        assert_eq!(block_on(b.get("k")).unwrap().as_deref(), Some("v2"));
        assert_eq!(kv.settled("k", clock.get()).as_deref(), Some("v2"));
    }

    #[test]
    fn values_expire() {
        let kv = SimKv::default();
        let clock = Cell::new(T0);
        let a = kv.view(Location::A, &clock);
        block_on(a.put("k", "v", Some(60))).unwrap();
        clock.set(T0 + 59_999);
        assert_eq!(block_on(a.get("k")).unwrap().as_deref(), Some("v"));
        clock.set(T0 + 60_000);
        assert_eq!(block_on(a.get("k")).unwrap(), None);
    }
}
