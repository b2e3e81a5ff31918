//! The push payload (`webpush/payload.rs`): what a push says and that every push is the same size.

use super::*;

fn announced() -> crate::challenge::Challenge {
    use crate::challenge::{Challenge, ChallengeSpec, Dialect, Randomness};
    let mut spec = ChallengeSpec::new(Dialect::Privakey, "acme", "alice", "payment");
    spec.notification_title = Some("Payment \"ACME\"".into());
    spec.notification_body = Some("Pay 10 EUR?".into());
    Challenge::new(spec, 1_800_000_000_000, &Randomness::from_bytes(&[0x5a; Randomness::LEN])).unwrap()
}

#[test]
fn the_payload_names_the_challenge_and_its_notification_texts() {
    let challenge = announced();
    let payload: serde_json::Value = serde_json::from_str(&challenge_payload(&challenge)).unwrap();
    assert_eq!(
        payload,
        serde_json::json!({
            "type": "challenge",
            "tenantId": "acme",
            "challengeId": challenge.id.as_str(),
            "title": "Payment \"ACME\"",
            "body": "Pay 10 EUR?",
            "expiresAt": challenge.expires_at,
        })
    );
}

#[test]
fn the_longest_notification_texts_still_fit_one_record() {
    use crate::challenge::{MAX_NOTIFICATION_BODY, MAX_NOTIFICATION_TITLE};
    let mut challenge = announced();
    // Quotes and backslashes double in JSON: the worst case that passes the text checks.
    challenge.notification_title = "\"".repeat(MAX_NOTIFICATION_TITLE);
    challenge.notification_body = "\\".repeat(MAX_NOTIFICATION_BODY);
    let payload = challenge_payload(&challenge);
    assert!(payload.len() <= PADDED_LEN, "{} bytes", payload.len());
}

#[test]
fn padding_makes_every_message_the_same_size_and_decrypts_away() {
    let sub = rfc_subscription();
    let auth = bytes(RFC_AUTH);
    let short = encrypt_padded(&sub, b"hi", PADDED_LEN, &[7; 32], &[9; 16]).unwrap();
    let long = encrypt_padded(&sub, &[b'x'; 1000], PADDED_LEN, &[7; 32], &[9; 16]).unwrap();
    assert_eq!(short.len(), 86 + PADDED_LEN + 1 + 16);
    assert_eq!(short.len(), long.len());
    assert_eq!(decrypt(&short, &ua_secret(), &auth), b"hi");
    assert_eq!(decrypt(&long, &ua_secret(), &auth), [b'x'; 1000]);
    // Longer than the padding: not cut, just unpadded.
    let longer = encrypt_padded(&sub, &[b'y'; PADDED_LEN + 5], PADDED_LEN, &[7; 32], &[9; 16]).unwrap();
    assert_eq!(longer.len(), 86 + PADDED_LEN + 5 + 1 + 16);
    let refused = encrypt_padded(&sub, b"", MAX_PLAINTEXT + 1, &[7; 32], &[9; 16]).unwrap_err();
    assert_eq!(refused.code(), "field_too_long");
}
