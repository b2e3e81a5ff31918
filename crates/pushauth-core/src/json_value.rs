//! Reading a type out of a [`serde_json::Value`] through its JSON text.
//!
//! `serde_json::from_value` drives a type's deserialiser with the `Value` itself, which compiles
//! a second copy of that deserialiser beside the one every stored record and request body is
//! read with (bytes, `serde_json::from_slice`). In the Worker's wasm that second copy was 13 KB
//! for a tenant's settings and a Privakey button alone. Reading the value's text instead uses
//! the one copy; the result is the same, and so is the error's category. The error has a
//! position in that text, which is not the caller's input: callers that report positions must
//! not report this one.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// `T` read from `value`, as [`serde_json::from_value`] reads it.
pub fn read<T: DeserializeOwned>(value: &Value) -> Result<T, serde_json::Error> {
    serde_json::from_slice(&serde_json::to_vec(value)?)
}

#[cfg(test)]
mod tests;
