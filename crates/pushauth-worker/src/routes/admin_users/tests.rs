//! The admin API's user view, device removal, delivery log and "retry now" against the native
//! test kit, each with the admin token only.

use pushauth_core::answer::Choice;
use pushauth_core::challenge::ChallengeView;
use pushauth_core::signature::DeviceSigningKey;
use serde_json::{json, Value};

use crate::memory_store::MemoryStore;
use crate::outbox::run_due;
use crate::split_store::Split;
use crate::testkit::{block_on, pairs, tenant_secret, user_object, Client, Recorder, Reply, World, ADMIN};

const HOOK: &str = "http://127.0.0.1:9/hook";

/// A tenant `acme` with a callback URL and alice with one enrolled device.
struct Setup {
    world: World,
    key: DeviceSigningKey,
}

impl Setup {
    fn new() -> Setup {
        let world = World::default();
        assert_eq!(world.tenant("acme", json!({ "callbackUrls": [HOOK] })).status, 201);
        let key = DeviceSigningKey::from_bytes(&[9; 32]).unwrap();
        assert_eq!(world.enrol_device("acme", "alice", &key).status, 201);
        Setup { world, key }
    }

    fn admin(&self, method: &str, path: &str) -> Reply {
        self.as_caller(&format!("Bearer {ADMIN}"), method, path)
    }

    fn as_caller(&self, authorization: &str, method: &str, path: &str) -> Reply {
        self.world.send(method, path, &[("authorization", authorization)], b"")
    }

    /// A Privakey request to alice with a callback; answers its guid.
    fn request(&self) -> String {
        let auth = World::basic(&tenant_secret("acme"));
        let body = json!({ "accountId": "alice", "content": "Pay 12 EUR", "callback": HOOK });
        let add = self.world.json("POST", "/request/add", &[("authorization", &auth)], &body);
        assert_eq!(add.status, 200, "{}", add.json);
        add.json["guid"].as_str().unwrap().to_owned()
    }

    fn approve(&self, id: &str) {
        let headers = self.world.device_headers(&self.key, "acme", "GET", "/v1/device/challenges", b"");
        let pending = self.world.send("GET", "/v1/device/challenges", &pairs(&headers), b"");
        let view: ChallengeView = serde_json::from_value(pending.json["challenges"][0].clone()).unwrap();
        let body = World::answer_body(&self.key, &view, &Choice { button: 0, code: None, reason: None });
        let r = self.world.json("POST", &format!("/v1/device/challenges/{id}/answer"), &[], &body);
        assert_eq!(r.status, 200, "{}", r.json);
    }

    /// Runs alice's object's outbox at `now`, the receiver answering `status`; answers the
    /// number of POSTs made.
    fn run_outbox(&self, status: u16) -> usize {
        let http = Recorder::answering(status);
        let object = self.world.objects.get(&user_object("acme", "alice").unwrap());
        let store: Split<'_, MemoryStore, MemoryStore> =
            Split { live: &object.store, shared: &self.world.store };
        block_on(run_due(&store, &http, self.world.now.get(), 60)).unwrap();
        http.count()
    }
}

#[test]
fn the_user_view_shows_devices_actions_and_challenges() {
    let s = Setup::new();
    let guid = s.request();
    s.world.now.set(s.world.now.get() + 5_000);
    s.approve(&guid);

    let r = s.admin("GET", "/admin/tenants/acme/users/alice");
    assert_eq!(r.status, 200, "{}", r.json);
    let device = &r.json["authenticators"][0];
    assert_eq!(device["deviceName"], "phone");
    assert_eq!(device["devicePlatform"], "cli");
    assert_eq!(device["lastUsedAt"], r.json["challenges"][0]["answeredAt"], "{}", r.json);
    let challenge = &r.json["challenges"][0];
    assert_eq!(
        (challenge["challengeId"].as_str(), challenge["status"].as_str()),
        (Some(guid.as_str()), Some("approved"))
    );
    assert_eq!(challenge["content"], "Pay 12 EUR");
    assert_eq!(challenge["callback"], HOOK);
    assert!(r.json["actions"].as_array().is_some_and(|a| !a.is_empty()), "{}", r.json);

    // A user the service never saw reads as one with nothing.
    let nobody = s.admin("GET", "/admin/tenants/acme/users/nobody");
    assert_eq!(nobody.status, 200);
    assert_eq!(
        (nobody.json["isEnrolled"].as_bool(), nobody.json["authenticators"].as_array().map(Vec::len)),
        (Some(false), Some(0))
    );
}

