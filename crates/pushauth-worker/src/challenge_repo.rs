//! The challenge records: where a challenge is kept (`keys::challenge`), how long (its TTL
//! rule) and the reads and the one write every handler uses; the scan of a user's challenge
//! records (evidence lookups, `deleteEvidence`); and a challenge's routing record
//! (`keys::challenge_home`), which says which user's object holds it. They go through the request's
//! [`Store`] like any other row, so a request's held writes (`write_batch.rs`) and the user
//! object's storage see the same single `get` or `put` as before.
//!
//! **Where a challenge is.** A challenge's start writes no record of its own: the challenge is
//! embedded in its entry of the user record ([`crate::records::ChallengeRef::challenge`]),
//! which the start writes anyway (one row instead of two). Its first change (an answer, a
//! cancel, its expiry, a revoked result) writes its own record, [`save_challenge`], and from
//! then on that record is the challenge: every read asks it first and reads the embedded copy
//! only when there is none ([`load_challenge`], [`challenge_in`], [`load_challenge_by_id`]). So
//! the copy, which is never rewritten, is never read once stale. Two rules keep it so:
//! - an own record never goes before the embedded copy stops being read (an hour after the
//!   challenge expires): when it would (a signed answer kept less long than that), the save
//!   drops the copy from the user record; a deleted record's copy is dropped with it;
//! - a copy is never dropped while it is the challenge: the 21st embedded copy evicts the
//!   oldest into its own record (unless that exists), [`keep_evicted`].

use pushauth_core::challenge::{Challenge, ChallengeState};
use pushauth_core::evidence::kept_until;
use pushauth_core::ids::{ChallengeId, TenantId, UserId};
use pushauth_core::tenant::Tenant;
use pushauth_core::UnixMillis;

use crate::api_error::ApiError;
use crate::records::{embedded_read_until, stored_user, UserRecord, RETENTION_MS};
use crate::store::{delete, get_json, keys, put_json, Store};

/// A challenge's own record (one read), written at its first change: `None` while the
/// challenge is only embedded in its user record (or gone). Most readers want
/// [`load_challenge`]; this is for a caller that must tell the two apart.
pub async fn load_own_challenge<S: Store>(
    store: &S,
    tenant: &TenantId,
    id: &ChallengeId,
) -> Result<Option<Challenge>, ApiError> {
    own_record(store, tenant, id).await
}

/// A challenge's own record (one read).
async fn own_record<S: Store>(
    store: &S,
    tenant: &TenantId,
    id: &ChallengeId,
) -> Result<Option<Challenge>, ApiError> {
    get_json(store, &keys::challenge(tenant, id)).await
}

/// Reads a user's challenge by id: its own record (one read), or, when it has none, the copy
/// embedded in the user's record (one more read); `None` when there is neither (never
/// created, or expired).
pub async fn load_challenge<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
    id: &ChallengeId,
    now: UnixMillis,
) -> Result<Option<Challenge>, ApiError> {
    if let Some(challenge) = own_record(store, tenant, id).await? {
        return Ok(Some(challenge));
    }
    Ok(stored_user(store, tenant, user).await?.and_then(|record| record.embedded(id, now).cloned()))
}

/// [`load_challenge`] for a caller holding the user's record as read in this request: its own
/// record (one read), or the copy embedded in `record`.
pub async fn challenge_in<S: Store>(
    store: &S,
    tenant: &TenantId,
    record: &UserRecord,
    id: &ChallengeId,
    now: UnixMillis,
) -> Result<Option<Challenge>, ApiError> {
    if let Some(challenge) = own_record(store, tenant, id).await? {
        return Ok(Some(challenge));
    }
    Ok(record.embedded(id, now).cloned())
}

