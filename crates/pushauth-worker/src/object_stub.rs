//! The front Worker's way to users' objects: the `USERS` namespace's stubs, called through their
//! JavaScript methods. The `worker` crate's `Request`/`RequestInit` would bring their `cf`
//! options (serialised with `serde-wasm-bindgen`) into the wasm for one call.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use worker::js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use worker::wasm_bindgen_futures::JsFuture;
use worker::{Env, Response, Result};

use crate::api_error::ApiError;
use crate::app::{ObjectReply, Objects};
use crate::http::{ApiRequest, ApiResponse};
use crate::kv_store::options;
use crate::worker_response::to_response;

/// The binding of the users' objects in `wrangler.toml`.
pub const BINDING: &str = "USERS";

#[wasm_bindgen]
extern "C" {
    /// A Durable Object namespace binding (`env.USERS`).
    #[wasm_bindgen(extends = Object)]
    type Namespace;
    #[wasm_bindgen(method, catch, js_name = idFromName)]
    fn id_from_name(this: &Namespace, name: &str) -> core::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn get(this: &Namespace, id: &JsValue) -> core::result::Result<Stub, JsValue>;

    /// A stub of one object.
    #[wasm_bindgen(extends = Object)]
    type Stub;
    #[wasm_bindgen(method, catch)]
    fn fetch(this: &Stub, url: &str, init: &Object) -> core::result::Result<Promise, JsValue>;
}

/// The front Worker's way to the users' objects. It calls the binding's JavaScript methods
/// directly: the `worker` crate's `Request`/`RequestInit` would bring their `cf` options
/// (serialised with `serde-wasm-bindgen`) into the wasm for one call.
pub struct UserObjects(Namespace);

fn js_error(error: JsValue) -> String {
    Reflect::get(&error, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "object call failed".to_owned())
}

impl UserObjects {
    /// The namespace bound as [`BINDING`]; `None` when the Worker has no such binding.
    pub fn from_env(env: &Env) -> Option<Self> {
        let binding = Reflect::get(env, &JsValue::from_str(BINDING)).ok()?;
        binding.is_object().then(|| UserObjects(binding.unchecked_into()))
    }

    /// Sends `req` to the object named `name`; answers the runtime's response object.
    async fn fetch(&self, name: &str, req: &ApiRequest) -> core::result::Result<JsValue, String> {
        let stub = self.0.get(&self.0.id_from_name(name).map_err(js_error)?).map_err(js_error)?;
        let headers = Object::new();
        for (header, value) in &req.headers {
            Reflect::set(&headers, &JsValue::from_str(header), &JsValue::from_str(value))
                .map_err(js_error)?;
        }
        let init = options(&[("method", JsValue::from_str(&req.method)), ("headers", headers.into())]);
        if !req.body.is_empty() {
            Reflect::set(&init, &JsValue::from_str("body"), &Uint8Array::from(req.body.as_slice()))
                .map_err(js_error)?;
        }
        let url = format!("{}{}", req.origin, req.path_and_query());
        JsFuture::from(stub.fetch(&url, &init).map_err(js_error)?).await.map_err(js_error)
    }

    async fn send(&self, name: &str, req: &ApiRequest) -> core::result::Result<ApiResponse, String> {
        let response = self.fetch(name, req).await?;
        let field = |name: &str| Reflect::get(&response, &JsValue::from_str(name)).map_err(js_error);
        let status = field("status")?.as_f64().ok_or("no status")? as u16;
        let entries = Reflect::get(&field("headers")?, &JsValue::from_str("entries")).map_err(js_error)?;
        let entries: Function = entries.dyn_into().map_err(|_| "no headers")?;
        let iterator = entries.call0(&field("headers")?).map_err(js_error)?;
        let mut headers = Vec::new();
        for pair in Array::from(&iterator).iter() {
            let pair = Array::from(&pair);
            if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                headers.push((k, v));
            }
        }
        let read = Reflect::get(&response, &JsValue::from_str("arrayBuffer")).map_err(js_error)?;
        let read: Function = read.dyn_into().map_err(|_| "no body")?;
        let buffer: Promise = read.call0(&response).map_err(js_error)?.dyn_into().map_err(|_| "no body")?;
        let body = Uint8Array::new(&JsFuture::from(buffer).await.map_err(js_error)?).to_vec();
        Ok(ApiResponse { status, headers, body })
    }

    /// Sends a WebSocket request (its `Upgrade` and `Sec-WebSocket-*` headers included) to the
    /// object named `name`, and answers the object's response unchanged: a `101` carries the
    /// client end of the socket, which the runtime hands to the caller.
    pub async fn upgrade(&self, name: &str, req: &ApiRequest) -> Result<Response> {
        match self.fetch(name, req).await {
            Ok(response) => Ok(Response::from(response.unchecked_into::<worker::web_sys::Response>())),
            Err(e) => to_response(unreachable(&e).to_response()),
        }
    }
}

/// A user's object could not be reached: logged, and answered as storage being unavailable.
fn unreachable(error: &str) -> ApiError {
    worker::console_error!("user object unreachable: {error}");
    ApiError::storage()
}

impl Objects for UserObjects {
    fn forward<'f>(&'f self, name: &'f str, req: &'f ApiRequest) -> ObjectReply<'f> {
        Box::pin(async move { self.send(name, req).await.map_err(|e| unreachable(&e)) })
    }
}
