//! Users and their actions, in the Authsignal dialect (what `@authsignal/node` 2.21.0 sends):
//! `getUser`, `updateUser`, `deleteUser` and `queryUserActions`. Everything here is in the
//! user's object (`scope.rs`): attributes (`attributes:`), the action log (`actions:`), devices.

use pushauth_core::action::{ActionFilter, ActionState};
use pushauth_core::challenge::Status;
use pushauth_core::encoding::percent_decode;
use pushauth_core::ids::{ActionCode, TenantId, UserId};
use pushauth_core::time::{parse_date, rfc3339};
use pushauth_core::user_attributes::UserAttributes;
use pushauth_core::Error;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::account_events::{authenticator_event, AUTHENTICATOR_DELETED};
use crate::action_log::{cancel_challenge, delete_legacy_log, load_log, revoke_result};
use crate::api_error::ApiError;
use crate::app::App;
use crate::attributes_repo::{delete_attributes, load_attributes, save_attributes};
use crate::challenge_repo::{challenge_in, delete_challenges_where, keep_evicted};
use crate::http::{ApiRequest, ApiResponse};
use crate::path_ids::UserCall;
use crate::records::{delete_user_record, load_device, load_user, remove_device};
use crate::routes::evidence::MAX_EVIDENCE_SCAN;
use crate::routes::parse_json;
use crate::store::Store;

/// The most action codes a `codes` filter may list.
pub const MAX_CODES: usize = 20;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserView {
    user_id: String,
    is_enrolled: bool,
    #[serde(flatten)]
    attributes: UserAttributes,
    enrolled_verification_methods: Vec<&'static str>,
    allowed_verification_methods: Vec<&'static str>,
}

/// `GET /v1/users/{userId}`: whether the user has a device, and their attributes. A user the
/// service never saw reads as not enrolled, without attributes.
pub async fn get_user<S: Store>(app: &App<'_, S>, call: &UserCall) -> Result<ApiResponse, ApiError> {
    let (tenant_id, user_id) = (call.tenant_id(), call.user());
    let user = load_user(app.store, tenant_id, user_id).await?;
    let attributes = load_attributes(app.store, tenant_id, user_id).await?;
    let is_enrolled = !user.devices.is_empty();
    Ok(ApiResponse::json(
        200,
        &UserView {
            user_id: user_id.as_str().to_owned(),
            is_enrolled,
            attributes,
            enrolled_verification_methods: if is_enrolled { vec!["PUSH"] } else { vec![] },
            allowed_verification_methods: vec!["PUSH"],
        },
    ))
}

/// `PATCH /v1/users/{userId}`: sets attributes (a patch: absent fields stay, `null` clears; the
/// core's bounds); answers the user's attributes.
pub async fn update_user<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    call: &UserCall,
) -> Result<ApiResponse, ApiError> {
    let patch: Map<String, Value> = parse_json(req)?;
    let mut attributes = load_attributes(app.store, call.tenant_id(), call.user()).await?;
    attributes.apply(&patch)?;
    save_attributes(app.store, call.tenant_id(), call.user(), &attributes).await?;
    Ok(ApiResponse::json(200, &attributes))
}

/// `DELETE /v1/users/{userId}`: removes the user's devices (each with `authenticator.deleted`),
/// cancels their pending challenges (devices and sockets are told, callbacks sent), revokes
/// approvals not yet validated, and deletes their attributes, action log and user record (with
/// its push limits and "not me" block). Challenge records and deliveries stay until they
/// expire, so polls, `getRequest` and callbacks still tell what happened; so does the evidence
/// of the user's answers, the tenant's record of what was approved, for the tenant's
/// `evidenceDays`. With `?deleteEvidence=true` the answered challenge records holding evidence
/// are deleted too (at most [`MAX_EVIDENCE_SCAN`] of them, as the evidence route finds them).
/// Answers `{ removedAuthenticators, cancelledChallenges }`, and `deletedEvidence` (how many
/// records) when asked to delete it.
pub async fn delete_user<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    call: &UserCall,
) -> Result<ApiResponse, ApiError> {
    let (tenant, user_id) = (call.tenant(), call.user());
    let delete_evidence = delete_evidence_asked(&req.query)?;
    let user = load_user(app.store, &tenant.id, user_id).await?;
    let mut cancelled = 0usize;
    for entry in &user.challenges {
        let Some(mut challenge) = challenge_in(app.store, &tenant.id, &user, &entry.id, app.now).await?
        else {
            continue;
        };
        match challenge.status_at(app.now) {
            Status::Pending => {
                cancel_challenge(app, &mut challenge).await?;
                cancelled += 1;
            }
            Status::Approved if !challenge.result_consumed => revoke_result(app, &mut challenge).await?,
            _ => {}
        }
    }
    let mut removed = 0usize;
    for key_id in &user.devices {
        let device = load_device(app.store, key_id).await?;
        remove_device(app.store, &tenant.id, user_id, key_id).await?;
        app.notice_device_removed(key_id);
        if let Some(device) = device {
            authenticator_event(app, tenant, &device, AUTHENTICATOR_DELETED);
        }
        removed += 1;
    }
    // The challenges only embedded in the record (those that expired unanswered: the pending
    // ones were cancelled above, which wrote their own records) keep records of their own, as
    // every challenge had before the record goes: still found by id until an hour after expiry.
    keep_evicted(app.store, user.embedded_copies(app.now), app.now).await?;
    delete_attributes(app.store, &tenant.id, user_id).await?;
    delete_legacy_log(app.store, &tenant.id, user_id).await?;
    delete_user_record(app.store, &tenant.id, user_id).await?;
    let mut answer =
        serde_json::json!({ "removedAuthenticators": removed, "cancelledChallenges": cancelled });
    if delete_evidence {
        answer["deletedEvidence"] = serde_json::json!(delete_user_evidence(app, &tenant.id, user_id).await?);
    }
    Ok(ApiResponse::json(200, &answer))
}

