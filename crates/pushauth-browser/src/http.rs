//! One `POST` of JSON to the Worker through the global `fetch`, so it works in windows and in
//! workers alike.

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, RequestInit, Response};

use crate::backoff::parse_retry_after;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch(url, init)`.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str, init: &RequestInit) -> Promise;
}

/// What a request came back with.
pub enum Fetched {
    /// The Worker answered.
    Response {
        /// The HTTP status.
        status: u16,
        /// The body parsed as JSON, if it was JSON.
        json: Option<JsValue>,
        /// `Retry-After` in seconds, when present and readable (cross-origin, only if the
        /// Worker exposes the header).
        retry_after_secs: Option<u32>,
    },
    /// No answer: offline, DNS, TLS, or a CORS refusal, which the browser hides as one.
    NetworkError,
    /// The caller's signal aborted the request.
    Aborted,
}

/// `POST url` with a JSON body and `Authorization: Bearer <token>`.
pub async fn post_json(url: &str, token: &str, body: &str, signal: Option<&AbortSignal>) -> Fetched {
    let headers = Object::new();
    let mut authorization = String::with_capacity(token.len() + 7);
    authorization.push_str("Bearer ");
    authorization.push_str(token);
    // Setting properties on a fresh plain object cannot fail.
    let _ = Reflect::set(&headers, &"content-type".into(), &"application/json".into());
    let _ = Reflect::set(&headers, &"authorization".into(), &authorization.into());
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(body));
    init.set_signal(signal);
    let aborted = || signal.is_some_and(AbortSignal::aborted);

    let response: Response = match JsFuture::from(global_fetch(url, &init)).await {
        Ok(value) => match value.dyn_into() {
            Ok(response) => response,
            Err(_) => return Fetched::NetworkError,
        },
        Err(_) if aborted() => return Fetched::Aborted,
        Err(_) => return Fetched::NetworkError,
    };
    let retry_after_secs =
        response.headers().get("retry-after").ok().flatten().and_then(|h| parse_retry_after(&h));
    let json = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    if json.is_none() && aborted() {
        return Fetched::Aborted;
    }
    Fetched::Response { status: response.status(), json, retry_after_secs }
}
