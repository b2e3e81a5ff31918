//! The secret index through rotations (native, memory stores): the rotated-out secret keeps
//! working for its grace period and its index entry expires with it; a secret whose grace is
//! over loses its entry at the next rotation, so no entry outlives the tenant's own secrets.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used)] // a test: a missing fixture is a failure

use pushauth_core::secret::secret_digest;
use pushauth_core::tenant::ROTATION_GRACE_MS;
use pushauth_worker::testkit::{tenant_secret, Client, World, ADMIN};
use serde_json::json;

/// The index key of `secret`, as the key schema spells it.
fn index_key(secret: &str) -> String {
    format!("secret:{}", secret_digest(secret))
}

/// Rotates acme's secret and returns the new one.
fn rotate(world: &World) -> String {
    let r = world.json(
        "POST",
        "/admin/tenants/acme/rotate-secret",
        &[("authorization", &format!("Bearer {ADMIN}"))],
        &json!({}),
    );
    assert_eq!(r.status, 200, "{}", r.json);
    r.json["secret"].as_str().expect("a new secret").to_owned()
}

/// The status of a backend call made with `secret`.
fn call_with(world: &World, secret: &str) -> u16 {
    world.send("GET", "/v1/users/lea", &[("authorization", &World::basic(secret))], b"").status
}

#[test]
fn a_rotated_out_secret_is_indexed_for_its_grace_and_then_gone() {
    let world = World::default();
    assert_eq!(world.tenant("acme", json!({})).status, 201);
    let first = tenant_secret("acme");
    assert_eq!(world.store.ttl(&index_key(&first)), Some(None), "a current secret's entry has no expiry");

    let second = rotate(&world);
    assert_eq!(world.store.ttl(&index_key(&second)), Some(None));
    assert_eq!(
        world.store.ttl(&index_key(&first)),
        Some(Some(ROTATION_GRACE_MS / 1000)),
        "the rotated-out secret's entry expires when its grace ends"
    );
    assert_eq!(call_with(&world, &first), 200, "within its grace the old secret still works");

    world.now.set(world.now.get() + ROTATION_GRACE_MS + 1);
    assert_eq!(call_with(&world, &first), 401, "after its grace it does not");
    let third = rotate(&world);
    assert_eq!(world.store.ttl(&index_key(&first)), None, "a secret rotation dropped loses its entry");
    assert_eq!(world.store.ttl(&index_key(&second)), Some(Some(ROTATION_GRACE_MS / 1000)));
    assert_eq!(world.store.ttl(&index_key(&third)), Some(None));
    let indexed = world.store.keys().into_iter().filter(|k| k.starts_with("secret:")).count();
    assert_eq!(indexed, 2, "entries only for the tenant's two secrets");
    assert_eq!(call_with(&world, &second), 200);
    assert_eq!(call_with(&world, &third), 200);
}
