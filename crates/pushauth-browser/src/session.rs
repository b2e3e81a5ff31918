//! The state a `PushAuth` shares with its `push` object: where the Worker is, the track
//! token, and the `onTokenExpired` callback.

use alloc::string::String;
use core::cell::RefCell;

use js_sys::Function;
use wasm_bindgen::JsValue;

/// One client's settings and token.
pub struct Session {
    /// The base URL, with the version path (`https://auth.example.com/v1`), no trailing slash.
    pub base_url: String,
    /// The tenant's id, as given to the constructor.
    pub tenant_id: String,
    token: RefCell<Option<String>>,
    on_token_expired: Option<Function>,
}

impl Session {
    /// A session without a token.
    pub fn new(base_url: String, tenant_id: String, on_token_expired: Option<Function>) -> Self {
        Session { base_url, tenant_id, token: RefCell::new(None), on_token_expired }
    }

    /// The track token, if one is set.
    pub fn token(&self) -> Option<String> {
        self.token.borrow().clone()
    }

    /// Sets the token; an empty one unsets it.
    pub fn set_token(&self, token: Option<String>) {
        *self.token.borrow_mut() = token.filter(|t| !t.is_empty());
    }

    /// Tells the caller the Worker said the token has expired. An exception thrown by the
    /// callback is the caller's; it does not disturb the SDK.
    pub fn token_expired(&self) {
        if let Some(callback) = &self.on_token_expired {
            let _ = callback.call0(&JsValue::UNDEFINED);
        }
    }
}
