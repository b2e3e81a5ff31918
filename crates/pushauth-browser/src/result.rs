//! What the SDK's calls resolve to, mirroring `@authsignal/browser`: `{ data }` on success, or
//! `{ error, errorCode, errorDescription }`. API errors are results, never exceptions. Also the
//! wire shapes of the Worker's answers and the mapping from an HTTP answer to a result.

use crate::error_code::{ErrorCode, EXPIRED_TOKEN};
use alloc::borrow::ToOwned;
use alloc::string::String;

#[cfg(test)]
mod tests;

/// An error as a result: `error` and `errorCode` are the stable code, `errorDescription` a
/// sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorResult {
    /// The code again, for code written against `@authsignal/browser`'s deprecated `error`.
    pub error: String,
    /// The stable code: the Worker's `errorCode`, or one of [`ErrorCode`].
    pub error_code: String,
    /// A human-readable explanation.
    pub error_description: String,
}

impl ErrorResult {
    /// An error the SDK made itself.
    pub fn sdk(code: ErrorCode) -> Self {
        Self::new(code.as_str(), code.description())
    }

    /// An error with a code and a description.
    pub fn new(code: &str, description: &str) -> Self {
        ErrorResult {
            error: code.to_owned(),
            error_code: code.to_owned(),
            error_description: description.to_owned(),
        }
    }

    /// Whether this is the Worker saying the track token has expired.
    pub fn is_expired_token(&self) -> bool {
        self.error_code == EXPIRED_TOKEN
    }
}

/// A call's result as JavaScript receives it.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply<T> {
    /// Success: `{ data }`.
    Data {
        /// The answer.
        data: T,
    },
    /// Failure: `{ error, errorCode, errorDescription }`.
    Error(ErrorResult),
}

/// The error body of every Worker error: `{ error, errorCode, errorDescription }`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WireError {
    /// The code (the same as `errorCode` on pushauth).
    pub error: Option<String>,
    /// The stable code.
    pub error_code: Option<String>,
    /// The explanation.
    pub error_description: Option<String>,
}

/// `POST /v1/client/challenge/push`'s answer, and what `push.challenge` resolves to (`data`).
#[derive(Debug, Clone, PartialEq)]
pub struct ChallengeData {
    /// The challenge to verify or wait for.
    pub challenge_id: String,
    /// The number to show when the tenant requires number matching.
    pub verification_code: Option<String>,
    /// When the challenge expires (Unix milliseconds).
    pub expires_at: Option<f64>,
}

/// `POST /v1/client/verify/push`'s answer as the Worker sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireVerify {
    /// Whether the challenge is finished.
    pub is_consumed: bool,
    /// Whether it was approved.
    pub is_verified: bool,
    /// `pending`, `approved`, `denied`, `expired` or `cancelled`.
    pub status: Option<String>,
    /// Why the service ended the challenge unanswered (`too_many_attempts`), if it did.
    pub failure_reason: Option<String>,
    /// The single-use result token, once approved.
    pub access_token: Option<String>,
}

/// What `push.verify` resolves to (`data`): the wire answer with `accessToken` renamed `token`,
/// as `@authsignal/browser` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyData {
    /// Whether the challenge is finished (approved, denied, expired or cancelled).
    pub is_consumed: bool,
    /// Whether it was approved.
    pub is_verified: bool,
    /// `pending`, `approved`, `denied`, `expired` or `cancelled`.
    pub status: Option<String>,
    /// Why the service ended the challenge unanswered (`too_many_attempts`: the device sent
    /// too many wrong numbers; `status` is then `denied`), if it did.
    pub failure_reason: Option<String>,
    /// The result token for the backend's `validate`, once approved.
    pub token: Option<String>,
}

impl From<WireVerify> for VerifyData {
    fn from(w: WireVerify) -> Self {
        VerifyData {
            is_consumed: w.is_consumed,
            is_verified: w.is_verified,
            status: w.status,
            failure_reason: w.failure_reason,
            token: w.access_token,
        }
    }
}

