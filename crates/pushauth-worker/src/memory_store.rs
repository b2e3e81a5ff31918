//! An in-memory [`Store`] for native tests, counting reads and writes.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::poll_fn;
use std::task::Poll;

use crate::store::{Store, StoreError, Write};

/// A map in memory. An entry whose expiry has passed by the store's clock
/// ([`MemoryStore::set_clock`]) reads as absent and is not listed, as a Durable Object's entries
/// read once expired (`expiring.rs`) before the alarm deletes their rows; it stays in the map
/// (and in [`MemoryStore::keys`], [`MemoryStore::expiring`]) until deleted, as a row does.
///
/// A store made by [`MemoryStore::yielding`] waits once ([`yield_now`]) at the start of every
/// call, as a real storage call does: an executor that runs several requests at once
/// (`two_locations`) then interleaves them between storage calls, as workerd does.
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: RefCell<HashMap<String, (String, Option<u64>)>>,
    yields: bool,
    /// Reads so far.
    pub reads: Cell<u32>,
    /// Writes (puts and deletes) so far.
    pub writes: Cell<u32>,
    /// Calls left before every call fails (`None`: none fails), for fault-injection tests.
    succeed_for: Cell<Option<u32>>,
    /// The time writes are made at ([`MemoryStore::set_clock`]), to record when entries expire.
    clock: Cell<u64>,
    /// When each expiring entry expires (Unix ms), by key, for a simulated alarm.
    expiries: RefCell<HashMap<String, u64>>,
}

/// Returns `Pending` once, waking its task at once, then completes: the point where a
/// single-threaded executor runs the other tasks that are ready.
pub async fn yield_now() {
    let mut yielded = false;
    poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await;
}

impl MemoryStore {
    /// An empty store whose every call yields once before it completes.
    pub fn yielding() -> Self {
        MemoryStore { yields: true, ..MemoryStore::default() }
    }

    /// The keys present, sorted.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.map.borrow().keys().cloned().collect();
        keys.sort();
        keys
    }

    /// Every key with its value, sorted: a snapshot to compare.
    pub fn entries(&self) -> Vec<(String, String)> {
        let mut entries: Vec<(String, String)> =
            self.map.borrow().iter().map(|(k, (v, _))| (k.clone(), v.clone())).collect();
        entries.sort();
        entries
    }

    /// The expiry recorded for `key`.
    pub fn ttl(&self, key: &str) -> Option<Option<u64>> {
        self.map.borrow().get(key).map(|(_, ttl)| *ttl)
    }

    /// Sets the time the next writes are made at (for [`MemoryStore::expiring`]).
    pub fn set_clock(&self, now: u64) {
        self.clock.set(now);
    }

    /// Every expiring entry with the time it expires (by [`MemoryStore::set_clock`]'s clock).
    pub fn expiring(&self) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> =
            self.expiries.borrow().iter().map(|(k, t)| (k.clone(), *t)).collect();
        out.sort();
        out
    }

    fn note_expiry(&self, key: &str, ttl_secs: Option<u64>) {
        let mut expiries = self.expiries.borrow_mut();
        match ttl_secs {
            Some(ttl) => {
                expiries.insert(key.to_owned(), self.clock.get().saturating_add(ttl.saturating_mul(1000)));
            }
            None => {
                expiries.remove(key);
            }
        }
    }

    /// Whether `key` holds an entry whose expiry has passed by the store's clock.
    fn expired(&self, key: &str) -> bool {
        self.expiries.borrow().get(key).is_some_and(|at| *at <= self.clock.get())
    }

    /// Resets the counters.
    pub fn reset_counts(&self) {
        self.reads.set(0);
        self.writes.set(0);
    }

    /// From the `n`-th call on (counting from 0, now), every call fails: a storage outage.
    pub fn fail_from(&self, n: u32) {
        self.succeed_for.set(Some(n));
    }

    /// Calls succeed again.
    pub fn fail_never(&self) {
        self.succeed_for.set(None);
    }

    async fn pause(&self) -> Result<(), StoreError> {
        if self.yields {
            yield_now().await;
        }
        match self.succeed_for.get() {
            Some(0) => Err(StoreError("injected storage failure".into())),
            Some(n) => {
                self.succeed_for.set(Some(n - 1));
                Ok(())
            }
            None => Ok(()),
        }
    }
}

impl Store for MemoryStore {
    async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.pause().await?;
        self.reads.set(self.reads.get() + 1);
        if self.expired(key) {
            return Ok(None);
        }
        Ok(self.map.borrow().get(key).map(|(v, _)| v.clone()))
    }

    async fn put(&self, key: &str, value: &str, ttl_secs: Option<u64>) -> Result<(), StoreError> {
        self.pause().await?;
        self.writes.set(self.writes.get() + 1);
        self.map.borrow_mut().insert(key.to_owned(), (value.to_owned(), ttl_secs));
        self.note_expiry(key, ttl_secs);
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.pause().await?;
        self.writes.set(self.writes.get() + 1);
        self.map.borrow_mut().remove(key);
        self.note_expiry(key, None);
        Ok(())
    }

    /// All or none, as a Durable Object's storage: one call that fails whole.
    async fn write_all(&self, writes: &[Write]) -> Result<(), StoreError> {
        self.pause().await?;
        let mut map = self.map.borrow_mut();
        for write in writes {
            self.writes.set(self.writes.get() + 1);
            match write {
                Write::Put { key, value, ttl_secs } => {
                    map.insert(key.clone(), (value.clone(), *ttl_secs));
                    self.note_expiry(key, *ttl_secs);
                }
                Write::Delete { key } => {
                    map.remove(key);
                    self.note_expiry(key, None);
                }
            }
        }
        Ok(())
    }

    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        self.pause().await?;
        self.reads.set(self.reads.get() + 1);
        let mut keys: Vec<String> =
            self.map.borrow().keys().filter(|k| k.starts_with(prefix) && !self.expired(k)).cloned().collect();
        keys.sort();
        keys.truncate(limit);
        Ok(keys)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))] // the test kit is native only
mod tests {
    use super::*;
    use crate::testkit::block_on;

    #[test]
    fn an_expired_entry_reads_as_absent_until_its_row_is_deleted() {
        let store = MemoryStore::default();
        store.set_clock(1_000);
        block_on(async {
            store.put("a:1", "x", Some(60)).await.unwrap();
            store.put("a:2", "y", None).await.unwrap();
            store.set_clock(60_999);
            assert_eq!(store.get("a:1").await.unwrap().as_deref(), Some("x"));
            store.set_clock(61_000);
            assert_eq!(store.get("a:1").await.unwrap(), None);
            assert_eq!(store.list("a:", 10).await.unwrap(), vec!["a:2".to_owned()]);
        });
        // The row is still there, for the alarm to delete.
        assert_eq!(store.keys(), vec!["a:1".to_owned(), "a:2".to_owned()]);
    }
}
