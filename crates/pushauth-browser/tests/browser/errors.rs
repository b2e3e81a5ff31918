//! Errors: no token, an expired token (with `onTokenExpired`), a network failure, and wrong
//! arguments, each with its stable code.

use std::cell::Cell;
use std::rc::Rc;

use pushauth_browser::PushAuth;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::*;

#[wasm_bindgen_test]
async fn without_a_token_calls_report_token_not_set() {
    let s = setup(&[]).await;
    let c = PushAuth::new(obj(&[("baseUrl", get(&s, "baseUrl"))])).unwrap();
    let started = resolved(c.push().challenge(obj(&[("action", "signIn".into())]))).await;
    assert_eq!(text(&started, "errorCode"), "token_not_set", "{}", json(&started));
    assert_eq!(text(&started, "error"), "token_not_set");
    assert!(get(&started, "data").is_undefined());
    assert_eq!(pending(&s).await, 0.0);
    c.set_token(Some(String::new()));
    let polled = resolved(c.push().verify(obj(&[("challengeId", "x".into())]))).await;
    assert_eq!(text(&polled, "errorCode"), "token_not_set", "an empty token is no token");
}

#[wasm_bindgen_test]
async fn an_expired_token_calls_on_token_expired() {
    // Arrange
    let s = setup(&[]).await;
    let expired = fixture("/expired-token", obj(&[("tenantId", get(&s, "tenantId"))])).await;
    let calls = Rc::new(Cell::new(0));
    let counter = Rc::clone(&calls);
    let c = PushAuth::new(obj(&[
        ("baseUrl", get(&s, "baseUrl")),
        ("tenantId", get(&s, "tenantId")),
        ("onTokenExpired", function(move |_| counter.set(counter.get() + 1)).into()),
    ]))
    .unwrap();
    c.set_token(Some(text(&expired, "token")));
    // Act
    let started = resolved(c.push().challenge(obj(&[("action", "signIn".into())]))).await;
    // Assert
    assert_eq!(text(&started, "errorCode"), "expired_token", "{}", json(&started));
    assert!(!text(&started, "errorDescription").is_empty());
    assert_eq!(calls.get(), 1);
    // Waiting stops at once on it, and tells again.
    let waited = resolved(
        c.push().wait_for_result(obj(&[("challengeId", "00000000-0000-4000-8000-000000000000".into())])),
    )
    .await;
    assert_eq!(text(&waited, "errorCode"), "expired_token");
    assert_eq!(calls.get(), 2);
    // Another error does not call it.
    c.set_token(Some(text(&s, "token")));
    let unknown =
        resolved(c.push().verify(obj(&[("challengeId", "00000000-0000-4000-8000-000000000000".into())])))
            .await;
    assert_eq!(text(&unknown, "errorCode"), "challenge_not_found", "{}", json(&unknown));
    assert_eq!(calls.get(), 2);
}

#[wasm_bindgen_test]
async fn an_unreachable_worker_is_a_network_error_result() {
    let closed = fixture("/closed-port", obj(&[])).await;
    let c = PushAuth::new(obj(&[("baseUrl", get(&closed, "baseUrl"))])).unwrap();
    c.set_token(Some("eyJ.x.y".into()));
    let started = resolved(c.push().challenge(obj(&[("action", "signIn".into())]))).await;
    assert_eq!(text(&started, "errorCode"), "network_error", "{}", json(&started));
}

#[wasm_bindgen_test]
async fn wrong_arguments_throw_a_push_auth_error_with_a_code() {
    let thrown = PushAuth::new(obj(&[("tenantId", "t".into())])).err().unwrap();
    assert_eq!(text(&thrown, "name"), "PushAuthError");
    assert_eq!(text(&thrown, "code"), "invalid_argument");
    assert!(text(&thrown, "message").contains("baseUrl"));
    let not_http = PushAuth::new(obj(&[("baseUrl", "ftp://x/v1".into())])).err().unwrap();
    assert_eq!(text(&not_http, "code"), "invalid_argument");
    let bad_callback =
        PushAuth::new(obj(&[("baseUrl", "https://auth.example/v1".into()), ("onTokenExpired", 3.into())]))
            .err()
            .unwrap();
    assert!(text(&bad_callback, "message").contains("onTokenExpired"));

    let c = PushAuth::new(obj(&[("baseUrl", "https://auth.example/v1/".into())])).unwrap();
    assert_eq!(c.base_url(), "https://auth.example/v1");
    let missing = rejected(c.push().verify(obj(&[]))).await;
    assert_eq!(text(&missing, "code"), "invalid_argument");
    let bad_signal = rejected(
        c.push().wait_for_result(obj(&[("challengeId", "x".into()), ("signal", JsValue::from_str("soon"))])),
    )
    .await;
    assert!(text(&bad_signal, "message").contains("signal"));
}
