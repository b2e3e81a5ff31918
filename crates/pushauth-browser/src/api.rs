//! The two client API calls the SDK makes (docs/api.md, "Client API"), as [`Answer`]s:
//! `POST {baseUrl}/client/challenge/push` and `POST {baseUrl}/client/verify/push`.

use serde::Serialize;
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

use crate::error_code::ErrorCode;
use crate::http::{post_json, Fetched};
use crate::js_read::{challenge_data, wire_error, wire_verify};
use crate::js_value::to_js;
use crate::result::{Answer, Body, ChallengeData, ErrorResult, WireVerify};
use crate::session::Session;
use crate::url::endpoint;

/// The body of `challenge/push`.
#[derive(Serialize)]
struct ChallengeBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'a str>,
}

/// The body of `verify/push`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VerifyBody<'a> {
    challenge_id: &'a str,
}

/// Starts a push challenge for the token's user and action.
pub async fn challenge_push(session: &Session, action: Option<&str>) -> Answer<ChallengeData> {
    call(session, "/client/challenge/push", &ChallengeBody { action }, None, challenge_data).await
}

/// Asks how a challenge stands.
pub async fn verify_push(
    session: &Session,
    challenge_id: &str,
    signal: Option<&AbortSignal>,
) -> Answer<WireVerify> {
    call(session, "/client/verify/push", &VerifyBody { challenge_id }, signal, wire_verify).await
}

/// One call: no token means no request; an `expired_token` answer fires `onTokenExpired`.
async fn call<T>(
    session: &Session,
    path: &str,
    body: &impl Serialize,
    signal: Option<&AbortSignal>,
    read: fn(&JsValue) -> Option<T>,
) -> Answer<T> {
    let Some(token) = session.token() else {
        return Answer::Error(ErrorResult::sdk(ErrorCode::TokenNotSet));
    };
    let body = js_sys::JSON::stringify(&to_js(body)).ok().and_then(|s| s.as_string()).unwrap_or_default();
    let url = endpoint(&session.base_url, path);
    let answer = match post_json(&url, &token, &body, signal).await {
        Fetched::Response { status, json, retry_after_secs } => {
            Answer::from_http(status, read_body(status, json, read), retry_after_secs)
        }
        Fetched::NetworkError => Answer::Transient(ErrorResult::sdk(ErrorCode::NetworkError)),
        Fetched::Aborted => Answer::Aborted,
    };
    if answer.error().is_some_and(|e| e.is_expired_token()) {
        session.token_expired();
    }
    answer
}

/// Reads a body as the success shape (2xx) or the error shape (otherwise).
fn read_body<T>(status: u16, json: Option<JsValue>, read: fn(&JsValue) -> Option<T>) -> Body<T> {
    let Some(json) = json else {
        return Body::Unreadable;
    };
    let body = if (200..300).contains(&status) {
        read(&json).map(Body::Expected)
    } else {
        wire_error(&json).map(Body::Error)
    };
    body.unwrap_or(Body::Unreadable)
}