/// Whether `deleteUser`'s query asks to delete the evidence too: `deleteEvidence=true`; `false`
/// or absent keep it; any other value is refused rather than read as either.
fn delete_evidence_asked(query: &str) -> Result<bool, Error> {
    let mut asked = false;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=').unwrap_or((pair, "")) {
            ("deleteEvidence", "true") => asked = true,
            ("deleteEvidence", "false") => asked = false,
            ("deleteEvidence", _) => return Err(Error::InvalidCharacters { field: "deleteEvidence" }),
            _ => {}
        }
    }
    Ok(asked)
}

/// Deletes the user's challenge records that hold evidence; returns how many.
async fn delete_user_evidence<S: Store>(
    app: &App<'_, S>,
    tenant_id: &TenantId,
    user_id: &UserId,
) -> Result<usize, ApiError> {
    delete_challenges_where(app.store, tenant_id, MAX_EVIDENCE_SCAN, |challenge| {
        challenge.user_id == *user_id && challenge.signed_answer.is_some()
    })
    .await
}

/// The filter of `queryUserActions` from its query string: `fromDate` (RFC 3339 or
/// `YYYY-MM-DD`), `codes` (comma-separated action codes) and `state`. Other parameters are
/// ignored; a repeated one counts once (the last).
pub fn parse_filter(query: &str) -> Result<ActionFilter, Error> {
    let mut filter = ActionFilter::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(value, true).ok_or(Error::InvalidCharacters { field: "query" })?;
        match name {
            "fromDate" => filter.from = Some(parse_date("fromDate", &value)?),
            "codes" => {
                let codes: Vec<&str> = value.split(',').filter(|c| !c.is_empty()).collect();
                if codes.len() > MAX_CODES {
                    return Err(Error::FieldTooLong { field: "codes", max: MAX_CODES });
                }
                filter.codes = codes.into_iter().map(ActionCode::parse).collect::<Result<_, _>>()?;
            }
            "state" => filter.state = Some(ActionState::parse(&value)?),
            _ => {}
        }
    }
    Ok(filter)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ActionSummary<'a> {
    action_code: &'a str,
    idempotency_key: &'a str,
    created_at: String,
    updated_at: String,
    state: &'static str,
    state_updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    verification_method: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verified_by_authenticator_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    challenge_id: Option<&'a str>,
}

/// `GET /v1/users/{userId}/actions?fromDate=&codes=&state=`: the user's recent actions (at most
/// 100, at most 30 days old), newest first, with their state now.
pub async fn query_actions<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    call: &UserCall,
) -> Result<ApiResponse, ApiError> {
    let filter = parse_filter(&req.query)?;
    Ok(ApiResponse::json(200, &recent_actions(app, call.tenant_id(), call.user(), &filter).await?))
}

/// The user's actions that `filter` selects, newest first, as `queryUserActions` answers them
/// (and the admin API's user view shows them).
pub async fn recent_actions<S: Store>(
    app: &App<'_, S>,
    tenant_id: &TenantId,
    user_id: &UserId,
    filter: &ActionFilter,
) -> Result<Value, ApiError> {
    let log = load_log(app.store, tenant_id, user_id, app.now).await?;
    let out: Vec<ActionSummary> = log
        .query(filter, app.now)
        .into_iter()
        .map(|r| {
            let (state, updated) = r.state_at(app.now);
            ActionSummary {
                action_code: &r.action,
                idempotency_key: &r.idempotency_key,
                created_at: rfc3339(r.created_at),
                updated_at: rfc3339(updated),
                state: state.as_str(),
                state_updated_at: rfc3339(updated),
                verification_method: r.challenge_id.as_ref().map(|_| "PUSH"),
                verified_by_authenticator_id: r.verified_by.as_deref(),
                challenge_id: r.challenge_id.as_ref().map(|id| id.as_str()),
            }
        })
        .collect();
    serde_json::to_value(out).map_err(|_| ApiError::storage())
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))] // the test kit is native only
mod tests;
