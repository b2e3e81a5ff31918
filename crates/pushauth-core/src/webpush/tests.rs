use super::*;
use aes_gcm::aead::Aead;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::VerifyingKey;
use proptest::prelude::*;

// The worked example of RFC 8291 Appendix A: inputs, intermediate values and the encrypted body
// (published test data, not credentials).
const RFC_PLAINTEXT: &[u8] = b"When I grow up, I want to be a watermelon";
const RFC_AS_PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
const RFC_AS_PUBLIC: &str =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
const RFC_UA_PRIVATE: &str = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
const RFC_UA_PUBLIC: &str =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const RFC_SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
const RFC_AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
const RFC_ECDH_SECRET: &str = "kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs";
const RFC_PRK_KEY: &str = "Snr3JMxaHVDXHWJn5wdC52WjpCtd2EIEGBykDcZW32k";
const RFC_KEY_INFO: &str = concat!(
    "V2ViUHVzaDogaW5mbwAEJXGyvs3942BVGq8e0PTNNmwRzr5VX4m8t7GGpTM5FzFo7OLr4BhZe9MEebhuPI-OztV3ylkY",
    "fpJGmQ22ggCLDgT-M_SrDepxkU21WCP3O1SUj0EwbZIHMtu5pZpTKGSCIA5Zent7wmC6HCJ5mFgJkuk5cwAvMBKiiujw",
    "a7t45ewP",
);
const RFC_IKM: &str = "S4lYMb_L0FxCeq0WhDx813KgSYqU26kOyzWUdsXYyrg";
const RFC_PRK: &str = "09_eUZGrsvxChDCGRCdkLiDXrReGOEVeSCdCcPBSJSc";
const RFC_CEK: &str = "oIhVW04MRdy2XN9CiKLxTg";
const RFC_NONCE: &str = "4h_95klXJ5E_qnoN";
const RFC_BODY: &str = concat!(
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml",
    "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT",
    "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
);

/// The order n of the P-256 group, big endian: not a valid private scalar.
const P256_ORDER: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

const ENDPOINT: &str = "https://push.example.net/wpush/v2/gAAAAABk-example";
const SUBJECT: &str = "mailto:ops@example.com";
const EXPIRES_AT: u64 = 1_700_086_400;

fn bytes(text: &str) -> Vec<u8> {
    decode_b64(text, "test").unwrap()
}

fn array<const N: usize>(text: &str) -> [u8; N] {
    bytes(text).try_into().unwrap()
}

/// Standard base64 with padding of the same bytes as a base64url text.
fn to_standard_padded(url: &str) -> String {
    crate::encoding::b64(&bytes(url))
}

/// The browsers' push services plus the test host of [`ENDPOINT`], as a deployment's
/// `WEB_PUSH_HOSTS` would add it.
fn hosts() -> PushServiceHosts {
    PushServiceHosts::new("push.example.net", false).unwrap()
}

/// As [`hosts`], with loopback endpoints allowed (development).
fn dev_hosts() -> PushServiceHosts {
    PushServiceHosts::new("push.example.net", true).unwrap()
}

fn rfc_subscription() -> Subscription {
    Subscription::parse(ENDPOINT, RFC_UA_PUBLIC, RFC_AUTH, &hosts()).unwrap()
}

fn rfc_vapid_key() -> VapidKey {
    VapidKey::parse(RFC_AS_PRIVATE).unwrap()
}

fn ua_secret() -> SecretKey {
    SecretKey::from_slice(&bytes(RFC_UA_PRIVATE)).unwrap()
}

