//! Privakey CX's HMAC request authentication, `CX1-HMAC-SHA256`, accepted from request origins
//! (tenants) whose `authMode` is `hmac`, beside our own `PUSHAUTH-HMAC-SHA256`
//! ([`crate::server_auth`]).
//!
//! **Header** (docs.privakey.com, "API Authentication"):
//! `Authorization: CX1-HMAC-SHA256,<request origin GUID>/<ms since the epoch>,<base64 signature>`,
//! for example `CX1-HMAC-SHA256,306e8e0e-ee83-4bff-b1ff-8847931d83ec/1547654144951,ec9v…HQo=`.
//!
//! **Signature**: `base64(HMAC-SHA256(secret, s))` where `s` is the concatenation, with no
//! separators, of
//! 1. the method (`GET`, `POST`, …),
//! 2. the full URI the client called (`https://host/request/add`, with the query if any),
//! 3. the timestamp as it appears in the header (decimal milliseconds),
//! 4. the request origin's GUID (our tenant id),
//! 5. for every method but `GET`, the body exactly as sent (not a hash of it).
//!
//! The key is the UTF-8 bytes of the origin's secret text. Privakey's page names items 1 and 2
//! and leaves the rest to its code samples; the order above, the raw body and the text key are
//! what Privakey's own public integration code does
//! (`dataToSign = method + route + timestamp + identifier [+ postbody]`,
//! `CryptoJS.HmacSHA256(dataToSign, secretKey)` with the secret as a string, base64 output).
//! `docs/api.md` lists what the public material leaves open and how this module reads it.
//!
//! The timestamp must lie within ±[`CX1_SKEW_MS`] of the server's clock, the same window as our
//! own scheme; a signature is single use within it (the caller keeps the mark, as for
//! [`crate::server_auth`]).

use alloc::{
    string::{String, ToString},
    vec::Vec,
};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::HMAC_SKEW_SECS;
use crate::encoding::decode_b64;
use crate::ids::TenantId;
use crate::{Error, UnixMillis};

type HmacSha256 = Hmac<Sha256>;

/// The algorithm name that opens the header, followed by `,`.
pub const CX1_SCHEME: &str = "CX1-HMAC-SHA256";
/// The largest accepted difference between the request's timestamp and the server's clock, in
/// milliseconds: the same ±5 minutes as `PUSHAUTH-HMAC-SHA256`.
pub const CX1_SKEW_MS: u64 = HMAC_SKEW_SECS * 1000;
/// The most digits a timestamp may have (ms since the epoch has 13 until the year 2286).
const MAX_TIMESTAMP_DIGITS: usize = 16;
/// The length of an HMAC-SHA256 tag.
const MAC_LEN: usize = 32;

/// The credentials of a `CX1-HMAC-SHA256` header, parsed but not yet verified.
#[derive(Clone, PartialEq, Eq)]
pub struct Cx1Credential {
    /// The request origin's GUID: the tenant id (any valid tenant id, GUID-shaped or not).
    pub origin_id: TenantId,
    /// The request's timestamp, milliseconds since the epoch.
    pub timestamp_ms: u64,
    /// The presented HMAC-SHA256 tag.
    pub mac: [u8; MAC_LEN],
}

impl core::fmt::Debug for Cx1Credential {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Cx1Credential({}, {})", self.origin_id, self.timestamp_ms)
    }
}

/// The request a signature covers, as the server received it.
#[derive(Debug, Clone, Copy)]
pub struct Cx1Request<'a> {
    /// The HTTP method, uppercase.
    pub method: &'a str,
    /// The full URIs the client may have called, each `scheme://host[:port]/path[?query]` in
    /// its WHATWG serialisation: the request's own URL, and the deployment's public base URL
    /// with the same path and query when that differs (a proxy in front).
    pub full_uris: &'a [&'a str],
    /// The body bytes as received.
    pub body: &'a [u8],
}

/// Whether an `Authorization` value claims the CX1 scheme (and so must parse as one).
pub fn is_cx1(header: &str) -> bool {
    header.strip_prefix(CX1_SCHEME).is_some_and(|rest| rest.starts_with(','))
}

