//! Errors that are thrown or rejected (wrong arguments, a blocked window), as opposed to API
//! errors, which are results. Each is a JS `Error` named `PushAuthError` with a stable `code`,
//! made by a few lines of JS (an `Error` built from Rust was three imports with their glue).

use alloc::string::String;

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::error_code::ErrorCode;

#[wasm_bindgen(inline_js = r#"
export function sdkError(code, message, detail) {
  const error = new Error(detail ? message + " " + detail : message);
  error.name = "PushAuthError";
  error.code = code;
  return error;
}
"#)]
extern "C" {
    /// `new Error(message + " " + detail)` (just `message` when `detail` is empty), named
    /// `PushAuthError`, with `code`.
    #[wasm_bindgen(js_name = sdkError)]
    fn js_sdk_error(code: &str, message: &str, detail: &str) -> JsValue;
}

/// A `PushAuthError` with `code` and a message; `detail` is appended when given.
pub fn sdk_error(code: ErrorCode, detail: &str) -> JsValue {
    js_sdk_error(code.as_str(), code.description(), detail)
}

/// An `invalid_argument` error naming what is wrong.
pub fn invalid_argument(detail: &str) -> JsValue {
    sdk_error(ErrorCode::InvalidArgument, detail)
}

/// An `invalid_argument` error whose detail is `parts` one after the other.
pub fn invalid_argument_of(parts: &[&str]) -> JsValue {
    let mut detail = String::new();
    for part in parts {
        detail.push_str(part);
    }
    invalid_argument(&detail)
}
