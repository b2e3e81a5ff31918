//! `client.launch(url, { mode })`: opens the hosted UI the backend's `track` returned, by
//! redirect, in a dialog over the page (`popup`), or in a window (`window`), like
//! `@authsignal/browser`'s `launch`.

mod hosted_message;
mod popup;
mod window;

use js_sys::{Function, Promise};
use serde::Serialize;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::future_to_promise;

use crate::js_error::invalid_argument;
use crate::js_read::{callback, must, Props};
use crate::js_value::to_js;
use crate::url::with_popup_mode;

/// The name of the call, in error messages.
const CALL: &str = "launch";

/// What popup and window modes resolve to: `{ token }`, or `{}` when the user closed the
/// hosted UI before it finished.
#[derive(Serialize)]
struct TokenPayload {
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

/// Everything a mode needs to open the hosted UI and trust its messages.
struct Target {
    window: web_sys::Window,
    /// The hosted UI's URL with `mode=popup`.
    popup_url: String,
    /// Only messages from this origin are read: the origin of the URL given to `launch`.
    origin: String,
    on_error: Option<Function>,
}

/// Runs `launch`; see `PushAuth::launch`.
pub fn launch(url: String, options: JsValue) -> Promise {
    future_to_promise(async move {
        let p = Props::of(&options);
        let mode = must(p.opt_string("mode"), CALL, "mode", "a string")?;
        let on_error = callback(&p, CALL, "onError")?;
        let window = web_sys::window().ok_or_else(|| invalid_argument("launch needs a window."))?;
        let parsed = web_sys::Url::new(&url).map_err(|_| invalid_argument("url must be an absolute URL."))?;
        if parsed.protocol() != "https:" && parsed.protocol() != "http:" {
            return Err(invalid_argument("url must be an http(s) URL."));
        }
        let target = Target { window, popup_url: with_popup_mode(&url), origin: parsed.origin(), on_error };
        let token = match mode.as_deref().unwrap_or("redirect") {
            "redirect" => {
                target.window.location().set_href(&url)?;
                None
            }
            "popup" => popup::show(&target, popup::PopupOptions::read(&p.get("popupOptions"))?).await?,
            "window" => window::open(&target, window::WindowOptions::read(&p.get("windowOptions"))?).await?,
            _ => return Err(invalid_argument("mode must be \"redirect\", \"popup\" or \"window\".")),
        };
        Ok(to_js(&TokenPayload { token }))
    })
}

/// A promise and the function that resolves it.
fn deferred() -> Result<(Promise, Function), JsValue> {
    let mut resolve_fn = None;
    let promise = Promise::new(&mut |resolve, _reject| resolve_fn = Some(resolve));
    // The executor runs synchronously inside `new Promise`, so the function is always there.
    let resolve = resolve_fn.ok_or_else(|| invalid_argument("Promise executor did not run."))?;
    Ok((promise, resolve))
}
