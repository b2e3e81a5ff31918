//! The arithmetic of Web Push ([`crate::web_push`]): ECDH, HKDF and AES-128-GCM of the message
//! (RFC 8291), the ES256 signature and the public key of the VAPID token (RFC 8292).
//!
//! In the Worker it runs on the runtime's WebCrypto (native code in workerd), so the Worker
//! ships no AES, GHASH, HKDF or ECDSA signing of its own; natively (the route-table tests) it
//! runs on the core's reference, RustCrypto. Either way the core builds every byte that is not
//! arithmetic (the record's plaintext and padding, the header, the HKDF info strings, the key
//! encodings, the JWT): this module only swaps the arithmetic, as `signature_verifier.rs` does
//! for device signatures. `tests/worker/web-push.test.mjs` decrypts the Worker's pushes and
//! checks its VAPID tokens with an independent implementation (Node's crypto); the core's own
//! tests hold the reference and the formats to RFC 8291's worked example byte for byte.

use pushauth_core::webpush::{Subscription, VapidKey};
use pushauth_core::Error;

/// The body of a push to `sub`: `plaintext` padded to `padded_len`, encrypted with the one-time
/// key `ephemeral` (a private scalar from the caller's RNG) and `salt`, as
/// [`pushauth_core::webpush::encrypt_padded`] makes it.
pub async fn encrypt(
    sub: &Subscription,
    plaintext: &[u8],
    padded_len: usize,
    ephemeral: &[u8; 32],
    salt: &[u8; 16],
) -> Result<Vec<u8>, Error> {
    engine::encrypt(sub, plaintext, padded_len, ephemeral, salt).await
}

/// The VAPID public key, base64url of the uncompressed point, as
/// [`VapidKey::public_key`] gives it.
pub async fn public_key(key: &VapidKey) -> Result<String, Error> {
    engine::public_key(key).await
}

/// The `Authorization` header of a push, as [`pushauth_core::webpush::vapid_authorization`]
/// makes it (the signature is ES256 either way; WebCrypto's is randomised, the reference's
/// deterministic: both verify under the same key).
pub async fn authorization(
    key: &VapidKey,
    audience: &str,
    subject: &str,
    expires_at_secs: u64,
) -> Result<String, Error> {
    engine::authorization(key, audience, subject, expires_at_secs).await
}

#[cfg(target_arch = "wasm32")]
mod engine {
    use pushauth_core::encoding::{b64url, decode_b64};
    use pushauth_core::webpush::{self, Subscription, VapidKey, CEK_INFO, NONCE_INFO, POINT_LEN};
    use pushauth_core::Error;
    use wasm_bindgen::{JsCast, JsValue};
    use worker::js_sys::{Array, ArrayBuffer, Object, Promise, Reflect, Uint8Array};

    use crate::subtle::{self, derive_bits, export_key, import_key};
    use worker::wasm_bindgen_futures::JsFuture;

    /// What the runtime throws (it should not: the core checked every input) is reported as
    /// an unusable secret; a push is best effort and the caller drops it.
    fn failed<T>(_: T) -> Error {
        Error::InvalidSecret
    }

    /// A WebCrypto algorithm object of `fields`.
    fn object(fields: &[(&str, &JsValue)]) -> Result<Object, Error> {
        subtle::algorithm(fields).ok_or(Error::InvalidSecret)
    }

    fn named(name: &str) -> Result<Object, Error> {
        object(&[("name", &name.into())])
    }

    fn p256(name: &str) -> Result<Object, Error> {
        object(&[("name", &name.into()), ("namedCurve", &"P-256".into())])
    }

    fn usages(usages: &[&str]) -> Array {
        usages.iter().map(|u| JsValue::from_str(u)).collect()
    }

    async fn run(promise: Promise) -> Result<JsValue, Error> {
        JsFuture::from(promise).await.map_err(failed)
    }

    async fn import(
        format: &str,
        bytes: &[u8],
        algorithm: &Object,
        extractable: bool,
        uses: &[&str],
    ) -> Result<JsValue, Error> {
        run(import_key(format, &Uint8Array::from(bytes), algorithm, extractable, &usages(uses))).await
    }

    fn bytes_of(buffer: &JsValue) -> Result<Vec<u8>, Error> {
        if !buffer.is_instance_of::<ArrayBuffer>() {
            return Err(Error::InvalidSecret);
        }
        Ok(Uint8Array::new(buffer).to_vec())
    }

    /// The uncompressed public point of a private key (imported extractable), from its JWK.
    async fn public_point(private: &JsValue) -> Result<[u8; POINT_LEN], Error> {
        let jwk = run(export_key("jwk", private)).await?;
        let coordinate = |name: &str| -> Result<Vec<u8>, Error> {
            let text = Reflect::get(&jwk, &JsValue::from_str(name)).map_err(failed)?.as_string();
            let bytes = decode_b64(&text.ok_or(Error::InvalidSecret)?, "jwk").map_err(failed)?;
            if bytes.len() == 32 {
                Ok(bytes)
            } else {
                Err(Error::InvalidSecret)
            }
        };
        let point = [&[0x04][..], &coordinate("x")?, &coordinate("y")?].concat();
        point.try_into().map_err(failed)
    }

