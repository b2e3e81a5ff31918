//! The scenes the two-location scenarios play in: a tenant, its enrolled devices, sign-ins, and
//! the requests the scenarios send many times at once.

use pushauth_core::answer::Choice;
use pushauth_core::challenge::{ChallengeView, DenyReason};
use pushauth_core::signature::DeviceSigningKey;
use pushauth_worker::http::ApiRequest;
use pushauth_worker::testkit::{json_request, pairs, request, tenant_secret, Client, Reply, World};
use pushauth_worker::two_locations::kv::{CACHE_TTL_MS, PROPAGATION_MS};
use pushauth_worker::two_locations::{Location, Path, TwoLocations};
use serde_json::{json, Value};

pub const TENANT: &str = "acme";
pub const USER: &str = "alice";
/// Long enough for every write to reach both locations and every cached read to lapse.
pub const SETTLE_MS: u64 = 1_000 + if PROPAGATION_MS > CACHE_TTL_MS { PROPAGATION_MS } else { CACHE_TTL_MS };

/// Approve (the first button).
pub fn approve() -> Choice {
    Choice { button: 0, code: None, reason: None }
}

/// Reject (the second button), with a reason.
pub fn reject(reason: DenyReason) -> Choice {
    Choice { button: 1, code: None, reason: Some(reason) }
}

/// The `n`-th test device key.
pub fn key(n: u8) -> DeviceSigningKey {
    DeviceSigningKey::from_bytes(&[n; 32]).expect("a valid scalar")
}

/// The key id of `key`, as the API shows it.
pub fn key_id(key: &DeviceSigningKey) -> String {
    key.public_key().key_id().as_str().to_owned()
}

/// `Authorization` of the tenant's backend (Basic).
pub fn backend() -> String {
    World::basic(&tenant_secret(TENANT))
}

/// Both locations, with tenant [`TENANT`] (and `settings`) created at A and settled.
pub fn scene(path: Path, settings: Value) -> TwoLocations {
    let h = TwoLocations::new(path);
    let created = h.at(Location::A).tenant(TENANT, settings);
    assert_eq!(created.status, 201, "{}", created.json);
    h.advance(SETTLE_MS);
    h
}

/// A track token for [`USER`] from `at` (`body`: the track attributes).
pub fn track(at: &impl Client, action: &str, body: Value) -> String {
    let path = format!("/v1/users/{USER}/actions/{action}");
    let r = at.json("POST", &path, &[("authorization", &backend())], &body);
    assert_eq!(r.status, 200, "{}", r.json);
    r.json["token"].as_str().expect("a token").to_owned()
}

/// An `add:authenticators` track token for [`USER`].
pub fn enrol_token(at: &impl Client) -> String {
    track(at, "enroll", json!({"scope": "add:authenticators"}))
}

/// The browser's enrolment of `key` with `token`.
pub fn enrol_request(token: &str, key: &DeviceSigningKey) -> ApiRequest {
    let body = World::enrolment_body(token, key, "phone");
    json_request("POST", "/v1/client/user-authenticators/push", &[("authorization", &bearer(token))], &body)
}

/// Enrols every key at `at`, one after another, then lets the writes settle.
pub fn enrolled(h: &TwoLocations, at: Location, keys: &[&DeviceSigningKey]) {
    let token = enrol_token(&h.at(at));
    for key in keys {
        let r = h.at(at).call(&enrol_request(&token, key));
        assert_eq!(r.status, 201, "{}", r.json);
    }
    h.advance(SETTLE_MS);
}

/// `Authorization: Bearer <token>`.
pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// The browser starts a push challenge with a track token.
pub fn start_request(token: &str) -> ApiRequest {
    json_request("POST", "/v1/client/challenge/push", &[("authorization", &bearer(token))], &json!({}))
}

/// The browser polls challenge `id`.
pub fn poll_request(token: &str, id: &str) -> ApiRequest {
    let body = json!({"challengeId": id});
    json_request("POST", "/v1/client/verify/push", &[("authorization", &bearer(token))], &body)
}

/// The backend validates a result token.
pub fn validate_request(token: &str) -> ApiRequest {
    json_request("POST", "/v1/validate", &[("authorization", &backend())], &json!({"token": token}))
}

/// Starts a sign-in at `at`: its track token and challenge id.
pub fn sign_in(at: &impl Client) -> (String, String) {
    let token = track(at, "signIn", json!({}));
    let r = at.call(&start_request(&token));
    assert_eq!(r.status, 200, "{}", r.json);
    (token, r.json["challengeId"].as_str().expect("a challenge id").to_owned())
}

/// The device's signed `GET /v1/device/challenges`.
pub fn device_poll(at: &impl Client, key: &DeviceSigningKey) -> Reply {
    let path = "/v1/device/challenges";
    let headers = at.device_headers(key, TENANT, "GET", path, b"");
    at.call(&request("GET", path, &pairs(&headers), b""))
}

/// The pending challenge `id` as the device at `at` lists it.
pub fn pending_view(at: &impl Client, key: &DeviceSigningKey, id: &str) -> Option<ChallengeView> {
    let r = device_poll(at, key);
    assert_eq!(r.status, 200, "{}", r.json);
    let views: Vec<ChallengeView> = serde_json::from_value(r.json["challenges"].clone()).ok()?;
    views.into_iter().find(|v| v.challenge_id.as_str() == id)
}

/// The device's signed answer to `view`.
pub fn answer_request(key: &DeviceSigningKey, view: &ChallengeView, choice: &Choice) -> ApiRequest {
    let path = format!("/v1/device/challenges/{}/answer", view.challenge_id.as_str());
    json_request("POST", &path, &[], &World::answer_body(key, view, choice))
}

/// How many replies have `status`.
pub fn count(replies: &[Reply], status: u16) -> usize {
    replies.iter().filter(|r| r.status == status).count()
}
