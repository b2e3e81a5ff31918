//! `GET /v1/challenges/{challengeId}/evidence` and `GET /request/{guid}/evidence`: the evidence
//! document of an answered challenge ([`pushauth_core::evidence`]), for the tenant's backend to
//! keep and for anyone to check offline (`pushauth-device verify`).
//!
//! Routed to the user's object through the challenge's `challenge-home:` record, like the
//! delivery log: available for the challenges that have one (Privakey requests, and challenges
//! with a callback or for a tenant with a push webhook).

use pushauth_core::challenge::Challenge;
use pushauth_core::evidence::evidence_of;
use pushauth_core::ids::ChallengeId;

use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::auth::server_tenant;
use crate::http::{ApiRequest, ApiResponse};
use crate::store::{get_json, keys, Store};

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
    let challenge: Challenge = get_json(app.store, &keys::challenge(&tenant.id, id.as_str()))
        .await?
        .ok_or_else(|| ApiError::not_found(ErrorCode::RequestNotFound, "request"))?;
    let document = evidence_of(&challenge)
        .ok_or_else(|| ApiError::not_found(ErrorCode::EvidenceNotFound, "evidence"))?;
    Ok(ApiResponse::json(200, &document))
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))] // the test kit is native only
mod tests;
