//! Signed device requests: how a device proves it holds its key when it fetches pending
//! challenges, or updates or removes its credential.
//!
//! The device sends three headers: `X-PushAuth-Key-Id`, `X-PushAuth-Timestamp` (Unix
//! milliseconds) and `X-PushAuth-Signature` (ECDSA-SHA256 over [`device_request_message`]).
//! The server accepts timestamps within ±[`WINDOW_MS`] of its clock. Byte layout:
//! `docs/protocol.md`, section "Device request message".

use alloc::vec::Vec;

use sha2::{Digest, Sha256};

use crate::canonical::Canonical;
use crate::encoding::b64url;
use crate::signature::{DevicePublicKey, DeviceSignature, KeyId, SignatureCheck};
use crate::{Error, UnixMillis};

/// The domain-separation tag of the device request message.
pub const DEVICE_REQUEST_TAG: &str = "pushauth/device-request/v1";
/// How far a request's timestamp may be from the server's clock, either way: 60 seconds.
pub const WINDOW_MS: u64 = 60_000;

/// The parts of an HTTP request a device signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceRequest<'a> {
    /// The tenant the device is enrolled with.
    pub tenant_id: &'a str,
    /// The device key's id.
    pub key_id: &'a KeyId,
    /// The HTTP method, uppercase (`GET`, `POST`, `PATCH`, `DELETE`).
    pub method: &'a str,
    /// The path and query exactly as sent, e.g. `/v1/device/challenges`.
    pub path_and_query: &'a str,
    /// When the device made the request, Unix milliseconds.
    pub timestamp: UnixMillis,
    /// The request body (empty for `GET`).
    pub body: &'a [u8],
}

/// The bytes a device signs for a request: tag, tenant id, key id, method, path and query,
/// timestamp (decimal milliseconds), base64url SHA-256 of the body; each length-prefixed.
pub fn device_request_message(request: &DeviceRequest<'_>) -> Vec<u8> {
    let mut m = Canonical::new(DEVICE_REQUEST_TAG);
    m.str(request.tenant_id)
        .str(request.key_id.as_str())
        .str(request.method)
        .str(request.path_and_query)
        .uint(request.timestamp)
        .str(&b64url(&Sha256::digest(request.body)));
    m.into_bytes()
}

/// Checks a signed device request: the timestamp lies within ±[`WINDOW_MS`] of `now`
/// (inclusive), the key is the one named, and the signature verifies.
pub fn verify_device_request(
    key: &DevicePublicKey,
    request: &DeviceRequest<'_>,
    signature: &DeviceSignature,
    now: UnixMillis,
) -> Result<(), Error> {
    device_request_check(key, request, signature, now)?.verify()
}

/// Every rule of [`verify_device_request`] but the signature arithmetic, which the returned
/// check does (or hands to a faster verifier, see [`SignatureCheck`]).
pub fn device_request_check(
    key: &DevicePublicKey,
    request: &DeviceRequest<'_>,
    signature: &DeviceSignature,
    now: UnixMillis,
) -> Result<SignatureCheck, Error> {
    if request.timestamp.abs_diff(now) > WINDOW_MS {
        return Err(Error::TimestampOutOfWindow);
    }
    if &key.key_id() != request.key_id {
        return Err(Error::SignatureMismatch);
    }
    Ok(SignatureCheck::new(key, device_request_message(request), signature))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::DeviceSigningKey;

    const NOW: UnixMillis = 1_800_000_000_000;

    fn device() -> DeviceSigningKey {
        DeviceSigningKey::from_bytes(&[5; 32]).unwrap()
    }

    fn signed(request: &DeviceRequest<'_>) -> DeviceSignature {
        device().sign(&device_request_message(request))
    }

    #[test]
    fn a_fresh_request_verifies_and_window_edges_hold() {
        let key_id = device().public_key().key_id();
        for ts in [NOW, NOW - WINDOW_MS, NOW + WINDOW_MS] {
            let r = DeviceRequest {
                tenant_id: "acme",
                key_id: &key_id,
                method: "GET",
                path_and_query: "/v1/device/challenges",
                timestamp: ts,
                body: b"",
            };
            verify_device_request(&device().public_key(), &r, &signed(&r), NOW).unwrap();
        }
        for ts in [NOW - WINDOW_MS - 1, NOW + WINDOW_MS + 1, 0] {
            let r = DeviceRequest {
                tenant_id: "acme",
                key_id: &key_id,
                method: "GET",
                path_and_query: "/v1/device/challenges",
                timestamp: ts,
                body: b"",
            };
            assert_eq!(
                verify_device_request(&device().public_key(), &r, &signed(&r), NOW),
                Err(Error::TimestampOutOfWindow)
            );
        }
    }

    #[test]
    fn every_field_is_bound() {
        let key_id = device().public_key().key_id();
        let other_id = DeviceSigningKey::from_bytes(&[6; 32]).unwrap().public_key().key_id();
        let base = DeviceRequest {
            tenant_id: "acme",
            key_id: &key_id,
            method: "DELETE",
            path_and_query: "/v1/device/credential",
            timestamp: NOW,
            body: b"{}",
        };
        let sig = signed(&base);
        let variants = [
            DeviceRequest { tenant_id: "acme2", ..base },
            DeviceRequest { key_id: &other_id, ..base },
            DeviceRequest { method: "GET", ..base },
            DeviceRequest { path_and_query: "/v1/device/credential?x", ..base },
            DeviceRequest { timestamp: NOW + 1, ..base },
            DeviceRequest { body: b"{ }", ..base },
        ];
        for changed in variants {
            assert!(
                verify_device_request(&device().public_key(), &changed, &sig, NOW).is_err(),
                "{changed:?}"
            );
        }
        verify_device_request(&device().public_key(), &base, &sig, NOW).unwrap();
    }
}
