//! What pushauth's fuzz targets share: the test vectors they check against (`tests/vectors`,
//! compiled in), the reference decoders they hold the core to, and the layout of targets that
//! take several fields (one per line, the last one the rest of the input).
//!
//! Every target checks a property, not only "no panic": a round trip, agreement with a reference
//! implementation, or that a signature or MAC never verifies over bytes other than the ones signed.
//! A broken property is an `assert!` and so a crash libFuzzer reports.

use std::sync::OnceLock;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use pushauth_core::signature::DevicePublicKey;
use serde_json::Value;

/// The clock of every target that needs one: the instant the vectors were made for (Unix ms).
pub const NOW: u64 = 1_800_000_000_000;

/// One signed message of the vectors: the key that signed it and the exact bytes.
#[derive(Debug, Clone)]
pub struct SignedMessage {
    /// The signer's key id.
    pub key_id: String,
    /// The bytes signed.
    pub message: Vec<u8>,
    /// The signature as sent (base64 DER, or base64url `r‖s`).
    pub signatures: Vec<String>,
}

/// One signed device request of `device_requests.json`.
#[derive(Debug, Clone)]
pub struct DeviceRequestCase {
    /// The tenant.
    pub tenant_id: String,
    /// The device key's id.
    pub key_id: String,
    /// The HTTP method.
    pub method: String,
    /// Path and query.
    pub path_and_query: String,
    /// Unix milliseconds.
    pub timestamp: u64,
    /// The body.
    pub body: Vec<u8>,
    /// The signature header (base64 DER).
    pub signature: String,
}

/// The test vectors, as the targets use them.
#[derive(Debug)]
pub struct Vectors {
    /// The device public keys (`keys.json`).
    pub keys: Vec<DevicePublicKey>,
    /// Every message the vectors sign (answers and device requests).
    pub signed: Vec<SignedMessage>,
    /// The signed device requests.
    pub device_requests: Vec<DeviceRequestCase>,
    /// `tokens.json`: the secret and the tokens.
    pub token_secret: String,
    /// `tokens.json`: the instant its tokens are valid at.
    pub token_now: u64,
    /// `webhooks.json`: the body signed.
    pub webhook_body: Vec<u8>,
    /// `webhooks.json`: the timestamp (Unix seconds).
    pub webhook_timestamp: u64,
    /// `webhooks.json`: the `t=…,v2=…` secret.
    pub webhook_v2_secret: String,
    /// `webhooks.json`: the Standard Webhooks `whsec_…` secret.
    pub webhook_standard_secret: String,
    /// `webhooks.json`: the Standard Webhooks id.
    pub webhook_standard_id: String,
}

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_else(|| panic!("vector field {key} is not text")).to_owned()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap_or_else(|_| panic!("bad hex {text}")))
        .collect()
}

fn json(source: &str) -> Value {
    serde_json::from_str(source).unwrap_or_else(|e| panic!("a vector file is not JSON: {e}"))
}

fn load() -> Vectors {
    let keys = json(include_str!("../../tests/vectors/keys.json"));
    let answers = json(include_str!("../../tests/vectors/answers.json"));
    let requests = json(include_str!("../../tests/vectors/device_requests.json"));
    let tokens = json(include_str!("../../tests/vectors/tokens.json"));
    let webhooks = json(include_str!("../../tests/vectors/webhooks.json"));
    let list = |v: &Value, key: &str| v[key].as_array().cloned().unwrap_or_default();

    let keys = list(&keys, "keys")
        .iter()
        .map(|k| DevicePublicKey::parse(&text(k, "publicKeySpki")).unwrap_or_else(|e| panic!("{e:?}")))
        .collect();
    let mut signed: Vec<SignedMessage> = list(&answers, "cases")
        .iter()
        .map(|c| SignedMessage {
            key_id: text(c, "keyId"),
            message: unhex(&text(c, "messageHex")),
            signatures: vec![text(c, "signatureDer"), text(c, "signatureRaw")],
        })
        .collect();
    let device_requests: Vec<DeviceRequestCase> = list(&requests, "cases")
        .iter()
        .map(|c| DeviceRequestCase {
            tenant_id: text(c, "tenantId"),
            key_id: text(c, "keyId"),
            method: text(c, "method"),
            path_and_query: text(c, "pathAndQuery"),
            timestamp: c["timestamp"].as_u64().unwrap_or_default(),
            body: text(c, "body").into_bytes(),
            signature: text(c, "signatureDer"),
        })
        .collect();
    signed.extend(list(&requests, "cases").iter().map(|c| SignedMessage {
        key_id: text(c, "keyId"),
        message: unhex(&text(c, "messageHex")),
        signatures: vec![text(c, "signatureDer")],
    }));
    Vectors {
        keys,
        signed,
        device_requests,
        token_secret: text(&tokens, "secret"),
        token_now: tokens["nowMillis"].as_u64().unwrap_or_default(),
        webhook_body: text(&webhooks, "body").into_bytes(),
        webhook_timestamp: webhooks["timestamp"].as_u64().unwrap_or_default(),
        webhook_v2_secret: text(&webhooks["v2"], "secret"),
        webhook_standard_secret: text(&webhooks["standard"], "secret"),
        webhook_standard_id: text(&webhooks["standard"], "id"),
    }
}

/// The vectors, parsed once.
pub fn vectors() -> &'static Vectors {
    static VECTORS: OnceLock<Vectors> = OnceLock::new();
    VECTORS.get_or_init(load)
}

/// Splits `data` into `n` UTF-8 lines (separated by `\n`) and the rest of the bytes after the
/// `n`th line's newline. `None` when there are fewer lines or a line is not UTF-8.
pub fn lines(data: &[u8], n: usize) -> Option<(Vec<&str>, &[u8])> {
    let mut fields = Vec::with_capacity(n);
    let mut rest = data;
    for _ in 0..n {
        let end = rest.iter().position(|&b| b == b'\n')?;
        fields.push(std::str::from_utf8(&rest[..end]).ok()?);
        rest = &rest[end + 1..];
    }
    Some((fields, rest))
}

/// The reference base64 decoder: what the `base64` crate's four strict engines (standard and
/// URL-safe alphabets, padded and unpadded) decode `text` to. Where several accept it they must
/// agree; `None` when none does.
pub fn reference_b64(text: &str) -> Option<Vec<u8>> {
    let decoded: Vec<Vec<u8>> = [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD]
        .iter()
        .filter_map(|engine| engine.decode(text).ok())
        .collect();
    if let Some(first) = decoded.first() {
        assert!(decoded.iter().all(|d| d == first), "base64 engines disagree on {text:?}");
    }
    decoded.into_iter().next()
}

/// Splits a canonical (length-prefixed) message into its fields; `None` if it is not exactly a
/// sequence of `u32_be(len) ‖ bytes` fields.
pub fn canonical_fields(mut bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut fields = Vec::new();
    while !bytes.is_empty() {
        let (len, rest) = bytes.split_first_chunk::<4>()?;
        let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
        if rest.len() < len {
            return None;
        }
        fields.push(rest[..len].to_vec());
        bytes = &rest[len..];
    }
    Some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_load() {
        let v = vectors();
        assert_eq!(v.keys.len(), 2);
        assert!(v.signed.len() >= 5);
        assert!(!v.device_requests.is_empty());
    }

    #[test]
    fn lines_split() {
        assert_eq!(lines(b"a\nb\nrest\nx", 2), Some((vec!["a", "b"], &b"rest\nx"[..])));
        assert_eq!(lines(b"a", 1), None);
    }
}
