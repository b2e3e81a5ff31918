//! The error codes the SDK itself reports. Codes from the Worker (`expired_token`,
//! `no_authenticator`, `origin_not_allowed`…, see docs/api.md) are passed through unchanged.
//!
//! The strings come from [`error_table`](crate::error_table), the generated copy of the core's
//! one table of codes.

use crate::error_table as code;

/// An error code made by the SDK, stable for JavaScript to `switch` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `setToken` was not called (or was called with an empty token); no request was sent.
    TokenNotSet,
    /// The request did not reach the Worker, or its answer could not be read: offline, DNS,
    /// TLS, or a CORS refusal (an origin that is not on the tenant's list).
    NetworkError,
    /// The Worker asked to slow down (429) and the response carried no error body.
    TooManyRequests,
    /// The Worker failed (5xx) and the response carried no error body.
    ServerError,
    /// The Worker answered with something that is not the documented JSON.
    UnexpectedResponse,
    /// The caller's `AbortSignal` fired.
    Aborted,
    /// `waitForResult`'s `timeoutMs` passed before the challenge finished.
    Timeout,
    /// An argument is missing or has the wrong type (thrown or rejected, not a result).
    InvalidArgument,
    /// `launch` in `window` mode could not open a window (a popup blocker).
    PopupBlocked,
    /// `launch` in `popup` mode while another pushauth popup is open.
    PopupAlreadyOpen,
}

impl ErrorCode {
    /// The code as JavaScript sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::TokenNotSet => code::TOKEN_NOT_SET,
            ErrorCode::NetworkError => code::NETWORK_ERROR,
            ErrorCode::TooManyRequests => code::TOO_MANY_REQUESTS,
            ErrorCode::ServerError => code::SERVER_ERROR,
            ErrorCode::UnexpectedResponse => code::UNEXPECTED_RESPONSE,
            ErrorCode::Aborted => code::ABORTED,
            ErrorCode::Timeout => code::TIMEOUT,
            ErrorCode::InvalidArgument => code::INVALID_ARGUMENT,
            ErrorCode::PopupBlocked => code::POPUP_BLOCKED,
            ErrorCode::PopupAlreadyOpen => code::POPUP_ALREADY_OPEN,
        }
    }

    /// A sentence for `errorDescription`.
    pub fn description(self) -> &'static str {
        match self {
            ErrorCode::TokenNotSet => "A token has not been set. Call 'setToken' first.",
            ErrorCode::NetworkError => "The pushauth service could not be reached.",
            ErrorCode::TooManyRequests => "Too many requests; try again later.",
            ErrorCode::ServerError => "The pushauth service failed; try again.",
            ErrorCode::UnexpectedResponse => "The pushauth service sent an unexpected response.",
            ErrorCode::Aborted => "The wait was aborted.",
            ErrorCode::Timeout => "The challenge did not finish in time.",
            ErrorCode::InvalidArgument => "An argument is missing or invalid.",
            ErrorCode::PopupBlocked => "The browser did not open the window.",
            ErrorCode::PopupAlreadyOpen => "A pushauth popup is already open.",
        }
    }
}

/// The server's code for an expired track token: it fires `onTokenExpired`.
pub const EXPIRED_TOKEN: &str = code::EXPIRED_TOKEN;
