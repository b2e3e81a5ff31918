//! Users and their actions against the native test kit: the action log from track on, the
//! backend's decisions and what they do to challenges and results, deleting a user, and the
//! attributes' bounds.

use pushauth_core::answer::Choice;
use pushauth_core::challenge::{Challenge, ChallengeView, Status};
use pushauth_core::signature::DeviceSigningKey;
use serde_json::{json, Value};

use crate::challenge_repo::load_challenge_by_id;
use crate::memory_store::MemoryStore;
use crate::outbox::run_due;
use crate::split_store::Split;
use crate::store::{get_json, keys};
use crate::testkit::{block_on, pairs, tenant_secret, user_object, Client, Recorder, Reply, World};

const HOOK: &str = "http://127.0.0.1:9/hook";

/// A tenant with a callback URL and alice with one enrolled device.
struct Setup {
    world: World,
    auth: String,
    key: DeviceSigningKey,
}

impl Setup {
    fn new() -> Setup {
        Setup::with(json!({ "callbackUrls": [HOOK] }))
    }

    /// The tenant `acme` with `settings`, and alice with one enrolled device.
    fn with(settings: Value) -> Setup {
        let world = World::default();
        assert_eq!(world.tenant("acme", settings).status, 201);
        let auth = World::basic(&tenant_secret("acme"));
        let key = DeviceSigningKey::from_bytes(&[7; 32]).unwrap();
        let s = Setup { world, auth, key };
        let r = s.world.enrol_device("acme", "alice", &s.key);
        assert_eq!(r.status, 201, "{}", r.json);
        s
    }

    fn server(&self, method: &str, path: &str, body: Value) -> Reply {
        self.world.json(method, path, &[("authorization", &self.auth)], &body)
    }

    fn track(&self, user: &str, action: &str, body: Value) -> Reply {
        let r = self.server("POST", &format!("/v1/users/{user}/actions/{action}"), body);
        assert_eq!(r.status, 200, "{}", r.json);
        r
    }

    fn start(&self, token: &str) -> Reply {
        self.world.start_push(token)
    }

    fn pending(&self) -> Reply {
        let headers = self.world.device_headers(&self.key, "acme", "GET", "/v1/device/challenges", b"");
        self.world.send("GET", "/v1/device/challenges", &pairs(&headers), b"")
    }

    fn approve(&self, challenge_id: &str) -> Reply {
        let view: ChallengeView = serde_json::from_value(
            self.pending().json["challenges"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["challengeId"] == challenge_id)
                .unwrap()
                .clone(),
        )
        .unwrap();
        let body = World::answer_body(&self.key, &view, &Choice { button: 0, code: None, reason: None });
        self.world.json("POST", &format!("/v1/device/challenges/{challenge_id}/answer"), &[], &body)
    }

    fn challenge(&self, id: &str) -> Challenge {
        let object = self.world.objects.get(&user_object("acme", "alice").unwrap());
        // Its own record, or the copy embedded in alice's record at its start.
        let (tenant, id) = ("acme".parse().unwrap(), id.parse().unwrap());
        block_on(load_challenge_by_id(&object.store, &tenant, &id, self.world.now.get())).unwrap().unwrap()
    }

    fn action(&self, action: &str, idem: &str) -> Reply {
        self.server("GET", &format!("/v1/users/alice/actions/{action}/{idem}"), Value::Null)
    }

    fn update(&self, action: &str, idem: &str, state: &str) -> Reply {
        self.server("PATCH", &format!("/v1/users/alice/actions/{action}/{idem}"), json!({ "state": state }))
    }
}

fn code(r: &Reply) -> (u16, Option<&str>) {
    (r.status, r.json["errorCode"].as_str())
}

