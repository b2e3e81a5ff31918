//! The runtime's WebCrypto (`crypto.subtle`), as the Worker calls it: one set of bindings for
//! device-signature checks (`signature_verifier.rs`) and Web Push's arithmetic
//! (`web_push_crypto.rs`). Each caller maps a rejected promise to its own answer.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use worker::js_sys::{Array, Object, Promise, Reflect, Uint8Array};

#[wasm_bindgen]
extern "C" {
    /// `crypto.subtle.importKey(format, keyData, algorithm, extractable, keyUsages)`.
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = importKey)]
    pub fn import_key(
        format: &str,
        key: &Uint8Array,
        algorithm: &Object,
        extractable: bool,
        usages: &Array,
    ) -> Promise;

    /// `crypto.subtle.exportKey(format, key)`.
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = exportKey)]
    pub fn export_key(format: &str, key: &JsValue) -> Promise;

    /// `crypto.subtle.deriveBits(algorithm, baseKey, length)`.
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = deriveBits)]
    pub fn derive_bits(algorithm: &Object, key: &JsValue, length: u32) -> Promise;

    /// `crypto.subtle.encrypt(algorithm, key, data)`.
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = encrypt)]
    pub fn encrypt(algorithm: &Object, key: &JsValue, data: &Uint8Array) -> Promise;

    /// `crypto.subtle.sign(algorithm, key, data)`.
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = sign)]
    pub fn sign(algorithm: &Object, key: &JsValue, data: &Uint8Array) -> Promise;

    /// `crypto.subtle.verify(algorithm, key, signature, data)`.
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = verify)]
    pub fn verify(algorithm: &Object, key: &JsValue, signature: &Uint8Array, data: &Uint8Array) -> Promise;
}

/// A WebCrypto algorithm object of `fields` (`{ name: "ECDSA", namedCurve: "P-256" }`); `None`
/// if the runtime refused a property (it should not).
pub fn algorithm(fields: &[(&str, &JsValue)]) -> Option<Object> {
    let object = Object::new();
    for (name, value) in fields {
        Reflect::set(&object, &JsValue::from_str(name), value).ok()?;
    }
    Some(object)
}
