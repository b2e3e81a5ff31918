//! Sockets natively: who may open one, what it is tagged with, and what each change tells.
// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pushauth_core::answer::Choice;
use pushauth_core::challenge::ChallengeView;
use pushauth_core::signature::DeviceSigningKey;
use serde_json::json;

use super::*;
use crate::testkit::{tenant_secret, Client, World};

const PAGE: &str = "http://127.0.0.1:9999";

struct Setup {
    w: World,
    auth: String,
    key: DeviceSigningKey,
}

fn setup() -> Setup {
    let w = World::default();
    assert_eq!(w.tenant("acme", json!({})).status, 201);
    let auth = World::basic(&tenant_secret("acme"));
    let key = DeviceSigningKey::from_bytes(&[7; 32]).unwrap();
    let enrol = w.json(
        "POST",
        "/v1/users/alice/actions/enroll",
        &[("authorization", &auth)],
        &json!({"scope": "add:authenticators"}),
    );
    let token = enrol.json["token"].as_str().unwrap().to_owned();
    let r = w.json(
        "POST",
        "/v1/client/user-authenticators/push",
        &[("authorization", &format!("Bearer {token}"))],
        &World::enrolment_body(&token, &key, "phone"),
    );
    assert_eq!(r.status, 201, "{}", r.json);
    Setup { w, auth, key }
}

impl Setup {
    /// Tracks for `user` and starts a push: (track token, challenge id).
    fn start(&self, user: &str) -> (String, String) {
        let t = self.w.json(
            "POST",
            &format!("/v1/users/{user}/actions/signIn"),
            &[("authorization", &self.auth)],
            &json!({}),
        );
        let token = t.json["token"].as_str().unwrap().to_owned();
        let c = self.w.start_push(&token);
        assert_eq!(c.status, 200, "{}", c.json);
        (token, c.json["challengeId"].as_str().unwrap().to_owned())
    }

    fn browser_socket(&self, token: &str, id: &str) -> Result<(String, Admission), crate::testkit::Reply> {
        let protocols = format!("{PROTOCOL}, {TOKEN_PREFIX}{token}");
        self.w.socket(
            &format!("/v1/client/push/ws?challengeId={id}"),
            &[("sec-websocket-protocol", &protocols), ("origin", PAGE)],
        )
    }

    fn signed(&self, method: &str, path: &str) -> crate::testkit::Reply {
        // Signatures are deterministic: a new timestamp makes a new request.
        self.w.now.set(self.w.now.get() + 1);
        let headers = self.w.device_headers(&self.key, "acme", method, path, b"");
        let h: Vec<(&str, &str)> = headers.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        self.w.send(method, path, &h, b"")
    }

    fn ticket(&self) -> String {
        let r = self.signed("POST", "/v1/device/ws-ticket");
        assert_eq!(r.status, 200, "{}", r.json);
        r.json["ticket"].as_str().unwrap().to_owned()
    }

    fn device_socket(&self, ticket: &str) -> Result<(String, Admission), crate::testkit::Reply> {
        let protocols = format!("{PROTOCOL}, {TICKET_PREFIX}{ticket}");
        self.w.socket("/v1/device/ws", &[("sec-websocket-protocol", &protocols)])
    }

    fn answer(&self, id: &str, button: u32) {
        let pending = self.signed("GET", "/v1/device/challenges");
        let views: Vec<ChallengeView> = serde_json::from_value(pending.json["challenges"].clone()).unwrap();
        let view = views.iter().find(|v| v.challenge_id.as_str() == id).unwrap();
        let body = World::answer_body(&self.key, view, &Choice { button, code: None, reason: None });
        let r = self.w.json("POST", &format!("/v1/device/challenges/{id}/answer"), &[], &body);
        assert_eq!(r.status, 200, "{}", r.json);
    }

    fn notices(&self, user: &str) -> Vec<Notice> {
        self.w.objects.get(&format!("user:acme:{user}")).notices.borrow().clone()
    }
}

