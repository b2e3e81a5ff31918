//! CORS on the client API through the route table (native, memory stores): the preflight, an
//! allowed origin, a refused one (refused before anything runs, however the path is spelled),
//! and the simple-request form (no preflight), as `tests/worker/cors.test.mjs` and
//! `tests/security/cors-path-normalisation.test.mjs` check them against workerd.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used)] // a test: a missing fixture is a failure

use pushauth_core::signature::DeviceSigningKey;
use pushauth_worker::testkit::{pairs, request, tenant_secret, Client, Reply, World};
use serde_json::json;

const ALLOWED: &str = "https://app.example";
const FOREIGN: &str = "https://evil.example";
const PUSH: &str = "/v1/client/challenge/push";

/// Tenant `acme` allowing [`ALLOWED`], and lea with one enrolled device.
fn world() -> (World, DeviceSigningKey) {
    let world = World::default();
    assert_eq!(world.tenant("acme", json!({ "allowedOrigins": [ALLOWED] })).status, 201);
    let key = DeviceSigningKey::from_bytes(&[7; 32]).expect("a valid scalar");
    assert_eq!(world.enrol_device("acme", "lea", &key).status, 201);
    (world, key)
}

/// A track token for lea's sign-in.
fn track(world: &World) -> String {
    let auth = World::basic(&tenant_secret("acme"));
    let r = world.json("POST", "/v1/users/lea/actions/signIn", &[("authorization", &auth)], &json!({}));
    assert_eq!(r.status, 200, "{}", r.json);
    r.json["token"].as_str().expect("track answers a token").to_owned()
}

/// How many challenges lea's device has pending.
fn pending(world: &World, key: &DeviceSigningKey) -> usize {
    // A new timestamp: the same signed request twice is refused as a replay.
    world.now.set(world.now.get() + 1);
    let headers = world.device_headers(key, "acme", "GET", "/v1/device/challenges", b"");
    let r = world.send("GET", "/v1/device/challenges", &pairs(&headers), b"");
    assert_eq!(r.status, 200, "{}", r.json);
    r.json["challenges"].as_array().map_or(0, Vec::len)
}

/// Starts a challenge from a page on `origin`, the token as a bearer, at `path`.
fn start(world: &World, path: &str, token: &str, origin: &str) -> Reply {
    let bearer = format!("Bearer {token}");
    world.json(
        "POST",
        path,
        &[("authorization", &bearer), ("origin", origin)],
        &json!({ "action": "signIn" }),
    )
}

fn header<'r>(reply: &'r Reply, name: &str) -> Option<&'r str> {
    reply.raw.header(name)
}

fn error_code(reply: &Reply) -> (u16, Option<&str>) {
    (reply.status, reply.json["errorCode"].as_str())
}

#[test]
fn a_preflight_answers_without_revealing_anything() {
    let (world, _) = world();
    let headers = [("origin", "http://127.0.0.1:9"), ("access-control-request-method", "POST")];

    let r = world.call(&request("OPTIONS", PUSH, &headers, b""));

    assert_eq!(r.status, 204);
    assert_eq!(header(&r, "access-control-allow-origin"), Some("http://127.0.0.1:9"));
    assert!(header(&r, "access-control-allow-headers").is_some_and(|h| h.contains("authorization")));
    assert_eq!(header(&r, "access-control-max-age"), Some("7200"));
    assert_eq!(header(&r, "vary"), Some("Origin"));
}

#[test]
fn an_allowed_origin_is_answered_with_its_cors_headers() {
    let (world, key) = world();

    let r = start(&world, PUSH, &track(&world), ALLOWED);

    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(header(&r, "access-control-allow-origin"), Some(ALLOWED));
    assert_eq!(header(&r, "vary"), Some("Origin"));
    assert_eq!(header(&r, "access-control-expose-headers"), Some("Retry-After, Allow"));
    assert_eq!(pending(&world, &key), 1);
}

#[test]
fn another_origin_is_refused_readably_before_anything_runs() {
    let (world, key) = world();

    let r = start(&world, PUSH, &track(&world), FOREIGN);

    assert_eq!(error_code(&r), (403, Some("origin_not_allowed")), "{}", r.json);
    // Readable by the page (an SDK reports origin_not_allowed, not a network error).
    assert_eq!(header(&r, "access-control-allow-origin"), Some(FOREIGN));
    assert_eq!(pending(&world, &key), 0, "the refused call started no challenge");
}

#[test]
fn another_spelling_of_a_client_path_is_refused_alike() {
    let (world, key) = world();

    for path in ["//v1/client/challenge/push", "/v1/%63lient/challenge/push", "/%761/client/challenge/push"] {
        let r = start(&world, path, &track(&world), FOREIGN);
        assert_eq!(error_code(&r), (403, Some("origin_not_allowed")), "{path}: {}", r.json);
    }

    assert_eq!(pending(&world, &key), 0, "no refused call started a challenge");
}

#[test]
fn the_simple_request_form_is_the_same_call_origin_checked_alike() {
    let (world, key) = world();
    let simple = |origin: &str, body: serde_json::Value| {
        let headers = [("content-type", "text/plain;charset=UTF-8"), ("origin", origin)];
        world.call(&request("POST", PUSH, &headers, body.to_string().as_bytes()))
    };
    let token = track(&world);

    let refused = simple(FOREIGN, json!({ "action": "signIn", "token": token }));
    assert_eq!(error_code(&refused), (403, Some("origin_not_allowed")), "{}", refused.json);
    assert_eq!(pending(&world, &key), 0, "the refused call started nothing");

    let started = simple(ALLOWED, json!({ "action": "signIn", "token": token }));
    assert_eq!(started.status, 200, "{}", started.json);
    assert_eq!(header(&started, "access-control-allow-origin"), Some(ALLOWED));
    assert_eq!(pending(&world, &key), 1);

    let tokenless = simple(ALLOWED, json!({ "action": "signIn" }));
    assert_eq!(error_code(&tokenless), (401, Some("token_not_set")), "{}", tokenless.json);
    let forged = simple(ALLOWED, json!({ "action": "signIn", "token": format!("{token}x") }));
    assert_eq!(forged.status, 401, "{}", forged.json);
}
