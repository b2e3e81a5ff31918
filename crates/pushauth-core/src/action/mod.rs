//! Actions: what a backend tracked (`track`), the state each is in, the rules by which a backend
//! may change that state (`updateAction`), and the bounded per-user log that keeps them
//! (`getAction`, `queryUserActions`).
//!
//! An action's state follows its latest challenge until a backend decides it:
//!
//! ```text
//! track ──▶ ALLOW (no device) | CHALLENGE_REQUIRED
//! CHALLENGE_REQUIRED ──device approves──▶ CHALLENGE_SUCCEEDED
//!                    ──device denies, fails, expires, is cancelled──▶ CHALLENGE_FAILED
//! (any of these) ──backend: BLOCK, CHALLENGE_FAILED, REVIEW_FAILED──▶ that state, final
//! ALLOW / CHALLENGE_REQUIRED without a challenge ──backend: ALLOW, REVIEW_SUCCEEDED──▶ that state, final
//! ```
//!
//! The rules ([`ActionRecord::decide`]): a backend (authenticated with the tenant's secret, so
//! trusted) may always *lower* an action's trust, until its approval was validated: a pending
//! challenge is then cancelled and an approval not yet validated is revoked. It may *raise* it
//! (`ALLOW`, `REVIEW_SUCCEEDED`) only while no challenge has started: it never overrides a
//! device's answer. Nobody but a device's signed approval makes an action `CHALLENGE_SUCCEEDED`.
//! A backend's decision is final: it is never changed again, and the track token can start no
//! new challenge for the action. None of this mints a result: `validate` only ever accepts the
//! result token of a device's approval.

use alloc::{borrow::ToOwned, string::String, vec::Vec};

use serde::{Deserialize, Serialize};

use crate::challenge::{Challenge, ChallengeState, Status};
use crate::ids::{ActionCode, ChallengeId};
use crate::{Error, UnixMillis};

/// The most actions a user's log keeps (the oldest are dropped first).
pub const MAX_ACTIONS: usize = 100;
/// How long a user's log keeps an action: 30 days after it was tracked.
pub const ACTION_RETENTION_MS: u64 = 30 * 24 * 3600 * 1000;

/// An action's state, as the Authsignal API names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActionState {
    /// Allowed without a challenge (the user has no device), or allowed by the backend.
    Allow,
    /// Blocked by the backend.
    Block,
    /// A push challenge is needed, or running.
    ChallengeRequired,
    /// A device approved the challenge.
    ChallengeSucceeded,
    /// The challenge was denied, failed, expired or cancelled; or the backend failed the action.
    ChallengeFailed,
    /// Waiting for a review (never set by this service; accepted in filters).
    ReviewRequired,
    /// A reviewer allowed the action (set by the backend).
    ReviewSucceeded,
    /// A reviewer refused the action (set by the backend).
    ReviewFailed,
}

impl ActionState {
    /// Every state, in the order the API documents them.
    pub const ALL: [ActionState; 8] = [
        ActionState::Allow,
        ActionState::Block,
        ActionState::ChallengeRequired,
        ActionState::ChallengeSucceeded,
        ActionState::ChallengeFailed,
        ActionState::ReviewRequired,
        ActionState::ReviewSucceeded,
        ActionState::ReviewFailed,
    ];

    /// The state as the API spells it (`CHALLENGE_SUCCEEDED`).
    pub fn as_str(self) -> &'static str {
        match self {
            ActionState::Allow => "ALLOW",
            ActionState::Block => "BLOCK",
            ActionState::ChallengeRequired => "CHALLENGE_REQUIRED",
            ActionState::ChallengeSucceeded => "CHALLENGE_SUCCEEDED",
            ActionState::ChallengeFailed => "CHALLENGE_FAILED",
            ActionState::ReviewRequired => "REVIEW_REQUIRED",
            ActionState::ReviewSucceeded => "REVIEW_SUCCEEDED",
            ActionState::ReviewFailed => "REVIEW_FAILED",
        }
    }

    /// Parses a state as the API spells it; anything else is [`Error::InvalidActionState`].
    pub fn parse(text: &str) -> Result<Self, Error> {
        ActionState::ALL.into_iter().find(|s| s.as_str() == text).ok_or(Error::InvalidActionState)
    }

    /// Whether a backend setting this state lowers the action's trust (always allowed until the
    /// approval was validated).
    fn lowers(self) -> bool {
        matches!(self, ActionState::Block | ActionState::ChallengeFailed | ActionState::ReviewFailed)
    }

    /// Whether a backend setting this state raises the action's trust (allowed only before any
    /// challenge started).
    fn raises(self) -> bool {
        matches!(self, ActionState::Allow | ActionState::ReviewSucceeded)
    }
}

