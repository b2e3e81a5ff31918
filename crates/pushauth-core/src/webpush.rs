//! Web Push: message encryption (RFC 8291 with the `aes128gcm` content coding of RFC 8188) and
//! application server identification (VAPID, RFC 8292).
//!
//! A browser's [`Subscription`] names the push service endpoint to POST to and the keys a message
//! is encrypted to. [`encrypt`] makes the request body (one record, no padding);
//! [`vapid_authorization`] makes its `Authorization` header. Like the rest of the core, nothing
//! here draws random numbers or reads a clock: the one-time ECDH key, the salt and the token's
//! expiry are arguments.
//!
//! The formats are also available apart from the arithmetic, so that a runtime with its own
//! cryptography (the Worker's WebCrypto) builds exactly the same bytes: [`record_plaintext`],
//! [`key_info`], [`CEK_INFO`], [`NONCE_INFO`] and [`record_header`] for the message,
//! [`vapid_signing_input`] and [`vapid_header`] for the token, [`VapidKey::to_pkcs8_der`] and
//! [`ephemeral_pkcs8_der`] for the keys. [`encrypt`] and [`vapid_authorization`] are those
//! formats over RustCrypto's arithmetic, the reference.

use alloc::{borrow::ToOwned, format, string::String, vec::Vec};

mod endpoint;
mod payload;

pub use endpoint::{PushServiceHosts, BROWSER_PUSH_HOSTS, MAX_ENDPOINT};
pub use payload::{challenge_payload, PADDED_LEN};

use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::Aes128Gcm;
use hkdf::Hkdf;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{FieldBytes, NonZeroScalar, PublicKey, SecretKey};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::encoding::{b64url, decode_b64};
use crate::url::{check_origin, origin_of};
use crate::Error;

/// The largest plaintext that fits one 4096-byte aes128gcm record with the 86-byte header
/// (4096 - 86 - 16 - 1).
pub const MAX_PLAINTEXT: usize = 3993;
/// The record size written in the header.
pub const RECORD_SIZE: u32 = 4096;
/// The longest VAPID token validity push services accept: 24 hours.
pub const VAPID_MAX_VALIDITY_SECS: u64 = 86_400;

/// The length of an uncompressed SEC1 P-256 point: `0x04 ‖ x ‖ y`.
pub const POINT_LEN: usize = 65;
/// The length of a subscription's authentication secret (RFC 8291 §3.2).
pub const AUTH_LEN: usize = 16;
/// The length of the aes128gcm header: salt(16) ‖ rs(4) ‖ idlen(1) ‖ keyid(65).
pub const HEADER_LEN: usize = 16 + 4 + 1 + POINT_LEN;
/// The delimiter after the plaintext of the last (here: only) record (RFC 8188 §2).
const LAST_RECORD: u8 = 0x02;
/// The longest base64 text of a key or secret looked at before decoding.
const MAX_ENCODED: usize = 256;
/// The JWT header of every VAPID token (RFC 8292 §2).
const JWT_HEADER: &str = r#"{"typ":"JWT","alg":"ES256"}"#;
/// HKDF info of the content-encryption key (RFC 8188 §2.2): `"Content-Encoding: aes128gcm" ‖ 0x00`.
pub const CEK_INFO: &[u8] = b"Content-Encoding: aes128gcm\0";
/// HKDF info of the nonce (RFC 8188 §2.3): `"Content-Encoding: nonce" ‖ 0x00`.
pub const NONCE_INFO: &[u8] = b"Content-Encoding: nonce\0";
/// PKCS#8 `PrivateKeyInfo` of a P-256 key up to its 32-byte scalar (RFC 5208 with the
/// RFC 5915 `ECPrivateKey`, no optional fields): version 0, `id-ecPublicKey` with `prime256v1`,
/// then `ECPrivateKey` version 1 and the scalar as an OCTET STRING.
const PKCS8_PREFIX: [u8; 35] = [
    0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
    0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x27, 0x30, 0x25, 0x02, 0x01, 0x01, 0x04,
    0x20,
];

