//! The home hint (`pushauth_core::home_hint`): a device that sends the hint its enrolment issued
//! is routed to its user's object without a KV read; a hint that is not the service's, or is
//! for another key, is ignored (routed through KV); a genuine hint only routes, and the object
//! still refuses a key not enrolled there.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used)] // a test: a missing fixture is a failure

use pushauth_core::home_hint::{issue_home_hint, HomeHint};
use pushauth_core::signature::DeviceSigningKey;
use pushauth_worker::scope::HOME_HINT_HEADER;
use pushauth_worker::testkit::{pairs, Client, Reply, World};
use serde_json::json;

fn key(seed: u8) -> DeviceSigningKey {
    DeviceSigningKey::from_bytes(&[seed; 32]).expect("a valid scalar")
}

/// An enrolled device and its hint, in a world with warm isolates.
fn enrolled() -> (World, DeviceSigningKey, String) {
    let w = World::default();
    w.warm.set(true);
    assert_eq!(w.tenant("acme", json!({})).status, 201);
    let device = key(7);
    let enrolled = w.enrol_device("acme", "alice", &device);
    assert_eq!(enrolled.status, 201, "{:?}", enrolled.json);
    let home = enrolled.json["home"].as_str().expect("enrolment issues a home hint").to_owned();
    (w, device, home)
}

/// A signed fetch of pending challenges with `hint`, a millisecond after the last; its reply
/// and the KV reads it made.
fn fetch(w: &World, device: &DeviceSigningKey, hint: Option<&str>) -> (Reply, u32) {
    // A new request each time (the same signed bytes would be a replay).
    w.now.set(w.now.get() + 1);
    let mut headers = w.device_headers(device, "acme", "GET", "/v1/device/challenges", b"");
    if let Some(hint) = hint {
        headers.push((HOME_HINT_HEADER.into(), hint.to_owned()));
    }
    w.store.reset_counts();
    let reply = w.send("GET", "/v1/device/challenges", &pairs(&headers), b"");
    (reply, w.store.reads.get())
}

#[test]
fn a_device_with_its_hint_is_routed_without_a_kv_read() {
    let (w, device, home) = enrolled();
    let (reply, reads) = fetch(&w, &device, Some(&home));
    assert_eq!(reply.status, 200, "{:?}", reply.json);
    assert_eq!(reads, 0);
    let (reply, reads) = fetch(&w, &device, None);
    assert_eq!(reply.status, 200, "without a hint: through KV");
    assert_eq!(reads, 1, "the device-home record");
}

#[test]
fn a_hint_not_the_services_or_for_another_key_goes_through_kv() {
    let (w, device, home) = enrolled();
    let altered = format!("{}A", &home[..home.len() - 1]);
    let forged = issue_home_hint(
        b"not the service's secret",
        &HomeHint {
            tenant_id: "acme".parse().expect("a tenant id"),
            user_id: "alice".parse().expect("a user id"),
            key_id: device.public_key().key_id(),
        },
    )
    .expect("issued");
    let other_device = key(8);
    assert_eq!(w.enrol_device("acme", "bob", &other_device).status, 201);
    for hint in [altered.as_str(), forged.as_str(), "h1.e30.AAAA", "garbage"] {
        let (reply, reads) = fetch(&w, &device, Some(hint));
        assert_eq!((reply.status, reads), (200, 1), "{hint}: {:?}", reply.json);
    }
    // Bob's genuine hint names Bob's key: sent with Alice's key, it is ignored.
    let bob_home =
        w.enrol_device("acme", "bob", &other_device).json["home"].as_str().unwrap_or_default().to_owned();
    let (reply, reads) = fetch(&w, &device, Some(&bob_home));
    assert_eq!((reply.status, reads), (200, 1), "{:?}", reply.json);
}

#[test]
fn a_genuine_hint_only_routes_the_object_still_decides() {
    let (w, device, home) = enrolled();
    // The device is removed: its hint still routes to Alice's object, which refuses the key.
    let headers = w.device_headers(&device, "acme", "DELETE", "/v1/device/credential", b"");
    let mut h = pairs(&headers);
    h.push((HOME_HINT_HEADER, &home));
    assert_eq!(w.send("DELETE", "/v1/device/credential", &h, b"").status, 204);
    let (reply, reads) = fetch(&w, &device, Some(&home));
    assert_eq!(reply.status, 401, "{:?}", reply.json);
    assert_eq!(reply.json["errorCode"], "invalid_credential");
    assert_eq!(reads, 0, "routed by the hint");
}
