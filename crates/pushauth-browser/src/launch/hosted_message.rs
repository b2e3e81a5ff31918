//! The messages the hosted UI posts to its opener or parent (`JSON.stringify`-ed):
//! `AUTHSIGNAL_CLOSE_POPUP { token }`, `AUTHSIGNAL_API_ERROR { errorCode, statusCode }` and
//! `AUTHSIGNAL_READY`. Which senders are trusted is decided in `decide.rs`.

use alloc::string::String;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::js_read::Props;
use crate::js_value::{JsObject, ToJs};

#[wasm_bindgen(inline_js = r#"
export const fromJson = (data) => (typeof data == "string" ? JSON.parse(data) : undefined);
"#)]
extern "C" {
    /// `JSON.parse(data)` when `data` is a string (throwing when it is not JSON); `undefined`
    /// when it is not a string. (The string stays in JS: `js_sys::JSON::parse` takes a `&str`,
    /// so the message went into the wasm's memory and back out.)
    #[wasm_bindgen(catch, js_name = fromJson)]
    fn from_json(data: &JsValue) -> Result<JsValue, JsValue>;
}

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
    let value = from_json(data).ok()?;
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
