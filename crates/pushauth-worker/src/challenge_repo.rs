//! The challenge records: where a challenge is kept (`keys::challenge`), how long (its TTL
//! rule) and the one read and one write every handler uses; the scan of a user's challenge
//! records (evidence lookups, `deleteEvidence`); and a challenge's routing record
//! (`keys::challenge_home`), which says which user's object holds it. They go through the request's
//! [`Store`] like any other row, so a request's held writes (`write_batch.rs`) and the user
//! object's storage see the same single `get` or `put` as before.

use pushauth_core::challenge::{Challenge, ChallengeState};
use pushauth_core::evidence::kept_until;
use pushauth_core::ids::{ChallengeId, TenantId, UserId};
use pushauth_core::tenant::Tenant;
use pushauth_core::UnixMillis;

use crate::api_error::ApiError;
use crate::records::RETENTION_MS;
use crate::store::{delete, get_json, keys, put_json, Store};

/// Reads a tenant's challenge by id (one storage read); `None` when there is none (never
/// created, or its record expired).
pub async fn load_challenge<S: Store>(
    store: &S,
    tenant: &TenantId,
    id: &ChallengeId,
) -> Result<Option<Challenge>, ApiError> {
    get_json(store, &keys::challenge(tenant, id)).await
}

/// Writes a challenge under its own tenant and id (one storage write), kept for
/// [`challenge_ttl`] from `now`.
pub async fn save_challenge<S: Store>(
    store: &S,
    challenge: &Challenge,
    now: UnixMillis,
) -> Result<(), ApiError> {
    let key = keys::challenge(&challenge.tenant_id, &challenge.id);
    put_json(store, &key, challenge, Some(challenge_ttl(challenge, now))).await
}

/// Seconds a challenge record is kept from `now`: until an hour after its expiry, or, once a
/// device answered it with a signed answer kept as evidence, until the time the answer set from
/// the tenant's `evidenceDays` ([`pushauth_core::evidence::SignedAnswer::keep_until`]).
pub fn challenge_ttl(challenge: &Challenge, now: UnixMillis) -> u64 {
    let until = match (&challenge.state, &challenge.signed_answer) {
        (ChallengeState::Answered(answer), Some(signed)) => signed.keep_until(answer.answered_at),
        _ => challenge.expires_at + RETENTION_MS,
    };
    until.saturating_sub(now) / 1000
}

/// Writes the routing record of a challenge a backend may look up by id: which user's object
/// holds it (`keys::challenge_home`, shared by every location; one write). Written once when the
/// challenge starts, never extended: kept as long as its evidence may be by the tenant's
/// `evidenceDays` now, and at least as long as the challenge record.
pub async fn save_challenge_home<S: Store>(
    store: &S,
    tenant: &Tenant,
    challenge: &Challenge,
    now: UnixMillis,
) -> Result<(), ApiError> {
    let until = kept_until(tenant.settings.evidence_days, challenge.expires_at)
        .unwrap_or(0)
        .max(challenge.expires_at + RETENTION_MS);
    let ttl = until.saturating_sub(now) / 1000;
    put_json(store, &keys::challenge_home(&tenant.id, &challenge.id), &challenge.user_id, Some(ttl)).await
}

/// The user whose object holds a tenant's challenge, by its routing record (one read); `None`
/// when it has none (never written, or expired).
pub async fn load_challenge_home<S: Store>(
    store: &S,
    tenant: &TenantId,
    id: &ChallengeId,
) -> Result<Option<UserId>, ApiError> {
    get_json(store, &keys::challenge_home(tenant, id)).await
}

/// Shows `visit` a tenant's challenge records in the store at hand (a user's object holds its
/// user's), in key order, one at a time: one list of at most `max` keys, then one read per key;
/// a record gone in between is left out.
pub async fn scan_challenges<S: Store>(
    store: &S,
    tenant: &TenantId,
    max: usize,
    mut visit: impl FnMut(Challenge),
) -> Result<(), ApiError> {
    for key in list_challenge_keys(store, tenant, max).await? {
        if let Some(challenge) = get_json(store, &key).await? {
            visit(challenge);
        }
    }
    Ok(())
}

/// Deletes the challenge records [`scan_challenges`] would show that `doomed` picks (each
/// read, then deleted at once when picked); answers how many were deleted.
pub async fn delete_challenges_where<S: Store>(
    store: &S,
    tenant: &TenantId,
    max: usize,
    doomed: impl Fn(&Challenge) -> bool,
) -> Result<usize, ApiError> {
    let mut deleted = 0;
    for key in list_challenge_keys(store, tenant, max).await? {
        let Some(challenge) = get_json::<_, Challenge>(store, &key).await? else { continue };
        if doomed(&challenge) {
            delete(store, &key).await?;
            deleted += 1;
        }
    }
    Ok(deleted)
}

async fn list_challenge_keys<S: Store>(
    store: &S,
    tenant: &TenantId,
    max: usize,
) -> Result<Vec<String>, ApiError> {
    store.list(&keys::challenges_of(tenant), max).await.map_err(|_| ApiError::storage())
}
