//! The Workers KV adapter: the only file that talks to KV.

use worker::kv::KvStore;

use crate::store::{Store, StoreError};

/// A [`Store`] over a KV namespace binding.
pub struct Kv(pub KvStore);

impl Store for Kv {
    async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.0.get(key).text().await.map_err(|e| StoreError(e.to_string()))
    }

    async fn put(&self, key: &str, value: &str, ttl_secs: Option<u64>) -> Result<(), StoreError> {
        let mut put = self.0.put(key, value).map_err(|e| StoreError(e.to_string()))?;
        if let Some(ttl) = ttl_secs {
            put = put.expiration_ttl(ttl);
        }
        put.execute().await.map_err(|e| StoreError(e.to_string()))
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.0.delete(key).await.map_err(|e| StoreError(e.to_string()))
    }

    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        let limit = u64::try_from(limit).unwrap_or(1000).min(1000);
        let listed = self
            .0
            .list()
            .prefix(prefix.to_owned())
            .limit(limit)
            .execute()
            .await
            .map_err(|e| StoreError(e.to_string()))?;
        Ok(listed.keys.into_iter().map(|k| k.name).collect())
    }
}
