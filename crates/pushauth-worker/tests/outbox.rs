//! The outbox through the route table (native, memory stores): a Privakey callback is enqueued
//! by the device's answer, attempted by the user's object, retried with backoff after a
//! failure, delivered once the receiver answers 2xx, and given up when its retries run out.
//! The black-box tests against workerd are in `tests/worker/callbacks.test.mjs`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used)] // a test: a missing fixture is a failure

use pushauth_core::answer::Choice;
use pushauth_core::challenge::ChallengeView;
use pushauth_core::delivery::CALLBACK_RETRY_MS;
use pushauth_core::signature::DeviceSigningKey;
use pushauth_worker::alarm_plan::MIN_DELAY_MS;
use pushauth_worker::memory_store::MemoryStore;
use pushauth_worker::outbox::run_due;
use pushauth_worker::split_store::Split;
use pushauth_worker::testkit::{block_on, pairs, tenant_secret, user_object, Client, Recorder, World};
use serde_json::{json, Value};

const HOOK: &str = "http://127.0.0.1:9/hook";

/// Tenant `acme` with a callback URL, alice with one enrolled device, and a Privakey request
/// to her with that callback, answered "approve" by the device. Answers the world and the
/// request's guid.
fn answered_request() -> (World, String) {
    let world = World::default();
    assert_eq!(world.tenant("acme", json!({ "callbackUrls": [HOOK] })).status, 201);
    let key = DeviceSigningKey::from_bytes(&[9; 32]).expect("a valid scalar");
    assert_eq!(world.enrol_device("acme", "alice", &key).status, 201);
    let auth = World::basic(&tenant_secret("acme"));
    let body = json!({ "accountId": "alice", "content": "Pay 12 EUR", "callback": HOOK });
    let add = world.json("POST", "/request/add", &[("authorization", &auth)], &body);
    assert_eq!(add.status, 200, "{}", add.json);
    let guid = add.json["guid"].as_str().expect("request/add answers a guid").to_owned();
    let headers = world.device_headers(&key, "acme", "GET", "/v1/device/challenges", b"");
    let pending = world.send("GET", "/v1/device/challenges", &pairs(&headers), b"");
    let view: ChallengeView =
        serde_json::from_value(pending.json["challenges"][0].clone()).expect("one pending challenge");
    let answer = World::answer_body(&key, &view, &Choice { button: 0, code: None, reason: None });
    let r = world.json("POST", &format!("/v1/device/challenges/{guid}/answer"), &[], &answer);
    assert_eq!(r.status, 200, "{}", r.json);
    (world, guid)
}

/// The request's callback delivery, as its backend reads it (`GET /request/{guid}/deliveries`).
fn callback(world: &World, guid: &str) -> Value {
    let auth = World::basic(&tenant_secret("acme"));
    let log = world.send("GET", &format!("/request/{guid}/deliveries"), &[("authorization", &auth)], b"");
    assert_eq!(log.status, 200, "{}", log.json);
    let id = format!("{guid}.request.processed");
    log.json["deliveries"]
        .as_array()
        .expect("a delivery list")
        .iter()
        .find(|d| d["id"] == id.as_str())
        .cloned()
        .unwrap_or(Value::Null)
}

/// Runs alice's object's due deliveries now, the receiver answering `status`; answers the POSTs.
fn run_outbox(world: &World, status: u16) -> Vec<(String, String)> {
    let http = Recorder::answering(status);
    let object = world.objects.get(&user_object("acme", "alice").expect("alice has an object"));
    let store: Split<'_, MemoryStore, MemoryStore> = Split { live: &object.store, shared: &world.store };
    block_on(run_due(&store, &http, world.now.get(), world.config.outbox_base_delay_secs))
        .expect("the outbox runs");
    http.take()
}

fn state(delivery: &Value) -> (Option<&str>, Option<u64>) {
    (delivery["state"].as_str(), delivery["attemptCount"].as_u64())
}

#[test]
fn the_answer_enqueues_the_callback_due_at_once_with_the_objects_alarm_set_for_it() {
    let (world, guid) = answered_request();

    let delivery = callback(&world, &guid);

    assert_eq!(state(&delivery), (Some("pending"), Some(0)), "{delivery}");
    assert_eq!(delivery["url"], HOOK);
    assert_eq!(delivery["nextAttemptAt"].as_u64(), Some(world.now.get()));
    let object = world.objects.get(&user_object("acme", "alice").expect("alice has an object"));
    // As soon as an alarm may be set (the background attempt has then recorded its result).
    assert_eq!(object.alarm.get(), Some(world.now.get() + MIN_DELAY_MS), "the alarm wakes the object for it");
}

#[test]
fn a_failed_attempt_is_retried_after_the_backoff_and_then_delivered() {
    let (world, guid) = answered_request();

    // The first attempt: the receiver fails.
    let sent = run_outbox(&world, 503);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, HOOK);
    let body: Value = serde_json::from_str(&sent[0].1).expect("a JSON callback");
    assert_eq!((body["guid"].as_str(), body["state"].as_str()), (Some(guid.as_str()), Some("approved")));
    let failed = callback(&world, &guid);
    assert_eq!(state(&failed), (Some("pending"), Some(1)), "{failed}");
    let base_ms = world.config.outbox_base_delay_secs * 1000;
    assert_eq!(failed["nextAttemptAt"].as_u64(), Some(world.now.get() + base_ms));

    // Not before its time; at its time, the receiver answers 2xx.
    world.now.set(world.now.get() + base_ms - 1);
    assert!(run_outbox(&world, 200).is_empty(), "retried early");
    world.now.set(world.now.get() + 1);
    assert_eq!(run_outbox(&world, 204).len(), 1);
    assert_eq!(state(&callback(&world, &guid)), (Some("delivered"), Some(2)));

    // Delivered is final.
    world.now.set(world.now.get() + CALLBACK_RETRY_MS);
    assert!(run_outbox(&world, 200).is_empty());
}

#[test]
fn a_receiver_that_never_answers_is_given_up_after_the_retry_window() {
    let (world, guid) = answered_request();
    let started = world.now.get();

    // The objects' alarms run every attempt; their network fails each one.
    world.run_alarms(started + CALLBACK_RETRY_MS + 3_600_000);

    let delivery = callback(&world, &guid);
    assert_eq!(delivery["state"], "failed", "{delivery}");
    let attempts = delivery["attemptCount"].as_u64().expect("an attempt count");
    assert!(attempts > 20, "retried with backoff for the whole window: {attempts} attempts");
    let last = delivery["attempts"]
        .as_array()
        .and_then(|a| a.last())
        .and_then(|a| a["at"].as_u64())
        .expect("a last attempt");
    assert!(last <= started + CALLBACK_RETRY_MS, "no attempt after the window: {last}");
    assert!(last > started + CALLBACK_RETRY_MS - 3_600_000, "attempts until the window's last hour");
    // Given up: no further attempt, however long the object waits.
    world.now.set(world.now.get() + CALLBACK_RETRY_MS);
    assert!(run_outbox(&world, 200).is_empty());
    assert_eq!(callback(&world, &guid)["attemptCount"].as_u64(), Some(attempts));
}
