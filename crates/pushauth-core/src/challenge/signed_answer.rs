//! What a challenge record keeps of an answer signed in the pushauth device protocol, so that its
//! evidence ([`crate::evidence`]) can be rebuilt, and how long it is kept by default.

use alloc::{borrow::ToOwned, string::String};

use serde::{Deserialize, Serialize};

use super::answer::Choice;
use crate::UnixMillis;

/// How long an answered challenge, and so its evidence, is kept unless the tenant says otherwise
/// (its `evidenceDays` setting): 400 days (13 months, so a year's statements and their disputes
/// are covered).
pub const DEFAULT_EVIDENCE_DAYS: u32 = 400;
/// One day in milliseconds.
pub(crate) const DAY_MS: UnixMillis = 24 * 3_600_000;

/// What the service keeps of a signed answer besides [`crate::challenge::Answer`] (button,
/// reason, key id, time), inside the challenge record: together they rebuild an [`crate::evidence::Evidence`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedAnswer {
    /// The number-match code the device sent (signed), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The device's public key when it answered (SPKI base64): the evidence outlives the device.
    pub public_key: String,
    /// The signature exactly as the device sent it.
    pub signature: String,
    /// Until when the record is kept as evidence (Unix milliseconds), from the tenant's
    /// `evidenceDays` when the answer was accepted; absent in records written before the
    /// setting existed, which are kept [`DEFAULT_EVIDENCE_DAYS`] after the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept_until: Option<UnixMillis>,
}

impl SignedAnswer {
    /// What to keep of an accepted answer, kept until `kept_until` (see [`crate::evidence::kept_until`]).
    pub fn new(choice: &Choice, public_key: &str, signature: &str, kept_until: UnixMillis) -> Self {
        SignedAnswer {
            code: choice.code.clone(),
            public_key: public_key.to_owned(),
            signature: signature.to_owned(),
            kept_until: Some(kept_until),
        }
    }

    /// Until when a record holding this answer, accepted at `answered_at`, is kept.
    pub fn keep_until(&self, answered_at: UnixMillis) -> UnixMillis {
        self.kept_until
            .unwrap_or_else(|| answered_at.saturating_add(UnixMillis::from(DEFAULT_EVIDENCE_DAYS) * DAY_MS))
    }
}