/// A user agent's decryption of a one-record aes128gcm body (RFC 8188 §2, RFC 8291 §3.4),
/// written apart from `encrypt`'s helpers, straight on the `hkdf` and `aes-gcm` crates.
fn decrypt(body: &[u8], ua_secret: &SecretKey, auth: &[u8]) -> Vec<u8> {
    let (salt, rest) = body.split_at(16);
    let (rs, rest) = rest.split_at(4);
    assert_eq!(u32::from_be_bytes(rs.try_into().unwrap()), RECORD_SIZE);
    assert_eq!(rest[0], 65, "idlen");
    let (as_public, ciphertext) = rest[1..].split_at(65);
    assert!(ciphertext.len() <= RECORD_SIZE as usize);

    let as_key = PublicKey::from_sec1_bytes(as_public).unwrap();
    let shared = p256::ecdh::diffie_hellman(ua_secret.to_nonzero_scalar(), as_key.as_affine());
    let ua_public = ua_secret.public_key().to_encoded_point(false);
    let info = [b"WebPush: info\0".as_slice(), ua_public.as_bytes(), as_public].concat();
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth), shared.raw_secret_bytes()).expand(&info, &mut ikm).unwrap();
    let content = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let (mut cek, mut nonce) = ([0u8; 16], [0u8; 12]);
    content.expand(b"Content-Encoding: aes128gcm\0", &mut cek).unwrap();
    content.expand(b"Content-Encoding: nonce\0", &mut nonce).unwrap();

    let mut padded = Aes128Gcm::new(&cek.into()).decrypt(&nonce.into(), ciphertext).unwrap();
    // The last record ends with 0x02 followed by zero padding.
    while padded.last() == Some(&0) {
        padded.pop();
    }
    assert_eq!(padded.pop(), Some(0x02), "last-record delimiter");
    padded
}

// --- RFC 8291 Appendix A -------------------------------------------------------------------

#[test]
fn encrypt_matches_rfc_8291_appendix_a_byte_for_byte() {
    let body = encrypt(&rfc_subscription(), RFC_PLAINTEXT, &array(RFC_AS_PRIVATE), &array(RFC_SALT)).unwrap();
    assert_eq!(b64url(&body), RFC_BODY);
}

#[test]
fn derivation_matches_rfc_8291_appendix_a_intermediate_values() {
    let as_secret = SecretKey::from_slice(&bytes(RFC_AS_PRIVATE)).unwrap();
    let ua_public = PublicKey::from_sec1_bytes(&bytes(RFC_UA_PUBLIC)).unwrap();
    assert_eq!(b64url(as_secret.public_key().to_encoded_point(false).as_bytes()), RFC_AS_PUBLIC);

    let ecdh = ecdh_secret(&as_secret, &ua_public);
    assert_eq!(b64url(&ecdh), RFC_ECDH_SECRET);
    let prk_key = hkdf_extract(&bytes(RFC_AUTH), &ecdh);
    assert_eq!(b64url(&prk_key), RFC_PRK_KEY);
    assert_eq!(b64url(&key_info(&bytes(RFC_UA_PUBLIC), &bytes(RFC_AS_PUBLIC))), RFC_KEY_INFO);
    let ikm = web_push_ikm(&ecdh, &bytes(RFC_AUTH), &bytes(RFC_UA_PUBLIC), &bytes(RFC_AS_PUBLIC)).unwrap();
    assert_eq!(b64url(&ikm), RFC_IKM);
    assert_eq!(b64url(&hkdf_extract(&bytes(RFC_SALT), &ikm)), RFC_PRK);
    let keys = content_keys(&ikm, &array(RFC_SALT)).unwrap();
    assert_eq!(b64url(&keys.cek), RFC_CEK);
    assert_eq!(b64url(&keys.nonce), RFC_NONCE);
}

#[test]
fn rfc_body_decrypts_with_the_ua_private_key() {
    assert_eq!(decrypt(&bytes(RFC_BODY), &ua_secret(), &bytes(RFC_AUTH)), RFC_PLAINTEXT);
}

// --- encrypt: round trip and refusals ------------------------------------------------------