#[test]
fn an_action_is_there_from_track_on_and_follows_its_challenge() {
    let s = Setup::new();
    let tracked = s.track("alice", "signIn", json!({ "idempotencyKey": "k1" }));
    let got = s.action("signIn", "k1");
    assert_eq!((got.status, got.json["state"].as_str()), (200, Some("CHALLENGE_REQUIRED")), "{}", got.json);
    assert_eq!(got.json["verificationMethod"], Value::Null, "no challenge yet");
    let nobody = s.track("bob", "signIn", json!({ "idempotencyKey": "k2" }));
    assert_eq!(nobody.json["state"], "ALLOW");
    let bob = s.server("GET", "/v1/users/bob/actions/signIn/k2", Value::Null);
    assert_eq!(bob.json["state"], "ALLOW");

    let started = s.start(tracked.json["token"].as_str().unwrap());
    let id = started.json["challengeId"].as_str().unwrap().to_owned();
    let got = s.action("signIn", "k1");
    assert_eq!(got.json["challengeId"], id.as_str());
    assert_eq!(got.json["status"], "pending");
    assert_eq!(s.approve(&id).status, 200);
    let got = s.action("signIn", "k1");
    assert_eq!(got.json["state"], "CHALLENGE_SUCCEEDED");
    assert_eq!(got.json["verifiedByAuthenticatorId"], s.key.public_key().key_id().as_str());

    let all = s.server("GET", "/v1/users/alice/actions", Value::Null);
    let keys: Vec<&str> =
        all.json.as_array().unwrap().iter().filter_map(|a| a["idempotencyKey"].as_str()).collect();
    assert_eq!(keys.len(), 2, "{}", all.json);
    assert_eq!(keys[0], "k1", "newest first");
    let succeeded =
        s.server("GET", "/v1/users/alice/actions?state=CHALLENGE_SUCCEEDED&codes=signIn,other", Value::Null);
    assert_eq!(succeeded.json.as_array().map(Vec::len), Some(1), "{}", succeeded.json);
    let later = s.server("GET", "/v1/users/alice/actions?fromDate=2999-01-01", Value::Null);
    assert_eq!(later.json, json!([]));
    for bad in ["fromDate=yesterday", "state=APPROVED", "codes=%00"] {
        let r = s.server("GET", &format!("/v1/users/alice/actions?{bad}"), Value::Null);
        assert_eq!(r.status, 400, "{bad}: {}", r.json);
    }
}

#[test]
fn a_pending_challenge_past_its_expiry_reads_failed() {
    let s = Setup::new();
    let tracked = s.track("alice", "signIn", json!({ "idempotencyKey": "k1" }));
    let id =
        s.start(tracked.json["token"].as_str().unwrap()).json["challengeId"].as_str().unwrap().to_owned();
    s.world.now.set(s.challenge(&id).expires_at);
    assert_eq!(s.action("signIn", "k1").json["state"], "CHALLENGE_FAILED");
}

#[test]
fn blocking_cancels_the_challenge_and_is_final() {
    let s = Setup::new();
    let tracked = s.track("alice", "signIn", json!({ "idempotencyKey": "k1" }));
    let token = tracked.json["token"].as_str().unwrap().to_owned();
    let id = s.start(&token).json["challengeId"].as_str().unwrap().to_owned();
    let blocked = s.update("signIn", "k1", "BLOCK");
    assert_eq!((blocked.status, blocked.json["state"].as_str()), (200, Some("BLOCK")), "{}", blocked.json);
    assert_eq!(s.challenge(&id).status_at(s.world.now.get()), Status::Cancelled);
    assert_eq!(s.pending().json["challenges"], json!([]), "the device no longer sees it");
    // The same track token starts no new challenge; the decision never changes.
    assert_eq!(code(&s.start(&token)), (409, Some("action_final")));
    for state in ["ALLOW", "BLOCK", "CHALLENGE_FAILED", "CHALLENGE_SUCCEEDED"] {
        assert_eq!(code(&s.update("signIn", "k1", state)), (409, Some("action_final")), "{state}");
    }
    // Tracking it again reports the decision.
    assert_eq!(s.track("alice", "signIn", json!({ "idempotencyKey": "k1" })).json["state"], "BLOCK");
}

