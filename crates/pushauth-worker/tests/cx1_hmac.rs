//! Privakey CX's `CX1-HMAC-SHA256` through the route table (native, memory stores): which full
//! URIs a signature may cover (the request's own URL, or `PUBLIC_BASE_URL` with the same path),
//! single use (also when the same signed request arrives 20 times at once), and refusal for a
//! Basic-mode origin. The black-box test against workerd is `tests/worker/privakey-hmac.test.mjs`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used)] // a test: a missing fixture is a failure

use pushauth_core::cx1_hmac::{cx1_sign, cx1_signing_string, CX1_SCHEME};
use pushauth_worker::memory_store::MemoryStore;
use pushauth_worker::testkit::{request, tenant_secret, Client, MemoryObjects, Reply, World};
use pushauth_worker::two_locations::executor::{join_all, Task};
use serde_json::{json, Value};

/// A request origin's GUID, as Privakey CX names origins.
const ORIGIN: &str = "6f1c2b9e-3d4a-4b5c-8e7f-0a1b2c3d4e5f";
const BODY: &[u8] = br#"{"accountId":"nobody-enrolled","content":"Sign in?"}"#;

fn world(public_base_url: &str, settings: Value) -> World {
    let mut world = World::default();
    world.config.public_base_url = public_base_url.into();
    let created = world.tenant(ORIGIN, settings);
    assert_eq!(created.status, 201, "{}", created.json);
    world
}

/// `Authorization` as a Privakey CX integrator builds it for `full_uri`, timestamped now.
fn cx1(world: &World, method: &str, full_uri: &str, body: &[u8]) -> String {
    let ts = world.now();
    let message = cx1_signing_string(method, full_uri, ts, ORIGIN, body);
    let signature = cx1_sign(&tenant_secret(ORIGIN), &message).unwrap_or_default();
    format!("{CX1_SCHEME},{ORIGIN}/{ts},{signature}")
}

fn add(world: &World, authorization: &str) -> Reply {
    world.send(
        "POST",
        "/request/add",
        &[("authorization", authorization), ("content-type", "application/json")],
        BODY,
    )
}

fn outcome(reply: &Reply) -> String {
    format!("{} {}", reply.status, reply.json["errorCode"].as_str().unwrap_or_default())
}

// Authentication passed when the request reaches request/add's own checks: the account has no
// device, so `400 no_authenticator` (after the replay mark is written).
const AUTHENTICATED: &str = "400 no_authenticator";

#[test]
fn the_requests_own_url_and_the_public_base_url_are_accepted_once_each() {
    let w = world("https://auth.example.com/", json!({ "authMode": "hmac" }));
    let own = cx1(&w, "POST", "http://127.0.0.1:8787/request/add", BODY);
    assert_eq!(outcome(&add(&w, &own)), AUTHENTICATED);
    assert_eq!(outcome(&add(&w, &own)), "401 replayed_request");

    let public = cx1(&w, "POST", "https://auth.example.com/request/add", BODY);
    assert_eq!(outcome(&add(&w, &public)), AUTHENTICATED);
    assert_eq!(outcome(&add(&w, &public)), "401 replayed_request");

    for elsewhere in [
        "https://other.example.com/request/add",
        "http://auth.example.com/request/add",
        "https://auth.example.com/request/add/",
        "/request/add",
    ] {
        let signed = cx1(&w, "POST", elsewhere, BODY);
        assert_eq!(outcome(&add(&w, &signed)), "401 invalid_credential", "{elsewhere}");
    }
}

#[test]
fn without_a_public_base_url_only_the_requests_own_url_counts() {
    let w = world("", json!({ "authMode": "hmac" }));
    let public = cx1(&w, "POST", "https://auth.example.com/request/add", BODY);
    assert_eq!(outcome(&add(&w, &public)), "401 invalid_credential");
    let own = cx1(&w, "POST", "http://127.0.0.1:8787/request/add", BODY);
    assert_eq!(outcome(&add(&w, &own)), AUTHENTICATED);
}

#[test]
fn a_basic_mode_origin_refuses_cx1() {
    let w = world("", json!({}));
    let own = cx1(&w, "POST", "http://127.0.0.1:8787/request/add", BODY);
    assert_eq!(outcome(&add(&w, &own)), "401 invalid_credential");
}

#[test]
fn the_clock_window_is_five_minutes_either_way() {
    let w = world("", json!({ "authMode": "hmac" }));
    let signed = cx1(&w, "POST", "http://127.0.0.1:8787/request/add", BODY);
    w.now.set(w.now.get() + 300_001);
    assert_eq!(outcome(&add(&w, &signed)), "401 timestamp_out_of_window");
    w.now.set(w.now.get() - 600_002);
    assert_eq!(outcome(&add(&w, &signed)), "401 timestamp_out_of_window");
    w.now.set(w.now.get() + 1);
    assert_eq!(outcome(&add(&w, &signed)), AUTHENTICATED, "at exactly −300 s it is still accepted");
}

#[test]
fn the_same_signed_request_twenty_times_at_once_is_accepted_once() {
    // Storage that yields on every call, so the 20 requests interleave wherever they can.
    let mut w = World::default();
    w.store = MemoryStore::yielding();
    w.objects = MemoryObjects::yielding();
    assert_eq!(w.tenant(ORIGIN, json!({ "authMode": "hmac" })).status, 201);
    let signed = cx1(&w, "POST", "http://127.0.0.1:8787/request/add", BODY);
    let headers = [("authorization", signed.as_str()), ("content-type", "application/json")];
    let req = request("POST", "/request/add", &headers, BODY);

    let tasks: Vec<Task<'_, _>> = (0..20).map(|_| -> Task<'_, _> { Box::pin(w.handle(&req)) }).collect();
    let replies: Vec<Reply> =
        join_all(tasks).expect("every request finishes").into_iter().map(Reply::from).collect();

    let accepted = replies.iter().filter(|r| outcome(r) == AUTHENTICATED).count();
    let replayed = replies.iter().filter(|r| outcome(r) == "401 replayed_request").count();
    assert_eq!((accepted, replayed), (1, 19), "{:?}", replies.iter().map(outcome).collect::<Vec<_>>());
}
