use super::*;
use serde_json::json;

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap()
}

#[test]
fn only_account_id_gives_every_default() {
    let r = AddRequest::from_object(&obj(json!({"accountId": "alice"})), "acme").unwrap();
    let s = r.spec;
    assert_eq!(s.user_id, "alice");
    assert_eq!(s.action, "request");
    assert_eq!(s.buttons, None, "None means the default Approve/Reject");
    assert_eq!(s.duration.secs(), 60);
    assert_eq!(s.notification_title, None);
    assert!(!s.show_confirmation_code);
    assert!(!s.show_notification);
    let c = Challenge::new(s, 0, &crate::challenge::Randomness::from_bytes(&[1; 48])).unwrap();
    assert_eq!(c.buttons, Buttons::default());
    assert_eq!(c.notification_title, "Authentication Request");
    assert_eq!(c.notification_body, "Authentication Request");
}

#[test]
fn every_field_is_read() {
    let r = AddRequest::from_object(
        &obj(json!({
            "accountId": "alice",
            "content": "Pay €50?",
            "buttons": [{"title": "Pay", "strongAuth": true, "style": "primary"}, "{\"title\":\"No\",\"strongAuth\":false}"],
            "additionalInfo": "{'viewType': 'html', 'format': 'standard'}",
            "callback": "https://acme.example/cb",
            "duration": "24h",
            "notificationTitle": "Payment",
            "notificationBody": "Approve a payment",
            "transactionId": "tx-9",
            "showConfirmationCode": true,
            "showNotification": "true",
        })),
        "acme",
    )
    .unwrap()
    .spec;
    assert_eq!(s_title(&r.buttons), vec!["Pay", "No"]);
    assert_eq!(r.additional_info, Some(json!("{'viewType': 'html', 'format': 'standard'}")));
    assert_eq!(r.callback.as_deref(), Some("https://acme.example/cb"));
    assert_eq!(r.duration.secs(), 86_400);
    assert_eq!(r.notification_title.as_deref(), Some("Payment"));
    assert_eq!(r.notification_body.as_deref(), Some("Approve a payment"));
    assert_eq!(r.transaction_id.as_deref(), Some("tx-9"));
    assert!(r.show_confirmation_code);
    assert!(r.show_notification);
}

fn s_title(b: &Option<Buttons>) -> Vec<String> {
    b.as_ref().unwrap().as_slice().iter().map(|b| b.title.clone()).collect()
}

#[test]
fn each_bad_field_has_its_code() {
    let cases = [
        (json!({}), "field_required"),
        (json!({"accountId": 5}), "invalid_type"),
        (json!({"accountId": "a\u{0}b"}), "invalid_characters"),
        (json!({"accountId": "a", "duration": "5x"}), "invalid_duration"),
        (json!({"accountId": "a", "duration": "9s"}), "duration_out_of_range"),
        (json!({"accountId": "a", "duration": 60}), "invalid_type"),
        (json!({"accountId": "a", "buttons": [{"title": "One", "strongAuth": true}]}), "too_few_buttons"),
        (
            json!({"accountId": "a", "buttons": [{"title": "A"}, {"title": "B", "strongAuth": false}]}),
            "invalid_button",
        ),
        (
            json!({"accountId": "a", "buttons": [{"title": "A", "strongAuth": true, "style": 1}, {"title": "B", "strongAuth": false}]}),
            "invalid_button",
        ),
        (json!({"accountId": "a", "buttons": "nope"}), "invalid_type"),
        (json!({"accountId": "a", "buttons": 3}), "invalid_type"),
        (json!({"accountId": "a", "showNotification": "yes"}), "invalid_type"),
        (json!({"accountId": "a", "content": ["x"]}), "invalid_type"),
        (json!({"accountId": "a", "content": "x".repeat(5000)}), "field_too_long"),
        (json!({"accountId": "a", "notificationTitle": "a\nb"}), "invalid_characters"),
    ];
    for (body, code) in cases {
        assert_eq!(AddRequest::from_object(&obj(body.clone()), "acme").unwrap_err().code(), code, "{body}");
    }
}