/// A browser's push subscription (`PushSubscription.toJSON()`): where to POST, and the keys to
/// encrypt to, decoded. Only [`Subscription::parse`] and deserialization build one, so its keys
/// always decode; they stay private.
///
/// Stored as JSON `{ endpoint, p256dh, auth }`, the keys as base64url without padding (the
/// canonical form). Reading it back decodes the keys again; the endpoint's host, checked
/// against the deployment's list by [`Subscription::parse`], is for the sender to check again
/// ([`PushServiceHosts::check`]), as the list may have changed since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SubscriptionText", into = "SubscriptionText")]
pub struct Subscription {
    /// The push service URL to POST messages to, as given (validated).
    endpoint: String,
    /// The user agent's P-256 public key (an uncompressed point on the curve).
    p256dh: PublicKey,
    /// The user agent's authentication secret.
    auth: [u8; AUTH_LEN],
}

/// A [`Subscription`] as stored: its keys as base64url text.
#[derive(Serialize, Deserialize)]
struct SubscriptionText {
    endpoint: String,
    p256dh: String,
    auth: String,
}

impl TryFrom<SubscriptionText> for Subscription {
    type Error = Error;
    fn try_from(text: SubscriptionText) -> Result<Self, Error> {
        Ok(Subscription {
            p256dh: parse_p256dh(&text.p256dh)?,
            auth: parse_auth(&text.auth)?,
            endpoint: text.endpoint,
        })
    }
}

impl From<Subscription> for SubscriptionText {
    fn from(sub: Subscription) -> Self {
        SubscriptionText {
            p256dh: b64url(sub.p256dh.to_encoded_point(false).as_bytes()),
            auth: b64url(&sub.auth),
            endpoint: sub.endpoint,
        }
    }
}

impl Subscription {
    /// Validates and canonicalises a subscription as a browser sends it.
    ///
    /// - `endpoint`: a push service URL `hosts` accepts ([`PushServiceHosts::check`]: `https`,
    ///   default port, a browser's push service or one the deployment added; loopback only in
    ///   development), at most [`MAX_ENDPOINT`] bytes; else [`Error::InvalidUrl`] for `endpoint`
    ///   or [`Error::FieldTooLong`].
    /// - `p256dh`: base64 or base64url (either alphabet, padded or not) of a 65-byte uncompressed
    ///   SEC1 point on P-256, else [`Error::InvalidPushSubscription`] for `keys.p256dh`.
    /// - `auth`: base64 or base64url of exactly 16 bytes, else
    ///   [`Error::InvalidPushSubscription`] for `keys.auth`.
    ///
    /// The keys are stored as base64url without padding.
    pub fn parse(endpoint: &str, p256dh: &str, auth: &str, hosts: &PushServiceHosts) -> Result<Self, Error> {
        hosts.check(endpoint)?;
        Ok(Subscription {
            p256dh: parse_p256dh(p256dh)?,
            auth: parse_auth(auth)?,
            endpoint: endpoint.to_owned(),
        })
    }

    /// The push service URL to POST messages to.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The endpoint's origin (`https://push.example.net`), the VAPID audience.
    pub fn audience(&self) -> Result<String, Error> {
        origin_of(&self.endpoint).ok_or(Error::InvalidUrl { field: "endpoint" })
    }

    /// The user agent's public key (the 65-byte uncompressed point, on the curve: decoded when
    /// the subscription was built) and authentication secret, for a runtime's own arithmetic.
    pub fn keys(&self) -> Result<([u8; POINT_LEN], [u8; AUTH_LEN]), Error> {
        let point = self.p256dh.to_encoded_point(false);
        let point = point
            .as_bytes()
            .try_into()
            .map_err(|_| Error::InvalidPushSubscription { field: "keys.p256dh" })?;
        Ok((point, self.auth))
    }
}