#[test]
fn a_backend_never_overrides_a_device_nor_makes_success() {
    let s = Setup::new();
    let tracked = s.track("alice", "signIn", json!({ "idempotencyKey": "k1" }));
    assert_eq!(code(&s.update("signIn", "k1", "CHALLENGE_SUCCEEDED")), (400, Some("invalid_state")));
    assert_eq!(code(&s.update("signIn", "k1", "CHALLENGE_REQUIRED")), (400, Some("invalid_state")));
    assert_eq!(code(&s.update("signIn", "k1", "nonsense")), (400, Some("invalid_state")));
    assert_eq!(code(&s.update("signIn", "nope", "BLOCK")), (404, Some("action_not_found")));
    s.start(tracked.json["token"].as_str().unwrap());
    assert_eq!(code(&s.update("signIn", "k1", "ALLOW")), (409, Some("transition_not_allowed")));
    assert_eq!(code(&s.update("signIn", "k1", "REVIEW_SUCCEEDED")), (409, Some("transition_not_allowed")));
    // Before any challenge, allowing is the backend's own (final) decision.
    s.track("alice", "signIn", json!({ "idempotencyKey": "k2" }));
    let allowed = s.update("signIn", "k2", "ALLOW");
    assert_eq!(allowed.json["state"], "ALLOW", "{}", allowed.json);
}

#[test]
fn revoking_an_approval_makes_its_result_token_invalid_and_a_validated_one_is_final() {
    let s = Setup::new();
    for (idem, revoke) in [("k1", true), ("k2", false)] {
        // Apart enough for the tenant's push limits.
        s.world.now.set(s.world.now.get() + 600_000);
        let tracked = s.track("alice", "signIn", json!({ "idempotencyKey": idem }));
        let token = tracked.json["token"].as_str().unwrap().to_owned();
        let id = s.start(&token).json["challengeId"].as_str().unwrap().to_owned();
        assert_eq!(s.approve(&id).status, 200);
        let polled = s.world.json(
            "POST",
            "/v1/client/verify/push",
            &[("authorization", &format!("Bearer {token}"))],
            &json!({ "challengeId": id }),
        );
        let result = polled.json["accessToken"].as_str().unwrap().to_owned();
        if revoke {
            assert_eq!(s.update("signIn", idem, "CHALLENGE_FAILED").status, 200);
            let v = s.server("POST", "/v1/validate", json!({ "token": result }));
            assert_eq!(
                (v.json["isValid"].as_bool(), v.json["state"].as_str()),
                (Some(false), Some("CHALLENGE_FAILED"))
            );
        } else {
            let v = s.server("POST", "/v1/validate", json!({ "token": result }));
            assert_eq!(v.json["isValid"], true, "{}", v.json);
            let r = s.update("signIn", idem, "BLOCK");
            assert_eq!(code(&r), (409, Some("action_final")), "a validated approval is final");
            assert_eq!(s.action("signIn", idem).json["state"], "CHALLENGE_SUCCEEDED");
        }
    }
}

