//! The server API a tenant's backend calls, in the Authsignal dialect (what `@authsignal/node`
//! 2.21.0 sends): track, validate, get/update an action, list/remove authenticators. (Users and
//! their action history: `users.rs`.)

use pushauth_core::action::{ActionLog, ActionRecord, ActionState, Effect, ACTION_RETENTION_MS};
use pushauth_core::challenge::{Challenge, Status};
use pushauth_core::ids::{ActionCode, ChallengeId, IdempotencyKey, TenantId, UserId};
use pushauth_core::signature::KeyId;
use pushauth_core::time::rfc3339;
use pushauth_core::token::{self, Claims, TokenKind, SCOPE_ADD_AUTHENTICATORS};
use pushauth_core::{challenge::RequestContext, Error};
use serde::{Deserialize, Serialize};

use crate::account_events::{authenticator_event, AUTHENTICATOR_DELETED};
use crate::action_log::{cancel_challenge, load_log, log_of, revoke_result, save_log, save_log_in};
use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::auth::server_tenant;
use crate::challenge_repo::{challenge_in, load_challenge, save_challenge};
use crate::http::{ApiRequest, ApiResponse};
use crate::path_ids::{ActionKey, UserCall};
use crate::records::{load_device, load_user, remove_device, save_user};
use crate::routes::parse_json;
use crate::store::Store;

pub mod wire;

use wire::{TrackBody, Tracked, ValidateBody, Validated};

/// How long a track token lives: 10 minutes.
pub const TRACK_TOKEN_SECS: u64 = 600;

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
    call: &UserCall,
    action: &ActionCode,
) -> Result<ApiResponse, ApiError> {
    let (tenant, user_id) = (call.tenant(), call.user());
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
        Some(key) => IdempotencyKey::try_from(key)?,
        None => IdempotencyKey::from(&ChallengeId::from_random(app.random_bytes::<16>()?)),
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
        sub: user_id.clone(),
        act: action.clone(),
        idem: idempotency_key.clone(),
        scope,
        cid: None,
        redirect_url: body.redirect_url,
        context,
        iat: app.now / 1000,
        exp: app.now / 1000 + TRACK_TOKEN_SECS,
    };
    let token = token::issue(app.config.token_secret.as_bytes(), &claims)?;
    let mut user = load_user(app.store, &tenant.id, user_id).await?;
    let is_enrolled = !user.devices.is_empty();
    // The action is logged at once, so getAction finds it before any challenge starts. Tracking
    // an action again (same code and key) leaves its record as it is; one a backend decided
    // answers its decided state. The user's record, just read, holds the log: read once.
    let mut log = log_of(app.store, &tenant.id, user_id, &user, app.now).await?;
    let tracked = ActionRecord::tracked(action, &idempotency_key, is_enrolled, app.now);
    let state = match log.find(action, &idempotency_key) {
        Some(existing) if existing.decided => existing.state,
        Some(_) => tracked.state,
        None => {
            let state = tracked.state;
            log.put(tracked);
            save_log_in(app.store, &tenant.id, user_id, &mut user, log, app.now).await?;
            state
        }
    };
    let url = format!("{}/hosted/?token={}", app.public_base(&req.origin), encode_component(&token));
    let methods = if is_enrolled { vec!["PUSH".to_owned()] } else { vec![] };
    Ok(ApiResponse::json(
        200,
        &Tracked {
            state: state.as_str().to_owned(),
            idempotency_key: idempotency_key.to_string(),
            token,
            url,
            is_enrolled,
            enrolled_verification_methods: methods,
            allowed_verification_methods: vec!["PUSH".to_owned()],
        },
    ))
}