/// [`load_challenge`] for a request that names the challenge but not its user (Privakey's
/// request routes, evidence by id, an expiry reminder): its own record (one read), or, when it
/// has none, the copy embedded in the record of the object's user (a list of the tenant's user
/// records, at most one in a user's object, and one read).
pub async fn load_challenge_by_id<S: Store>(
    store: &S,
    tenant: &TenantId,
    id: &ChallengeId,
    now: UnixMillis,
) -> Result<Option<Challenge>, ApiError> {
    if let Some(challenge) = own_record(store, tenant, id).await? {
        return Ok(Some(challenge));
    }
    let users = store.list(&keys::users_of(tenant), 1).await.map_err(|_| ApiError::storage())?;
    for key in users {
        if let Some(record) = get_json::<_, UserRecord>(store, &key).await? {
            if let Some(challenge) = record.embedded(id, now) {
                return Ok(Some(challenge.clone()));
            }
        }
    }
    Ok(None)
}

/// Writes a challenge under its own tenant and id (one storage write), kept for
/// [`challenge_ttl`] from `now`: its first change, or any later one. When that record would go
/// before the copy embedded at its start stops being read (a signed answer kept less than an
/// hour after the challenge's expiry), the copy is dropped from the user record first (one read,
/// and one write if there was one), so that it is never read in the record's place.
pub async fn save_challenge<S: Store>(
    store: &S,
    challenge: &Challenge,
    now: UnixMillis,
) -> Result<(), ApiError> {
    let ttl = challenge_ttl(challenge, now);
    if now.saturating_add(ttl.saturating_mul(1000)) < embedded_read_until(challenge.expires_at) {
        drop_embedded(store, &challenge.tenant_id, &challenge.user_id, &[&challenge.id]).await?;
    }
    let key = keys::challenge(&challenge.tenant_id, &challenge.id);
    put_json(store, &key, challenge, Some(ttl)).await
}

/// Drops the embedded copies of challenges `ids` from a user's record (one read, and one write
/// if it held any).
async fn drop_embedded<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
    ids: &[&ChallengeId],
) -> Result<(), ApiError> {
    let key = keys::user(tenant, user);
    let Some(mut record) = get_json::<_, UserRecord>(store, &key).await? else { return Ok(()) };
    let mut dropped = false;
    for id in ids {
        dropped |= record.drop_embedded(id);
    }
    if dropped {
        put_json(store, &key, &record, None).await?;
    }
    Ok(())
}

/// Keeps each challenge evicted from a user record's embedded copies
/// ([`UserRecord::evict_embedded`], [`UserRecord::prune`]) in its own record, unless that
/// exists (then it is the challenge, and the copy was stale): one read each, and one write for
/// a challenge that had none. An evicted challenge stays exactly as it was: not answerable
/// twice, not gone while it may be answered.
pub async fn keep_evicted<S: Store>(
    store: &S,
    evicted: Vec<Challenge>,
    now: UnixMillis,
) -> Result<(), ApiError> {
    for challenge in evicted {
        if own_record(store, &challenge.tenant_id, &challenge.id).await?.is_none() {
            save_challenge(store, &challenge, now).await?;
        }
    }
    Ok(())
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
/// read, then deleted at once when picked), and any copy embedded at their start, which must
/// not be read in their place; answers how many were deleted.
pub async fn delete_challenges_where<S: Store>(
    store: &S,
    tenant: &TenantId,
    max: usize,
    doomed: impl Fn(&Challenge) -> bool,
) -> Result<usize, ApiError> {
    let mut deleted: Vec<Challenge> = Vec::new();
    for key in list_challenge_keys(store, tenant, max).await? {
        let Some(challenge) = get_json::<_, Challenge>(store, &key).await? else { continue };
        if doomed(&challenge) {
            delete(store, &key).await?;
            deleted.push(challenge);
        }
    }
    let mut users: Vec<&UserId> = deleted.iter().map(|c| &c.user_id).collect();
    users.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    users.dedup();
    for user in users {
        let ids: Vec<&ChallengeId> = deleted.iter().filter(|c| &c.user_id == user).map(|c| &c.id).collect();
        drop_embedded(store, tenant, user, &ids).await?;
    }
    Ok(deleted.len())
}

async fn list_challenge_keys<S: Store>(
    store: &S,
    tenant: &TenantId,
    max: usize,
) -> Result<Vec<String>, ApiError> {
    store.list(&keys::challenges_of(tenant), max).await.map_err(|_| ApiError::storage())
}

#[cfg(all(test, not(target_arch = "wasm32")))] // the test kit is native only
mod tests;
