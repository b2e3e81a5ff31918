//! `new PushAuth({ baseUrl, tenantId, onTokenExpired? })`: the SDK's entry point, shaped like
//! `@authsignal/browser`'s `Authsignal` so code moves over with a changed import.

use alloc::rc::Rc;
use alloc::string::String;

use js_sys::Promise;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::js_error::invalid_argument;
use crate::js_read::{callback, must, Props};
use crate::launch::launch;
use crate::push::Push;
use crate::session::Session;
use crate::url::normalise_base_url;

/// A pushauth client for one page: holds the track token and talks to the Worker.
#[wasm_bindgen]
pub struct PushAuth {
    session: Rc<Session>,
}

#[wasm_bindgen]
impl PushAuth {
    /// Creates a client. `baseUrl` includes the API version, like `@authsignal/browser`'s:
    /// `https://auth.example.com/v1`. Throws a `PushAuthError` with code `invalid_argument`
    /// when `baseUrl` is missing or not an `http(s)` URL.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "PushAuthOptions")] options: JsValue,
    ) -> Result<PushAuth, JsValue> {
        const CALL: &str = "new PushAuth";
        let p = Props::of(&options);
        let base_url = must(p.opt_string("baseUrl"), CALL, "baseUrl", "a string")?
            .as_deref()
            .and_then(normalise_base_url)
            .ok_or_else(|| {
                invalid_argument(
                    "new PushAuth: baseUrl must be an http(s) URL such as https://auth.example.com/v1.",
                )
            })?;
        let tenant_id = must(p.opt_string("tenantId"), CALL, "tenantId", "a string")?;
        let on_token_expired = callback(&p, CALL, "onTokenExpired")?;
        let session = Session::new(base_url, tenant_id.unwrap_or_default(), on_token_expired);
        Ok(PushAuth { session: Rc::new(session) })
    }

    /// Sets the track token the backend's `track` call returned. Calls made before this
    /// resolve to the `token_not_set` error without a request.
    #[wasm_bindgen(js_name = setToken)]
    pub fn set_token(&self, token: Option<String>) {
        self.session.set_token(token);
    }

    /// `push.challenge`, for the package's JS (npm/client.js builds `push` from these three).
    #[wasm_bindgen(js_name = challenge)]
    pub fn push_challenge(&self, params: JsValue) -> Promise {
        self.push().challenge(params)
    }

    /// `push.verify`.
    #[wasm_bindgen(js_name = verify)]
    pub fn push_verify(&self, params: JsValue) -> Promise {
        self.push().verify(params)
    }

    /// `push.waitForResult`.
    #[wasm_bindgen(js_name = waitForResult)]
    pub fn push_wait_for_result(&self, params: JsValue) -> Promise {
        self.push().wait_for_result(params)
    }

    /// Opens the hosted UI at `url` (the `url` of the backend's `track`). `redirect` (the
    /// default) navigates there; `popup` shows it in a dialog over the page; `window` opens a
    /// window. Popup and window resolve to `{ token? }` once the hosted UI finishes (no token
    /// when the user closes it first), trusting only messages from `url`'s origin.
    #[wasm_bindgen(unchecked_return_type = "Promise<TokenPayload>")]
    pub fn launch(
        &self,
        url: String,
        #[wasm_bindgen(unchecked_optional_param_type = "LaunchOptions")] options: JsValue,
    ) -> Promise {
        launch(url, options)
    }
}

// Not exported to JS: the package's JS (npm/client.js) keeps these itself. Rust callers (the
// browser tests) use them.
impl PushAuth {
    /// Push challenges: `challenge`, `verify`, `waitForResult`.
    pub fn push(&self) -> Push {
        Push::new(Rc::clone(&self.session))
    }

    /// The base URL in use (normalised: no trailing slash).
    pub fn base_url(&self) -> String {
        self.session.base_url.clone()
    }

    /// The tenant id given to the constructor (`""` if none).
    pub fn tenant_id(&self) -> String {
        self.session.tenant_id.clone()
    }
}
