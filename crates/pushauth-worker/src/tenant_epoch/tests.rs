//! Issue 14: a deleted tenant's devices keep working and come back when the same id is created
//! again. Deletion stops everything at once; a new tenant with that id starts empty; a key
//! enrolled by the old tenant can be enrolled anew.

use pushauth_core::answer::Choice;
use pushauth_core::challenge::ChallengeView;
use pushauth_core::signature::DeviceSigningKey;
use serde_json::json;

use crate::testkit::{tenant_secret, Client, Reply, World, ADMIN};

fn pending(world: &World, tenant: &str, key: &DeviceSigningKey) -> Reply {
    let headers = world.device_headers(key, tenant, "GET", "/v1/device/challenges", b"");
    let h: Vec<(&str, &str)> = headers.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    world.send("GET", "/v1/device/challenges", &h, b"")
}

fn authenticators(world: &World, tenant: &str, user: &str) -> Reply {
    let auth = World::basic(&tenant_secret(tenant));
    world.send("GET", &format!("/v1/users/{user}/authenticators"), &[("authorization", &auth)], b"")
}

fn delete_tenant(world: &World, tenant: &str) {
    let admin = format!("Bearer {ADMIN}");
    let r = world.send("DELETE", &format!("/admin/tenants/{tenant}"), &[("authorization", &admin)], b"");
    assert_eq!(r.status, 204, "{}", r.json);
}

#[test]
fn a_tenant_created_again_starts_empty_and_the_old_device_is_refused() {
    let world = World::default();
    let key = DeviceSigningKey::from_bytes(&[7; 32]).unwrap();
    assert_eq!(world.tenant("acme", json!({})).status, 201);
    assert_eq!(world.enrol_device("acme", "alice", &key).status, 201);
    let auth = World::basic(&tenant_secret("acme"));
    let add = world.json("POST", "/request/add", &[("authorization", &auth)], &json!({"accountId": "alice"}));
    assert_eq!(add.status, 200, "{}", add.json);
    let views = pending(&world, "acme", &key).json["challenges"].clone();
    assert_eq!(views.as_array().map(Vec::len), Some(1));
    let view: ChallengeView = serde_json::from_value(views[0].clone()).unwrap();

    delete_tenant(&world, "acme");
    // Deleted: nothing of it works, the device included: it can neither fetch nor answer.
    assert_eq!(pending(&world, "acme", &key).status, 401);
    let choice = Choice { button: 0, code: None, reason: None };
    let path = format!("/v1/device/challenges/{}/answer", view.challenge_id);
    let answer = world.json("POST", &path, &[], &World::answer_body(&key, &view, &choice));
    assert_eq!((answer.status, answer.json["errorCode"].as_str()), (401, Some("invalid_credential")));
    assert_eq!(authenticators(&world, "acme", "alice").status, 401);

    world.now.set(world.now.get() + 1000);
    assert_eq!(world.tenant("acme", json!({})).status, 201);
    // Created again: alice has no device, the old key is unknown, the old request is gone.
    let list = authenticators(&world, "acme", "alice");
    assert_eq!((list.status, list.json.clone()), (200, json!([])), "{}", list.json);
    let old = pending(&world, "acme", &key);
    assert_eq!(
        (old.status, old.json["errorCode"].as_str()),
        (401, Some("invalid_credential")),
        "{}",
        old.json
    );
    let guid = add.json["guid"].as_str().unwrap_or_default();
    let read = world.send("GET", &format!("/request/{guid}"), &[("authorization", &auth)], b"");
    assert_eq!(read.status, 404, "{}", read.json);
    // The key can be enrolled anew, for another user of the new tenant.
    assert_eq!(world.enrol_device("acme", "bob", &key).status, 201);
    assert_eq!(pending(&world, "acme", &key).json["challenges"], json!([]));
}

#[test]
fn a_key_left_by_a_deleted_tenant_enrols_elsewhere_but_a_live_one_does_not() {
    let world = World::default();
    let key = DeviceSigningKey::from_bytes(&[9; 32]).unwrap();
    for t in ["acme", "beta"] {
        assert_eq!(world.tenant(t, json!({})).status, 201);
    }
    assert_eq!(world.enrol_device("acme", "alice", &key).status, 201);
    let taken = world.enrol_device("beta", "carol", &key);
    assert_eq!((taken.status, taken.json["errorCode"].as_str()), (409, Some("key_already_enrolled")));

    delete_tenant(&world, "acme");
    assert_eq!(world.enrol_device("beta", "carol", &key).status, 201);
    assert_eq!(pending(&world, "beta", &key).status, 200);
}

#[test]
fn a_client_cannot_name_the_object_itself() {
    // Whatever the client sent under the header, the object sees exactly the name the front chose.
    let req = crate::testkit::request(
        "GET",
        "/v1/users/alice/authenticators",
        &[(super::OBJECT_HEADER, "user:other:mallory"), (super::OBJECT_HEADER, "user:x:y")],
        b"",
    );
    let out = super::forwarded(&req, "user:acme:alice");
    let named: Vec<&str> =
        out.headers.iter().filter(|(n, _)| n == super::OBJECT_HEADER).map(|(_, v)| v.as_str()).collect();
    assert_eq!(named, ["user:acme:alice"]);
}
