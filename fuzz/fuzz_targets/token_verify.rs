//! `token::verify` on any text, with the vectors' secret (seeded with `tokens.json`'s tokens).
//! Property: a token that verifies is byte for byte the one [`issue`] makes for its claims, so
//! nothing but what the secret's holder issued is ever accepted, and its kind is the one asked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pushauth_core::token::{issue, verify, TokenKind};
use pushauth_fuzz::vectors;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let v = vectors();
    let secret = v.token_secret.as_bytes();
    for kind in [TokenKind::Track, TokenKind::Result] {
        if let Ok(claims) = verify(secret, kind, text, v.token_now) {
            assert_eq!(claims.kind, kind);
            assert!(v.token_now / 1000 < claims.exp, "expired token accepted");
            assert_eq!(issue(secret, &claims).as_deref(), Ok(text), "accepted a token not issued as such");
        }
    }
});