/// Decodes a subscription's `p256dh`: an uncompressed point on P-256 (not compressed, not the
/// identity).
fn parse_p256dh(text: &str) -> Result<PublicKey, Error> {
    let bad = Error::InvalidPushSubscription { field: "keys.p256dh" };
    if text.len() > MAX_ENCODED {
        return Err(bad);
    }
    let bytes = decode_b64(text, "keys.p256dh").map_err(|_| bad.clone())?;
    if bytes.len() != POINT_LEN || bytes.first() != Some(&0x04) {
        return Err(bad);
    }
    PublicKey::from_sec1_bytes(&bytes).map_err(|_| bad)
}

/// Decodes a subscription's `auth`: exactly 16 bytes.
fn parse_auth(text: &str) -> Result<[u8; AUTH_LEN], Error> {
    let bad = Error::InvalidPushSubscription { field: "keys.auth" };
    if text.len() > MAX_ENCODED {
        return Err(bad);
    }
    let bytes = decode_b64(text, "keys.auth").map_err(|_| bad.clone())?;
    bytes.try_into().map_err(|_| bad)
}

/// The application server's VAPID signing key (P-256): a valid private scalar.
#[derive(Clone)]
pub struct VapidKey(NonZeroScalar);

impl core::fmt::Debug for VapidKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl VapidKey {
    /// Parses the 32-byte private scalar from base64 or base64url (either alphabet, padded or
    /// not). Anything else (wrong length, zero, ≥ n) is [`Error::InvalidSecret`].
    pub fn parse(secret: &str) -> Result<Self, Error> {
        if secret.len() > MAX_ENCODED {
            return Err(Error::InvalidSecret);
        }
        let bytes = decode_b64(secret, "vapidKey").map_err(|_| Error::InvalidSecret)?;
        let scalar: [u8; 32] = bytes.try_into().map_err(|_| Error::InvalidSecret)?;
        scalar_of(&scalar).map(VapidKey)
    }

    /// The public key as browsers want `applicationServerKey`: base64url (no padding) of the
    /// 65-byte uncompressed point.
    pub fn public_key(&self) -> String {
        b64url(PublicKey::from_secret_scalar(&self.0).to_encoded_point(false).as_bytes())
    }

    /// The key as PKCS#8 DER without its public point (what WebCrypto's `importKey("pkcs8", …)`
    /// takes; the runtime computes the point). Secret: never to be logged or stored.
    pub fn to_pkcs8_der(&self) -> Vec<u8> {
        pkcs8_der(&self.0.to_bytes().into())
    }

    /// The ES256 signature of `message` as 64 bytes `r‖s` (deterministic, RFC 6979).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        let signature: Signature = SigningKey::from(self.0).sign(message);
        signature.to_bytes().into()
    }
}

/// A private scalar from its 32 big-endian bytes: [`Error::InvalidSecret`] for zero or ≥ n.
fn scalar_of(bytes: &[u8; 32]) -> Result<NonZeroScalar, Error> {
    Option::from(NonZeroScalar::from_repr(FieldBytes::from(*bytes))).ok_or(Error::InvalidSecret)
}

/// PKCS#8 DER of the P-256 private scalar `scalar`, without its public point.
fn pkcs8_der(scalar: &[u8; 32]) -> Vec<u8> {
    [PKCS8_PREFIX.as_slice(), scalar].concat()
}

/// A one-time ECDH key for [`encrypt`] (32 random bytes from the caller) as PKCS#8 DER
/// ([`VapidKey::to_pkcs8_der`]'s form), for a runtime that does the arithmetic itself;
/// [`Error::InvalidSecret`] when the bytes are not a valid scalar (zero, ≥ n).
pub fn ephemeral_pkcs8_der(ephemeral_secret: &[u8; 32]) -> Result<Vec<u8>, Error> {
    scalar_of(ephemeral_secret)?;
    Ok(pkcs8_der(ephemeral_secret))
}

