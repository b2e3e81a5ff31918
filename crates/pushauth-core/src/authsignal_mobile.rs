//! The device protocol of Authsignal's mobile SDKs (`authsignal-ios`, `authsignal-android`, and
//! `react-native-authsignal`, which wraps them): the bytes those apps sign and the rules the
//! service applies to them, so an app built on them works by changing its base URL.
//!
//! What those SDKs sign, all ECDSA P-256 with SHA-256 over the UTF-8 bytes of a string, the
//! signature ASN.1 DER in standard base64 (`docs/authsignal-mobile.md` has the wire details):
//!
//! | call | signed string |
//! | --- | --- |
//! | answer a challenge | the challenge id, nothing else ([`answer_check`]) |
//! | read pending challenges, update the credential | a message the service issued ([`MobileNonce`]) |
//! | remove the credential | `floor(unix seconds / 600)` printed as a float, e.g. `2941234.0` ([`removal_checks`]) |
//!
//! This binds less than the pushauth protocol (`docs/protocol.md`): the answer's signature
//! covers neither the decision (`approved`) nor the number typed, the tenant, the user or what
//! was shown; the removal's covers only a ten-minute clock. What the service does about it is
//! here: answers go through the same state machine as pushauth answers (one answer per
//! challenge, expiry, number matching, counted wrong codes), issued messages are single use and
//! short-lived, and every message these SDKs sign is distinct from every pushauth message (those
//! start with a zero byte; issued ones start with `pushauth/`), so no signature crosses over.

use alloc::{borrow::ToOwned, format, string::String, vec::Vec};

use serde::{Deserialize, Serialize};

use crate::answer::Choice;
use crate::challenge::{AnswerCheck, Challenge, Dialect};
use crate::device::DeviceCredential;
use crate::encoding::{b64url, decode_b64, percent_decode};
use crate::signature::{DevicePublicKey, DeviceSignature, KeyId, SignatureCheck};
use crate::{Error, UnixMillis};

/// The SDKs' removal clock: `floor(unix seconds / 600)`, a ten-minute bucket.
pub const TIME_BUCKET_SECS: u64 = 600;

/// How long an issued signing message may be used: 2 minutes (enough for a biometric prompt
/// between asking for it and signing it).
pub const NONCE_MS: u64 = 120_000;

/// The longest `publicKey` query value accepted, before decoding.
pub const MAX_QUERY_KEY: usize = 1024;

/// The `publicKey` query parameter: the key's text (standard base64 of its SPKI DER, as the
/// SDKs hold it) encoded once more, as base64url without padding (iOS) or standard base64 with
/// padding (Android), then percent-decoded if a client escaped it. `+` is never a space here.
pub fn query_public_key(raw: &str) -> Result<DevicePublicKey, Error> {
    if raw.is_empty() {
        return Err(Error::FieldRequired { field: "publicKey" });
    }
    if raw.len() > MAX_QUERY_KEY {
        return Err(Error::InvalidPublicKey);
    }
    let unescaped = percent_decode(raw, false).ok_or(Error::InvalidPublicKey)?;
    let text = decode_b64(&unescaped, "publicKey").map_err(|_| Error::InvalidPublicKey)?;
    let text = String::from_utf8(text).map_err(|_| Error::InvalidPublicKey)?;
    DevicePublicKey::parse(&text)
}

/// The value of `name` in a raw query string (`a=1&b=2`), undecoded; `None` if absent or given
/// twice (two values are refused rather than one picked).
pub fn query_value<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    let mut found = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key == name {
            if found.is_some() {
                return None;
            }
            found = Some(value);
        }
    }
    found
}

/// The tenant named by the SDKs' `Authorization: Basic <base64(tenantId + ":")>` (base64url
/// without padding on iOS, standard base64 on Android). The tenant id is public: this only names
/// the tenant, and every call checks it against the device's ([`check_tenant`]).
pub fn basic_tenant(header: Option<&str>) -> Result<String, Error> {
    let encoded = header.and_then(|h| h.strip_prefix("Basic ")).ok_or(Error::MissingCredential)?;
    let bytes = decode_b64(encoded, "authorization").map_err(|_| Error::InvalidCredential)?;
    let text = String::from_utf8(bytes).map_err(|_| Error::InvalidCredential)?;
    match text.split_once(':') {
        Some((tenant, "")) if !tenant.is_empty() => Ok(tenant.to_owned()),
        _ => Err(Error::InvalidCredential),
    }
}

/// Refuses a call whose `Authorization` names another tenant than the device's.
pub fn check_tenant(presented: &str, device: &DeviceCredential) -> Result<(), Error> {
    if device.tenant_id == presented {
        Ok(())
    } else {
        Err(Error::InvalidCredential)
    }
}

/// Whether a mobile device is shown `challenge` (and may answer it): only challenges of the
/// Authsignal dialect (`track` + `push.challenge`), whose two default buttons are what the
/// SDKs' `approved: true | false` can say. A `request/add` challenge has content and buttons
/// these apps cannot show, so it is neither listed nor answerable.
pub fn is_answerable(challenge: &Challenge) -> bool {
    challenge.dialect == Dialect::Authsignal
}

/// What a mobile device sends to answer (`updateChallenge`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MobileAnswer {
    /// `approved`: the person's decision. Not signed by the SDKs.
    pub approved: bool,
    /// `verificationCode`: the number typed, when the challenge uses number matching. Not signed.
    pub verification_code: Option<String>,
}

