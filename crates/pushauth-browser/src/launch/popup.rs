//! `popup` mode: the hosted UI in an `<iframe>` inside a modal `<dialog>` over the page.

use js_sys::Promise;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, HtmlDialogElement, HtmlIFrameElement};

use super::watch::{watch, Surface, DIALOG_EVENTS};
use super::{Target, CALL};
use crate::error_code::ErrorCode;
use crate::js_error::{invalid_argument, sdk_error};
use crate::js_read::{must, Props};

/// The dialog's element id; one pushauth popup at a time.
pub const POPUP_ID: &str = "pushauth-popup";
/// The iframe's style, with its default size.
const DEFAULT_IFRAME_CSS: &str =
    "display:block;border:0;max-width:95vw;max-height:95vh;width:400px;height:560px";

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
    let document = target.window.document().ok_or_else(|| invalid_argument("launch needs a document."))?;
    if document.get_element_by_id(POPUP_ID).is_some() {
        return Err(sdk_error(ErrorCode::PopupAlreadyOpen, ""));
    }
    let body = document.body().ok_or_else(|| invalid_argument("launch needs a document body."))?;
    let (dialog, iframe) = build(&document, &target.popup_url, &options)?;
    body.append_child(&dialog)?;

    // The iframe's window exists once it is in the page, and stays while it navigates.
    let source: JsValue = iframe.content_window().map_or(JsValue::NULL, Into::into);
    let closable = options.is_closable.unwrap_or(true);
    let shown = watch(target, source, |_, listener| {
        for event in DIALOG_EVENTS {
            dialog.add_event_listener_with_callback(event, listener)?;
        }
        dialog.show_modal()?;
        Ok(Surface::Dialog { dialog: dialog.clone(), closable })
    });
    if shown.is_err() {
        dialog.remove();
    }
    shown
}

/// The dialog, not yet in the page, and the iframe in it showing `url`.
fn build(
    document: &Document,
    url: &str,
    options: &PopupOptions,
) -> Result<(HtmlDialogElement, HtmlIFrameElement), JsValue> {
    let dialog: HtmlDialogElement = document.create_element("dialog")?.unchecked_into();
    dialog.set_id(POPUP_ID);
    dialog.set_attribute("aria-label", "Approve on your phone")?;
    dialog.style().set_css_text(
        "padding:0;border:0;border-radius:8px;max-width:95vw;max-height:95vh;overflow:hidden;background:transparent",
    );
    let style = document.create_element("style")?;
    style.set_text_content(Some("#pushauth-popup::backdrop{background:rgba(0,0,0,.18)}"));
    let iframe: HtmlIFrameElement = document.create_element("iframe")?.unchecked_into();
    iframe.set_title("Approve on your phone");
    iframe.set_attribute("allow", "clipboard-write")?;
    let style_of_iframe = iframe.style();
    style_of_iframe.set_css_text(DEFAULT_IFRAME_CSS);
    // The caller's sizes: the browser ignores a value that is not valid CSS, leaving the default.
    for (property, value) in [("width", &options.width), ("height", &options.height)] {
        if let Some(value) = value {
            style_of_iframe.set_property(property, value)?;
        }
    }
    iframe.set_src(url);
    dialog.append_child(&style)?;
    dialog.append_child(&iframe)?;
    Ok((dialog, iframe))
}
