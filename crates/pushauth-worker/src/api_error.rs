//! Errors as the HTTP API reports them: a status and a JSON body
//! `{ "error", "errorCode", "errorDescription" }` with a stable `errorCode`.
//!
//! The code is an [`ErrorCode`], a row of the core's one error table, and the status is that
//! row's (one call overrides it: see [`ApiError::with_status`]). There is no way to answer with a
//! code that is not in the table. Internal detail (storage failures, serialisation errors) is
//! never returned to the client.

use pushauth_core::Error;
pub use pushauth_core::ErrorCode;
use serde::Serialize;

use crate::http::ApiResponse;

/// An error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status: the code's, unless [`with_status`](Self::with_status) changed it.
    pub status: u16,
    /// The stable machine-readable code.
    pub code: ErrorCode,
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
    /// An error with a code (its status is the table's) and a description.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { status: code.status(), code, message: message.into(), retry_after: None }
    }

    /// The same error with another status than its code's: only for a code whose row says its
    /// status is not fixed (the demo backend passes on the status of the call that failed).
    pub fn with_status(self, status: u16) -> Self {
        ApiError { status, ..self }
    }

    /// A thing that does not exist (or belongs to someone else): `"{what} not found"`.
    pub fn not_found(code: ErrorCode, what: &str) -> Self {
        Self::new(code, format!("{what} not found"))
    }

    /// 400 for a body that is not the JSON the route expects.
    ///
    /// serde's own message is not used: it quotes unknown field names, unknown variants and
    /// wrong values, and descriptions never repeat what the request sent. The position is kept.
    pub fn bad_json(detail: &serde_json::Error) -> Self {
        Self::bad_json_at(detail, detail.line() != 0)
    }

    /// 400 for a part of a body, read apart from the body (`pushauth_core::json_value`), that
    /// is not what the route expects: as [`ApiError::bad_json`], without a position, since the
    /// error's is in the part's own text and not in the body the caller sent.
    pub fn bad_json_value(detail: &serde_json::Error) -> Self {
        Self::bad_json_at(detail, false)
    }

    fn bad_json_at(detail: &serde_json::Error, with_position: bool) -> Self {
        let what = match detail.classify() {
            serde_json::error::Category::Data => "does not have the fields and types this call expects",
            _ => "is not valid JSON",
        };
        let message = if with_position {
            format!("the request body {what} (line {}, column {})", detail.line(), detail.column())
        } else {
            format!("the request body {what}")
        };
        Self::new(ErrorCode::InvalidRequest, message)
    }

    /// 413 for an oversized body.
    pub fn too_large() -> Self {
        Self::new(ErrorCode::PayloadTooLarge, "the request body is larger than 64 KiB")
    }

    /// 503 when storage failed; the detail stays in the logs.
    pub fn storage() -> Self {
        Self::new(ErrorCode::StorageUnavailable, "storage is unavailable; try again")
    }

    /// 401 when no credentials were sent.
    pub fn unauthorized(message: &str) -> Self {
        Self::new(ErrorCode::MissingCredential, message)
    }

    /// The JSON response.
    pub fn to_response(&self) -> ApiResponse {
        let code = self.code.as_str();
        let body = Body { error: code, error_code: code, error_description: &self.message };
        let response = ApiResponse::json(self.status, &body);
        match self.retry_after {
            Some(secs) => response.with_header("retry-after", &secs.to_string()),
            None => response,
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let mut api = ApiError::new(e.error_code(), e.to_string());
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
            assert_eq!(api.code, ErrorCode::InvalidRequest);
            assert!(!api.message.contains(marker), "{}", api.message);
        }
    }

    #[test]
    fn number_match_refusals() {
        let mismatch = ApiError::from(Error::NumberMismatch { attempts_left: Some(2) });
        assert_eq!((mismatch.status, mismatch.code.as_str()), (400, "number_mismatch"));
        assert!(mismatch.message.ends_with("; 2 attempts left"), "{}", mismatch.message);
        let ended = ApiError::from(Error::TooManyAttempts);
        assert_eq!((ended.status, ended.code.as_str(), ended.retry_after), (409, "too_many_attempts", None));
    }

    #[test]
    fn statuses_come_from_the_table() {
        // The statuses the core's reasons had before the table (a wire contract): 401 for
        // credentials, tokens and device signatures, 403 scope and device, 409 for a challenge
        // that no longer takes the request, 410 expired, 429 limits, 400 for everything else.
        let expected = |code: &str| match code {
            "missing_credential"
            | "invalid_credential"
            | "malformed_token"
            | "invalid_token"
            | "expired_token"
            | "wrong_token_kind"
            | "timestamp_out_of_window"
            | "invalid_signature"
            | "replayed_request"
            | "invalid_nonce" => 401,
            "too_many_requests" | "push_blocked" => 429,
            "insufficient_scope" | "device_not_allowed" => 403,
            "challenge_not_pending"
            | "too_many_attempts"
            | "result_already_consumed"
            | "result_not_ready"
            | "action_final"
            | "transition_not_allowed" => 409,
            "challenge_expired" => 410,
            _ => 400,
        };
        let reasons = [
            Error::FieldRequired { field: "x" },
            Error::InvalidPublicKey,
            Error::SignatureMismatch,
            Error::ChallengeExpired,
            Error::ResultNotReady,
            Error::ButtonOutOfRange,
            Error::DeviceNotAllowed,
            Error::TimestampOutOfWindow,
            Error::WrongTokenKind,
            Error::InsufficientScope,
            Error::InvalidWebhookSignature,
            Error::RedirectNotAllowed,
            Error::MissingCredential,
            Error::InvalidFieldType { field: "x" },
            Error::PushBlocked { retry_after_secs: 9 },
            Error::ReplayedRequest,
            Error::InvalidPushSubscription { field: "keys.auth" },
            Error::InvalidNonce,
            Error::UnsupportedChallenge,
            Error::InvalidFormat { field: "email" },
            Error::InvalidActionState,
            Error::ActionFinal { state: "BLOCK" },
            Error::TransitionNotAllowed { from: "ALLOW", to: "BLOCK" },
        ];
        for e in reasons {
            let api = ApiError::from(e.clone());
            assert_eq!((api.status, api.code), (expected(e.code()), e.error_code()), "{e:?}");
        }
        let passed_on = ApiError::new(ErrorCode::DemoBackendError, "x").with_status(409);
        assert_eq!((passed_on.to_response().status, passed_on.code.as_str()), (409, "demo_backend_error"));
    }

    #[test]
    fn retry_after_header() {
        let mut e = ApiError::new(ErrorCode::TooManyRequests, "slow down");
        e.retry_after = Some(30);
        assert_eq!(e.to_response().header("retry-after"), Some("30"));
    }
}