/// `POST /v1/validate`: consumes a result token, once.
pub async fn validate<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let tenant = server_tenant(app, req).await?;
    let body: ValidateBody = parse_json(req)?;
    let claims = token::verify(app.config.token_secret.as_bytes(), TokenKind::Result, &body.token, app.now)?;
    if claims.tid != tenant.id {
        return Err(Error::InvalidToken.into());
    }
    let cid = claims.cid.as_ref().ok_or(Error::MalformedToken)?;
    let mut challenge: Challenge = load_challenge(app.store, &tenant.id, &claims.sub, cid, app.now)
        .await?
        .ok_or_else(|| ApiError::not_found(ErrorCode::ChallengeNotFound, "challenge"))?;
    let mismatch = body.user_id.as_deref().is_some_and(|u| u != challenge.user_id)
        || body.action.as_deref().is_some_and(|a| a != challenge.action);
    // The backend revoked the action (updateAction BLOCK, CHALLENGE_FAILED, REVIEW_FAILED): its
    // approval does not validate.
    let log = load_log(app.store, &tenant.id, &challenge.user_id, app.now).await?;
    let revoked =
        log.find(&challenge.action, &challenge.idempotency_key).filter(|r| r.revoked()).map(|r| r.state);
    // A token presented for another user or action is not valid, and is not consumed.
    let status = if mismatch || revoked.is_some() {
        Status::Denied
    } else {
        let outcome = challenge.consume_result(app.now)?;
        save_challenge(app.store, &challenge, app.now).await?;
        outcome.status
    };
    Ok(ApiResponse::json(
        200,
        &Validated {
            is_valid: status == Status::Approved,
            state: revoked.map_or(status.authsignal_state(), ActionState::as_str).to_owned(),
            user_id: challenge.user_id.to_string(),
            action_code: challenge.action.to_string(),
            idempotency_key: challenge.idempotency_key.to_string(),
            verification_method: "PUSH".to_owned(),
            challenge_id: challenge.id.as_str().to_owned(),
        },
    ))
}

/// An action as `getAction` and `updateAction` answer it: Authsignal's fields (`state`,
/// `stateUpdatedAt`, `createdAt`, `verificationMethod`) and, once a challenge started, its id,
/// status and failure reason.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionView<'a> {
    state: &'static str,
    user_id: &'a str,
    action_code: &'a str,
    idempotency_key: &'a str,
    created_at: String,
    state_updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    verification_method: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verified_by_authenticator_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    challenge_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure_reason: Option<&'static str>,
}

impl<'a> ActionView<'a> {
    /// The view of `record` (of user `user_id`) at `now`; `challenge` is its latest challenge's
    /// record, if it still exists.
    pub fn of(user_id: &'a str, record: &'a ActionRecord, challenge: Option<&Challenge>, now: u64) -> Self {
        let (state, updated) = record.state_at(now);
        let challenge = challenge.filter(|c| record.challenge_id.as_ref() == Some(&c.id));
        ActionView {
            state: state.as_str(),
            user_id,
            action_code: &record.action,
            idempotency_key: &record.idempotency_key,
            created_at: rfc3339(record.created_at),
            state_updated_at: rfc3339(updated),
            verification_method: record.challenge_id.as_ref().map(|_| "PUSH"),
            verified_by_authenticator_id: record.verified_by.as_deref(),
            challenge_id: record.challenge_id.as_ref().map(ChallengeId::as_str),
            status: challenge.map(|c| c.status_at(now)),
            failure_reason: challenge.and_then(Challenge::failure_reason).map(|r| r.as_str()),
        }
    }
}

/// The latest challenge of an action tracked before the action log existed, from the user
/// record's recent challenges (none started more than the log's retention ago, as the log
/// answers none: a read never answers an action older than 30 days).
async fn legacy_challenge<S: Store>(
    app: &App<'_, S>,
    tenant_id: &TenantId,
    user_id: &UserId,
    key: &ActionKey,
) -> Result<Option<Challenge>, ApiError> {
    let user = load_user(app.store, tenant_id, user_id).await?;
    let Some(entry) = user
        .challenges
        .iter()
        .rev()
        .filter(|c| c.created_at.saturating_add(ACTION_RETENTION_MS) > app.now)
        .find(|c| c.action == key.action && c.idempotency_key == key.idempotency_key)
    else {
        return Ok(None);
    };
    challenge_in(app.store, tenant_id, &user, &entry.id, app.now).await
}

/// The user's action log, the action's record and its latest challenge's record (if it still
/// exists); 404 if the log does not have the action and no recent challenge is about it.
async fn find_action<S: Store>(
    app: &App<'_, S>,
    call: &UserCall,
    key: &ActionKey,
) -> Result<(ActionLog, ActionRecord, Option<Challenge>), ApiError> {
    let (tenant_id, user_id) = (call.tenant_id(), call.user());
    let log = load_log(app.store, tenant_id, user_id, app.now).await?;
    if let Some(record) = log.find(&key.action, &key.idempotency_key).cloned() {
        let challenge = match &record.challenge_id {
            Some(id) => load_challenge(app.store, tenant_id, user_id, id, app.now).await?,
            None => None,
        };
        return Ok((log, record, challenge));
    }
    let challenge = legacy_challenge(app, tenant_id, user_id, key)
        .await?
        .ok_or_else(|| ApiError::not_found(ErrorCode::ActionNotFound, "action"))?;
    Ok((log, ActionRecord::of_challenge(&challenge, app.now), Some(challenge)))
}