#[test]
fn deleting_a_user_removes_devices_cancels_challenges_with_callbacks_and_forgets_them() {
    let s = Setup::new();
    assert_eq!(s.server("PATCH", "/v1/users/alice", json!({ "email": "alice@example.com" })).status, 200);
    let add = s.server("POST", "/request/add", json!({ "accountId": "alice", "callback": HOOK }));
    let guid = add.json["guid"].as_str().unwrap().to_owned();
    let deleted = s.server("DELETE", "/v1/users/alice", Value::Null);
    assert_eq!(deleted.status, 200, "{}", deleted.json);
    assert_eq!(deleted.json, json!({ "removedAuthenticators": 1, "cancelledChallenges": 1 }));
    assert_eq!(s.challenge(&guid).status_at(s.world.now.get()), Status::Cancelled);
    assert_eq!(code(&s.pending()), (401, Some("invalid_credential")), "the device is gone");
    let user = s.server("GET", "/v1/users/alice", Value::Null);
    assert_eq!(user.json["isEnrolled"], false);
    assert_eq!(user.json["email"], Value::Null, "attributes are gone");
    assert_eq!(s.server("GET", "/v1/users/alice/actions", Value::Null).json, json!([]));
    assert!(block_on(get_json::<_, Value>(&s.world.store, &keys::device_home(&s.key.public_key().key_id())))
        .unwrap()
        .is_none());

    // The cancelled request's callback goes out once, as cancelled.
    let http = Recorder::default();
    let object = s.world.objects.get(&user_object("acme", "alice").unwrap());
    let store: Split<'_, MemoryStore, MemoryStore> = Split { live: &object.store, shared: &s.world.store };
    block_on(run_due(&store, &http, s.world.now.get() + 1_000, 60)).unwrap();
    let sent = http.take();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let body: Value = serde_json::from_str(&sent[0].1).unwrap();
    assert_eq!((body["guid"].as_str(), body["state"].as_str()), (Some(guid.as_str()), Some("cancelled")));
}

#[test]
fn attributes_round_trip_within_their_bounds() {
    let s = Setup::new();
    let fresh = s.server("GET", "/v1/users/nobody", Value::Null);
    assert_eq!(fresh.status, 200);
    assert_eq!(fresh.json["isEnrolled"], false);
    let set = s.server(
        "PATCH",
        "/v1/users/alice",
        json!({ "email": "alice@example.com", "phoneNumber": "+6421555000", "displayName": "Alice", "custom": { "tier": "gold" } }),
    );
    assert_eq!(set.status, 200, "{}", set.json);
    assert_eq!(set.json["custom"]["tier"], "gold");
    let user = s.server("GET", "/v1/users/alice", Value::Null);
    assert_eq!(user.json["isEnrolled"], true);
    assert_eq!(user.json["enrolledVerificationMethods"], json!(["PUSH"]));
    assert_eq!(user.json["displayName"], "Alice");
    for (body, expected) in [
        (json!({ "email": "not an email" }), "invalid_format"),
        (json!({ "phoneNumber": "021 555" }), "invalid_format"),
        (json!({ "username": "u".repeat(256) }), "field_too_long"),
        (json!({ "custom": { "blob": "x".repeat(3000) } }), "field_too_long"),
        (json!({ "custom": { "deep": { "a": 1 } } }), "invalid_type"),
        (json!([1, 2]), "invalid_request"),
    ] {
        let r = s.server("PATCH", "/v1/users/alice", body.clone());
        assert_eq!(r.status, 400, "{body}: {}", r.json);
        assert_eq!(r.json["errorCode"], expected, "{body}");
    }
    assert_eq!(
        s.server("GET", "/v1/users/alice", Value::Null).json["email"],
        "alice@example.com",
        "unchanged"
    );
}

const DAY: u64 = 86_400_000;

/// Alice's user record as stored in her object.
fn user_record(s: &Setup) -> crate::records::UserRecord {
    let object = s.world.objects.get(&user_object("acme", "alice").unwrap());
    block_on(get_json(&object.store, &keys::user(&"acme".parse().unwrap(), &"alice".parse().unwrap())))
        .unwrap()
        .unwrap()
}

