//! The states of a challenge and the outcome reported for it.

use serde::{Deserialize, Serialize};

use crate::signature::KeyId;
use crate::UnixMillis;

/// Where a challenge is in its life. Every state but `Pending` is terminal.
///
/// Stored as JSON (`{"status": "pending"}`, `{"status": "answered", …}`, …); `Failed` is
/// `{"status": "failed", "failedAt": …, "reason": "too_many_attempts"}`. Read back by a
/// hand-written `Deserialize` (`state_de.rs`) that accepts exactly what this writes without
/// serde's buffering of internally tagged enums, which cost the Worker ~9 KB of wasm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum ChallengeState {
    /// Waiting for the device.
    Pending,
    /// A device answered.
    Answered(Answer),
    /// The backend withdrew it.
    #[serde(rename_all = "camelCase")]
    Cancelled {
        /// When it was cancelled.
        cancelled_at: UnixMillis,
    },
    /// Nobody answered in time.
    Expired,
    /// It ended without an answer: the device sent [`MAX_WRONG_CODES`] wrong number-match codes.
    /// Reported as [`Status::Denied`], with [`FailureReason`] saying why.
    ///
    /// [`MAX_WRONG_CODES`]: super::MAX_WRONG_CODES
    #[serde(rename_all = "camelCase")]
    Failed {
        /// When it failed (the last wrong code's answer).
        failed_at: UnixMillis,
        /// Why.
        reason: FailureReason,
    },
}

/// Why a challenge ended without an answer from the person, when the service ended it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    /// The device sent too many wrong number-match codes (`too_many_attempts`, the error code the
    /// last of them got).
    TooManyAttempts,
}

impl FailureReason {
    /// The reason as it appears in the API (`failureReason`).
    pub fn as_str(self) -> &'static str {
        match self {
            FailureReason::TooManyAttempts => "too_many_attempts",
        }
    }
}

/// A recorded answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    /// The index of the chosen button (`buttonSelected`).
    pub button: u32,
    /// Whether the chosen button approves (it has `strongAuth`).
    pub approved: bool,
    /// Why the person denied, if they said.
    #[serde(default)]
    pub reason: Option<DenyReason>,
    /// When the answer was accepted.
    pub answered_at: UnixMillis,
    /// The key that signed it.
    pub device_key_id: KeyId,
}

/// Why a person denied a challenge. Signed with the answer: a "not me" triggers defences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DenyReason {
    /// "I didn't start this": a sign of an attack on the account.
    NotMe,
    /// Any other reason.
    Other,
}

impl DenyReason {
    /// The reason as it appears in the signed message and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            DenyReason::NotMe => "not_me",
            DenyReason::Other => "other",
        }
    }
}

/// A challenge's status as the APIs report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// Waiting for the device.
    Pending,
    /// Answered with an approving button.
    Approved,
    /// Answered with a non-approving button, or failed by the service (too many wrong
    /// number-match codes: [`ChallengeState::Failed`]). Either way not approved, for good.
    Denied,
    /// Withdrawn by the backend.
    Cancelled,
    /// Not answered in time.
    Expired,
}

impl Status {
    /// The status as the APIs write it (`pending`, `approved`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Denied => "denied",
            Status::Cancelled => "cancelled",
            Status::Expired => "expired",
        }
    }

    /// Whether no further transition can happen.
    pub fn is_terminal(self) -> bool {
        self != Status::Pending
    }

    /// The Authsignal dialect's `state` for `validateChallenge`.
    pub fn authsignal_state(self) -> &'static str {
        match self {
            Status::Pending => "CHALLENGE_REQUIRED",
            Status::Approved => "CHALLENGE_SUCCEEDED",
            Status::Denied | Status::Cancelled | Status::Expired => "CHALLENGE_FAILED",
        }
    }
}

impl core::fmt::Display for Status {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of a challenge as handed to the backend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// The status.
    pub status: Status,
    /// The chosen button, if answered.
    pub button: Option<u32>,
    /// The deny reason, if given.
    pub reason: Option<DenyReason>,
    /// When it was answered, if it was.
    pub answered_at: Option<UnixMillis>,
    /// Why the service failed it, if it did (then `status` is `Denied`).
    pub failure_reason: Option<FailureReason>,
}
