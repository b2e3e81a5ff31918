//! `window` mode: the hosted UI in a separate browser window.

use js_sys::Promise;
use wasm_bindgen::JsValue;

use super::watch::{watch, Surface};
use super::{Target, CALL};
use crate::error_code::ErrorCode;
use crate::js_error::sdk_error;
use crate::js_read::{must, Props};
use crate::window_features::{centre, window_features};

const DEFAULT_WIDTH: u32 = 400;
const DEFAULT_HEIGHT: u32 = 560;
/// How often to notice that the user closed the window.
const CLOSED_CHECK_MS: i32 = 500;

/// `windowOptions`, as `@authsignal/browser` takes them (pixels).
pub struct WindowOptions {
    width: Option<u32>,
    height: Option<u32>,
}

impl WindowOptions {
    /// Reads `{ width?, height? }` (absent: the defaults).
    pub fn read(value: &JsValue) -> Result<Self, JsValue> {
        let p = Props::of(value);
        let pixels = |n: Option<f64>| n.map(|n| n.clamp(100.0, 4000.0) as u32);
        Ok(WindowOptions {
            width: pixels(must(p.opt_number("width"), CALL, "windowOptions.width", "a number")?),
            height: pixels(must(p.opt_number("height"), CALL, "windowOptions.height", "a number")?),
        })
    }
}

/// Opens the window, centred over the page; the promise resolves once the hosted UI finishes
/// or the user closes the window. Rejects with `popup_blocked` when the browser refuses to
/// open it.
pub fn open(target: Target, options: WindowOptions) -> Result<Promise, JsValue> {
    let window = &target.window;
    let width = options.width.unwrap_or(DEFAULT_WIDTH);
    let height = options.height.unwrap_or(DEFAULT_HEIGHT);
    let number = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    let left = centre(number(window.screen_x()), number(window.outer_width()), width);
    let top = centre(number(window.screen_y()), number(window.outer_height()), height);
    let features = window_features(width, height, left, top);
    let opened = window
        .open_with_url_and_target_and_features(&target.popup_url, "_blank", &features)?
        .ok_or_else(|| sdk_error(ErrorCode::PopupBlocked, ""))?;
    let watched = opened.clone();
    let shown = watch(target, |window, listener| {
        let interval =
            window.set_interval_with_callback_and_timeout_and_arguments_0(listener, CLOSED_CHECK_MS)?;
        let source = watched.clone().into();
        Ok((Surface::Window { opened: watched, interval, seen_closed: 0 }, source))
    });
    if shown.is_err() {
        // Nothing would ever close it or read its messages.
        let _ = opened.close();
    }
    shown
}