#[test]
fn round_trip_at_the_length_bounds() {
    let sub = rfc_subscription();
    for len in [0, 1, 2, 100, MAX_PLAINTEXT - 1, MAX_PLAINTEXT] {
        let plaintext: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let body = encrypt(&sub, &plaintext, &[0x11; 32], &[0x22; 16]).unwrap();
        assert_eq!(body.len(), 86 + len + 17, "len {len}");
        assert_eq!(&body[..16], &[0x22; 16]);
        assert_eq!(&body[16..21], &[0x00, 0x00, 0x10, 0x00, 65]);
        assert_eq!(decrypt(&body, &ua_secret(), &bytes(RFC_AUTH)), plaintext, "len {len}");
    }
    let full = encrypt(&sub, &[7; MAX_PLAINTEXT], &[0x11; 32], &[0x22; 16]).unwrap();
    assert_eq!(full.len(), RECORD_SIZE as usize);
}

#[test]
fn encrypt_refuses_an_over_long_payload() {
    let too_long = vec![0u8; MAX_PLAINTEXT + 1];
    assert_eq!(
        encrypt(&rfc_subscription(), &too_long, &[0x11; 32], &[0x22; 16]),
        Err(Error::FieldTooLong { field: "payload", max: MAX_PLAINTEXT })
    );
}

#[test]
fn encrypt_refuses_an_invalid_ephemeral_scalar() {
    let order: [u8; 32] = hex::decode(P256_ORDER).unwrap().try_into().unwrap();
    for secret in [[0u8; 32], order, [0xff; 32]] {
        assert_eq!(
            encrypt(&rfc_subscription(), b"x", &secret, &[0x22; 16]),
            Err(Error::InvalidSecret),
            "{secret:?}"
        );
    }
}

#[test]
fn a_stored_subscription_with_bad_keys_does_not_read_back() {
    let stored = serde_json::to_value(rfc_subscription()).unwrap();
    for (field, bad) in [("p256dh", "AAAA"), ("auth", "AAAA"), ("p256dh", RFC_AUTH), ("auth", RFC_UA_PUBLIC)]
    {
        let mut json = stored.clone();
        json[field] = serde_json::json!(bad);
        assert!(serde_json::from_value::<Subscription>(json).is_err(), "{field}: {bad}");
    }
    assert!(serde_json::from_value::<Subscription>(serde_json::json!({ "endpoint": ENDPOINT })).is_err());
}

#[test]
fn fresh_randomness_gives_a_different_body() {
    let sub = rfc_subscription();
    let a = encrypt(&sub, b"same", &[0x11; 32], &[0x22; 16]).unwrap();
    let b = encrypt(&sub, b"same", &[0x12; 32], &[0x22; 16]).unwrap();
    let c = encrypt(&sub, b"same", &[0x11; 32], &[0x23; 16]).unwrap();
    assert_ne!(a, b);
    assert_ne!(a[86..], c[86..]);
}

// --- The formats apart from the arithmetic (what the Worker's WebCrypto path builds on) ------

#[test]
fn the_formats_alone_rebuild_the_rfc_8291_body() {
    // What a runtime with its own ECDH, HKDF and AES-GCM does, with the RFC's intermediate values
    // standing in for that arithmetic: the core's pieces give the RFC's bytes.
    let (ua_public, auth) = rfc_subscription().keys().unwrap();
    assert_eq!(b64url(&ua_public), RFC_UA_PUBLIC);
    assert_eq!(b64url(&auth), RFC_AUTH);
    assert_eq!(b64url(&key_info(&ua_public, &bytes(RFC_AS_PUBLIC))), RFC_KEY_INFO);
    let mut record = record_plaintext(RFC_PLAINTEXT, 0).unwrap();
    assert_eq!(record, [RFC_PLAINTEXT, &[0x02]].concat());
    let cipher = Aes128Gcm::new(&array::<16>(RFC_CEK).into());
    let tag = cipher.encrypt_in_place_detached(&array::<12>(RFC_NONCE).into(), b"", &mut record).unwrap();
    let body = [record_header(&array(RFC_SALT), &array(RFC_AS_PUBLIC)), record, tag.to_vec()].concat();
    assert_eq!(b64url(&body), RFC_BODY);
    assert_eq!(record_header(&array(RFC_SALT), &array(RFC_AS_PUBLIC)).len(), HEADER_LEN);
    // HKDF-Expand's info strings are the ones the intermediate values were derived with.
    let mut cek = [0u8; 16];
    hkdf_expand(&array(RFC_PRK), &[CEK_INFO], &mut cek).unwrap();
    assert_eq!(b64url(&cek), RFC_CEK);
    let mut nonce = [0u8; 12];
    hkdf_expand(&array(RFC_PRK), &[NONCE_INFO], &mut nonce).unwrap();
    assert_eq!(b64url(&nonce), RFC_NONCE);
}

