//! What one `POST` to the Worker came back with (the `fetch` itself is in `io.rs`).

use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

use crate::backoff::parse_retry_after;
use crate::js_read::Props;

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

/// Reads what `io::post` came back with.
pub fn fetched(answer: &JsValue, signal: Option<&AbortSignal>) -> Fetched {
    let aborted = signal.is_some_and(AbortSignal::aborted);
    let p = Props::of(answer);
    let Some(status) = p.opt_number("status").ok().flatten() else {
        return if aborted { Fetched::Aborted } else { Fetched::NetworkError };
    };
    let json = p.get("json");
    let json = (!json.is_undefined()).then_some(json);
    if json.is_none() && aborted {
        return Fetched::Aborted;
    }
    let retry_after_secs = p.opt_string("retryAfter").ok().flatten().and_then(|h| parse_retry_after(&h));
    Fetched::Response { status: status as u16, json, retry_after_secs }
}
