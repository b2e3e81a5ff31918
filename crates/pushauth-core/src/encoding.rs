//! Strict base64 decoding that accepts what real clients send, and nothing else.
//!
//! Mobile SDKs send standard base64 with padding; WebCrypto code often sends base64url without.
//! Both alphabets are accepted, padded or not, but never mixed, never with whitespace, and never
//! with non-canonical trailing bits.

use alloc::{format, string::String, vec::Vec};

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;

use crate::Error;

/// Decodes standard base64 or base64url, padded or unpadded.
///
/// `what` names the field in the error.
pub fn decode_b64(input: &str, what: &'static str) -> Result<Vec<u8>, Error> {
    let url = input.contains(['-', '_']);
    let std = input.contains(['+', '/']);
    let padded = input.ends_with('=');
    let engine = match (url, std, padded) {
        (true, true, _) => return Err(Error::InvalidEncoding { what }),
        (true, false, true) => &URL_SAFE,
        (true, false, false) => &URL_SAFE_NO_PAD,
        (false, _, true) => &STANDARD,
        (false, _, false) => &STANDARD_NO_PAD,
    };
    engine.decode(input).map_err(|_| Error::InvalidEncoding { what })
}

/// Encodes as base64url without padding (the form the service emits for ids and digests).
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Encodes as standard base64 with padding (the form mobile SDKs and webhook peers expect).
pub fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Lowercase hexadecimal of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Decodes percent-encoding (`%XX`) as UTF-8. With `plus_is_space` (form bodies), `+` is a space.
/// A truncated or non-hex escape, or bytes that are not UTF-8, give `None`.
pub fn percent_decode(text: &str, plus_is_space: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let escape = text.get(i + 1..i + 3)?;
                if !escape.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(u8::from_str_radix(escape, 16).ok()?);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%40b+c", false).as_deref(), Some("a@b+c"));
        assert_eq!(percent_decode("a%40b+c", true).as_deref(), Some("a@b c"));
        assert_eq!(percent_decode("%C3%A9", false).as_deref(), Some("é"));
        for bad in ["%", "%4", "%ZZ", "%+1", "%FF", "%C3"] {
            assert_eq!(percent_decode(bad, false), None, "{bad:?}");
        }
        assert_eq!(hex(&[0, 0xab, 0x10]), "00ab10");
    }

    #[test]
    fn accepts_both_alphabets_padded_or_not() {
        let bytes = [0xfbu8, 0xff, 0xbf, 0x01];
        for text in ["+/+/AQ==", "+/+/AQ", "-_-_AQ==", "-_-_AQ"] {
            assert_eq!(decode_b64(text, "x").unwrap(), bytes, "{text}");
        }
    }

    #[test]
    fn rejects_mixed_alphabets_whitespace_and_noncanonical_bits() {
        for text in ["+_AA", "AQ ==", " AQ", "AQ=", "AR==", "A", "@@@@"] {
            assert_eq!(decode_b64(text, "key"), Err(Error::InvalidEncoding { what: "key" }), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn roundtrips(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            prop_assert_eq!(decode_b64(&b64(&bytes), "x").unwrap(), bytes.clone());
            prop_assert_eq!(decode_b64(&b64url(&bytes), "x").unwrap(), bytes);
        }

        #[test]
        fn never_panics(text in ".{0,100}") {
            let _ = decode_b64(&text, "x");
            let _ = percent_decode(&text, true);
        }
    }
}
