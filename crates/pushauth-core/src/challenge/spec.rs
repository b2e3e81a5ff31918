//! The validated description of a new challenge, and how it becomes one.

use alloc::{
    borrow::ToOwned,
    string::{String, ToString},
};

use serde::{Deserialize, Serialize};

use super::{Challenge, ChallengeState};
use crate::button::Buttons;
use crate::duration::ChallengeDuration;
use crate::encoding::b64url;
use crate::ids::{ActionCode, ChallengeId, IdempotencyKey, TenantId, UserId};
use crate::number_match::NumberMatchCode;
use crate::text::check_text;
use crate::{Error, UnixMillis};

/// The default notification title and body, as Privakey documents them.
pub const DEFAULT_NOTIFICATION: &str = "Authentication Request";
/// The longest `content`, in bytes.
pub const MAX_CONTENT: usize = 4096;
/// The longest notification title, in bytes.
pub const MAX_NOTIFICATION_TITLE: usize = 128;
/// The longest notification body, in bytes.
pub const MAX_NOTIFICATION_BODY: usize = 512;
/// The longest `transactionId`, in bytes.
pub const MAX_TRANSACTION_ID: usize = 128;
/// The most bytes `additionalInfo` may take as JSON.
pub const MAX_ADDITIONAL_INFO: usize = 8192;
/// The longest context value (IP address, user agent, location, device id), in bytes.
pub const MAX_CONTEXT_VALUE: usize = 512;

/// Which API created a challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Dialect {
    /// `track` + `push.challenge` (Authsignal-style).
    Authsignal,
    /// `request/add` (Privakey-style).
    Privakey,
}

/// Where a request came from, shown to the person so they can spot a stranger's sign-in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestContext {
    /// The requester's IP address, as the backend reported it.
    #[serde(default)]
    pub ip_address: Option<String>,
    /// The requester's user agent.
    #[serde(default)]
    pub user_agent: Option<String>,
    /// A human-readable place ("Berlin, DE"), if known.
    #[serde(default)]
    pub location: Option<String>,
    /// The requester's device id, as the backend reported it.
    #[serde(default)]
    pub device_id: Option<String>,
}

impl RequestContext {
    /// Checks every value: single line, at most [`MAX_CONTEXT_VALUE`] bytes.
    pub fn validate(&self) -> Result<(), Error> {
        let fields = [
            ("ipAddress", &self.ip_address),
            ("userAgent", &self.user_agent),
            ("location", &self.location),
            ("deviceId", &self.device_id),
        ];
        for (name, value) in fields {
            if let Some(value) = value {
                check_text(name, value, MAX_CONTEXT_VALUE, false)?;
            }
        }
        Ok(())
    }
}

/// Everything a caller may choose about a new challenge. Adapters fill it from either dialect's
/// request body; [`ChallengeSpec::validate`] checks every field.
#[derive(Debug, Clone, PartialEq)]
pub struct ChallengeSpec {
    /// Which API is creating it.
    pub dialect: Dialect,
    /// The owning tenant.
    pub tenant_id: String,
    /// The person asked.
    pub user_id: String,
    /// What is being approved.
    pub action: String,
    /// The tracked action's idempotency key; `None` uses the challenge id.
    pub idempotency_key: Option<String>,
    /// The main text (may be empty).
    pub content: String,
    /// The buttons; `None` means the default Approve / Reject.
    pub buttons: Option<Buttons>,
    /// Opaque data echoed back.
    pub additional_info: Option<serde_json::Value>,
    /// Notification title; `None` means [`DEFAULT_NOTIFICATION`].
    pub notification_title: Option<String>,
    /// Notification body; `None` means [`DEFAULT_NOTIFICATION`].
    pub notification_body: Option<String>,
    /// Whether the device should show a notification.
    pub show_notification: bool,
    /// A transaction reference.
    pub transaction_id: Option<String>,
    /// Whether to show a confirmation code on both screens.
    pub show_confirmation_code: bool,
    /// Digits of the number-match code, when number matching is on.
    pub number_match_digits: Option<u8>,
    /// How long it stays answerable.
    pub duration: ChallengeDuration,
    /// Where the request came from.
    pub context: RequestContext,
    /// Where to POST the result (already checked against the tenant's whitelist by the caller).
    pub callback: Option<String>,
}

impl ChallengeSpec {
    /// A spec with every optional field at its default.
    pub fn new(dialect: Dialect, tenant_id: &str, user_id: &str, action: &str) -> Self {
        ChallengeSpec {
            dialect,
            tenant_id: tenant_id.to_owned(),
            user_id: user_id.to_owned(),
            action: action.to_owned(),
            idempotency_key: None,
            content: String::new(),
            buttons: None,
            additional_info: None,
            notification_title: None,
            notification_body: None,
            show_notification: false,
            transaction_id: None,
            show_confirmation_code: false,
            number_match_digits: None,
            duration: ChallengeDuration::DEFAULT,
            context: RequestContext::default(),
            callback: None,
        }
    }

