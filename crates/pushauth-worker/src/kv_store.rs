//! The Workers KV adapter: the only file that talks to KV.
//!
//! It calls the namespace binding's JavaScript methods directly (`get`, `put`, `delete`, `list`)
//! rather than through the `worker` crate's `KvStore`, whose option and error types pull
//! `serde-wasm-bindgen`, float formatting and their messages into the wasm for four calls.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use worker::js_sys::{Array, Object, Promise, Reflect};
use worker::wasm_bindgen_futures::JsFuture;
use worker::Env;

use crate::store::{Store, StoreError};

#[wasm_bindgen]
extern "C" {
    /// A KV namespace binding (`env.PUSHAUTH_KV`).
    #[wasm_bindgen(extends = Object)]
    pub type KvNamespace;

    #[wasm_bindgen(method)]
    fn get(this: &KvNamespace, key: &str) -> Promise;

    #[wasm_bindgen(method)]
    fn put(this: &KvNamespace, key: &str, value: &str, options: &Object) -> Promise;

    #[wasm_bindgen(method)]
    fn delete(this: &KvNamespace, key: &str) -> Promise;

    #[wasm_bindgen(method)]
    fn list(this: &KvNamespace, options: &Object) -> Promise;
}

/// A [`Store`] over a KV namespace binding.
pub struct Kv(KvNamespace);

impl Kv {
    /// The namespace bound as `name`; `None` when the Worker has no such binding.
    pub fn from_env(env: &Env, name: &str) -> Option<Self> {
        let binding = Reflect::get(env, &JsValue::from_str(name)).ok()?;
        if binding.is_object() {
            Some(Kv(binding.unchecked_into()))
        } else {
            None
        }
    }
}

/// The error a KV promise rejected with, as text for the log (never for clients).
pub(crate) fn store_error(error: JsValue) -> StoreError {
    let message = Reflect::get(&error, &JsValue::from_str("message")).ok().and_then(|m| m.as_string());
    StoreError(message.or_else(|| error.as_string()).unwrap_or_else(|| "KV call failed".to_owned()))
}

pub(crate) fn options(fields: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (name, value) in fields {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(name), value);
    }
    object
}

impl Store for Kv {
    async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        let value = JsFuture::from(self.0.get(key)).await.map_err(store_error)?;
        Ok(value.as_string())
    }

    async fn put(&self, key: &str, value: &str, ttl_secs: Option<u64>) -> Result<(), StoreError> {
        let fields: Vec<(&str, JsValue)> = match ttl_secs {
            // TTLs are seconds well below 2^53: exact as a JS number.
            Some(ttl) => vec![("expirationTtl", JsValue::from_f64(ttl as f64))],
            None => Vec::new(),
        };
        JsFuture::from(self.0.put(key, value, &options(&fields))).await.map_err(store_error)?;
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        JsFuture::from(self.0.delete(key)).await.map_err(store_error)?;
        Ok(())
    }

    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        let limit = limit.clamp(1, 1000);
        let request =
            options(&[("prefix", JsValue::from_str(prefix)), ("limit", JsValue::from_f64(limit as f64))]);
        let listed = JsFuture::from(self.0.list(&request)).await.map_err(store_error)?;
        let keys = Reflect::get(&listed, &JsValue::from_str("keys")).map_err(store_error)?;
        let keys: Array = keys.dyn_into().map_err(|_| StoreError("KV list answered without keys".into()))?;
        Ok(keys
            .iter()
            .filter_map(|k| Reflect::get(&k, &JsValue::from_str("name")).ok().and_then(|n| n.as_string()))
            .collect())
    }
}
