//! `url::check_url`, `check_origin` and `origin_of` (callback, redirect and CORS settings, and the
//! redirect URLs of `track`). Properties: an accepted URL is printable ASCII with no user info,
//! fragment or backslash, and `https` (or `http` at a loopback host when allowed); allowing
//! loopback only widens; an accepted origin is an accepted URL and its own origin; the origin of
//! an accepted URL is an accepted origin and a prefix of it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pushauth_core::url::{check_origin, check_url, origin_of};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for loopback in [false, true] {
        if check_url("u", text, loopback).is_ok() {
            assert!(text.bytes().all(|b| b.is_ascii_graphic()) && !text.contains(['#', '@', '\\']));
            let https = text.starts_with("https://");
            let local =
                ["http://127.0.0.1", "http://localhost", "http://[::1]"].iter().any(|p| text.starts_with(p));
            assert!(https || (loopback && local), "{text:?} accepted (loopback {loopback})");
            assert_eq!(check_url("u", text, true), Ok(()));
            let origin = origin_of(text).unwrap_or_else(|| panic!("no origin for {text:?}"));
            assert!(text.starts_with(&origin));
            assert_eq!(check_origin("o", &origin, loopback), Ok(()), "{origin:?} of {text:?}");
        }
        if check_origin("o", text, loopback).is_ok() {
            assert_eq!(check_url("u", text, loopback), Ok(()));
            assert_eq!(origin_of(text).as_deref(), Some(text));
        }
    }
});
