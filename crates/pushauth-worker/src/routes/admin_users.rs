//! The admin API's view into a tenant's users (what the console at `/console/` shows support
//! staff): a user with their devices, recent actions and challenges; removing a device; a
//! challenge's delivery log and "retry now" on one delivery. Guarded by `ADMIN_TOKEN` as the
//! rest of `/admin/…`, and handled in the user's object like the server API's calls about a user
//! (`scope.rs`), through the same code as those calls: only the caller differs.

use pushauth_core::action::ActionFilter;
use pushauth_core::challenge::{Challenge, ChallengeState, RequestContext, Status};
use pushauth_core::delivery::{delivery_id, Delivery};
use pushauth_core::device::DeviceCredential;
use pushauth_core::ids::{ChallengeId, UserId};
use pushauth_core::time::rfc3339;
use pushauth_core::user_attributes::UserAttributes;
use pushauth_core::UnixMillis;
use serde::Serialize;

use crate::action_log::load_log;
use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::attributes_repo::load_attributes;
use crate::auth::load_tenant;
use crate::challenge_repo::{challenge_in, load_challenge_home};
use crate::homes::object_name;
use crate::http::{ApiRequest, ApiResponse};
use crate::outbox;
use crate::path_ids::{AdminTenant, UserCall};
use crate::records::load_user;
use crate::route_table::Route;
use crate::routes::privakey::{deliveries_of, CHALLENGE_DELIVERY_EVENTS};
use crate::routes::server::enrolled_devices;
use crate::routes::users::recent_actions;
use crate::store::Store;

/// In the front Worker: the object that handles an admin route about a user, after the admin
/// token and the tenant are checked (nothing reaches an object for a wrong token or an unknown
/// tenant); `None` for any other route. A challenge's object is found by its routing record
/// (`challenge-home:`), as `GET /v1/challenges/{id}/deliveries` finds it.
pub async fn object_for<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    route: Route,
    params: &[&str],
) -> Option<Result<String, ApiError>> {
    let (tenant_id, about) = match (route, params) {
        (Route::AdminGetUser, [tenant, user]) | (Route::AdminDeleteAuthenticator, [tenant, user, _]) => {
            (*tenant, About::User(user))
        }
        (Route::AdminGetDeliveries, [tenant, challenge])
        | (Route::AdminRetryDelivery, [tenant, challenge, _]) => (*tenant, About::Challenge(challenge)),
        _ => return None,
    };
    Some(route_to(app, req, tenant_id, about).await)
}

/// What an admin route's path names besides its tenant.
enum About<'a> {
    /// A user, by id.
    User(&'a str),
    /// A challenge, by id.
    Challenge(&'a str),
}

async fn route_to<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    tenant_id: &str,
    about: About<'_>,
) -> Result<String, ApiError> {
    let admin = AdminTenant::authorize(app, req, tenant_id)?;
    let tenant = load_tenant(app, admin.id()).await?;
    match about {
        About::User(user) => Ok(object_name(&tenant.id, &UserId::parse(user)?)),
        About::Challenge(challenge) => {
            let id = ChallengeId::parse(challenge)?;
            let user = load_challenge_home(app.store, &tenant.id, &id).await?;
            let user = user.ok_or_else(|| ApiError::not_found(ErrorCode::RequestNotFound, "request"))?;
            Ok(object_name(&tenant.id, &user))
        }
    }
}

/// A device as the console lists it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeviceView {
    user_authenticator_id: String,
    device_name: String,
    device_platform: String,
    created_at: String,
    /// The latest use the service still knows of: the latest answer by this device among the
    /// user's recent challenges and 30-day action log, or an Authsignal mobile SDK's last
    /// credential update; absent when none is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    last_used_at: Option<String>,
    has_push_channel: bool,
}

/// A recent challenge as the console lists it: its state and what the person was shown.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChallengeView<'a> {
    challenge_id: &'a str,
    action: &'a str,
    idempotency_key: &'a str,
    status: Status,
    created_at: String,
    expires_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    answered_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answered_by_authenticator_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deny_reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure_reason: Option<&'static str>,
    result_consumed: bool,
    content: &'a str,
    context: &'a RequestContext,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback: Option<&'a str>,
}

