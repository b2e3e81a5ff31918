use super::*;
use crate::answer::{answer_message, Choice};
use crate::button::Button;
use crate::device::{DeviceCredential, Enrolment};
use crate::signature::DeviceSigningKey;

const T0: UnixMillis = 1_800_000_000_000;

/// A change to a fixture.
type Mutation<T> = Box<dyn Fn(&mut T)>;

fn randomness() -> Randomness {
    Randomness::from_bytes(&[0x5a; 48])
}

fn device_key() -> DeviceSigningKey {
    DeviceSigningKey::from_bytes(&[0x11; 32]).unwrap()
}

fn credential_for(key: &DeviceSigningKey, tenant: &str, user: &str) -> DeviceCredential {
    let enrolment = Enrolment {
        public_key: key.public_key().to_base64(),
        device_name: "phone".into(),
        device_platform: "cli".into(),
        push_token: None,
        proof: None,
    };
    DeviceCredential::enrol(&enrolment, &tenant.parse().unwrap(), &user.parse().unwrap(), T0).unwrap()
}

fn good_spec() -> ChallengeSpec {
    let mut spec = ChallengeSpec::new(Dialect::Privakey, "acme", "alice", "signIn");
    spec.content = "Sign in to Acme?".into();
    spec.context.ip_address = Some("203.0.113.7".into());
    spec
}

fn pending() -> Challenge {
    Challenge::new(good_spec(), T0, &randomness()).unwrap()
}

fn matching() -> Challenge {
    let mut spec = good_spec();
    spec.number_match_digits = Some(3);
    Challenge::new(spec, T0, &randomness()).unwrap()
}

fn approve() -> Choice {
    Choice { button: 0, code: None, reason: None }
}

fn deny(reason: Option<DenyReason>) -> Choice {
    Choice { button: 1, code: None, reason }
}

fn sign(challenge: &Challenge, key: &DeviceSigningKey, choice: &Choice) -> DeviceSignature {
    key.sign(&answer_message(&challenge.view(), &key.public_key().key_id(), choice))
}

#[test]
fn new_applies_the_documented_defaults() {
    let c =
        Challenge::new(ChallengeSpec::new(Dialect::Privakey, "acme", "alice", "login"), T0, &randomness())
            .unwrap();
    assert_eq!(c.buttons, Buttons::default());
    assert_eq!(c.notification_title, "Authentication Request");
    assert_eq!(c.notification_body, "Authentication Request");
    assert_eq!(c.expires_at, T0 + 60_000);
    assert!(!c.show_notification);
    assert!(c.confirmation_code.is_none());
    assert!(c.number_match.is_none());
    assert_eq!(c.idempotency_key, c.id.as_str());
    assert_eq!(c.state, ChallengeState::Pending);
    assert_eq!(c.nonce.len(), 22);
}

#[test]
fn new_rejects_each_bad_field() {
    let cases: Vec<(Mutation<ChallengeSpec>, &str)> = vec![
        (Box::new(|s| s.user_id = String::new()), "field_required"),
        (Box::new(|s| s.user_id = "a\u{1b}b".into()), "invalid_characters"),
        (Box::new(|s| s.tenant_id = "x".repeat(65)), "field_too_long"),
        (Box::new(|s| s.action = "sign\nin".into()), "invalid_characters"),
        (Box::new(|s| s.content = "x".repeat(4097)), "field_too_long"),
        (Box::new(|s| s.content = "a\u{7}".into()), "invalid_characters"),
        (Box::new(|s| s.notification_title = Some("a\nb".into())), "invalid_characters"),
        (Box::new(|s| s.notification_body = Some("x".repeat(513))), "field_too_long"),
        (Box::new(|s| s.transaction_id = Some("x".repeat(129))), "field_too_long"),
        (Box::new(|s| s.idempotency_key = Some("a\tb".into())), "invalid_characters"),
        (
            Box::new(|s| s.additional_info = Some(serde_json::Value::String("x".repeat(9000)))),
            "field_too_long",
        ),
        (Box::new(|s| s.number_match_digits = Some(7)), "invalid_code_length"),
        (Box::new(|s| s.context.user_agent = Some("x".repeat(513))), "field_too_long"),
        (Box::new(|s| s.context.location = Some("a\rb".into())), "invalid_characters"),
    ];
    for (mutate, code) in cases {
        let mut spec = good_spec();
        mutate(&mut spec);
        assert_eq!(Challenge::new(spec, T0, &randomness()).unwrap_err().code(), code);
    }
}

