//! One open hosted UI, watched until it finishes: a single JS function is the `message`
//! listener on this window, the dialog's `click`/`cancel`/`close` listener (popup) and the
//! "was the window closed?" interval (window). When it ends, everything is removed and the
//! promise resolves to `{ token }` (approved) or `{}` (closed first).
//!
//! The function owns the state; the state holds the function only until it finishes, so the
//! cycle breaks then and the garbage collector frees both (`Closure::into_js_value`).

use alloc::rc::Rc;
use alloc::string::String;
use core::cell::RefCell;

use js_sys::{Function, Object, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Event, HtmlDialogElement, MessageEvent, Window};

use super::hosted_message::{parse, Message};
use super::Target;
use crate::js_value::{JsObject, ToJs};

/// What `launch` resolves to: `{ token }`, or `{}` when the user closed the hosted UI before
/// it finished (and always `{}` in redirect mode).
pub fn token_payload(token: Option<String>) -> JsValue {
    JsObject::new().opt_str("token", token.as_deref()).build()
}

/// Where the hosted UI is shown.
pub enum Surface {
    /// `popup`: a modal dialog over this page. When `closable`, Escape and a click on the
    /// backdrop close it.
    Dialog {
        /// The dialog, already in the page.
        dialog: HtmlDialogElement,
        /// Whether the user may close it.
        closable: bool,
    },
    /// `window`: a separate window, checked on an interval for having been closed.
    Window {
        /// The window `window.open` returned.
        opened: Window,
        /// The interval's handle.
        interval: i32,
        /// How many checks in a row found it closed.
        seen_closed: u8,
    },
}

struct Watch {
    target: Target,
    /// The window the hosted UI runs in: only its messages are read.
    source: JsValue,
    surface: Surface,
    resolve: Function,
    token: Option<String>,
    listener: Function,
}

type Slot = Rc<RefCell<Option<Watch>>>;

/// Shows the hosted UI and watches it: `show` gets this window and the listener function,
/// registers the listener where its surface needs it (the `message` listener is added here)
/// and returns the surface and the window the hosted UI's messages must come from.
pub fn watch(
    target: Target,
    show: impl FnOnce(&Window, &Function) -> Result<(Surface, JsValue), JsValue>,
) -> Result<Promise, JsValue> {
    let mut resolve_fn = None;
    let promise = Promise::new(&mut |resolve, _reject| resolve_fn = Some(resolve));
    // The executor runs synchronously inside `new Promise`, so the function is always there.
    let resolve = resolve_fn.ok_or_else(|| JsValue::from_str("Promise executor did not run."))?;

    let slot: Slot = Rc::new(RefCell::new(None));
    let for_listener = Rc::clone(&slot);
    let listener: Function =
        Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| on_event(&for_listener, &event))
            .into_js_value()
            .unchecked_into();
    let (surface, source) = show(&target.window, &listener)?;
    target.window.add_event_listener_with_callback("message", &listener)?;
    *slot.borrow_mut() = Some(Watch { target, source, surface, resolve, token: None, listener });
    Ok(promise)
}

/// Every event goes here; an event while another is being handled (a callback of the
/// caller's dispatching one synchronously) is ignored.
fn on_event(slot: &Slot, event: &JsValue) {
    let Ok(mut current) = slot.try_borrow_mut() else {
        return;
    };
    let finished = current.as_mut().is_some_and(|watch| watch.handle(event));
    if finished {
        let watch = current.take();
        drop(current);
        if let Some(watch) = watch {
            watch.finish();
        }
    }
}

impl Watch {
    /// Handles one event; `true` when the hosted UI is finished.
    fn handle(&mut self, event: &JsValue) -> bool {
        // The interval calls the listener without an argument.
        if !event.is_object() {
            return self.tick();
        }
        let event: &Event = event.unchecked_ref();
        match (event.type_().as_str(), &self.surface) {
            ("message", _) => self.message(event.unchecked_ref()),
            ("click", Surface::Dialog { dialog, closable: true }) => {
                // A click on the backdrop lands on the dialog element itself.
                if event.target().is_some_and(|t| Object::is(&t, dialog)) {
                    dialog.close();
                }
                false
            }
            ("cancel", Surface::Dialog { closable: false, .. }) => {
                // Escape fires `cancel`; a popup that is not closable stays.
                event.prevent_default();
                false
            }
            ("close", Surface::Dialog { .. }) => true,
            _ => false,
        }
    }

    /// A message: only the hosted UI's, from its origin and its window, counts.
    fn message(&mut self, event: &MessageEvent) -> bool {
        if event.origin() != self.target.origin {
            return false;
        }
        if !event.source().is_some_and(|s| Object::is(&s, &self.source)) {
            return false;
        }
        match parse(&event.data()) {
            Some(Message::Close { token }) => {
                self.token = token;
                true
            }
            Some(Message::ApiError(error)) => {
                if let Some(on_error) = &self.target.on_error {
                    // What the caller's callback throws is the caller's.
                    let _ = on_error.call1(&JsValue::UNDEFINED, &error.to_js());
                }
                false
            }
            Some(Message::Other) | None => false,
        }
    }

    /// The interval: the window counts as closed when two checks in a row find it closed, so
    /// that the hosted UI's last message, posted just before it closed itself, is read first.
    fn tick(&mut self) -> bool {
        let Surface::Window { opened, seen_closed, .. } = &mut self.surface else {
            return false;
        };
        if opened.closed().unwrap_or(true) {
            *seen_closed = seen_closed.saturating_add(1);
        }
        *seen_closed >= 2
    }

    /// Removes everything and resolves the promise.
    fn finish(self) {
        let window = &self.target.window;
        let _ = window.remove_event_listener_with_callback("message", &self.listener);
        match &self.surface {
            Surface::Dialog { dialog, .. } => {
                // Its listeners go with it; the `close` event this queues finds the watch over.
                dialog.close();
                dialog.remove();
            }
            Surface::Window { opened, interval, .. } => {
                window.clear_interval_with_handle(*interval);
                let _ = opened.close();
            }
        }
        let _ = self.resolve.call1(&JsValue::UNDEFINED, &token_payload(self.token));
    }
}
