//! The messages the hosted UI posts to its opener or parent (`JSON.stringify`-ed):
//! `AUTHSIGNAL_CLOSE_POPUP { token }`, `AUTHSIGNAL_API_ERROR { errorCode, statusCode }` and
//! `AUTHSIGNAL_READY`; and the listener that trusts only the expected origin and window.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object};
use serde::Serialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Window};

use crate::js_read::Props;
use crate::js_value::to_js;

/// A message as posted.
struct Message {
    event: String,
    token: Option<String>,
    error_code: Option<String>,
    status_code: Option<f64>,
}

/// What `onError` receives.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ApiError {
    #[serde(skip_serializing_if = "Option::is_none")]
    error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_code: Option<f64>,
}

/// The hosted UI finished: `Some(token)` when approved, `None` otherwise.
pub type OnFinish = Box<dyn FnMut(Option<String>)>;

/// A `message` listener on `window`, removed when dropped.
pub struct Listener {
    window: Window,
    closure: Closure<dyn FnMut(MessageEvent)>,
}

impl Listener {
    /// Listens for the hosted UI's messages from `origin`, sent by the window `source`:
    /// `AUTHSIGNAL_API_ERROR` goes to `on_error`, `AUTHSIGNAL_CLOSE_POPUP` to `on_finish`.
    pub fn add(
        window: &Window,
        origin: String,
        source: JsValue,
        on_error: Option<Function>,
        on_finish: OnFinish,
    ) -> Result<Self, JsValue> {
        let on_finish = Rc::new(RefCell::new(on_finish));
        let closure = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if event.origin() != origin {
                return;
            }
            let from_source = event.source().is_some_and(|s| Object::is(s.as_ref(), &source));
            if !from_source {
                return;
            }
            let Some(message) = parse(&event.data()) else {
                return;
            };
            match message.event.as_str() {
                "AUTHSIGNAL_CLOSE_POPUP" => {
                    if let Ok(mut finish) = on_finish.try_borrow_mut() {
                        finish(message.token);
                    }
                }
                "AUTHSIGNAL_API_ERROR" => {
                    if let Some(on_error) = &on_error {
                        let error =
                            ApiError { error_code: message.error_code, status_code: message.status_code };
                        let _ = on_error.call1(&JsValue::UNDEFINED, &to_js(&error));
                    }
                }
                _ => {}
            }
        });
        window.add_event_listener_with_callback("message", closure.as_ref().unchecked_ref())?;
        Ok(Listener { window: window.clone(), closure })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ =
            self.window.remove_event_listener_with_callback("message", self.closure.as_ref().unchecked_ref());
    }
}

/// A message's data: a JSON string of the shape above; anything else is ignored.
fn parse(data: &JsValue) -> Option<Message> {
    let text = data.as_string()?;
    let value = js_sys::JSON::parse(&text).ok()?;
    let p = Props::of(&value);
    Some(Message {
        event: p.opt_string("event").ok()??,
        token: p.opt_string("token").ok()?,
        error_code: p.opt_string("errorCode").ok()?,
        status_code: p.opt_number("statusCode").ok()?,
    })
}
