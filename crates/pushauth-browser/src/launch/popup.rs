//! `popup` mode: the hosted UI in an `<iframe>` inside a modal `<dialog>` over the page.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, HtmlDialogElement, HtmlElement, HtmlIFrameElement};

use super::hosted_message::Listener;
use super::{deferred, Target, CALL};
use crate::error_code::ErrorCode;
use crate::js_error::{invalid_argument, sdk_error};
use crate::js_read::{must, Props};

/// The dialog's element id; one pushauth popup at a time.
pub const POPUP_ID: &str = "pushauth-popup";
const DEFAULT_WIDTH: &str = "400px";
const DEFAULT_HEIGHT: &str = "560px";

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

/// Shows the popup and waits until it closes; `Some(token)` when the hosted UI approved.
pub async fn show(target: &Target, options: PopupOptions) -> Result<Option<String>, JsValue> {
    let document = target.window.document().ok_or_else(|| invalid_argument("launch needs a document."))?;
    if document.get_element_by_id(POPUP_ID).is_some() {
        return Err(sdk_error(ErrorCode::PopupAlreadyOpen, ""));
    }
    let body = document.body().ok_or_else(|| invalid_argument("launch needs a document body."))?;

    let dialog: HtmlDialogElement = document.create_element("dialog")?.unchecked_into();
    dialog.set_id(POPUP_ID);
    dialog.set_attribute("aria-label", "Approve on your phone")?;
    set_style(&dialog, "padding:0;border:0;border-radius:8px;max-width:95vw;max-height:95vh;overflow:hidden;background:transparent")?;
    let style = document.create_element("style")?;
    style.set_text_content(Some("#pushauth-popup::backdrop{background:rgba(0,0,0,.18)}"));
    let iframe: HtmlIFrameElement = document.create_element("iframe")?.unchecked_into();
    iframe.set_title("Approve on your phone");
    iframe.set_attribute("allow", "clipboard-write")?;
    set_style(&iframe, "display:block;border:0;max-width:95vw;max-height:95vh")?;
    size(&iframe, "width", options.width.as_deref(), DEFAULT_WIDTH)?;
    size(&iframe, "height", options.height.as_deref(), DEFAULT_HEIGHT)?;
    iframe.set_src(&target.popup_url);
    dialog.append_child(&style)?;
    dialog.append_child(&iframe)?;
    body.append_child(&dialog)?;

    let opened = wait_until_closed(target, &dialog, &iframe, options.is_closable.unwrap_or(true)).await;
    dialog.remove();
    opened
}

/// Opens the dialog, listens, and returns the token once it has closed.
async fn wait_until_closed(
    target: &Target,
    dialog: &HtmlDialogElement,
    iframe: &HtmlIFrameElement,
    closable: bool,
) -> Result<Option<String>, JsValue> {
    let (closed, resolve) = deferred()?;
    dialog.add_event_listener_with_callback("close", &resolve)?;

    let token = Rc::new(RefCell::new(None));
    let source: JsValue = iframe.content_window().map(Into::into).unwrap_or(JsValue::NULL);
    let on_finish = {
        let token = Rc::clone(&token);
        let dialog = dialog.clone();
        Box::new(move |t: Option<String>| {
            *token.borrow_mut() = t;
            dialog.close();
        })
    };
    let _listener =
        Listener::add(&target.window, target.origin.clone(), source, target.on_error.clone(), on_finish)?;
    // Escape fires `cancel`; a click on the backdrop lands on the dialog element itself.
    let dialog_for_click = dialog.clone();
    let on_click = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        if closable && event.target().is_some_and(|t| t == *dialog_for_click.as_ref()) {
            dialog_for_click.close();
        }
    });
    let on_cancel = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        if !closable {
            event.prevent_default();
        }
    });
    dialog.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())?;
    dialog.add_event_listener_with_callback("cancel", on_cancel.as_ref().unchecked_ref())?;
    dialog.show_modal()?;

    JsFuture::from(closed).await?;
    let _ = dialog.remove_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    let _ = dialog.remove_event_listener_with_callback("cancel", on_cancel.as_ref().unchecked_ref());
    let _ = dialog.remove_event_listener_with_callback("close", &resolve);
    let token = token.borrow_mut().take();
    Ok(token)
}

fn set_style(element: &HtmlElement, css: &str) -> Result<(), JsValue> {
    element.style().set_css_text(css);
    Ok(())
}

/// Sets a CSS size: the default first, then the caller's value, which the browser ignores
/// when it is not valid CSS.
fn size(element: &HtmlElement, property: &str, value: Option<&str>, default: &str) -> Result<(), JsValue> {
    let style = element.style();
    style.set_property(property, default)?;
    if let Some(value) = value {
        style.set_property(property, value)?;
    }
    Ok(())
}
