//! The pushauth browser SDK (wasm). The full API arrives with the SDK work; this crate already
//! builds for `wasm32-unknown-unknown` and exports the SDK's version.

use wasm_bindgen::prelude::wasm_bindgen;

/// The SDK version, as JavaScript sees it: `version()`.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
