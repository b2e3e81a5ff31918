use super::*;
use crate::server_auth::{parse_authorization, ServerCredential};
use proptest::prelude::*;

const ORIGIN: &str = "306e8e0e-ee83-4bff-b1ff-8847931d83ec";
const SECRET: &str = "pa_sk_cx1-vector-secret-0123456789";
const TS: u64 = 1_547_654_144_951;
const ADD_URI: &str = "https://auth.example.com/request/add";
const GET_URI: &str = "https://auth.example.com/request/0f8fad5b-d9cb-469f-a165-70867728950e";
const ADD_BODY: &[u8] = br#"{"accountId":"alice","content":"Sign in?"}"#;

// Known answers, computed outside this crate with Node's crypto and checked with OpenSSL:
//   node -e 'const c=require("node:crypto");console.log(c.createHmac("sha256",SECRET).update(S).digest("base64"))'
//   printf '%s' "$S" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64
// where S is the signing string spelt out in each test.
const ADD_SIGNATURE: &str = "BS+MgidzU29nQBbYCr7JkbrH6hAdlBm6sKkQmXy5DR0=";
const GET_SIGNATURE: &str = "bKM7In4f2Xu/me2PXHXRWZrlm9hlB0yhtzN7eDlvr3w=";

fn header(origin: &str, ts: &str, signature: &str) -> String {
    format!("{CX1_SCHEME},{origin}/{ts},{signature}")
}

fn good_credential() -> Cx1Credential {
    parse_cx1(&header(ORIGIN, &TS.to_string(), ADD_SIGNATURE)).unwrap()
}

