use super::*;

fn wire(code: &str, description: &str) -> WireError {
    WireError {
        error: Some(code.to_owned()),
        error_code: Some(code.to_owned()),
        error_description: Some(description.to_owned()),
    }
}

fn approved() -> WireVerify {
    WireVerify {
        is_consumed: true,
        is_verified: true,
        status: Some("approved".to_owned()),
        failure_reason: None,
        access_token: Some("eyJ.result".to_owned()),
    }
}

#[test]
fn a_2xx_with_the_documented_body_is_data() {
    let answer = Answer::from_http(200, Body::Expected(approved()), None);
    let reply = answer.into_reply(VerifyData::from);
    assert_eq!(
        reply,
        Reply::Data {
            data: VerifyData {
                is_consumed: true,
                is_verified: true,
                status: Some("approved".to_owned()),
                failure_reason: None,
                token: Some("eyJ.result".to_owned()),
            }
        }
    );
}

#[test]
fn a_2xx_with_another_body_is_an_unexpected_response() {
    let answer: Answer<WireVerify> = Answer::from_http(200, Body::Unreadable, None);
    assert_eq!(answer, Answer::Error(ErrorResult::sdk(ErrorCode::UnexpectedResponse)));
}

#[test]
fn a_4xx_passes_the_workers_code_through() {
    let answer: Answer<WireVerify> =
        Answer::from_http(401, Body::Error(wire("expired_token", "the token has expired")), None);
    let expected = ErrorResult::new("expired_token", "the token has expired");
    assert!(expected.is_expired_token());
    assert_eq!(answer, Answer::Error(expected));
}

#[test]
fn a_4xx_without_an_error_body_is_an_unexpected_response() {
    let answer: Answer<WireVerify> = Answer::from_http(404, Body::Unreadable, None);
    assert_eq!(answer, Answer::Error(ErrorResult::sdk(ErrorCode::UnexpectedResponse)));
}

#[test]
fn a_429_is_rate_limited_with_its_retry_after() {
    let answer: Answer<WireVerify> = Answer::from_http(429, Body::Unreadable, Some(12));
    assert_eq!(
        answer,
        Answer::RateLimited {
            error: ErrorResult::sdk(ErrorCode::TooManyRequests),
            retry_after_secs: Some(12),
        }
    );
}

#[test]
fn a_5xx_is_transient() {
    let answer: Answer<WireVerify> = Answer::from_http(
        503,
        Body::Error(wire("storage_unavailable", "storage is unavailable; try again")),
        None,
    );
    assert_eq!(
        answer,
        Answer::Transient(ErrorResult::new("storage_unavailable", "storage is unavailable; try again"))
    );
    let bare: Answer<WireVerify> = Answer::from_http(502, Body::Unreadable, None);
    assert_eq!(bare, Answer::Transient(ErrorResult::sdk(ErrorCode::ServerError)));
}

#[test]
fn an_error_body_without_a_code_falls_back() {
    let partial = WireError { error: Some("forbidden".to_owned()), ..WireError::default() };
    let answer: Answer<WireVerify> = Answer::from_http(403, Body::Error(partial), None);
    assert_eq!(
        answer.error().map(|e| e.error_code),
        Some("forbidden".to_owned()),
        "`error` stands in for a missing `errorCode`"
    );
    let empty: Answer<WireVerify> = Answer::from_http(403, Body::Error(WireError::default()), None);
    assert_eq!(empty.error().map(|e| e.error_code), Some("unexpected_response".to_owned()));
}

#[test]
fn an_abort_replies_with_the_aborted_code() {
    let reply = Answer::<WireVerify>::Aborted.into_reply(VerifyData::from);
    assert_eq!(reply, Reply::Error(ErrorResult::sdk(ErrorCode::Aborted)));
}

#[test]
fn sdk_errors_repeat_the_code_in_error_like_authsignal() {
    let e = ErrorResult::sdk(ErrorCode::TokenNotSet);
    assert_eq!(e.error, "token_not_set");
    assert_eq!(e.error_code, "token_not_set");
    assert_eq!(e.error_description, "A token has not been set. Call 'setToken' first.");
}

#[test]
fn a_failed_challenge_keeps_its_reason() {
    let failed = WireVerify {
        is_consumed: true,
        is_verified: false,
        status: Some("denied".to_owned()),
        failure_reason: Some("too_many_attempts".to_owned()),
        access_token: None,
    };
    let reply = Answer::from_http(200, Body::Expected(failed), None).into_reply(VerifyData::from);
    assert_eq!(
        reply,
        Reply::Data {
            data: VerifyData {
                is_consumed: true,
                is_verified: false,
                status: Some("denied".to_owned()),
                failure_reason: Some("too_many_attempts".to_owned()),
                token: None,
            }
        }
    );
}
