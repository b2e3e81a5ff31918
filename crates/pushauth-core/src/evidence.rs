//! Evidence anyone can check: a signed device answer kept with every byte needed to re-verify it
//! offline, without trusting the service.
//!
//! An [`Evidence`] document holds the challenge exactly as the device received it
//! ([`ChallengeView`]), what the person chose ([`Choice`]), the device's key (id and SPKI), the
//! signature as the device sent it, and the result the service recorded. [`verify`] rebuilds the
//! answer message with [`answer_message`] (the bytes the device signed), checks the key id is the
//! key's and the signature verifies, and that the recorded result is the one the signed button
//! means. Format: `docs/protocol.md`, section "Evidence".
//!
//! What a valid document proves and what it does not: `docs/threat-model.md`, "Evidence".

use alloc::{borrow::ToOwned, string::String};

use serde::{Deserialize, Serialize};

use crate::challenge::answer::{answer_message, Choice};
use crate::challenge::signed_answer::DAY_MS;
use crate::challenge::{Challenge, ChallengeState, ChallengeView, Status};
pub use crate::challenge::{SignedAnswer, DEFAULT_EVIDENCE_DAYS};
use crate::ids::ChallengeId;
use crate::signature::{DevicePublicKey, DeviceSignature, KeyId};
use crate::UnixMillis;

/// The longest retention a tenant may set: 3650 days (10 years).
pub const MAX_EVIDENCE_DAYS: u32 = 3650;

/// Until when the evidence of an answer accepted at `answered_at` is kept, for a tenant keeping
/// evidence `days` days; `None` when `days` is 0 (the tenant keeps none).
pub fn kept_until(days: u32, answered_at: UnixMillis) -> Option<UnixMillis> {
    (days > 0).then(|| answered_at.saturating_add(UnixMillis::from(days) * DAY_MS))
}

/// Checks an `evidenceDays` setting: 0 (keep none) to [`MAX_EVIDENCE_DAYS`].
pub fn check_evidence_days(days: u32) -> Result<(), crate::Error> {
    if days > MAX_EVIDENCE_DAYS {
        return Err(crate::Error::ValueOutOfRange {
            field: "evidenceDays",
            min: 0,
            max: u64::from(MAX_EVIDENCE_DAYS),
        });
    }
    Ok(())
}

/// The only evidence format version this code writes and reads.
pub const EVIDENCE_VERSION: u32 = 1;

/// Everything needed to re-check one signed device answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// The format version: [`EVIDENCE_VERSION`].
    pub version: u32,
    /// The tenant the service recorded the answer for.
    pub tenant_id: String,
    /// The challenge as the device received it (and signed, through the context digest).
    pub challenge: ChallengeView,
    /// What the person chose: button, typed number-match code, deny reason.
    pub choice: Choice,
    /// The id of the key that signed (43 base64url characters).
    pub key_id: String,
    /// The device's public key: standard base64 of its SPKI DER.
    pub public_key: String,
    /// The signature as the device sent it (base64 or base64url, DER or `r‖s`).
    pub signature: String,
    /// What the service recorded.
    pub result: EvidenceResult,
}

/// The result the service recorded for the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceResult {
    /// `approved` or `denied`: must be what the signed button means.
    pub status: Status,
    /// When the service accepted the answer (Unix milliseconds). Not signed by the device.
    pub answered_at: UnixMillis,
}

/// What a valid document shows, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// The tenant.
    pub tenant_id: String,
    /// The challenge.
    pub challenge_id: ChallengeId,
    /// The person asked.
    pub user_id: String,
    /// The action approved or denied.
    pub action: String,
    /// The main text the device displayed.
    pub content: String,
    /// The id of the key that signed.
    pub key_id: String,
    /// The index of the chosen button.
    pub button: u32,
    /// The chosen button's title, as displayed.
    pub button_title: String,
    /// Whether the chosen button approves.
    pub approved: bool,
    /// When the service accepted the answer (not signed by the device).
    pub answered_at: UnixMillis,
}

/// Why a document does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceError {
    /// The version is not [`EVIDENCE_VERSION`].
    UnsupportedVersion,
    /// The document's tenant is not the tenant in the signed challenge.
    TenantMismatch,
    /// The key id or public key is malformed.
    InvalidKey,
    /// The key id is not the public key's id.
    KeyIdMismatch,
    /// The signature is not base64 DER or `r‖s`.
    InvalidSignatureEncoding,
    /// The signature does not verify over the rebuilt answer message.
    SignatureMismatch,
    /// The chosen button does not exist in the signed challenge.
    ButtonOutOfRange,
    /// The recorded result is not what the signed button means.
    ResultMismatch,
}

