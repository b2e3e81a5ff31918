//! An in-memory [`Store`] for native tests, counting reads and writes.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use crate::store::{Store, StoreError};

/// A map in memory. Expiry is recorded, not enforced.
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: RefCell<HashMap<String, (String, Option<u64>)>>,
    /// Reads so far.
    pub reads: Cell<u32>,
    /// Writes (puts and deletes) so far.
    pub writes: Cell<u32>,
}

impl MemoryStore {
    /// The keys present, sorted.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.map.borrow().keys().cloned().collect();
        keys.sort();
        keys
    }

    /// The expiry recorded for `key`.
    pub fn ttl(&self, key: &str) -> Option<Option<u64>> {
        self.map.borrow().get(key).map(|(_, ttl)| *ttl)
    }

    /// Resets the counters.
    pub fn reset_counts(&self) {
        self.reads.set(0);
        self.writes.set(0);
    }
}

impl Store for MemoryStore {
    async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.reads.set(self.reads.get() + 1);
        Ok(self.map.borrow().get(key).map(|(v, _)| v.clone()))
    }

    async fn put(&self, key: &str, value: &str, ttl_secs: Option<u64>) -> Result<(), StoreError> {
        self.writes.set(self.writes.get() + 1);
        self.map.borrow_mut().insert(key.to_owned(), (value.to_owned(), ttl_secs));
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.writes.set(self.writes.get() + 1);
        self.map.borrow_mut().remove(key);
        Ok(())
    }

    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        self.reads.set(self.reads.get() + 1);
        let mut keys: Vec<String> =
            self.map.borrow().keys().filter(|k| k.starts_with(prefix)).cloned().collect();
        keys.sort();
        keys.truncate(limit);
        Ok(keys)
    }
}
