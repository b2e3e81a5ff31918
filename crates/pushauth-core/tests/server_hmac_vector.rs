//! The worked example of the server HMAC scheme in `docs/api.md`, pinned: if the scheme or the
//! document changes, one of them is stale.

use pushauth_core::server_auth::{hmac_message, hmac_sign};

#[test]
fn the_documented_example_signs_as_documented() {
    let body = br#"{"idempotencyKey":"k1"}"#;
    let message = hmac_message("acme", "POST", "/v1/users/alice/actions/signIn", 1_800_000_000, body);
    assert_eq!(
        hex(&message),
        "0000001770757368617574682f7365727665722d686d61632f76310000000461636d6500000004504f5354\
         0000001e2f76312f75736572732f616c6963652f616374696f6e732f7369676e496e0000000a31383030\
         3030303030300000002b52643532444f616e3442647632355572677a7972666c506d4c4f30503048656e\
         673073434762577763586b"
    );
    let sig = hmac_sign("sk_test_0123456789abcdef0123", &message).expect("a non-empty secret");
    assert_eq!(sig, "aeS5eZ0B7JFpAnvdlT4qgI1wwCtTq8UwXOOsGR7Hi6E=");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