/// The VAPID token's claims, in the order they are serialised.
#[derive(Serialize)]
struct Claims<'a> {
    aud: &'a str,
    exp: u64,
    sub: &'a str,
}

/// A VAPID subject (the deployment's contact for push services) is a `mailto:` or `https://`
/// URI with something after the scheme and no control characters; else [`Error::InvalidUrl`]
/// for `vapidSubject`.
pub fn check_subject(subject: &str) -> Result<(), Error> {
    let rest = subject.strip_prefix("mailto:").or_else(|| subject.strip_prefix("https://"));
    match rest {
        Some(rest) if !rest.is_empty() && !subject.chars().any(char::is_control) => Ok(()),
        _ => Err(Error::InvalidUrl { field: "vapidSubject" }),
    }
}

/// The `Authorization` header value for a push request (RFC 8292 §3): `vapid t=<JWT>, k=<public key>`.
///
/// The JWT's header is exactly `{"typ":"JWT","alg":"ES256"}` and its claims
/// `{"aud":<audience>,"exp":<expires_at_secs>,"sub":<subject>}` (that key order, compact JSON),
/// each part base64url without padding; the signature is ES256 as 64 bytes `r‖s` (deterministic,
/// RFC 6979), base64url. `k` is [`VapidKey::public_key`].
///
/// `subject` must start with `mailto:` or `https://`, with something after it and no control
/// characters (else [`Error::InvalidUrl`] for `vapidSubject`); `audience` must be an origin,
/// `scheme://host[:port]` with no path, as [`check_origin`] accepts it with loopback `http`
/// allowed (else [`Error::InvalidUrl`] for `audience`). The core has no clock: the caller picks
/// `expires_at_secs`, at most [`VAPID_MAX_VALIDITY_SECS`] ahead of now.
pub fn vapid_authorization(
    key: &VapidKey,
    audience: &str,
    subject: &str,
    expires_at_secs: u64,
) -> Result<String, Error> {
    let signing_input = vapid_signing_input(audience, subject, expires_at_secs)?;
    let signature = key.sign(signing_input.as_bytes());
    Ok(vapid_header(&signing_input, &signature, &key.public_key()))
}

/// The JWT signing input of a VAPID token, `base64url(header) "." base64url(claims)`, with the
/// checks and the exact bytes of [`vapid_authorization`].
pub fn vapid_signing_input(audience: &str, subject: &str, expires_at_secs: u64) -> Result<String, Error> {
    check_subject(subject)?;
    check_origin("audience", audience, true)?;
    let claims = Claims { aud: audience, exp: expires_at_secs, sub: subject };
    let claims = serde_json::to_string(&claims).map_err(|_| Error::InvalidUrl { field: "vapidSubject" })?;
    Ok(format!("{}.{}", b64url(JWT_HEADER.as_bytes()), b64url(claims.as_bytes())))
}

/// `vapid t=<signing input>.<signature>, k=<public key>`: the header [`vapid_authorization`]
/// makes, from an ES256 signature `r‖s` of `signing_input` and the base64url public key.
pub fn vapid_header(signing_input: &str, signature: &[u8; 64], public_key: &str) -> String {
    format!("vapid t={signing_input}.{}, k={public_key}", b64url(signature))
}

/// The content-encryption key and nonce of the single record.
struct ContentKeys {
    cek: [u8; 16],
    nonce: [u8; 12],
}

/// HKDF-Extract with SHA-256 (RFC 5869 §2.2).
fn hkdf_extract(salt: &[u8], ikm: &[u8]) -> [u8; 32] {
    Hkdf::<Sha256>::extract(Some(salt), ikm).0.into()
}