fn refused(result: Result<(String, Admission), crate::testkit::Reply>) -> (u16, String) {
    match result {
        Ok((_, admission)) => panic!("admitted: {admission:?}"),
        Err(reply) => (reply.status, reply.json["errorCode"].as_str().unwrap_or_default().to_owned()),
    }
}

#[test]
fn a_browser_socket_waits_on_its_challenge_until_it_expires() {
    let s = setup();
    let (token, id) = s.start("alice");
    let (object, admission) = s.browser_socket(&token, &id).unwrap();
    assert_eq!(object, "user:acme:alice");
    assert_eq!(admission.tags, vec![challenge_tag(&id)]);
    assert_eq!(admission.limit, MAX_PER_CHALLENGE);
    assert!(admission.deadline.is_some_and(|d| d > s.w.now.get()));
    assert_eq!(admission.finished, None);
}

#[test]
fn a_socket_opened_after_the_answer_is_told_at_once() {
    let s = setup();
    let (token, id) = s.start("alice");
    s.answer(&id, 0);
    let (_, admission) = s.browser_socket(&token, &id).unwrap();
    assert_eq!(admission.finished, Some(id));
}

#[test]
fn each_change_of_a_challenge_is_a_notice() {
    let s = setup();
    let (_, id) = s.start("alice");
    assert_eq!(s.notices("alice"), vec![Notice::Challenge { id: id.clone(), finished: false }]);
    s.answer(&id, 1);
    assert_eq!(s.notices("alice").last(), Some(&Notice::Challenge { id: id.clone(), finished: true }));

    // The backend withdraws another one.
    let t = s.w.json(
        "POST",
        "/v1/users/alice/actions/signIn",
        &[("authorization", &s.auth)],
        &json!({"idempotencyKey": "k1"}),
    );
    let token = t.json["token"].as_str().unwrap();
    let c = s.w.json(
        "POST",
        "/v1/client/challenge/push",
        &[("authorization", &format!("Bearer {token}"))],
        &json!({}),
    );
    let second = c.json["challengeId"].as_str().unwrap().to_owned();
    let r = s.w.json(
        "PATCH",
        "/v1/users/alice/actions/signIn/k1",
        &[("authorization", &s.auth)],
        &json!({"state": "CHALLENGE_FAILED"}),
    );
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(s.notices("alice").last(), Some(&Notice::Challenge { id: second, finished: true }));
}

#[test]
fn a_browser_socket_needs_the_token_that_started_the_challenge() {
    let s = setup();
    let (token, id) = s.start("alice");
    // Another token of the same user (another sign-in) does not see this challenge.
    let (other_token, _) = s.start("alice");
    assert_eq!(refused(s.browser_socket(&other_token, &id)), (404, "challenge_not_found".into()));
    // Another user's token: routed to that user's object, where the id names nothing.
    let bob = DeviceSigningKey::from_bytes(&[9; 32]).unwrap();
    let enrol = s.w.json(
        "POST",
        "/v1/users/bob/actions/enroll",
        &[("authorization", &s.auth)],
        &json!({"scope": "add:authenticators"}),
    );
    let enrol_token = enrol.json["token"].as_str().unwrap();
    s.w.json(
        "POST",
        "/v1/client/user-authenticators/push",
        &[("authorization", &format!("Bearer {enrol_token}"))],
        &World::enrolment_body(enrol_token, &bob, "b"),
    );
    let (bob_token, _) = s.start("bob");
    assert_eq!(refused(s.browser_socket(&bob_token, &id)), (404, "challenge_not_found".into()));

    // No token, a bad one, an expired one, a token offered without `pushauth.v1`.
    let ws = format!("/v1/client/push/ws?challengeId={id}");
    assert_eq!(
        refused(s.w.socket(&ws, &[("sec-websocket-protocol", PROTOCOL)])),
        (401, "token_not_set".into())
    );
    let forged = format!("{PROTOCOL}, {TOKEN_PREFIX}{}x", &token[..token.len() - 1]);
    assert_eq!(refused(s.w.socket(&ws, &[("sec-websocket-protocol", &forged)])).0, 401);
    let bare = format!("{TOKEN_PREFIX}{token}");
    assert_eq!(
        refused(s.w.socket(&ws, &[("sec-websocket-protocol", &bare)])),
        (400, "invalid_request".into())
    );
    // Not in the query string: a token there is ignored.
    let in_url = format!("{ws}&token={token}");
    assert_eq!(
        refused(s.w.socket(&in_url, &[("sec-websocket-protocol", PROTOCOL)])),
        (401, "token_not_set".into())
    );
    s.w.now.set(s.w.now.get() + 601_000);
    assert_eq!(refused(s.browser_socket(&token, &id)), (401, "expired_token".into()));
}

