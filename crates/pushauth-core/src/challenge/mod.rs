//! The challenge: one request for a person to approve something on their device.
//!
//! One model serves both API dialects: the Authsignal-style flow (`track` then
//! `push.challenge`, polled with `push.verify`) and the Privakey-style `request/add` (with custom
//! buttons and a callback). The state machine is:
//!
//! ```text
//! pending ──answer──▶ answered(button, time, device)
//!    │  ├──cancel──▶ cancelled
//!    │  └──3rd wrong number-match code──▶ failed(too_many_attempts)
//!    └──(now ≥ expiresAt)──▶ expired
//! ```
//!
//! A validly signed approval with a wrong number-match code leaves the challenge pending but
//! counts ([`Challenge::wrong_codes`]); the [`MAX_WRONG_CODES`]th fails it. Terminal states are
//! final. The *result* of a terminal challenge can be consumed once
//! ([`Challenge::consume_result`]); every illegal transition is an [`Error`].

use alloc::{borrow::ToOwned, string::String, vec::Vec};

pub mod answer;
pub(crate) mod signed_answer;
mod spec;
mod state;
mod state_de;

pub use signed_answer::{SignedAnswer, DEFAULT_EVIDENCE_DAYS};
pub use spec::{
    ChallengeSpec, Dialect, Randomness, RequestContext, DEFAULT_NOTIFICATION, MAX_CONTEXT_VALUE,
    MAX_NOTIFICATION_BODY, MAX_NOTIFICATION_TITLE,
};
pub use state::{Answer, ChallengeState, DenyReason, FailureReason, Outcome, Status};

use serde::{Deserialize, Serialize};

use crate::button::Buttons;
use crate::device::DeviceCredential;
use crate::ids::{ActionCode, ChallengeId, IdempotencyKey, TenantId, UserId};
use crate::number_match::NumberMatchCode;
use crate::signature::{DeviceSignature, SignatureCheck};
use crate::{Error, UnixMillis};
use answer::{answer_message, Choice};

/// The longest number-match code an answer may carry (codes have at most 6 digits).
pub const MAX_TYPED_CODE: usize = 16;

/// How many wrong number-match codes a challenge takes: the last of them fails it. With 3-digit
/// codes a device's holder guessing blind wins with probability 3/1000 at most.
pub const MAX_WRONG_CODES: u32 = 3;

/// A device's answer that passed every rule but the signature: what
/// [`Challenge::check_answer`] returns and [`Challenge::record_answer`] takes.
#[derive(Debug, Clone)]
pub struct AnswerCheck {
    challenge_id: ChallengeId,
    signature: SignatureCheck,
    code_matches: bool,
    answer: Answer,
}

impl AnswerCheck {
    /// The signature to verify.
    pub fn signature(&self) -> &SignatureCheck {
        &self.signature
    }
}

/// A stored challenge. Serialised as JSON into the store by the Worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Challenge {
    /// The challenge id (`challengeId` / `guid`).
    pub id: ChallengeId,
    /// Which API created it, so results are reported in that API's shape.
    pub dialect: Dialect,
    /// The tenant (request origin) that owns it.
    pub tenant_id: TenantId,
    /// The person asked (`userId` / `accountId`).
    pub user_id: UserId,
    /// What is being approved, e.g. `signIn`.
    pub action: ActionCode,
    /// The idempotency key of the tracked action (Authsignal dialect); the id otherwise.
    pub idempotency_key: IdempotencyKey,
    /// The main text shown on the device.
    pub content: String,
    /// The answer buttons.
    pub buttons: Buttons,
    /// Opaque data echoed back untouched with the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<serde_json::Value>,
    /// Notification title.
    pub notification_title: String,
    /// Notification body.
    pub notification_body: String,
    /// Whether the device should show a notification (or consume the request silently).
    pub show_notification: bool,
    /// A transaction reference to match against other systems.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// A confirmation code shown on both screens, when `showConfirmationCode` was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation_code: Option<String>,
    /// The number the person must type on the device, when number matching is on.
    /// Never sent to the device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_match: Option<NumberMatchCode>,
    /// Where the request came from, shown to the person.
    pub context: RequestContext,
    /// Where the result is POSTed (Privakey dialect), if anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
    /// A random server nonce bound into the signed answer (base64url, 16 bytes).
    pub nonce: String,
    /// When it was created.
    pub created_at: UnixMillis,
    /// When it stops being answerable (exclusive: answerable while `now < expires_at`).
    pub expires_at: UnixMillis,
    /// Where it is in its life.
    pub state: ChallengeState,
    /// Whether the result was already consumed (results are single use).
    #[serde(default)]
    pub result_consumed: bool,
    /// Validly signed approvals whose number-match code was wrong, so far (absent in records
    /// written before it was counted, and while it is 0).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub wrong_codes: u32,
    /// What the device signed besides the recorded answer, kept as evidence once it answered
    /// in the pushauth device protocol (absent otherwise): see [`crate::evidence`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_answer: Option<SignedAnswer>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// What a device is shown: everything it displays and everything it signs, and nothing secret
