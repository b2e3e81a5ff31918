use super::*;
use crate::challenge::{ChallengeSpec, Randomness, Status};
use crate::device::Enrolment;
use crate::encoding::b64;
use crate::signature::DeviceSigningKey;

const T0: UnixMillis = 1_800_000_000_000;

fn phone() -> DeviceSigningKey {
    DeviceSigningKey::from_bytes(&[0x21; 32]).unwrap()
}

fn stranger() -> DeviceSigningKey {
    DeviceSigningKey::from_bytes(&[0x22; 32]).unwrap()
}

fn credential(key: &DeviceSigningKey) -> DeviceCredential {
    let enrolment = Enrolment {
        public_key: key.public_key().to_base64(),
        device_name: "iPhone".into(),
        device_platform: "ios".into(),
        push_token: None,
        proof: None,
    };
    DeviceCredential::enrol(&enrolment, &"acme".parse().unwrap(), &"alice".parse().unwrap(), T0).unwrap()
}

fn challenge_of(dialect: Dialect, digits: Option<u8>) -> Challenge {
    let mut spec = ChallengeSpec::new(dialect, "acme", "alice", "signIn");
    spec.content = "Sign in to Acme?".into();
    spec.number_match_digits = digits;
    Challenge::new(spec, T0, &Randomness::from_bytes(&[0x5a; 48])).unwrap()
}

fn sign_in() -> Challenge {
    challenge_of(Dialect::Authsignal, None)
}

fn approve() -> MobileAnswer {
    MobileAnswer { approved: true, verification_code: None }
}

fn deny() -> MobileAnswer {
    MobileAnswer { approved: false, verification_code: None }
}

/// What the SDKs send: the DER signature over the challenge id's UTF-8.
fn signed_id(key: &DeviceSigningKey, c: &Challenge) -> DeviceSignature {
    let der = key.sign(c.id.as_str().as_bytes()).to_der();
    DeviceSignature::parse(&b64(&der)).unwrap()
}

fn answer(
    c: &mut Challenge,
    key: &DeviceSigningKey,
    a: &MobileAnswer,
    at: UnixMillis,
) -> Result<Status, Error> {
    let check = answer_check(c, &credential(&phone()), a, &signed_id(key, c), at)?;
    let holds = check.signature().verify().is_ok();
    c.record_answer(check, holds, at)?;
    Ok(c.status_at(at))
}