/// Where an action's challenge is, as far as a backend's decision is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengePhase {
    /// No challenge has started for the action.
    NotStarted,
    /// A challenge is waiting for the device.
    Pending,
    /// A device approved.
    Approved {
        /// Whether its result was validated, or can no longer be (the challenge is gone).
        result_used: bool,
    },
    /// The challenge ended without an approval (denied, failed, expired, cancelled).
    Ended,
}

/// What the caller must do to the action's challenge for a backend's decision to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Nothing: no challenge is running and no approval is waiting to be validated.
    None,
    /// Cancel the pending challenge (its devices, sockets and callback are told).
    CancelChallenge,
    /// Revoke the approval: its result token must no longer validate.
    RevokeResult,
}

/// One tracked action in a user's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionRecord {
    /// The action code (`signIn`).
    pub action: String,
    /// Its idempotency key.
    pub idempotency_key: String,
    /// When it was tracked.
    pub created_at: UnixMillis,
    /// Its state, as last recorded (a pending challenge past its expiry reads as failed:
    /// [`ActionRecord::state_at`]).
    pub state: ActionState,
    /// When the state last changed.
    pub state_updated_at: UnixMillis,
    /// Its latest challenge, once one started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_id: Option<ChallengeId>,
    /// When that challenge expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_expires_at: Option<UnixMillis>,
    /// The device key that approved, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_by: Option<String>,
    /// Whether a backend decided the state (then it is final).
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub decided: bool,
}

impl ActionRecord {
    /// A just-tracked action: `CHALLENGE_REQUIRED` for a user with a device, `ALLOW` otherwise.
    pub fn tracked(action: &str, idempotency_key: &str, enrolled: bool, now: UnixMillis) -> Self {
        ActionRecord {
            action: action.to_owned(),
            idempotency_key: idempotency_key.to_owned(),
            created_at: now,
            state: if enrolled { ActionState::ChallengeRequired } else { ActionState::Allow },
            state_updated_at: now,
            challenge_id: None,
            challenge_expires_at: None,
            verified_by: None,
            decided: false,
        }
    }

    /// The record of a challenge's action that was never tracked (a Privakey request, or a
    /// challenge older than the log), as the challenge tells it at `now`.
    pub fn of_challenge(challenge: &Challenge, now: UnixMillis) -> Self {
        let mut record = ActionRecord::tracked(&challenge.action, &challenge.idempotency_key, true, now);
        record.created_at = challenge.created_at;
        record.state_updated_at = challenge.created_at;
        record.observe(challenge);
        record
    }

    /// The state at `now`, and since when: a challenge left pending past its expiry has failed.
    pub fn state_at(&self, now: UnixMillis) -> (ActionState, UnixMillis) {
        match self.challenge_expires_at {
            Some(expiry)
                if !self.decided && self.state == ActionState::ChallengeRequired && now >= expiry =>
            {
                (ActionState::ChallengeFailed, expiry)
            }
            _ => (self.state, self.state_updated_at),
        }
    }

    /// Follows the action's latest challenge: records that it started, or how it ended. A
    /// backend's decision is never overwritten. Returns whether the record changed.
    pub fn observe(&mut self, challenge: &Challenge) -> bool {
        if self.decided {
            return false;
        }
        let before = self.clone();
        let (state, at) = match &challenge.state {
            ChallengeState::Pending => (ActionState::ChallengeRequired, challenge.created_at),
            ChallengeState::Answered(a) if a.approved => (ActionState::ChallengeSucceeded, a.answered_at),
            ChallengeState::Answered(a) => (ActionState::ChallengeFailed, a.answered_at),
            ChallengeState::Cancelled { cancelled_at } => (ActionState::ChallengeFailed, *cancelled_at),
            ChallengeState::Failed { failed_at, .. } => (ActionState::ChallengeFailed, *failed_at),
            ChallengeState::Expired => (ActionState::ChallengeFailed, challenge.expires_at),
        };
        self.challenge_id = Some(challenge.id.clone());
        self.challenge_expires_at = Some(challenge.expires_at);
        self.verified_by = match &challenge.state {
            ChallengeState::Answered(a) if a.approved => Some(a.device_key_id.as_str().to_owned()),
            _ => None,
        };
        if state != self.state {
            self.state = state;
            self.state_updated_at = at;
        }
        *self != before
    }

    /// Where the action's challenge is: `challenge` is its latest challenge's record if it still
    /// exists (records outlive their challenge by an hour; an approval whose record is gone can
    /// no longer be validated).
    pub fn phase(&self, challenge: Option<&Challenge>, now: UnixMillis) -> ChallengePhase {
        let Some(id) = &self.challenge_id else {
            return ChallengePhase::NotStarted;
        };
        match challenge.filter(|c| &c.id == id) {
            Some(c) => match c.status_at(now) {
                Status::Pending => ChallengePhase::Pending,
                Status::Approved => ChallengePhase::Approved { result_used: c.result_consumed },
                _ => ChallengePhase::Ended,
            },
            None if self.state == ActionState::ChallengeSucceeded => {
                ChallengePhase::Approved { result_used: true }
            }
            None => ChallengePhase::Ended,
        }
    }

