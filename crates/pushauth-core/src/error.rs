//! The one error type of the core, with a stable string code per reason.
//!
//! Codes are part of the public API: the Worker returns them as `errorCode`, the browser SDK as
//! `error.code`. Each reason maps onto one row of the error table ([`ErrorCode`], its code and
//! HTTP status); a new reason gets a new variant here and, if no row fits, a new row there.

use core::fmt;

use crate::error_code::ErrorCode;

/// Why a core operation refused its input. Each variant is one reason with one stable
/// [`ErrorCode`] ([`Error::error_code`]); the variant carries what its description needs.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A required field is missing or empty.
    FieldRequired {
        /// The field's name in the API (camelCase).
        field: &'static str,
    },
    /// A field is longer than its bound.
    FieldTooLong {
        /// The field's name in the API (camelCase).
        field: &'static str,
        /// The largest length accepted, in bytes (UTF-8) or items.
        max: usize,
    },
    /// A field holds characters it may not hold (control characters, or outside its alphabet).
    InvalidCharacters {
        /// The field's name in the API (camelCase).
        field: &'static str,
    },
    /// A duration is not `<n>s`, `<n>m`, `<n>h` or `<n>d` with `n` a plain decimal number.
    InvalidDuration,
    /// A duration is well formed but shorter or longer than the service accepts.
    DurationOutOfRange {
        /// The shortest accepted duration in seconds.
        min_secs: u64,
        /// The longest accepted duration in seconds.
        max_secs: u64,
    },
    /// A number is outside the range the service can enforce (a setting it would otherwise store
    /// but not honour).
    ValueOutOfRange {
        /// The field's name in the API (camelCase, dotted for nested fields).
        field: &'static str,
        /// The smallest accepted value.
        min: u64,
        /// The largest accepted value.
        max: u64,
    },
    /// Fewer than two buttons were given.
    TooFewButtons,
    /// More buttons than a device can show were given.
    TooManyButtons {
        /// The largest number of buttons accepted.
        max: usize,
    },
    /// A button has an empty title or an over-long title or style.
    InvalidButton {
        /// The button's index in the list.
        index: usize,
    },
    /// A value is not valid base64 / base64url (either alphabet, padded or not, nothing else).
    InvalidEncoding {
        /// What was being decoded.
        what: &'static str,
    },
    /// A public key is not a P-256 key in SPKI DER or SEC1 form, or is not on the curve.
    InvalidPublicKey,
    /// A signature is neither ASN.1 DER nor 64-byte `r‖s`, or has a zero or out-of-range scalar.
    InvalidSignatureEncoding,
    /// A well-formed signature does not verify over the canonical message.
    SignatureMismatch,
    /// The challenge's expiry has passed.
    ChallengeExpired,
    /// The challenge was already answered or cancelled: terminal states are final.
    ChallengeNotPending,
    /// The challenge has no result yet (still pending).
    ResultNotReady,
    /// The result of this challenge was already consumed: results are single use.
    ResultAlreadyConsumed,
    /// The chosen button index is not one of the challenge's buttons.
    ButtonOutOfRange,
    /// The challenge requires number matching and the answer carries no code.
    NumberMatchRequired,
    /// The number-match code in the answer is not the one shown to the user. The challenge stays
    /// pending.
    NumberMismatch {
        /// Wrong codes the challenge still takes before it fails: set once the answer's signature
        /// verified and the wrong code was counted; `None` for a code refused before that (longer
        /// than any code, and not counted).
        attempts_left: Option<u32>,
    },
    /// The number-match code in the answer is wrong for the last allowed time: the challenge
    /// failed (it reads as denied) and takes no more answers.
    TooManyAttempts,
    /// A deny reason was given with an approving button.
    ReasonNotAllowed,
    /// The device key is not enrolled for this challenge's tenant and user.
    DeviceNotAllowed,
    /// A signed device request's timestamp is outside the accepted window.
    TimestampOutOfWindow,
    /// A token is not of the form the service issues.
    MalformedToken,
    /// A token's MAC does not verify.
    InvalidToken,
    /// A token's expiry has passed.
    ExpiredToken,
    /// A token of another kind was presented (a result token where a track token is wanted…).
    WrongTokenKind,
    /// The token does not carry the scope the operation needs.
    InsufficientScope,
    /// A webhook signature header cannot be parsed.
    InvalidWebhookHeader,
    /// A webhook timestamp is further from now than the tolerance.
    WebhookTimestampOutOfTolerance,
    /// No signature in the webhook header matches the payload.
    InvalidWebhookSignature,
    /// A secret is malformed (empty, or a `whsec_` secret that is not base64).
    InvalidSecret,
    /// The number of digits asked for a number-match code is outside 2..=6.
    InvalidCodeLength,
    /// A challenge id is not a lowercase hyphenated UUID.
    InvalidChallengeId,
    /// A URL or origin is malformed, or not `https` (loopback `http` only in development).
    InvalidUrl {
        /// The field's name in the API (camelCase).
        field: &'static str,
    },
    /// A request names a callback that is not whitelisted for its tenant.
    CallbackNotAllowed,
    /// A `redirectUrl` is not on its tenant's allowlist.
    RedirectNotAllowed,
    /// No credentials were presented where they are required.
    MissingCredential,
    /// The presented credentials are malformed or wrong.
    InvalidCredential,
    /// A field has the wrong JSON type.
    InvalidFieldType {
        /// The field's name in the API (camelCase).
        field: &'static str,
    },
    /// Too many pushes to this user: wait before asking again.
    TooManyRequests {
        /// Seconds to wait (`Retry-After`).
        retry_after_secs: u64,
    },
    /// Pushes to this user are blocked after a "not me" answer.
    PushBlocked {
        /// Seconds until the block ends (`Retry-After`).
        retry_after_secs: u64,
    },
    /// An HMAC-signed request was seen before (replay).
    ReplayedRequest,
    /// A device signed more requests within the replay window than its guard holds
    /// (`seen_requests::MAX_SEEN`).
    TooManyDeviceRequests,
    /// A Web Push subscription key is malformed: `keys.p256dh` is not an uncompressed P-256
    /// point, or `keys.auth` is not 16 bytes (both base64 or base64url).
    InvalidPushSubscription {
        /// The key's name in the subscription JSON (`keys.p256dh` or `keys.auth`).
        field: &'static str,
    },
    /// A value does not have the shape its field needs (an email address, an E.164 phone
    /// number, an RFC 3339 date).
    InvalidFormat {
        /// The field's name in the API (camelCase).
        field: &'static str,
    },
    /// An action state that does not exist, or that a backend cannot set.
    InvalidActionState,
    /// The action's state is final: a backend already decided it, or its approval was already
    /// validated.
    ActionFinal {
        /// The action's current state.
        state: &'static str,
    },
    /// A backend asked for a transition the action's state does not allow (e.g. success over a
    /// device's answer).
    TransitionNotAllowed {
        /// The action's current state.
        from: &'static str,
        /// The state asked for.
        to: &'static str,
    },
    /// A device of the Authsignal mobile protocol presented a signing message (nonce) the
    /// service has not issued to its key, or one already used or expired: ask for a new one.
    InvalidNonce,
    /// The Authsignal mobile protocol cannot answer this challenge: it was started with custom
    /// buttons or content (`request/add`) that protocol's apps have no way to show.
    UnsupportedChallenge,
}

