use super::*;

#[test]
fn a_track_body_is_an_object_and_reads_back_what_a_client_writes() {
    let sent = TrackBody {
        user_agent: Some("Firefox".into()),
        scope: Some("add:authenticators".into()),
        ..TrackBody::default()
    };

    let text = serde_json::to_string(&sent).unwrap();

    assert_eq!(
        text, r#"{"userAgent":"Firefox","scope":"add:authenticators"}"#,
        "absent attributes are not sent"
    );
    assert_eq!(serde_json::from_str::<TrackBody>(&text).unwrap(), sent);
    assert_eq!(serde_json::from_str::<TrackBody>("{}").unwrap(), TrackBody::default());
    assert!(serde_json::from_str::<TrackBody>("[]").is_err(), "an array is no body");
    assert!(serde_json::from_str::<TrackBody>(r#"{"ipAddress":42}"#).is_err());
}

#[test]
fn a_validate_body_needs_its_token_and_reads_back() {
    let sent = ValidateBody { token: "t".into(), user_id: Some("alice".into()), action: None };

    let text = serde_json::to_string(&sent).unwrap();

    assert_eq!(serde_json::from_str::<ValidateBody>(&text).unwrap(), sent);
    assert!(serde_json::from_str::<ValidateBody>("{}").is_err());
    assert!(serde_json::from_str::<ValidateBody>("[]").is_err());
}
