//! The answer route against the native test kit: wrong number-match codes are kept, and the
//! one that fails the challenge sends its callback once.

use pushauth_core::answer::Choice;
use pushauth_core::challenge::{Challenge, ChallengeView};
use pushauth_core::number_match::NumberMatchCode;
use pushauth_core::signature::DeviceSigningKey;
use serde_json::{json, Value};

use crate::challenge_repo::load_challenge_by_id;
use crate::memory_store::MemoryStore;
use crate::outbox::run_due;
use crate::split_store::Split;
use crate::store::{get_json, keys, put_json};
use crate::testkit::{block_on, tenant_secret, user_object, Client, Recorder, World};

const HOOK: &str = "http://127.0.0.1:9/hook";

struct Setup {
    world: World,
    key: DeviceSigningKey,
    challenge_key: String,
    code: String,
    view: ChallengeView,
}

impl Setup {
    /// An enrolled device and a Privakey request with a callback that also requires number
    /// matching (no API makes both today: the record is edited, as a future one might be).
    fn new() -> Setup {
        let world = World::default();
        assert_eq!(world.tenant("acme", json!({ "callbackUrls": [HOOK] })).status, 201);
        let auth = World::basic(&tenant_secret("acme"));
        let key = DeviceSigningKey::from_bytes(&[7; 32]).unwrap();
        let r = world.enrol_device("acme", "alice", &key);
        assert_eq!(r.status, 201, "{}", r.json);
        let add = world.json(
            "POST",
            "/request/add",
            &[("authorization", &auth)],
            &json!({"accountId": "alice", "callback": HOOK, "duration": "5m"}),
        );
        assert_eq!(add.status, 200, "{}", add.json);
        let guid = add.json["guid"].as_str().unwrap().to_owned();
        let challenge_key = keys::challenge(&"acme".parse().unwrap(), &guid.parse().unwrap());
        let code = NumberMatchCode::generate([9; 8], 3).unwrap();
        let object = world.objects.get(&user_object("acme", "alice").unwrap());
        // Embedded in alice's record at its start; the change writes its own record.
        let (tenant, id) = ("acme".parse().unwrap(), guid.parse().unwrap());
        let mut challenge: Challenge =
            block_on(load_challenge_by_id(&object.store, &tenant, &id, world.now.get())).unwrap().unwrap();
        challenge.number_match = Some(code.clone());
        block_on(put_json(&object.store, &challenge_key, &challenge, None)).unwrap();

        let headers = world.device_headers(&key, "acme", "GET", "/v1/device/challenges", b"");
        let h: Vec<(&str, &str)> = headers.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let pending = world.send("GET", "/v1/device/challenges", &h, b"");
        let view: ChallengeView = serde_json::from_value(pending.json["challenges"][0].clone()).unwrap();
        assert!(view.number_match_required);
        Setup { world, key, challenge_key, code: code.as_str().to_owned(), view }
    }

    fn answer(&self, code: &str) -> (u16, Value) {
        let choice = Choice { button: 0, code: Some(code.to_owned()), reason: None };
        let body = World::answer_body(&self.key, &self.view, &choice);
        let r = self.world.json(
            "POST",
            &format!("/v1/device/challenges/{}/answer", self.view.challenge_id),
            &[],
            &body,
        );
        (r.status, r.json)
    }

    fn wrong(&self, n: u32) -> String {
        (0..1000).map(|i| format!("{:03}", (n + i) % 1000)).find(|c| *c != self.code).unwrap()
    }

    fn object(&self) -> std::rc::Rc<crate::testkit::MemoryObject> {
        self.world.objects.get(&user_object("acme", "alice").unwrap())
    }

    fn challenge(&self) -> Challenge {
        block_on(get_json(&self.object().store, &self.challenge_key)).unwrap().unwrap()
    }

    fn deliveries(&self) -> Vec<String> {
        self.object().store.keys().into_iter().filter(|k| k.starts_with("delivery:")).collect()
    }

