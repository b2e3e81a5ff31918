//! Checks `tests/vectors/*.json` the way every other implementation does: rebuild each message
//! from its inputs, compare bytes, verify signatures, tokens and webhook signatures.

// Test-only file: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use pushauth_core::answer::{answer_message, context_digest, Choice};
use pushauth_core::challenge::ChallengeView;
use pushauth_core::device::Enrolment;
use pushauth_core::device_request::{device_request_message, verify_device_request, DeviceRequest};
use pushauth_core::encoding::b64url;
use pushauth_core::enrolment_proof::{enrolment_check, enrolment_message, token_digest};
use pushauth_core::evidence::{self, Evidence};
use pushauth_core::signature::{DevicePublicKey, DeviceSignature, DeviceSigningKey, KeyId};
use pushauth_core::token::{self, Claims, TokenKind};
use pushauth_core::webhook::{verify_v2, StandardSecret};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/../../tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn public_key(index: usize) -> DevicePublicKey {
    let keys = load("keys.json");
    let entry = &keys["keys"][index];
    let secret: [u8; 32] = hex::decode(s(&entry["secretHex"])).unwrap().try_into().unwrap();
    let signer = DeviceSigningKey::from_bytes(&secret).unwrap();
    let public = DevicePublicKey::parse(s(&entry["publicKeySpki"])).unwrap();
    assert_eq!(signer.public_key(), public);
    assert_eq!(public.key_id().as_str(), s(&entry["keyId"]));
    public
}

#[test]
fn enrolment_vectors() {
    let vectors = load("enrolments.json");
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 3);
    for case in cases {
        let enrolment = Enrolment {
            public_key: s(&case["publicKeySpki"]).into(),
            device_name: "phone".into(),
            device_platform: "cli".into(),
            push_token: None,
            proof: Some(s(&case["signatureDer"]).into()),
        };
        let key_id = KeyId::parse(s(&case["keyId"])).unwrap();
        assert_eq!(token_digest(s(&case["token"])), s(&case["tokenDigest"]));
        let message = enrolment_message(s(&case["token"]), &key_id);
        assert_eq!(hex::encode(&message), s(&case["messageHex"]), "{}", case["name"]);
        let verdict = match enrolment_check(&enrolment, s(&case["token"])).unwrap().verify() {
            Ok(()) => "valid",
            Err(e) => e.code(),
        };
        assert_eq!(verdict, s(&case["verdict"]), "{}", case["name"]);
        let raw = DeviceSignature::parse(s(&case["signatureRaw"])).unwrap();
        assert_eq!(
            DevicePublicKey::parse(s(&case["publicKeySpki"])).unwrap().verify(&message, &raw).is_ok(),
            verdict == "valid"
        );
    }
    assert_eq!(public_key(0).key_id().as_str(), s(&cases[0]["keyId"]));
}

#[test]
fn answer_vectors() {
    let key = public_key(0);
    let vectors = load("answers.json");
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 4);
    for case in cases {
        let view: ChallengeView = serde_json::from_value(case["view"].clone()).unwrap();
        let choice: Choice = serde_json::from_value(case["choice"].clone()).unwrap();
        let key_id = KeyId::parse(s(&case["keyId"])).unwrap();
        assert_eq!(b64url(&context_digest(&view)), s(&case["contextDigest"]));
        let message = answer_message(&view, &key_id, &choice);
        assert_eq!(hex::encode(&message), s(&case["messageHex"]), "{}", case["name"]);
        for field in ["signatureDer", "signatureRaw"] {
            let sig = DeviceSignature::parse(s(&case[field])).unwrap();
            key.verify(&message, &sig).unwrap();
        }
    }
}

#[test]
fn evidence_vectors() {
    let key = public_key(0);
    let vectors = load("evidence.json");
    let cases = vectors["cases"].as_array().unwrap();
    let names: Vec<&str> = cases.iter().map(|c| s(&c["name"])).collect();
    for name in ["valid", "tampered-amount", "tampered-payee", "swapped-key", "wrong-tenant"] {
        assert!(names.contains(&name), "missing case {name}");
    }
    for case in cases {
        let document: Evidence = serde_json::from_value(case["evidence"].clone()).unwrap();
        let verdict = match evidence::verify(&document) {
            Ok(v) => {
                assert_eq!(document.public_key, key.to_base64());
                assert_eq!(v.key_id, key.key_id().as_str());
                "valid"
            }
            Err(reason) => reason.as_str(),
        };
        assert_eq!(verdict, s(&case["verdict"]), "{}", case["name"]);
    }
}

#[test]
fn device_request_vectors() {
    let key = public_key(1);
    let vectors = load("device_requests.json");
    for case in vectors["cases"].as_array().unwrap() {
        let key_id = KeyId::parse(s(&case["keyId"])).unwrap();
        let ts = case["timestamp"].as_u64().unwrap();
        let request = DeviceRequest {
            tenant_id: s(&case["tenantId"]),
            key_id: &key_id,
            method: s(&case["method"]),
            path_and_query: s(&case["pathAndQuery"]),
            timestamp: ts,
            body: s(&case["body"]).as_bytes(),
        };
        assert_eq!(hex::encode(device_request_message(&request)), s(&case["messageHex"]));
        let sig = DeviceSignature::parse(s(&case["signatureDer"])).unwrap();
        verify_device_request(&key, &request, &sig, ts).unwrap();
    }
}

#[test]
fn token_vectors() {
    let vectors = load("tokens.json");
    let secret = s(&vectors["secret"]).as_bytes();
    let now = vectors["nowMillis"].as_u64().unwrap();
    for case in vectors["cases"].as_array().unwrap() {
        let claims: Claims = serde_json::from_value(case["claims"].clone()).unwrap();
        let verified = token::verify(secret, claims.kind, s(&case["token"]), now).unwrap();
        assert_eq!(verified, claims);
        assert_eq!(token::issue(secret, &claims).unwrap(), s(&case["token"]));
        let other = match claims.kind {
            TokenKind::Track => TokenKind::Result,
            TokenKind::Result => TokenKind::Track,
        };
        assert!(token::verify(secret, other, s(&case["token"]), now).is_err());
    }
}

#[test]
fn webhook_vectors() {
    let v = load("webhooks.json");
    let body = s(&v["body"]).as_bytes();
    let now = v["timestamp"].as_u64().unwrap() * 1000;
    verify_v2(s(&v["v2"]["secret"]), s(&v["v2"]["header"]), body, now, 300).unwrap();
    let secret = StandardSecret::parse(s(&v["standard"]["secret"])).unwrap();
    let ts = v["timestamp"].to_string();
    secret.verify(s(&v["standard"]["id"]), &ts, s(&v["standard"]["signature"]), body, now, 300).unwrap();
}
