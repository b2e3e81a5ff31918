//! The challenge records: where a challenge is kept (`keys::challenge`), how long (its TTL
//! rule) and the one read and one write every handler uses. They go through the request's
//! [`Store`] like any other row, so a request's held writes (`write_batch.rs`) and the user
//! object's storage see the same single `get` or `put` as before.

use pushauth_core::challenge::{Challenge, ChallengeState};
use pushauth_core::ids::{ChallengeId, TenantId};
use pushauth_core::UnixMillis;

use crate::api_error::ApiError;
use crate::records::RETENTION_MS;
use crate::store::{get_json, keys, put_json, Store};

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
