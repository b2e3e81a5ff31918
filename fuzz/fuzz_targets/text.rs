//! The free-text, identifier and id checks every request field goes through (`text.rs`,
//! `ids.rs`, key ids). The first byte is the length limit, the rest the value.
//! Properties: accepted values respect the limit and character rules; single-line text is also
//! multi-line text; identifiers are names and hold nothing a path would read; a challenge id or
//! key id is accepted only in its one canonical form; a number-match code matches only itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pushauth_core::encoding::{b64url, decode_b64};
use pushauth_core::ids::{ActionCode, ChallengeId, IdempotencyKey, TenantId, UserId};
use pushauth_core::number_match::NumberMatchCode;
use pushauth_core::signature::KeyId;
use pushauth_core::text::{check_identifier, check_name, check_required_text, check_text};

fuzz_target!(|data: &[u8]| {
    let Some((&max, rest)) = data.split_first() else { return };
    let max = usize::from(max);
    let Ok(value) = std::str::from_utf8(rest) else { return };
    let controls =
        |multiline: bool| value.chars().any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\t')));

    for multiline in [false, true] {
        let ok = check_text("f", value, max, multiline).is_ok();
        assert_eq!(ok, value.len() <= max && !controls(multiline), "{value:?}");
        if check_required_text("f", value, max, multiline).is_ok() {
            assert!(ok && !value.trim().is_empty());
        }
    }
    if check_text("f", value, max, false).is_ok() {
        assert_eq!(check_text("f", value, max, true), Ok(()));
    }
    if check_name("f", value, max).is_ok() {
        assert_eq!(check_text("f", value, max, false), Ok(()));
        assert!(!value.trim().is_empty());
    }
    if check_identifier("f", value, max).is_ok() {
        assert_eq!(check_name("f", value, max), Ok(()));
        assert!(value.is_ascii() && !value.contains(['/', '?', '#', '%', ' ', '&']), "{value:?}");
    }
    // An identifier type is built only by parsing: what parses is a name and keeps its text,
    // and serde (its try_from) accepts exactly what parse accepts.
    let json = serde_json::json!(value);
    let parsed = [
        (TenantId::parse(value).map(String::from), serde_json::from_value::<TenantId>(json.clone()).is_ok()),
        (UserId::parse(value).map(String::from), serde_json::from_value::<UserId>(json.clone()).is_ok()),
        (
            ActionCode::parse(value).map(String::from),
            serde_json::from_value::<ActionCode>(json.clone()).is_ok(),
        ),
        (
            IdempotencyKey::parse(value).map(String::from),
            serde_json::from_value::<IdempotencyKey>(json).is_ok(),
        ),
    ];
    for (result, by_serde) in parsed {
        assert_eq!(result.is_ok(), by_serde, "parse and serde disagree on {value:?}");
        if let Ok(text) = result {
            assert_eq!(text, value);
            assert_eq!(check_name("f", value, 1024), Ok(()), "{value:?}");
        }
    }
    if let Ok(id) = ChallengeId::parse(value) {
        assert_eq!(id.as_str(), value);
        assert_eq!(serde_json::from_value::<ChallengeId>(serde_json::json!(value)).ok(), Some(id));
    }
    if let Ok(id) = KeyId::parse(value) {
        let bytes = decode_b64(value, "keyId").unwrap_or_default();
        assert_eq!(bytes.len(), 32);
        assert_eq!(b64url(&bytes), id.as_str(), "a key id in a non-canonical form");
    }
    if let Some(random) = rest.first_chunk::<8>() {
        for digits in 2..=6 {
            let Ok(code) = NumberMatchCode::generate(*random, digits) else { panic!("code") };
            assert_eq!(code.as_str().len(), usize::from(digits));
            assert!(code.matches(code.as_str()));
            assert_eq!(code.matches(value), value == code.as_str());
        }
    }
});