    /// HKDF-SHA256 (extract and expand) of `ikm` with `salt` and `info`, `bits` long.
    async fn hkdf(ikm: &[u8], salt: &[u8], info: &[u8], bits: u32) -> Result<Vec<u8>, Error> {
        let key = import("raw", ikm, &named("HKDF")?, false, &["deriveBits"]).await?;
        let algorithm = object(&[
            ("name", &"HKDF".into()),
            ("hash", &"SHA-256".into()),
            ("salt", &Uint8Array::from(salt).into()),
            ("info", &Uint8Array::from(info).into()),
        ])?;
        bytes_of(&run(derive_bits(&algorithm, &key, bits)).await?)
    }

    pub async fn encrypt(
        sub: &Subscription,
        plaintext: &[u8],
        padded_len: usize,
        ephemeral: &[u8; 32],
        salt: &[u8; 16],
    ) -> Result<Vec<u8>, Error> {
        let record = webpush::record_plaintext(plaintext, padded_len)?;
        let (ua_public, auth) = sub.keys()?;
        let der = webpush::ephemeral_pkcs8_der(ephemeral)?;
        let as_private = import("pkcs8", &der, &p256("ECDH")?, true, &["deriveBits"]).await?;
        let as_public = public_point(&as_private).await?;
        let ua_key = import("raw", &ua_public, &p256("ECDH")?, false, &[]).await?;
        let ecdh = object(&[("name", &"ECDH".into()), ("public", &ua_key)])?;
        let ecdh_secret = bytes_of(&run(derive_bits(&ecdh, &as_private, 256)).await?)?;
        // RFC 8291 §3.4: IKM from the ECDH secret and the auth secret; RFC 8188 §2.2–2.3: the
        // content key and nonce from the IKM and the salt.
        let ikm = hkdf(&ecdh_secret, &auth, &webpush::key_info(&ua_public, &as_public), 256).await?;
        let cek = hkdf(&ikm, salt, CEK_INFO, 128).await?;
        let nonce = hkdf(&ikm, salt, NONCE_INFO, 96).await?;
        let aes = import("raw", &cek, &named("AES-GCM")?, false, &["encrypt"]).await?;
        let gcm = object(&[("name", &"AES-GCM".into()), ("iv", &Uint8Array::from(nonce.as_slice()).into())])?;
        let sealed =
            bytes_of(&run(subtle::encrypt(&gcm, &aes, &Uint8Array::from(record.as_slice()))).await?)?;
        Ok([webpush::record_header(salt, &as_public), sealed].concat())
    }

    async fn signing_key(key: &VapidKey) -> Result<JsValue, Error> {
        import("pkcs8", &key.to_pkcs8_der(), &p256("ECDSA")?, true, &["sign"]).await
    }

    pub async fn public_key(key: &VapidKey) -> Result<String, Error> {
        Ok(b64url(&public_point(&signing_key(key).await?).await?))
    }

    pub async fn authorization(
        key: &VapidKey,
        audience: &str,
        subject: &str,
        expires_at_secs: u64,
    ) -> Result<String, Error> {
        let signing_input = webpush::vapid_signing_input(audience, subject, expires_at_secs)?;
        let private = signing_key(key).await?;
        let public = b64url(&public_point(&private).await?);
        let es256 = object(&[("name", &"ECDSA".into()), ("hash", &"SHA-256".into())])?;
        let message = Uint8Array::from(signing_input.as_bytes());
        let signature: [u8; 64] =
            bytes_of(&run(subtle::sign(&es256, &private, &message)).await?)?.try_into().map_err(failed)?;
        Ok(webpush::vapid_header(&signing_input, &signature, &public))
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod engine {
    //! Natively there is no WebCrypto: the core's reference stands in.
    use pushauth_core::webpush::{self, Subscription, VapidKey};
    use pushauth_core::Error;

    pub async fn encrypt(
        sub: &Subscription,
        plaintext: &[u8],
        padded_len: usize,
        ephemeral: &[u8; 32],
        salt: &[u8; 16],
    ) -> Result<Vec<u8>, Error> {
        webpush::encrypt_padded(sub, plaintext, padded_len, ephemeral, salt)
    }

    pub async fn public_key(key: &VapidKey) -> Result<String, Error> {
        Ok(key.public_key())
    }

    pub async fn authorization(
        key: &VapidKey,
        audience: &str,
        subject: &str,
        expires_at_secs: u64,
    ) -> Result<String, Error> {
        webpush::vapid_authorization(key, audience, subject, expires_at_secs)
    }
}
