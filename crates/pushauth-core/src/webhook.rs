//! Webhook signatures, in the two formats real receivers verify.
//!
//! 1. **`t=…,v2=…`** (header `X-Signature-V2`), as `@authsignal/node`'s
//!    `webhook.constructEvent(payload, header)` checks it: `v2` is standard base64 of
//!    HMAC-SHA256(secret, `"{t}." + body`) with its one `=` of padding removed, the secret is the
//!    tenant's API secret as UTF-8, `t` is Unix seconds.
//! 2. **Standard Webhooks** (headers `webhook-id`, `webhook-timestamp`, `webhook-signature`):
//!    `v1,` + base64 of HMAC-SHA256(key, `"{id}.{timestamp}." + body`), where the key is the
//!    base64 part of a `whsec_…` secret.
//!
//! Verification compares MACs in constant time and checks the timestamp against a tolerance.

use alloc::{
    format,
    string::{String, ToString},
    vec::Vec,
};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::encoding::decode_b64;
use crate::{Error, UnixMillis};

type HmacSha256 = Hmac<Sha256>;

/// The header carrying the `t=…,v2=…` signature.
pub const SIGNATURE_V2_HEADER: &str = "X-Signature-V2";
/// Standard Webhooks: the delivery id header.
pub const WEBHOOK_ID_HEADER: &str = "webhook-id";
/// Standard Webhooks: the timestamp header (Unix seconds).
pub const WEBHOOK_TIMESTAMP_HEADER: &str = "webhook-timestamp";
/// Standard Webhooks: the signature header.
pub const WEBHOOK_SIGNATURE_HEADER: &str = "webhook-signature";
/// The default tolerance between a webhook's timestamp and the receiver's clock: 5 minutes.
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

fn mac(key: &[u8], parts: &[&[u8]]) -> Result<[u8; 32], Error> {
    let mut mac = HmacSha256::new_from_slice(key).map_err(|_| Error::InvalidSecret)?;
    for part in parts {
        mac.update(part);
    }
    Ok(mac.finalize().into_bytes().into())
}

fn check_tolerance(timestamp: u64, now: UnixMillis, tolerance_secs: u64) -> Result<(), Error> {
    if timestamp.abs_diff(now / 1000) > tolerance_secs {
        Err(Error::WebhookTimestampOutOfTolerance)
    } else {
        Ok(())
    }
}

fn parse_timestamp(text: &str) -> Result<u64, Error> {
    if text.is_empty() || text.len() > 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::InvalidWebhookHeader);
    }
    text.parse().map_err(|_| Error::InvalidWebhookHeader)
}

/// The `v2` signature: base64 of HMAC-SHA256(secret, `"{t}." + body`) without its padding.
pub fn v2_signature(secret: &str, timestamp: u64, body: &[u8]) -> Result<String, Error> {
    if secret.is_empty() {
        return Err(Error::InvalidSecret);
    }
    let tag = mac(secret.as_bytes(), &[timestamp.to_string().as_bytes(), b".", body])?;
    Ok(STANDARD.encode(tag).replacen('=', "", 1))
}

/// The `X-Signature-V2` header value: `t={timestamp},v2={signature}`.
pub fn v2_header(secret: &str, timestamp: u64, body: &[u8]) -> Result<String, Error> {
    Ok(format!("t={timestamp},v2={}", v2_signature(secret, timestamp, body)?))
}

/// Verifies an `X-Signature-V2` header: one `t`, one or more `v2`, one of which matches.
pub fn verify_v2(
    secret: &str,
    header: &str,
    body: &[u8],
    now: UnixMillis,
    tolerance_secs: u64,
) -> Result<(), Error> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for item in header.split(',') {
        match item.split_once('=') {
            Some(("t", value)) if timestamp.is_none() => timestamp = Some(parse_timestamp(value)?),
            Some(("v2", value)) => signatures.push(value),
            Some(_) => {}
            None => return Err(Error::InvalidWebhookHeader),
        }
    }
    let timestamp = timestamp.ok_or(Error::InvalidWebhookHeader)?;
    if signatures.is_empty() {
        return Err(Error::InvalidWebhookHeader);
    }
    check_tolerance(timestamp, now, tolerance_secs)?;
    let expected = v2_signature(secret, timestamp, body)?;
    let mut matched = subtle::Choice::from(0);
    for candidate in signatures {
        let same_len = candidate.len() == expected.len();
        if same_len {
            matched |= candidate.as_bytes().ct_eq(expected.as_bytes());
        }
    }
    if bool::from(matched) {
        Ok(())
    } else {
        Err(Error::InvalidWebhookSignature)
    }
}

/// A Standard Webhooks secret: `whsec_` followed by base64 of 24 to 64 key bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct StandardSecret(Vec<u8>);

impl core::fmt::Debug for StandardSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("StandardSecret(..)")
    }
}

impl StandardSecret {
    /// Parses `whsec_<base64>`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let encoded = text.strip_prefix("whsec_").ok_or(Error::InvalidSecret)?;
        let key = decode_b64(encoded, "secret").map_err(|_| Error::InvalidSecret)?;
        if !(24..=64).contains(&key.len()) {
            return Err(Error::InvalidSecret);
        }
        Ok(StandardSecret(key))
    }

    /// Makes a secret from key bytes drawn by the caller.
    pub fn from_key(key: [u8; 32]) -> Self {
        StandardSecret(key.to_vec())
    }

    /// The `whsec_…` text form.
    pub fn to_text(&self) -> String {
        format!("whsec_{}", STANDARD.encode(&self.0))
    }

    /// The `webhook-signature` header value: `v1,<base64 HMAC-SHA256("{id}.{ts}." + body)>`.
    pub fn sign(&self, id: &str, timestamp: u64, body: &[u8]) -> Result<String, Error> {
        let tag = mac(&self.0, &[id.as_bytes(), b".", timestamp.to_string().as_bytes(), b".", body])?;
        Ok(format!("v1,{}", STANDARD.encode(tag)))
    }

    /// Verifies Standard Webhooks headers: the timestamp within tolerance and at least one
    /// space-separated `v1,` signature matching.
    pub fn verify(
        &self,
        id: &str,
        timestamp: &str,
        signature_header: &str,
        body: &[u8],
        now: UnixMillis,
        tolerance_secs: u64,
    ) -> Result<(), Error> {
        if id.is_empty() || signature_header.is_empty() {
            return Err(Error::InvalidWebhookHeader);
        }
        let timestamp = parse_timestamp(timestamp)?;
        check_tolerance(timestamp, now, tolerance_secs)?;
        let expected = self.sign(id, timestamp, body)?;
        let mut matched = subtle::Choice::from(0);
        for candidate in signature_header.split(' ') {
            if candidate.len() == expected.len() {
                matched |= candidate.as_bytes().ct_eq(expected.as_bytes());
            }
        }
        if bool::from(matched) {
            Ok(())
        } else {
            Err(Error::InvalidWebhookSignature)
        }
    }
}

#[cfg(test)]
mod tests;