fn add_request<'a>(uris: &'a [&'a str]) -> Cx1Request<'a> {
    Cx1Request { method: "POST", full_uris: uris, body: ADD_BODY }
}

#[test]
fn signing_string_of_a_post_ends_with_the_raw_body() {
    let s = cx1_signing_string("POST", ADD_URI, TS, ORIGIN, ADD_BODY);
    assert_eq!(
        String::from_utf8(s).unwrap(),
        r#"POSThttps://auth.example.com/request/add1547654144951306e8e0e-ee83-4bff-b1ff-8847931d83ec{"accountId":"alice","content":"Sign in?"}"#
    );
}

#[test]
fn signing_string_of_a_get_has_no_body() {
    let s = cx1_signing_string("GET", GET_URI, TS, ORIGIN, b"ignored");
    assert_eq!(
        String::from_utf8(s).unwrap(),
        "GEThttps://auth.example.com/request/0f8fad5b-d9cb-469f-a165-70867728950e1547654144951306e8e0e-ee83-4bff-b1ff-8847931d83ec"
    );
}

#[test]
fn known_answer_vectors() {
    let add = cx1_signing_string("POST", ADD_URI, TS, ORIGIN, ADD_BODY);
    assert_eq!(cx1_sign(SECRET, &add).unwrap(), ADD_SIGNATURE);
    let get = cx1_signing_string("GET", GET_URI, TS, ORIGIN, b"");
    assert_eq!(cx1_sign(SECRET, &get).unwrap(), GET_SIGNATURE);

    let credential = parse_cx1(&header(ORIGIN, "1547654144951", GET_SIGNATURE)).unwrap();
    let request = Cx1Request { method: "GET", full_uris: &[GET_URI], body: b"" };
    assert_eq!(cx1_verify(&credential, &request, [SECRET], TS), Ok(()));
}

#[test]
fn parses_privakeys_documented_example() {
    let example =
        "CX1-HMAC-SHA256,306e8e0e-ee83-4bff-b1ff-8847931d83ec/1547654144951,ec9vkJcJFfSfdXXdwdglqP113Ov1F9S2BjhLxMsLHQo=";
    let credential = parse_cx1(example).unwrap();
    assert_eq!(credential.origin_id, ORIGIN);
    assert_eq!(credential.timestamp_ms, TS);
    assert_eq!(credential.mac.len(), 32);
    assert!(is_cx1(example));
    assert!(matches!(parse_authorization(example), Ok(ServerCredential::Cx1Hmac(c)) if c == credential));
}

#[test]
fn verifies_at_the_window_edges_and_not_beyond() {
    let credential = good_credential();
    let request = add_request(&[ADD_URI]);
    for now in [TS - CX1_SKEW_MS, TS, TS + CX1_SKEW_MS] {
        assert_eq!(cx1_verify(&credential, &request, [SECRET], now), Ok(()), "{now}");
    }
    for now in [TS - CX1_SKEW_MS - 1, TS + CX1_SKEW_MS + 1, 0, u64::MAX] {
        assert_eq!(
            cx1_verify(&credential, &request, [SECRET], now),
            Err(Error::TimestampOutOfWindow),
            "{now}"
        );
    }
}

#[test]
fn every_signed_part_is_bound() {
    let credential = good_credential();
    let cases: [(&str, &[&str], &[u8]); 6] = [
        ("PUT", &[ADD_URI], ADD_BODY),
        ("POST", &["https://auth.example.com/request/add?x=1"], ADD_BODY),
        ("POST", &["http://auth.example.com/request/add"], ADD_BODY),
        ("POST", &["https://other.example.com/request/add"], ADD_BODY),
        ("POST", &[ADD_URI], br#"{"accountId":"mallory","content":"Sign in?"}"#),
        ("POST", &[ADD_URI], b""),
    ];
    for (method, uris, body) in cases {
        let request = Cx1Request { method, full_uris: uris, body };
        assert_eq!(
            cx1_verify(&credential, &request, [SECRET], TS),
            Err(Error::InvalidCredential),
            "{method} {uris:?}"
        );
    }
    // The timestamp and the origin are signed too.
    let mut later = credential.clone();
    later.timestamp_ms += 1;
    assert_eq!(cx1_verify(&later, &add_request(&[ADD_URI]), [SECRET], TS), Err(Error::InvalidCredential));
    let mut other_origin = credential.clone();
    other_origin.origin_id = "306e8e0e-ee83-4bff-b1ff-8847931d83ed".parse().unwrap();
    assert_eq!(
        cx1_verify(&other_origin, &add_request(&[ADD_URI]), [SECRET], TS),
        Err(Error::InvalidCredential)
    );
    // Another secret, or none at all.
    assert_eq!(
        cx1_verify(&credential, &add_request(&[ADD_URI]), ["pa_sk_other"], TS),
        Err(Error::InvalidCredential)
    );
    assert_eq!(cx1_verify(&credential, &add_request(&[ADD_URI]), [], TS), Err(Error::InvalidCredential));
}

#[test]
fn any_active_secret_and_any_candidate_uri_matches() {
    let credential = good_credential();
    let uris = ["https://pushauth.example.workers.dev/request/add", ADD_URI];
    assert_eq!(cx1_verify(&credential, &add_request(&uris), ["pa_sk_new", SECRET], TS), Ok(()));
    assert_eq!(
        cx1_verify(&credential, &add_request(&uris[..1]), [SECRET], TS),
        Err(Error::InvalidCredential)
    );
}

#[test]
fn a_get_signature_ignores_the_body_and_another_method_does_not() {
    let credential = parse_cx1(&header(ORIGIN, &TS.to_string(), GET_SIGNATURE)).unwrap();
    let get = Cx1Request { method: "GET", full_uris: &[GET_URI], body: b"anything" };
    assert_eq!(cx1_verify(&credential, &get, [SECRET], TS), Ok(()));
    let delete = Cx1Request { method: "DELETE", full_uris: &[GET_URI], body: b"" };
    assert_eq!(cx1_verify(&credential, &delete, [SECRET], TS), Err(Error::InvalidCredential));
}

#[test]
fn signature_encodings_accepted() {
    // Privakey's samples send padded standard base64; the unpadded and base64url spellings
    // of the same 32 bytes parse to the same tag (so one replay mark covers them all).
    let padded = good_credential();
    let unpadded = parse_cx1(&header(ORIGIN, "1547654144951", ADD_SIGNATURE.trim_end_matches('='))).unwrap();
    let url = ADD_SIGNATURE.trim_end_matches('=').replace('+', "-").replace('/', "_");
    let url = parse_cx1(&header(ORIGIN, "1547654144951", &url)).unwrap();
    assert_eq!(padded, unpadded);
    assert_eq!(padded, url);
}

#[test]
fn malformed_headers_are_invalid_credentials() {
    let sig = ADD_SIGNATURE;
    let short = "AAAA";
    let long = STANDARD.encode([0u8; 33]);
    let bad = [
        String::new(),
        "CX1-HMAC-SHA256".into(),
        "CX1-HMAC-SHA256,".into(),
        format!("CX1-HMAC-SHA256 {ORIGIN}/{TS},{sig}"),
        format!("cx1-hmac-sha256,{ORIGIN}/{TS},{sig}"),
        format!("CX1-HMAC-SHA512,{ORIGIN}/{TS},{sig}"),
        format!("CX2-HMAC-SHA256,{ORIGIN}/{TS},{sig}"),
        format!("CX1-HMAC-SHA256,{ORIGIN}/{TS}"),
        format!("CX1-HMAC-SHA256,{ORIGIN}/{TS},"),
        format!("CX1-HMAC-SHA256,{ORIGIN}/{TS},{sig},extra"),
        format!("CX1-HMAC-SHA256,{ORIGIN},{sig}"),
        format!("CX1-HMAC-SHA256,{ORIGIN}/,{sig}"),
        format!("CX1-HMAC-SHA256,/{TS},{sig}"),
        format!("CX1-HMAC-SHA256,{ORIGIN}/{TS}/1,{sig}"),
        format!("CX1-HMAC-SHA256,{ORIGIN} /{TS},{sig}"),
        format!("CX1-HMAC-SHA256,{ORIGIN}/ {TS},{sig}"),
        format!("CX1-HMAC-SHA256,{ORIGIN}/{TS}, {sig}"),
        format!("CX1-HMAC-SHA256, {ORIGIN}/{TS},{sig}"),
        format!("CX1-HMAC-SHA256,{ORIGIN}/0{TS},{sig}"),
        format!("CX1-HMAC-SHA256,{ORIGIN}/0,{sig}"),
        format!("CX1-HMAC-SHA256,{ORIGIN}/-{TS},{sig}"),
        format!("CX1-HMAC-SHA256,{ORIGIN}/+{TS},{sig}"),
        format!("CX1-HMAC-SHA256,{ORIGIN}/{TS}.5,{sig}"),
        format!("CX1-HMAC-SHA256,{ORIGIN}/1e12,{sig}"),
        format!("CX1-HMAC-SHA256,{ORIGIN}/99999999999999999,{sig}"),
        format!("CX1-HMAC-SHA256,{ORIGIN}/{TS},{short}"),
        format!("CX1-HMAC-SHA256,{ORIGIN}/{TS},{long}"),
        format!("CX1-HMAC-SHA256,{ORIGIN}/{TS},!!{}", &sig[2..]),
        format!("CX1-HMAC-SHA256,{ORIGIN}/{TS},{}", &sig[1..]),
        format!("CX1-HMAC-SHA256,../{TS},{sig}"),
        format!("CX1-HMAC-SHA256,a:b/{TS},{sig}"),
        format!("CX1-HMAC-SHA256,{}/{TS},{sig}", "a".repeat(65)),
        format!("CX1-HMAC-SHA256,ørigin/{TS},{sig}"),
    ];
    for text in &bad {
        assert_eq!(parse_cx1(text), Err(Error::InvalidCredential), "{text}");
        assert_eq!(parse_authorization(text), Err(Error::InvalidCredential), "{text}");
    }
}

#[test]
fn debug_shows_no_tag() {
    let shown = format!("{:?}", good_credential());
    assert_eq!(shown, format!("Cx1Credential({ORIGIN}, {TS})"));
}

proptest! {
    #[test]
    fn parsing_never_panics(tail in ".{0,200}") {
        let _ = parse_cx1(&format!("{CX1_SCHEME},{tail}"));
        let _ = parse_authorization(&format!("{CX1_SCHEME},{tail}"));
    }

    #[test]
    fn any_changed_tag_byte_fails(index in 0usize..32, flip in 1u8..=255) {
        let mut credential = good_credential();
        credential.mac[index] ^= flip;
        prop_assert_eq!(
            cx1_verify(&credential, &add_request(&[ADD_URI]), [SECRET], TS),
            Err(Error::InvalidCredential)
        );
    }
}
