//! Handing results to JavaScript: plain objects built a property at a time with `js-sys`, the
//! outgoing half of `js_read.rs`. `None` fields become absent properties, as in
//! `@authsignal/browser`'s results. (`serde-wasm-bindgen` did this at first; its serializer
//! and string cache cost about 3 KB of the gzipped package for five small shapes.)

use js_sys::Object;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::error_code::ErrorCode;
use crate::result::{ChallengeData, ErrorResult, Reply, VerifyData};

#[wasm_bindgen(inline_js = r#"
export function set(object, key, value) {
  object[key] = value;
}
"#)]
extern "C" {
    /// `object[key] = value` (on the SDK's own fresh objects, with its own keys).
    fn set(object: &JsValue, key: &str, value: &JsValue);
}

/// A value JavaScript receives as a plain object.
pub trait ToJs {
    /// The value as a fresh JS object.
    fn to_js(&self) -> JsValue;
}

/// A fresh plain object, filled a property at a time.
pub struct JsObject(JsValue);

impl JsObject {
    /// `{}`.
    pub fn new() -> Self {
        JsObject(Object::new().into())
    }

    /// Sets `key` to `value`.
    pub fn set(self, key: &str, value: &JsValue) -> Self {
        set(&self.0, key, value);
        self
    }

    /// Sets `key` to a string, or leaves it absent.
    pub fn opt_str(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.set(key, &JsValue::from_str(v)),
            None => self,
        }
    }

    /// Sets `key` to a number, or leaves it absent.
    pub fn opt_f64(self, key: &str, value: Option<f64>) -> Self {
        match value {
            Some(v) => self.set(key, &JsValue::from_f64(v)),
            None => self,
        }
    }

    /// The object.
    pub fn build(self) -> JsValue {
        self.0
    }
}

impl Default for JsObject {
    fn default() -> Self {
        Self::new()
    }
}

impl ToJs for ErrorResult {
    fn to_js(&self) -> JsValue {
        JsObject::new()
            .opt_str("error", Some(&self.error))
            .opt_str("errorCode", Some(&self.error_code))
            .opt_str("errorDescription", Some(&self.error_description))
            .build()
    }
}

impl ToJs for ChallengeData {
    fn to_js(&self) -> JsValue {
        JsObject::new()
            .opt_str("challengeId", Some(&self.challenge_id))
            .opt_str("verificationCode", self.verification_code.as_deref())
            .opt_f64("expiresAt", self.expires_at)
            .build()
    }
}

impl ToJs for VerifyData {
    fn to_js(&self) -> JsValue {
        JsObject::new()
            .set("isConsumed", &JsValue::from_bool(self.is_consumed))
            .set("isVerified", &JsValue::from_bool(self.is_verified))
            .opt_str("status", self.status.as_deref())
            .opt_str("failureReason", self.failure_reason.as_deref())
            .opt_str("token", self.token.as_deref())
            .build()
    }
}

impl<T: ToJs> ToJs for Reply<T> {
    fn to_js(&self) -> JsValue {
        match self {
            Reply::Data { data } => JsObject::new().set("data", &data.to_js()).build(),
            Reply::Error(error) => error.to_js(),
        }
    }
}

/// An error result as a JS object.
pub fn error_reply(code: ErrorCode) -> JsValue {
    ErrorResult::sdk(code).to_js()
}