#[test]
fn no_read_answers_an_action_older_than_30_days_even_before_the_prune() {
    let s = Setup::new();
    let tracked = s.track("alice", "signIn", json!({ "idempotencyKey": "k1" }));
    let id =
        s.start(tracked.json["token"].as_str().unwrap()).json["challengeId"].as_str().unwrap().to_owned();
    assert_eq!(s.approve(&id).status, 200);
    let tracked_at = s.world.now.get();
    s.world.now.set(tracked_at + 30 * DAY - 60_000);
    assert_eq!(s.action("signIn", "k1").json["state"], "CHALLENGE_SUCCEEDED");
    // No alarm has run: the log and the user record's recent challenge are still stored, and
    // the challenge's record is kept as evidence for 400 days.
    s.world.now.set(tracked_at + 30 * DAY + 1);
    assert!(user_record(&s).actions.0.iter().any(|a| a.idempotency_key == "k1"), "not pruned yet");
    assert_eq!(code(&s.action("signIn", "k1")), (404, Some("action_not_found")));
    let all = s.server("GET", "/v1/users/alice/actions", Value::Null);
    assert_eq!(all.json, json!([]), "{}", all.json);
    let admin = s.world.json(
        "GET",
        "/admin/tenants/acme/users/alice",
        &[("authorization", &format!("Bearer {}", s.world.config.admin_token))],
        &Value::Null,
    );
    assert_eq!(admin.status, 200, "{}", admin.json);
    assert_eq!(admin.json["actions"], json!([]), "{}", admin.json);
}

#[test]
fn the_alarms_prune_of_the_log_drops_old_recent_challenges_too() {
    let s = Setup::new();
    let tracked = s.track("alice", "signIn", json!({ "idempotencyKey": "k1" }));
    let id =
        s.start(tracked.json["token"].as_str().unwrap()).json["challengeId"].as_str().unwrap().to_owned();
    assert_eq!(s.approve(&id).status, 200);
    assert_eq!(user_record(&s).challenges.len(), 1);
    s.world.run_alarms(s.world.now.get() + 31 * DAY);
    let record = user_record(&s);
    assert!(record.actions.0.is_empty(), "{record:?}");
    assert!(record.challenges.is_empty(), "the recent challenge went with its action: {record:?}");
    assert_eq!(record.devices.len(), 1, "devices stay");
}

#[test]
fn an_approved_action_keeps_its_state_30_days_when_its_evidence_is_kept_less() {
    for days in [0, 1, 29] {
        let s = Setup::with(json!({ "evidenceDays": days }));
        let tracked = s.track("alice", "signIn", json!({ "idempotencyKey": "k1" }));
        let id =
            s.start(tracked.json["token"].as_str().unwrap()).json["challengeId"].as_str().unwrap().to_owned();
        assert_eq!(s.approve(&id).status, 200);
        let tracked_at = s.world.now.get();
        for at in [tracked_at + DAY + 7_200_000, tracked_at + 29 * DAY + 7_200_000] {
            s.world.run_alarms(at);
            s.world.now.set(at);
            let got = s.action("signIn", "k1");
            assert_eq!(
                got.json["state"],
                "CHALLENGE_SUCCEEDED",
                "evidenceDays {days}, at +{} ms: {}",
                at - tracked_at,
                got.json
            );
        }
    }
}

#[test]
fn a_request_that_expired_unanswered_is_still_found_by_id_after_its_user_is_deleted() {
    let s = Setup::new();
    let add = s.server(
        "POST",
        "/request/add",
        json!({ "accountId": "alice", "callback": HOOK, "duration": "10s" }),
    );
    let guid = add.json["guid"].as_str().unwrap().to_owned();
    s.world.now.set(s.world.now.get() + 11_000);
    let before = s.server("GET", &format!("/request/{guid}"), Value::Null);
    assert_eq!(before.status, 200, "{}", before.json);
    let deleted = s.server("DELETE", "/v1/users/alice", Value::Null);
    assert_eq!(deleted.json["cancelledChallenges"], 0, "{}", deleted.json);
    let after = s.server("GET", &format!("/request/{guid}"), Value::Null);
    assert_eq!((after.status, &after.json), (200, &before.json), "as before the deletion");
    s.world.now.set(s.challenge(&guid).expires_at + 3_600_000);
    assert_eq!(
        s.server("GET", &format!("/request/{guid}"), Value::Null).status,
        404,
        "gone an hour after expiry"
    );
}
