//! The evidence routes against the native test kit: an answered request's evidence verifies
//! with the core alone, a tampered copy does not, and nobody else's tenant can read it.

use pushauth_core::answer::Choice;
use pushauth_core::challenge::{Challenge, ChallengeView};
use pushauth_core::evidence::{verify, Evidence, EvidenceError, EVIDENCE_RETENTION_MS};
use pushauth_core::signature::DeviceSigningKey;
use serde_json::json;

use crate::scope::object_name;
use crate::store::{get_json, keys};
use crate::testkit::{block_on, tenant_secret, Client, World};

#[test]
fn an_answered_request_has_evidence_anyone_can_verify_and_only_its_tenant_can_read() {
    let world = World::default();
    assert_eq!(world.tenant("acme", json!({})).status, 201);
    assert_eq!(world.tenant("globex", json!({})).status, 201);
    let auth = World::basic(&tenant_secret("acme"));
    let key = DeviceSigningKey::from_bytes(&[7; 32]).unwrap();
    assert_eq!(world.enrol_device("acme", "alice", &key).status, 201);
    let add = world.json(
        "POST",
        "/request/add",
        &[("authorization", &auth)],
        &json!({"accountId": "alice", "content": "Pay 49.90 EUR to ACME", "duration": "5m",
                "buttons": [{"title": "Pay", "strongAuth": true}, {"title": "Decline", "strongAuth": false}]}),
    );
    assert_eq!(add.status, 200, "{}", add.json);
    let guid = add.json["guid"].as_str().unwrap().to_owned();
    let by_request = format!("/request/{guid}/evidence");
    let by_challenge = format!("/v1/challenges/{guid}/evidence");

    // Not answered yet: no evidence.
    let r = world.send("GET", &by_request, &[("authorization", &auth)], b"");
    assert_eq!((r.status, r.json["errorCode"].as_str()), (404, Some("evidence_not_found")));

    let headers = world.device_headers(&key, "acme", "GET", "/v1/device/challenges", b"");
    let h: Vec<(&str, &str)> = headers.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let pending = world.send("GET", "/v1/device/challenges", &h, b"");
    let view: ChallengeView = serde_json::from_value(pending.json["challenges"][0].clone()).unwrap();
    let choice = Choice { button: 0, code: None, reason: None };
    let body = World::answer_body(&key, &view, &choice);
    let r = world.json("POST", &format!("/v1/device/challenges/{guid}/answer"), &[], &body);
    assert_eq!(r.status, 200, "{}", r.json);

    for path in [&by_request, &by_challenge] {
        let r = world.send("GET", path, &[("authorization", &auth)], b"");
        assert_eq!(r.status, 200, "{}", r.json);
        let evidence: Evidence = serde_json::from_value(r.json.clone()).unwrap();
        assert_eq!(evidence.challenge, view, "the challenge exactly as the device received it");
        assert_eq!(evidence.signature, body["signature"].as_str().unwrap());
        let verdict = verify(&evidence).unwrap();
        assert!(verdict.approved);
        assert_eq!(verdict.content, "Pay 49.90 EUR to ACME");
        assert_eq!(verdict.button_title, "Pay");

        let mut tampered = evidence.clone();
        tampered.challenge.content = "Pay 4990.00 EUR to ACME".into();
        assert_eq!(verify(&tampered), Err(EvidenceError::SignatureMismatch));
        let mut flipped = evidence;
        flipped.choice.button = 1;
        flipped.result.status = pushauth_core::challenge::Status::Denied;
        assert_eq!(verify(&flipped), Err(EvidenceError::SignatureMismatch));
    }

    // Another tenant: not found, whichever route.
    let other = World::basic(&tenant_secret("globex"));
    for path in [&by_request, &by_challenge] {
        let r = world.send("GET", path, &[("authorization", &other)], b"");
        assert_eq!((r.status, r.json["errorCode"].as_str()), (404, Some("request_not_found")), "{path}");
    }
    // No credential: refused before anything is read.
    assert_eq!(world.send("GET", &by_request, &[], b"").status, 401);

    // The evidence lives in the challenge record, kept for the evidence retention.
    let object = world.objects.get(&object_name("acme", "alice"));
    let stored: Challenge =
        block_on(get_json(&object.store, &keys::challenge("acme", &guid))).unwrap().unwrap();
    assert!(stored.signed_answer.is_some());
    let ttl = crate::routes::server::challenge_ttl(&stored, world.now());
    assert!(ttl * 1000 > EVIDENCE_RETENTION_MS - 60_000, "kept {ttl} s");
}