/// HKDF-Expand with SHA-256 (RFC 5869 §2.3) into `okm`. It only fails for a PRK shorter than 32
/// bytes or an output longer than 8160 bytes, which no caller here asks for.
fn hkdf_expand(prk: &[u8; 32], info: &[&[u8]], okm: &mut [u8]) -> Result<(), Error> {
    let hkdf = Hkdf::<Sha256>::from_prk(prk).map_err(|_| Error::InvalidSecret)?;
    hkdf.expand_multi_info(info, okm).map_err(|_| Error::InvalidSecret)
}

/// `key_info = "WebPush: info" ‖ 0x00 ‖ ua_public ‖ as_public` (RFC 8291 §3.4).
pub fn key_info(ua_public: &[u8], as_public: &[u8]) -> Vec<u8> {
    [b"WebPush: info\0".as_slice(), ua_public, as_public].concat()
}

/// `IKM = HKDF(salt = auth_secret, IKM = ecdh_secret, info = key_info, L = 32)` (RFC 8291 §3.4).
fn web_push_ikm(
    ecdh_secret: &[u8],
    auth: &[u8],
    ua_public: &[u8],
    as_public: &[u8],
) -> Result<[u8; 32], Error> {
    let prk_key = hkdf_extract(auth, ecdh_secret);
    let mut ikm = [0u8; 32];
    hkdf_expand(&prk_key, &[&key_info(ua_public, as_public)], &mut ikm)?;
    Ok(ikm)
}

/// `CEK` and `NONCE` from the IKM and the record's salt (RFC 8188 §2.2 and §2.3).
fn content_keys(ikm: &[u8; 32], salt: &[u8; 16]) -> Result<ContentKeys, Error> {
    let prk = hkdf_extract(salt, ikm);
    let mut keys = ContentKeys { cek: [0; 16], nonce: [0; 12] };
    hkdf_expand(&prk, &[CEK_INFO], &mut keys.cek)?;
    hkdf_expand(&prk, &[NONCE_INFO], &mut keys.nonce)?;
    Ok(keys)
}

/// The shared secret: the x-coordinate of `as_private · ua_public`.
fn ecdh_secret(as_secret: &SecretKey, ua_public: &PublicKey) -> [u8; 32] {
    let shared = p256::ecdh::diffie_hellman(as_secret.to_nonzero_scalar(), ua_public.as_affine());
    (*shared.raw_secret_bytes()).into()
}

/// `salt ‖ rs ‖ idlen ‖ keyid` (RFC 8188 §2.1), with the application server's public key (the
/// 65-byte uncompressed point) as keyid: the first [`HEADER_LEN`] bytes of the body.
pub fn record_header(salt: &[u8; 16], as_public: &[u8; POINT_LEN]) -> Vec<u8> {
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(salt);
    header.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    header.push(POINT_LEN as u8);
    header.extend_from_slice(as_public);
    header
}

/// Encrypts `plaintext` to the subscription (RFC 8291 §3.4 with RFC 8188 aes128gcm).
///
/// The body is one record: the header `salt(16) ‖ rs(4 bytes BE = RECORD_SIZE) ‖ idlen(1 = 65) ‖
/// keyid` (keyid is the 65-byte ephemeral public key), then AES-128-GCM of `plaintext ‖ 0x02` (the
/// last-record delimiter, no padding): `86 + plaintext.len() + 17` bytes.
///
/// Key derivation exactly as RFC 8291: `ecdh_secret = ECDH(ephemeral_secret, ua_public)`;
/// `PRK_key = HKDF-Extract(auth_secret, ecdh_secret)`;
/// `key_info = "WebPush: info" ‖ 0x00 ‖ ua_public ‖ as_public`;
/// `IKM = HKDF-Expand(PRK_key, key_info, 32)`; `PRK = HKDF-Extract(salt, IKM)`;
/// `CEK = HKDF-Expand(PRK, "Content-Encoding: aes128gcm" ‖ 0x00, 16)`;
/// `NONCE = HKDF-Expand(PRK, "Content-Encoding: nonce" ‖ 0x00, 12)`.
///
/// `ephemeral_secret` is the application server's one-time private scalar and `salt` 16 random
/// bytes: both come from the caller's RNG (the core has none), fresh for every message.
///
/// Errors: `plaintext` longer than [`MAX_PLAINTEXT`] is [`Error::FieldTooLong`] for `payload`;
/// an `ephemeral_secret` that is not a valid scalar (zero, ≥ n) is [`Error::InvalidSecret`]; a
/// subscription whose keys do not decode (one built without [`Subscription::parse`]) is
/// [`Error::InvalidPushSubscription`].
pub fn encrypt(
    sub: &Subscription,
    plaintext: &[u8],
    ephemeral_secret: &[u8; 32],
    salt: &[u8; 16],
) -> Result<Vec<u8>, Error> {
    encrypt_padded(sub, plaintext, 0, ephemeral_secret, salt)
}