#[test]
fn a_browser_socket_from_a_foreign_page_is_refused() {
    let s = setup();
    let (token, id) = s.start("alice");
    let protocols = format!("{PROTOCOL}, {TOKEN_PREFIX}{token}");
    let foreign = s.w.socket(
        &format!("/v1/client/push/ws?challengeId={id}"),
        &[("sec-websocket-protocol", &protocols), ("origin", "https://evil.example")],
    );
    assert_eq!(refused(foreign), (403, "origin_not_allowed".into()));
}

#[test]
fn a_device_ticket_opens_one_socket_for_its_key_within_a_minute() {
    let s = setup();
    let key_id = s.key.public_key().key_id();
    let ticket = s.ticket();
    assert!(ticket.starts_with(&format!("{}.", key_id.as_str())));
    let (object, admission) = s.device_socket(&ticket).unwrap();
    assert_eq!(object, "user:acme:alice");
    assert_eq!(admission.tags, vec![device_tag(key_id.as_str()), DEVICES_TAG.to_owned()]);
    assert_eq!(admission.deadline, None);
    // Single use.
    assert_eq!(refused(s.device_socket(&ticket)), (401, "invalid_ticket".into()));
    // Expired.
    let late = s.ticket();
    s.w.now.set(s.w.now.get() + TICKET_SECS * 1000 + 1);
    assert_eq!(refused(s.device_socket(&late)), (401, "invalid_ticket".into()));
    // A made-up secret, and a real secret under another key id.
    let made_up = format!("{}.{}", key_id.as_str(), "A".repeat(43));
    assert_eq!(refused(s.device_socket(&made_up)), (401, "invalid_ticket".into()));
    let real = s.ticket();
    let other = DeviceSigningKey::from_bytes(&[9; 32]).unwrap().public_key().key_id();
    let moved = real.replacen(key_id.as_str(), other.as_str(), 1);
    assert_eq!(refused(s.device_socket(&moved)).0, 401);
    assert_eq!(refused(s.device_socket("garbage")), (401, "invalid_ticket".into()));
}

#[test]
fn a_removed_device_gets_no_socket_and_loses_its_own() {
    let s = setup();
    let ticket = s.ticket();
    assert_eq!(s.signed("DELETE", "/v1/device/credential").status, 204);
    let key_id = s.key.public_key().key_id();
    assert_eq!(
        s.notices("alice").last(),
        Some(&Notice::DeviceRemoved { key_id: key_id.as_str().to_owned() })
    );
    assert_eq!(refused(s.device_socket(&ticket)).0, 401);
}

#[test]
fn a_socket_path_without_upgrade_says_so() {
    let s = setup();
    let (token, id) = s.start("alice");
    let r = s.w.send(
        "GET",
        &format!("/v1/client/push/ws?challengeId={id}"),
        &[("sec-websocket-protocol", &format!("{PROTOCOL}, {TOKEN_PREFIX}{token}"))],
        b"",
    );
    assert_eq!(r.status, 426, "{}", r.json);
    assert_eq!(r.json["errorCode"], "upgrade_required");
}

#[test]
fn the_message_names_only_the_challenge() {
    assert_eq!(
        changed_message("0b7e6f4e-7c1d-4c1e-9d0a-3f2b1a0c9e8d"),
        r#"{"challengeId":"0b7e6f4e-7c1d-4c1e-9d0a-3f2b1a0c9e8d","type":"changed"}"#
    );
}