impl Error {
    /// Seconds a client should wait before retrying, for the reasons that have one.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Error::TooManyRequests { retry_after_secs } | Error::PushBlocked { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }

    /// The row of the error table this reason reports as: its wire code and HTTP status.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Error::FieldRequired { .. } => ErrorCode::FieldRequired,
            Error::FieldTooLong { .. } => ErrorCode::FieldTooLong,
            Error::InvalidCharacters { .. } => ErrorCode::InvalidCharacters,
            Error::InvalidDuration => ErrorCode::InvalidDuration,
            Error::DurationOutOfRange { .. } => ErrorCode::DurationOutOfRange,
            Error::ValueOutOfRange { .. } => ErrorCode::ValueOutOfRange,
            Error::TooFewButtons => ErrorCode::TooFewButtons,
            Error::TooManyButtons { .. } => ErrorCode::TooManyButtons,
            Error::InvalidButton { .. } => ErrorCode::InvalidButton,
            Error::InvalidEncoding { .. } => ErrorCode::InvalidEncoding,
            Error::InvalidPublicKey => ErrorCode::InvalidPublicKey,
            Error::InvalidSignatureEncoding => ErrorCode::InvalidSignatureEncoding,
            Error::SignatureMismatch => ErrorCode::InvalidSignature,
            Error::ChallengeExpired => ErrorCode::ChallengeExpired,
            Error::ChallengeNotPending => ErrorCode::ChallengeNotPending,
            Error::ResultNotReady => ErrorCode::ResultNotReady,
            Error::ResultAlreadyConsumed => ErrorCode::ResultAlreadyConsumed,
            Error::ButtonOutOfRange => ErrorCode::InvalidButtonIndex,
            Error::NumberMatchRequired => ErrorCode::NumberMatchRequired,
            Error::NumberMismatch { .. } => ErrorCode::NumberMismatch,
            Error::TooManyAttempts => ErrorCode::TooManyAttempts,
            Error::ReasonNotAllowed => ErrorCode::ReasonNotAllowed,
            Error::DeviceNotAllowed => ErrorCode::DeviceNotAllowed,
            Error::TimestampOutOfWindow => ErrorCode::TimestampOutOfWindow,
            Error::MalformedToken => ErrorCode::MalformedToken,
            Error::InvalidToken => ErrorCode::InvalidToken,
            Error::ExpiredToken => ErrorCode::ExpiredToken,
            Error::WrongTokenKind => ErrorCode::WrongTokenKind,
            Error::InsufficientScope => ErrorCode::InsufficientScope,
            Error::InvalidWebhookHeader => ErrorCode::InvalidWebhookHeader,
            Error::WebhookTimestampOutOfTolerance => ErrorCode::WebhookTimestampOutOfTolerance,
            Error::InvalidWebhookSignature => ErrorCode::InvalidWebhookSignature,
            Error::InvalidSecret => ErrorCode::InvalidSecret,
            Error::InvalidCodeLength => ErrorCode::InvalidCodeLength,
            Error::InvalidChallengeId => ErrorCode::InvalidChallengeId,
            Error::InvalidUrl { .. } => ErrorCode::InvalidUrl,
            Error::CallbackNotAllowed => ErrorCode::CallbackNotAllowed,
            Error::RedirectNotAllowed => ErrorCode::RedirectNotAllowed,
            Error::MissingCredential => ErrorCode::MissingCredential,
            Error::InvalidCredential => ErrorCode::InvalidCredential,
            Error::InvalidFieldType { .. } => ErrorCode::InvalidType,
            Error::TooManyRequests { .. } => ErrorCode::TooManyRequests,
            Error::PushBlocked { .. } => ErrorCode::PushBlocked,
            Error::ReplayedRequest => ErrorCode::ReplayedRequest,
            Error::TooManyDeviceRequests => ErrorCode::TooManyDeviceRequests,
            Error::InvalidPushSubscription { .. } => ErrorCode::InvalidPushSubscription,
            Error::InvalidNonce => ErrorCode::InvalidNonce,
            Error::UnsupportedChallenge => ErrorCode::UnsupportedChallenge,
            Error::InvalidFormat { .. } => ErrorCode::InvalidFormat,
            Error::InvalidActionState => ErrorCode::InvalidState,
            Error::ActionFinal { .. } => ErrorCode::ActionFinal,
            Error::TransitionNotAllowed { .. } => ErrorCode::TransitionNotAllowed,
        }
    }

    /// The stable, machine-readable code of this reason (`snake_case`): the
    /// [`error_code`](Self::error_code)'s string.
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::FieldRequired { field } => write!(f, "`{field}` is required"),
            Error::FieldTooLong { field, max } => write!(f, "`{field}` is longer than {max}"),
            Error::InvalidCharacters { field } => {
                write!(f, "`{field}` contains characters it may not contain")
            }
            Error::InvalidDuration => f.write_str(
                "`duration` must be a whole number followed by s, m, h or d (e.g. \"60s\", \"24h\")",
            ),
            Error::DurationOutOfRange { min_secs, max_secs } => write!(
                f,
                "`duration` must be between {min_secs} seconds and {max_secs} seconds"
            ),
            Error::ValueOutOfRange { field, min, max } => {
                write!(f, "`{field}` must be between {min} and {max}")
            }
            Error::TooFewButtons => f.write_str("at least two buttons are required"),
            Error::TooManyButtons { max } => write!(f, "at most {max} buttons are allowed"),
            Error::InvalidButton { index } => write!(
                f,
                "button {index} needs a non-empty `title` (at most 64 bytes), a boolean `strongAuth` and, if set, a string `style` (at most 64 bytes)"
            ),
            Error::InvalidEncoding { what } => write!(f, "`{what}` is not valid base64"),
            Error::InvalidPublicKey => f.write_str(
                "the public key is not a P-256 key in SPKI DER or SEC1 form (base64 or base64url)",
            ),
            Error::InvalidSignatureEncoding => f.write_str(
                "the signature is not an ECDSA P-256 signature in ASN.1 DER or 64-byte r||s form",
            ),
            Error::SignatureMismatch => f.write_str("the signature does not verify"),
            Error::ChallengeExpired => f.write_str("the challenge has expired"),
            Error::ChallengeNotPending => {
                f.write_str("the challenge was already answered or cancelled")
            }
            Error::ResultNotReady => f.write_str("the challenge has not been answered yet"),
            Error::ResultAlreadyConsumed => f.write_str("the result was already used"),
            Error::ButtonOutOfRange => f.write_str("the chosen button does not exist"),
            Error::NumberMatchRequired => {
                f.write_str("this challenge requires the number shown on the sign-in screen")
            }
            Error::NumberMismatch { attempts_left } => {
                f.write_str("the number does not match the one shown on the sign-in screen")?;
                match attempts_left {
                    Some(1) => f.write_str("; 1 attempt left"),
                    Some(n) => write!(f, "; {n} attempts left"),
                    None => Ok(()),
                }
            }
            Error::TooManyAttempts => f.write_str(
                "the number did not match the one shown on the sign-in screen too many times; the request was cancelled",
            ),
            Error::ReasonNotAllowed => f.write_str("a deny reason cannot accompany an approval"),
            Error::DeviceNotAllowed => {
                f.write_str("this device is not enrolled for the challenge's user")
            }
            Error::TimestampOutOfWindow => {
                f.write_str("the request timestamp is too far from the server's time")
            }
            Error::MalformedToken => f.write_str("the token is malformed"),
            Error::InvalidToken => f.write_str("the token is not valid"),
            Error::ExpiredToken => f.write_str("the token has expired"),
            Error::WrongTokenKind => f.write_str("this kind of token cannot be used here"),
            Error::InsufficientScope => f.write_str("the token lacks the scope for this operation"),
            Error::InvalidWebhookHeader => f.write_str("the webhook signature header is malformed"),
            Error::WebhookTimestampOutOfTolerance => {
                f.write_str("the webhook timestamp is outside the tolerance")
            }
            Error::InvalidWebhookSignature => {
                f.write_str("no webhook signature matches the payload")
            }
            Error::InvalidSecret => f.write_str("the secret is malformed"),
            Error::InvalidCodeLength => f.write_str("number-match codes have 2 to 6 digits"),
            Error::InvalidChallengeId => f.write_str("the challenge id is not a valid id"),
            Error::InvalidUrl { field } => write!(
                f,
                "`{field}` must be an https URL without user info or fragment (http only for 127.0.0.1 or localhost in development)"
            ),
            Error::CallbackNotAllowed => {
                f.write_str("the callback is not whitelisted for this request origin")
            }
            Error::RedirectNotAllowed => {
                f.write_str("the redirectUrl is not on this tenant's allowlist")
            }
            Error::MissingCredential => f.write_str("credentials are required"),
            Error::InvalidCredential => f.write_str("the credentials are not valid"),
            Error::InvalidFieldType { field } => write!(f, "`{field}` has the wrong type"),
            Error::TooManyRequests { retry_after_secs } => write!(
                f,
                "too many push requests for this user; try again in {retry_after_secs} s"
            ),
            Error::PushBlocked { retry_after_secs } => write!(
                f,
                "push requests to this user are paused after a report of an unexpected sign-in; try again in {retry_after_secs} s"
            ),
            Error::ReplayedRequest => f.write_str("this signed request was already used"),
            Error::TooManyDeviceRequests => {
                f.write_str("this device signed too many requests in the last three minutes; wait a minute")
            }
            Error::InvalidPushSubscription { field } => write!(
                f,
                "`{field}` is not valid: a push subscription needs `keys.p256dh`, an uncompressed P-256 public key (65 bytes), and `keys.auth`, a 16-byte secret, both base64url"
            ),
            Error::InvalidFormat { field } => write!(f, "`{field}` is not in the expected format"),
            Error::InvalidActionState => f.write_str(
                "`state` must be one of ALLOW, BLOCK, CHALLENGE_FAILED, REVIEW_FAILED, REVIEW_SUCCEEDED (CHALLENGE_SUCCEEDED comes only from a device's signed approval)",
            ),
            Error::ActionFinal { state } => {
                write!(f, "the action is {state} and final: its state can no longer change")
            }
            Error::TransitionNotAllowed { from, to } => {
                write!(f, "an action in state {from} cannot be set to {to}")
            }
            Error::InvalidNonce => f.write_str(
                "no signing message was issued to this key, or it was used or has expired; ask for a new one",
            ),
            Error::UnsupportedChallenge => f.write_str(
                "this challenge has custom buttons or content that the Authsignal mobile protocol cannot show",
            ),
        }
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_come_from_the_table() {
        let e = Error::FieldTooLong { field: "userId", max: 255 };
        assert_eq!((e.error_code(), e.code()), (ErrorCode::FieldTooLong, "field_too_long"));
        assert_eq!(Error::SignatureMismatch.code(), "invalid_signature");
        assert_eq!(Error::ButtonOutOfRange.error_code().status(), 400);
        assert_eq!(
            (Error::InvalidNonce.code(), Error::InvalidNonce.error_code().status()),
            ("invalid_nonce", 401)
        );
        assert_eq!(
            (Error::UnsupportedChallenge.code(), Error::UnsupportedChallenge.error_code().status()),
            ("unsupported_challenge", 400)
        );
        assert_eq!(Error::InvalidActionState.code(), "invalid_state");
        let final_state = Error::ActionFinal { state: "BLOCK" }.error_code();
        assert_eq!((final_state.as_str(), final_state.status()), ("action_final", 409));
        assert_eq!(Error::TooManyRequests { retry_after_secs: 3 }.retry_after_secs(), Some(3));
        assert!(!Error::TooManyAttempts.to_string().is_empty());
    }
}