#[test]
fn view_never_reveals_the_number() {
    let c = matching();
    let json = serde_json::to_string(&c.view()).unwrap();
    let code = c.number_match.as_ref().unwrap().as_str();
    assert!(c.view().number_match_required);
    assert!(!json.contains("numberMatch\""), "{json}");
    assert!(!json.contains(&format!("\"{code}\"")), "{json}");
}

#[test]
fn approve_records_the_answer() {
    let key = device_key();
    let device = credential_for(&key, "acme", "alice");
    let mut c = pending();
    let sig = sign(&c, &key, &approve());
    let answer = c.answer(&device, &approve(), &sig, T0 + 1).unwrap().clone();
    assert!(answer.approved);
    assert_eq!(answer.button, 0);
    assert_eq!(answer.device_key_id, device.key_id);
    assert_eq!(c.status_at(T0 + 2), Status::Approved);
}

#[test]
fn deny_with_not_me_is_recorded() {
    let key = device_key();
    let device = credential_for(&key, "acme", "alice");
    let mut c = pending();
    let choice = deny(Some(DenyReason::NotMe));
    let sig = sign(&c, &key, &choice);
    let answer = c.answer(&device, &choice, &sig, T0 + 1).unwrap();
    assert!(!answer.approved);
    assert_eq!(answer.reason, Some(DenyReason::NotMe));
    assert_eq!(c.status_at(T0 + 2), Status::Denied);
}

#[test]
fn a_replayed_answer_is_rejected() {
    let key = device_key();
    let device = credential_for(&key, "acme", "alice");
    let mut c = pending();
    let sig = sign(&c, &key, &approve());
    c.answer(&device, &approve(), &sig, T0 + 1).unwrap();
    let before = c.clone();
    assert_eq!(c.answer(&device, &approve(), &sig, T0 + 2), Err(Error::ChallengeNotPending));
    assert_eq!(c, before);
}

#[test]
fn an_answer_signed_by_another_device_is_rejected() {
    let key = device_key();
    let device = credential_for(&key, "acme", "alice");
    let other = DeviceSigningKey::from_bytes(&[0x22; 32]).unwrap();
    let mut c = pending();
    let sig = sign(&c, &other, &approve());
    assert_eq!(c.answer(&device, &approve(), &sig, T0 + 1), Err(Error::SignatureMismatch));
    assert_eq!(c.state, ChallengeState::Pending);
}

#[test]
fn a_device_of_another_user_or_tenant_is_rejected() {
    let key = device_key();
    let mut c = pending();
    let sig = sign(&c, &key, &approve());
    for device in [credential_for(&key, "acme", "bob"), credential_for(&key, "evil", "alice")] {
        assert_eq!(c.answer(&device, &approve(), &sig, T0 + 1), Err(Error::DeviceNotAllowed));
    }
    assert_eq!(c.state, ChallengeState::Pending);
}

#[test]
fn the_signature_binds_the_button() {
    let key = device_key();
    let device = credential_for(&key, "acme", "alice");
    let mut c = pending();
    // A deny was signed; an attacker flips it to approve.
    let sig = sign(&c, &key, &deny(None));
    assert_eq!(c.answer(&device, &approve(), &sig, T0 + 1), Err(Error::SignatureMismatch));
}