/// A response body as far as it could be read.
#[derive(Debug, Clone, PartialEq)]
pub enum Body<T> {
    /// The documented success shape.
    Expected(T),
    /// The documented error shape.
    Error(WireError),
    /// Neither (not JSON, or another shape).
    Unreadable,
}

/// One call's outcome, before it becomes a [`Reply`] or a poller outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer<T> {
    /// 2xx with the documented body.
    Data(T),
    /// An error that asking again will not fix (4xx, no token, unexpected body).
    Error(ErrorResult),
    /// 429: asking again later may work.
    RateLimited {
        /// The error to report if the caller does not retry.
        error: ErrorResult,
        /// `Retry-After`, in seconds, when present and readable.
        retry_after_secs: Option<u32>,
    },
    /// A network error or a 5xx: asking again may work.
    Transient(ErrorResult),
    /// The caller's signal aborted the call.
    Aborted,
}

impl<T> Answer<T> {
    /// Maps an HTTP answer: its status, its body as read, and its `Retry-After` in seconds.
    pub fn from_http(status: u16, body: Body<T>, retry_after_secs: Option<u32>) -> Self {
        let error_or = |body: Body<T>, fallback: ErrorCode| match body {
            Body::Error(wire) => from_wire(wire, fallback),
            Body::Expected(_) | Body::Unreadable => ErrorResult::sdk(fallback),
        };
        match status {
            200..=299 => match body {
                Body::Expected(data) => Answer::Data(data),
                Body::Error(_) | Body::Unreadable => {
                    Answer::Error(ErrorResult::sdk(ErrorCode::UnexpectedResponse))
                }
            },
            429 => {
                Answer::RateLimited { error: error_or(body, ErrorCode::TooManyRequests), retry_after_secs }
            }
            500..=599 => Answer::Transient(error_or(body, ErrorCode::ServerError)),
            _ => Answer::Error(error_or(body, ErrorCode::UnexpectedResponse)),
        }
    }

    /// The error this answer carries, if any (an abort counts as the `aborted` error).
    pub fn error(&self) -> Option<ErrorResult> {
        match self {
            Answer::Data(_) => None,
            Answer::Error(e) | Answer::RateLimited { error: e, .. } | Answer::Transient(e) => Some(e.clone()),
            Answer::Aborted => Some(ErrorResult::sdk(ErrorCode::Aborted)),
        }
    }

    /// Reads the data of a successful answer with `read`; data without the documented shape
    /// (`read` gives `None`) makes the answer an `unexpected_response` error.
    pub fn and_then_data<U>(self, read: impl FnOnce(T) -> Option<U>) -> Answer<U> {
        match self {
            Answer::Data(data) => read(data)
                .map_or_else(|| Answer::Error(ErrorResult::sdk(ErrorCode::UnexpectedResponse)), Answer::Data),
            Answer::Error(e) => Answer::Error(e),
            Answer::RateLimited { error, retry_after_secs } => {
                Answer::RateLimited { error, retry_after_secs }
            }
            Answer::Transient(e) => Answer::Transient(e),
            Answer::Aborted => Answer::Aborted,
        }
    }

    /// The answer as the caller of a single call (`challenge`, `verify`) receives it.
    pub fn into_reply<U>(self, map: impl FnOnce(T) -> U) -> Reply<U> {
        match self {
            Answer::Data(data) => Reply::Data { data: map(data) },
            other => {
                Reply::Error(other.error().unwrap_or_else(|| ErrorResult::sdk(ErrorCode::UnexpectedResponse)))
            }
        }
    }
}

/// The Worker's error body as a result; an empty or missing code becomes `fallback`.
fn from_wire(wire: WireError, fallback: ErrorCode) -> ErrorResult {
    let code = wire
        .error_code
        .or(wire.error)
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| fallback.as_str().to_owned());
    let description = wire.error_description.unwrap_or_else(|| fallback.description().to_owned());
    ErrorResult::new(&code, &description)
}
