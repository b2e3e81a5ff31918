use super::*;

const T0: UnixMillis = 1_800_000_000_000;
const SECRET: &str = "sk_test_0123456789abcdef01234567";

fn good_settings() -> TenantSettings {
    TenantSettings {
        name: "Acme".into(),
        callback_urls: vec!["https://acme.example/cb".into()],
        redirect_urls: vec!["https://acme.example/done".into()],
        allowed_origins: vec!["https://acme.example".into()],
        ..TenantSettings::default()
    }
}

fn tenant() -> Tenant {
    let webhook = StandardSecret::from_key([1; 32]).to_text();
    Tenant::new("acme", good_settings(), SECRET.into(), webhook, T0, false).unwrap()
}

#[test]
fn secrets_match_exactly() {
    let t = tenant();
    assert!(t.secret_matches(SECRET, T0));
    assert!(!t.secret_matches("sk_test_0123456789abcdef01234568", T0));
    assert!(!t.secret_matches("", T0));
    assert!(!t.secret_matches(&SECRET[..SECRET.len() - 1], T0));
}

#[test]
fn rotation_keeps_the_old_secret_for_the_grace_period() {
    let mut t = tenant();
    let new = "sk_test_new_0123456789abcdef0123".to_string();
    t.rotate_secret(new.clone(), T0 + 10).unwrap();
    assert_eq!(t.current_secret(), Some(new.as_str()));
    assert!(t.secret_matches(&new, T0 + 11));
    assert!(t.secret_matches(SECRET, T0 + 10 + ROTATION_GRACE_MS - 1));
    assert!(!t.secret_matches(SECRET, T0 + 10 + ROTATION_GRACE_MS));
    // A second rotation after the grace period drops the expired secret.
    t.rotate_secret("sk_test_third_0123456789abcdef01".into(), T0 + 20 + ROTATION_GRACE_MS).unwrap();
    assert_eq!(t.secrets.len(), 2);
}

#[test]
fn secrets_are_redacted_in_debug_output() {
    let t = tenant();
    let debug = format!("{t:?}");
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(!debug.contains("whsec_"), "the webhook secret stays out of logs too: {debug}");
    assert!(debug.contains("[redacted]"));
}

#[test]
fn secret_shape() {
    assert!(check_secret(SECRET).is_ok());
    for bad in ["short", "has space 0123456789abcdefghij", "has:colon0123456789abcdefghij"] {
        assert_eq!(check_secret(bad), Err(Error::InvalidSecret), "{bad}");
    }
    assert_eq!(check_secret(&"a".repeat(257)), Err(Error::InvalidSecret));
}

#[test]
fn whitelists_are_exact() {
    let t = tenant();
    assert!(t.check_callback("https://acme.example/cb").is_ok());
    for bad in ["https://acme.example/cb/", "https://acme.example/cb?x", "https://ACME.example/cb"] {
        assert_eq!(t.check_callback(bad), Err(Error::CallbackNotAllowed), "{bad}");
    }
    assert!(t.check_redirect("https://acme.example/done").is_ok());
    assert_eq!(t.check_redirect("https://evil.example/done"), Err(Error::RedirectNotAllowed));
    assert!(t.allows_origin("https://acme.example"));
    assert!(!t.allows_origin("https://acme.example.evil.com"));
    assert!(!t.allows_origin("null"));
}

#[test]
fn settings_validation() {
    let cases: Vec<(TenantSettings, &str)> = vec![
        (TenantSettings { name: "".into(), ..good_settings() }, "field_required"),
        (
            TenantSettings { callback_urls: vec!["http://acme.example/cb".into()], ..good_settings() },
            "invalid_url",
        ),
        (
            TenantSettings { allowed_origins: vec!["https://acme.example/".into()], ..good_settings() },
            "invalid_url",
        ),
        (
            TenantSettings { redirect_urls: vec!["https://a.example/".into(); 21], ..good_settings() },
            "field_too_long",
        ),
        (
            TenantSettings {
                push_limits: PushLimits { max_pending: 0, ..PushLimits::default() },
                ..good_settings()
            },
            "field_required",
        ),
    ];
    for (settings, code) in cases {
        assert_eq!(settings.validate(false).unwrap_err().code(), code);
    }
    let local = TenantSettings { callback_urls: vec!["http://127.0.0.1:9000/cb".into()], ..good_settings() };
    assert!(local.validate(true).is_ok());
    assert!(local.validate(false).is_err());
}

#[test]
fn push_limits_the_store_cannot_count_are_refused() {
    let max = PushLimits { max_pending: 20, max_per_window: 20, window_secs: 3600, not_me_block_secs: 60 };
    assert_eq!(max.validate(), Ok(()));
    let cases = [
        (PushLimits { max_per_window: 21, ..max }, "pushLimits.maxPerWindow", 20),
        (PushLimits { max_per_window: u32::MAX, ..max }, "pushLimits.maxPerWindow", 20),
        (PushLimits { max_pending: 21, ..max }, "pushLimits.maxPending", 20),
        (PushLimits { window_secs: 3601, ..max }, "pushLimits.windowSecs", 3600),
    ];
    for (limits, field, bound) in cases {
        assert_eq!(
            limits.validate(),
            Err(Error::ValueOutOfRange { field, min: 1, max: bound }),
            "{limits:?}"
        );
        let settings = TenantSettings { push_limits: limits, ..good_settings() };
        assert_eq!(settings.validate(false).unwrap_err().code(), "value_out_of_range");
    }
}

#[test]
fn unknown_settings_are_rejected() {
    let json = r#"{"name":"Acme","callbackUrl":"https://typo.example"}"#;
    assert!(serde_json::from_str::<TenantSettings>(json).is_err());
}

#[test]
fn storage_roundtrip() {
    let t = tenant();
    let back: Tenant = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
    assert_eq!(back, t);
}

#[test]
fn evidence_days_default_to_400_and_are_bounded() {
    // A tenant stored before the setting existed reads the default.
    let stored: TenantSettings = serde_json::from_str(r#"{"name":"Acme"}"#).unwrap();
    assert_eq!(stored.evidence_days, 400);
    for days in [0, 1, 400, 3650] {
        let settings = TenantSettings { evidence_days: days, ..good_settings() };
        assert_eq!(settings.validate(false), Ok(()), "{days} days");
    }
    for days in [3651, u32::MAX] {
        let err = TenantSettings { evidence_days: days, ..good_settings() }.validate(false).unwrap_err();
        assert_eq!(
            err,
            crate::Error::ValueOutOfRange { field: "evidenceDays", min: 0, max: 3650 },
            "{days} days"
        );
    }
}
