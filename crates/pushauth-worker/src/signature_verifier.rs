//! The arithmetic of the core's prepared signature checks ([`SignatureCheck`]).
//!
//! In the Worker it runs on the runtime's WebCrypto (`crypto.subtle.verify`, native code in
//! workerd), which is many times faster than the core's `p256` compiled to wasm; natively (the
//! route-table tests) it runs on the core's reference verifier. Either way the core has already
//! decided the policy (which encodings are accepted, low-S normalisation, the signed bytes): this
//! module only swaps the arithmetic, and `tests/worker/verify-differential.test.mjs` holds the two
//! to the same verdicts inside workerd.

use pushauth_core::signature::SignatureCheck;

/// Which arithmetic runs a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// The core's `p256` (compiled to wasm in the Worker).
    Reference,
    /// The runtime's WebCrypto; natively, where there is none, the reference.
    WebCrypto,
}

/// The engine the Worker verifies device signatures with.
pub const DEFAULT: Engine = Engine::WebCrypto;

/// Whether the signature of `check` holds, by `engine`'s arithmetic.
pub async fn holds(check: &SignatureCheck, engine: Engine) -> bool {
    match engine {
        Engine::Reference => check.verify().is_ok(),
        Engine::WebCrypto => webcrypto::holds(check).await,
    }
}

/// Verifies `check` with the Worker's engine and returns the core's verdict.
pub async fn verify(check: &SignatureCheck) -> Result<(), pushauth_core::Error> {
    check.conclude(holds(check, DEFAULT).await)
}

#[cfg(target_arch = "wasm32")]
mod webcrypto {
    use pushauth_core::signature::SignatureCheck;
    use wasm_bindgen::JsValue;
    use worker::js_sys::{Array, Uint8Array};
    use worker::wasm_bindgen_futures::JsFuture;

    use crate::subtle::{self, import_key};

    /// `importKey("spki", …)` then `verify({ECDSA, SHA-256}, key, r‖s, message)`. Anything the
    /// runtime throws (it should not: the core parsed the key) counts as "does not hold".
    pub async fn holds(check: &SignatureCheck) -> bool {
        let (Some(import), Some(verify)) = (
            subtle::algorithm(&[("name", &"ECDSA".into()), ("namedCurve", &"P-256".into())]),
            subtle::algorithm(&[("name", &"ECDSA".into()), ("hash", &"SHA-256".into())]),
        ) else {
            return false;
        };
        let usages = Array::of1(&JsValue::from_str("verify"));
        let spki = Uint8Array::from(check.spki_der().as_slice());
        let Ok(key) = JsFuture::from(import_key("spki", &spki, &import, false, &usages)).await else {
            return false;
        };
        let signature = Uint8Array::from(check.raw_signature().as_slice());
        let message = Uint8Array::from(check.message());
        JsFuture::from(subtle::verify(&verify, &key, &signature, &message))
            .await
            .is_ok_and(|verdict| verdict.as_bool() == Some(true))
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod webcrypto {
    use pushauth_core::signature::SignatureCheck;

    /// Natively there is no WebCrypto: the reference verifier stands in.
    pub async fn holds(check: &SignatureCheck) -> bool {
        check.verify().is_ok()
    }
}