#[test]
fn record_plaintext_pads_after_the_delimiter_and_refuses_over_long() {
    assert_eq!(record_plaintext(b"ab", 5).unwrap(), [b'a', b'b', 0x02, 0, 0, 0]);
    assert_eq!(record_plaintext(b"abcdef", 3).unwrap(), b"abcdef\x02");
    let too_long = Err(Error::FieldTooLong { field: "payload", max: MAX_PLAINTEXT });
    assert_eq!(record_plaintext(&[0; MAX_PLAINTEXT + 1], 0), too_long);
    assert_eq!(record_plaintext(b"x", MAX_PLAINTEXT + 1), too_long);
    assert_eq!(record_plaintext(&[1; MAX_PLAINTEXT], MAX_PLAINTEXT).unwrap().len(), MAX_PLAINTEXT + 1);
}

#[test]
fn pkcs8_der_holds_the_scalar_and_nothing_else() {
    use p256::pkcs8::DecodePrivateKey;
    let der = rfc_vapid_key().to_pkcs8_der();
    assert_eq!(der.len(), 67);
    let parsed = SecretKey::from_pkcs8_der(&der).unwrap();
    assert_eq!(b64url(&parsed.to_bytes()), RFC_AS_PRIVATE);
    assert_eq!(b64url(parsed.public_key().to_encoded_point(false).as_bytes()), RFC_AS_PUBLIC);
    assert_eq!(ephemeral_pkcs8_der(&array(RFC_AS_PRIVATE)).unwrap(), der);
    let order: [u8; 32] = hex::decode(P256_ORDER).unwrap().try_into().unwrap();
    for secret in [[0u8; 32], order, [0xff; 32]] {
        assert_eq!(ephemeral_pkcs8_der(&secret), Err(Error::InvalidSecret), "{secret:?}");
    }
}

#[test]
fn vapid_header_from_its_parts_is_vapid_authorization() {
    let key = rfc_vapid_key();
    let input = vapid_signing_input("https://push.example.net", SUBJECT, EXPIRES_AT).unwrap();
    let header = vapid_header(&input, &key.sign(input.as_bytes()), &key.public_key());
    assert_eq!(header, vapid_authorization(&key, "https://push.example.net", SUBJECT, EXPIRES_AT).unwrap());
    assert_eq!(
        vapid_signing_input("https://push.example.net", "ops@example.com", 1),
        Err(Error::InvalidUrl { field: "vapidSubject" })
    );
    assert_eq!(
        vapid_signing_input("https://a.example/x", SUBJECT, 1),
        Err(Error::InvalidUrl { field: "audience" })
    );
}

// --- VAPID -----------------------------------------------------------------------------------

/// Splits `vapid t=<jwt>, k=<key>` into the JWT's three decoded parts, its signing input and k.
fn split_header(header: &str) -> (String, String, Vec<u8>, String, String) {
    let rest = header.strip_prefix("vapid t=").unwrap();
    let (jwt, k) = rest.split_once(", k=").unwrap();
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "{jwt}");
    for part in &parts {
        assert!(part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{part}");
    }
    let text = |part: &str| String::from_utf8(bytes(part)).unwrap();
    let signing_input = format!("{}.{}", parts[0], parts[1]);
    (text(parts[0]), text(parts[1]), bytes(parts[2]), signing_input, k.to_owned())
}

