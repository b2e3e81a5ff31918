//! The Privakey CX dialect: the `request/add` body and the processed request that callbacks and
//! `getRequest` return (seed documents 000 and 001).
//!
//! `request/add` arrives as JSON or as form fields (the vendor documents "Form Data"). Both are
//! read into one JSON object first ([`form_to_object`] for forms), then [`AddRequest::from_object`]
//! applies the documented rules and defaults.

use alloc::{borrow::ToOwned, string::String, vec::Vec};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::button::{Button, Buttons};
use crate::challenge::{Challenge, ChallengeSpec, ChallengeState, Dialect, Status};
use crate::duration::ChallengeDuration;
use crate::encoding::percent_decode;
use crate::time::rfc3339;
use crate::{Error, UnixMillis};

/// The action code of Privakey-style requests (their API has none).
pub const PRIVAKEY_ACTION: &str = "request";

/// A validated `request/add`.
#[derive(Debug, Clone, PartialEq)]
pub struct AddRequest {
    /// The challenge to create (tenant id to be set by the caller).
    pub spec: ChallengeSpec,
}

fn string(obj: &Map<String, Value>, field: &'static str) -> Result<Option<String>, Error> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::InvalidFieldType { field }),
    }
}

fn boolean(obj: &Map<String, Value>, field: &'static str) -> Result<bool, Error> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        // Form fields carry booleans as text.
        Some(Value::String(s)) if s == "true" => Ok(true),
        Some(Value::String(s)) if s == "false" || s.is_empty() => Ok(false),
        Some(_) => Err(Error::InvalidFieldType { field }),
    }
}

fn button(value: &Value, index: usize) -> Result<Button, Error> {
    let bad = || Error::InvalidButton { index };
    let object = match value {
        // "An array of strings or JSON objects": a string element is a JSON-encoded button.
        Value::String(text) => serde_json::from_slice::<Value>(text.as_bytes()).map_err(|_| bad())?,
        other => other.clone(),
    };
    crate::json_value::read(&object).map_err(|_| bad())
}

fn buttons(obj: &Map<String, Value>) -> Result<Option<Buttons>, Error> {
    let list = match obj.get("buttons") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(list)) => list.clone(),
        // A form field holds the whole array as JSON text.
        Some(Value::String(text)) => match serde_json::from_slice::<Value>(text.as_bytes()) {
            Ok(Value::Array(list)) => list,
            _ => return Err(Error::InvalidFieldType { field: "buttons" }),
        },
        Some(_) => return Err(Error::InvalidFieldType { field: "buttons" }),
    };
    let parsed = list.iter().enumerate().map(|(i, v)| button(v, i)).collect::<Result<Vec<_>, _>>()?;
    Buttons::new(parsed).map(Some)
}

impl AddRequest {
    /// Reads a `request/add` body. `accountId` is required; everything else has the documented
    /// default: buttons Approve (strong auth) / Reject, duration `60s`, notification title and body
    /// "Authentication Request", `showConfirmationCode` and `showNotification` false.
    /// `additionalInfo` is kept exactly as sent (string or JSON) and echoed back.
    pub fn from_object(obj: &Map<String, Value>, tenant_id: &str) -> Result<Self, Error> {
        let account = string(obj, "accountId")?.ok_or(Error::FieldRequired { field: "accountId" })?;
        let mut spec = ChallengeSpec::new(Dialect::Privakey, tenant_id, &account, PRIVAKEY_ACTION);
        spec.content = string(obj, "content")?.unwrap_or_default();
        spec.buttons = buttons(obj)?;
        spec.additional_info = obj.get("additionalInfo").filter(|v| !v.is_null()).cloned();
        spec.callback = string(obj, "callback")?.filter(|c| !c.is_empty());
        spec.duration = match string(obj, "duration")? {
            Some(text) => ChallengeDuration::parse(&text)?,
            None => ChallengeDuration::DEFAULT,
        };
        spec.notification_title = string(obj, "notificationTitle")?;
        spec.notification_body = string(obj, "notificationBody")?;
        spec.transaction_id = string(obj, "transactionId")?;
        spec.show_confirmation_code = boolean(obj, "showConfirmationCode")?;
        spec.show_notification = boolean(obj, "showNotification")?;
        spec.validate()?;
        Ok(AddRequest { spec })
    }
}

