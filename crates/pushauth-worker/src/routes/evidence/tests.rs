//! The evidence routes against the native test kit: an answered request's evidence verifies
//! with the core alone, a tampered copy does not, and nobody else's tenant can read it.

use pushauth_core::answer::Choice;
use pushauth_core::challenge::{Challenge, ChallengeView};
use pushauth_core::evidence::{verify, Evidence, EvidenceError};
use pushauth_core::signature::DeviceSigningKey;
use serde_json::json;

use crate::store::{get_json, keys};
use crate::testkit::{block_on, tenant_secret, user_object, Client, World};

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
    let object = world.objects.get(&user_object("acme", "alice").unwrap());
    let stored: Challenge =
        block_on(get_json(&object.store, &keys::challenge(&"acme".parse().unwrap(), &guid.parse().unwrap())))
            .unwrap()
            .unwrap();
    assert!(stored.signed_answer.is_some());
    let ttl = crate::challenge_repo::challenge_ttl(&stored, world.now());
    assert!(ttl > 400 * DAY_SECS - 60, "kept {ttl} s: the default 400 days");
}

const DAY_SECS: u64 = 86_400;

/// A plain sign-in in the Authsignal dialect (no callback, no webhook: no `challenge-home:`
/// record), approved by `key`: its idempotency key.
fn approved_sign_in(world: &World, tenant: &str, user: &str, key: &DeviceSigningKey) -> String {
    let auth = World::basic(&tenant_secret(tenant));
    let track = world.json(
        "POST",
        &format!("/v1/users/{user}/actions/signIn"),
        &[("authorization", &auth)],
        &json!({}),
    );
    assert_eq!(track.status, 200, "{}", track.json);
    let bearer = format!("Bearer {}", track.json["token"].as_str().unwrap());
    let started = world.json("POST", "/v1/client/challenge/push", &[("authorization", &bearer)], &json!({}));
    assert_eq!(started.status, 200, "{}", started.json);
    let id = started.json["challengeId"].as_str().unwrap().to_owned();
    let headers = world.device_headers(key, tenant, "GET", "/v1/device/challenges", b"");
    let pending = world.send("GET", "/v1/device/challenges", &crate::testkit::pairs(&headers), b"");
    let view: ChallengeView = serde_json::from_value(pending.json["challenges"][0].clone()).unwrap();
    let body = World::answer_body(key, &view, &Choice { button: 0, code: None, reason: None });
    let r = world.json("POST", &format!("/v1/device/challenges/{id}/answer"), &[], &body);
    assert_eq!(r.status, 200, "{}", r.json);
    track.json["idempotencyKey"].as_str().unwrap().to_owned()
}

