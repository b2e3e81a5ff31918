//! Handing results to JavaScript through `serde-wasm-bindgen` (incoming values: `js_read.rs`).

use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::error_code::ErrorCode;
use crate::result::{ErrorResult, Reply};

/// A value as a plain JS object (`None` fields become absent properties).
pub fn to_js<T: Serialize>(value: &T) -> JsValue {
    // Our result types are plain structs of strings, numbers and booleans: they always convert.
    value.serialize(&serde_wasm_bindgen::Serializer::new()).unwrap_or(JsValue::UNDEFINED)
}

/// An error result as a JS object.
pub fn error_reply(code: ErrorCode) -> JsValue {
    to_js(&Reply::<()>::Error(ErrorResult::sdk(code)))
}