/// Reads an `application/x-www-form-urlencoded` body into a JSON object of strings.
pub fn form_to_object(body: &[u8]) -> Result<Map<String, Value>, Error> {
    let bad = || Error::InvalidFieldType { field: "body" };
    let decode = |part: &str| percent_decode(part, true).ok_or_else(bad);
    let text = core::str::from_utf8(body).map_err(|_| bad())?;
    let mut obj = Map::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        obj.insert(decode(k)?, Value::String(decode(v)?));
    }
    Ok(obj)
}

/// The processed request, as POSTed to the callback and returned by `request/add` and
/// `getRequest`; it reads back too, for a backend written in Rust (the demo backend).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessedRequest {
    /// The request id.
    pub guid: String,
    /// The user asked.
    pub account_id: String,
    /// `pending`, `approved`, `denied`, `expired` or `cancelled`.
    pub state: Status,
    /// The main text.
    pub content: String,
    /// The buttons offered.
    pub buttons: Vec<Button>,
    /// The index of the chosen button, once answered.
    pub button_selected: Option<u32>,
    /// The chosen button's title, once answered.
    pub response_content: Option<String>,
    /// Why the person denied, if they said.
    pub deny_reason: Option<String>,
    /// Why the service ended it unanswered (`too_many_attempts`), if it did; `state` is then
    /// `denied` and `buttonSelected` null.
    pub failure_reason: Option<String>,
    /// Echoed untouched.
    pub additional_info: Option<Value>,
    /// Notification title.
    pub notification_title: String,
    /// Notification body.
    pub notification_body: String,
    /// Whether a notification was shown.
    pub show_notification: bool,
    /// The transaction reference.
    pub transaction_id: Option<String>,
    /// The confirmation code, when asked for.
    pub confirmation_code: Option<String>,
    /// The callback URL.
    pub callback: Option<String>,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// When it expires (RFC 3339).
    pub expires_at: String,
    /// When it was answered, cancelled or failed (RFC 3339).
    pub responded_at: Option<String>,
}

impl ProcessedRequest {
    /// The processed form of a challenge at time `now`.
    pub fn of(challenge: &Challenge, now: UnixMillis) -> Self {
        let (button, reason, responded) = match &challenge.state {
            ChallengeState::Answered(a) => (Some(a.button), a.reason, Some(a.answered_at)),
            ChallengeState::Cancelled { cancelled_at } => (None, None, Some(*cancelled_at)),
            ChallengeState::Failed { failed_at, .. } => (None, None, Some(*failed_at)),
            ChallengeState::Pending | ChallengeState::Expired => (None, None, None),
        };
        ProcessedRequest {
            guid: challenge.id.as_str().to_owned(),
            account_id: challenge.user_id.as_str().to_owned(),
            state: challenge.status_at(now),
            content: challenge.content.clone(),
            buttons: challenge.buttons.as_slice().to_vec(),
            button_selected: button,
            response_content: button.and_then(|b| challenge.buttons.get(b as usize)).map(|b| b.title.clone()),
            deny_reason: reason.map(|r| r.as_str().to_owned()),
            failure_reason: challenge.failure_reason().map(|r| r.as_str().to_owned()),
            additional_info: challenge.additional_info.clone(),
            notification_title: challenge.notification_title.clone(),
            notification_body: challenge.notification_body.clone(),
            show_notification: challenge.show_notification,
            transaction_id: challenge.transaction_id.clone(),
            confirmation_code: challenge.confirmation_code.clone(),
            callback: challenge.callback.clone(),
            created_at: rfc3339(challenge.created_at),
            expires_at: rfc3339(challenge.expires_at),
            responded_at: responded.map(rfc3339),
        }
    }
}

#[cfg(test)]
mod tests;
