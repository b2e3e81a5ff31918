//! What a device sends: its enrolment with the proof of possession, signed answers and signed
//! request headers, built from the core's bytes. The answer's body and its signing are the
//! core's ([`answer_body`], [`AnswerBody`]), shared with the Worker that reads them.

use pushauth_core::device::Enrolment;
use pushauth_core::device_request::{device_request_message, DeviceRequest};
use pushauth_core::encoding::b64;
use pushauth_core::enrolment_proof::enrolment_message;
use pushauth_core::signature::DeviceSigningKey;
use pushauth_core::UnixMillis;

pub use pushauth_core::wire::answer_body;
pub use pushauth_core::wire::AnswerBody;

/// The enrolment of `key` with the enrolment token `token` (a track token of scope
/// `add:authenticators`), with the key's proof of possession over the token (protocol.md,
/// "Enrolment proof").
pub fn enrolment(key: &DeviceSigningKey, token: &str, device_name: &str, device_platform: &str) -> Enrolment {
    let public = key.public_key();
    let proof = key.sign(&enrolment_message(token, &public.key_id()));
    Enrolment {
        public_key: public.to_base64(),
        device_name: device_name.to_owned(),
        device_platform: device_platform.to_owned(),
        push_token: None,
        proof: Some(b64(&proof.to_der())),
    }
}

/// The three `X-PushAuth-*` headers of a signed device request.
pub fn request_headers(
    key: &DeviceSigningKey,
    tenant_id: &str,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    now: UnixMillis,
) -> [(&'static str, String); 3] {
    let key_id = key.public_key().key_id();
    let message = device_request_message(&DeviceRequest {
        tenant_id,
        key_id: &key_id,
        method,
        path_and_query,
        timestamp: now,
        body,
    });
    [
        ("X-PushAuth-Key-Id", key_id.as_str().to_owned()),
        ("X-PushAuth-Timestamp", now.to_string()),
        ("X-PushAuth-Signature", b64(&key.sign(&message).to_der())),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use pushauth_core::answer::{answer_message, Choice};
    use pushauth_core::challenge::ChallengeView;
    use pushauth_core::signature::{DevicePublicKey, DeviceSignature, KeyId};
    use serde_json::Value;

    fn vectors(name: &str) -> Value {
        let path = format!("{}/../../tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn vector_key(index: usize) -> DeviceSigningKey {
        let keys = vectors("keys.json");
        let hex = keys["keys"][index]["secretHex"].as_str().unwrap();
        let bytes: Vec<u8> =
            (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
        DeviceSigningKey::from_bytes(&bytes.try_into().unwrap()).unwrap()
    }

    #[test]
    fn answers_sign_the_vector_bytes() {
        let key = vector_key(0);
        for case in vectors("answers.json")["cases"].as_array().unwrap() {
            let view: ChallengeView = serde_json::from_value(case["view"].clone()).unwrap();
            let choice: Choice = serde_json::from_value(case["choice"].clone()).unwrap();
            let body = answer_body(&key, &view, &choice);
            assert_eq!(body.key_id, case["keyId"].as_str().unwrap());
            // RFC 6979 signing is deterministic: the device crate reproduces the vector exactly.
            assert_eq!(body.signature, case["signatureDer"].as_str().unwrap());
            let message = answer_message(&view, &KeyId::parse(&body.key_id).unwrap(), &choice);
            let public = DevicePublicKey::parse(&key.public_key().to_base64()).unwrap();
            public.verify(&message, &DeviceSignature::parse(&body.signature).unwrap()).unwrap();
        }
    }

    #[test]
    fn enrolments_carry_the_vector_proof() {
        let key = vector_key(0);
        let case = &vectors("enrolments.json")["cases"][0];
        assert_eq!(case["verdict"], "valid");
        let sent = enrolment(&key, case["token"].as_str().unwrap(), "phone", "cli");
        assert_eq!(sent.public_key, case["publicKeySpki"].as_str().unwrap());
        // RFC 6979: the proof is the vector's signature, byte for byte.
        assert_eq!(sent.proof.as_deref(), case["signatureDer"].as_str());
    }

    #[test]
    fn request_headers_sign_the_vector_bytes() {
        let key = vector_key(1);
        for case in vectors("device_requests.json")["cases"].as_array().unwrap() {
            let headers = request_headers(
                &key,
                case["tenantId"].as_str().unwrap(),
                case["method"].as_str().unwrap(),
                case["pathAndQuery"].as_str().unwrap(),
                case["body"].as_str().unwrap().as_bytes(),
                case["timestamp"].as_u64().unwrap(),
            );
            assert_eq!(headers[0].1, case["keyId"].as_str().unwrap());
            assert_eq!(headers[2].1, case["signatureDer"].as_str().unwrap());
        }
    }
}
