//! A challenge embedded in its user record at its start (one row), against the native test kit:
//! every read path finds it, its first change writes its own record which is the challenge from
//! then on (answered once, validated once, even with 20 requests at once), the 21st embedded
//! copy evicts the oldest into its own record (a pending one stays answerable once, an answered
//! one stays answered), and its expiry reads as its own record's would.
// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::rc::Rc;

use pushauth_core::answer::Choice;
use pushauth_core::challenge::{Challenge, ChallengeView, Status};
use pushauth_core::signature::DeviceSigningKey;
use serde_json::{json, Value};

use crate::challenge_repo::{keep_evicted, load_challenge_by_id};
use crate::http::ApiRequest;
use crate::memory_store::MemoryStore;
use crate::records::{UserRecord, MAX_EMBEDDED};
use crate::store::{get_json, keys};
use crate::testkit::{
    block_on, json_request, pairs, tenant_secret, user_object, Client, MemoryObject, MemoryObjects, Reply,
    World, ADMIN,
};
use crate::two_locations::executor::{join_all, Task};

const HOUR: u64 = 3_600_000;
const HOOK: &str = "http://127.0.0.1:9/hook";
const DAY: u64 = 24 * HOUR;

/// The tenant `acme` with `settings`, and alice with one enrolled device, over storage that
/// yields on every call (so requests sent together interleave wherever they can).
struct Setup {
    world: World,
    auth: String,
    key: DeviceSigningKey,
}

impl Setup {
    fn with(settings: Value) -> Setup {
        let mut world = World::default();
        world.store = MemoryStore::yielding();
        world.objects = MemoryObjects::yielding();
        assert_eq!(world.tenant("acme", settings).status, 201);
        let key = DeviceSigningKey::from_bytes(&[5; 32]).unwrap();
        assert_eq!(world.enrol_device("acme", "alice", &key).status, 201);
        Setup { world, auth: World::basic(&tenant_secret("acme")), key }
    }

    fn object(&self) -> Rc<MemoryObject> {
        self.world.objects.get(&user_object("acme", "alice").unwrap())
    }

    /// Tracks `idem` and starts its challenge: the track token and the challenge id.
    fn sign_in(&self, idem: &str) -> (String, String) {
        let r = self.world.json(
            "POST",
            "/v1/users/alice/actions/signIn",
            &[("authorization", &self.auth)],
            &json!({ "idempotencyKey": idem }),
        );
        assert_eq!(r.status, 200, "{}", r.json);
        let token = r.json["token"].as_str().unwrap().to_owned();
        let started = self.start(&token);
        assert_eq!(started.status, 200, "{}", started.json);
        (token, started.json["challengeId"].as_str().unwrap().to_owned())
    }

    fn start(&self, token: &str) -> Reply {
        self.world.start_push(token)
    }

    /// A Privakey request of ten seconds to alice.
    fn short_request(&self) {
        let body = json!({ "accountId": "alice", "callback": HOOK, "duration": "10s" });
        let r = self.world.json("POST", "/request/add", &[("authorization", &self.auth)], &body);
        assert_eq!(r.status, 200, "{}", r.json);
    }