#[test]
fn vapid_header_is_a_signed_es256_jwt_and_the_public_key() {
    let key = rfc_vapid_key();
    let header = vapid_authorization(&key, "https://push.example.net", SUBJECT, EXPIRES_AT).unwrap();
    let (jwt_header, claims, signature, signing_input, k) = split_header(&header);

    assert_eq!(k, key.public_key());
    assert_eq!(jwt_header, r#"{"typ":"JWT","alg":"ES256"}"#);
    assert_eq!(
        claims,
        r#"{"aud":"https://push.example.net","exp":1700086400,"sub":"mailto:ops@example.com"}"#
    );
    assert_eq!(signature.len(), 64);

    let verifying = VerifyingKey::from_sec1_bytes(&bytes(&k)).unwrap();
    let signature = Signature::from_slice(&signature).unwrap();
    verifying.verify(signing_input.as_bytes(), &signature).unwrap();
    assert!(verifying.verify(b"other", &signature).is_err());
}

#[test]
fn vapid_signing_is_deterministic_and_escapes_the_subject() {
    let key = rfc_vapid_key();
    let a = vapid_authorization(&key, "https://push.example.net", SUBJECT, EXPIRES_AT).unwrap();
    let b = vapid_authorization(&key, "https://push.example.net", SUBJECT, EXPIRES_AT).unwrap();
    assert_eq!(a, b);
    let quoted = vapid_authorization(&key, "http://127.0.0.1:8080", "https://a.example/\"x", 1).unwrap();
    let (_, claims, ..) = split_header(&quoted);
    assert_eq!(claims, r#"{"aud":"http://127.0.0.1:8080","exp":1,"sub":"https://a.example/\"x"}"#);
}

#[test]
fn vapid_refuses_bad_subjects_and_non_origin_audiences() {
    let key = rfc_vapid_key();
    for subject in
        ["", "ops@example.com", "http://example.com", "mailto:", "https://", "MAILTO:a@b.c", "mailto:a\n"]
    {
        assert_eq!(
            vapid_authorization(&key, "https://push.example.net", subject, EXPIRES_AT),
            Err(Error::InvalidUrl { field: "vapidSubject" }),
            "{subject:?}"
        );
    }
    for audience in [
        "",
        "push.example.net",
        "https://push.example.net/",
        "https://push.example.net/wpush/v2/x",
        "https://push.example.net?x",
        "http://push.example.net",
        "https://user@push.example.net",
    ] {
        assert_eq!(
            vapid_authorization(&key, audience, SUBJECT, EXPIRES_AT),
            Err(Error::InvalidUrl { field: "audience" }),
            "{audience:?}"
        );
    }
}

#[test]
fn vapid_key_public_key_is_the_uncompressed_point() {
    assert_eq!(rfc_vapid_key().public_key(), RFC_AS_PUBLIC);
}

#[test]
fn vapid_key_accepts_both_alphabets() {
    let standard = to_standard_padded(RFC_AS_PRIVATE);
    assert!(standard.contains('+') && standard.ends_with('='), "{standard}");
    for text in [RFC_AS_PRIVATE, standard.as_str(), standard.trim_end_matches('=')] {
        assert_eq!(VapidKey::parse(text).unwrap().public_key(), RFC_AS_PUBLIC, "{text}");
    }
}

#[test]
fn vapid_key_refuses_wrong_lengths_zero_and_the_order() {
    let order = b64url(&hex::decode(P256_ORDER).unwrap());
    for text in [
        String::new(),
        "not base64!".to_owned(),
        b64url(&[1; 31]),
        b64url(&[1; 33]),
        b64url(&[1; 64]),
        b64url(&[0; 32]),
        order,
        b64url(&[0xff; 32]),
        "A".repeat(10_000),
    ] {
        assert_eq!(VapidKey::parse(&text).unwrap_err(), Error::InvalidSecret, "{text:?}");
    }
}

#[test]
fn vapid_key_debug_is_redacted() {
    let key = rfc_vapid_key();
    let shown = format!("{key:?} {key:#?}");
    assert_eq!(format!("{key:?}"), "[redacted]");
    assert!(!shown.contains(RFC_AS_PRIVATE));
    assert!(!shown.to_lowercase().contains(&crate::encoding::hex(&bytes(RFC_AS_PRIVATE))));
}

// Subscription::parse: its own file.
mod subscription;

// The push payload (webpush/payload.rs): its own file.
mod payload;
