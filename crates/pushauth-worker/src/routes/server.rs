//! The server API a tenant's backend calls, in the Authsignal dialect (what `@authsignal/node`
//! 2.21.0 sends): track, validate, get/update an action, list/remove authenticators.

use pushauth_core::challenge::{Challenge, Status};
use pushauth_core::ids::{check_action, check_idempotency_key, check_user_id, ChallengeId};
use pushauth_core::signature::KeyId;
use pushauth_core::time::rfc3339;
use pushauth_core::token::{self, Claims, TokenKind, SCOPE_ADD_AUTHENTICATORS};
use pushauth_core::{challenge::RequestContext, Error};
use serde::{Deserialize, Serialize};

use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::auth::server_tenant;
use crate::http::{ApiRequest, ApiResponse};
use crate::records::{load_user, remove_device, save_user};
use crate::routes::parse_json;
use crate::store::{get_json, keys, put_json, Store};

/// How long a track token lives: 10 minutes.
pub const TRACK_TOKEN_SECS: u64 = 600;

/// The body of `track` (Authsignal's action attributes). Unknown attributes are ignored, as a
/// newer client may send more; known ones must have the right type.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TrackBody {
    redirect_url: Option<String>,
    idempotency_key: Option<String>,
    ip_address: Option<String>,
    user_agent: Option<String>,
    device_id: Option<String>,
    scope: Option<String>,
    location: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TrackResponse<'a> {
    state: &'a str,
    idempotency_key: &'a str,
    token: &'a str,
    url: &'a str,
    is_enrolled: bool,
    enrolled_verification_methods: Vec<&'a str>,
    allowed_verification_methods: Vec<&'a str>,
}

/// Percent-encodes a path segment or query value.
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `POST /v1/users/{userId}/actions/{action}`.
pub async fn track<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    user_id: &str,
    action: &str,
) -> Result<ApiResponse, ApiError> {
    let tenant = server_tenant(app, req).await?;
    check_user_id(user_id)?;
    check_action(action)?;
    let body: TrackBody = parse_json(req)?;
    if let Some(url) = &body.redirect_url {
        tenant.check_redirect(url)?;
    }
    let scope = body.scope.unwrap_or_default();
    if !scope.split(' ').all(|s| s.is_empty() || s == SCOPE_ADD_AUTHENTICATORS) {
        return Err(ApiError::new(
            ErrorCode::InvalidScope,
            format!("the only scope is `{SCOPE_ADD_AUTHENTICATORS}`"),
        ));
    }
    let idempotency_key = match body.idempotency_key {
        Some(key) => {
            check_idempotency_key(&key)?;
            key
        }
        None => ChallengeId::from_random(app.random_bytes::<16>()?).as_str().to_owned(),
    };
    let context = RequestContext {
        ip_address: body.ip_address,
        user_agent: body.user_agent,
        location: body.location,
        device_id: body.device_id,
    };
    context.validate()?;
    let context = (context != RequestContext::default()).then_some(context);
    let claims = Claims {
        kind: TokenKind::Track,
        tid: tenant.id.clone(),
        sub: user_id.to_owned(),
        act: action.to_owned(),
        idem: idempotency_key.clone(),
        scope,
        cid: None,
        redirect_url: body.redirect_url,
        context,
        iat: app.now / 1000,
        exp: app.now / 1000 + TRACK_TOKEN_SECS,
    };
    let token = token::issue(app.config.token_secret.as_bytes(), &claims)?;
    let user = load_user(app.store, &tenant.id, user_id).await?;
    let is_enrolled = !user.devices.is_empty();
    let url = format!("{}/hosted/?token={}", app.public_base(&req.origin), encode_component(&token));
    let methods = if is_enrolled { vec!["PUSH"] } else { vec![] };
    Ok(ApiResponse::json(
        200,
        &TrackResponse {
            state: if is_enrolled { "CHALLENGE_REQUIRED" } else { "ALLOW" },
            idempotency_key: &idempotency_key,
            token: &token,
            url: &url,
            is_enrolled,
            enrolled_verification_methods: methods.clone(),
            allowed_verification_methods: vec!["PUSH"],
        },
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ValidateBody {
    token: String,
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default)]
    action: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ValidateResponse<'a> {
    is_valid: bool,
    state: &'a str,
    user_id: &'a str,
    action_code: &'a str,
    idempotency_key: &'a str,
    verification_method: &'a str,
    challenge_id: &'a str,
}

/// `POST /v1/validate`: consumes a result token, once.
pub async fn validate<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let tenant = server_tenant(app, req).await?;
    let body: ValidateBody = parse_json(req)?;
    let claims = token::verify(app.config.token_secret.as_bytes(), TokenKind::Result, &body.token, app.now)?;
    if claims.tid != tenant.id {
        return Err(Error::InvalidToken.into());
    }
    let cid = claims.cid.as_deref().ok_or(Error::MalformedToken)?;
    let key = keys::challenge(&tenant.id, cid);
    let mut challenge: Challenge = get_json(app.store, &key)
        .await?
        .ok_or_else(|| ApiError::not_found(ErrorCode::ChallengeNotFound, "challenge"))?;
    let mismatch = body.user_id.as_deref().is_some_and(|u| u != challenge.user_id)
        || body.action.as_deref().is_some_and(|a| a != challenge.action);
    // A token presented for another user or action is not valid, and is not consumed.
    let status = if mismatch {
        Status::Denied
    } else {
        let outcome = challenge.consume_result(app.now)?;
        put_json(app.store, &key, &challenge, Some(challenge_ttl(&challenge, app.now))).await?;
        outcome.status
    };
    Ok(ApiResponse::json(
        200,
        &ValidateResponse {
            is_valid: status == Status::Approved,
            state: status.authsignal_state(),
            user_id: &challenge.user_id,
            action_code: &challenge.action,
            idempotency_key: &challenge.idempotency_key,
            verification_method: "PUSH",
            challenge_id: challenge.id.as_str(),
        },
    ))
}