/// (in particular not the number-match code).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeView {
    /// The challenge id.
    pub challenge_id: ChallengeId,
    /// The tenant.
    pub tenant_id: String,
    /// The person asked.
    pub user_id: String,
    /// What is being approved.
    pub action: String,
    /// The main text.
    pub content: String,
    /// The answer buttons.
    pub buttons: Buttons,
    /// Notification title.
    pub notification_title: String,
    /// Notification body.
    pub notification_body: String,
    /// Whether a notification should be shown.
    pub show_notification: bool,
    /// A transaction reference, if any.
    #[serde(default)]
    pub transaction_id: Option<String>,
    /// A confirmation code shown on both screens, if any.
    #[serde(default)]
    pub confirmation_code: Option<String>,
    /// Whether the person must type the number shown on the sign-in screen to approve.
    pub number_match_required: bool,
    /// Where the request came from.
    pub context: RequestContext,
    /// The server nonce bound into the answer.
    pub nonce: String,
    /// When it was created.
    pub created_at: UnixMillis,
    /// When it stops being answerable.
    pub expires_at: UnixMillis,
}

impl Challenge {
    /// Creates a pending challenge from a validated spec, the current time and fresh random bytes.
    pub fn new(spec: ChallengeSpec, now: UnixMillis, random: &Randomness) -> Result<Self, Error> {
        spec.build(now, random)
    }

    /// What a device is shown.
    pub fn view(&self) -> ChallengeView {
        ChallengeView {
            challenge_id: self.id.clone(),
            tenant_id: self.tenant_id.as_str().to_owned(),
            user_id: self.user_id.as_str().to_owned(),
            action: self.action.as_str().to_owned(),
            content: self.content.clone(),
            buttons: self.buttons.clone(),
            notification_title: self.notification_title.clone(),
            notification_body: self.notification_body.clone(),
            show_notification: self.show_notification,
            transaction_id: self.transaction_id.clone(),
            confirmation_code: self.confirmation_code.clone(),
            number_match_required: self.number_match.is_some(),
            context: self.context.clone(),
            nonce: self.nonce.clone(),
            created_at: self.created_at,
            expires_at: self.expires_at,
        }
    }

    /// The status at time `now`: a pending challenge past its expiry reads as expired even
    /// before [`Challenge::expire`] records it.
    pub fn status_at(&self, now: UnixMillis) -> Status {
        match &self.state {
            ChallengeState::Pending if now >= self.expires_at => Status::Expired,
            ChallengeState::Pending => Status::Pending,
            ChallengeState::Answered(a) if a.approved => Status::Approved,
            ChallengeState::Answered(_) => Status::Denied,
            ChallengeState::Cancelled { .. } => Status::Cancelled,
            ChallengeState::Expired => Status::Expired,
            ChallengeState::Failed { .. } => Status::Denied,
        }
    }

    /// Why the service failed the challenge, if it did.
    pub fn failure_reason(&self) -> Option<FailureReason> {
        match &self.state {
            ChallengeState::Failed { reason, .. } => Some(*reason),
            _ => None,
        }
    }

    /// Checks a device's signed answer and, only if every rule holds, records it: the rules of
    /// [`Challenge::check_answer`], the signature by the reference verifier, then
    /// [`Challenge::record_answer`].
    pub fn answer(
        &mut self,
        device: &DeviceCredential,
        choice: &Choice,
        signature: &DeviceSignature,
        now: UnixMillis,
    ) -> Result<&Answer, Error> {
        let check = self.check_answer(device, choice, signature, now)?;
        let holds = check.signature().verify().is_ok();
        self.record_answer(check, holds, now)
    }

    /// Applies every rule to a device's answer except the signature arithmetic, which the
    /// returned check leaves to a verifier ([`SignatureCheck`]).
    ///
    /// Rules, in order: the challenge is pending and `now < expires_at`; the device is enrolled
    /// for this challenge's tenant and user; the button exists; a deny reason only accompanies a
    /// non-approving button; an approving answer to a number-matching challenge carries a code.
    /// Whether the code is the right one (compared in constant time) is decided here but told
    /// only after the signature over the canonical answer bytes ([`answer_message`]) verified, so
    /// that nobody without the device's key learns which code is right, and only then counted
    /// (see [`Challenge::record_answer`]), so that nobody without it can fail the challenge.
    /// A code longer than [`MAX_TYPED_CODE`] is refused here, before the signature: it cannot be
    /// the right one, tells nothing, and is not counted.
    pub fn check_answer(
        &self,
        device: &DeviceCredential,
        choice: &Choice,
        signature: &DeviceSignature,
        now: UnixMillis,
    ) -> Result<AnswerCheck, Error> {
        self.check_answer_over(device, choice, signature, now, |c| {
            answer_message(&c.view(), &device.key_id, choice)
        })
    }

