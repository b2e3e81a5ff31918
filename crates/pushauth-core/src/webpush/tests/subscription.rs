//! `Subscription::parse`: which endpoints and keys a device may register, in what form they are
//! stored, and the error each refusal gives.

use super::*;

#[test]
fn parses_a_browser_subscription() {
    let sub = rfc_subscription();
    assert_eq!(sub.endpoint(), ENDPOINT);
    let stored = serde_json::to_value(&sub).unwrap();
    assert_eq!((stored["p256dh"].as_str(), stored["auth"].as_str()), (Some(RFC_UA_PUBLIC), Some(RFC_AUTH)));
    assert_eq!(sub.audience().unwrap(), "https://push.example.net");
    let fcm = Subscription::parse(
        "https://fcm.googleapis.com/fcm/send/abc:APA91b",
        RFC_UA_PUBLIC,
        RFC_AUTH,
        &hosts(),
    );
    assert_eq!(fcm.unwrap().audience().unwrap(), "https://fcm.googleapis.com");
}

#[test]
fn canonicalises_standard_and_padded_base64() {
    let p256dh = to_standard_padded(RFC_UA_PUBLIC);
    let auth = to_standard_padded(RFC_AUTH);
    assert!(p256dh.ends_with('=') && auth.ends_with("=="), "{p256dh} {auth}");
    let urlsafe_padded = format!("{RFC_UA_PUBLIC}=");
    for (p, a) in [(p256dh.as_str(), auth.as_str()), (urlsafe_padded.as_str(), RFC_AUTH)] {
        let sub = Subscription::parse(ENDPOINT, p, a, &hosts()).unwrap();
        assert_eq!(sub, rfc_subscription(), "{p} {a}");
    }
}

#[test]
fn serde_uses_the_canonical_field_names() {
    let json = serde_json::to_value(rfc_subscription()).unwrap();
    assert_eq!(json, serde_json::json!({"endpoint": ENDPOINT, "p256dh": RFC_UA_PUBLIC, "auth": RFC_AUTH}));
    assert_eq!(serde_json::from_value::<Subscription>(json).unwrap(), rfc_subscription());
}

#[test]
fn endpoint_must_be_https_unless_loopback_in_development() {
    let local = "http://127.0.0.1:8787/push/abc";
    let sub = Subscription::parse(local, RFC_UA_PUBLIC, RFC_AUTH, &dev_hosts()).unwrap();
    assert_eq!(sub.audience().unwrap(), "http://127.0.0.1:8787");
    let refused = [
        (local, false),
        ("http://push.example.net/x", true),
        ("ftp://push.example.net/x", true),
        ("push.example.net/x", true),
        ("", true),
        ("https://user@push.example.net/x", true),
        ("https://push.example.net/x#frag", true),
    ];
    for (endpoint, allow_loopback) in refused {
        assert_eq!(
            Subscription::parse(
                endpoint,
                RFC_UA_PUBLIC,
                RFC_AUTH,
                &if allow_loopback { dev_hosts() } else { hosts() }
            ),
            Err(Error::InvalidUrl { field: "endpoint" }),
            "{endpoint:?}"
        );
    }
}

#[test]
fn endpoints_must_be_real_push_services() {
    let browsers = PushServiceHosts::new("", false).unwrap();
    for endpoint in [
        "https://fcm.googleapis.com/fcm/send/abc:APA91b",
        "https://fcm.googleapis.com/wp/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
        "https://web.push.apple.com/QGVzdA",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB",
        "https://FCM.googleapis.com/fcm/send/abc",
    ] {
        assert_eq!(browsers.check(endpoint), Ok(()), "{endpoint}");
    }
    for endpoint in [
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1:8443/internal/admin",
        "https://[fd00::1]/x",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://metadata/computeMetadata/v1/",
        "https://fcm.googleapis.com:8443/fcm/send/abc",
        "https://fcm.googleapis.com:443/fcm/send/abc",
        "http://fcm.googleapis.com/fcm/send/abc",
        "https://fcm.googleapis.com./fcm/send/abc",
        "https://fcm.googleapis.com.evil.example/x",
        "https://googleapis.com/x",
        "https://push.apple.com/x",
        "https://evilpush.apple.com/x",
        "https://a..push.apple.com/x",
        "https://push.apple.com.evil.example/x",
        "https://push.example.net/x",
        "https://127.0.0.1/x",
        "http://127.0.0.1:8787/x",
        "https://localhost/x",
    ] {
        assert_eq!(browsers.check(endpoint), Err(Error::InvalidUrl { field: "endpoint" }), "{endpoint}");
    }
    // Loopback only in development, then over http too (the tests' local push service).
    let dev = PushServiceHosts::new("", true).unwrap();
    assert_eq!(dev.check("http://127.0.0.1:8787/push"), Ok(()));
    assert_eq!(dev.check("https://10.0.0.1/x"), Err(Error::InvalidUrl { field: "endpoint" }));
}