/// Seconds a challenge record is kept from `now`: until an hour after its expiry.
pub fn challenge_ttl(challenge: &Challenge, now: u64) -> u64 {
    (challenge.expires_at + crate::records::RETENTION_MS).saturating_sub(now) / 1000
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ActionView<'a> {
    state: &'a str,
    status: Status,
    user_id: &'a str,
    action_code: &'a str,
    idempotency_key: &'a str,
    challenge_id: &'a str,
    created_at: String,
    state_updated_at: String,
    verification_method: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure_reason: Option<&'static str>,
}

/// Checks the identifiers of an action's path, as track does, before they reach a storage key.
fn check_action_path(user_id: &str, action: &str, idem: &str) -> Result<(), Error> {
    check_user_id(user_id)?;
    check_action(action)?;
    check_idempotency_key(idem)
}

async fn find_action<S: Store>(
    app: &App<'_, S>,
    tenant_id: &str,
    user_id: &str,
    action: &str,
    idempotency_key: &str,
) -> Result<(String, Challenge), ApiError> {
    let user = load_user(app.store, tenant_id, user_id).await?;
    let entry = user
        .challenges
        .iter()
        .rev()
        .find(|c| c.action == action && c.idempotency_key == idempotency_key)
        .ok_or_else(|| ApiError::not_found(ErrorCode::ActionNotFound, "action"))?;
    let key = keys::challenge(tenant_id, entry.id.as_str());
    let challenge = get_json(app.store, &key)
        .await?
        .ok_or_else(|| ApiError::not_found(ErrorCode::ActionNotFound, "action"))?;
    Ok((key, challenge))
}

fn action_response(challenge: &Challenge, now: u64) -> ApiResponse {
    let status = challenge.status_at(now);
    let updated = match &challenge.state {
        pushauth_core::challenge::ChallengeState::Answered(a) => a.answered_at,
        pushauth_core::challenge::ChallengeState::Cancelled { cancelled_at } => *cancelled_at,
        pushauth_core::challenge::ChallengeState::Expired => challenge.expires_at,
        pushauth_core::challenge::ChallengeState::Failed { failed_at, .. } => *failed_at,
        pushauth_core::challenge::ChallengeState::Pending if status == Status::Expired => {
            challenge.expires_at
        }
        pushauth_core::challenge::ChallengeState::Pending => challenge.created_at,
    };
    ApiResponse::json(
        200,
        &ActionView {
            state: status.authsignal_state(),
            status,
            user_id: &challenge.user_id,
            action_code: &challenge.action,
            idempotency_key: &challenge.idempotency_key,
            challenge_id: challenge.id.as_str(),
            created_at: rfc3339(challenge.created_at),
            state_updated_at: rfc3339(updated),
            verification_method: "PUSH",
            failure_reason: challenge.failure_reason().map(|r| r.as_str()),
        },
    )
}

