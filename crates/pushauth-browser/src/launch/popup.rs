//! `popup` mode: the hosted UI in an `<iframe>` inside a modal `<dialog>` over the page.

use alloc::string::String;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::watch::{watch, Surface};
use super::{Target, CALL};
use crate::error_code::ErrorCode;
use crate::js_error::{invalid_argument, sdk_error};
use crate::js_read::{must, Props};

// The dialog and its iframe are built in JavaScript: a dozen DOM calls made from Rust are a
// dozen imports, each with its glue, and cost more than these lines.
#[wasm_bindgen(inline_js = r##"
export function showDialog(url, width, height, listener) {
  if (document.getElementById("pushauth-popup")) return 0;
  const body = document.body;
  if (!body) return null;
  const dialog = document.createElement("dialog");
  dialog.id = "pushauth-popup";
  dialog.setAttribute("aria-label", "Approve on your phone");
  dialog.style.cssText =
    "padding:0;border:0;border-radius:8px;max-width:95vw;max-height:95vh;overflow:hidden;background:transparent";
  const style = document.createElement("style");
  style.textContent = "#pushauth-popup::backdrop{background:rgba(0,0,0,.18)}";
  const iframe = document.createElement("iframe");
  iframe.title = "Approve on your phone";
  iframe.setAttribute("allow", "clipboard-write");
  iframe.style.cssText = "display:block;border:0;max-width:95vw;max-height:95vh;width:400px;height:560px";
  // The caller's sizes: the browser ignores a value that is not valid CSS, leaving the default.
  if (width != null) iframe.style.width = width;
  if (height != null) iframe.style.height = height;
  iframe.src = url;
  dialog.append(style, iframe);
  body.append(dialog);
  for (const type of ["click", "cancel", "close"]) dialog.addEventListener(type, listener);
  try {
    dialog.showModal();
  } catch (error) {
    dialog.remove();
    throw error;
  }
  // The iframe's window exists once it is in the page, and stays while it navigates.
  return { dialog, source: iframe.contentWindow };
}
"##)]
extern "C" {
    /// Puts the dialog (id `pushauth-popup`) with the iframe showing `url` in the page, with
    /// `listener` on its `click`, `cancel` and `close` events, and shows it modal. Returns
    /// `{ dialog, source }` (`source`: the iframe's window), `0` when a pushauth popup is
    /// already open, `null` when the page has no body; throws what `showModal` throws.
    #[wasm_bindgen(catch, js_name = showDialog)]
    fn show_dialog(
        url: &str,
        width: Option<&str>,
        height: Option<&str>,
        listener: &Function,
    ) -> Result<JsValue, JsValue>;
}

/// `popupOptions`, as `@authsignal/browser` takes them.
pub struct PopupOptions {
    /// A CSS width; an invalid value leaves the default.
    width: Option<String>,
    /// A CSS height; an invalid value leaves the default.
    height: Option<String>,
    /// Whether Escape and a click on the backdrop close the popup (default true).
    is_closable: Option<bool>,
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

/// Shows the popup; the promise resolves once it closes, to `{ token }` when the hosted UI
/// approved.
pub fn show(target: Target, options: PopupOptions) -> Result<Promise, JsValue> {
    let closable = options.is_closable.unwrap_or(true);
    let url = target.popup_url.clone();
    watch(target, |_, listener| {
        let shown = show_dialog(&url, options.width.as_deref(), options.height.as_deref(), listener)?;
        if shown.is_null() {
            return Err(invalid_argument("launch needs a document body."));
        }
        if !shown.is_object() {
            return Err(sdk_error(ErrorCode::PopupAlreadyOpen, ""));
        }
        let shown = Props::of(&shown);
        let surface = Surface::Dialog { dialog: shown.get("dialog").unchecked_into(), closable };
        Ok((surface, shown.get("source")))
    })
}
