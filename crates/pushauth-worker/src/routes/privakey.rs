//! The Privakey CX dialect of the server API: `request/add`, `getRequest`, cancel, and the
//! delivery log of a request's callback. Authenticated Basic or HMAC per the tenant's setting.

use pushauth_core::challenge::Challenge;
use pushauth_core::ids::{ChallengeId, TenantId, UserId};
use pushauth_core::privakey::{form_to_object, AddRequest, ProcessedRequest};
use serde_json::{Map, Value};

use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::auth::server_tenant;
use crate::challenge_repo::{load_challenge_by_id, save_challenge};
use crate::challenges::start;
use crate::http::{ApiRequest, ApiResponse};
use crate::records::load_user;
use crate::routes::parse_json;
use crate::store::Store;

/// The body of a Privakey request, JSON or form-encoded.
pub fn body_object(req: &ApiRequest) -> Result<Map<String, Value>, ApiError> {
    let form = req.header("content-type").is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if form {
        Ok(form_to_object(&req.body)?)
    } else {
        parse_json(req)
    }
}

/// `POST /request/add`: creates a request; answers the processed request (with its `guid`).
pub async fn add<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let tenant = server_tenant(app, req).await?;
    let body = body_object(req)?;
    let request = AddRequest::from_object(&body, &tenant.id)?;
    if let Some(callback) = &request.spec.callback {
        tenant.check_callback(callback)?;
    }
    let user = load_user(app.store, &tenant.id, &UserId::parse(&request.spec.user_id)?).await?;
    if user.devices.is_empty() {
        return Err(ApiError::new(ErrorCode::NoAuthenticator, "this account has no enrolled push device"));
    }
    let challenge = start(app, &tenant, request.spec, user).await?;
    Ok(ApiResponse::json(200, &ProcessedRequest::of(&challenge, app.now)))
}

async fn load<S: Store>(app: &App<'_, S>, tenant_id: &TenantId, guid: &str) -> Result<Challenge, ApiError> {
    let id = ChallengeId::parse(guid)?;
    load_challenge_by_id(app.store, tenant_id, &id, app.now)
        .await?
        .ok_or_else(|| ApiError::not_found(ErrorCode::RequestNotFound, "request"))
}

/// `GET /request/{guid}`: the processed request (polling works; callbacks are better).
pub async fn get<S: Store>(app: &App<'_, S>, req: &ApiRequest, guid: &str) -> Result<ApiResponse, ApiError> {
    let tenant = server_tenant(app, req).await?;
    let challenge = load(app, &tenant.id, guid).await?;
    Ok(ApiResponse::json(200, &ProcessedRequest::of(&challenge, app.now)))
}

/// `POST /request/{guid}/cancel`: withdraws a pending request.
pub async fn cancel<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    guid: &str,
) -> Result<ApiResponse, ApiError> {
    let tenant = server_tenant(app, req).await?;
    let mut challenge = load(app, &tenant.id, guid).await?;
    challenge.cancel(app.now)?;
    save_challenge(app.store, &challenge, app.now).await?;
    app.notice_challenge(&challenge);
    crate::action_log::follow_challenge(app, &challenge).await?;
    Ok(ApiResponse::json(200, &ProcessedRequest::of(&challenge, app.now)))
}

/// The events whose deliveries are recorded about a challenge: its callback, its expiry
/// reminder and the push webhook's `push.created` and `user.not_me`. A delivery's id is
/// `{challengeId}.{event}` ([`pushauth_core::delivery::delivery_id`]).
pub const CHALLENGE_DELIVERY_EVENTS: [&str; 4] = [
    crate::outbox::REQUEST_PROCESSED,
    crate::outbox::REQUEST_EXPIRY,
    crate::challenges::PUSH_CREATED,
    crate::challenges::USER_NOT_ME,
];

/// `GET /request/{guid}/deliveries` and `GET /v1/challenges/{id}/deliveries`: every recorded
/// delivery about a challenge (callback, expiry reminder, failed push webhooks), with attempts.
pub async fn deliveries<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    guid: &str,
) -> Result<ApiResponse, ApiError> {
    let tenant = server_tenant(app, req).await?;
    deliveries_of(app, &tenant.id, guid).await
}

/// The delivery log of a challenge of `tenant_id` (the caller is already authenticated: a
/// backend, or the administrator): `{ "deliveries": [...] }`.
pub async fn deliveries_of<S: Store>(
    app: &App<'_, S>,
    tenant_id: &TenantId,
    guid: &str,
) -> Result<ApiResponse, ApiError> {
    let challenge = load(app, tenant_id, guid).await?;
    let mut out = Vec::new();
    for event in CHALLENGE_DELIVERY_EVENTS {
        let id = pushauth_core::delivery::delivery_id(challenge.id.as_str(), event);
        if let Some(d) = crate::outbox::load_delivery(app.store, tenant_id, &id).await? {
            out.push(d);
        }
    }
    Ok(ApiResponse::json(200, &serde_json::json!({ "deliveries": out })))
}
