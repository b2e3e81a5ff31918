//! Every error code pushauth reports, in one table: the only place a code is defined.
//!
//! [`ErrorCode`] holds the codes the Worker answers with (`errorCode` in the JSON body), each with
//! its HTTP status and a one-line meaning; [`ClientErrorCode`] the codes the browser SDK and the
//! pages make themselves when there is no answer to report (offline, aborted, a blocked popup).
//! Everything else is generated from these two tables or typed by them:
//!
//! - the core's [`Error`](crate::Error) maps each reason onto an [`ErrorCode`] with one `match`;
//! - the Worker's `ApiError` is built from an [`ErrorCode`] (its status comes from here; the one
//!   code whose status is not fixed, `demo_backend_error`, says so in its row and sets it with
//!   `ApiError::with_status`);
//! - `cargo xtask error-codes` writes the table in `docs/api.md`, the browser SDK's constants
//!   (`crates/pushauth-browser/src/error_table.rs`: the SDK does not link the core) and its
//!   TypeScript union `PushAuthErrorCode`, and `www/assets/error-codes.js` (the pages import
//!   that); `cargo xtask error-codes --check` (in `scripts/test.sh`) fails when one is stale.
//!
//! # Adding a code
//!
//! 1. Add one row to the table below: `VariantName = "snake_case_code", status => "meaning";` (the
//!    meaning is one line, lowercase, no final period; it becomes the variant's doc and the docs'
//!    table row). A code is never renamed or reused: a new reason gets a new row.
//! 2. Change the call site from `ApiError::new(status, "code", description)` to
//!    `ApiError::new(ErrorCode::VariantName, description)`; `ApiError::not_found("code", what)`
//!    becomes `ApiError::not_found(ErrorCode::VariantName, what)`.
//! 3. Run `cargo xtask error-codes` and commit what it wrote.
//!
//! A code the SDK or a page makes itself (never sent by the Worker) goes in [`ClientErrorCode`]
//! instead, without a status: `VariantName = "snake_case_code" => "meaning";`.
//!
//! The unit tests below check every code is unique across both tables and `snake_case`, and every
//! status a 4xx or 5xx.

use core::fmt;
use core::str::FromStr;

