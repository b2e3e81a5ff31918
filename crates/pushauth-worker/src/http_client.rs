//! Outgoing HTTP from the Worker: the runtime's `fetch`, called directly, with a timeout.
//!
//! Calling `fetch` through the `worker` crate's `Request`/`RequestInit` would bring its `cf`
//! options (image resizing and more, serialised with `serde-wasm-bindgen`) into the wasm for one
//! POST.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use worker::js_sys::{Object, Promise, Reflect, Uint8Array};
use worker::wasm_bindgen_futures::JsFuture;

use crate::http::HttpClient;

/// How long a receiver has to answer, in milliseconds.
const TIMEOUT_MS: u32 = 10_000;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn js_fetch(url: &str, init: &Object) -> Promise;

    #[wasm_bindgen(js_namespace = AbortSignal, js_name = timeout)]
    fn abort_after(ms: u32) -> JsValue;
}

/// The Worker's `fetch`.
pub struct WorkerFetch;

fn set(object: &Object, name: &str, value: &JsValue) -> Result<(), String> {
    Reflect::set(object, &JsValue::from_str(name), value)
        .map(|_| ())
        .map_err(|_| "bad request init".to_owned())
}

fn error_text(error: &JsValue) -> String {
    Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "fetch failed".to_owned())
}

impl HttpClient for WorkerFetch {
    async fn post(&self, url: &str, headers: &[(String, String)], body: &[u8]) -> Result<u16, String> {
        let header_object = Object::new();
        for (name, value) in headers {
            set(&header_object, name, &JsValue::from_str(value))?;
        }
        let init = Object::new();
        set(&init, "method", &JsValue::from_str("POST"))?;
        set(&init, "headers", &header_object)?;
        set(&init, "body", &Uint8Array::from(body))?;
        set(&init, "signal", &abort_after(TIMEOUT_MS))?;
        let response = JsFuture::from(js_fetch(url, &init)).await.map_err(|e| error_text(&e))?;
        let status = Reflect::get(&response, &JsValue::from_str("status")).map_err(|e| error_text(&e))?;
        // The body is not read: cancel it so the connection is released.
        if let Ok(body) = Reflect::get(&response, &JsValue::from_str("body")) {
            if let Ok(cancel) = Reflect::get(&body, &JsValue::from_str("cancel")) {
                if let Some(cancel) = wasm_bindgen::JsCast::dyn_ref::<worker::js_sys::Function>(&cancel) {
                    let _ = cancel.call0(&body);
                }
            }
        }
        status.as_f64().map(|s| s as u16).ok_or_else(|| "fetch answered without a status".to_owned())
    }
}