#[test]
fn expiry_edges() {
    let key = device_key();
    let device = credential_for(&key, "acme", "alice");
    let c = pending();
    let sig = sign(&c, &key, &approve());
    let last = c.expires_at - 1;
    assert!(c.clone().answer(&device, &approve(), &sig, last).is_ok());
    let mut late = c.clone();
    assert_eq!(late.answer(&device, &approve(), &sig, c.expires_at), Err(Error::ChallengeExpired));
    assert_eq!(late.status_at(c.expires_at), Status::Expired);
    assert_eq!(late.status_at(last), Status::Pending);
    assert!(!late.expire(last));
    assert!(late.expire(c.expires_at));
    assert!(!late.expire(c.expires_at + 1), "expire is recorded once");
    assert_eq!(late.state, ChallengeState::Expired);
}

#[test]
fn buttons_out_of_range_and_reasons_on_approvals_are_rejected() {
    let key = device_key();
    let device = credential_for(&key, "acme", "alice");
    let mut c = pending();
    let out = Choice { button: 2, code: None, reason: None };
    assert_eq!(c.answer(&device, &out, &sign(&c, &key, &out), T0), Err(Error::ButtonOutOfRange));
    let huge = Choice { button: u32::MAX, code: None, reason: None };
    assert_eq!(c.answer(&device, &huge, &sign(&c, &key, &huge), T0), Err(Error::ButtonOutOfRange));
    let odd = Choice { button: 0, code: None, reason: Some(DenyReason::NotMe) };
    assert_eq!(c.answer(&device, &odd, &sign(&c, &key, &odd), T0), Err(Error::ReasonNotAllowed));
}

#[test]
fn number_matching_is_enforced_on_approvals_only() {
    let key = device_key();
    let device = credential_for(&key, "acme", "alice");
    let c = matching();
    let code = c.number_match.clone().unwrap();
    let wrong = if code.as_str() == "000" { "001" } else { "000" };

    let no_code = approve();
    assert_eq!(
        c.clone().answer(&device, &no_code, &sign(&c, &key, &no_code), T0),
        Err(Error::NumberMatchRequired)
    );
    let bad = Choice { code: Some(wrong.into()), ..approve() };
    assert_eq!(
        c.clone().answer(&device, &bad, &sign(&c, &key, &bad), T0),
        Err(Error::NumberMismatch { attempts_left: Some(2) })
    );
    let good = Choice { code: Some(code.as_str().into()), ..approve() };
    assert!(c.clone().answer(&device, &good, &sign(&c, &key, &good), T0).is_ok());
    // The code is signed: a right code added to an answer signed without it fails.
    assert_eq!(c.clone().answer(&device, &good, &sign(&c, &key, &bad), T0), Err(Error::SignatureMismatch));
    // An over-long typed code is refused before anything else is computed, and not counted.
    let long = Choice { code: Some("1".repeat(MAX_TYPED_CODE + 1)), ..approve() };
    let mut refused = c.clone();
    assert_eq!(
        refused.answer(&device, &long, &sign(&c, &key, &long), T0),
        Err(Error::NumberMismatch { attempts_left: None })
    );
    assert_eq!(refused, c);
    // Denying needs no number.
    assert!(c.clone().answer(&device, &deny(None), &sign(&c, &key, &deny(None)), T0).is_ok());
}

#[test]
fn custom_buttons_approve_by_strong_auth() {
    let key = device_key();
    let device = credential_for(&key, "acme", "alice");
    let mut spec = good_spec();
    spec.buttons = Some(
        Buttons::new(vec![
            Button { title: "Pay €50".into(), strong_auth: true, style: Some("primary".into()) },
            Button { title: "Not now".into(), strong_auth: false, style: None },
            Button { title: "Pay €500".into(), strong_auth: true, style: None },
        ])
        .unwrap(),
    );
    let c = Challenge::new(spec, T0, &randomness()).unwrap();
    let third = Choice { button: 2, code: None, reason: None };
    let mut answered = c.clone();
    assert!(answered.answer(&device, &third, &sign(&c, &key, &third), T0).unwrap().approved);
    let second = Choice { button: 1, code: None, reason: None };
    let mut declined = c.clone();
    assert!(!declined.answer(&device, &second, &sign(&c, &key, &second), T0).unwrap().approved);
}