/// `GET /v1/users/{userId}/actions/{action}/{idempotencyKey}`.
pub async fn get_action<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    user_id: &str,
    action: &str,
    idem: &str,
) -> Result<ApiResponse, ApiError> {
    let tenant = server_tenant(app, req).await?;
    check_action_path(user_id, action, idem)?;
    let (_, challenge) = find_action(app, &tenant.id, user_id, action, idem).await?;
    Ok(action_response(&challenge, app.now))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateActionBody {
    state: String,
}

/// `PATCH /v1/users/{userId}/actions/{action}/{idempotencyKey}`: `{"state":"CHALLENGE_FAILED"}`
/// cancels a pending challenge (the backend withdrew it).
pub async fn update_action<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    user_id: &str,
    action: &str,
    idem: &str,
) -> Result<ApiResponse, ApiError> {
    let tenant = server_tenant(app, req).await?;
    check_action_path(user_id, action, idem)?;
    let body: UpdateActionBody = parse_json(req)?;
    if body.state != "CHALLENGE_FAILED" {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            "the only state a backend can set is CHALLENGE_FAILED (cancel)",
        ));
    }
    let (key, mut challenge) = find_action(app, &tenant.id, user_id, action, idem).await?;
    challenge.cancel(app.now)?;
    put_json(app.store, &key, &challenge, Some(challenge_ttl(&challenge, app.now))).await?;
    app.notice_challenge(&challenge);
    Ok(action_response(&challenge, app.now))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuthenticatorView {
    user_authenticator_id: String,
    verification_method: &'static str,
    device_name: String,
    device_platform: String,
    created_at: String,
    public_key: String,
}

/// `GET /v1/users/{userId}/authenticators`.
pub async fn list_authenticators<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    user_id: &str,
) -> Result<ApiResponse, ApiError> {
    let tenant = server_tenant(app, req).await?;
    check_user_id(user_id)?;
    let user = load_user(app.store, &tenant.id, user_id).await?;
    let mut out = Vec::new();
    for key_id in &user.devices {
        let device: Option<pushauth_core::device::DeviceCredential> =
            get_json(app.store, &keys::device(key_id.as_str())).await?;
        if let Some(d) = device {
            out.push(AuthenticatorView {
                user_authenticator_id: d.key_id.as_str().to_owned(),
                verification_method: "PUSH",
                device_name: d.device_name,
                device_platform: d.device_platform,
                created_at: rfc3339(d.created_at),
                public_key: d.public_key,
            });
        }
    }
    Ok(ApiResponse::json(200, &out))
}

/// `DELETE /v1/users/{userId}/authenticators/{keyId}`.
pub async fn remove_authenticator<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    user_id: &str,
    key_id: &str,
) -> Result<ApiResponse, ApiError> {
    let tenant = server_tenant(app, req).await?;
    check_user_id(user_id)?;
    let key_id = KeyId::parse(key_id)?;
    let user = load_user(app.store, &tenant.id, user_id).await?;
    if !user.devices.contains(&key_id) {
        return Err(ApiError::not_found(ErrorCode::AuthenticatorNotFound, "authenticator"));
    }
    remove_device(app.store, &tenant.id, user_id, &key_id).await?;
    app.notice_device_removed(&key_id);
    Ok(ApiResponse::json(200, &serde_json::json!({ "removedAuthenticatorId": key_id.as_str() })))
}

/// `DELETE /v1/users/{userId}/block`: lifts a "not me" block before it ends.
pub async fn unblock<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    user_id: &str,
) -> Result<ApiResponse, ApiError> {
    let tenant = server_tenant(app, req).await?;
    check_user_id(user_id)?;
    let mut user = load_user(app.store, &tenant.id, user_id).await?;
    user.blocked_until = None;
    save_user(app.store, &tenant.id, user_id, &user).await?;
    Ok(ApiResponse::empty(204))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_percent_encoded() {
        assert_eq!(encode_component("a.b-c_d~"), "a.b-c_d~");
        assert_eq!(encode_component("a b/c?d=é"), "a%20b%2Fc%3Fd%3D%C3%A9");
    }
}
