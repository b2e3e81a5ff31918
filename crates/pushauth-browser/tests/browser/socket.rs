//! `push.waitForResult` through the challenge's socket: the answer arrives at once, with one
//! `verify` and no pending polls; an answer given before the wait is told as soon as the socket
//! opens; and when the socket cannot open, or drops, the wait falls back to polling.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::*;
use crate::wait_for_result::{answer_after_first_poll, recorder, statuses};

/// Has the device approve `ms` after now; the cell gets the time the page asked the fixture
/// for the answer (the fixture's reply comes back after the socket's message, which travels
/// the shorter way).
fn approve_after(s: &JsValue, id: &str, ms: u32) -> Rc<Cell<f64>> {
    let asked_at = Rc::new(Cell::new(0.0));
    let (s, id, at) = (s.clone(), id.to_owned(), Rc::clone(&asked_at));
    spawn_local(async move {
        sleep(ms).await;
        at.set(now());
        device_answers(&s, &id, 0).await;
    });
    asked_at
}

/// A `WebSocket` class for the page that opens `url` instead of the one asked for, and closes
/// itself after `close_after_ms` (negative: never).
fn websocket_class(url: &str, close_after_ms: i32) -> JsValue {
    let make = Function::new_with_args(
        "url, closeAfter",
        "const W = globalThis.WebSocket; return class extends W { constructor(_, protocols) { \
         super(url || _, protocols); if (closeAfter >= 0) setTimeout(() => this.close(), closeAfter); } };",
    );
    make.call2(&JsValue::NULL, &url.into(), &close_after_ms.into()).unwrap()
}

#[wasm_bindgen_test]
async fn the_answer_arrives_through_the_socket_at_once() {
    // Arrange
    let s = setup(&[]).await;
    let c = client(&s);
    let id = start(&c).await;
    let (on_poll, polls) = recorder();
    // Act: the device approves 2.5 s in, when polling would have polled at least once.
    let asked_at = approve_after(&s, &id, 2500);
    let result = resolved(
        c.push().wait_for_result(obj(&[("challengeId", id.as_str().into()), ("onPoll", on_poll.into())])),
    )
    .await;
    // Assert
    let detection = now() - asked_at.get();
    assert_eq!(text(&result, "data.status"), "approved", "{}", json(&result));
    let token = text(&result, "data.token");
    assert_eq!(text(&validate(&s, &token).await, "state"), "CHALLENGE_SUCCEEDED");
    assert_eq!(statuses(&polls), vec!["approved"], "one verify, after the socket's message");
    // The fixture's answer (reading the challenge, signing with the CLI, posting) and the
    // socket's message: well under the 1–2 s of a poll.
    assert!(detection < 1000.0, "the page had the result {detection} ms after asking for the answer");
}

#[wasm_bindgen_test]
async fn an_answer_given_before_the_wait_is_told_when_the_socket_opens() {
    let s = setup(&[]).await;
    let c = client(&s);
    let id = start(&c).await;
    device_answers(&s, &id, 1).await;
    let started = now();
    let result = resolved(c.push().wait_for_result(obj(&[("challengeId", id.as_str().into())]))).await;
    let elapsed = now() - started;
    assert_eq!(text(&result, "data.status"), "denied", "{}", json(&result));
    assert!(elapsed < 900.0, "polling would take 1 s; the socket took {elapsed} ms");
}

#[wasm_bindgen_test]
async fn a_socket_that_cannot_open_falls_back_to_polling() {
    let s = setup(&[]).await;
    let closed = fixture("/closed-port", obj(&[])).await;
    let nowhere = text(&closed, "baseUrl").replace("http", "ws");
    let real = replace_websocket(websocket_class(&nowhere, -1));
    let c = client(&s);
    let id = start(&c).await;
    let (on_poll, polls) = answer_after_first_poll(&s, &id, 0);
    let result = resolved(
        c.push().wait_for_result(obj(&[("challengeId", id.as_str().into()), ("onPoll", on_poll.into())])),
    )
    .await;
    replace_websocket(real);
    assert_eq!(text(&result, "data.status"), "approved", "{}", json(&result));
    let seen = statuses(&polls);
    assert_eq!(seen.first().map(String::as_str), Some("pending"), "{seen:?}");
    assert!(seen.len() >= 2, "polled until the answer: {seen:?}");
}

#[wasm_bindgen_test]
async fn a_socket_that_drops_falls_back_to_polling() {
    let s = setup(&[]).await;
    // The real socket, closed by the page after 1 s: as a network change would drop it.
    let real = replace_websocket(websocket_class("", 1000));
    let c = client(&s);
    let id = start(&c).await;
    let (on_poll, polls) = recorder();
    let asked_at = approve_after(&s, &id, 4000);
    let started = now();
    let result = resolved(
        c.push().wait_for_result(obj(&[("challengeId", id.as_str().into()), ("onPoll", on_poll.into())])),
    )
    .await;
    replace_websocket(real);
    assert_eq!(text(&result, "data.status"), "approved", "{}", json(&result));
    let seen = statuses(&polls);
    // A poll when it dropped (~1 s), then every 1–2 s until the answer at 4 s.
    assert!(seen.len() >= 3, "{seen:?}");
    assert_eq!(seen.first().map(String::as_str), Some("pending"), "{seen:?}");
    assert!(asked_at.get() - started >= 3900.0);
}

#[wasm_bindgen_test]
async fn an_abort_ends_a_wait_on_the_socket_promptly() {
    let s = setup(&[]).await;
    let c = client(&s);
    let id = start(&c).await;
    let controller = web_sys::AbortController::new().unwrap();
    let to_abort = controller.clone();
    spawn_local(async move {
        sleep(1500).await;
        to_abort.abort();
    });
    let (on_poll, polls) = recorder();
    let started = now();
    let result = resolved(c.push().wait_for_result(obj(&[
        ("challengeId", id.as_str().into()),
        ("signal", controller.signal().into()),
        ("onPoll", on_poll.into()),
    ])))
    .await;
    let elapsed = now() - started;
    assert_eq!(text(&result, "errorCode"), "aborted", "{}", json(&result));
    assert!((1400.0..2500.0).contains(&elapsed), "{elapsed} ms");
    assert!(statuses(&polls).is_empty(), "nothing to poll while the socket is quiet");
    assert_eq!(pending(&s).await, 1.0);
}