#[test]
fn the_query_key_is_the_key_text_encoded_again_as_either_sdk_does() {
    let key = phone().public_key();
    let text = key.to_base64();
    let ios = b64url(text.as_bytes());
    let android = b64(text.as_bytes());
    assert!(
        android.contains(['+', '/', '=']) || !ios.contains(['-', '_']),
        "the fixture shows both alphabets"
    );
    for raw in
        [ios.clone(), android.clone(), android.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")]
    {
        assert_eq!(query_public_key(&raw).unwrap(), key, "{raw}");
    }
}

#[test]
fn the_query_key_refuses_anything_else() {
    let text = phone().public_key().to_base64();
    let cases = [
        (String::new(), "field_required"),
        (text.clone(), "invalid_public_key"), // not encoded again
        (b64url(b"not a key"), "invalid_public_key"),
        (b64url(&[0xff, 0xfe, 0x30]), "invalid_public_key"), // not UTF-8
        (format!("{}-+", b64url(text.as_bytes())), "invalid_public_key"), // mixed alphabets
        ("%zz".into(), "invalid_public_key"),
        ("A".repeat(MAX_QUERY_KEY + 1), "invalid_public_key"),
    ];
    for (raw, code) in cases {
        assert_eq!(query_public_key(&raw).unwrap_err().code(), code, "{raw}");
    }
}

#[test]
fn a_query_value_is_found_once_and_a_repeated_one_is_refused() {
    assert_eq!(query_value("publicKey=abc&x=1", "publicKey"), Some("abc"));
    assert_eq!(query_value("x=1&publicKey=", "publicKey"), Some(""));
    assert_eq!(query_value("x=1", "publicKey"), None);
    assert_eq!(query_value("publicKey=a&publicKey=b", "publicKey"), None);
}

#[test]
fn basic_names_the_tenant_in_both_alphabets() {
    assert_eq!(basic_tenant(Some(&format!("Basic {}", b64url(b"acme:")))).unwrap(), "acme");
    assert_eq!(basic_tenant(Some(&format!("Basic {}", b64(b"acme:")))).unwrap(), "acme");
    assert_eq!(basic_tenant(None).unwrap_err(), Error::MissingCredential);
    assert_eq!(basic_tenant(Some("Bearer x")).unwrap_err(), Error::MissingCredential);
    for bad in ["acme:secret", "acme", ":", ""] {
        let header = format!("Basic {}", b64(bad.as_bytes()));
        assert_eq!(basic_tenant(Some(&header)).unwrap_err(), Error::InvalidCredential, "{bad}");
    }
    assert_eq!(basic_tenant(Some("Basic !!")).unwrap_err(), Error::InvalidCredential);
    let device = credential(&phone());
    assert!(check_tenant("acme", &device).is_ok());
    assert_eq!(check_tenant("other", &device).unwrap_err(), Error::InvalidCredential);
}

#[test]
fn the_answer_message_is_the_challenge_id_and_nothing_else() {
    let c = sign_in();
    assert_eq!(answer_message(&c), c.id.as_str().as_bytes());
}

#[test]
fn an_approval_signed_over_the_id_approves_and_a_denial_denies() {
    let mut c = sign_in();
    assert_eq!(answer(&mut c, &phone(), &approve(), T0 + 1), Ok(Status::Approved));
    let mut c = sign_in();
    assert_eq!(answer(&mut c, &phone(), &deny(), T0 + 1), Ok(Status::Denied));
    assert!(
        matches!(&c.state, crate::challenge::ChallengeState::Answered(a) if a.button == 1 && a.reason.is_none())
    );
}

#[test]
fn the_signature_does_not_bind_the_decision_so_only_the_first_answer_counts() {
    // The weakness, stated: one signature serves both decisions.
    let c = sign_in();
    let signature = signed_id(&phone(), &c);
    for a in [approve(), deny()] {
        let check = answer_check(&c, &credential(&phone()), &a, &signature, T0 + 1).unwrap();
        assert!(check.signature().verify().is_ok());
    }
    // What stops a flipped replay: the challenge takes one answer.
    let mut c = c;
    assert_eq!(answer(&mut c, &phone(), &deny(), T0 + 1), Ok(Status::Denied));
    assert_eq!(answer(&mut c, &phone(), &approve(), T0 + 2), Err(Error::ChallengeNotPending));
}

#[test]
fn another_key_expiry_and_other_dialects_are_refused() {
    let mut c = sign_in();
    assert_eq!(answer(&mut c, &stranger(), &approve(), T0 + 1), Err(Error::SignatureMismatch));
    assert_eq!(c.status_at(T0 + 1), Status::Pending, "a refused answer changes nothing");
    let late = c.expires_at;
    assert_eq!(answer(&mut c, &phone(), &approve(), late), Err(Error::ChallengeExpired));
    let mut payment = challenge_of(Dialect::Privakey, None);
    assert_eq!(answer(&mut payment, &phone(), &approve(), T0 + 1), Err(Error::UnsupportedChallenge));
    assert!(!is_answerable(&payment));
    assert!(is_answerable(&sign_in()));
}

#[test]
fn number_matching_takes_the_unsigned_code_and_counts_wrong_ones() {
    let mut c = challenge_of(Dialect::Authsignal, Some(3));
    let right = c.number_match.as_ref().unwrap().as_str().to_owned();
    let wrong = if right == "000" { "111" } else { "000" };
    assert_eq!(answer(&mut c, &phone(), &approve(), T0 + 1), Err(Error::NumberMatchRequired));
    let typed = |code: &str| MobileAnswer { approved: true, verification_code: Some(code.into()) };
    assert_eq!(
        answer(&mut c, &phone(), &typed(wrong), T0 + 1),
        Err(Error::NumberMismatch { attempts_left: Some(2) })
    );
    assert_eq!(answer(&mut c, &phone(), &typed(&right), T0 + 2), Ok(Status::Approved));
    // A denial needs no code.
    let mut c = challenge_of(Dialect::Authsignal, Some(3));
    assert_eq!(answer(&mut c, &phone(), &deny(), T0 + 1), Ok(Status::Denied));
}

#[test]
fn time_bucket_messages_print_as_the_sdks_print_a_floored_double() {
    assert_eq!(time_bucket_message(0), "0.0");
    assert_eq!(time_bucket_message(599), "0.0");
    assert_eq!(time_bucket_message(600), "1.0");
    assert_eq!(time_bucket_message(1_800_000_000), "3000000.0");
    assert_eq!(time_bucket_message(1_764_806_399), "2941343.0");
}

#[test]
fn a_removal_signature_holds_for_the_neighbouring_buckets_only() {
    let key = phone();
    let now = T0; // bucket 3_000_000
    let holds = |signed_at_secs: u64| {
        let signature = key.sign(time_bucket_message(signed_at_secs).as_bytes());
        removal_checks(&key.public_key(), &signature, now).iter().any(|c| c.verify().is_ok())
    };
    let secs = now / 1000;
    assert!(holds(secs));
    assert!(holds(secs - 600));
    assert!(holds(secs + 600));
    assert!(!holds(secs - 1200), "stale");
    assert!(!holds(secs + 1200));
    let other = stranger().sign(time_bucket_message(secs).as_bytes());
    assert!(!removal_checks(&key.public_key(), &other, now).iter().any(|c| c.verify().is_ok()));
}

#[test]
fn an_issued_message_is_for_one_key_one_purpose_and_two_minutes() {
    let key = phone();
    let id = key.public_key().key_id();
    let n = MobileNonce::issue(NoncePurpose::UpdateCredential, "acme", &id, &[7; 16], T0);
    assert_eq!(n.id, "BwcHBwcHBwcHBwcHBwcHBw");
    assert_eq!(
        n.message,
        format!(
            "pushauth/authsignal-mobile/v1/update-credential/acme/{}/{}/BwcHBwcHBwcHBwcHBwcHBw",
            id.as_str(),
            T0 + NONCE_MS
        )
    );
    let good = key.sign(n.message.as_bytes());
    let public = key.public_key();
    let purpose = NoncePurpose::UpdateCredential;
    n.redeem(&public, purpose, Some(&n.id), &good, T0 + 1).unwrap().verify().unwrap();
    n.redeem(&public, purpose, None, &good, T0 + NONCE_MS - 1).unwrap().verify().unwrap();
    assert_eq!(n.redeem(&public, purpose, None, &good, T0 + NONCE_MS), Err(Error::TimestampOutOfWindow));
    assert_eq!(n.redeem(&public, purpose, Some("other"), &good, T0), Err(Error::InvalidNonce));
    assert_eq!(n.redeem(&public, NoncePurpose::ReadChallenges, None, &good, T0), Err(Error::InvalidNonce));
    assert_eq!(n.redeem(&stranger().public_key(), purpose, None, &good, T0), Err(Error::InvalidNonce));
    let forged = stranger().sign(n.message.as_bytes());
    assert_eq!(
        n.redeem(&public, purpose, None, &forged, T0).unwrap().verify(),
        Err(Error::SignatureMismatch)
    );
}

#[test]
fn no_message_of_this_protocol_is_a_pushauth_message_or_another_of_its_kinds() {
    let c = sign_in();
    let id = phone().public_key().key_id();
    let issued = MobileNonce::issue(NoncePurpose::ReadChallenges, "acme", &id, &[1; 16], T0).message;
    let pushauth =
        crate::answer::answer_message(&c.view(), &id, &Choice { button: 0, code: None, reason: None });
    assert_eq!(pushauth[0], 0, "pushauth messages start with a length prefix");
    for m in [answer_message(&c), time_bucket_message(T0 / 1000).into_bytes(), issued.clone().into_bytes()] {
        assert_ne!(m.first(), Some(&0));
    }
    assert!(issued.starts_with("pushauth/"));
    assert!(!c.id.as_str().starts_with("pushauth/"));
    assert!(time_bucket_message(T0 / 1000).ends_with(".0") && !c.id.as_str().contains('.'));
}