#[test]
fn every_route_needs_the_admin_token_and_a_tenant() {
    let s = Setup::new();
    let guid = s.request();
    let paths = [
        ("GET", "/admin/tenants".to_owned()),
        ("GET", "/admin/tenants/acme/users/alice".to_owned()),
        ("DELETE", "/admin/tenants/acme/users/alice/authenticators/x".to_owned()),
        ("GET", format!("/admin/tenants/acme/challenges/{guid}/deliveries")),
        ("POST", format!("/admin/tenants/acme/challenges/{guid}/deliveries/{guid}.request.processed/retry")),
    ];
    let requests = s.world.objects.requests.get();
    for (method, path) in &paths {
        let none = s.world.send(method, path, &[], b"");
        assert_eq!(
            (none.status, none.json["errorCode"].as_str()),
            (401, Some("missing_credential")),
            "{path}"
        );
        let wrong = s.as_caller("Bearer wrong-token", method, path);
        assert_eq!(
            (wrong.status, wrong.json["errorCode"].as_str()),
            (401, Some("invalid_credential")),
            "{path}"
        );
        let tenant_secret = s.as_caller(&World::basic(&tenant_secret("acme")), method, path);
        assert_eq!(tenant_secret.status, 401, "a tenant's secret is no admin token: {path}");
    }
    assert_eq!(s.world.objects.requests.get(), requests, "nothing reached an object");
    let unknown = s.admin("GET", "/admin/tenants/nope/users/alice");
    assert_eq!((unknown.status, unknown.json["errorCode"].as_str()), (404, Some("tenant_not_found")));
    let bad = s.admin("GET", &format!("/admin/tenants/acme/users/{}", "a".repeat(300)));
    assert_eq!(bad.status, 400, "{}", bad.json);
    let bad_id = s.admin("GET", "/admin/tenants/acme/challenges/not-a-guid/deliveries");
    assert_eq!((bad_id.status, bad_id.json["errorCode"].as_str()), (400, Some("invalid_challenge_id")));
}

#[test]
fn removing_a_device_is_the_server_apis_removal() {
    let s = Setup::new();
    let key_id = s.key.public_key().key_id();
    let path = format!("/admin/tenants/acme/users/alice/authenticators/{}", key_id.as_str());
    let r = s.admin("DELETE", &path);
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["removedAuthenticatorId"], key_id.as_str());
    let again = s.admin("DELETE", &path);
    assert_eq!((again.status, again.json["errorCode"].as_str()), (404, Some("authenticator_not_found")));
    let view = s.admin("GET", "/admin/tenants/acme/users/alice");
    assert_eq!(view.json["authenticators"], json!([]));
}

#[test]
fn retry_now_makes_one_attempt_due() {
    let s = Setup::new();
    let guid = s.request();
    s.approve(&guid);
    let id = format!("{guid}.request.processed");
    let retry = format!("/admin/tenants/acme/challenges/{guid}/deliveries/{id}/retry");

    // The callback's first attempt is due already: nothing to bring forward.
    let due = s.admin("POST", &retry);
    assert_eq!(
        (due.status, due.json["errorCode"].as_str()),
        (409, Some("delivery_not_retryable")),
        "{}",
        due.json
    );
    assert_eq!(s.run_outbox(500), 1);

    let log = s.admin("GET", &format!("/admin/tenants/acme/challenges/{guid}/deliveries"));
    assert_eq!(log.status, 200, "{}", log.json);
    let deliveries = log.json["deliveries"].as_array().unwrap();
    let callback = deliveries.iter().find(|d| d["id"] == id.as_str()).unwrap();
    assert_eq!((callback["state"].as_str(), callback["attemptCount"].as_u64()), (Some("pending"), Some(1)));

    // Waiting a minute: "retry now" brings it forward once.
    assert_eq!(s.run_outbox(200), 0, "not due yet");
    let first = s.admin("POST", &retry);
    assert_eq!(first.status, 202, "{}", first.json);
    let second = s.admin("POST", &retry);
    assert_eq!(second.status, 409);
    assert_eq!(s.run_outbox(200), 1);
    let delivered = s.admin("POST", &retry);
    assert_eq!(
        (delivered.status, delivered.json["errorCode"].as_str()),
        (409, Some("delivery_not_retryable"))
    );
    assert_eq!(s.run_outbox(200), 0);

    // The expiry reminder is no HTTP delivery; ids of other challenges or events are unknown.
    let reminder = s.admin(
        "POST",
        &format!("/admin/tenants/acme/challenges/{guid}/deliveries/{guid}.request.expiry/retry"),
    );
    assert_eq!(reminder.status, 409, "{}", reminder.json);
    for other in [format!("{guid}.nope"), "x".to_owned(), format!("{guid}.request.processed.")] {
        let r = s.admin("POST", &format!("/admin/tenants/acme/challenges/{guid}/deliveries/{other}/retry"));
        assert_eq!((r.status, r.json["errorCode"].as_str()), (404, Some("delivery_not_found")), "{other}");
    }
    let unknown: Value =
        s.admin("GET", "/admin/tenants/acme/challenges/00000000-0000-4000-8000-000000000000/deliveries").json;
    assert_eq!(unknown["errorCode"], "request_not_found");
}

#[test]
fn tenants_are_listed_without_secrets() {
    let s = Setup::new();
    assert_eq!(s.world.tenant("ac2", json!({})).status, 201);
    assert_eq!(s.world.tenant("bank", json!({})).status, 201);
    let all = s.admin("GET", "/admin/tenants");
    assert_eq!(all.status, 200, "{}", all.json);
    let ids: Vec<&str> =
        all.json["tenants"].as_array().unwrap().iter().filter_map(|t| t["id"].as_str()).collect();
    assert_eq!(ids, ["ac2", "acme", "bank"]);
    assert_eq!(all.json["truncated"], false);
    assert!(!all
        .raw
        .body
        .windows(tenant_secret("acme").len())
        .any(|w| w == tenant_secret("acme").as_bytes()));
    let some = s.admin("GET", "/admin/tenants?prefix=ac");
    assert_eq!(some.json["tenants"].as_array().map(Vec::len), Some(2));
    let bad = s.admin("GET", "/admin/tenants?prefix=a:b");
    assert_eq!((bad.status, bad.json["errorCode"].as_str()), (400, Some("invalid_characters")));
}
