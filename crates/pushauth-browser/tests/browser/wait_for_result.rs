//! `push.waitForResult` while polling: approval and denial, expiry, abort, the time limit, and
//! bounded retries on network errors. Each test hides `WebSocket` from the page
//! (`polling_only`), as in a browser where the challenge's socket cannot open; `socket.rs` tests
//! the socket and the fall back from it.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::*;

/// An `onPoll` that records every event, and what it recorded.
pub fn recorder() -> (js_sys::Function, Rc<RefCell<Vec<JsValue>>>) {
    let polls = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&polls);
    (function(move |e| sink.borrow_mut().push(e)), polls)
}

/// An `onPoll` that has the device answer with `button` right after the first pending poll.
pub fn answer_after_first_poll(
    s: &JsValue,
    id: &str,
    button: u32,
) -> (js_sys::Function, Rc<RefCell<Vec<JsValue>>>) {
    let polls = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&polls);
    let (s, id) = (s.clone(), id.to_owned());
    let on_poll = function(move |e| {
        let first_pending = sink.borrow().is_empty()
            && get(&e, "result.data.status").as_string().as_deref() == Some("pending");
        sink.borrow_mut().push(e);
        if first_pending {
            let (s, id) = (s.clone(), id.clone());
            spawn_local(async move { device_answers(&s, &id, button).await });
        }
    });
    (on_poll, polls)
}

/// The status (or error code) of each poll.
pub fn statuses(polls: &Rc<RefCell<Vec<JsValue>>>) -> Vec<String> {
    polls
        .borrow()
        .iter()
        .map(|e| {
            get(e, "result.data.status")
                .as_string()
                .or_else(|| get(e, "result.errorCode").as_string())
                .unwrap_or_default()
        })
        .collect()
}

#[wasm_bindgen_test]
async fn sees_an_approval_made_on_the_device_meanwhile() {
    let _polling = polling_only();
    // Arrange
    let s = setup(&[]).await;
    let c = client(&s);
    let id = start(&c).await;
    let (on_poll, polls) = answer_after_first_poll(&s, &id, 0);
    let started = now();
    // Act
    let result = resolved(
        c.push().wait_for_result(obj(&[("challengeId", id.as_str().into()), ("onPoll", on_poll.into())])),
    )
    .await;
    // Assert
    let elapsed = now() - started;
    assert_eq!(get(&result, "data.isConsumed"), JsValue::TRUE, "{}", json(&result));
    assert_eq!(get(&result, "data.isVerified"), JsValue::TRUE);
    assert_eq!(text(&result, "data.status"), "approved");
    let token = text(&result, "data.token");
    assert_eq!(text(&validate(&s, &token).await, "state"), "CHALLENGE_SUCCEEDED");
    let seen = statuses(&polls);
    assert_eq!(seen.first().map(String::as_str), Some("pending"), "{seen:?}");
    assert_eq!(seen.last().map(String::as_str), Some("approved"), "{seen:?}");
    assert!(elapsed >= 1000.0, "the first poll comes after 1 s, not before ({elapsed} ms)");
    let attempts: Vec<f64> = polls.borrow().iter().map(|e| get(e, "attempt").as_f64().unwrap()).collect();
    assert_eq!(attempts, (1..=attempts.len()).map(|n| n as f64).collect::<Vec<_>>());
}

#[wasm_bindgen_test]
async fn sees_a_denial() {
    let _polling = polling_only();
    let s = setup(&[]).await;
    let c = client(&s);
    let id = start(&c).await;
    let (on_poll, polls) = answer_after_first_poll(&s, &id, 1);
    let result = resolved(
        c.push().wait_for_result(obj(&[("challengeId", id.as_str().into()), ("onPoll", on_poll.into())])),
    )
    .await;
    assert_eq!(get(&result, "data.isConsumed"), JsValue::TRUE, "{}", json(&result));
    assert_eq!(get(&result, "data.isVerified"), JsValue::FALSE);
    assert_eq!(text(&result, "data.status"), "denied");
    assert!(get(&result, "data.token").is_undefined());
    assert_eq!(statuses(&polls).first().map(String::as_str), Some("pending"));
}