    /// Runs the object's due deliveries at `now`; answers what was POSTed.
    fn run_outbox(&self, now: u64) -> Vec<(String, String)> {
        let http = Recorder::default();
        let object = self.object();
        let store: Split<'_, MemoryStore, MemoryStore> =
            Split { live: &object.store, shared: &self.world.store };
        block_on(run_due(&store, &http, now, 60)).unwrap();
        http.take()
    }
}

#[test]
fn wrong_codes_are_stored_and_the_third_fails_the_challenge_with_one_callback() {
    let s = Setup::new();
    // Only the expiry reminder is queued so far.
    let reminder = vec![format!("delivery:acme:{}.request.expiry", s.view.challenge_id)];
    assert_eq!(s.deliveries(), reminder);
    for (n, left) in [(1, "2 attempts left"), (2, "1 attempt left")] {
        let (status, body) = s.answer(&s.wrong(n));
        assert_eq!((status, body["errorCode"].as_str()), (400, Some("number_mismatch")), "{body}");
        assert!(body["errorDescription"].as_str().unwrap().ends_with(left), "{body}");
        assert_eq!(s.challenge().wrong_codes, n, "the count is stored");
        assert_eq!(s.deliveries(), reminder, "no callback while pending");
    }
    let (status, body) = s.answer(&s.wrong(3));
    assert_eq!((status, body["errorCode"].as_str()), (409, Some("too_many_attempts")), "{body}");
    let failed = s.challenge();
    assert_eq!(failed.failure_reason().map(|r| r.as_str()), Some("too_many_attempts"));
    let callback = format!("delivery:acme:{}.request.processed", s.view.challenge_id);
    assert!(s.deliveries().contains(&callback), "{:?}", s.deliveries());

    // The right code now is refused and changes nothing, the callback included.
    let before = s.object().store.keys();
    let record = block_on(get_json::<_, Value>(&s.object().store, &callback)).unwrap();
    let (status, body) = s.answer(&s.code);
    assert_eq!((status, body["errorCode"].as_str()), (409, Some("challenge_not_pending")), "{body}");
    assert_eq!(s.challenge(), failed);
    assert_eq!(s.object().store.keys(), before);
    assert_eq!(block_on(get_json::<_, Value>(&s.object().store, &callback)).unwrap(), record);

    // The outbox sends it once, as denied with the reason; the expiry reminder sends nothing.
    let now = s.world.now.get();
    let sent = s.run_outbox(now + 1_000);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, HOOK);
    let body: Value = serde_json::from_str(&sent[0].1).unwrap();
    assert_eq!(body["state"], "denied");
    assert_eq!(body["failureReason"], "too_many_attempts");
    assert_eq!(body["buttonSelected"], Value::Null);
    let after_expiry = failed.expires_at + 1_000;
    assert_eq!(s.run_outbox(after_expiry), vec![], "the expiry reminder sends no second callback");
    assert_eq!(s.run_outbox(after_expiry + 3_600_000), vec![]);
}

#[test]
fn an_unsigned_wrong_code_is_not_counted_or_stored() {
    let s = Setup::new();
    let choice = Choice { button: 0, code: Some(s.wrong(1)), reason: None };
    let other = DeviceSigningKey::from_bytes(&[8; 32]).unwrap();
    let mut body = World::answer_body(&other, &s.view, &choice);
    body["keyId"] = json!(s.key.public_key().key_id().as_str());
    let before = s.challenge();
    for _ in 0..5 {
        let r = s.world.json(
            "POST",
            &format!("/v1/device/challenges/{}/answer", s.view.challenge_id),
            &[],
            &body,
        );
        assert_eq!((r.status, r.json["errorCode"].as_str()), (401, Some("invalid_signature")));
    }
    assert_eq!(s.challenge(), before);
    let (status, body) = s.answer(&s.code);
    assert_eq!((status, body["status"].as_str()), (200, Some("approved")), "{body}");
}