/// `GET /v1/users/{userId}/actions/{action}/{idempotencyKey}`: the action from the moment it
/// was tracked.
pub async fn get_action<S: Store>(
    app: &App<'_, S>,
    call: &UserCall,
    key: &ActionKey,
) -> Result<ApiResponse, ApiError> {
    let (_, record, challenge) = find_action(app, call, key).await?;
    Ok(ApiResponse::json(200, &ActionView::of(call.user(), &record, challenge.as_ref(), app.now)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateActionBody {
    state: String,
}

/// `PATCH /v1/users/{userId}/actions/{action}/{idempotencyKey}`: `{"state": …}`, a backend's
/// decision on the action, by the core's rules (`pushauth_core::action`): `BLOCK`,
/// `CHALLENGE_FAILED` and `REVIEW_FAILED` cancel a pending challenge or revoke an approval not
/// yet validated; `ALLOW` and `REVIEW_SUCCEEDED` only before any challenge started; a decision
/// is final.
pub async fn update_action<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    call: &UserCall,
    key: &ActionKey,
) -> Result<ApiResponse, ApiError> {
    let body: UpdateActionBody = parse_json(req)?;
    let requested = ActionState::parse(&body.state)?;
    let (mut log, mut record, mut challenge) = find_action(app, call, key).await?;
    let phase = record.phase(challenge.as_ref(), app.now);
    let effect = record.decide(requested, phase, app.now)?;
    match (effect, challenge.as_mut()) {
        (Effect::CancelChallenge, Some(c)) => cancel_challenge(app, c).await?,
        (Effect::RevokeResult, Some(c)) => revoke_result(app, c).await?,
        _ => {}
    }
    log.put(record.clone());
    save_log(app.store, call.tenant_id(), call.user(), &mut log, app.now).await?;
    Ok(ApiResponse::json(200, &ActionView::of(call.user(), &record, challenge.as_ref(), app.now)))
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
    call: &UserCall,
) -> Result<ApiResponse, ApiError> {
    let out: Vec<AuthenticatorView> = enrolled_devices(app, call.tenant_id(), call.user())
        .await?
        .into_iter()
        .map(|d| AuthenticatorView {
            user_authenticator_id: d.key_id.as_str().to_owned(),
            verification_method: "PUSH",
            device_name: d.device_name,
            device_platform: d.device_platform,
            created_at: rfc3339(d.created_at),
            public_key: d.public_key,
        })
        .collect();
    Ok(ApiResponse::json(200, &out))
}

/// The credentials of a user's enrolled devices, in enrolment order (`getAuthenticators` and
/// the admin API's user view).
pub async fn enrolled_devices<S: Store>(
    app: &App<'_, S>,
    tenant_id: &TenantId,
    user_id: &UserId,
) -> Result<Vec<pushauth_core::device::DeviceCredential>, ApiError> {
    let user = load_user(app.store, tenant_id, user_id).await?;
    let mut out = Vec::new();
    for key_id in &user.devices {
        if let Some(d) = load_device(app.store, key_id).await? {
            out.push(d);
        }
    }
    Ok(out)
}

/// `DELETE /v1/users/{userId}/authenticators/{keyId}` (and the admin API's
/// `DELETE /admin/tenants/{tenantId}/users/{userId}/authenticators/{keyId}`): removes one of
/// the user's devices; the device's sockets are closed and the tenant's push webhook gets
/// `authenticator.deleted`.
pub async fn remove_authenticator<S: Store>(
    app: &App<'_, S>,
    call: &UserCall,
    key_id: &KeyId,
) -> Result<ApiResponse, ApiError> {
    let (tenant, user_id) = (call.tenant(), call.user());
    let user = load_user(app.store, &tenant.id, user_id).await?;
    if !user.devices.contains(key_id) {
        return Err(ApiError::not_found(ErrorCode::AuthenticatorNotFound, "authenticator"));
    }
    let device = load_device(app.store, key_id).await?;
    remove_device(app.store, &tenant.id, user_id, key_id).await?;
    app.notice_device_removed(key_id);
    if let Some(device) = device {
        authenticator_event(app, tenant, &device, AUTHENTICATOR_DELETED);
    }
    Ok(ApiResponse::json(200, &serde_json::json!({ "removedAuthenticatorId": key_id.as_str() })))
}

/// `DELETE /v1/users/{userId}/block`: lifts a "not me" block before it ends.
pub async fn unblock<S: Store>(app: &App<'_, S>, call: &UserCall) -> Result<ApiResponse, ApiError> {
    let mut user = load_user(app.store, call.tenant_id(), call.user()).await?;
    user.blocked_until = None;
    save_user(app.store, call.tenant_id(), call.user(), &user).await?;
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
