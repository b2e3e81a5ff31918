//! The one [`Store`] type of the compiled Worker, for the front and for users' objects alike.
//!
//! Every route handler is generic over its store; with a different store type in the front
//! (KV only) and in the objects (their storage and KV), the whole route table would be compiled
//! into the wasm twice (~65 KB each). One enum over both keeps one copy.

use crate::config_cache::Cached;
use crate::kv_store::Kv;
use crate::object_storage::ObjectStorage;
use crate::split_store::{SharedOnly, Split};
use crate::store::{Store, StoreError};
use crate::write_batch::Batched;

/// Where the code runs: the front Worker (KV only) or a user's object.
pub enum WorkerStore<'a> {
    /// The front Worker.
    Front(SharedOnly<'a, Cached<'a, Kv>>),
    /// A user's object.
    Object(Split<'a, Batched<'a, ObjectStorage>, Cached<'a, Kv>>),
}

impl Store for WorkerStore<'_> {
    fn note_sweep(&self, at: u64) {
        if let WorkerStore::Object(s) = self {
            s.note_sweep(at);
        }
    }

    async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        match self {
            WorkerStore::Front(s) => s.get(key).await,
            WorkerStore::Object(s) => s.get(key).await,
        }
    }

    async fn put(&self, key: &str, value: &str, ttl_secs: Option<u64>) -> Result<(), StoreError> {
        match self {
            WorkerStore::Front(s) => s.put(key, value, ttl_secs).await,
            WorkerStore::Object(s) => s.put(key, value, ttl_secs).await,
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self {
            WorkerStore::Front(s) => s.delete(key).await,
            WorkerStore::Object(s) => s.delete(key).await,
        }
    }

    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        match self {
            WorkerStore::Front(s) => s.list(prefix, limit).await,
            WorkerStore::Object(s) => s.list(prefix, limit).await,
        }
    }
}
