//! `GET /v1/challenges/{challengeId}/evidence` and `GET /request/{guid}/evidence`: the evidence
//! document of an answered challenge ([`pushauth_core::evidence`]), for the tenant's backend to
//! keep and for anyone to check offline (`pushauth-device verify`).
//!
//! Routed to the user's object through the challenge's `challenge-home:` record, like the
//! delivery log: available for the challenges that have one (Privakey requests, and challenges
//! with a callback or for a tenant with a push webhook).
//!
//! `GET /v1/users/{userId}/actions/{action}/{idempotencyKey}/evidence` finds the evidence of any
//! action, plain Authsignal sign-ins included, through the user in the path: no routing record,
//! so no KV write per login.

use pushauth_core::challenge::Challenge;
use pushauth_core::evidence::{evidence_of, Evidence};
use pushauth_core::ids::ChallengeId;

use crate::action_log::load_log;
use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::auth::server_tenant;
use crate::challenge_repo::{load_challenge, load_challenge_by_id, scan_challenges};
use crate::http::{ApiRequest, ApiResponse};
use crate::path_ids::{ActionKey, UserCall};
use crate::store::Store;

/// The most challenge records of one user [`action_evidence`] looks through when the action log
/// no longer names the action's challenge (a Durable Object lists at most this many at once).
pub const MAX_EVIDENCE_SCAN: usize = 1000;

/// The evidence of the tenant's challenge `id`: `404 request_not_found` when the tenant has no
/// such challenge (another tenant's included), `404 evidence_not_found` while it has no signed
/// answer kept as evidence.
pub async fn evidence<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    id: &str,
) -> Result<ApiResponse, ApiError> {
    let tenant = server_tenant(app, req).await?;
    let id = ChallengeId::parse(id)?;
    let challenge: Challenge = load_challenge_by_id(app.store, &tenant.id, &id, app.now)
        .await?
        .ok_or_else(|| ApiError::not_found(ErrorCode::RequestNotFound, "request"))?;
    let document = evidence_of(&challenge)
        .ok_or_else(|| ApiError::not_found(ErrorCode::EvidenceNotFound, "evidence"))?;
    Ok(ApiResponse::json(200, &document))
}

/// The evidence of the user's action `action` / `idem`: the latest of its challenges that a
/// device answered with a signed answer kept as evidence. The action log names the action's
/// latest challenge for 30 days; after that (or once `deleteUser` removed the log) the user's
/// challenge records are looked through, up to [`MAX_EVIDENCE_SCAN`] of them. `404
/// action_not_found` when the user has no challenge for the action (another tenant's users
/// included: the path's user is this tenant's), `404 evidence_not_found` when none has evidence.
pub async fn action_evidence<S: Store>(
    app: &App<'_, S>,
    call: &UserCall,
    key: &ActionKey,
) -> Result<ApiResponse, ApiError> {
    let (tenant, user_id) = (call.tenant(), call.user());
    let (action, idem) = (&key.action, &key.idempotency_key);
    let log = load_log(app.store, &tenant.id, user_id, app.now).await?;
    let logged = log.find(action, idem).and_then(|record| record.challenge_id.clone());
    if let Some(id) = &logged {
        let latest = load_challenge(app.store, &tenant.id, user_id, id, app.now).await?;
        if let Some(document) = latest.as_ref().and_then(evidence_of) {
            return Ok(ApiResponse::json(200, &document));
        }
    }
    let mut found = false;
    let mut best: Option<(u64, Evidence)> = None;
    scan_challenges(app.store, &tenant.id, MAX_EVIDENCE_SCAN, |challenge| {
        if challenge.user_id != *user_id || challenge.action != *action || challenge.idempotency_key != *idem
        {
            return;
        }
        found = true;
        if let Some(document) = evidence_of(&challenge) {
            if best.as_ref().is_none_or(|(created, _)| challenge.created_at > *created) {
                best = Some((challenge.created_at, document));
            }
        }
    })
    .await?;
    match best {
        Some((_, document)) => Ok(ApiResponse::json(200, &document)),
        None if found || logged.is_some() => {
            Err(ApiError::not_found(ErrorCode::EvidenceNotFound, "evidence"))
        }
        None => Err(ApiError::not_found(ErrorCode::ActionNotFound, "action")),
    }
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))] // the test kit is native only
mod tests;
