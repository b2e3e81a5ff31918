//! Storage that fails part way through a request (issue 14, "never a half-written state").
//!
//! Every step of a login and of a Privakey request with a callback is sent with the user's
//! object's storage failing from its 1st call, then its 2nd, and so on, until the step gets
//! through; then the same with Workers KV failing. Each failed attempt must answer
//! `503 storage_unavailable` and leave the object exactly as it was (a request is written whole
//! or not at all: `write_batch.rs`), and the very same request sent again (the same signed bytes,
//! so single-use marks must not have been left behind) must succeed. After the last step the
//! state must be whole: the result token validates once, the callback is queued once.
#![cfg(not(target_arch = "wasm32"))]

use pushauth_core::answer::Choice;
use pushauth_core::challenge::ChallengeView;
use pushauth_core::signature::DeviceSigningKey;
use pushauth_worker::http::ApiRequest;
use pushauth_worker::memory_store::MemoryStore;
use pushauth_worker::testkit::{json_request, request, tenant_secret, user_object, Client, Reply, World};
use serde_json::{json, Value};

const HOOK: &str = "http://127.0.0.1:9/hook";

/// Sends `req` with `store` failing from its n-th call, n = 0, 1, …, until it is answered
/// otherwise than 503; checks every failed attempt changed nothing in `object`. Returns the
/// answer and how many attempts failed.
fn through_faults(
    world: &World,
    store: &MemoryStore,
    object: &MemoryStore,
    req: &ApiRequest,
) -> (Reply, u32) {
    let mut n = 0;
    loop {
        assert!(n < 200, "{} never got through", req.path);
        let before = object.entries();
        store.fail_from(n);
        let reply = world.call(req);
        store.fail_never();
        if reply.status != 503 {
            return (reply, n);
        }
        assert_eq!(reply.json["errorCode"], "storage_unavailable", "{} {}", req.path, reply.json);
        assert_eq!(object.entries(), before, "{} failing from call {n} wrote part of its state", req.path);
        n += 1;
    }
}

/// Sends `req` through faults of the object's storage, then of KV; answers the last reply.
fn step(world: &World, req: &ApiRequest, expect: u16) -> Value {
    let object = world.objects.get(&user_object("acme", "alice").unwrap_or_default());
    let (reply, object_faults) = through_faults(world, &object.store, &object.store, req);
    assert_eq!(reply.status, expect, "{} {}", req.path, reply.json);
    assert!(
        object_faults > 0 || req.path.contains("/actions/"),
        "{}: the object was never reached",
        req.path
    );
    reply.json
}

/// The enrolment of `key` for alice of acme, as one request to send (and send again): the track
/// that issues its token is made first, without faults.
fn enrolment(world: &World, key: &DeviceSigningKey) -> ApiRequest {
    let auth = World::basic(&tenant_secret("acme"));
    let scope = json!({"scope": "add:authenticators"});
    let enrol = world.json("POST", "/v1/users/alice/actions/enroll", &[("authorization", &auth)], &scope);
    let token = enrol.json["token"].as_str().unwrap_or_default();
    let bearer = format!("Bearer {token}");
    let body = World::enrolment_body(token, key, "phone");
    json_request("POST", "/v1/client/user-authenticators/push", &[("authorization", &bearer)], &body)
}