#[wasm_bindgen_test]
async fn ends_when_the_challenge_expires() {
    let _polling = polling_only();
    let s = setup(&[("challengeSecs", 10.into())]).await;
    let c = client(&s);
    let id = start(&c).await;
    let (on_poll, polls) = recorder();
    let started = now();
    let result = resolved(
        c.push().wait_for_result(obj(&[("challengeId", id.as_str().into()), ("onPoll", on_poll.into())])),
    )
    .await;
    let elapsed = now() - started;
    assert_eq!(get(&result, "data.isConsumed"), JsValue::TRUE, "{}", json(&result));
    assert_eq!(get(&result, "data.isVerified"), JsValue::FALSE);
    assert_eq!(text(&result, "data.status"), "expired");
    assert!((9000.0..16000.0).contains(&elapsed), "expired after {elapsed} ms");
    // Every gap between polls is within 1–2 s (plus the request): 10 s is 5 to 10 polls.
    let n = polls.borrow().len();
    assert!((5..=11).contains(&n), "{n} polls: {:?}", statuses(&polls));
}

#[wasm_bindgen_test]
async fn an_abort_signal_ends_the_wait_promptly() {
    let _polling = polling_only();
    let s = setup(&[]).await;
    let c = client(&s);
    let id = start(&c).await;
    let controller = web_sys::AbortController::new().unwrap();
    let to_abort = controller.clone();
    let polls = Rc::new(RefCell::new(0));
    let count = Rc::clone(&polls);
    let on_poll = function(move |_| {
        *count.borrow_mut() += 1;
        to_abort.abort();
    });
    let started = now();
    let result = resolved(c.push().wait_for_result(obj(&[
        ("challengeId", id.as_str().into()),
        ("signal", controller.signal().into()),
        ("onPoll", on_poll.into()),
    ])))
    .await;
    let elapsed = now() - started;
    assert_eq!(text(&result, "errorCode"), "aborted", "{}", json(&result));
    assert_eq!(*polls.borrow(), 1, "aborted during the sleep after the first poll");
    assert!(elapsed < 2500.0, "took {elapsed} ms");
    assert_eq!(pending(&s).await, 1.0, "aborting the wait does not cancel the challenge");

    // An already-aborted signal: no poll at all.
    let result = resolved(c.push().wait_for_result(obj(&[
        ("challengeId", id.as_str().into()),
        ("signal", controller.signal().into()),
    ])))
    .await;
    assert_eq!(text(&result, "errorCode"), "aborted");
}

#[wasm_bindgen_test]
async fn the_time_limit_ends_the_wait_with_timeout() {
    let _polling = polling_only();
    let s = setup(&[]).await;
    let c = client(&s);
    let id = start(&c).await;
    let (on_poll, polls) = recorder();
    let started = now();
    let result = resolved(c.push().wait_for_result(obj(&[
        ("challengeId", id.as_str().into()),
        ("timeoutMs", 2500.into()),
        ("onPoll", on_poll.into()),
    ])))
    .await;
    let elapsed = now() - started;
    assert_eq!(text(&result, "errorCode"), "timeout", "{}", json(&result));
    assert!((2400.0..4500.0).contains(&elapsed), "{elapsed} ms");
    assert!(polls.borrow().len() >= 2, "{:?}", statuses(&polls));
}

#[wasm_bindgen_test]
async fn network_errors_are_retried_with_backoff_then_reported() {
    let _polling = polling_only();
    let s = setup(&[]).await;
    let closed = fixture("/closed-port", obj(&[])).await;
    let c = pushauth_browser::PushAuth::new(obj(&[("baseUrl", get(&closed, "baseUrl"))])).unwrap();
    c.set_token(Some(text(&s, "token")));
    let (on_poll, polls) = recorder();
    let started = now();
    let result = resolved(c.push().wait_for_result(obj(&[
        ("challengeId", "00000000-0000-4000-8000-000000000000".into()),
        ("onPoll", on_poll.into()),
    ])))
    .await;
    let elapsed = now() - started;
    assert_eq!(text(&result, "errorCode"), "network_error", "{}", json(&result));
    assert_eq!(statuses(&polls), vec!["network_error"; 5], "five tries, then it reports");
    // 1 s before the first try, then 1, 2, 4, 8 s (±10 %) between tries.
    assert!((14_000.0..20_000.0).contains(&elapsed), "{elapsed} ms");
}
