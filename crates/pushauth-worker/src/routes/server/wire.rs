//! The bodies of `track` and `validate` (the Authsignal dialect of the server API), defined once
//! for both sides: [`super::track`] and [`super::validate`] read the requests and write the
//! responses, and the demo backend ([`crate::routes::demo::backend`]) writes the requests and
//! reads the responses. Serde only: no rule lives here.

use serde::{Deserialize, Serialize};

/// The body of `POST /v1/users/{userId}/actions/{action}` (Authsignal's action attributes).
/// Unknown attributes are ignored, as a newer client may send more; known ones must have the
/// right type. Absent ones are not sent. (No `serde(default)`: with it, a JSON array such as `[]`
/// would read as an empty body; without it, a missing field is `None` all the same.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackBody {
    /// Where the hosted page sends the person back to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// The action's key; a random one when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// The request context's IP address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// The request context's user agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// The request context's device id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// Space-separated scopes: only `add:authenticators` exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The request context's location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// What `track` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tracked {
    /// The action's state (`ActionState`, as Authsignal spells it).
    pub state: String,
    /// The action's key.
    pub idempotency_key: String,
    /// The track token, for the browser.
    pub token: String,
    /// The hosted page's URL with the token.
    pub url: String,
    /// Whether the user has an enrolled device.
    pub is_enrolled: bool,
    /// `["PUSH"]` once enrolled.
    pub enrolled_verification_methods: Vec<String>,
    /// Always `["PUSH"]`.
    pub allowed_verification_methods: Vec<String>,
}

/// The body of `POST /v1/validate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateBody {
    /// The result token the browser brought back.
    pub token: String,
    /// If set, the token is valid only for this user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// If set, the token is valid only for this action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

/// What `validate` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Validated {
    /// Whether the challenge was approved (and the token not consumed before).
    pub is_valid: bool,
    /// The action's state (`CHALLENGE_SUCCEEDED` when valid).
    pub state: String,
    /// The user the challenge was for.
    pub user_id: String,
    /// The action.
    pub action_code: String,
    /// The action's key.
    pub idempotency_key: String,
    /// Always `PUSH`.
    pub verification_method: String,
    /// The challenge.
    pub challenge_id: String,
}

#[cfg(test)]
mod tests;
