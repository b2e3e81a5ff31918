//! `push.challenge` and `push.verify` against the Worker, and CORS.

use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::*;

#[wasm_bindgen_test]
async fn challenge_reaches_the_device_and_verify_reports_it_pending() {
    // Arrange
    let s = setup(&[]).await;
    let c = client(&s);
    // Act
    let started = resolved(c.push().challenge(obj(&[("action", "signIn".into())]))).await;
    let id = text(&started, "data.challengeId");
    let polled = resolved(c.push().verify(obj(&[("challengeId", id.as_str().into())]))).await;
    // Assert
    assert!(get(&started, "error").is_undefined(), "{}", json(&started));
    assert!(get(&started, "data.verificationCode").is_undefined(), "no number matching asked");
    assert!(get(&started, "data.expiresAt").as_f64().unwrap() > now());
    assert_eq!(pending(&s).await, 1.0);
    assert_eq!(get(&polled, "data.isConsumed"), JsValue::FALSE, "{}", json(&polled));
    assert_eq!(get(&polled, "data.isVerified"), JsValue::FALSE);
    assert_eq!(text(&polled, "data.status"), "pending");
    assert!(get(&polled, "data.token").is_undefined());
}

#[wasm_bindgen_test]
async fn number_matching_shows_the_code() {
    let s = setup(&[("numberMatching", true.into())]).await;
    let started = resolved(client(&s).push().challenge(obj(&[("action", "signIn".into())]))).await;
    let code = text(&started, "data.verificationCode");
    assert!(code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");
}

#[wasm_bindgen_test]
async fn verify_after_approval_renames_access_token_to_token() {
    let s = setup(&[]).await;
    let c = client(&s);
    let id = start(&c).await;
    device_answers(&s, &id, 0).await;
    let polled = resolved(c.push().verify(obj(&[("challengeId", id.as_str().into())]))).await;
    assert_eq!(get(&polled, "data.isConsumed"), JsValue::TRUE, "{}", json(&polled));
    assert_eq!(get(&polled, "data.isVerified"), JsValue::TRUE);
    assert!(get(&polled, "data.accessToken").is_undefined());
    let token = text(&polled, "data.token");
    assert_eq!(get(&validate(&s, &token).await, "isValid"), JsValue::TRUE);
}

#[wasm_bindgen_test]
async fn cors_an_allowed_origin_reads_the_answers() {
    // The fixture lists exactly this page's origin (the Worker is on another port).
    let s = setup(&[]).await;
    let page_origin = web_sys::window().unwrap().location().origin().unwrap();
    assert_eq!(text(&s, "origin"), page_origin);
    assert_ne!(text(&s, "baseUrl").trim_end_matches("/v1"), page_origin, "the call is cross-origin");
    let c = client(&s);
    let id = start(&c).await;
    let polled = resolved(c.push().verify(obj(&[("challengeId", id.as_str().into())]))).await;
    assert_eq!(text(&polled, "data.status"), "pending");
}

#[wasm_bindgen_test]
async fn cors_another_origin_is_refused_before_anything_runs() {
    let s = setup(&[("allowedOrigins", js_sys::Array::of1(&"https://app.example".into()).into())]).await;
    let started = resolved(client(&s).push().challenge(obj(&[("action", "signIn".into())]))).await;
    // The Worker refuses with a readable 403 (CORS headers on the refusal), before anything runs.
    assert_eq!(text(&started, "errorCode"), "origin_not_allowed", "{}", json(&started));
    assert_eq!(pending(&s).await, 0.0, "no challenge was started");
}
