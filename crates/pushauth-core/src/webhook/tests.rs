use super::*;
use proptest::prelude::*;

const SECRET: &str = "sk_test_0123456789";
const NOW: UnixMillis = 1_700_000_000_000;
const BODY: &[u8] = br#"{"version":1,"type":"push.created"}"#;

#[test]
fn v2_signature_is_unpadded_base64_of_the_hmac() {
    let sig = v2_signature(SECRET, 1_700_000_000, BODY).unwrap();
    assert_eq!(sig.len(), 43);
    assert!(!sig.contains('='));
    let tag = mac(SECRET.as_bytes(), &[b"1700000000.", BODY]).unwrap();
    assert_eq!(format!("{sig}="), STANDARD.encode(tag));
}

#[test]
fn v2_roundtrip_and_multiple_signatures() {
    let header = v2_header(SECRET, 1_700_000_000, BODY).unwrap();
    verify_v2(SECRET, &header, BODY, NOW, DEFAULT_TOLERANCE_SECS).unwrap();
    let rotated = format!("{},v2=AAAA", header);
    verify_v2(SECRET, &rotated, BODY, NOW, DEFAULT_TOLERANCE_SECS).unwrap();
    let rotated_first = format!("t=1700000000,v2=AAAA,{}", &header[13..]);
    verify_v2(SECRET, &rotated_first, BODY, NOW, DEFAULT_TOLERANCE_SECS).unwrap();
}

#[test]
fn v2_rejections() {
    let header = v2_header(SECRET, 1_700_000_000, BODY).unwrap();
    assert_eq!(verify_v2(SECRET, &header, b"{}", NOW, 300), Err(Error::InvalidWebhookSignature));
    assert_eq!(verify_v2("other", &header, BODY, NOW, 300), Err(Error::InvalidWebhookSignature));
    assert_eq!(
        verify_v2(SECRET, &header, BODY, NOW + 301_000, 300),
        Err(Error::WebhookTimestampOutOfTolerance)
    );
    assert_eq!(
        verify_v2(SECRET, &header, BODY, NOW - 301_000, 300),
        Err(Error::WebhookTimestampOutOfTolerance)
    );
    assert!(verify_v2(SECRET, &header, BODY, NOW + 300_000, 300).is_ok());
    for bad in ["", "t=1", "v2=abc", "t=x,v2=abc", "garbage", "t=-1,v2=a", "t=1700000000"] {
        assert_eq!(verify_v2(SECRET, bad, BODY, NOW, 300), Err(Error::InvalidWebhookHeader), "{bad:?}");
    }
}

#[test]
fn standard_secret_parsing() {
    let secret = StandardSecret::from_key([7; 32]);
    assert_eq!(StandardSecret::parse(&secret.to_text()).unwrap(), secret);
    for bad in ["", "whsec_", "whsec_!!!", "sk_abc", "whsec_AAAA"] {
        assert_eq!(StandardSecret::parse(bad), Err(Error::InvalidSecret), "{bad:?}");
    }
    assert_eq!(format!("{secret:?}"), "StandardSecret(..)");
}

#[test]
fn standard_webhooks_known_answer() {
    // The example from the Standard Webhooks specification's reference libraries.
    let secret = StandardSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let body = br#"{"test": 2432232314}"#;
    let sig = secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
    assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

#[test]
fn standard_roundtrip_and_rejections() {
    let secret = StandardSecret::from_key([3; 32]);
    let sig = secret.sign("msg_1", 1_700_000_000, BODY).unwrap();
    secret.verify("msg_1", "1700000000", &sig, BODY, NOW, 300).unwrap();
    let several = format!("v1,AAAA {sig}");
    secret.verify("msg_1", "1700000000", &several, BODY, NOW, 300).unwrap();
    assert_eq!(
        secret.verify("msg_2", "1700000000", &sig, BODY, NOW, 300),
        Err(Error::InvalidWebhookSignature)
    );
    assert_eq!(
        secret.verify("msg_1", "1700000001", &sig, BODY, NOW, 300),
        Err(Error::InvalidWebhookSignature)
    );
    assert_eq!(
        secret.verify("msg_1", "1700000000", &sig, b"x", NOW, 300),
        Err(Error::InvalidWebhookSignature)
    );
    assert_eq!(
        secret.verify("msg_1", "1700000000", &sig, BODY, NOW + 400_000, 300),
        Err(Error::WebhookTimestampOutOfTolerance)
    );
    assert_eq!(secret.verify("msg_1", "17e8", &sig, BODY, NOW, 300), Err(Error::InvalidWebhookHeader));
}

proptest! {
    #[test]
    fn verifiers_never_panic(header in ".{0,120}", ts in ".{0,14}") {
        let _ = verify_v2(SECRET, &header, BODY, NOW, 300);
        let _ = StandardSecret::from_key([1; 32]).verify("id", &ts, &header, BODY, NOW, 300);
        let _ = StandardSecret::parse(&header);
    }
}
