//! `launch`: the real hosted UI served by the Worker, in a dialog over this page and in a
//! window, approved by the CLI device; messages from anywhere else are ignored.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::*;

fn popup_element() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id("pushauth-popup")
}

/// The popup dialog, once `launch` has put it in the page (it does so asynchronously).
async fn shown_popup() -> web_sys::Element {
    for _ in 0..50 {
        if let Some(dialog) = popup_element() {
            return dialog;
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
    panic!("the popup dialog never appeared");
}

/// Whether `promise` is still pending after `ms`.
async fn still_pending(promise: &Promise, ms: i32) -> bool {
    let marker = JsValue::from_str("still pending");
    let timer = Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_1(&resolve, ms, &marker)
            .unwrap();
    });
    let raced = Promise::race(&js_sys::Array::of2(promise, &timer));
    JsFuture::from(raced).await.ok() == Some(marker)
}

/// The device approves the next challenge the hosted UI starts.
async fn device_approves_next(s: &JsValue) {
    let answered =
        fixture("/answer-next", obj(&[("tenantId", get(s, "tenantId")), ("button", 0.into())])).await;
    assert_eq!(get(&answered, "status").as_f64(), Some(200.0), "{}", json(&answered));
}

#[wasm_bindgen_test]
async fn popup_resolves_with_the_token_and_ignores_other_origins() {
    // Arrange
    let s = setup(&[]).await;
    let c = client(&s);
    // Act
    let launched = c.launch(text(&s, "url"), obj(&[("mode", "popup".into())]));
    // Assert: the dialog shows the hosted UI in popup mode.
    let dialog = shown_popup().await;
    let iframe = dialog.query_selector("iframe").unwrap().unwrap();
    let src = iframe.get_attribute("src").unwrap();
    assert!(src.ends_with("&mode=popup"), "{src}");
    // A forged close message from this page's own origin is not the hosted UI's.
    let window = web_sys::window().unwrap();
    let forged = r#"{"event":"AUTHSIGNAL_CLOSE_POPUP","token":"forged"}"#;
    window.post_message(&forged.into(), "*").unwrap();
    assert!(still_pending(&launched, 500).await, "a message from another origin closed the popup");
    device_approves_next(&s).await;
    let result = resolved(launched).await;
    let token = text(&result, "token");
    assert_ne!(token, "forged");
    assert_eq!(get(&validate(&s, &token).await, "isValid"), JsValue::TRUE);
    assert!(popup_element().is_none(), "the dialog is removed");
}

#[wasm_bindgen_test]
async fn popup_closed_by_the_user_resolves_without_a_token() {
    let s = setup(&[]).await;
    let launched = client(&s).launch(text(&s, "url"), obj(&[("mode", "popup".into())]));
    let dialog: web_sys::HtmlDialogElement = wasm_bindgen::JsCast::unchecked_into(shown_popup().await);
    // A second popup while one is open is refused.
    let again = rejected(client(&s).launch(text(&s, "url"), obj(&[("mode", "popup".into())]))).await;
    assert_eq!(text(&again, "code"), "popup_already_open");
    dialog.close();
    let result = resolved(launched).await;
    assert!(get(&result, "token").is_undefined(), "{}", json(&result));
    assert!(popup_element().is_none());
}

#[wasm_bindgen_test]
async fn popup_reports_the_hosted_ui_api_errors() {
    // A user without a device: the hosted UI's challenge fails with no_authenticator.
    let s = setup(&[]).await;
    let other =
        fixture("/track", obj(&[("tenantId", get(&s, "tenantId")), ("userId", "nobody".into())])).await;
    let errors = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&errors);
    let on_error = function(move |e| sink.borrow_mut().push(e));
    let result = resolved(
        client(&s)
            .launch(text(&other, "url"), obj(&[("mode", "popup".into()), ("onError", on_error.into())])),
    )
    .await;
    assert!(get(&result, "token").is_undefined(), "{}", json(&result));
    let errors = errors.borrow();
    assert_eq!(errors.len(), 1);
    assert_eq!(text(&errors[0], "errorCode"), "no_authenticator");
    assert_eq!(get(&errors[0], "statusCode").as_f64(), Some(400.0));
}

#[wasm_bindgen_test]
async fn window_resolves_with_the_token() {
    let s = setup(&[]).await;
    let launched = client(&s).launch(text(&s, "url"), obj(&[("mode", "window".into())]));
    device_approves_next(&s).await;
    let result = resolved(launched).await;
    let token = text(&result, "token");
    assert_eq!(get(&validate(&s, &token).await, "isValid"), JsValue::TRUE);
}

#[wasm_bindgen_test]
async fn an_unknown_mode_or_url_is_refused() {
    let s = setup(&[]).await;
    let c = client(&s);
    let bad_mode = rejected(c.launch(text(&s, "url"), obj(&[("mode", "tab".into())]))).await;
    assert_eq!(text(&bad_mode, "code"), "invalid_argument");
    let script = rejected(c.launch("javascript:alert(1)".into(), obj(&[("mode", "redirect".into())]))).await;
    assert_eq!(text(&script, "code"), "invalid_argument");
    let relative = rejected(c.launch("/hosted/".into(), JsValue::UNDEFINED)).await;
    assert_eq!(text(&relative, "code"), "invalid_argument");
}