impl MobileAnswer {
    /// The pushauth choice this answer stands for: the first approving button when approved,
    /// else the first that does not approve. No deny reason: the protocol has no "not me".
    pub fn choice(&self, challenge: &Challenge) -> Result<Choice, Error> {
        let button = challenge
            .buttons
            .as_slice()
            .iter()
            .position(|b| b.approves() == self.approved)
            .and_then(|i| u32::try_from(i).ok())
            .ok_or(Error::ButtonOutOfRange)?;
        Ok(Choice { button, code: self.verification_code.clone(), reason: None })
    }
}

/// The bytes a mobile device signs to answer: the challenge id's UTF-8, nothing else.
pub fn answer_message(challenge: &Challenge) -> Vec<u8> {
    challenge.id.as_str().as_bytes().to_vec()
}

/// Every rule of a pushauth answer ([`Challenge::check_answer`]: pending and unexpired, the
/// device enrolled for this tenant and user, number matching and its counted wrong codes) over
/// the SDKs' message ([`answer_message`]), for a challenge the protocol can answer
/// ([`is_answerable`]). Record it with [`Challenge::record_answer`].
pub fn answer_check(
    challenge: &Challenge,
    device: &DeviceCredential,
    answer: &MobileAnswer,
    signature: &DeviceSignature,
    now: UnixMillis,
) -> Result<AnswerCheck, Error> {
    if !is_answerable(challenge) {
        return Err(Error::UnsupportedChallenge);
    }
    let choice = answer.choice(challenge)?;
    challenge.check_answer_over(device, &choice, signature, now, answer_message)
}

/// The SDKs' time message for a clock reading: `floor(secs / 600)` printed as Swift's
/// `String(Double)` and Kotlin's `Double.toString()` print it (`2941234.0`; both switch to
/// exponent notation only from 10^7 buckets, after the year 2160).
pub fn time_bucket_message(unix_secs: u64) -> String {
    bucket_message(unix_secs / TIME_BUCKET_SECS)
}

fn bucket_message(bucket: u64) -> String {
    format!("{bucket}.0")
}

/// The checks of a removal's signature (`removeCredential`): over the time message of the
/// previous, current and next bucket, the signature good if any holds. So a signature is usable
/// for 10 to 30 minutes: the SDKs sign nothing else for removal, and a removed key answers
/// nothing more.
pub fn removal_checks(
    key: &DevicePublicKey,
    signature: &DeviceSignature,
    now: UnixMillis,
) -> Vec<SignatureCheck> {
    let bucket = now / 1000 / TIME_BUCKET_SECS;
    [bucket.saturating_sub(1), bucket, bucket + 1]
        .into_iter()
        .map(|b| SignatureCheck::new(key, bucket_message(b).into_bytes(), signature))
        .collect()
}

/// What an issued signing message is for; each key has at most one outstanding per purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoncePurpose {
    /// Reading pending challenges (`push/challenge/sign`, then `X-Authsignal-Signature`).
    ReadChallenges,
    /// Updating the credential (`push/sign`, then `PATCH push`).
    UpdateCredential,
}

impl NoncePurpose {
    /// The purpose as it appears in the message and the storage key.
    pub fn as_str(self) -> &'static str {
        match self {
            NoncePurpose::ReadChallenges => "read-challenges",
            NoncePurpose::UpdateCredential => "update-credential",
        }
    }
}

/// A signing message the service issued to one key for one purpose: single use (the first
/// request presenting a signature deletes it, whatever the outcome) and valid for [`NONCE_MS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MobileNonce {
    /// Its id, returned as `challengeId` by `push/sign` and sent back with the update.
    pub id: String,
    /// What it is for.
    pub purpose: NoncePurpose,
    /// The key it was issued to.
    pub key_id: KeyId,
    /// The exact string the device signs.
    pub message: String,
    /// When it stops being usable (exclusive).
    pub expires_at: UnixMillis,
}

impl MobileNonce {
    /// Issues a message to `key_id` of `tenant` for `purpose`, from 16 random bytes:
    /// `pushauth/authsignal-mobile/v1/<purpose>/<tenant>/<keyId>/<expiresAt>/<id>`, where `id`
    /// is the random bytes in base64url.
    pub fn issue(
        purpose: NoncePurpose,
        tenant: &str,
        key_id: &KeyId,
        random: &[u8; 16],
        now: UnixMillis,
    ) -> Self {
        let id = b64url(random);
        let expires_at = now + NONCE_MS;
        let message = format!(
            "pushauth/authsignal-mobile/v1/{}/{tenant}/{}/{expires_at}/{id}",
            purpose.as_str(),
            key_id.as_str()
        );
        MobileNonce { id, purpose, key_id: key_id.clone(), message, expires_at }
    }

    /// Redeems this message with a device's signature over it: it must be for `key` and
    /// `purpose`, unexpired, and, when the call names it (`challengeId` of the update), the one
    /// named. The caller deletes it before verifying, whatever the outcome.
    pub fn redeem(
        &self,
        key: &DevicePublicKey,
        purpose: NoncePurpose,
        presented_id: Option<&str>,
        signature: &DeviceSignature,
        now: UnixMillis,
    ) -> Result<SignatureCheck, Error> {
        if self.purpose != purpose || self.key_id != key.key_id() {
            return Err(Error::InvalidNonce);
        }
        if presented_id.is_some_and(|id| id != self.id) {
            return Err(Error::InvalidNonce);
        }
        if now >= self.expires_at {
            return Err(Error::TimestampOutOfWindow);
        }
        Ok(SignatureCheck::new(key, self.message.as_bytes().to_vec(), signature))
    }
}

#[cfg(test)]
mod tests;