/// Builds a code enum from its table: the enum (each meaning is its variant's doc), `ALL`,
/// `as_str`, `meaning`, parsing with [`FromStr`], [`fmt::Display`], and `status` when the table
/// has a status column.
macro_rules! code_table {
    (
        $(#[$enum_meta:meta])*
        pub enum $name:ident {
            $( $variant:ident = $code:literal $(, $status:literal)? => $meaning:literal; )*
        }
    ) => {
        $(#[$enum_meta])*
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( #[doc = $meaning] $variant, )*
        }

        impl $name {
            /// Every code of the table, in table order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The code as it goes on the wire (`snake_case`, stable).
            #[inline]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)*
                }
            }

            /// What the code means, in one line (for docs and people, never parsed).
            pub const fn meaning(self) -> &'static str {
                match self {
                    $($name::$variant => $meaning,)*
                }
            }

            code_table!(@status $name $( $variant $($status)? ; )*);
        }

        impl FromStr for $name {
            type Err = UnknownCode;

            /// The code whose [`as_str`](Self::as_str) is `s`, exactly.
            fn from_str(s: &str) -> Result<Self, UnknownCode> {
                match s {
                    $($code => Ok($name::$variant),)*
                    _ => Err(UnknownCode),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
    // A table with a status column gets `status()`; one without gets nothing more.
    (@status $name:ident $( $variant:ident $status:literal ; )+) => {
        /// The HTTP status the Worker answers with this code.
        pub const fn status(self) -> u16 {
            match self {
                $($name::$variant => $status,)*
            }
        }
    };
    (@status $name:ident $( $variant:ident ; )*) => {};
}

/// A string that is not a code of the table it was parsed as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownCode;

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a pushauth error code")
    }
}

impl core::error::Error for UnknownCode {}

code_table! {
    /// A code the Worker answers with, as `errorCode` (and `error`) of the JSON error body, with
    /// the HTTP status it goes with. Rows: `Variant = "code", status => "meaning";`; see the
    /// [module docs](self) for how to add one.
    pub enum ErrorCode {
        // Requests: shape, size, routing.
        InvalidRequest = "invalid_request", 400 => "the request body or a parameter is not what the call expects";
        PayloadTooLarge = "payload_too_large", 413 => "the request body is larger than 64 KiB";
        InvalidPath = "invalid_path", 400 => "the URL path is not valid percent-encoded UTF-8";
        RouteNotFound = "route_not_found", 404 => "no route has this path";
        MethodNotAllowed = "method_not_allowed", 405 => "the path exists but not with this method";
        UpgradeRequired = "upgrade_required", 426 => "this path opens a WebSocket and the request did not ask for one";

        // Fields (the core's validation).
        FieldRequired = "field_required", 400 => "a required field is missing or empty";
        FieldTooLong = "field_too_long", 400 => "a field is longer than its bound";
        InvalidCharacters = "invalid_characters", 400 => "a field holds characters it may not hold";
        InvalidType = "invalid_type", 400 => "a field has the wrong JSON type";
        InvalidFormat = "invalid_format", 400 => "a value does not have its field's shape (an email address, an E.164 phone number, an RFC 3339 date)";
        InvalidDuration = "invalid_duration", 400 => "a duration is not a whole number followed by s, m, h or d";
        DurationOutOfRange = "duration_out_of_range", 400 => "a duration is shorter or longer than the service accepts";
        ValueOutOfRange = "value_out_of_range", 400 => "a number is outside the range the service can enforce";
        TooFewButtons = "too_few_buttons", 400 => "fewer than two buttons were given";
        TooManyButtons = "too_many_buttons", 400 => "more buttons than a device can show were given";
        InvalidButton = "invalid_button", 400 => "a button has an empty or over-long title or style";
        InvalidEncoding = "invalid_encoding", 400 => "a value is not valid base64 or base64url";
        InvalidPublicKey = "invalid_public_key", 400 => "a public key is not a P-256 key in SPKI DER or SEC1 form";
        InvalidSignatureEncoding = "invalid_signature_encoding", 400 => "a signature is neither ASN.1 DER nor a raw 64-byte (r, s)";
        InvalidSecret = "invalid_secret", 400 => "a secret is malformed";
        InvalidCodeLength = "invalid_code_length", 400 => "a number-match code length is outside 2 to 6 digits";
        InvalidChallengeId = "invalid_challenge_id", 400 => "a challenge id is not a lowercase hyphenated UUID";
        InvalidUrl = "invalid_url", 400 => "a URL or origin is malformed or not https";
        InvalidPushSubscription = "invalid_push_subscription", 400 => "a Web Push subscription key is malformed";
        InvalidScope = "invalid_scope", 400 => "a track request asks for a scope that does not exist";
        InvalidState = "invalid_state", 400 => "an action state that does not exist, or that a backend cannot set";
        ActionMismatch = "action_mismatch", 400 => "the action differs from the one the token was tracked for";
        CallbackNotAllowed = "callback_not_allowed", 400 => "the callback is not whitelisted for this tenant";
        RedirectNotAllowed = "redirect_not_allowed", 400 => "the redirectUrl is not on the tenant's allowlist";

        // Credentials and tokens.
        MissingCredential = "missing_credential", 401 => "no credentials were sent where they are required";
        InvalidCredential = "invalid_credential", 401 => "the credentials are malformed or wrong";
        TokenNotSet = "token_not_set", 401 => "the call needs a track token and none was sent";
        MalformedToken = "malformed_token", 401 => "the token is not of the form the service issues";
        InvalidToken = "invalid_token", 401 => "the token's MAC does not verify";
        ExpiredToken = "expired_token", 401 => "the token has expired";
        WrongTokenKind = "wrong_token_kind", 401 => "a token of another kind was presented";
        InvalidTicket = "invalid_ticket", 401 => "the device socket ticket is unknown, used or expired";
        TimestampOutOfWindow = "timestamp_out_of_window", 401 => "a signed request's timestamp is too far from the server's time";
        InvalidSignature = "invalid_signature", 401 => "a well-formed signature does not verify";
        ReplayedRequest = "replayed_request", 401 => "a signed request was seen before";
        InvalidNonce = "invalid_nonce", 401 => "no signing message was issued to this key, or it was used or has expired (Authsignal mobile)";
        InsufficientScope = "insufficient_scope", 403 => "the token lacks the scope for this operation";
        DeviceNotAllowed = "device_not_allowed", 403 => "the device is not enrolled for this tenant and user";
        OriginNotAllowed = "origin_not_allowed", 403 => "the browser's origin is not allowed for this tenant";

        // Challenges and answers.
        NoAuthenticator = "no_authenticator", 400 => "the user has no enrolled push device";
        InvalidButtonIndex = "invalid_button_index", 400 => "the chosen button is not one of the challenge's";
        NumberMatchRequired = "number_match_required", 400 => "the challenge needs the number shown and the answer has none";
        NumberMismatch = "number_mismatch", 400 => "the number does not match the one shown; the challenge stays pending";
        ReasonNotAllowed = "reason_not_allowed", 400 => "a deny reason was given with an approving button";
        UnsupportedChallenge = "unsupported_challenge", 400 => "the challenge has custom buttons or content the Authsignal mobile protocol cannot show";
        ChallengeNotPending = "challenge_not_pending", 409 => "the challenge was already answered or cancelled";
        TooManyAttempts = "too_many_attempts", 409 => "the number was wrong for the last allowed time; the challenge failed";
        ResultNotReady = "result_not_ready", 409 => "the challenge has no result yet";
        ResultAlreadyConsumed = "result_already_consumed", 409 => "the challenge's result was already used";
        KeyAlreadyEnrolled = "key_already_enrolled", 409 => "the device key is enrolled for another user";
        ActionFinal = "action_final", 409 => "a backend already decided the action, or its approval was validated: its state can no longer change";
        TransitionNotAllowed = "transition_not_allowed", 409 => "the action's state does not allow the transition a backend asked for";
        ChallengeExpired = "challenge_expired", 410 => "the challenge's expiry has passed";

        // Limits.
        TooManyRequests = "too_many_requests", 429 => "too many pushes to this user; wait for Retry-After";
        PushBlocked = "push_blocked", 429 => "pushes to this user are paused after a \"not me\" answer; wait for Retry-After";
        TooManySockets = "too_many_sockets", 429 => "this user has too many open sockets; poll instead";
        TooManyDeviceRequests = "too_many_device_requests", 429 => "a device signed more than 180 requests in 3 minutes (its replay guard is full); wait a minute";

        // Things that do not exist (or belong to someone else).
        TenantNotFound = "tenant_not_found", 404 => "no tenant has this id";
        ChallengeNotFound = "challenge_not_found", 404 => "no challenge of this user has this id";
        ActionNotFound = "action_not_found", 404 => "no tracked action of this user has this id";
        AuthenticatorNotFound = "authenticator_not_found", 404 => "no authenticator of this user has this id";
        RequestNotFound = "request_not_found", 404 => "no request has this id (Privakey CX)";
        EvidenceNotFound = "evidence_not_found", 404 => "this challenge has no evidence: no device answered it with a signed answer kept as evidence";
        WebPushNotConfigured = "web_push_not_configured", 404 => "this deployment does not send Web Push (no VAPID key)";
        DemoDisabled = "demo_disabled", 404 => "the demo is not enabled on this deployment";

        // Admin.
        TenantExists = "tenant_exists", 409 => "a tenant with this id exists";
        SecretInUse = "secret_in_use", 409 => "this secret is already used by a tenant";
        DeliveryNotFound = "delivery_not_found", 404 => "no delivery of this challenge has this id";
        DeliveryNotRetryable = "delivery_not_retryable", 409 => "the delivery was delivered, is an expiry reminder, or already has an attempt due";

        // Webhooks (verifying a signed callback: the core and the demo backend).
        InvalidWebhookHeader = "invalid_webhook_header", 400 => "a webhook signature header cannot be parsed";
        WebhookTimestampOutOfTolerance = "webhook_timestamp_out_of_tolerance", 400 => "a webhook timestamp is further from now than the tolerance";
        InvalidWebhookSignature = "invalid_webhook_signature", 400 => "no signature in the webhook header matches the payload";

        // Demo and bench routes.
        DemoBackendError = "demo_backend_error", 400 => "the service refused the demo backend's call (answered with that call's status)";
        QrTooLong = "qr_too_long", 400 => "the link is too long for a QR code";
        InvalidAmount = "invalid_amount", 400 => "the demo payment's amount is not a number such as 49.90";
        InvalidIterations = "invalid_iterations", 400 => "bench iterations must be 1 to 1000";
        InvalidEngine = "invalid_engine", 400 => "the bench engine must be reference, webcrypto or both";

        // The deployment (never the client's fault; retry or fix the configuration).
        StorageUnavailable = "storage_unavailable", 503 => "storage is unavailable; try again";
        RandomUnavailable = "random_unavailable", 503 => "no randomness is available; try again";
        NotConfigured = "not_configured", 503 => "a binding or secret the call needs is missing or invalid";
    }
}

code_table! {
    /// A code the browser SDK or the pages make themselves, never sent by the Worker: the call
    /// got no answer to report, or was refused before it was sent. Rows:
    /// `Variant = "code" => "meaning";`.
    pub enum ClientErrorCode {
        NetworkError = "network_error" => "the service could not be reached (offline, DNS, TLS or a CORS refusal)";
        ServerError = "server_error" => "the service failed (5xx) and sent no error body";
        UnexpectedResponse = "unexpected_response" => "the service answered with something that is not the documented JSON";
        Aborted = "aborted" => "the caller's AbortSignal fired";
        Timeout = "timeout" => "waitForResult's timeoutMs passed before the challenge finished";
        InvalidArgument = "invalid_argument" => "an argument is missing or has the wrong type";
        PopupBlocked = "popup_blocked" => "the browser did not open the window (a popup blocker)";
        PopupAlreadyOpen = "popup_already_open" => "another pushauth popup is already open";
        SdkLoadFailed = "sdk_load_failed" => "the browser SDK's WebAssembly did not load (a failed request, a CSP without 'wasm-unsafe-eval'); a later call tries again";
        BrowserRequired = "browser_required" => "the browser SDK was called where there is no browser (server-side rendering); it loads nothing there";
    }
}

#[cfg(test)]
mod tests;