    /// [`Challenge::check_answer`] with the signed bytes chosen by `message` (given this
    /// challenge once every other rule held). Crate-private: the only other message is the
    /// Authsignal mobile SDKs' (`crate::authsignal_mobile`), which binds less and says so.
    pub(crate) fn check_answer_over(
        &self,
        device: &DeviceCredential,
        choice: &Choice,
        signature: &DeviceSignature,
        now: UnixMillis,
        message: impl FnOnce(&Self) -> Vec<u8>,
    ) -> Result<AnswerCheck, Error> {
        match self.status_at(now) {
            Status::Pending => {}
            Status::Expired => return Err(Error::ChallengeExpired),
            _ => return Err(Error::ChallengeNotPending),
        }
        if device.tenant_id != self.tenant_id || device.user_id != self.user_id {
            return Err(Error::DeviceNotAllowed);
        }
        let button = usize::try_from(choice.button)
            .ok()
            .and_then(|i| self.buttons.get(i))
            .ok_or(Error::ButtonOutOfRange)?;
        if choice.code.as_ref().is_some_and(|c| c.len() > MAX_TYPED_CODE) {
            return Err(Error::NumberMismatch { attempts_left: None });
        }
        let approved = button.approves();
        if approved && choice.reason.is_some() {
            return Err(Error::ReasonNotAllowed);
        }
        let mut code_matches = true;
        if approved {
            if let Some(expected) = &self.number_match {
                let typed = choice.code.as_deref().ok_or(Error::NumberMatchRequired)?;
                code_matches = expected.matches(typed);
            }
        }
        let message = message(self);
        Ok(AnswerCheck {
            challenge_id: self.id.clone(),
            signature: SignatureCheck::new(&device.public_key()?, message, signature),
            code_matches,
            answer: Answer {
                button: choice.button,
                approved,
                reason: choice.reason,
                answered_at: now,
                device_key_id: device.key_id.clone(),
            },
        })
    }

    /// Records an answer that [`Challenge::check_answer`] passed, given the verifier's verdict on
    /// its signature.
    ///
    /// A signed approval with a wrong number-match code is refused but counted: it adds one to
    /// [`Challenge::wrong_codes`] and answers [`Error::NumberMismatch`] with the attempts left,
    /// or, the [`MAX_WRONG_CODES`]th time, fails the challenge ([`ChallengeState::Failed`]) and
    /// answers [`Error::TooManyAttempts`]. Those two refusals change the challenge, which the
    /// caller must store; on any other failure it is left unchanged.
    pub fn record_answer(
        &mut self,
        check: AnswerCheck,
        signature_holds: bool,
        now: UnixMillis,
    ) -> Result<&Answer, Error> {
        if check.challenge_id != self.id {
            return Err(Error::ChallengeNotPending);
        }
        match self.status_at(now) {
            Status::Pending => {}
            Status::Expired => return Err(Error::ChallengeExpired),
            _ => return Err(Error::ChallengeNotPending),
        }
        check.signature.conclude(signature_holds)?;
        if !check.code_matches {
            self.wrong_codes = self.wrong_codes.saturating_add(1);
            if self.wrong_codes >= MAX_WRONG_CODES {
                self.state =
                    ChallengeState::Failed { failed_at: now, reason: FailureReason::TooManyAttempts };
                return Err(Error::TooManyAttempts);
            }
            return Err(Error::NumberMismatch { attempts_left: Some(MAX_WRONG_CODES - self.wrong_codes) });
        }
        self.state = ChallengeState::Answered(check.answer);
        match &self.state {
            ChallengeState::Answered(answer) => Ok(answer),
            _ => Err(Error::ChallengeNotPending),
        }
    }

    /// Cancels a pending challenge (the backend withdrew it).
    pub fn cancel(&mut self, now: UnixMillis) -> Result<(), Error> {
        match self.status_at(now) {
            Status::Pending => {
                self.state = ChallengeState::Cancelled { cancelled_at: now };
                Ok(())
            }
            Status::Expired => Err(Error::ChallengeExpired),
            _ => Err(Error::ChallengeNotPending),
        }
    }

    /// Records expiry if the challenge is pending and past its expiry. Returns whether it changed.
    pub fn expire(&mut self, now: UnixMillis) -> bool {
        let due = matches!(self.state, ChallengeState::Pending) && now >= self.expires_at;
        if due {
            self.state = ChallengeState::Expired;
        }
        due
    }

    /// Consumes the result of a finished challenge: succeeds once, then fails with
    /// [`Error::ResultAlreadyConsumed`]. A pending challenge has no result yet.
    pub fn consume_result(&mut self, now: UnixMillis) -> Result<Outcome, Error> {
        let status = self.status_at(now);
        if status == Status::Pending {
            return Err(Error::ResultNotReady);
        }
        if self.result_consumed {
            return Err(Error::ResultAlreadyConsumed);
        }
        self.expire(now);
        self.result_consumed = true;
        Ok(self.outcome(now))
    }

    /// The outcome as it stands at `now`, without consuming it.
    pub fn outcome(&self, now: UnixMillis) -> Outcome {
        let answer = match &self.state {
            ChallengeState::Answered(a) => Some(a),
            _ => None,
        };
        Outcome {
            status: self.status_at(now),
            button: answer.map(|a| a.button),
            reason: answer.and_then(|a| a.reason),
            answered_at: answer.map(|a| a.answered_at),
            failure_reason: self.failure_reason(),
        }
    }
}

#[cfg(test)]
mod tests;
