//! The messages the hosted UI posts to its opener or parent (`JSON.stringify`-ed):
//! `AUTHSIGNAL_CLOSE_POPUP { token }`, `AUTHSIGNAL_API_ERROR { errorCode, statusCode }` and
//! `AUTHSIGNAL_READY`. Which senders are trusted is decided in `decide.rs`.

use alloc::string::String;
use wasm_bindgen::JsValue;

use crate::js_read::Props;
use crate::js_value::{JsObject, ToJs};

/// A message the hosted UI posts.
pub enum Message {
    /// The hosted UI finished: a token when approved.
    Close {
        /// The result token for the backend's `validate`.
        token: Option<String>,
    },
    /// An API call of the hosted UI failed; what `onError` receives.
    ApiError(ApiError),
    /// Anything else (`AUTHSIGNAL_READY`…): nothing to do.
    Other,
}

/// What `onError` receives: `{ errorCode?, statusCode? }`.
pub struct ApiError {
    error_code: Option<String>,
    status_code: Option<f64>,
}

impl ToJs for ApiError {
    fn to_js(&self) -> JsValue {
        JsObject::new()
            .opt_str("errorCode", self.error_code.as_deref())
            .opt_f64("statusCode", self.status_code)
            .build()
    }
}

/// A message's data: a JSON string of the shape above; anything else is `None`.
pub fn parse(data: &JsValue) -> Option<Message> {
    let text = data.as_string()?;
    let value = js_sys::JSON::parse(&text).ok()?;
    let p = Props::of(&value);
    let event = p.opt_string("event").ok()??;
    Some(match event.as_str() {
        "AUTHSIGNAL_CLOSE_POPUP" => Message::Close { token: p.opt_string("token").ok()? },
        "AUTHSIGNAL_API_ERROR" => Message::ApiError(ApiError {
            error_code: p.opt_string("errorCode").ok()?,
            status_code: p.opt_number("statusCode").ok()?,
        }),
        _ => Message::Other,
    })
}
