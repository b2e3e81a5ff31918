//! Errors as the HTTP API reports them: a status and a JSON body
//! `{ "error", "errorCode", "errorDescription" }` with a stable `errorCode`.
//!
//! Internal detail (storage failures, serialisation errors) is never returned to the client.

use pushauth_core::Error;
use serde::Serialize;

use crate::http::ApiResponse;

/// An error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The stable machine-readable code.
    pub code: &'static str,
    /// A human-readable explanation.
    pub message: String,
    /// Seconds to wait before retrying (429).
    pub retry_after: Option<u64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Body<'a> {
    error: &'a str,
    error_code: &'a str,
    error_description: &'a str,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), retry_after: None }
    }

    /// 404 for a thing that does not exist (or belongs to someone else).
    pub fn not_found(code: &'static str, what: &str) -> Self {
        Self::new(404, code, format!("{what} not found"))
    }

    /// 400 for a body that is not the JSON the route expects.
    ///
    /// serde's own message is not used: it quotes unknown field names, unknown variants and
    /// wrong values, and descriptions never repeat what the request sent. The position is kept.
    pub fn bad_json(detail: &serde_json::Error) -> Self {
        let what = match detail.classify() {
            serde_json::error::Category::Data => "does not have the fields and types this call expects",
            _ => "is not valid JSON",
        };
        let message = if detail.line() == 0 {
            format!("the request body {what}")
        } else {
            format!("the request body {what} (line {}, column {})", detail.line(), detail.column())
        };
        Self::new(400, "invalid_request", message)
    }

    /// 413 for an oversized body.
    pub fn too_large() -> Self {
        Self::new(413, "payload_too_large", "the request body is larger than 64 KiB")
    }

    /// 503 when storage failed; the detail stays in the logs.
    pub fn storage() -> Self {
        Self::new(503, "storage_unavailable", "storage is unavailable; try again")
    }

    /// 401 when no credentials were sent.
    pub fn unauthorized(message: &str) -> Self {
        Self::new(401, "missing_credential", message)
    }

    /// The JSON response.
    pub fn to_response(&self) -> ApiResponse {
        let body = Body { error: self.code, error_code: self.code, error_description: &self.message };
        let response = ApiResponse::json(self.status, &body);
        match self.retry_after {
            Some(secs) => response.with_header("retry-after", &secs.to_string()),
            None => response,
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let status = match &e {
            Error::MissingCredential
            | Error::InvalidCredential
            | Error::MalformedToken
            | Error::InvalidToken
            | Error::ExpiredToken
            | Error::WrongTokenKind
            | Error::TimestampOutOfWindow
            | Error::SignatureMismatch
            | Error::ReplayedRequest
            | Error::InvalidNonce => 401,
            Error::TooManyRequests { .. } | Error::PushBlocked { .. } => 429,
            Error::InsufficientScope | Error::DeviceNotAllowed => 403,
            // The challenge is not (or, after this answer, no longer) in a state that takes the
            // request: too_many_attempts is the answer that ended it, every later one gets
            // challenge_not_pending. Retrying never helps, so not 429 (which means "wait").
            Error::ChallengeNotPending
            | Error::TooManyAttempts
            | Error::ResultAlreadyConsumed
            | Error::ResultNotReady
            | Error::ActionFinal { .. }
            | Error::TransitionNotAllowed { .. } => 409,
            Error::ChallengeExpired => 410,
            _ => 400,
        };
        let mut api = ApiError::new(status, e.code(), e.to_string());
        api.retry_after = e.retry_after_secs();
        api
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_the_three_fields() {
        let r = ApiError::from(Error::ExpiredToken).to_response();
        assert_eq!(r.status, 401);
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["errorCode"], "expired_token");
        assert_eq!(v["error"], "expired_token");
        assert!(v["errorDescription"].as_str().unwrap().contains("expired"));
    }

    #[test]
    fn bad_json_does_not_echo_the_input() {
        let marker = "zqxEchoProbe";
        for text in [
            format!(r#"{{"{marker}": 1}}"#),
            format!(r#"{{"mode": "{marker}"}}"#),
            format!(r#"{{"count": "{marker}"}}"#),
            format!("{{{marker}"),
        ] {
            #[derive(Debug, serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            #[allow(dead_code)]
            struct Body {
                #[serde(default)]
                mode: Option<Mode>,
                #[serde(default)]
                count: Option<u32>,
            }
            #[derive(Debug, serde::Deserialize)]
            enum Mode {
                A,
            }
            let Err(e) = serde_json::from_str::<Body>(&text) else { panic!("{text} parsed") };
            if e.is_data() {
                assert!(e.to_string().contains(marker), "serde's own message quotes it: {e}");
            }
            let api = ApiError::bad_json(&e);
            assert_eq!(api.code, "invalid_request");
            assert!(!api.message.contains(marker), "{}", api.message);
        }
    }

    #[test]
    fn number_match_refusals() {
        let mismatch = ApiError::from(Error::NumberMismatch { attempts_left: Some(2) });
        assert_eq!((mismatch.status, mismatch.code), (400, "number_mismatch"));
        assert!(mismatch.message.ends_with("; 2 attempts left"), "{}", mismatch.message);
        let ended = ApiError::from(Error::TooManyAttempts);
        assert_eq!((ended.status, ended.code, ended.retry_after), (409, "too_many_attempts", None));
    }

    #[test]
    fn retry_after_header() {
        let mut e = ApiError::new(429, "too_many_requests", "slow down");
        e.retry_after = Some(30);
        assert_eq!(e.to_response().header("retry-after"), Some("30"));
    }
}
