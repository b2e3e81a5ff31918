//! `encoding::percent_decode` (URL path segments, query strings, form bodies).
//! Properties: where it decodes, the `percent-encoding` crate decodes the same text to the same
//! string (with `+` read as a space in form mode); it refuses exactly the inputs with a truncated
//! or non-hex escape or whose bytes are not UTF-8; and any string percent-encoded comes back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use percent_encoding::{percent_decode, utf8_percent_encode, NON_ALPHANUMERIC};
use pushauth_core::encoding::percent_decode as core_decode;

/// Whether every `%` starts a two-hex-digit escape.
fn escapes_ok(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            match bytes.get(i + 1..i + 3) {
                Some(h) if h.iter().all(u8::is_ascii_hexdigit) => i += 3,
                _ => return false,
            }
        } else {
            i += 1;
        }
    }
    true
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for plus_is_space in [false, true] {
        let core = core_decode(text, plus_is_space);
        let input = if plus_is_space { text.replace('+', " ") } else { text.to_owned() };
        let reference = percent_decode(input.as_bytes()).decode_utf8().ok();
        if escapes_ok(data) {
            assert_eq!(core.as_deref(), reference.as_deref(), "{text:?}");
        } else {
            assert_eq!(core, None, "accepted a bad escape: {text:?}");
        }
        let encoded = utf8_percent_encode(text, NON_ALPHANUMERIC).to_string();
        assert_eq!(core_decode(&encoded, plus_is_space).as_deref(), Some(text));
    }
});
