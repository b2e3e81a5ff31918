//! An enrolled device credential, and the rules for enrolling one.

use alloc::string::String;

use serde::{Deserialize, Serialize};

use crate::ids::{TenantId, UserId};
use crate::signature::{DevicePublicKey, KeyId};
use crate::text::{check_identifier, check_required_text, check_text};
use crate::{Error, UnixMillis};

/// The longest device name, in bytes.
pub const MAX_DEVICE_NAME: usize = 64;
/// The longest device platform name, in bytes.
pub const MAX_PLATFORM: usize = 32;
/// The longest push token (APNs, FCM or Web Push subscription), in bytes.
pub const MAX_PUSH_TOKEN: usize = 4096;

/// A device's enrolled key for one user of one tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCredential {
    /// The key's id (see [`DevicePublicKey::key_id`]).
    pub key_id: KeyId,
    /// The tenant.
    pub tenant_id: TenantId,
    /// The user the device answers for.
    pub user_id: UserId,
    /// The public key, standard base64 of SPKI DER.
    pub public_key: String,
    /// A name the person recognises ("Alice's phone").
    pub device_name: String,
    /// `ios`, `android`, `web`, `cli`…
    pub device_platform: String,
    /// Where to send push notifications, if the device has a push channel.
    #[serde(default)]
    pub push_token: Option<String>,
    /// When it was enrolled.
    pub created_at: UnixMillis,
    /// When it last answered or fetched, if ever.
    #[serde(default)]
    pub last_used_at: Option<UnixMillis>,
}

/// What a device sends to enrol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Enrolment {
    /// The public key: SPKI DER or SEC1, base64 or base64url.
    pub public_key: String,
    /// A name the person recognises.
    pub device_name: String,
    /// The platform.
    pub device_platform: String,
    /// A push token, if any.
    #[serde(default)]
    pub push_token: Option<String>,
    /// The proof of possession: the key's signature over
    /// [`crate::enrolment_proof::enrolment_message`]. Required in the pushauth device protocol;
    /// the Authsignal mobile SDKs send none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<String>,
}

impl DeviceCredential {
    /// Validates an enrolment for `tenant_id` / `user_id` and makes the credential.
    pub fn enrol(
        enrolment: &Enrolment,
        tenant_id: &TenantId,
        user_id: &UserId,
        now: UnixMillis,
    ) -> Result<Self, Error> {
        let key = DevicePublicKey::parse(&enrolment.public_key)?;
        check_required_text("deviceName", &enrolment.device_name, MAX_DEVICE_NAME, false)?;
        check_identifier("devicePlatform", &enrolment.device_platform, MAX_PLATFORM)?;
        if let Some(token) = &enrolment.push_token {
            check_text("pushToken", token, MAX_PUSH_TOKEN, false)?;
        }
        Ok(DeviceCredential {
            key_id: key.key_id(),
            tenant_id: tenant_id.clone(),
            user_id: user_id.clone(),
            public_key: key.to_base64(),
            device_name: enrolment.device_name.clone(),
            device_platform: enrolment.device_platform.clone(),
            push_token: enrolment.push_token.clone(),
            created_at: now,
            last_used_at: None,
        })
    }

    /// The parsed public key.
    pub fn public_key(&self) -> Result<DevicePublicKey, Error> {
        DevicePublicKey::parse(&self.public_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::DeviceSigningKey;

    fn good_enrolment() -> Enrolment {
        let key = DeviceSigningKey::from_bytes(&[9; 32]).unwrap();
        Enrolment {
            public_key: key.public_key().to_base64(),
            device_name: "Alice's phone".into(),
            device_platform: "ios".into(),
            push_token: None,
            proof: None,
        }
    }

    fn acme() -> TenantId {
        "acme".parse().unwrap()
    }

    fn alice() -> UserId {
        "alice".parse().unwrap()
    }

    #[test]
    fn enrol_normalises_the_key_and_derives_its_id() {
        let e = good_enrolment();
        let c = DeviceCredential::enrol(&e, &acme(), &alice(), 5).unwrap();
        let key = DevicePublicKey::parse(&e.public_key).unwrap();
        assert_eq!(c.key_id, key.key_id());
        assert_eq!(c.public_key, key.to_base64());
        assert_eq!(c.created_at, 5);
    }

    #[test]
    fn enrol_rejects_each_bad_field() {
        let cases = [
            (Enrolment { public_key: "AAAA".into(), ..good_enrolment() }, "invalid_public_key"),
            (Enrolment { device_name: "".into(), ..good_enrolment() }, "field_required"),
            (Enrolment { device_name: "x".repeat(65), ..good_enrolment() }, "field_too_long"),
            (Enrolment { device_platform: "i os".into(), ..good_enrolment() }, "invalid_characters"),
            (Enrolment { push_token: Some("a\nb".into()), ..good_enrolment() }, "invalid_characters"),
        ];
        for (enrolment, code) in cases {
            assert_eq!(DeviceCredential::enrol(&enrolment, &acme(), &alice(), 0).unwrap_err().code(), code);
        }
    }
}
