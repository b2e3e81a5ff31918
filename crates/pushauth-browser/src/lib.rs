#![doc = include_str!("../README.md")]

// The rules, with no IO: plain Rust, unit-tested natively.
pub mod backoff;
pub mod error_code;
pub mod poller;
pub mod result;
pub mod url;

// The browser binding: JS classes, fetch, timers, DOM.
mod api;
mod client;
mod http;
mod js_error;
mod js_read;
mod js_value;
mod launch;
mod push;
mod session;
mod sleep;
mod typescript;
mod wait;

pub use client::PushAuth;
pub use push::Push;

use wasm_bindgen::prelude::wasm_bindgen;

/// The SDK version, as JavaScript sees it: `version()`.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
