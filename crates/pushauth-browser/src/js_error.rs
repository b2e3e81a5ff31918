//! Errors that are thrown or rejected (wrong arguments, a blocked window), as opposed to API
//! errors, which are results. Each is a JS `Error` named `PushAuthError` with a stable `code`.

use alloc::borrow::ToOwned;
use alloc::string::String;
use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::error_code::ErrorCode;

/// A `PushAuthError` with `code` and a message; `detail` is appended when given.
pub fn sdk_error(code: ErrorCode, detail: &str) -> JsValue {
    let message = if detail.is_empty() {
        code.description().to_owned()
    } else {
        let mut m = String::from(code.description());
        m.push(' ');
        m.push_str(detail);
        m
    };
    let error = js_sys::Error::new(&message);
    error.set_name("PushAuthError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(code.as_str()));
    error.into()
}

/// An `invalid_argument` error naming what is wrong.
pub fn invalid_argument(detail: &str) -> JsValue {
    sdk_error(ErrorCode::InvalidArgument, detail)
}
