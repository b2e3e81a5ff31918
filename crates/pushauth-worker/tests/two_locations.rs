//! Issue 12, "prove it by simulation": the same scenarios, with requests spread over two
//! locations and sent at once (`pushauth_worker::two_locations`), run through the Worker as
//! deployed (each user's state in the user's Durable Object) and through the Worker as it was
//! (every record in the location's KV view). The first must hold every limit; the second must
//! break them, or the harness would not be able to tell.
#![cfg(not(target_arch = "wasm32"))]
// The scenes' helpers are test code too: a failed expectation is a failed test.
#![allow(clippy::expect_used)]

#[path = "two_locations/scene.rs"]
mod scene;

use std::collections::BTreeSet;

use pushauth_core::challenge::DenyReason;
use pushauth_core::signature::DeviceSigningKey;
use pushauth_worker::http::ApiRequest;
use pushauth_worker::testkit::{request, Client, Reply};
use pushauth_worker::two_locations::Location::{A, B};
use pushauth_worker::two_locations::Path::{self, KvOnly, Objects};
use pushauth_worker::two_locations::{Location, TwoLocations};
use serde_json::json;

use scene::*;

/// Sends `n` copies of a request at once, alternating between A and B.
fn at_once(h: &TwoLocations, n: usize, req: &ApiRequest) -> Vec<Reply> {
    h.alternating(&vec![req.clone(); n]).expect("every request finishes")
}

// --- A result token is valid once -------------------------------------------------------------

/// A sign-in approved at A, its result token then validated 20 times at once: how many valid.
fn validations(path: Path) -> usize {
    let h = scene(path, json!({}));
    let phone = key(1);
    enrolled(&h, A, &[&phone]);
    let (token, id) = sign_in(&h.at(A));
    let view = pending_view(&h.at(A), &phone, &id).expect("the device lists the challenge");
    assert_eq!(h.at(A).call(&answer_request(&phone, &view, &approve())).status, 200);
    let verified = h.at(A).call(&poll_request(&token, &id));
    let result = verified.json["accessToken"].as_str().expect("approved").to_owned();
    // Both locations see the approved challenge before the backend validates.
    h.advance(SETTLE_MS);
    let replies = at_once(&h, 20, &validate_request(&result));
    replies.iter().filter(|r| r.status == 200 && r.json["isValid"] == true).count()
}

#[test]
fn a_result_token_is_valid_once_across_locations() {
    assert_eq!(validations(Objects), 1);
}

#[test]
fn kv_only_path_double_spends_a_result_token() {
    let valid = validations(KvOnly);
    assert!(valid > 1, "{valid} valid");
}

// --- An answer is seen everywhere at once -----------------------------------------------------