#[test]
fn a_plain_sign_in_has_evidence_by_its_action_for_its_tenant_only_past_the_action_log() {
    // Arrange: a sign-in with no routing record in KV.
    let world = World::default();
    assert_eq!(world.tenant("acme", json!({})).status, 201);
    assert_eq!(world.tenant("globex", json!({})).status, 201);
    let auth = World::basic(&tenant_secret("acme"));
    let key = DeviceSigningKey::from_bytes(&[7; 32]).unwrap();
    assert_eq!(world.enrol_device("acme", "alice", &key).status, 201);
    let kv_writes_before = world.store.writes.get();
    let idem = approved_sign_in(&world, "acme", "alice", &key);
    assert_eq!(world.store.writes.get(), kv_writes_before, "a plain sign-in writes nothing to KV");
    let path = format!("/v1/users/alice/actions/signIn/{idem}/evidence");

    // Act, Assert: found through the action log.
    let r = world.send("GET", &path, &[("authorization", &auth)], b"");
    assert_eq!(r.status, 200, "{}", r.json);
    let evidence: Evidence = serde_json::from_value(r.json.clone()).unwrap();
    let verdict = verify(&evidence).unwrap();
    assert!(verdict.approved);
    assert_eq!((verdict.action.as_str(), verdict.user_id.as_str()), ("signIn", "alice"));

    // Another tenant, another action, another key, no credential.
    let other = World::basic(&tenant_secret("globex"));
    let r = world.send("GET", &path, &[("authorization", &other)], b"");
    assert_eq!((r.status, r.json["errorCode"].as_str()), (404, Some("action_not_found")));
    let r =
        world.send("GET", "/v1/users/alice/actions/signIn/nope/evidence", &[("authorization", &auth)], b"");
    assert_eq!((r.status, r.json["errorCode"].as_str()), (404, Some("action_not_found")));
    assert_eq!(world.send("GET", &path, &[], b"").status, 401);

    // The action log forgets an action after 30 days (the memory store keeps expired rows, so
    // the test forgets it by hand): the user's challenge records still hold the evidence.
    let object = world.objects.get(&user_object("acme", "alice").unwrap());
    block_on(crate::store::delete(
        &object.store,
        &keys::actions(&"acme".parse().unwrap(), &"alice".parse().unwrap()),
    ))
    .unwrap();
    let later = world.send("GET", &path, &[("authorization", &auth)], b"");
    assert_eq!(later.status, 200, "{}", later.json);
    assert_eq!(later.json, r_json(&evidence));

    // deleteUser keeps it (the tenant's record) unless asked to delete it.
    let r = world.send("DELETE", "/v1/users/alice", &[("authorization", &auth)], b"");
    assert_eq!((r.status, r.json.get("deletedEvidence")), (200, None), "{}", r.json);
    assert_eq!(world.send("GET", &path, &[("authorization", &auth)], b"").status, 200);
    let r = world.send("DELETE", "/v1/users/alice?deleteEvidence=maybe", &[("authorization", &auth)], b"");
    assert_eq!((r.status, r.json["errorCode"].as_str()), (400, Some("invalid_characters")));
    let r = world.send("DELETE", "/v1/users/alice?deleteEvidence=true", &[("authorization", &auth)], b"");
    assert_eq!((r.status, r.json["deletedEvidence"].as_u64()), (200, Some(1)), "{}", r.json);
    let r = world.send("GET", &path, &[("authorization", &auth)], b"");
    assert_eq!((r.status, r.json["errorCode"].as_str()), (404, Some("action_not_found")));
}

fn r_json(evidence: &Evidence) -> serde_json::Value {
    serde_json::to_value(evidence).unwrap()
}

#[test]
fn the_tenants_evidence_days_set_the_records_expiry_and_zero_keeps_none() {
    let world = World::default();
    assert_eq!(world.tenant("brief", json!({ "evidenceDays": 1 })).status, 201);
    assert_eq!(world.tenant("none", json!({ "evidenceDays": 0 })).status, 201);
    let r = world.tenant("toolong", json!({ "evidenceDays": 3651 }));
    assert_eq!((r.status, r.json["errorCode"].as_str()), (400, Some("value_out_of_range")));
    let key = DeviceSigningKey::from_bytes(&[7; 32]).unwrap();
    let other = DeviceSigningKey::from_bytes(&[8; 32]).unwrap();
    assert_eq!(world.enrol_device("brief", "alice", &key).status, 201);
    assert_eq!(world.enrol_device("none", "alice", &other).status, 201);

    let idem = approved_sign_in(&world, "brief", "alice", &key);
    let auth = World::basic(&tenant_secret("brief"));
    let path = format!("/v1/users/alice/actions/signIn/{idem}/evidence");
    assert_eq!(world.send("GET", &path, &[("authorization", &auth)], b"").status, 200);
    let id = world.send("GET", &path, &[("authorization", &auth)], b"").json["challenge"]["challengeId"]
        .as_str()
        .unwrap()
        .to_owned();
    let object = world.objects.get(&user_object("brief", "alice").unwrap());
    let key = keys::challenge(&"brief".parse().unwrap(), &id.parse().unwrap());
    let stored: Challenge = block_on(get_json(&object.store, &key)).unwrap().unwrap();
    let ttl = crate::challenge_repo::challenge_ttl(&stored, world.now());
    assert!((DAY_SECS - 60..=DAY_SECS).contains(&ttl), "kept {ttl} s: one day");
    let written = object.store.ttl(&key).flatten().unwrap();
    assert!((DAY_SECS - 60..=DAY_SECS).contains(&written), "written with {written} s: one day");

    let idem = approved_sign_in(&world, "none", "alice", &other);
    let auth = World::basic(&tenant_secret("none"));
    let r = world.send(
        "GET",
        &format!("/v1/users/alice/actions/signIn/{idem}/evidence"),
        &[("authorization", &auth)],
        b"",
    );
    assert_eq!(
        (r.status, r.json["errorCode"].as_str()),
        (404, Some("evidence_not_found")),
        "0 days: none kept"
    );
}