/// Header pairs as the test kit takes them.
fn headers(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

#[test]
fn every_step_of_a_login_is_written_whole_or_not_at_all_and_a_retry_gets_through() {
    let world = World::default();
    assert_eq!(world.tenant("acme", json!({ "callbackUrls": [HOOK] })).status, 201);
    let auth = World::basic(&tenant_secret("acme"));
    let key = DeviceSigningKey::from_bytes(&[7; 32]).expect("a valid scalar");

    // Enrolment.
    step(&world, &enrolment(&world, &key), 201);

    // A sign-in: challenge, fetch, answer, verify, validate.
    let track = world.json("POST", "/v1/users/alice/actions/signIn", &[("authorization", &auth)], &json!({}));
    let bearer = format!("Bearer {}", track.json["token"].as_str().unwrap_or_default());
    let challenge = step(
        &world,
        &json_request(
            "POST",
            "/v1/client/challenge/push",
            &[("authorization", &bearer)],
            &json!({"action": "signIn"}),
        ),
        200,
    );
    let fetch = world.device_headers(&key, "acme", "GET", "/v1/device/challenges", b"");
    let pending = step(&world, &request("GET", "/v1/device/challenges", &headers(&fetch), b""), 200);
    let view: ChallengeView =
        serde_json::from_value(pending["challenges"][0].clone()).expect("a pending view");
    assert_eq!(Some(view.challenge_id.as_str()), challenge["challengeId"].as_str());
    let choice = Choice { button: 0, code: None, reason: None };
    let answer = World::answer_body(&key, &view, &choice);
    let path = format!("/v1/device/challenges/{}/answer", view.challenge_id);
    step(&world, &json_request("POST", &path, &[], &answer), 200);
    let verify = json!({"challengeId": view.challenge_id});
    let verified = step(
        &world,
        &json_request("POST", "/v1/client/verify/push", &[("authorization", &bearer)], &verify),
        200,
    );
    let token = verified["accessToken"].as_str().unwrap_or_default().to_owned();
    let validate =
        json_request("POST", "/v1/validate", &[("authorization", &auth)], &json!({"token": token}));
    let valid = step(&world, &validate, 200);
    assert_eq!(valid["isValid"], true);
    // Whole: the token was consumed once, by the request that got through.
    assert_eq!(world.call(&validate).json["errorCode"], "result_already_consumed");
}

#[test]
fn an_answer_and_its_callback_are_queued_together_or_not_at_all() {
    let world = World::default();
    assert_eq!(world.tenant("acme", json!({ "callbackUrls": [HOOK] })).status, 201);
    let auth = World::basic(&tenant_secret("acme"));
    let key = DeviceSigningKey::from_bytes(&[8; 32]).expect("a valid scalar");
    assert_eq!(world.enrol_device("acme", "alice", &key).status, 201);

    let add = json_request(
        "POST",
        "/request/add",
        &[("authorization", &auth)],
        &json!({"accountId": "alice", "callback": HOOK}),
    );
    let added = step(&world, &add, 200);
    let guid = added["guid"].as_str().unwrap_or_default().to_owned();
    let fetch = world.device_headers(&key, "acme", "GET", "/v1/device/challenges", b"");
    let pending = step(&world, &request("GET", "/v1/device/challenges", &headers(&fetch), b""), 200);
    let view: ChallengeView =
        serde_json::from_value(pending["challenges"][0].clone()).expect("a pending view");
    let answer = World::answer_body(&key, &view, &Choice { button: 0, code: None, reason: None });
    step(&world, &json_request("POST", &format!("/v1/device/challenges/{guid}/answer"), &[], &answer), 200);

    let object = world.objects.get(&user_object("acme", "alice").unwrap_or_default());
    let deliveries: Vec<String> = object
        .store
        .keys()
        .into_iter()
        .filter(|k| k.starts_with("delivery:") && k.ends_with(".request.processed"))
        .collect();
    assert_eq!(
        deliveries.len(),
        1,
        "the answered request's callback is queued once: {:?}",
        object.store.keys()
    );
    let state = world.send("GET", &format!("/request/{guid}"), &[("authorization", &auth)], b"");
    assert_eq!(state.json["state"], "approved", "{}", state.json);
}

#[test]
fn kv_failing_part_way_leaves_a_request_that_goes_through_when_sent_again() {
    let world = World::default();
    assert_eq!(world.tenant("acme", json!({})).status, 201);
    let key = DeviceSigningKey::from_bytes(&[9; 32]).expect("a valid scalar");
    let object = world.objects.get(&user_object("acme", "alice").unwrap_or_default());
    let req = enrolment(&world, &key);
    let (reply, faults) = through_faults(&world, &world.store, &object.store, &req);
    assert_eq!(reply.status, 201, "{}", reply.json);
    assert!(faults > 0);
    let fetch = world.device_headers(&key, "acme", "GET", "/v1/device/challenges", b"");
    let (reply, _) = through_faults(
        &world,
        &world.store,
        &object.store,
        &request("GET", "/v1/device/challenges", &headers(&fetch), b""),
    );
    assert_eq!(reply.status, 200, "{}", reply.json);
}
