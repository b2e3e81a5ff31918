use super::*;
use crate::button::{Button, Buttons};
use crate::challenge::{Challenge, ChallengeSpec, Dialect, Randomness};
use crate::encoding::b64;
use crate::signature::DeviceSigningKey;

fn signer(byte: u8) -> DeviceSigningKey {
    DeviceSigningKey::from_bytes(&[byte; 32]).unwrap()
}

fn evidence() -> Evidence {
    let mut spec = ChallengeSpec::new(Dialect::Privakey, "acme", "alice", "payment");
    spec.content = "Pay 49.90 EUR to ACME".into();
    spec.buttons = Some(
        Buttons::new(vec![
            Button { title: "Pay".into(), strong_auth: true, style: None },
            Button { title: "Decline".into(), strong_auth: false, style: None },
        ])
        .unwrap(),
    );
    let view = Challenge::new(spec, 1_800_000_000_000, &Randomness::from_bytes(&[3; 48])).unwrap().view();
    let key = signer(0x21);
    let key_id = key.public_key().key_id();
    let choice = Choice { button: 0, code: None, reason: None };
    let signature = key.sign(&answer_message(&view, &key_id, &choice));
    Evidence {
        version: EVIDENCE_VERSION,
        tenant_id: "acme".into(),
        challenge: view,
        choice,
        key_id: key_id.as_str().to_owned(),
        public_key: key.public_key().to_base64(),
        signature: b64(&signature.to_der()),
        result: EvidenceResult { status: Status::Approved, answered_at: 1_800_000_001_000 },
    }
}

#[test]
fn a_valid_document_verifies_and_round_trips_through_json() {
    let e = evidence();
    let verdict = verify(&e).unwrap();
    assert!(verdict.approved);
    assert_eq!(verdict.button_title, "Pay");
    assert_eq!(verdict.content, "Pay 49.90 EUR to ACME");
    let json = serde_json::to_string(&e).unwrap();
    assert!(json.contains("\"version\":1"));
    let back: Evidence = serde_json::from_str(&json).unwrap();
    assert_eq!(verify(&back).unwrap(), verdict);
}

/// A change to a document.
type Tamper = Box<dyn Fn(&mut Evidence)>;

#[test]
fn each_tampering_is_refused_with_its_reason() {
    let cases: Vec<(EvidenceError, Tamper)> = vec![
        (EvidenceError::UnsupportedVersion, Box::new(|e| e.version = 2)),
        (EvidenceError::TenantMismatch, Box::new(|e| e.tenant_id = "globex".into())),
        (EvidenceError::SignatureMismatch, Box::new(|e| e.challenge.content = "Pay 4990 EUR to ACME".into())),
        (
            EvidenceError::SignatureMismatch,
            Box::new(|e| {
                e.tenant_id = "globex".into();
                e.challenge.tenant_id = "globex".into();
            }),
        ),
        (EvidenceError::SignatureMismatch, Box::new(|e| e.choice.button = 1)),
        (EvidenceError::KeyIdMismatch, Box::new(|e| e.public_key = signer(0x22).public_key().to_base64())),
        (
            EvidenceError::SignatureMismatch,
            Box::new(|e| {
                let other = signer(0x22).public_key();
                e.public_key = other.to_base64();
                e.key_id = other.key_id().as_str().to_owned();
            }),
        ),
        (EvidenceError::InvalidKey, Box::new(|e| e.key_id = "short".into())),
        (EvidenceError::InvalidKey, Box::new(|e| e.public_key = "AAAA".into())),
        (EvidenceError::InvalidSignatureEncoding, Box::new(|e| e.signature = "!!".into())),
        (EvidenceError::ResultMismatch, Box::new(|e| e.result.status = Status::Denied)),
    ];
    for (expected, tamper) in cases {
        let mut e = evidence();
        tamper(&mut e);
        assert_eq!(verify(&e), Err(expected));
    }
}

#[test]
fn the_answer_time_is_not_signed() {
    let mut e = evidence();
    e.result.answered_at += 5;
    assert!(verify(&e).is_ok());
}

#[test]
fn an_answered_challenge_with_its_signed_answer_gives_evidence_that_verifies() {
    use crate::device::{DeviceCredential, Enrolment};
    let key = signer(0x21);
    let enrolment = Enrolment {
        public_key: key.public_key().to_base64(),
        device_name: "phone".into(),
        device_platform: "cli".into(),
        push_token: None,
        proof: None,
    };
    let device = DeviceCredential::enrol(
        &enrolment,
        &"acme".parse().unwrap(),
        &"alice".parse().unwrap(),
        1_800_000_000_000,
    )
    .unwrap();
    let mut spec = ChallengeSpec::new(Dialect::Privakey, "acme", "alice", "payment");
    spec.content = "Pay 49.90 EUR to ACME".into();
    spec.number_match_digits = Some(2);
    let mut challenge = Challenge::new(spec, 1_800_000_000_000, &Randomness::from_bytes(&[5; 48])).unwrap();
    assert_eq!(evidence_of(&challenge), None);
    let code = challenge.number_match.as_ref().unwrap().as_str().to_owned();
    let choice = Choice { button: 0, code: Some(code), reason: None };
    let signature = key.sign(&answer_message(&challenge.view(), &device.key_id, &choice));
    let text = b64(&signature.to_der());
    challenge.answer(&device, &choice, &signature, 1_800_000_002_000).unwrap();
    // Answered by a protocol that keeps no signed answer: no evidence.
    assert_eq!(evidence_of(&challenge), None);
    challenge.signed_answer = Some(SignedAnswer::new(&choice, &device.public_key, &text, 1_900_000_000_000));
    let stored: Challenge = serde_json::from_str(&serde_json::to_string(&challenge).unwrap()).unwrap();
    let document = evidence_of(&stored).unwrap();
    let verdict = verify(&document).unwrap();
    assert!(verdict.approved);
    assert_eq!(verdict.answered_at, 1_800_000_002_000);
    let mut tampered = document;
    tampered.challenge.content = "Pay 4990 EUR to ACME".into();
    assert_eq!(verify(&tampered), Err(EvidenceError::SignatureMismatch));
}

#[test]
fn retention_follows_the_tenant_setting_and_old_records_keep_the_default() {
    // Arrange
    const ANSWERED: UnixMillis = 1_800_000_000_000;
    const DAY: UnixMillis = 86_400_000;
    let old_record: SignedAnswer = serde_json::from_str(r#"{"publicKey":"k","signature":"s"}"#).unwrap();

    // Act, Assert
    assert_eq!(kept_until(0, ANSWERED), None, "0 days: nothing is kept");
    assert_eq!(kept_until(1, ANSWERED), Some(ANSWERED + DAY));
    assert_eq!(kept_until(MAX_EVIDENCE_DAYS, ANSWERED), Some(ANSWERED + 3650 * DAY));
    assert_eq!(old_record.keep_until(ANSWERED), ANSWERED + u64::from(DEFAULT_EVIDENCE_DAYS) * DAY);
    let kept = SignedAnswer { kept_until: Some(ANSWERED + 7 * DAY), ..old_record };
    assert_eq!(kept.keep_until(ANSWERED), ANSWERED + 7 * DAY);
    assert!(check_evidence_days(0).is_ok() && check_evidence_days(MAX_EVIDENCE_DAYS).is_ok());
    assert_eq!(check_evidence_days(MAX_EVIDENCE_DAYS + 1).unwrap_err().code(), "value_out_of_range");
}