    /// Checks every field against its rule.
    pub fn validate(&self) -> Result<(), Error> {
        self.identifiers().map(|_| ())?;
        self.check_content()
    }

    /// The spec's identifiers, parsed in the order their errors are reported.
    fn identifiers(&self) -> Result<(TenantId, UserId, ActionCode, Option<IdempotencyKey>), Error> {
        Ok((
            TenantId::parse(&self.tenant_id)?,
            UserId::parse(&self.user_id)?,
            ActionCode::parse(&self.action)?,
            self.idempotency_key.as_deref().map(IdempotencyKey::parse).transpose()?,
        ))
    }

    /// Checks every field but the identifiers.
    fn check_content(&self) -> Result<(), Error> {
        check_text("content", &self.content, MAX_CONTENT, true)?;
        if let Some(title) = &self.notification_title {
            check_text("notificationTitle", title, MAX_NOTIFICATION_TITLE, false)?;
        }
        if let Some(body) = &self.notification_body {
            check_text("notificationBody", body, MAX_NOTIFICATION_BODY, true)?;
        }
        if let Some(id) = &self.transaction_id {
            check_text("transactionId", id, MAX_TRANSACTION_ID, false)?;
        }
        if let Some(info) = &self.additional_info {
            if info.to_string().len() > MAX_ADDITIONAL_INFO {
                return Err(Error::FieldTooLong { field: "additionalInfo", max: MAX_ADDITIONAL_INFO });
            }
        }
        if let Some(digits) = self.number_match_digits {
            if !(2..=6).contains(&digits) {
                return Err(Error::InvalidCodeLength);
            }
        }
        self.context.validate()
    }

    pub(super) fn build(self, now: UnixMillis, random: &Randomness) -> Result<Challenge, Error> {
        let (tenant_id, user_id, action, idempotency_key) = self.identifiers()?;
        self.check_content()?;
        let id = ChallengeId::from_random(random.id);
        let number_match = match self.number_match_digits {
            Some(digits) => Some(NumberMatchCode::generate(random.number_match, digits)?),
            None => None,
        };
        let confirmation_code = if self.show_confirmation_code {
            Some(NumberMatchCode::generate(random.confirmation_code, 6)?.as_str().to_owned())
        } else {
            None
        };
        Ok(Challenge {
            idempotency_key: idempotency_key.unwrap_or_else(|| IdempotencyKey::from(&id)),
            id,
            dialect: self.dialect,
            tenant_id,
            user_id,
            action,
            content: self.content,
            buttons: self.buttons.unwrap_or_default(),
            additional_info: self.additional_info,
            notification_title: self.notification_title.unwrap_or_else(|| DEFAULT_NOTIFICATION.to_owned()),
            notification_body: self.notification_body.unwrap_or_else(|| DEFAULT_NOTIFICATION.to_owned()),
            show_notification: self.show_notification,
            transaction_id: self.transaction_id,
            confirmation_code,
            number_match,
            context: self.context,
            callback: self.callback,
            nonce: b64url(&random.nonce),
            created_at: now,
            expires_at: now.saturating_add(self.duration.millis()),
            state: ChallengeState::Pending,
            result_consumed: false,
            wrong_codes: 0,
            signed_answer: None,
        })
    }
}

/// Fresh random bytes for a new challenge, drawn by the caller from a CSPRNG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Randomness {
    /// For the challenge id.
    pub id: [u8; 16],
    /// For the server nonce bound into the answer.
    pub nonce: [u8; 16],
    /// For the number-match code.
    pub number_match: [u8; 8],
    /// For the confirmation code.
    pub confirmation_code: [u8; 8],
}

impl Randomness {
    /// The number of bytes [`Randomness::from_bytes`] takes.
    pub const LEN: usize = 48;

    /// Splits 48 random bytes into the fields.
    pub fn from_bytes(bytes: &[u8; 48]) -> Self {
        let mut r =
            Randomness { id: [0; 16], nonce: [0; 16], number_match: [0; 8], confirmation_code: [0; 8] };
        r.id.copy_from_slice(&bytes[0..16]);
        r.nonce.copy_from_slice(&bytes[16..32]);
        r.number_match.copy_from_slice(&bytes[32..40]);
        r.confirmation_code.copy_from_slice(&bytes[40..48]);
        r
    }
}