#[test]
fn the_deployment_adds_push_services_but_no_private_ones() {
    let hosts = PushServiceHosts::new(" push.example.net, *.push.example.org ,", false).unwrap();
    assert_eq!(hosts.check("https://push.example.net/x"), Ok(()));
    assert_eq!(hosts.check("https://eu.push.example.org/x"), Ok(()));
    assert!(hosts.check("https://push.example.org/x").is_err(), "*. means subdomains only");
    assert!(hosts.check("https://fcm.googleapis.com/x").is_ok(), "the browsers' stay");
    for entry in [
        "*",
        "*.com",
        "10.0.0.1",
        "169.254.169.254",
        "[::1]",
        "metadata",
        "metadata.google.internal",
        "*.internal",
        "printer.local",
        "localhost",
        "router.home.arpa",
        "push.example.net:8443",
        "https://push.example.net",
        "-bad.example",
    ] {
        assert_eq!(
            PushServiceHosts::new(entry, false),
            Err(Error::InvalidUrl { field: "WEB_PUSH_HOSTS" }),
            "{entry}"
        );
    }
}

#[test]
fn endpoint_length_is_bounded() {
    let prefix = "https://push.example.net/";
    let longest = format!("{prefix}{}", "a".repeat(MAX_ENDPOINT - prefix.len()));
    assert!(Subscription::parse(&longest, RFC_UA_PUBLIC, RFC_AUTH, &hosts()).is_ok());
    assert_eq!(
        Subscription::parse(&format!("{longest}a"), RFC_UA_PUBLIC, RFC_AUTH, &hosts()),
        Err(Error::FieldTooLong { field: "endpoint", max: MAX_ENDPOINT })
    );
}

#[test]
fn p256dh_must_be_an_uncompressed_point_on_the_curve() {
    let point = bytes(RFC_UA_PUBLIC);
    let compressed = PublicKey::from_sec1_bytes(&point).unwrap().to_encoded_point(true);
    let mut off_curve = point.clone();
    off_curve[64] ^= 1;
    let mut wrong_tag = point.clone();
    wrong_tag[0] = 0x06;
    let refused = [
        b64url(compressed.as_bytes()),
        b64url(&off_curve),
        b64url(&wrong_tag),
        b64url(&[0]),
        b64url(&[0; 65]),
        b64url(&point[..64]),
        b64url(&[point.as_slice(), &[0]].concat()),
        String::new(),
        "not base64!".to_owned(),
        format!("{}+", &RFC_UA_PUBLIC[..86]),
        format!(" {RFC_UA_PUBLIC}"),
        "A".repeat(10_000),
    ];
    for p256dh in refused {
        assert_eq!(
            Subscription::parse(ENDPOINT, &p256dh, RFC_AUTH, &hosts()),
            Err(Error::InvalidPushSubscription { field: "keys.p256dh" }),
            "{p256dh:?}"
        );
    }
}

#[test]
fn auth_must_be_sixteen_bytes() {
    for auth in [b64url(&[1; 15]), b64url(&[1; 17]), String::new(), "!!!!".to_owned(), "A".repeat(10_000)] {
        assert_eq!(
            Subscription::parse(ENDPOINT, RFC_UA_PUBLIC, &auth, &hosts()),
            Err(Error::InvalidPushSubscription { field: "keys.auth" }),
            "{auth:?}"
        );
    }
}

#[test]
fn invalid_push_subscription_error_has_its_code() {
    let error = Error::InvalidPushSubscription { field: "keys.auth" };
    assert_eq!(error.code(), "invalid_push_subscription");
    assert!(error.to_string().contains("`keys.auth`"));
}

proptest! {
    #[test]
    fn parse_never_panics(
        endpoint in ".{0,120}",
        p256dh in ".{0,120}",
        auth in ".{0,40}",
        allow_loopback in any::<bool>(),
    ) {
        let hosts = if allow_loopback { dev_hosts() } else { hosts() };
        let _ = Subscription::parse(&endpoint, &p256dh, &auth, &hosts);
    }

    #[test]
    fn parse_never_panics_on_base64_like_keys(
        p256dh in "[A-Za-z0-9_+/=-]{0,100}",
        auth in "[A-Za-z0-9_+/=-]{0,30}",
    ) {
        let _ = Subscription::parse(ENDPOINT, &p256dh, &auth, &hosts());
    }

    #[test]
    fn vapid_never_panics(
        secret in ".{0,60}",
        audience in ".{0,60}",
        subject in ".{0,60}",
        exp in any::<u64>(),
    ) {
        let _ = VapidKey::parse(&secret);
        let _ = vapid_authorization(&rfc_vapid_key(), &audience, &subject, exp);
    }

    #[test]
    fn encrypt_round_trips_any_input(
        plaintext in proptest::collection::vec(any::<u8>(), 0..300),
        secret in any::<[u8; 32]>(),
        salt in any::<[u8; 16]>(),
    ) {
        match encrypt(&rfc_subscription(), &plaintext, &secret, &salt) {
            Ok(body) => prop_assert_eq!(decrypt(&body, &ua_secret(), &bytes(RFC_AUTH)), plaintext),
            Err(error) => prop_assert_eq!(error, Error::InvalidSecret),
        }
    }
}
