//! Reading JS values by hand: a property at a time, checking its type with `typeof`-style
//! tests. Incoming values (the caller's options, the Worker's JSON, the hosted UI's messages)
//! are read here rather than through `serde-wasm-bindgen`'s `Deserializer`, whose error
//! messages format floats and `Debug` strings and so pull Rust's float printing and Unicode
//! tables into the binary: about 26 KB of the gzipped package, for a handful of fields.
//! Outgoing values are built the same way (`js_value.rs`).

use alloc::string::String;
use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::js_error::invalid_argument_of;
use crate::result::{ChallengeData, WireError, WireVerify};

/// A property's value had the wrong type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrongType;

/// The properties of a JS object. A value that is not an object has none.
pub struct Props<'a>(&'a JsValue);

impl<'a> Props<'a> {
    /// Reads the properties of `value`.
    pub fn of(value: &'a JsValue) -> Self {
        Props(value)
    }

    /// Whether `value` is an object (so it has properties to read).
    pub fn is_object(&self) -> bool {
        self.0.is_object()
    }

    /// The raw property; `undefined` when absent or when the value is not an object.
    pub fn get(&self, key: &str) -> JsValue {
        if !self.0.is_object() {
            return JsValue::UNDEFINED;
        }
        Reflect::get(self.0, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    /// An optional string: `undefined` and `null` read as `None`.
    pub fn opt_string(&self, key: &str) -> Result<Option<String>, WrongType> {
        let v = self.get(key);
        if is_nullish(&v) {
            return Ok(None);
        }
        v.as_string().map(Some).ok_or(WrongType)
    }

    /// An optional boolean.
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, WrongType> {
        let v = self.get(key);
        if is_nullish(&v) {
            return Ok(None);
        }
        v.as_bool().map(Some).ok_or(WrongType)
    }

    /// An optional number.
    pub fn opt_number(&self, key: &str) -> Result<Option<f64>, WrongType> {
        let v = self.get(key);
        if is_nullish(&v) {
            return Ok(None);
        }
        v.as_f64().map(Some).ok_or(WrongType)
    }

    /// An optional value of a JS class or function type (`AbortSignal`, `Function`…).
    pub fn opt_instance<T: JsCast>(&self, key: &str) -> Result<Option<T>, WrongType> {
        let v = self.get(key);
        if is_nullish(&v) {
            return Ok(None);
        }
        v.dyn_into::<T>().map(Some).map_err(|_| WrongType)
    }
}

/// Whether a value is `undefined` or `null`.
pub fn is_nullish(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// Turns a wrong type into the `invalid_argument` error "`call`: `key` must be `kind`."
pub fn must<T>(read: Result<T, WrongType>, call: &str, key: &str, kind: &str) -> Result<T, JsValue> {
    read.map_err(|WrongType| invalid_argument_of(&[call, ": ", key, " must be ", kind, "."]))
}

/// A required string parameter.
pub fn required_string(props: &Props<'_>, call: &str, key: &str) -> Result<String, JsValue> {
    must(props.opt_string(key), call, key, "a string")?
        .ok_or_else(|| invalid_argument_of(&[call, ": ", key, " is required."]))
}

/// An optional callback parameter.
pub fn callback(props: &Props<'_>, call: &str, key: &str) -> Result<Option<Function>, JsValue> {
    must(props.opt_instance::<Function>(key), call, key, "a function")
}

/// `POST /client/challenge/push`'s answer.
pub fn challenge_data(value: &JsValue) -> Option<ChallengeData> {
    let p = Props::of(value);
    Some(ChallengeData {
        challenge_id: p.opt_string("challengeId").ok()??,
        verification_code: p.opt_string("verificationCode").ok()?,
        expires_at: p.opt_number("expiresAt").ok()?,
    })
}

/// `POST /client/verify/push`'s answer.
pub fn wire_verify(value: &JsValue) -> Option<WireVerify> {
    let p = Props::of(value);
    Some(WireVerify {
        is_consumed: p.opt_bool("isConsumed").ok()??,
        is_verified: p.opt_bool("isVerified").ok()??,
        status: p.opt_string("status").ok()?,
        failure_reason: p.opt_string("failureReason").ok()?,
        access_token: p.opt_string("accessToken").ok()?,
    })
}

/// An error body; any object reads (missing fields fall back later).
pub fn wire_error(value: &JsValue) -> Option<WireError> {
    let p = Props::of(value);
    if !p.is_object() {
        return None;
    }
    Some(WireError {
        error: p.opt_string("error").ok().flatten(),
        error_code: p.opt_string("errorCode").ok().flatten(),
        error_description: p.opt_string("errorDescription").ok().flatten(),
    })
}
