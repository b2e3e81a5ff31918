//! Privakey `request/add` bodies, JSON or `application/x-www-form-urlencoded` (seeded with both).
//! Properties: a form body's fields, written back percent-encoded, read to the same object; a
//! body `AddRequest::from_object` accepts makes a challenge (nothing it let through fails later),
//! whose processed form serialises; and reading the same object twice gives the same result.
#![no_main]

use libfuzzer_sys::fuzz_target;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use pushauth_core::challenge::{Challenge, Randomness};
use pushauth_core::duration::ChallengeDuration;
use pushauth_core::privakey::{form_to_object, AddRequest, ProcessedRequest};
use pushauth_fuzz::NOW;
use serde_json::{Map, Value};

fn check_object(obj: &Map<String, Value>) {
    let result = AddRequest::from_object(obj, "acme");
    assert_eq!(AddRequest::from_object(obj, "acme"), result);
    let Ok(request) = result else { return };
    let duration = request.spec.duration.secs();
    assert!((ChallengeDuration::MIN_SECS..=ChallengeDuration::MAX_SECS).contains(&duration));
    let challenge = Challenge::new(request.spec, NOW, &Randomness::from_bytes(&[7; 48]))
        .unwrap_or_else(|e| panic!("an accepted request/add made no challenge: {e:?}"));
    assert_eq!(challenge.expires_at, NOW + duration * 1000);
    let processed = ProcessedRequest::of(&challenge, NOW);
    assert!(serde_json::to_vec(&processed).is_ok());
}

fuzz_target!(|data: &[u8]| {
    if let Ok(obj) = serde_json::from_slice::<Map<String, Value>>(data) {
        check_object(&obj);
    }
    if let Ok(obj) = form_to_object(data) {
        let written: Vec<String> = obj
            .iter()
            .map(|(k, v)| {
                let v = v.as_str().unwrap_or_else(|| panic!("a form field that is not text"));
                format!(
                    "{}={}",
                    utf8_percent_encode(k, NON_ALPHANUMERIC),
                    utf8_percent_encode(v, NON_ALPHANUMERIC)
                )
            })
            .collect();
        assert_eq!(form_to_object(written.join("&").as_bytes()).as_ref(), Ok(&obj));
        check_object(&obj);
    }
});