impl core::fmt::Display for EvidenceError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            EvidenceError::UnsupportedVersion => "unsupported evidence version",
            EvidenceError::TenantMismatch => "the evidence's tenant is not the signed challenge's tenant",
            EvidenceError::InvalidKey => "the key id or public key is malformed",
            EvidenceError::KeyIdMismatch => "the key id is not the public key's id",
            EvidenceError::InvalidSignatureEncoding => "the signature is malformed",
            EvidenceError::SignatureMismatch => "the signature does not match the challenge, choice and key",
            EvidenceError::ButtonOutOfRange => "the chosen button is not in the challenge",
            EvidenceError::ResultMismatch => "the recorded result is not what the signed button means",
        })
    }
}

impl core::error::Error for EvidenceError {}

impl EvidenceError {
    /// A stable snake_case name (used in `tests/vectors/evidence.json` and by the CLI).
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceError::UnsupportedVersion => "unsupported_version",
            EvidenceError::TenantMismatch => "tenant_mismatch",
            EvidenceError::InvalidKey => "invalid_key",
            EvidenceError::KeyIdMismatch => "key_id_mismatch",
            EvidenceError::InvalidSignatureEncoding => "invalid_signature_encoding",
            EvidenceError::SignatureMismatch => "signature_mismatch",
            EvidenceError::ButtonOutOfRange => "button_out_of_range",
            EvidenceError::ResultMismatch => "result_mismatch",
        }
    }
}

/// The evidence of a challenge answered in the pushauth device protocol; `None` while it is not
/// answered, or when it was answered otherwise (the Authsignal mobile SDKs sign less: no
/// evidence is kept for them).
pub fn evidence_of(challenge: &Challenge) -> Option<Evidence> {
    let ChallengeState::Answered(answer) = &challenge.state else { return None };
    let signed = challenge.signed_answer.as_ref()?;
    Some(Evidence {
        version: EVIDENCE_VERSION,
        tenant_id: challenge.tenant_id.as_str().to_owned(),
        challenge: challenge.view(),
        choice: Choice { button: answer.button, code: signed.code.clone(), reason: answer.reason },
        key_id: answer.device_key_id.as_str().to_owned(),
        public_key: signed.public_key.clone(),
        signature: signed.signature.clone(),
        result: EvidenceResult {
            status: if answer.approved { Status::Approved } else { Status::Denied },
            answered_at: answer.answered_at,
        },
    })
}

/// Verifies a document; pure (no clock: expiry is not checked, the signature binds it).
///
/// Checks, in order: the version; the document's tenant is the signed challenge's; the key
/// parses and its id is `keyId`; the signature parses and verifies over
/// [`answer_message`]`(challenge, keyId, choice)`; the button exists; the recorded status is
/// `approved` exactly when the button has `strongAuth`, `denied` otherwise.
pub fn verify(evidence: &Evidence) -> Result<Verdict, EvidenceError> {
    if evidence.version != EVIDENCE_VERSION {
        return Err(EvidenceError::UnsupportedVersion);
    }
    let view = &evidence.challenge;
    if evidence.tenant_id != view.tenant_id {
        return Err(EvidenceError::TenantMismatch);
    }
    let key = DevicePublicKey::parse(&evidence.public_key).map_err(|_| EvidenceError::InvalidKey)?;
    let key_id = KeyId::parse(&evidence.key_id).map_err(|_| EvidenceError::InvalidKey)?;
    if key.key_id() != key_id {
        return Err(EvidenceError::KeyIdMismatch);
    }
    let signature =
        DeviceSignature::parse(&evidence.signature).map_err(|_| EvidenceError::InvalidSignatureEncoding)?;
    let message = answer_message(view, &key_id, &evidence.choice);
    key.verify(&message, &signature).map_err(|_| EvidenceError::SignatureMismatch)?;
    let index = usize::try_from(evidence.choice.button).map_err(|_| EvidenceError::ButtonOutOfRange)?;
    let button = view.buttons.as_slice().get(index).ok_or(EvidenceError::ButtonOutOfRange)?;
    let expected = if button.strong_auth { Status::Approved } else { Status::Denied };
    if evidence.result.status != expected {
        return Err(EvidenceError::ResultMismatch);
    }
    Ok(Verdict {
        tenant_id: view.tenant_id.clone(),
        challenge_id: view.challenge_id.clone(),
        user_id: view.user_id.clone(),
        action: view.action.clone(),
        content: view.content.clone(),
        key_id: key_id.as_str().to_owned(),
        button: evidence.choice.button,
        button_title: button.title.clone(),
        approved: button.strong_auth,
        answered_at: evidence.result.answered_at,
    })
}

#[cfg(test)]
mod tests;
