//! A request's writes to its user's object, held until the request has run and then committed
//! together: a request is written whole or not at all, never half.
//!
//! Handlers read, decide and write with several awaits in between (a challenge's new state, its
//! callback's delivery and outbox marker, the user's record). Written one by one, a storage
//! failure between two writes would leave, say, an answered challenge whose callback was never
//! queued, and a retry would find the challenge no longer pending. Held here, a request whose
//! storage failed writes nothing (its response is already `503 storage_unavailable`, and the
//! same request may simply be sent again), and one that ran commits everything in one call,
//! which a Durable Object applies atomically (`Store::write_all`). Reads see the request's own
//! writes. Only the object's own storage is held: the few Workers KV writes (routing records)
//! are written first on purpose and are harmless alone.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use crate::store::{Store, StoreError, Write};

/// A held write: the value and its expiry, or `None` for a deletion.
type Held = Option<(String, Option<u64>)>;

/// The object's storage, holding writes until [`Batched::commit`] (or passing them straight
/// through, for the object's alarm and background work: one type either way, so the route table
/// is compiled once).
pub struct Batched<'a, S: Store> {
    inner: &'a S,
    hold: bool,
    /// Key → the value to write (`Some((value, ttl))`) or a deletion (`None`).
    pending: RefCell<BTreeMap<String, Held>>,
    failed: Cell<bool>,
    /// The shortest expiry (seconds from now) of a value written so far, held or direct: what
    /// the object's alarm may have to sweep (`alarm_plan.rs`).
    soonest_ttl: Cell<Option<u64>>,
    /// The soonest prune a lasting record asked for ([`Store::note_sweep`]), Unix ms.
    soonest_sweep: Cell<Option<u64>>,
}

impl<'a, S: Store> Batched<'a, S> {
    /// Holds every write until [`commit`](Batched::commit).
    pub fn holding(inner: &'a S) -> Self {
        Batched {
            inner,
            hold: true,
            pending: RefCell::default(),
            failed: Cell::new(false),
            soonest_ttl: Cell::new(None),
            soonest_sweep: Cell::new(None),
        }
    }

    /// Writes at once: the object's alarm and the work after a response.
    pub fn direct(inner: &'a S) -> Self {
        Batched {
            inner,
            hold: false,
            pending: RefCell::default(),
            failed: Cell::new(false),
            soonest_ttl: Cell::new(None),
            soonest_sweep: Cell::new(None),
        }
    }

    /// Writes what was held in one call, unless a storage call of the request failed: then the
    /// request wrote nothing, and `Err` says so.
    pub async fn commit(&self) -> Result<(), StoreError> {
        let pending = self.pending.take();
        if self.failed.get() {
            return Err(StoreError("a storage call of the request failed: nothing was written".into()));
        }
        if pending.is_empty() {
            return Ok(());
        }
        let writes: Vec<Write> = pending
            .into_iter()
            .map(|(key, value)| match value {
                Some((value, ttl_secs)) => Write::Put { key, value, ttl_secs },
                None => Write::Delete { key },
            })
            .collect();
        self.inner.write_all(&writes).await
    }

    /// Writes held so far.
    pub fn held(&self) -> usize {
        self.pending.borrow().len()
    }

    /// When the soonest-expiring value written through this store (held or direct) expires,
    /// for writes made at `now`; `None` if none expires.
    /// Includes the prunes asked for with [`Store::note_sweep`].
    pub fn soonest_expiry(&self, now: u64) -> Option<u64> {
        let expiry = self.soonest_ttl.get().map(|ttl| now.saturating_add(ttl.saturating_mul(1000)));
        match (expiry, self.soonest_sweep.get()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn note<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        if result.is_err() {
            self.failed.set(true);
        }
        result
    }
}

impl<S: Store> Store for Batched<'_, S> {
    fn note_sweep(&self, at: u64) {
        self.soonest_sweep.set(Some(self.soonest_sweep.get().map_or(at, |t| t.min(at))));
    }

    async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        if let Some(held) = self.pending.borrow().get(key) {
            return Ok(held.as_ref().map(|(value, _)| value.clone()));
        }
        let result = self.inner.get(key).await;
        self.note(result)
    }

    async fn put(&self, key: &str, value: &str, ttl_secs: Option<u64>) -> Result<(), StoreError> {
        if let Some(ttl) = ttl_secs {
            self.soonest_ttl.set(Some(self.soonest_ttl.get().map_or(ttl, |t| t.min(ttl))));
        }
        if !self.hold {
            return self.inner.put(key, value, ttl_secs).await;
        }
        self.pending.borrow_mut().insert(key.to_owned(), Some((value.to_owned(), ttl_secs)));
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        if !self.hold {
            return self.inner.delete(key).await;
        }
        self.pending.borrow_mut().insert(key.to_owned(), None);
        Ok(())
    }

    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        let deleted =
            self.pending.borrow().iter().filter(|(k, v)| v.is_none() && k.starts_with(prefix)).count();
        let listed = self.inner.list(prefix, limit.saturating_add(deleted)).await;
        let mut keys = self.note(listed)?;
        let pending = self.pending.borrow();
        keys.retain(|k| !matches!(pending.get(k), Some(None)));
        keys.extend(
            pending.iter().filter(|(k, v)| v.is_some() && k.starts_with(prefix)).map(|(k, _)| k.clone()),
        );
        keys.sort();
        keys.dedup();
        keys.truncate(limit);
        Ok(keys)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::Batched;
    use crate::memory_store::MemoryStore;
    use crate::store::Store;
    use crate::testkit::block_on;

    #[test]
    fn held_writes_are_read_back_listed_and_written_only_on_commit() {
        let inner = MemoryStore::default();
        block_on(inner.put("a:1", "old", None)).unwrap();
        block_on(inner.put("a:2", "gone", None)).unwrap();
        let b = Batched::holding(&inner);
        block_on(b.put("a:1", "new", Some(60))).unwrap();
        block_on(b.delete("a:2")).unwrap();
        block_on(b.put("a:3", "added", None)).unwrap();
        assert_eq!(block_on(b.get("a:1")).unwrap().as_deref(), Some("new"));
        assert_eq!(block_on(b.get("a:2")).unwrap(), None);
        assert_eq!(block_on(b.list("a:", 10)).unwrap(), ["a:1", "a:3"]);
        assert_eq!(block_on(b.list("a:", 1)).unwrap(), ["a:1"]);
        assert_eq!(inner.keys(), ["a:1", "a:2"], "nothing written yet");
        assert_eq!(block_on(inner.get("a:1")).unwrap().as_deref(), Some("old"));

        block_on(b.commit()).unwrap();
        assert_eq!(inner.keys(), ["a:1", "a:3"]);
        assert_eq!(block_on(inner.get("a:1")).unwrap().as_deref(), Some("new"));
        assert_eq!(inner.ttl("a:1"), Some(Some(60)));
    }

    #[test]
    fn a_request_whose_storage_failed_writes_nothing() {
        let inner = MemoryStore::default();
        let b = Batched::holding(&inner);
        block_on(b.put("a:1", "x", None)).unwrap();
        inner.fail_from(0);
        assert!(block_on(b.get("a:2")).is_err());
        inner.fail_never();
        assert!(block_on(b.commit()).is_err());
        assert!(inner.keys().is_empty());
    }

    #[test]
    fn direct_writes_go_straight_through() {
        let inner = MemoryStore::default();
        let b = Batched::direct(&inner);
        block_on(b.put("a:1", "x", None)).unwrap();
        assert_eq!(inner.keys(), ["a:1"]);
        assert_eq!(b.held(), 0);
    }
}
