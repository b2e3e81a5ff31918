//! The device API's request and response bodies (`docs/api.md`, "Device API"), defined once and
//! used by both sides: the Worker that serves them and every client that calls them (the
//! `pushauth-device` crate, the Worker's native test kit). Serde only: no rule lives here.
//!
//! Identifiers in request bodies stay text on purpose: the server parses them itself
//! ([`KeyId::parse`](crate::signature::KeyId::parse),
//! [`DeviceSignature::parse`](crate::signature::DeviceSignature::parse)), so a malformed key id
//! is refused as `invalid_encoding`, not as malformed JSON.

use alloc::{borrow::ToOwned, string::String, vec::Vec};

use serde::{Deserialize, Serialize};

use crate::challenge::answer::{answer_message, Choice};
use crate::challenge::{ChallengeView, DenyReason, Status};
use crate::encoding::b64;
use crate::signature::DeviceSigningKey;
use crate::UnixMillis;

/// What `POST /v1/client/user-authenticators/push` (enrolment, with a track token of scope
/// `add:authenticators`; its body is [`crate::device::Enrolment`]) answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Enrolled {
    /// The id backends use for the device (`getAuthenticators`): the key id.
    pub user_authenticator_id: String,
    /// The key's id.
    pub key_id: String,
    /// The user the device answers for.
    pub user_id: String,
    /// The tenant.
    pub tenant_id: String,
    /// The device's home hint, to send as `X-PushAuth-Home` ([`crate::home_hint`]; absent from
    /// older services).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home: Option<String>,
}

/// `GET /v1/device/challenges`: the device's user's pending challenges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pending {
    /// The tenant's display name.
    pub tenant_name: String,
    /// The pending challenges, oldest first.
    pub challenges: Vec<ChallengeView>,
}

/// The body of `POST /v1/device/challenges/{challengeId}/answer`: a signed answer. Unknown
/// fields are refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnswerBody {
    /// The answering key's id (43 base64url characters).
    pub key_id: String,
    /// The chosen button, counted from 0.
    pub button: u32,
    /// The number typed, if the challenge asks for number matching.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Why the person denied, if they said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<DenyReason>,
    /// Base64 DER (or 64-byte `r‖s`) signature over the canonical answer message
    /// ([`crate::answer::answer_message`]).
    pub signature: String,
}

/// What `POST /v1/device/challenges/{challengeId}/answer` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Answered {
    /// The challenge's status after the answer: `approved` or `denied`.
    pub status: Status,
    /// The button the answer chose.
    pub button: u32,
}

/// The body of `PATCH /v1/device/credential`: what to change. Unknown fields are refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CredentialUpdate {
    /// A new device name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    /// A new push token; empty removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push_token: Option<String>,
}

/// What `POST /v1/device/ws-ticket` answers: a ticket to open one device socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SocketTicket {
    /// The ticket (secret), offered when the socket opens.
    pub ticket: String,
    /// Until when it may be used, Unix milliseconds.
    pub expires_at: UnixMillis,
}

/// What `GET /v1/device/web-push` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VapidPublicKey {
    /// The `applicationServerKey` to subscribe with: base64url of the 65-byte point.
    pub vapid_public_key: String,
}

/// The body of `PUT /v1/device/web-push`: a browser's `PushSubscription.toJSON()`, as sent (the
/// server parses it with [`crate::webpush::Subscription::parse`]). Unknown fields are refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PushSubscriptionJson {
    /// The push service URL.
    pub endpoint: String,
    /// Browsers send it (usually `null`); push services report expiry with 404/410 anyway, so
    /// it is not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_time: Option<serde_json::Value>,
    /// The keys to encrypt to.
    pub keys: PushSubscriptionKeys,
}

/// The `keys` of a [`PushSubscriptionJson`], base64 or base64url text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushSubscriptionKeys {
    /// The user agent's P-256 public key.
    pub p256dh: String,
    /// The user agent's authentication secret.
    pub auth: String,
}

/// What `PUT /v1/device/web-push` answers: the subscription's endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscribed {
    /// The push service URL now subscribed.
    pub endpoint: String,
}

/// A device's signed answer to `view`, as the device API takes it: `choice` signed with `key`
/// over [`answer_message`] (base64 DER). What every client sends: the device crate, the
/// Worker's test kit.
pub fn answer_body(key: &DeviceSigningKey, view: &ChallengeView, choice: &Choice) -> AnswerBody {
    let key_id = key.public_key().key_id();
    let signature = key.sign(&answer_message(view, &key_id, choice));
    AnswerBody {
        key_id: key_id.as_str().to_owned(),
        button: choice.button,
        code: choice.code.clone(),
        reason: choice.reason,
        signature: b64(&signature.to_der()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_answer_round_trips_and_leaves_out_what_it_lacks() {
        let body = AnswerBody {
            key_id: "k".into(),
            button: 1,
            code: None,
            reason: Some(DenyReason::NotMe),
            signature: "sig".into(),
        };
        let text = serde_json::to_value(&body).unwrap();
        assert_eq!(text, json!({ "keyId": "k", "button": 1, "reason": "not_me", "signature": "sig" }));
        assert_eq!(serde_json::from_value::<AnswerBody>(text).unwrap(), body);
        // Absent and null options read alike; unknown fields are refused.
        let nulls = json!({ "keyId": "k", "button": 0, "code": null, "reason": null, "signature": "s" });
        assert_eq!(serde_json::from_value::<AnswerBody>(nulls).unwrap().code, None);
        let extra = json!({ "keyId": "k", "button": 0, "signature": "s", "approved": true });
        assert!(serde_json::from_value::<AnswerBody>(extra).is_err());
    }

    #[test]
    fn the_status_is_an_enum() {
        let answered: Answered =
            serde_json::from_value(json!({ "status": "approved", "button": 0 })).unwrap();
        assert_eq!(answered, Answered { status: Status::Approved, button: 0 });
        assert!(serde_json::from_value::<Answered>(json!({ "status": "maybe", "button": 0 })).is_err());
    }

    #[test]
    fn a_browser_subscription_reads_as_sent() {
        let sent = json!({ "endpoint": "https://push.example/x", "expirationTime": null, "keys": { "p256dh": "p", "auth": "a" } });
        let body: PushSubscriptionJson = serde_json::from_value(sent).unwrap();
        assert_eq!((body.endpoint.as_str(), body.keys.auth.as_str()), ("https://push.example/x", "a"));
        let extra = json!({ "endpoint": "e", "keys": { "p256dh": "p", "auth": "a", "x": 1 } });
        assert!(serde_json::from_value::<PushSubscriptionJson>(extra).is_err());
    }

    #[test]
    fn a_credential_update_sends_only_what_changes() {
        let rename = CredentialUpdate { device_name: Some("Work phone".into()), push_token: None };
        assert_eq!(serde_json::to_string(&rename).unwrap(), r#"{"deviceName":"Work phone"}"#);
        assert!(serde_json::from_str::<CredentialUpdate>(r#"{"name":"x"}"#).is_err());
    }
}
