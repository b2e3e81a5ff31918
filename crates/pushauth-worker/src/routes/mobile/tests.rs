//! The Authsignal mobile SDKs' routes against the native test kit, where the clock is the
//! test's: issued messages expire, removal signatures age out, and a challenge's answer goes
//! through the same path as ours.

use pushauth_core::authsignal_mobile::{time_bucket_message, NONCE_MS, TIME_BUCKET_SECS};
use pushauth_core::encoding::{b64, b64url};
use pushauth_core::signature::DeviceSigningKey;
use serde_json::{json, Value};

use pushauth_core::device::DeviceCredential;

use crate::store::{get_json, keys};
use crate::testkit::{block_on, tenant_secret, user_object, Client, Reply, World};

const PUSH: &str = "/v1/client/user-authenticators/push";

/// A world with tenant `acme` and an app (on the iOS SDK) enrolled for `alice`.
struct Setup {
    world: World,
    key: DeviceSigningKey,
}

impl Setup {
    fn new() -> Setup {
        let world = World::default();
        assert_eq!(world.tenant("acme", json!({})).status, 201);
        let key = DeviceSigningKey::from_bytes(&[3; 32]).unwrap();
        let setup = Setup { world, key };
        let token = setup.track("addAuthenticator", json!({"scope": "add:authenticators"}));
        let bearer = format!("Bearer {token}");
        let body = json!({"publicKey": setup.public_key(), "deviceName": "iPhone", "devicePlatform": "ios"});
        let r =
            setup.world.json("POST", PUSH, &[("authorization", &bearer), ("x-authsignal-sdk", "ios")], &body);
        assert_eq!(r.status, 200, "{}", r.json);
        assert_eq!(r.json["userAuthenticatorId"], setup.key.public_key().key_id().as_str());
        assert_eq!(r.json["verifiedAt"], "2027-01-15T08:00:00.000Z");
        setup
    }

    fn track(&self, action: &str, body: Value) -> String {
        let auth = World::basic(&tenant_secret("acme"));
        let r = self.world.json(
            "POST",
            &format!("/v1/users/alice/actions/{action}"),
            &[("authorization", &auth)],
            &body,
        );
        assert_eq!(r.status, 200, "{}", r.json);
        r.json["token"].as_str().unwrap().to_owned()
    }

    fn public_key(&self) -> String {
        self.key.public_key().to_base64()
    }

    fn query(&self) -> String {
        format!("publicKey={}", b64url(self.public_key().as_bytes()))
    }

    fn basic(&self) -> String {
        format!("Basic {}", b64url(b"acme:"))
    }

    /// What the SDKs send: DER, standard base64, over the UTF-8 of `message`.
    fn sign(&self, message: &str) -> String {
        b64(&self.key.sign(message.as_bytes()).to_der())
    }

    fn post(&self, path: &str, body: &Value) -> Reply {
        self.world.json("POST", path, &[("authorization", &self.basic())], body)
    }

    fn nonce(&self) -> String {
        let r = self.world.send(
            "POST",
            &format!("{PUSH}/challenge/sign?{}", self.query()),
            &[("authorization", &self.basic())],
            b"",
        );
        assert_eq!(r.status, 200, "{}", r.json);
        r.json["message"].as_str().unwrap().to_owned()
    }

    fn read(&self, signature: &str) -> Reply {
        let headers = [("authorization", self.basic()), ("x-authsignal-signature", signature.to_owned())];
        let h: Vec<(&str, &str)> = headers.iter().map(|(a, b)| (*a, b.as_str())).collect();
        self.world.send("GET", &format!("{PUSH}/challenge?{}", self.query()), &h, b"")
    }

    fn start_sign_in(&self) -> String {
        let token = self.track("signIn", json!({}));
        let bearer = format!("Bearer {token}");
        let r =
            self.world.json("POST", "/v1/client/challenge/push", &[("authorization", &bearer)], &json!({}));
        assert_eq!(r.status, 200, "{}", r.json);
        r.json["challengeId"].as_str().unwrap().to_owned()
    }

    fn later(&self, ms: u64) {
        self.world.now.set(self.world.now.get() + ms);
    }
}

