//! The two client API calls the SDK makes (docs/api.md, "Client API"):
//! `POST {baseUrl}/client/challenge/push` and `POST {baseUrl}/client/verify/push`. Each hands
//! its [`Answer`] to a callback and returns a promise of what the callback returns.

use alloc::boxed::Box;
use alloc::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

use crate::error_code::ErrorCode;
use crate::http::{fetched, Fetched};
use crate::io::post;
use crate::js_read::{challenge_data, wire_error, wire_verify};
use crate::result::{Answer, Body, ChallengeData, ErrorResult, WireVerify};
use crate::session::Session;
use crate::url::endpoint;

/// Starts a push challenge for the token's user and action.
pub fn challenge_push(
    session: &Rc<Session>,
    action: Option<&str>,
    done: impl FnOnce(Answer<ChallengeData>) -> JsValue + 'static,
) -> Promise {
    let done = move |answer: Answer<JsValue>| done(answer.and_then_data(|json| challenge_data(&json)));
    call(session, "/client/challenge/push", ("action", action), None, Box::new(done))
}

/// Asks how a challenge stands.
pub fn verify_push(
    session: &Rc<Session>,
    challenge_id: &str,
    signal: Option<&AbortSignal>,
    done: impl FnOnce(Answer<WireVerify>) -> JsValue + 'static,
) -> Promise {
    let done = move |answer: Answer<JsValue>| done(answer.and_then_data(|json| wire_verify(&json)));
    call(session, "/client/verify/push", ("challengeId", Some(challenge_id)), signal, Box::new(done))
}

/// One call with the JSON body `{ [key]: value }`: no token means no request; an
/// `expired_token` answer fires `onTokenExpired`. A 2xx answer's data is its JSON body, for
/// the caller to read. Not generic, so it is compiled once.
fn call(
    session: &Rc<Session>,
    path: &str,
    (key, value): (&str, Option<&str>),
    signal: Option<&AbortSignal>,
    done: Box<dyn FnOnce(Answer<JsValue>) -> JsValue>,
) -> Promise {
    let Some(token) = session.token() else {
        return Promise::resolve(&done(Answer::Error(ErrorResult::sdk(ErrorCode::TokenNotSet))));
    };
    let url = endpoint(&session.base_url, path);
    let session = Rc::clone(session);
    let for_answer = signal.cloned();
    let then = move |came_back: JsValue| {
        let answer = match fetched(&came_back, for_answer.as_ref()) {
            Fetched::Response { status, json, retry_after_secs } => {
                Answer::from_http(status, read_body(status, json), retry_after_secs)
            }
            Fetched::NetworkError => Answer::Transient(ErrorResult::sdk(ErrorCode::NetworkError)),
            Fetched::Aborted => Answer::Aborted,
        };
        if answer.error().is_some_and(|e| e.is_expired_token()) {
            session.token_expired();
        }
        done(answer)
    };
    post(&url, &token, key, value, signal, Box::new(then))
}

/// Reads a body as data (2xx) or as the error shape (otherwise).
fn read_body(status: u16, json: Option<JsValue>) -> Body<JsValue> {
    let Some(json) = json else {
        return Body::Unreadable;
    };
    if (200..300).contains(&status) {
        Body::Expected(json)
    } else {
        wire_error(&json).map_or(Body::Unreadable, Body::Error)
    }
}
