//! `launch`'s `popupOptions` and `windowOptions`, as `@authsignal/browser` takes them.

use alloc::string::String;

use wasm_bindgen::JsValue;

use super::CALL;
use crate::js_read::{must, Props};

/// `popupOptions`: the dialog's size and whether the user may close it.
pub struct PopupOptions {
    /// A CSS width; an invalid value leaves the default.
    pub width: Option<String>,
    /// A CSS height; an invalid value leaves the default.
    pub height: Option<String>,
    /// Whether Escape and a click on the backdrop close the popup (default true).
    pub is_closable: Option<bool>,
}

impl PopupOptions {
    /// Reads `{ width?, height?, isClosable? }` (absent: all defaults).
    pub fn read(value: &JsValue) -> Result<Self, JsValue> {
        let p = Props::of(value);
        Ok(PopupOptions {
            width: must(p.opt_string("width"), CALL, "popupOptions.width", "a string")?,
            height: must(p.opt_string("height"), CALL, "popupOptions.height", "a string")?,
            is_closable: must(p.opt_bool("isClosable"), CALL, "popupOptions.isClosable", "a boolean")?,
        })
    }
}

/// The window's size when `windowOptions` does not give one, in pixels.
pub const DEFAULT_WINDOW: (f64, f64) = (400.0, 560.0);

/// `windowOptions`: the window's size in pixels, each within 100–4,000.
pub struct WindowOptions {
    /// The width.
    pub width: f64,
    /// The height.
    pub height: f64,
}

impl WindowOptions {
    /// Reads `{ width?, height? }` (absent: the defaults).
    pub fn read(value: &JsValue) -> Result<Self, JsValue> {
        let p = Props::of(value);
        let pixels =
            |n: Option<f64>, default: f64| n.map_or(default, |n| f64::from(n.clamp(100.0, 4000.0) as u32));
        Ok(WindowOptions {
            width: pixels(
                must(p.opt_number("width"), CALL, "windowOptions.width", "a number")?,
                DEFAULT_WINDOW.0,
            ),
            height: pixels(
                must(p.opt_number("height"), CALL, "windowOptions.height", "a number")?,
                DEFAULT_WINDOW.1,
            ),
        })
    }
}