/// [`encrypt`], with zero padding after the delimiter (RFC 8188 §2) so that the record holds at
/// least `padded_len` bytes of plaintext and padding: every message padded to the same length
/// has the same size on the wire, so the push service cannot tell one notification text from
/// another by its length. `padded_len` above [`MAX_PLAINTEXT`] is [`Error::FieldTooLong`].
pub fn encrypt_padded(
    sub: &Subscription,
    plaintext: &[u8],
    padded_len: usize,
    ephemeral_secret: &[u8; 32],
    salt: &[u8; 16],
) -> Result<Vec<u8>, Error> {
    let mut record = record_plaintext(plaintext, padded_len)?;
    let as_secret =
        SecretKey::from_bytes(&FieldBytes::from(*ephemeral_secret)).map_err(|_| Error::InvalidSecret)?;
    let as_point = as_secret.public_key().to_encoded_point(false);
    let ua_point = sub.p256dh.to_encoded_point(false);
    let ikm = web_push_ikm(
        &ecdh_secret(&as_secret, &sub.p256dh),
        &sub.auth,
        ua_point.as_bytes(),
        as_point.as_bytes(),
    )?;
    let keys = content_keys(&ikm, salt)?;
    let as_point: &[u8; POINT_LEN] = as_point.as_bytes().try_into().map_err(|_| Error::InvalidSecret)?;

    let mut body = record_header(salt, as_point);
    let cipher = Aes128Gcm::new(&keys.cek.into());
    let tag = cipher
        .encrypt_in_place_detached(&keys.nonce.into(), b"", &mut record)
        .map_err(|_| Error::FieldTooLong { field: "payload", max: MAX_PLAINTEXT })?;
    body.reserve(record.len() + tag.len());
    body.extend_from_slice(&record);
    body.extend_from_slice(&tag);
    Ok(body)
}

/// The plaintext of the single record before encryption: `plaintext ‖ 0x02 ‖ zero padding`
/// (RFC 8188 §2), padded so that `plaintext` and padding hold at least `padded_len` bytes (see
/// [`encrypt_padded`]). Either length above [`MAX_PLAINTEXT`] is [`Error::FieldTooLong`] for
/// `payload`.
pub fn record_plaintext(plaintext: &[u8], padded_len: usize) -> Result<Vec<u8>, Error> {
    if plaintext.len() > MAX_PLAINTEXT || padded_len > MAX_PLAINTEXT {
        return Err(Error::FieldTooLong { field: "payload", max: MAX_PLAINTEXT });
    }
    let padding = padded_len.saturating_sub(plaintext.len());
    let mut record = Vec::with_capacity(plaintext.len() + 1 + padding + 16);
    record.extend_from_slice(plaintext);
    record.push(LAST_RECORD);
    record.resize(record.len() + padding, 0);
    Ok(record)
}

#[cfg(test)]
mod tests;
