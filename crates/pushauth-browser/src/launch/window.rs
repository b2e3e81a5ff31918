//! `window` mode: the hosted UI in a separate browser window.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::hosted_message::Listener;
use super::{deferred, Target, CALL};
use crate::error_code::ErrorCode;
use crate::js_error::sdk_error;
use crate::js_read::{must, Props};

const DEFAULT_WIDTH: u32 = 400;
const DEFAULT_HEIGHT: u32 = 560;
/// How often to notice that the user closed the window.
const CLOSED_CHECK_MS: u32 = 500;

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

/// Opens the window, centred over the page, and waits until the hosted UI finishes or the user
/// closes the window. Rejects with `popup_blocked` when the browser refuses to open it.
pub async fn open(target: &Target, options: WindowOptions) -> Result<Option<String>, JsValue> {
    let window = &target.window;
    let width = options.width.unwrap_or(DEFAULT_WIDTH);
    let height = options.height.unwrap_or(DEFAULT_HEIGHT);
    let number = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    let centre = |outer: Result<JsValue, JsValue>, screen: Result<JsValue, JsValue>, size: u32| {
        (number(screen) + (number(outer) - f64::from(size)) / 2.0).max(0.0).round() as i32
    };
    let left = centre(window.outer_width(), window.screen_x(), width);
    let top = centre(window.outer_height(), window.screen_y(), height);
    let features = format!("popup=yes,width={width},height={height},left={left},top={top}");
    let opened = window
        .open_with_url_and_target_and_features(&target.popup_url, "_blank", &features)?
        .ok_or_else(|| sdk_error(ErrorCode::PopupBlocked, ""))?;

    let (finished, resolve) = deferred()?;
    let token = Rc::new(RefCell::new(None));
    let on_finish = {
        let token = Rc::clone(&token);
        let opened = opened.clone();
        let resolve = resolve.clone();
        Box::new(move |t: Option<String>| {
            *token.borrow_mut() = t;
            let _ = opened.close();
            let _ = resolve.call0(&JsValue::UNDEFINED);
        })
    };
    let _listener = Listener::add(
        window,
        target.origin.clone(),
        opened.clone().into(),
        target.on_error.clone(),
        on_finish,
    )?;
    // Closed twice in a row: the hosted UI's last message, posted just before it closed
    // itself, has been delivered by then.
    let watched = opened.clone();
    let mut seen_closed = 0u8;
    let _closed_check = Interval::new(CLOSED_CHECK_MS, move || {
        if watched.closed().unwrap_or(true) {
            seen_closed = seen_closed.saturating_add(1);
            if seen_closed >= 2 {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        }
    });
    JsFuture::from(finished).await?;
    let token = token.borrow_mut().take();
    Ok(token)
}
