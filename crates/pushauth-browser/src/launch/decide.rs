//! Which of the messages on the page count, and what `launch` resolves to: only the hosted
//! UI's, from the origin of the URL given to `launch` and from the frame or window it was
//! shown in. The JS of `show.rs` hands every message here.

use alloc::string::String;

use js_sys::Function;
use wasm_bindgen::JsValue;

use super::hosted_message::{parse, Message};
use crate::js_value::{JsObject, ToJs};

/// What `launch` resolves to: `{ token }`, or `{}` when the user closed the hosted UI before
/// it finished (and always `{}` in redirect mode).
pub fn token_payload(token: Option<String>) -> JsValue {
    JsObject::new().opt_str("token", token.as_deref()).build()
}

/// What one `launch` trusts and whom it tells about the hosted UI's API errors.
pub struct Trust {
    /// Only messages from this origin are read: the origin of the URL given to `launch`.
    pub origin: String,
    /// The caller's `onError`.
    pub on_error: Option<Function>,
}

impl Trust {
    /// Decides about one message: `undefined` to go on waiting, or what `launch` resolves
    /// to (`{ token? }`) once the hosted UI says it is finished. `from_hosted_ui`: the message
    /// came from the frame or window the hosted UI was shown in.
    pub fn decide(&self, origin: &JsValue, from_hosted_ui: bool, data: &JsValue) -> JsValue {
        if !from_hosted_ui || origin.as_string().as_deref() != Some(self.origin.as_str()) {
            return JsValue::UNDEFINED;
        }
        match parse(data) {
            Some(Message::Close { token }) => token_payload(token),
            Some(Message::ApiError(error)) => {
                if let Some(on_error) = &self.on_error {
                    // What the caller's callback throws is the caller's.
                    let _ = on_error.call1(&JsValue::UNDEFINED, &error.to_js());
                }
                JsValue::UNDEFINED
            }
            Some(Message::Other) | None => JsValue::UNDEFINED,
        }
    }
}