/// A challenge started at A and answered at B: its status as A's browser polls it right after.
fn status_at_a_after_an_answer_at_b(path: Path) -> String {
    let h = scene(path, json!({}));
    let phone = key(1);
    enrolled(&h, A, &[&phone]);
    let (token, id) = sign_in(&h.at(A));
    assert_eq!(h.at(A).call(&poll_request(&token, &id)).json["status"], "pending");
    // The challenge has reached B (the KV-only path needs that for the device to see it there).
    h.advance(SETTLE_MS);
    let view = pending_view(&h.at(B), &phone, &id).expect("the device lists the challenge at B");
    assert_eq!(h.at(B).call(&answer_request(&phone, &view, &approve())).status, 200);
    let polled = h.at(A).call(&poll_request(&token, &id));
    polled.json["status"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn an_answer_at_b_is_seen_at_once_at_a() {
    assert_eq!(status_at_a_after_an_answer_at_b(Objects), "approved");
}

#[test]
fn kv_only_path_keeps_an_answered_challenge_pending_elsewhere() {
    assert_eq!(status_at_a_after_an_answer_at_b(KvOnly), "pending");
}

// --- A challenge is decided once --------------------------------------------------------------

/// One device's signed answer sent 20 times at once: how many were accepted.
fn replayed_answers_accepted(path: Path) -> usize {
    let h = scene(path, json!({}));
    let phone = key(1);
    enrolled(&h, A, &[&phone]);
    let (_, id) = sign_in(&h.at(A));
    h.advance(SETTLE_MS);
    let view = pending_view(&h.at(A), &phone, &id).expect("the device lists the challenge");
    count(&at_once(&h, 20, &answer_request(&phone, &view, &approve())), 200)
}

#[test]
fn a_replayed_answer_is_accepted_once() {
    assert_eq!(replayed_answers_accepted(Objects), 1);
}

#[test]
fn kv_only_path_accepts_a_replayed_answer_many_times() {
    let accepted = replayed_answers_accepted(KvOnly);
    assert!(accepted > 1, "{accepted} accepted");
}

/// Two devices of the user, one approving and one rejecting, 20 answers at once over both
/// locations: the statuses of the accepted answers, and the challenge's status as the browser
/// then polls it at A and at B.
fn rival_answers(path: Path) -> (Vec<String>, [String; 2]) {
    let h = scene(path, json!({}));
    let (phone, tablet) = (key(1), key(2));
    enrolled(&h, A, &[&phone, &tablet]);
    let (token, id) = sign_in(&h.at(A));
    h.advance(SETTLE_MS);
    let seen = pending_view(&h.at(A), &phone, &id).expect("the device lists the challenge");
    let approving = answer_request(&phone, &seen, &approve());
    let rejecting = answer_request(&tablet, &seen, &reject(DenyReason::Other));
    // A, B, A, B, … and phone, phone, tablet, tablet, …: each device answers at both locations.
    let requests: Vec<(Location, _)> = (0..20)
        .map(|i| (Location::alternate(i), if i % 4 < 2 { approving.clone() } else { rejecting.clone() }))
        .collect();
    let replies = h.concurrently(&requests).expect("every request finishes");
    let accepted = replies
        .iter()
        .filter(|r| r.status == 200)
        .map(|r| r.json["status"].as_str().unwrap_or_default().to_owned())
        .collect();
    let status = |at: Location| {
        let polled = h.at(at).call(&poll_request(&token, &id));
        polled.json["status"].as_str().unwrap_or_default().to_owned()
    };
    (accepted, [status(A), status(B)])
}

#[test]
fn rival_answers_make_one_decision_seen_everywhere() {
    let (accepted, polled) = rival_answers(Objects);
    assert_eq!(accepted.len(), 1, "{accepted:?}");
    assert_eq!(polled, [accepted[0].clone(), accepted[0].clone()]);
}

#[test]
fn kv_only_path_accepts_both_an_approval_and_a_rejection() {
    let (accepted, _) = rival_answers(KvOnly);
    let decisions: BTreeSet<&String> = accepted.iter().collect();
    assert!(accepted.len() > 1 && decisions.len() == 2, "{accepted:?}");
}

// --- Push limits hold across locations --------------------------------------------------------

/// Rounds of 20 challenge starts at once (each with its own track token), each round once the
/// last one's challenges have expired: how many challenges each round created. The defaults
/// allow 3 pending and 10 per 10 minutes.
fn starts_per_round(path: Path, rounds: usize) -> Vec<usize> {
    let h = scene(path, json!({}));
    enrolled(&h, A, &[&key(1)]);
    let mut created = Vec::new();
    for _ in 0..rounds {
        let starts: Vec<_> = (0..20).map(|_| start_request(&track(&h.at(A), "signIn", json!({})))).collect();
        let replies = h.alternating(&starts).expect("every request finishes");
        let ids: BTreeSet<&str> = replies
            .iter()
            .filter(|r| r.status == 200)
            .filter_map(|r| r.json["challengeId"].as_str())
            .collect();
        assert!(replies.iter().all(|r| r.status == 200 || r.status == 429), "only limits refuse");
        created.push(ids.len());
        // Past the challenges' expiry (120 s), well inside the 10-minute window.
        h.advance(121_000);
    }
    created
}

#[test]
fn push_limits_hold_across_locations() {
    assert_eq!(starts_per_round(Objects, 5), [3, 3, 3, 1, 0]);
}

#[test]
fn kv_only_path_exceeds_the_pending_limit() {
    let created = starts_per_round(KvOnly, 1);
    assert!(created[0] > 3, "{created:?} created");
}

/// "Not me" answered at A, then 10 starts at once at B: how many B created.
fn starts_at_b_after_not_me_at_a(path: Path) -> usize {
    let h = scene(path, json!({}));
    let phone = key(1);
    enrolled(&h, A, &[&phone]);
    let (_, id) = sign_in(&h.at(A));
    let view = pending_view(&h.at(A), &phone, &id).expect("the device lists the challenge");
    assert_eq!(h.at(A).call(&answer_request(&phone, &view, &reject(DenyReason::NotMe))).status, 200);
    let starts: Vec<_> = (0..10).map(|_| (B, start_request(&track(&h.at(B), "signIn", json!({}))))).collect();
    let replies = h.concurrently(&starts).expect("every request finishes");
    assert!(replies.iter().all(|r| r.status == 200 || r.json["errorCode"] == "push_blocked"));
    count(&replies, 200)
}

#[test]
fn a_not_me_block_holds_at_the_other_location() {
    assert_eq!(starts_at_b_after_not_me_at_a(Objects), 0);
}

#[test]
fn kv_only_path_lets_pushes_through_a_not_me_block_elsewhere() {
    let created = starts_at_b_after_not_me_at_a(KvOnly);
    assert!(created > 0, "{created} created");
}

// --- Enrolments -------------------------------------------------------------------------------

/// What 12 enrolments at once with one `add:authenticators` token come to.
struct Enrolments {
    /// Key ids enrolled (201).
    enrolled: BTreeSet<String>,
    /// Key ids the backend lists, at A and at B.
    listed: [BTreeSet<String>; 2],
}

/// Device `k` polls its challenges at A, then at B (a millisecond apart: a signed request is
/// single use): the statuses.
fn polls_at_both(h: &TwoLocations, k: &DeviceSigningKey) -> (u16, u16) {
    let at_a = device_poll(&h.at(A), k).status;
    h.advance(1);
    let at_b = device_poll(&h.at(B), k).status;
    h.advance(1);
    (at_a, at_b)
}

fn listed(at: &impl Client) -> BTreeSet<String> {
    let r =
        at.send("GET", &format!("/v1/users/{USER}/authenticators"), &[("authorization", &backend())], b"");
    assert_eq!(r.status, 200, "{}", r.json);
    let list = r.json.as_array().cloned().unwrap_or_default();
    list.iter().filter_map(|a| a["userAuthenticatorId"].as_str()).map(str::to_owned).collect()
}

fn enrol_twelve(h: &TwoLocations) -> Enrolments {
    let token = enrol_token(&h.at(A));
    let keys: Vec<_> = (1..=12).map(key).collect();
    let requests: Vec<_> = keys.iter().map(|k| enrol_request(&token, k)).collect();
    let replies = h.alternating(&requests).expect("every request finishes");
    let enrolled = replies.iter().filter(|r| r.status == 201).filter_map(|r| r.json["keyId"].as_str());
    Enrolments {
        enrolled: enrolled.map(str::to_owned).collect(),
        listed: [listed(&h.at(A)), listed(&h.at(B))],
    }
}

#[test]
fn ten_of_twelve_enrolments_at_once_each_listed_and_removable() {
    let h = scene(Objects, json!({}));
    let e = enrol_twelve(&h);
    assert_eq!(e.enrolled.len(), 10);
    assert_eq!(e.listed, [e.enrolled.clone(), e.enrolled.clone()]);
    h.advance(SETTLE_MS);
    // Every device is reachable from both locations (B now holds the routing records too).
    let keys: Vec<_> = (1..=12).map(key).filter(|k| e.enrolled.contains(&key_id(k))).collect();
    for k in &keys {
        assert_eq!(polls_at_both(&h, k), (200, 200));
    }
    let removals: Vec<_> = keys
        .iter()
        .map(|k| {
            let path = format!("/v1/users/{USER}/authenticators/{}", key_id(k));
            request("DELETE", &path, &[("authorization", &backend())], b"")
        })
        .collect();
    let replies = h.alternating(&removals).expect("every request finishes");
    assert_eq!(count(&replies, 200), 10);
    assert!(listed(&h.at(A)).is_empty() && listed(&h.at(B)).is_empty());
    // Refused at once at both locations, though B still routes by the record it holds.
    for k in &keys {
        assert_eq!(polls_at_both(&h, k), (401, 401));
    }
}

#[test]
fn kv_only_path_loses_enrolments() {
    let h = scene(KvOnly, json!({}));
    let e = enrol_twelve(&h);
    assert!(e.enrolled.len() > 10, "{} enrolled", e.enrolled.len());
    assert!(e.listed.iter().all(|l| l.len() < e.enrolled.len()), "{:?}", e.listed);
}

// --- HMAC-signed requests are single use ------------------------------------------------------

/// One HMAC-signed track request sent 20 times at once: how many were accepted.
fn hmac_copies_accepted(path: Path) -> usize {
    let h = scene(path, json!({"authMode": "hmac"}));
    let url = format!("/v1/users/{USER}/actions/signIn");
    let authorization = h.at(A).hmac_authorization(TENANT, "POST", &url, b"{}");
    let req = request(
        "POST",
        &url,
        &[("authorization", &authorization), ("content-type", "application/json")],
        b"{}",
    );
    let replies = at_once(&h, 20, &req);
    assert!(replies.iter().all(|r| r.status == 200 || r.json["errorCode"] == "replayed_request"));
    count(&replies, 200)
}

#[test]
fn an_hmac_signed_request_is_accepted_once_across_locations() {
    assert_eq!(hmac_copies_accepted(Objects), 1);
}

#[test]
fn kv_only_path_accepts_a_replayed_hmac_request() {
    let accepted = hmac_copies_accepted(KvOnly);
    assert!(accepted > 1, "{accepted} accepted");
}

// --- Known limits: routing records travel at KV's pace ----------------------------------------

#[test]
#[ignore = "known limit: the front Worker finds a device's object by its `device-home:` record in KV, \
            which reaches the other location only after KV propagates (60 s, longer behind a cached \
            absence); until then the new device is refused there (401 invalid_credential)"]
fn a_new_device_is_reachable_at_once_from_the_other_location() {
    let h = scene(Objects, json!({}));
    let phone = key(1);
    let token = enrol_token(&h.at(A));
    assert_eq!(h.at(A).call(&enrol_request(&token, &phone)).status, 201);
    assert_eq!(device_poll(&h.at(B), &phone).status, 200);
}

#[test]
#[ignore = "known limit: the front Worker finds a request's object by its `challenge-home:` record in \
            KV, which reaches the other location only after KV propagates; until then `GET \
            /request/{id}` there answers 404 request_not_found"]
fn a_new_request_can_be_read_at_once_from_the_other_location() {
    let h = scene(Objects, json!({}));
    enrolled(&h, A, &[&key(1)]);
    let body = json!({"accountId": USER, "content": "Sign in?"});
    let added = h.at(A).json("POST", "/request/add", &[("authorization", &backend())], &body);
    assert_eq!(added.status, 200, "{}", added.json);
    let guid = added.json["guid"].as_str().expect("a guid");
    let read = h.at(B).send("GET", &format!("/request/{guid}"), &[("authorization", &backend())], b"");
    assert_eq!(read.status, 200, "{}", read.json);
}