#[test]
fn cancel_rules() {
    let mut c = pending();
    c.cancel(T0 + 5).unwrap();
    assert_eq!(c.status_at(T0 + 6), Status::Cancelled);
    assert_eq!(c.cancel(T0 + 6), Err(Error::ChallengeNotPending));
    let mut late = pending();
    assert_eq!(late.cancel(late.expires_at), Err(Error::ChallengeExpired));
    // A cancelled challenge cannot be answered.
    let key = device_key();
    let device = credential_for(&key, "acme", "alice");
    let sig = sign(&c, &key, &approve());
    assert_eq!(c.answer(&device, &approve(), &sig, T0 + 7), Err(Error::ChallengeNotPending));
}

#[test]
fn results_are_single_use() {
    let key = device_key();
    let device = credential_for(&key, "acme", "alice");
    let mut c = pending();
    assert_eq!(c.consume_result(T0), Err(Error::ResultNotReady));
    let sig = sign(&c, &key, &approve());
    c.answer(&device, &approve(), &sig, T0 + 1).unwrap();
    let outcome = c.consume_result(T0 + 2).unwrap();
    assert_eq!(outcome.status, Status::Approved);
    assert_eq!(outcome.button, Some(0));
    assert_eq!(outcome.answered_at, Some(T0 + 1));
    assert_eq!(c.consume_result(T0 + 3), Err(Error::ResultAlreadyConsumed));
}

#[test]
fn an_expired_result_can_be_consumed_once_and_records_expiry() {
    let mut c = pending();
    let outcome = c.consume_result(c.expires_at).unwrap();
    assert_eq!(outcome.status, Status::Expired);
    assert_eq!(c.state, ChallengeState::Expired);
    assert_eq!(c.consume_result(c.expires_at), Err(Error::ResultAlreadyConsumed));
}

#[test]
fn statuses_map_to_authsignal_states() {
    assert_eq!(Status::Approved.authsignal_state(), "CHALLENGE_SUCCEEDED");
    assert_eq!(Status::Denied.authsignal_state(), "CHALLENGE_FAILED");
    assert_eq!(Status::Expired.authsignal_state(), "CHALLENGE_FAILED");
    assert_eq!(Status::Pending.authsignal_state(), "CHALLENGE_REQUIRED");
    assert!(!Status::Pending.is_terminal());
    assert!(Status::Cancelled.is_terminal());
}

#[test]
fn storage_roundtrip() {
    let key = device_key();
    let device = credential_for(&key, "acme", "alice");
    let mut c = matching();
    c.additional_info = Some(serde_json::json!({"viewType": "html", "n": [1, 2]}));
    let choice = deny(Some(DenyReason::Other));
    let sig = sign(&c, &key, &choice);
    c.answer(&device, &choice, &sig, T0 + 1).unwrap();
    let json = serde_json::to_string(&c).unwrap();
    let back: Challenge = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
}

#[test]
fn without_the_key_no_code_can_be_told_from_another() {
    // Every code with a signature that does not verify gets the same refusal: the number is no
    // oracle for someone who lacks the device's key.
    let key = device_key();
    let device = credential_for(&key, "acme", "alice");
    let c = matching();
    let garbage = sign(&c, &DeviceSigningKey::from_bytes(&[0x22; 32]).unwrap(), &approve());
    for n in 0..1000 {
        let guess = Choice { code: Some(format!("{n:03}")), ..approve() };
        assert_eq!(c.clone().answer(&device, &guess, &garbage, T0), Err(Error::SignatureMismatch), "{n:03}");
    }
}