impl<'a> ChallengeView<'a> {
    fn of(c: &'a Challenge, now: UnixMillis) -> Self {
        let answer = match &c.state {
            ChallengeState::Answered(a) => Some(a),
            _ => None,
        };
        ChallengeView {
            challenge_id: c.id.as_str(),
            action: &c.action,
            idempotency_key: &c.idempotency_key,
            status: c.status_at(now),
            created_at: rfc3339(c.created_at),
            expires_at: rfc3339(c.expires_at),
            answered_at: answer.map(|a| rfc3339(a.answered_at)),
            answered_by_authenticator_id: answer.map(|a| a.device_key_id.as_str()),
            deny_reason: answer.and_then(|a| a.reason).map(|r| r.as_str()),
            failure_reason: c.failure_reason().map(|r| r.as_str()),
            result_consumed: c.result_consumed,
            content: &c.content,
            context: &c.context,
            callback: c.callback.as_deref(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserView<'a> {
    user_id: &'a str,
    is_enrolled: bool,
    attributes: UserAttributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    blocked_until: Option<String>,
    authenticators: Vec<DeviceView>,
    actions: serde_json::Value,
    challenges: Vec<ChallengeView<'a>>,
}

/// The latest use of `device` that the service still knows of (see [`DeviceView`]).
fn last_used(
    device: &DeviceCredential,
    challenges: &[Challenge],
    log: &pushauth_core::action::ActionLog,
) -> Option<UnixMillis> {
    let answered = challenges.iter().filter_map(|c| match &c.state {
        ChallengeState::Answered(a) if a.device_key_id == device.key_id => Some(a.answered_at),
        _ => None,
    });
    let verified = log
        .0
        .iter()
        .filter(|r| r.verified_by.as_deref() == Some(device.key_id.as_str()))
        .map(|r| r.state_updated_at);
    answered.chain(verified).chain(device.last_used_at).max()
}

/// `GET /admin/tenants/{tenantId}/users/{userId}`: the user's devices, attributes, "not me"
/// block, recent actions (as `queryUserActions` lists them) and recent challenges (the last
/// hour's, at most 20, newest first, each with its state, content and request context). A user
/// the service never saw reads as one with nothing.
pub async fn get_user<S: Store>(app: &App<'_, S>, call: &UserCall) -> Result<ApiResponse, ApiError> {
    let (tenant, user_id) = (call.tenant(), call.user());
    let user = load_user(app.store, &tenant.id, user_id).await?;
    let mut challenges: Vec<Challenge> = Vec::new();
    for entry in user.challenges.iter().rev() {
        if let Some(c) = challenge_in(app.store, &tenant.id, &user, &entry.id, app.now).await? {
            challenges.push(c);
        }
    }
    let log = load_log(app.store, &tenant.id, user_id, app.now).await?;
    let authenticators = enrolled_devices(app, &tenant.id, user_id)
        .await?
        .into_iter()
        .map(|d| DeviceView {
            last_used_at: last_used(&d, &challenges, &log).map(rfc3339),
            user_authenticator_id: d.key_id.as_str().to_owned(),
            device_name: d.device_name,
            device_platform: d.device_platform,
            created_at: rfc3339(d.created_at),
            has_push_channel: d.push_token.is_some() || user.web_push.contains(&d.key_id),
        })
        .collect();
    let view = UserView {
        user_id,
        is_enrolled: !user.devices.is_empty(),
        attributes: load_attributes(app.store, &tenant.id, user_id).await?,
        blocked_until: user.blocked_until.filter(|&until| until > app.now).map(rfc3339),
        authenticators,
        actions: recent_actions(app, &tenant.id, user_id, &ActionFilter::default()).await?,
        challenges: challenges.iter().map(|c| ChallengeView::of(c, app.now)).collect(),
    };
    Ok(ApiResponse::json(200, &view))
}

/// `GET /admin/tenants/{tenantId}/challenges/{challengeId}/deliveries`: the challenge's delivery
/// log, as `GET /v1/challenges/{id}/deliveries` answers it.
pub async fn deliveries<S: Store>(
    app: &App<'_, S>,
    call: &AdminTenant,
    challenge_id: &str,
) -> Result<ApiResponse, ApiError> {
    let tenant = load_tenant(app, call.id()).await?;
    deliveries_of(app, &tenant.id, challenge_id).await
}

/// `POST /admin/tenants/{tenantId}/challenges/{challengeId}/deliveries/{deliveryId}/retry`:
/// makes the delivery's next attempt due now (`outbox::retry_now`); answers `202` with the
/// delivery. The attempt follows within seconds, from the user's object's alarm; asked for
/// again before it ran, `409 delivery_not_retryable`.
pub async fn retry_delivery<S: Store>(
    app: &App<'_, S>,
    call: &AdminTenant,
    challenge_id: &str,
    id: &str,
) -> Result<ApiResponse, ApiError> {
    let tenant = load_tenant(app, call.id()).await?;
    let challenge = ChallengeId::parse(challenge_id)?;
    // Only the ids this service gives a challenge's deliveries reach a storage key.
    if !CHALLENGE_DELIVERY_EVENTS.iter().any(|event| delivery_id(challenge.as_str(), event) == id) {
        return Err(ApiError::not_found(ErrorCode::DeliveryNotFound, "delivery"));
    }
    let delivery: Delivery = outbox::retry_now(app.store, &tenant.id, id, app.now).await?;
    Ok(ApiResponse::json(202, &delivery))
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))] // the test kit is native only
mod tests;
