//! The home hint: where a device's requests go, issued to the device at enrolment and MAC'd by
//! the service, so that the front Worker can route the device's requests to its user's object
//! without reading the `device-home:` routing record from Workers KV (a KV read is billed per
//! read: two per login).
//!
//! A hint names a tenant, a user and a device key id; the device sends it back in the
//! `X-PushAuth-Home` header. It only routes: the user's object still checks the signature and
//! that the key is enrolled there, exactly as for a request routed through KV. The MAC stops a
//! caller from sending requests to any object it names (each request to an object is billed,
//! and an object's first request writes its tenant epoch); the key id binds a hint to the device
//! it was issued to. A hint that does not verify, or names another key, is ignored and the
//! request is routed through KV: devices without a hint (Authsignal's mobile SDKs, devices
//! enrolled before hints) keep working, as do hints of a rotated `TOKEN_SECRET`.
//!
//! Form: `h1.{base64url(JSON {"t","u","k"})}.{base64url(HMAC-SHA256(key, "h1." + payload))}`,
//! the key being HMAC-SHA256(secret, "pushauth/home-hint-key/v1"). Byte layout:
//! `docs/protocol.md`, "Home hint".

use alloc::{format, string::String};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::ids::{TenantId, UserId};
use crate::signature::KeyId;
use crate::Error;

type HmacSha256 = Hmac<Sha256>;

/// The prefix of a hint (its version).
pub const HOME_HINT_PREFIX: &str = "h1.";
/// The longest hint read (tenant and user ids are bounded well below this).
pub const MAX_HOME_HINT: usize = 1_024;

/// Where a device's requests go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeHint {
    /// The tenant.
    #[serde(rename = "t")]
    pub tenant_id: TenantId,
    /// The user.
    #[serde(rename = "u")]
    pub user_id: UserId,
    /// The device key's id.
    #[serde(rename = "k")]
    pub key_id: KeyId,
}

/// The MAC key of hints: HMAC-SHA256(secret, "pushauth/home-hint-key/v1").
fn hint_key(secret: &[u8]) -> Result<HmacSha256, Error> {
    if secret.is_empty() {
        return Err(Error::InvalidSecret);
    }
    let mut kdf = HmacSha256::new_from_slice(secret).map_err(|_| Error::InvalidSecret)?;
    kdf.update(b"pushauth/home-hint-key/v1");
    let key = kdf.finalize().into_bytes();
    HmacSha256::new_from_slice(&key).map_err(|_| Error::InvalidSecret)
}

/// Issues the hint of `hint`, MAC'd with the key derived from `secret`.
pub fn issue_home_hint(secret: &[u8], hint: &HomeHint) -> Result<String, Error> {
    let payload = serde_json::to_vec(hint).map_err(|_| Error::InvalidSecret)?;
    let signed = format!("{HOME_HINT_PREFIX}{}", URL_SAFE_NO_PAD.encode(payload));
    let mut mac = hint_key(secret)?;
    mac.update(signed.as_bytes());
    Ok(format!("{signed}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())))
}

/// The home `text` names for the device `key_id`, if it is a hint this service issued (MAC
/// checked in constant time) for that key; `None` for anything else.
pub fn read_home_hint(secret: &[u8], text: &str, key_id: &KeyId) -> Option<HomeHint> {
    if text.len() > MAX_HOME_HINT {
        return None;
    }
    let (signed, tag) = text.rsplit_once('.')?;
    let payload = signed.strip_prefix(HOME_HINT_PREFIX)?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    let mut mac = hint_key(secret).ok()?;
    mac.update(signed.as_bytes());
    mac.verify_slice(&tag).ok()?;
    let hint: HomeHint = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    (hint.key_id == *key_id).then_some(hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::DeviceSigningKey;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn key_id(seed: u8) -> KeyId {
        DeviceSigningKey::from_bytes(&[seed; 32]).expect("a valid scalar").public_key().key_id()
    }

    fn hint() -> HomeHint {
        HomeHint {
            tenant_id: TenantId::parse("acme").expect("a tenant id"),
            user_id: UserId::parse("alice@example.com").expect("a user id"),
            key_id: key_id(7),
        }
    }

    #[test]
    fn a_hint_reads_back_for_its_key() {
        let text = issue_home_hint(SECRET, &hint()).expect("issued");
        assert!(text.starts_with(HOME_HINT_PREFIX));
        assert_eq!(read_home_hint(SECRET, &text, &key_id(7)), Some(hint()));
    }

    #[test]
    fn hints_for_another_key_or_secret_or_altered_are_ignored() {
        let text = issue_home_hint(SECRET, &hint()).expect("issued");
        assert_eq!(read_home_hint(SECRET, &text, &key_id(8)), None, "another key");
        assert_eq!(read_home_hint(b"another secret", &text, &key_id(7)), None, "another secret");
        let (signed, tag) = text.rsplit_once('.').expect("a tag");
        let other = HomeHint { user_id: UserId::parse("mallory").expect("a user id"), ..hint() };
        let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&other).expect("json"));
        let forged = format!("{HOME_HINT_PREFIX}{forged_payload}.{tag}");
        assert_eq!(read_home_hint(SECRET, &forged, &key_id(7)), None, "payload swapped");
        assert_eq!(read_home_hint(SECRET, signed, &key_id(7)), None, "no tag");
        assert_eq!(read_home_hint(SECRET, "", &key_id(7)), None);
        assert_eq!(read_home_hint(SECRET, &"h1.a.b".repeat(300), &key_id(7)), None, "too long");
    }
}
