//! `client.launch(url, { mode })`: opens the hosted UI the backend's `track` returned, by
//! redirect, in a dialog over the page (`popup`), or in a window (`window`), like
//! `@authsignal/browser`'s `launch`.
//!
//! Popup and window modes are written without Rust futures: the promise is made with
//! `new Promise`, and one JS function (see `watch.rs`) receives every event that can end it.
//! An `async` version of the same code compiled to about 20 KB of wasm, a third of the SDK.

use alloc::string::String;

mod hosted_message;
mod popup;
mod watch;
mod window;

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;

use crate::js_error::invalid_argument;
use crate::js_read::{callback, must, Props};
use crate::url::with_popup_mode;

pub use watch::token_payload;

/// The name of the call, in error messages.
const CALL: &str = "launch";

/// Everything a mode needs to open the hosted UI and trust its messages.
pub struct Target {
    window: web_sys::Window,
    /// The hosted UI's URL with `mode=popup`.
    popup_url: String,
    /// Only messages from this origin are read: the origin of the URL given to `launch`.
    origin: String,
    on_error: Option<Function>,
}

/// Runs `launch`; see `PushAuth::launch`. Invalid arguments reject the promise.
pub fn launch(url: String, options: JsValue) -> Promise {
    start(url, &options).unwrap_or_else(|error| Promise::reject(&error))
}

fn start(url: String, options: &JsValue) -> Result<Promise, JsValue> {
    let p = Props::of(options);
    let mode = must(p.opt_string("mode"), CALL, "mode", "a string")?;
    let on_error = callback(&p, CALL, "onError")?;
    let window = web_sys::window().ok_or_else(|| invalid_argument("launch needs a window."))?;
    let parsed = web_sys::Url::new(&url).map_err(|_| invalid_argument("url must be an absolute URL."))?;
    let protocol = parsed.protocol();
    if protocol != "https:" && protocol != "http:" {
        return Err(invalid_argument("url must be an http(s) URL."));
    }
    let target = Target { window, popup_url: with_popup_mode(&url), origin: parsed.origin(), on_error };
    match mode.as_deref().unwrap_or("redirect") {
        "redirect" => {
            target.window.location().set_href(&url)?;
            Ok(Promise::resolve(&token_payload(None)))
        }
        "popup" => popup::show(target, popup::PopupOptions::read(&p.get("popupOptions"))?),
        "window" => window::open(target, window::WindowOptions::read(&p.get("windowOptions"))?),
        _ => Err(invalid_argument("mode must be \"redirect\", \"popup\" or \"window\".")),
    }
}