#[test]
fn forms_are_read_as_strings() {
    let body = b"accountId=alice%40example.com&content=Sign+in%3F&showNotification=true&buttons=%5B%7B%22title%22%3A%22Yes%22%2C%22strongAuth%22%3Atrue%7D%2C%7B%22title%22%3A%22No%22%2C%22strongAuth%22%3Afalse%7D%5D";
    let o = form_to_object(body).unwrap();
    let r = AddRequest::from_object(&o, "acme").unwrap().spec;
    assert_eq!(r.user_id, "alice@example.com");
    assert_eq!(r.content, "Sign in?");
    assert!(r.show_notification);
    assert_eq!(s_title(&r.buttons), vec!["Yes", "No"]);
    assert!(form_to_object(b"a=%ZZ").is_err());
    assert!(form_to_object(b"a=%FF").is_err());
}

#[test]
fn processed_request_echoes_and_reports_the_answer() {
    use crate::answer::{answer_message, Choice};
    use crate::device::{DeviceCredential, Enrolment};
    use crate::signature::DeviceSigningKey;
    let mut spec = AddRequest::from_object(
        &obj(json!({"accountId": "alice", "additionalInfo": {"k": [1, 2]}, "content": "Log in?"})),
        "acme",
    )
    .unwrap()
    .spec;
    spec.tenant_id = "acme".into();
    let mut c = Challenge::new(spec, 1_000, &crate::challenge::Randomness::from_bytes(&[2; 48])).unwrap();
    let p = ProcessedRequest::of(&c, 1_001);
    assert_eq!(p.state, Status::Pending);
    assert_eq!(p.button_selected, None);
    assert_eq!(p.additional_info, Some(json!({"k": [1, 2]})));
    let key = DeviceSigningKey::from_bytes(&[3; 32]).unwrap();
    let device = DeviceCredential::enrol(
        &Enrolment {
            public_key: key.public_key().to_base64(),
            device_name: "p".into(),
            device_platform: "cli".into(),
            push_token: None,
            proof: None,
        },
        &"acme".parse().unwrap(),
        &"alice".parse().unwrap(),
        0,
    )
    .unwrap();
    let choice = Choice { button: 0, code: None, reason: None };
    let sig = key.sign(&answer_message(&c.view(), &device.key_id, &choice));
    c.answer(&device, &choice, &sig, 2_000).unwrap();
    let p = ProcessedRequest::of(&c, 2_001);
    assert_eq!(p.state, Status::Approved);
    assert_eq!(p.button_selected, Some(0));
    assert_eq!(p.response_content.as_deref(), Some("Approve"));
    assert_eq!(p.responded_at.as_deref(), Some("1970-01-01T00:00:02.000Z"));
    let json = serde_json::to_value(&p).unwrap();
    for field in [
        "guid",
        "buttonSelected",
        "content",
        "responseContent",
        "additionalInfo",
        "notificationTitle",
        "notificationBody",
    ] {
        assert!(json.get(field).is_some(), "{field}");
    }
}

#[test]
fn processed_request_of_a_failed_challenge_is_denied_with_the_reason() {
    use crate::challenge::{ChallengeState, FailureReason};
    let mut spec = AddRequest::from_object(&obj(json!({"accountId": "alice"})), "acme").unwrap().spec;
    spec.tenant_id = "acme".into();
    let mut c = Challenge::new(spec, 1_000, &crate::challenge::Randomness::from_bytes(&[2; 48])).unwrap();
    assert_eq!(serde_json::to_value(ProcessedRequest::of(&c, 1_001)).unwrap()["failureReason"], Value::Null);
    c.wrong_codes = 3;
    c.state = ChallengeState::Failed { failed_at: 3_000, reason: FailureReason::TooManyAttempts };
    let p = ProcessedRequest::of(&c, 3_001);
    assert_eq!(p.state, Status::Denied);
    assert_eq!(
        (p.button_selected, p.response_content.as_deref(), p.deny_reason.as_deref()),
        (None, None, None)
    );
    assert_eq!(p.responded_at.as_deref(), Some("1970-01-01T00:00:03.000Z"));
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["state"], "denied");
    assert_eq!(json["failureReason"], "too_many_attempts");
}
