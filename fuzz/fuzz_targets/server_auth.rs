//! `server_auth::parse_authorization`: the `Authorization` header of every server API call, Basic,
//! `PUSHAUTH-HMAC-SHA256` or Privakey's `CX1-HMAC-SHA256` (seeded with each form). Properties: what it accepts, written back
//! in the documented form, parses to the same credential; Basic names are never empty; and an
//! HMAC credential of either scheme verifies against a request only with exactly the MAC of that
//! request.
#![no_main]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use libfuzzer_sys::fuzz_target;
use pushauth_core::cx1_hmac::{cx1_sign, cx1_signing_string, cx1_verify, Cx1Request, CX1_SCHEME};
use pushauth_core::server_auth::{
    hmac_message, hmac_sign, hmac_verify, parse_authorization, ServerCredential, HMAC_SCHEME,
};

const SECRET: &str = "sk_fuzz_0123456789abcdef0123456789";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(credential) = parse_authorization(text) else { return };
    let written = match &credential {
        ServerCredential::SecretOnly { secret } => {
            assert!(!secret.is_empty());
            format!("Basic {}", STANDARD.encode(format!("{secret}:")))
        }
        ServerCredential::TenantAndSecret { tenant_id, secret } => {
            assert!(!tenant_id.is_empty() && !tenant_id.contains(':') && !secret.is_empty());
            format!("Basic {}", STANDARD.encode(format!("{tenant_id}:{secret}")))
        }
        ServerCredential::Hmac { tenant_id, timestamp, mac } => {
            assert!(*timestamp < 1_000_000_000_000, "timestamp over 12 digits");
            let message = hmac_message(tenant_id, "POST", "/v1/validate", *timestamp, data);
            let expected =
                STANDARD.decode(hmac_sign(SECRET, &message).unwrap_or_default()).unwrap_or_default();
            let verdict = hmac_verify(SECRET, &message, *timestamp, mac, timestamp * 1000);
            assert_eq!(verdict.is_ok(), *mac == expected, "HMAC verdict differs from equality");
            format!("{HMAC_SCHEME} tenant={tenant_id},ts={timestamp},sig={}", STANDARD.encode(mac))
        }
        ServerCredential::Cx1Hmac(c) => {
            assert!(!c.origin_id.is_empty());
            let uri = "https://pushauth.example/request/add";
            let request = Cx1Request { method: "POST", full_uris: &[uri], body: data };
            let message = cx1_signing_string("POST", uri, c.timestamp_ms, &c.origin_id, data);
            let expected =
                STANDARD.decode(cx1_sign(SECRET, &message).unwrap_or_default()).unwrap_or_default();
            let verdict = cx1_verify(c, &request, [SECRET], c.timestamp_ms);
            assert_eq!(verdict.is_ok(), c.mac[..] == expected[..], "CX1 verdict differs from equality");
            format!("{CX1_SCHEME},{}/{},{}", c.origin_id, c.timestamp_ms, STANDARD.encode(c.mac))
        }
    };
    if written.len() <= 2048 {
        assert_eq!(parse_authorization(&written), Ok(credential), "{written:?}");
    }
});