#[test]
fn another_verifier_swaps_only_the_arithmetic() {
    let key = device_key();
    let device = credential_for(&key, "acme", "alice");
    let c = pending();
    let check = c.check_answer(&device, &approve(), &sign(&c, &key, &approve()), T0).unwrap();
    assert!(check.signature().verify().is_ok());
    assert_eq!(check.signature().raw_signature().len(), 64);
    assert_eq!(check.signature().spki_der(), key.public_key().spki_der());
    assert_eq!(
        check.signature().message(),
        answer_message(&c.view(), &key.public_key().key_id(), &approve())
    );

    // A verifier that says no leaves the challenge pending.
    let mut refused = c.clone();
    assert_eq!(refused.record_answer(check.clone(), false, T0).map(|_| ()), Err(Error::SignatureMismatch));
    assert_eq!(refused.status_at(T0), Status::Pending);
    // A check is bound to its challenge and to the time rules still holding when it is recorded.
    let mut other = Challenge::new(good_spec(), T0, &Randomness::from_bytes(&[0x6b; 48])).unwrap();
    assert_eq!(other.record_answer(check.clone(), true, T0).map(|_| ()), Err(Error::ChallengeNotPending));
    let mut late = c.clone();
    assert_eq!(
        late.record_answer(check.clone(), true, c.expires_at).map(|_| ()),
        Err(Error::ChallengeExpired)
    );
    let mut accepted = c;
    assert!(accepted.record_answer(check, true, T0).is_ok_and(|a| a.approved));
}

/// A signed approval of `c` with a wrong code `n` (never the right one).
fn wrong_code(c: &Challenge, n: u32) -> Choice {
    let right = c.number_match.as_ref().unwrap().as_str().to_owned();
    let code = (0..1000).map(|i| format!("{:03}", (n + i) % 1000)).find(|s| *s != right).unwrap();
    Choice { code: Some(code), ..approve() }
}

#[test]
fn the_third_wrong_code_fails_the_challenge() {
    let key = device_key();
    let device = credential_for(&key, "acme", "alice");
    let mut c = matching();
    let view = c.clone();
    for (i, left) in [(1, 2), (2, 1)] {
        let bad = wrong_code(&view, i);
        assert_eq!(
            c.answer(&device, &bad, &sign(&view, &key, &bad), T0 + u64::from(i)),
            Err(Error::NumberMismatch { attempts_left: Some(left) })
        );
        assert_eq!(c.wrong_codes, i);
        assert_eq!(c.status_at(T0 + 10), Status::Pending);
    }
    let third = wrong_code(&view, 3);
    assert_eq!(c.answer(&device, &third, &sign(&view, &key, &third), T0 + 3), Err(Error::TooManyAttempts));
    assert_eq!(c.wrong_codes, MAX_WRONG_CODES);
    assert_eq!(c.state, ChallengeState::Failed { failed_at: T0 + 3, reason: FailureReason::TooManyAttempts });
    assert_eq!(c.status_at(T0 + 4), Status::Denied);
    assert!(c.status_at(T0 + 4).is_terminal());
    assert_eq!(c.status_at(T0 + 4).authsignal_state(), "CHALLENGE_FAILED");
    assert_eq!(c.failure_reason(), Some(FailureReason::TooManyAttempts));
    assert_eq!(FailureReason::TooManyAttempts.as_str(), Error::TooManyAttempts.code());

    // Final: the right code, a deny, a fourth wrong code and a cancel are all refused, and
    // change nothing (the count stays at 3).
    let failed = c.clone();
    let good = Choice { code: Some(view.number_match.clone().unwrap().as_str().into()), ..approve() };
    let fourth = wrong_code(&view, 4);
    for choice in [good, deny(None), fourth] {
        assert_eq!(
            c.answer(&device, &choice, &sign(&view, &key, &choice), T0 + 5),
            Err(Error::ChallengeNotPending)
        );
    }
    assert_eq!(c.cancel(T0 + 5), Err(Error::ChallengeNotPending));
    assert!(!c.expire(c.expires_at), "a failed challenge does not expire");
    assert_eq!(c, failed);

    // Its result reads as denied, with the reason, once.
    let outcome = c.consume_result(T0 + 6).unwrap();
    assert_eq!(outcome.status, Status::Denied);
    assert_eq!(outcome.failure_reason, Some(FailureReason::TooManyAttempts));
    assert_eq!((outcome.button, outcome.answered_at), (None, None));
    assert_eq!(c.consume_result(T0 + 7), Err(Error::ResultAlreadyConsumed));
}

