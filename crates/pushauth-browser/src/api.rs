//! The two client API calls the SDK makes (docs/api.md, "Client API"), as [`Answer`]s:
//! `POST {baseUrl}/client/challenge/push` and `POST {baseUrl}/client/verify/push`.

use std::future::Future;
use std::pin::Pin;

use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

use crate::error_code::ErrorCode;
use crate::http::{post_json, Fetched};
use crate::js_read::{challenge_data, wire_error, wire_verify};
use crate::js_value::JsObject;
use crate::result::{Answer, Body, ChallengeData, ErrorResult, WireVerify};
use crate::session::Session;
use crate::url::endpoint;

/// Starts a push challenge for the token's user and action.
pub async fn challenge_push(session: &Session, action: Option<&str>) -> Answer<ChallengeData> {
    let body = json_text(JsObject::new().opt_str("action", action));
    call(session, "/client/challenge/push", body, None).await.and_then_data(|json| challenge_data(&json))
}

/// Asks how a challenge stands.
pub async fn verify_push(
    session: &Session,
    challenge_id: &str,
    signal: Option<&AbortSignal>,
) -> Answer<WireVerify> {
    let body = json_text(JsObject::new().opt_str("challengeId", Some(challenge_id)));
    call(session, "/client/verify/push", body, signal).await.and_then_data(|json| wire_verify(&json))
}

/// A request body as JSON text.
fn json_text(body: JsObject) -> String {
    js_sys::JSON::stringify(&body.build()).ok().and_then(|s| s.as_string()).unwrap_or_default()
}

/// One call: no token means no request; an `expired_token` answer fires `onTokenExpired`.
/// A 2xx answer's data is its JSON body, for the caller to read. The call is boxed and not
/// generic, so its state machine is compiled once, not once into each caller's (it is most
/// of the SDK's code).
fn call<'a>(
    session: &'a Session,
    path: &'static str,
    body: String,
    signal: Option<&'a AbortSignal>,
) -> Pin<Box<dyn Future<Output = Answer<JsValue>> + 'a>> {
    Box::pin(async move {
        let Some(token) = session.token() else {
            return Answer::Error(ErrorResult::sdk(ErrorCode::TokenNotSet));
        };
        let url = endpoint(&session.base_url, path);
        let answer = match post_json(&url, &token, &body, signal).await {
            Fetched::Response { status, json, retry_after_secs } => {
                Answer::from_http(status, read_body(status, json), retry_after_secs)
            }
            Fetched::NetworkError => Answer::Transient(ErrorResult::sdk(ErrorCode::NetworkError)),
            Fetched::Aborted => Answer::Aborted,
        };
        if answer.error().is_some_and(|e| e.is_expired_token()) {
            session.token_expired();
        }
        answer
    })
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
