//! Where each key is stored: a user's live state in that user's Durable Object, everything
//! shared in Workers KV (`keys::is_shared`). The front Worker sees only KV ([`SharedOnly`]);
//! a user's object sees both ([`Split`]).

use crate::store::{keys, Store, StoreError};

/// The store of code running in a user's object: its own storage for the user's keys, KV for
/// shared ones.
pub struct Split<'a, L: Store, K: Store> {
    /// The object's own storage.
    pub live: &'a L,
    /// Workers KV (through the configuration cache).
    pub shared: &'a K,
}

impl<L: Store, K: Store> Store for Split<'_, L, K> {
    fn note_sweep(&self, at: u64) {
        self.live.note_sweep(at);
    }

    async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        if keys::is_shared(key) {
            self.shared.get(key).await
        } else {
            self.live.get(key).await
        }
    }

    async fn put(&self, key: &str, value: &str, ttl_secs: Option<u64>) -> Result<(), StoreError> {
        if keys::is_shared(key) {
            self.shared.put(key, value, ttl_secs).await
        } else {
            self.live.put(key, value, ttl_secs).await
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        if keys::is_shared(key) {
            self.shared.delete(key).await
        } else {
            self.live.delete(key).await
        }
    }

    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        if keys::is_shared(prefix) {
            self.shared.list(prefix, limit).await
        } else {
            self.live.list(prefix, limit).await
        }
    }
}

/// The store of the front Worker: KV only. A user's key reaching it is a routing bug, refused
/// as a storage failure (503) rather than written where other locations cannot see it.
pub struct SharedOnly<'a, K: Store>(pub &'a K);

fn misplaced(key: &str) -> StoreError {
    StoreError(format!("`{key}` belongs to a user's object, not the front Worker"))
}

impl<K: Store> Store for SharedOnly<'_, K> {
    async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        if keys::is_shared(key) {
            self.0.get(key).await
        } else {
            Err(misplaced(key))
        }
    }

    async fn put(&self, key: &str, value: &str, ttl_secs: Option<u64>) -> Result<(), StoreError> {
        if keys::is_shared(key) {
            self.0.put(key, value, ttl_secs).await
        } else {
            Err(misplaced(key))
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        if keys::is_shared(key) {
            self.0.delete(key).await
        } else {
            Err(misplaced(key))
        }
    }

    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        if keys::is_shared(prefix) {
            self.0.list(prefix, limit).await
        } else {
            Err(misplaced(prefix))
        }
    }
}
