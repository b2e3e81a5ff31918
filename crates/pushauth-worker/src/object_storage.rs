//! A Durable Object's own storage as a [`Store`], with expiry ([`expiring`]): the only file
//! that talks to an object's storage.

use wasm_bindgen::{JsCast, JsValue};
use worker::js_sys::{Array, Map, Object, Reflect};
use worker::wasm_bindgen_futures::JsFuture;

use crate::expiring;
use crate::kv_store::{options, store_error};
use crate::store::{Store, StoreError, Write};

/// A Durable Object's own storage as a [`Store`], with expiry ([`expiring`]).
pub struct ObjectStorage {
    /// The object's storage.
    pub storage: worker::Storage,
    /// The time of the request or alarm (entries past their expiry read as absent).
    pub now: u64,
}

impl ObjectStorage {
    fn raw(&self) -> &worker::worker_sys::DurableObjectStorage {
        self.storage.as_raw()
    }

    async fn stored(&self, key: &str) -> core::result::Result<Option<String>, StoreError> {
        let promise = self.raw().get(key).map_err(store_error)?;
        Ok(JsFuture::from(promise).await.map_err(store_error)?.as_string())
    }

    /// Every entry with its stored text (the alarm's sweep).
    pub async fn entries(&self) -> core::result::Result<Vec<(String, String)>, StoreError> {
        let promise = self.raw().list().map_err(store_error)?;
        let map: Map = JsFuture::from(promise).await.map_err(store_error)?.unchecked_into();
        let mut out = Vec::new();
        map.for_each(&mut |value, key| {
            if let (Some(k), Some(v)) = (key.as_string(), value.as_string()) {
                out.push((k, v));
            }
        });
        Ok(out)
    }
}

impl Store for ObjectStorage {
    async fn get(&self, key: &str) -> core::result::Result<Option<String>, StoreError> {
        Ok(self.stored(key).await?.and_then(|s| expiring::live_value(&s, self.now).map(str::to_owned)))
    }

    async fn put(
        &self,
        key: &str,
        value: &str,
        ttl_secs: Option<u64>,
    ) -> core::result::Result<(), StoreError> {
        let stored = expiring::encode(value, ttl_secs, self.now);
        let promise = self.raw().put(key, JsValue::from_str(&stored)).map_err(store_error)?;
        JsFuture::from(promise).await.map_err(store_error)?;
        Ok(())
    }

    /// Every write issued before any is awaited: the object's storage coalesces them into one
    /// atomic write (all or none). At most 128 keys go in one call, as the API allows.
    async fn write_all(&self, writes: &[Write]) -> core::result::Result<(), StoreError> {
        let mut promises = Vec::new();
        let puts: Vec<(&String, String)> = writes
            .iter()
            .filter_map(|w| match w {
                Write::Put { key, value, ttl_secs } => {
                    Some((key, expiring::encode(value, *ttl_secs, self.now)))
                }
                Write::Delete { .. } => None,
            })
            .collect();
        for chunk in puts.chunks(128) {
            let entries = Object::new();
            for (key, stored) in chunk {
                Reflect::set(&entries, &JsValue::from_str(key), &JsValue::from_str(stored))
                    .map_err(store_error)?;
            }
            promises.push(self.raw().put_multiple(entries.into()).map_err(store_error)?);
        }
        let deletes: Vec<JsValue> = writes
            .iter()
            .filter_map(|w| match w {
                Write::Delete { key } => Some(JsValue::from_str(key)),
                Write::Put { .. } => None,
            })
            .collect();
        for chunk in deletes.chunks(128) {
            promises.push(self.raw().delete_multiple(chunk.to_vec()).map_err(store_error)?);
        }
        for promise in promises {
            JsFuture::from(promise).await.map_err(store_error)?;
        }
        Ok(())
    }

    async fn delete(&self, key: &str) -> core::result::Result<(), StoreError> {
        let promise = self.raw().delete(key).map_err(store_error)?;
        JsFuture::from(promise).await.map_err(store_error)?;
        Ok(())
    }

    async fn list(&self, prefix: &str, limit: usize) -> core::result::Result<Vec<String>, StoreError> {
        let request = options(&[
            ("prefix", JsValue::from_str(prefix)),
            ("limit", JsValue::from_f64(limit.clamp(1, 1000) as f64)),
        ]);
        let promise = self.raw().list_with_options(request).map_err(store_error)?;
        let map: Map = JsFuture::from(promise).await.map_err(store_error)?.unchecked_into();
        let keys: Array = Array::from(&map.keys().into());
        let mut out = Vec::new();
        for (key, value) in keys.iter().zip(Array::from(&map.values().into()).iter()) {
            let live = value.as_string().is_some_and(|v| expiring::live_value(&v, self.now).is_some());
            if let (Some(k), true) = (key.as_string(), live) {
                out.push(k);
            }
        }
        Ok(out)
    }
}