    /// A backend sets the action's state to `requested` (`updateAction`), given where its
    /// challenge is. On success the state is recorded as decided (final) at `now` and the
    /// returned [`Effect`] says what the caller must do to the challenge; on failure nothing
    /// changed.
    ///
    /// - A decided action, or one whose approval was validated, is final: [`Error::ActionFinal`].
    /// - `CHALLENGE_REQUIRED`, `REVIEW_REQUIRED` and `CHALLENGE_SUCCEEDED` are never set by a
    ///   backend: [`Error::InvalidActionState`] (success comes only from a device's signature).
    /// - `BLOCK`, `CHALLENGE_FAILED`, `REVIEW_FAILED` lower trust: always allowed otherwise,
    ///   cancelling a pending challenge or revoking an approval not yet validated.
    /// - `ALLOW`, `REVIEW_SUCCEEDED` raise trust: only before any challenge started, else
    ///   [`Error::TransitionNotAllowed`] (a device's answer, or its wait, is never overridden).
    pub fn decide(
        &mut self,
        requested: ActionState,
        phase: ChallengePhase,
        now: UnixMillis,
    ) -> Result<Effect, Error> {
        let (current, _) = self.state_at(now);
        if self.decided || phase == (ChallengePhase::Approved { result_used: true }) {
            return Err(Error::ActionFinal { state: current.as_str() });
        }
        let effect = if requested.lowers() {
            match phase {
                ChallengePhase::Pending => Effect::CancelChallenge,
                ChallengePhase::Approved { .. } => Effect::RevokeResult,
                ChallengePhase::NotStarted | ChallengePhase::Ended => Effect::None,
            }
        } else if requested.raises() {
            if phase != ChallengePhase::NotStarted {
                return Err(Error::TransitionNotAllowed { from: current.as_str(), to: requested.as_str() });
            }
            Effect::None
        } else {
            return Err(Error::InvalidActionState);
        };
        self.state = requested;
        self.state_updated_at = now;
        self.decided = true;
        Ok(effect)
    }

    /// Whether a new challenge may start for this action: not once a backend decided it.
    pub fn may_start_challenge(&self) -> Result<(), Error> {
        if self.decided {
            Err(Error::ActionFinal { state: self.state.as_str() })
        } else {
            Ok(())
        }
    }

    /// Whether a backend revoked this action's approval (or decided it otherwise): then no
    /// result of its challenges validates.
    pub fn revoked(&self) -> bool {
        self.decided && self.state.lowers()
    }
}

/// Which actions `queryUserActions` returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionFilter {
    /// Only actions tracked at or after this time.
    pub from: Option<UnixMillis>,
    /// Only these action codes (any, when empty).
    pub codes: Vec<ActionCode>,
    /// Only actions in this state (at the time of the query).
    pub state: Option<ActionState>,
}

/// A user's recent actions, oldest first: at most [`MAX_ACTIONS`], none older than
/// [`ACTION_RETENTION_MS`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ActionLog(pub Vec<ActionRecord>);

impl ActionLog {
    /// The action `(action, idempotency_key)`, if the log has it.
    pub fn find(&self, action: &str, idempotency_key: &str) -> Option<&ActionRecord> {
        self.0.iter().rev().find(|r| r.action == action && r.idempotency_key == idempotency_key)
    }

    /// The action `(action, idempotency_key)`, mutably.
    pub fn find_mut(&mut self, action: &str, idempotency_key: &str) -> Option<&mut ActionRecord> {
        self.0.iter_mut().rev().find(|r| r.action == action && r.idempotency_key == idempotency_key)
    }

    /// Adds a record, or replaces the one with the same action and key.
    pub fn put(&mut self, record: ActionRecord) {
        match self.find_mut(&record.action, &record.idempotency_key) {
            Some(existing) => *existing = record,
            None => self.0.push(record),
        }
    }

    /// Drops actions past their retention, then the oldest beyond [`MAX_ACTIONS`].
    pub fn prune(&mut self, now: UnixMillis) {
        self.0.retain(|r| r.created_at + ACTION_RETENTION_MS > now);
        let excess = self.0.len().saturating_sub(MAX_ACTIONS);
        self.0.drain(..excess);
    }

    /// The actions `filter` selects at `now`, newest first, within retention.
    pub fn query(&self, filter: &ActionFilter, now: UnixMillis) -> Vec<&ActionRecord> {
        self.0
            .iter()
            .rev()
            .filter(|r| r.created_at + ACTION_RETENTION_MS > now)
            .filter(|r| filter.from.is_none_or(|from| r.created_at >= from))
            .filter(|r| filter.codes.is_empty() || filter.codes.iter().any(|c| *c == r.action))
            .filter(|r| filter.state.is_none_or(|s| r.state_at(now).0 == s))
            .collect()
    }
}

#[cfg(test)]
mod tests;