/// Parses `CX1-HMAC-SHA256,<guid>/<ms>,<base64>`. Anything else (a missing or extra piece, a
/// space, an id no tenant can have, a timestamp that is not 1–16 decimal digits without a
/// leading zero, a signature that is not base64 of 32 bytes) is [`Error::InvalidCredential`].
pub fn parse_cx1(header: &str) -> Result<Cx1Credential, Error> {
    let rest = header
        .strip_prefix(CX1_SCHEME)
        .and_then(|rest| rest.strip_prefix(','))
        .ok_or(Error::InvalidCredential)?;
    let mut pieces = rest.split(',');
    let (Some(credentials), Some(signature), None) = (pieces.next(), pieces.next(), pieces.next()) else {
        return Err(Error::InvalidCredential);
    };
    let (origin_id, timestamp) = credentials.split_once('/').ok_or(Error::InvalidCredential)?;
    let origin_id = TenantId::parse(origin_id).map_err(|_| Error::InvalidCredential)?;
    let canonical_digits = !timestamp.is_empty()
        && timestamp.len() <= MAX_TIMESTAMP_DIGITS
        && timestamp.bytes().all(|b| b.is_ascii_digit())
        && !timestamp.starts_with('0');
    if !canonical_digits {
        return Err(Error::InvalidCredential);
    }
    let timestamp_ms = timestamp.parse().map_err(|_| Error::InvalidCredential)?;
    let mac = decode_b64(signature, "signature").map_err(|_| Error::InvalidCredential)?;
    let mac = <[u8; MAC_LEN]>::try_from(mac.as_slice()).map_err(|_| Error::InvalidCredential)?;
    Ok(Cx1Credential { origin_id, timestamp_ms, mac })
}

/// The bytes a CX1 signature covers: method, full URI, timestamp (decimal ms, as in the header),
/// origin GUID, then, unless the method is `GET`, the body; concatenated with no separators.
pub fn cx1_signing_string(
    method: &str,
    full_uri: &str,
    timestamp_ms: u64,
    origin_id: &str,
    body: &[u8],
) -> Vec<u8> {
    let timestamp = timestamp_ms.to_string();
    let body = if method == "GET" { &[][..] } else { body };
    let mut s =
        Vec::with_capacity(method.len() + full_uri.len() + timestamp.len() + origin_id.len() + body.len());
    for part in [method.as_bytes(), full_uri.as_bytes(), timestamp.as_bytes(), origin_id.as_bytes(), body] {
        s.extend_from_slice(part);
    }
    s
}

/// The signature a client sends for `message`: standard base64 with padding.
pub fn cx1_sign(secret: &str, message: &[u8]) -> Result<String, Error> {
    Ok(STANDARD.encode(mac_of(secret, message)?))
}

fn mac_of(secret: &str, message: &[u8]) -> Result<[u8; MAC_LEN], Error> {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).map_err(|_| Error::InvalidSecret)?;
    mac.update(message);
    Ok(mac.finalize().into_bytes().into())
}

/// Verifies a parsed CX1 credential for `request` against the origin's active `secrets`: the
/// timestamp within ±[`CX1_SKEW_MS`] of `now` first ([`Error::TimestampOutOfWindow`]), then the
/// MAC, compared in constant time against every secret and every full URI (no early exit on a
/// match), so the time taken says nothing about which one matched or how much of a wrong tag
/// was right. No match: [`Error::InvalidCredential`].
pub fn cx1_verify<'s>(
    credential: &Cx1Credential,
    request: &Cx1Request<'_>,
    secrets: impl IntoIterator<Item = &'s str>,
    now: UnixMillis,
) -> Result<(), Error> {
    if credential.timestamp_ms.abs_diff(now) > CX1_SKEW_MS {
        return Err(Error::TimestampOutOfWindow);
    }
    let mut matched = subtle::Choice::from(0);
    for secret in secrets {
        for uri in request.full_uris {
            let message = cx1_signing_string(
                request.method,
                uri,
                credential.timestamp_ms,
                &credential.origin_id,
                request.body,
            );
            matched |= mac_of(secret, &message)?.ct_eq(&credential.mac);
        }
    }
    if bool::from(matched) {
        Ok(())
    } else {
        Err(Error::InvalidCredential)
    }
}

#[cfg(test)]
mod tests;