#[test]
fn a_wrong_code_without_a_valid_signature_counts_nothing() {
    let key = device_key();
    let device = credential_for(&key, "acme", "alice");
    let other = DeviceSigningKey::from_bytes(&[0x22; 32]).unwrap();
    let mut c = matching();
    let before = c.clone();
    for n in 0..10 {
        let bad = wrong_code(&before, n);
        // Signed by another key, by the right key over another answer, or refused by the verifier.
        assert_eq!(c.answer(&device, &bad, &sign(&before, &other, &bad), T0), Err(Error::SignatureMismatch));
        assert_eq!(
            c.answer(&device, &bad, &sign(&before, &key, &deny(None)), T0),
            Err(Error::SignatureMismatch)
        );
        let check = c.check_answer(&device, &bad, &sign(&before, &key, &bad), T0).unwrap();
        assert_eq!(c.record_answer(check, false, T0).map(|_| ()), Err(Error::SignatureMismatch));
    }
    assert_eq!(c, before, "nothing counted, nothing changed");
    assert_eq!(c.wrong_codes, 0);
}

#[test]
fn the_right_code_after_two_wrong_ones_approves() {
    let key = device_key();
    let device = credential_for(&key, "acme", "alice");
    let mut c = matching();
    let view = c.clone();
    for i in 1..=2 {
        let bad = wrong_code(&view, i);
        assert_eq!(
            c.answer(&device, &bad, &sign(&view, &key, &bad), T0).unwrap_err().code(),
            "number_mismatch"
        );
    }
    // A stored record keeps the count.
    let mut c: Challenge = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
    assert_eq!(c.wrong_codes, 2);
    let good = Choice { code: Some(view.number_match.clone().unwrap().as_str().into()), ..approve() };
    assert!(c.answer(&device, &good, &sign(&view, &key, &good), T0 + 1).unwrap().approved);
    assert_eq!(c.status_at(T0 + 2), Status::Approved);
    assert_eq!(c.failure_reason(), None);
}

#[test]
fn wrong_codes_are_stored_only_when_counted() {
    let c = matching();
    let json = serde_json::to_string(&c).unwrap();
    assert!(!json.contains("wrongCodes"), "{json}");
    // A record written before the count existed reads with 0.
    let back: Challenge = serde_json::from_str(&json).unwrap();
    assert_eq!(back.wrong_codes, 0);
    let mut failed = c.clone();
    failed.wrong_codes = 3;
    failed.state = ChallengeState::Failed { failed_at: T0, reason: FailureReason::TooManyAttempts };
    let json = serde_json::to_value(&failed).unwrap();
    assert_eq!(json["wrongCodes"], 3);
    assert_eq!(
        json["state"],
        serde_json::json!({ "status": "failed", "failedAt": T0, "reason": "too_many_attempts" })
    );
    assert_eq!(serde_json::from_value::<Challenge>(json).unwrap(), failed);
}

#[test]
fn mismatch_descriptions_tell_the_attempts_left() {
    let d = |left| Error::NumberMismatch { attempts_left: left }.to_string();
    assert!(d(Some(2)).ends_with("; 2 attempts left"), "{}", d(Some(2)));
    assert!(d(Some(1)).ends_with("; 1 attempt left"), "{}", d(Some(1)));
    assert!(!d(None).contains("left"), "{}", d(None));
}