    /// The device's fetch of its pending challenges: their ids.
    fn pending_ids(&self) -> Vec<String> {
        self.world.now.set(self.world.now.get() + 1);
        let headers = self.world.device_headers(&self.key, "acme", "GET", "/v1/device/challenges", b"");
        let r = self.world.send("GET", "/v1/device/challenges", &pairs(&headers), b"");
        assert_eq!(r.status, 200, "{}", r.json);
        r.json["challenges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["challengeId"].as_str().unwrap().to_owned())
            .collect()
    }

    fn answer_request(&self, view: &ChallengeView) -> ApiRequest {
        let body = World::answer_body(&self.key, view, &Choice { button: 0, code: None, reason: None });
        json_request(
            "POST",
            &format!("/v1/device/challenges/{}/answer", view.challenge_id.as_str()),
            &[],
            &body,
        )
    }

    /// Approves challenge `id`, signing the view of it as it started.
    fn approve(&self, started: &Challenge) -> Reply {
        self.world.call(&self.answer_request(&started.view()))
    }

    fn poll(&self, token: &str, id: &str) -> Reply {
        self.world.json(
            "POST",
            "/v1/client/verify/push",
            &[("authorization", &format!("Bearer {token}"))],
            &json!({ "challengeId": id }),
        )
    }

    fn action(&self, idem: &str) -> Reply {
        self.world.send(
            "GET",
            &format!("/v1/users/alice/actions/signIn/{idem}"),
            &[("authorization", &self.auth)],
            b"",
        )
    }

    /// The challenge's own record, if written (and not expired now).
    fn own(&self, id: &str) -> Option<Challenge> {
        let key = keys::challenge(&"acme".parse().unwrap(), &id.parse().unwrap());
        self.object().store.set_clock(self.world.now.get());
        block_on(get_json(&self.object().store, &key)).unwrap()
    }

    /// The challenge as every read path finds it now: its own record, or its embedded copy.
    fn read(&self, id: &str) -> Option<Challenge> {
        let (tenant, id) = ("acme".parse().unwrap(), id.parse().unwrap());
        self.object().store.set_clock(self.world.now.get());
        block_on(load_challenge_by_id(&self.object().store, &tenant, &id, self.world.now.get())).unwrap()
    }

    fn user(&self) -> UserRecord {
        let key = keys::user(&"acme".parse().unwrap(), &"alice".parse().unwrap());
        self.object().store.set_clock(self.world.now.get());
        block_on(get_json(&self.object().store, &key)).unwrap().unwrap()
    }

    /// The copy of challenge `id` embedded in alice's record, if any.
    fn embedded(&self, id: &str) -> Option<Challenge> {
        self.user().challenges.into_iter().find(|c| c.id.as_str() == id).and_then(|c| c.challenge)
    }

    fn embedded_count(&self) -> usize {
        self.user().challenges.iter().filter(|c| c.challenge.is_some()).count()
    }
}

#[test]
fn a_challenge_starts_as_one_row_in_the_user_record_and_every_path_finds_it() {
    let s = Setup::with(json!({}));
    let r = s.world.json(
        "POST",
        "/v1/users/alice/actions/signIn",
        &[("authorization", &s.auth)],
        &json!({ "idempotencyKey": "k1" }),
    );
    let token = r.json["token"].as_str().unwrap().to_owned();
    s.world.objects.reset_counts();
    let started = s.start(&token);
    assert_eq!(started.status, 200, "{}", started.json);
    let id = started.json["challengeId"].as_str().unwrap().to_owned();
    assert_eq!(s.world.objects.counts().1, 1, "the start writes one row: the user record");
    assert_eq!(s.own(&id), None, "no record of its own yet");
    let embedded = s.embedded(&id).expect("embedded in the user record");
    assert_eq!(embedded.status_at(s.world.now.get()), Status::Pending);

    // The same track token asks again: the running challenge.
    assert_eq!(s.start(&token).json["challengeId"], id.as_str());
    assert_eq!(s.pending_ids(), vec![id.clone()], "the device fetch lists it");
    let polled = s.poll(&token, &id);
    assert_eq!((polled.status, &polled.json["isConsumed"]), (200, &json!(false)), "{}", polled.json);
    let got = s.action("k1");
    assert_eq!(
        (got.json["state"].as_str(), got.json["status"].as_str()),
        (Some("CHALLENGE_REQUIRED"), Some("pending"))
    );
    let admin = s.world.send(
        "GET",
        "/admin/tenants/acme/users/alice",
        &[("authorization", &format!("Bearer {ADMIN}"))],
        b"",
    );
    assert_eq!(admin.json["challenges"][0]["challengeId"], id.as_str(), "{}", admin.json);
    assert_eq!(admin.json["challenges"][0]["status"], "pending", "{}", admin.json);

    // The answer writes its own record; from then on it is the challenge.
    assert_eq!(s.approve(&embedded).status, 200);
    let own = s.own(&id).expect("the answer wrote its own record");
    assert_eq!(own.status_at(s.world.now.get()), Status::Approved);
    assert!(s.embedded(&id).is_some(), "the copy stays (stale): no second row");
    assert_eq!(s.approve(&embedded).status, 409, "answered once");
    assert!(s.pending_ids().is_empty());
    assert_eq!(s.action("k1").json["state"], "CHALLENGE_SUCCEEDED");
    let polled = s.poll(&token, &id);
    assert_eq!(polled.json["isVerified"], true, "{}", polled.json);
    let result = polled.json["accessToken"].as_str().unwrap().to_owned();

    // 20 validations at once: one valid.
    let req =
        json_request("POST", "/v1/validate", &[("authorization", &s.auth)], &json!({ "token": result }));
    let tasks: Vec<Task<'_, _>> =
        (0..20).map(|_| -> Task<'_, _> { Box::pin(s.world.handle(&req)) }).collect();
    let replies: Vec<Reply> =
        join_all(tasks).expect("every request finishes").into_iter().map(Reply::from).collect();
    let valid = replies.iter().filter(|r| r.status == 200 && r.json["isValid"] == true).count();
    assert_eq!(valid, 1, "{:?}", replies.iter().map(|r| (r.status, r.json.to_string())).collect::<Vec<_>>());
    assert!(s.own(&id).unwrap().result_consumed);
}

#[test]
fn twenty_answers_at_once_to_an_embedded_challenge_are_accepted_once() {
    let s = Setup::with(json!({}));
    let (_, id) = s.sign_in("k1");
    let view = s.embedded(&id).unwrap().view();
    let req = s.answer_request(&view);
    let tasks: Vec<Task<'_, _>> =
        (0..20).map(|_| -> Task<'_, _> { Box::pin(s.world.handle(&req)) }).collect();
    let replies: Vec<Reply> =
        join_all(tasks).expect("every request finishes").into_iter().map(Reply::from).collect();
    let accepted = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        accepted,
        1,
        "{:?}",
        replies.iter().map(|r| (r.status, r.json.to_string())).collect::<Vec<_>>()
    );
    assert_eq!(s.own(&id).unwrap().status_at(s.world.now.get()), Status::Approved);
}

#[test]
fn the_21st_embedded_challenge_evicts_the_oldest_into_its_own_record() {
    // Sign-ins answerable for half an hour, and pushes allowed one a second.
    let s = Setup::with(json!({
        "callbackUrls": [HOOK],
        "challengeSecs": 1800,
        "pushLimits": { "maxPending": 20, "maxPerWindow": 20, "windowSecs": 1, "notMeBlockSecs": 3600 }
    }));
    // The oldest is left pending; then requests of ten seconds each, left to expire (no record
    // of their own either), and one approved (its own record written, its copy stale).
    let (_, first) = s.sign_in("k0");
    let first_started = s.embedded(&first).unwrap();
    for _ in 0..MAX_EMBEDDED - 1 {
        s.world.now.set(s.world.now.get() + 11_000);
        s.short_request();
    }
    assert_eq!(s.embedded_count(), MAX_EMBEDDED);
    assert_eq!(s.own(&first), None, "still embedded only");

    // The 21st: the oldest copy (pending, never written on its own) goes to its own record.
    s.world.now.set(s.world.now.get() + 11_000);
    let (_, newest) = s.sign_in("k1");
    assert_eq!(s.user().challenges.len(), MAX_EMBEDDED + 1, "21 entries, as before");
    assert_eq!(s.embedded_count(), MAX_EMBEDDED, "at most 20 embedded");
    assert_eq!(s.embedded(&first), None);
    assert_eq!(s.own(&first).as_ref(), Some(&first_started), "kept in its own record as it was");
    assert_eq!(s.pending_ids(), vec![first.clone(), newest.clone()], "still listed, and pending");
    assert_eq!(s.approve(&first_started).status, 200, "answerable");
    assert_eq!(s.approve(&first_started).status, 409, "once");
    assert_eq!(s.pending_ids(), vec![newest.clone()]);
    assert_eq!(s.action("k0").json["state"], "CHALLENGE_SUCCEEDED");

    // The 22nd: the oldest entry leaves the list; the approved challenge stays approved.
    assert_eq!(s.approve(&s.embedded(&newest).unwrap()).status, 200);
    s.world.now.set(s.world.now.get() + 11_000);
    s.short_request();
    assert!(s.user().challenges.iter().all(|c| c.id.as_str() != first));
    assert_eq!(s.embedded(&newest), None, "a stale copy is dropped by the next start");
    assert_eq!(s.read(&first).unwrap().status_at(s.world.now.get()), Status::Approved, "not pending again");
    assert_eq!(s.approve(&first_started).status, 409, "not answerable again");
    assert_eq!(s.action("k0").json["state"], "CHALLENGE_SUCCEEDED");
    assert_eq!(s.action("k1").json["state"], "CHALLENGE_SUCCEEDED");
}

#[test]
fn an_evicted_copy_never_overwrites_its_own_record() {
    let s = Setup::with(json!({}));
    let (_, id) = s.sign_in("k1");
    let started = s.embedded(&id).unwrap();
    assert_eq!(s.approve(&started).status, 200);
    let store = &s.object().store;
    block_on(keep_evicted(store, vec![started.clone()], s.world.now.get())).unwrap();
    assert_eq!(s.own(&id).unwrap().status_at(s.world.now.get()), Status::Approved, "not pending again");
    // One whose own record is gone and whose copy is still read is kept as it was.
    let other = Challenge { id: "00000000-0000-4000-8000-000000000001".parse().unwrap(), ..started.clone() };
    block_on(keep_evicted(store, vec![other.clone()], s.world.now.get())).unwrap();
    assert_eq!(s.own(other.id.as_str()), Some(other));
}

#[test]
fn an_embedded_challenge_expires_as_its_own_record_would() {
    let s = Setup::with(json!({}));
    let (token, id) = s.sign_in("k1");
    let started = s.embedded(&id).unwrap();
    s.world.now.set(started.expires_at);
    assert!(s.pending_ids().is_empty(), "expired: not listed");
    assert_eq!(s.poll(&token, &id).json["isConsumed"], true);
    assert_eq!(s.approve(&started).status, 410, "expired: refused as before");
    assert_eq!(s.action("k1").json["state"], "CHALLENGE_FAILED");
    // An hour after its expiry it is gone, as its own record would be.
    s.world.now.set(started.expires_at + HOUR - 1_001);
    assert_eq!(s.read(&id).map(|c| c.status_at(s.world.now.get())), Some(Status::Expired));
    s.world.now.set(started.expires_at + HOUR);
    assert_eq!(s.read(&id), None);
    assert_eq!(s.approve(&started).status, 404);
    // The alarm's prune of the log drops the entry and its copy.
    s.world.run_alarms(started.created_at + 31 * DAY);
    assert!(s.user().challenges.is_empty(), "{:?}", s.user());
}

#[test]
fn an_answer_kept_less_than_its_copy_is_read_drops_the_copy() {
    // Evidence kept a day, a challenge answerable for three: the answer's record goes long
    // before the copy embedded at the start stops being read; that copy must never be read.
    let s = Setup::with(json!({ "evidenceDays": 1, "challengeSecs": 3 * 24 * 3600 }));
    let (_, id) = s.sign_in("k1");
    let started = s.embedded(&id).unwrap();
    assert_eq!(s.approve(&started).status, 200);
    assert_eq!(s.embedded(&id), None, "the copy is dropped by the answer");
    s.world.now.set(s.world.now.get() + DAY + 1_000);
    assert_eq!(s.own(&id), None, "the answer's record has expired");
    assert!(!s.pending_ids().contains(&id), "never pending again");
    assert_eq!(s.read(&id), None);
    assert_eq!(s.approve(&started).status, 404, "never answerable again");
    assert_eq!(s.action("k1").json["state"], "CHALLENGE_SUCCEEDED", "the log kept the action's state");
}
