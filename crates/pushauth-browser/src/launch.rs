//! `client.launch(url, { mode })`: opens the hosted UI the backend's `track` returned, by
//! redirect, in a dialog over the page (`popup`), or in a window (`window`), like
//! `@authsignal/browser`'s `launch`.
//!
//! Rust checks the arguments and the URL and decides which messages count (`decide.rs`); one
//! JS function (`show.rs`) does the DOM work and makes the promise. An `async` version of
//! `launch` compiled to about 20 KB of wasm, a third of the SDK; a Rust watch of the popup or
//! window over DOM imports (the version before this one) still to about 10 KB.

mod decide;
mod hosted_message;
mod options;
mod show;

use alloc::string::String;

use js_sys::{Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::error_code::ErrorCode;
use crate::js_error::{invalid_argument, sdk_error};
use crate::js_read::{callback, must, Props};
use crate::url::with_popup_mode;
use decide::Trust;
use options::{PopupOptions, WindowOptions};

/// The name of the call, in error messages.
const CALL: &str = "launch";

/// Runs `launch`; see `PushAuth::launch`. Invalid arguments reject the promise.
pub fn launch(url: String, options: JsValue) -> Promise {
    start(url, &options).unwrap_or_else(|error| Promise::reject(&error))
}

fn start(url: String, options: &JsValue) -> Result<Promise, JsValue> {
    let p = Props::of(options);
    let mode = must(p.opt_string("mode"), CALL, "mode", "a string")?;
    let on_error = callback(&p, CALL, "onError")?;
    let parsed = web_sys::Url::new(&url).map_err(|_| invalid_argument("url must be an absolute URL."))?;
    let protocol = parsed.protocol();
    if protocol != "https:" && protocol != "http:" {
        return Err(invalid_argument("url must be an http(s) URL."));
    }
    let unset = JsValue::UNDEFINED;
    let (mode, width, height, closable) = match mode.as_deref().unwrap_or("redirect") {
        "redirect" => (0, unset.clone(), unset, true),
        "popup" => {
            let o = PopupOptions::read(&p.get("popupOptions"))?;
            let css = |v: Option<String>| v.map_or(JsValue::UNDEFINED, |v| JsValue::from_str(&v));
            (1, css(o.width), css(o.height), o.is_closable.unwrap_or(true))
        }
        "window" => {
            let o = WindowOptions::read(&p.get("windowOptions"))?;
            (2, JsValue::from_f64(o.width), JsValue::from_f64(o.height), true)
        }
        _ => return Err(invalid_argument("mode must be \"redirect\", \"popup\" or \"window\".")),
    };
    // Popup and window add `mode=popup`, as `@authsignal/browser` does for both.
    let shown_url = if mode == 0 { url } else { with_popup_mode(&url) };
    let trust = Trust { origin: parsed.origin(), on_error };
    let decide: Function = Closure::<dyn Fn(JsValue, bool, JsValue) -> JsValue>::new(
        move |origin: JsValue, from_hosted_ui: bool, data: JsValue| {
            trust.decide(&origin, from_hosted_ui, &data)
        },
    )
    .into_js_value()
    .unchecked_into();
    let shown = show::show(mode, &shown_url, &width, &height, closable, &decide)?;
    match shown.as_f64() {
        None => Ok(shown.unchecked_into()),
        Some(2.0) => Err(sdk_error(ErrorCode::PopupAlreadyOpen, "")),
        Some(3.0) => Err(sdk_error(ErrorCode::PopupBlocked, "")),
        Some(4.0) => Err(invalid_argument("launch needs a document body.")),
        Some(_) => Err(invalid_argument("launch needs a window.")),
    }
}
