use super::*;
use crate::button::{Button, Buttons};
use crate::challenge::{Challenge, ChallengeSpec, Dialect, Randomness};
use crate::signature::{DeviceSigningKey, KeyId};

fn view() -> ChallengeView {
    let mut spec = ChallengeSpec::new(Dialect::Privakey, "acme", "alice", "pay");
    spec.content = "Pay €50 to Bob?".into();
    spec.transaction_id = Some("tx-1".into());
    spec.show_confirmation_code = true;
    spec.number_match_digits = Some(3);
    spec.context.ip_address = Some("203.0.113.7".into());
    spec.context.user_agent = Some("Firefox".into());
    spec.context.location = Some("Berlin, DE".into());
    spec.context.device_id = Some("d1".into());
    spec.buttons = Some(
        Buttons::new(vec![
            Button { title: "Pay".into(), strong_auth: true, style: Some("primary".into()) },
            Button { title: "Decline".into(), strong_auth: false, style: None },
        ])
        .unwrap(),
    );
    Challenge::new(spec, 1_800_000_000_000, &Randomness::from_bytes(&[1; 48])).unwrap().view()
}

/// A named change to a fixture.
type Mutation<T> = Box<dyn Fn(&mut T)>;

fn key() -> DeviceSigningKey {
    DeviceSigningKey::from_bytes(&[0x33; 32]).unwrap()
}

fn choice() -> Choice {
    Choice { button: 0, code: Some("123".into()), reason: None }
}

#[test]
fn each_signed_field_changed_alone_breaks_verification() {
    let key = key();
    let key_id = key.public_key().key_id();
    let sig = key.sign(&answer_message(&view(), &key_id, &choice()));
    key.public_key().verify(&answer_message(&view(), &key_id, &choice()), &sig).unwrap();

    let other_key_id: KeyId = DeviceSigningKey::from_bytes(&[0x44; 32]).unwrap().public_key().key_id();
    let views: Vec<(&str, Mutation<ChallengeView>)> = vec![
        ("tenant", Box::new(|v| v.tenant_id = "acme2".into())),
        (
            "challenge id",
            Box::new(|v| {
                v.challenge_id = crate::ids::ChallengeId::from_random([9; 16]);
            }),
        ),
        ("user", Box::new(|v| v.user_id = "bob".into())),
        ("expiry", Box::new(|v| v.expires_at += 1)),
        ("nonce", Box::new(|v| v.nonce = "AAAAAAAAAAAAAAAAAAAAAA".into())),
        ("action", Box::new(|v| v.action = "signIn".into())),
        ("content", Box::new(|v| v.content = "Pay €5000 to Bob?".into())),
        ("notification title", Box::new(|v| v.notification_title = "x".into())),
        ("notification body", Box::new(|v| v.notification_body = "x".into())),
        ("transaction id", Box::new(|v| v.transaction_id = Some("tx-2".into()))),
        ("confirmation code", Box::new(|v| v.confirmation_code = Some("000000".into()))),
        ("ip", Box::new(|v| v.context.ip_address = Some("198.51.100.1".into()))),
        ("user agent", Box::new(|v| v.context.user_agent = None)),
        ("location", Box::new(|v| v.context.location = Some("Paris, FR".into()))),
        ("device id", Box::new(|v| v.context.device_id = Some("d2".into()))),
        (
            "button title",
            Box::new(|v| {
                let mut b = v.buttons.as_slice().to_vec();
                b[0].title = "Pay now".into();
                v.buttons = Buttons::new(b).unwrap();
            }),
        ),
        (
            "button strongAuth",
            Box::new(|v| {
                let mut b = v.buttons.as_slice().to_vec();
                b[1].strong_auth = true;
                v.buttons = Buttons::new(b).unwrap();
            }),
        ),
        (
            "button style",
            Box::new(|v| {
                let mut b = v.buttons.as_slice().to_vec();
                b[0].style = None;
                v.buttons = Buttons::new(b).unwrap();
            }),
        ),
        (
            "button count",
            Box::new(|v| {
                let mut b = v.buttons.as_slice().to_vec();
                b.push(Button { title: "Later".into(), strong_auth: false, style: None });
                v.buttons = Buttons::new(b).unwrap();
            }),
        ),
    ];
    for (name, mutate) in views {
        let mut v = view();
        mutate(&mut v);
        let message = answer_message(&v, &key_id, &choice());
        assert_eq!(
            key.public_key().verify(&message, &sig),
            Err(crate::Error::SignatureMismatch),
            "changing the {name} must break the signature"
        );
    }
    let choices = [
        ("button", Choice { button: 1, ..choice() }),
        ("code", Choice { code: Some("124".into()), ..choice() }),
        ("no code", Choice { code: None, ..choice() }),
        ("reason", Choice { reason: Some(DenyReason::Other), ..choice() }),
    ];
    for (name, c) in choices {
        let message = answer_message(&view(), &key_id, &c);
        assert!(key.public_key().verify(&message, &sig).is_err(), "changing the {name}");
    }
    let message = answer_message(&view(), &other_key_id, &choice());
    assert!(key.public_key().verify(&message, &sig).is_err(), "changing the key id");
}

#[test]
fn the_message_starts_with_its_tag() {
    let key_id = key().public_key().key_id();
    let m = answer_message(&view(), &key_id, &choice());
    assert_eq!(&m[..4], &(ANSWER_TAG.len() as u32).to_be_bytes());
    assert_eq!(&m[4..4 + ANSWER_TAG.len()], ANSWER_TAG.as_bytes());
}