#[test]
fn the_app_reads_and_approves_a_sign_in_through_our_answer_path() {
    let s = Setup::new();
    let id = s.start_sign_in();
    let seen = s.read(&s.sign(&s.nonce()));
    assert_eq!(seen.status, 200, "{}", seen.json);
    assert_eq!(seen.json["challengeId"], id.as_str());
    assert_eq!(seen.json["actionCode"], "signIn");
    let body =
        json!({"challengeId": id, "publicKey": s.public_key(), "approved": true, "signature": s.sign(&id)});
    let r = s.post(&format!("{PUSH}/challenge"), &body);
    assert_eq!((r.status, r.json.clone()), (200, json!({"isVerified": true})));
    let again = s.post(&format!("{PUSH}/challenge"), &body);
    assert_eq!((again.status, again.json["errorCode"].clone()), (409, json!("challenge_not_pending")));
}

#[test]
fn an_issued_message_expires_after_two_minutes() {
    let s = Setup::new();
    let message = s.nonce();
    s.later(NONCE_MS - 1);
    assert_eq!(s.read(&s.sign(&message)).status, 200);
    let message = s.nonce();
    s.later(NONCE_MS);
    let r = s.read(&s.sign(&message));
    assert_eq!((r.status, r.json["errorCode"].clone()), (401, json!("timestamp_out_of_window")));
    // And it is gone: the same signature a moment later is no better.
    let r = s.read(&s.sign(&message));
    assert_eq!((r.status, r.json["errorCode"].clone()), (401, json!("invalid_nonce")));
}

#[test]
fn a_new_message_replaces_the_outstanding_one() {
    let s = Setup::new();
    let first = s.nonce();
    let second = s.nonce();
    assert_ne!(first, second);
    let r = s.read(&s.sign(&first));
    assert_eq!((r.status, r.json["errorCode"].clone()), (401, json!("invalid_signature")));
    // The refused attempt used it up.
    let r = s.read(&s.sign(&second));
    assert_eq!((r.status, r.json["errorCode"].clone()), (401, json!("invalid_nonce")));
}

#[test]
fn a_removal_signature_is_good_for_the_neighbouring_ten_minute_buckets_only() {
    let s = Setup::new();
    let secs = s.world.now.get() / 1000;
    let stale = s.sign(&time_bucket_message(secs - 2 * TIME_BUCKET_SECS));
    let r = s.post(&format!("{PUSH}/remove"), &json!({"publicKey": s.public_key(), "signature": stale}));
    assert_eq!((r.status, r.json["errorCode"].clone()), (401, json!("invalid_signature")));
    let previous = s.sign(&time_bucket_message(secs - TIME_BUCKET_SECS));
    let r = s.post(&format!("{PUSH}/remove"), &json!({"publicKey": s.public_key(), "signature": previous}));
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["removedAuthenticatorId"], s.key.public_key().key_id().as_str());
    // Gone for both protocols: the credential lookup and our device list.
    let r = s.world.send("GET", &format!("{PUSH}?{}", s.query()), &[("authorization", &s.basic())], b"");
    assert_eq!((r.status, r.json["errorCode"].clone()), (401, json!("invalid_credential")));
    let auth = World::basic(&tenant_secret("acme"));
    let list = s.world.send("GET", "/v1/users/alice/authenticators", &[("authorization", &auth)], b"");
    assert_eq!(list.json, json!([]));
}

#[test]
fn a_long_phone_name_is_cut_at_a_character_boundary_and_an_empty_one_named_for_the_platform() {
    let s = Setup::new();
    for (i, (name, kept)) in [("é".repeat(70), "é".repeat(32)), (String::new(), "android device".to_owned())]
        .into_iter()
        .enumerate()
    {
        let key = DeviceSigningKey::from_bytes(&[10 + i as u8; 32]).unwrap();
        let bearer =
            format!("Bearer {}", s.track("addAuthenticator", json!({"scope": "add:authenticators"})));
        let body = json!({"publicKey": key.public_key().to_base64(), "deviceName": name, "devicePlatform": "android"});
        let r =
            s.world.json("POST", PUSH, &[("authorization", &bearer), ("x-authsignal-sdk", "android")], &body);
        assert_eq!(r.status, 200, "{}", r.json);
        let object = s.world.objects.get(&user_object("acme", "alice").unwrap());
        let device: DeviceCredential =
            block_on(get_json(&object.store, &keys::device(&key.public_key().key_id()))).unwrap().unwrap();
        assert_eq!(device.device_name, kept);
    }
}
