//! `encoding::decode_b64`, the one base64 reader of every key, signature and secret.
//! Properties: it accepts exactly what one of the `base64` crate's strict engines (standard or
//! URL-safe alphabet, padded or not) accepts, with the same bytes, so never a mixed alphabet,
//! whitespace or non-canonical trailing bits; and the input's bytes survive `b64` and `b64url`
//! and back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pushauth_core::encoding::{b64, b64url, decode_b64, hex};
use pushauth_fuzz::reference_b64;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        assert_eq!(decode_b64(text, "x").ok(), reference_b64(text), "{text:?}");
    }
    assert_eq!(decode_b64(&b64(data), "x").as_deref(), Ok(data));
    assert_eq!(decode_b64(&b64url(data), "x").as_deref(), Ok(data));
    // hex() writes each byte with format!: a key's or signature's worth is what it is used for.
    let head = &data[..data.len().min(64)];
    let hex = hex(head);
    assert_eq!(hex.len(), 2 * head.len());
    assert!(hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
});
