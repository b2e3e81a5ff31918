//! The per-user record: enrolled devices and recent challenges, so a device can find its pending
//! challenges and a backend can look an action up by idempotency key, without KV `list`; the
//! user's action log (`action_log.rs`), in the same row; and each recent challenge as it started
//! (embedded in its entry) until its first change writes its own record (`challenge_repo.rs`),
//! so that a challenge's start writes one row for all three.

use pushauth_core::action::ActionLog;
use pushauth_core::challenge::Challenge;
use pushauth_core::device::DeviceCredential;
use pushauth_core::ids::{ActionCode, ChallengeId, IdempotencyKey, TenantId, UserId};
use pushauth_core::signature::KeyId;
use pushauth_core::tenant::{MAX_RECENT_PUSHES, MAX_WINDOW_SECS};
use pushauth_core::UnixMillis;
use serde::{Deserialize, Serialize};

use crate::api_error::ApiError;
use crate::homes::delete_device_home;
use crate::single_use_repo::delete_seen_requests;
use crate::store::{get_json, keys, put_json, Store};
use crate::subscriptions::delete_subscription;

/// How long a challenge is kept (and listed) after it expires: one hour, the longest push-limit
/// window the core accepts (`MAX_WINDOW_SECS`), so every push in a window is still listed.
pub const RETENTION_MS: u64 = MAX_WINDOW_SECS as u64 * 1000;
/// The most challenges a user record lists: the largest push limit the core accepts
/// (`MAX_RECENT_PUSHES`), so every push a limit counts is still listed.
pub const MAX_RECENT: usize = MAX_RECENT_PUSHES as usize;

/// The most challenges a user record holds embedded ([`ChallengeRef::challenge`]): the 21st
/// started evicts the oldest copy (`challenges::start`, `challenge_repo::keep_evicted`).
pub const MAX_EMBEDDED: usize = MAX_RECENT;

/// An embedded challenge is read until a second before its own record, had it been written at
/// its start, would expire (an hour after the challenge: the TTL is whole seconds, so such a
/// record reads as absent up to a second before that hour ends).
const EMBEDDED_MARGIN_MS: u64 = 1_000;

/// A challenge as listed in a user record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeRef {
    /// The challenge id.
    pub id: ChallengeId,
    /// Its action.
    pub action: ActionCode,
    /// Its idempotency key.
    pub idempotency_key: IdempotencyKey,
    /// When it was created.
    pub created_at: UnixMillis,
    /// When it expires.
    pub expires_at: UnixMillis,
    /// The challenge as it started (pending), kept here instead of in a record of its own
    /// (`challenge:{tenant}:{id}`) until its first change writes that record. Once the
    /// challenge's own record exists it is the challenge and this copy is stale: every read asks
    /// the own record first (`challenge_repo.rs`). Read only until an hour after the challenge
    /// expires ([`UserRecord::embedded`]), as its own record would have been.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<Challenge>,
}

impl ChallengeRef {
    /// Whether its embedded copy (if any) may still be read at `now`.
    fn embedded_live(&self, now: UnixMillis) -> bool {
        now < embedded_read_until(self.expires_at)
    }
}

/// Until when (exclusive) the embedded copy of a challenge expiring at `expires_at` is read.
pub fn embedded_read_until(expires_at: UnixMillis) -> UnixMillis {
    expires_at.saturating_add(RETENTION_MS).saturating_sub(EMBEDDED_MARGIN_MS)
}

/// A user's devices and recent challenges.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRecord {
    /// Enrolled device keys.
    #[serde(default)]
    pub devices: Vec<KeyId>,
    /// Recent challenges, newest last.
    #[serde(default)]
    pub challenges: Vec<ChallengeRef>,
    /// Pushes are refused until then, after a "not me" answer.
    #[serde(default)]
    pub blocked_until: Option<UnixMillis>,
    /// The devices with a Web Push subscription (`webpush:{keyId}`), so that starting a
    /// challenge reads subscriptions only for users who have one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub web_push: Vec<KeyId>,
    /// The user's action log, written only by `action_log::save_log` ([`save_user`] keeps the
    /// stored one, so a record loaded before the log changed cannot overwrite it).
    #[serde(default, skip_serializing_if = "log_is_empty")]
    pub actions: ActionLog,
}

fn log_is_empty(log: &ActionLog) -> bool {
    log.0.is_empty()
}

impl UserRecord {
    /// Drops challenges past their retention and keeps at most [`MAX_RECENT`]. Answers the
    /// embedded copies dropped while still readable (a challenge dropped for the count): the
    /// caller keeps each in its own record unless that exists (`challenge_repo::keep_evicted`).
    #[must_use = "an evicted challenge still readable must be kept in its own record"]
    pub fn prune(&mut self, now: UnixMillis) -> Vec<Challenge> {
        self.challenges.retain(|c| c.expires_at + RETENTION_MS > now);
        let excess = self.challenges.len().saturating_sub(MAX_RECENT);
        self.challenges.drain(..excess).filter(|c| c.embedded_live(now)).filter_map(|c| c.challenge).collect()
    }

    /// Takes the embedded copies beyond the newest [`MAX_EMBEDDED`] out of the record; answers
    /// those still readable, for the caller to keep in their own records.
    #[must_use = "an evicted challenge still readable must be kept in its own record"]
    pub fn evict_embedded(&mut self, now: UnixMillis) -> Vec<Challenge> {
        let mut kept = 0;
        let mut evicted = Vec::new();
        for entry in self.challenges.iter_mut().rev() {
            if entry.challenge.is_none() {
                continue;
            }
            if kept < MAX_EMBEDDED {
                kept += 1;
                continue;
            }
            let live = entry.embedded_live(now);
            if let Some(challenge) = entry.challenge.take().filter(|_| live) {
                evicted.push(challenge);
            }
        }
        evicted
    }

    /// The embedded copy of challenge `id` (as it started), if the record holds one still
    /// readable at `now`. Stale once the challenge's own record exists: ask that first.
    pub fn embedded(&self, id: &ChallengeId, now: UnixMillis) -> Option<&Challenge> {
        self.challenges
            .iter()
            .filter(|c| c.embedded_live(now))
            .find(|c| &c.id == id)
            .and_then(|c| c.challenge.as_ref())
    }

    /// The embedded copies still readable at `now` (each stale if its challenge has its own
    /// record).
    pub fn embedded_copies(&self, now: UnixMillis) -> Vec<Challenge> {
        self.challenges.iter().filter(|c| c.embedded_live(now)).filter_map(|c| c.challenge.clone()).collect()
    }

    /// Drops the embedded copy of challenge `id`; answers whether there was one.
    pub fn drop_embedded(&mut self, id: &ChallengeId) -> bool {
        self.challenges.iter_mut().filter(|c| &c.id == id).any(|c| c.challenge.take().is_some())
    }

    /// The challenges not yet expired (they may have been answered meanwhile).
    pub fn unexpired(&self, now: UnixMillis) -> impl Iterator<Item = &ChallengeRef> {
        self.challenges.iter().filter(move |c| c.expires_at > now)
    }
}

/// Loads a user record (empty when absent).
pub async fn load_user<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
) -> Result<UserRecord, ApiError> {
    Ok(stored_user(store, tenant, user).await?.unwrap_or_default())
}

/// Whether `key`, listed from a user's object, is the key of its user record ([`load_user`]).
pub fn is_user_record(key: &str) -> bool {
    keys::tenant_of_user(key).is_some()
}

/// Reads a user record as stored (one read): `None` when the user has none.
pub async fn stored_user<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
) -> Result<Option<UserRecord>, ApiError> {
    get_json(store, &keys::user(tenant, user)).await
}

/// Saves a user's action log in their record (one read, one write), keeping the rest of the
/// record as stored now: the counterpart of [`save_user`].
pub async fn save_actions<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
    actions: &ActionLog,
) -> Result<(), ApiError> {
    let key = keys::user(tenant, user);
    let mut record: UserRecord = get_json(store, &key).await?.unwrap_or_default();
    record.actions = actions.clone();
    put_json(store, &key, &record, None).await
}

/// Deletes a user record (its devices, recent challenges and action log).
pub async fn delete_user_record<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
) -> Result<(), ApiError> {
    crate::store::delete(store, &keys::user(tenant, user)).await
}

/// Saves a user record (no expiry: it lists devices), keeping the action log stored now.
pub async fn save_user<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
    record: &UserRecord,
) -> Result<(), ApiError> {
    let key = keys::user(tenant, user);
    let stored: Option<UserRecord> = get_json(store, &key).await?;
    let mut record = record.clone();
    record.actions = stored.map(|s| s.actions).unwrap_or_default();
    put_json(store, &key, &record, None).await
}

/// Reads a device's credential by key id (one read); `None` when it is not enrolled.
pub async fn load_device<S: Store>(store: &S, key_id: &KeyId) -> Result<Option<DeviceCredential>, ApiError> {
    get_json(store, &keys::device(key_id)).await
}

/// Writes a device's credential under its key id (no expiry: removed with the device).
pub async fn save_device<S: Store>(store: &S, device: &DeviceCredential) -> Result<(), ApiError> {
    put_json(store, &keys::device(&device.key_id), device, None).await
}

/// Removes a device: from its user's record, then the credential itself.
pub async fn remove_device<S: Store>(
    store: &S,
    tenant: &TenantId,
    user_id: &UserId,
    key_id: &KeyId,
) -> Result<(), ApiError> {
    let mut user = load_user(store, tenant, user_id).await?;
    user.devices.retain(|k| k != key_id);
    user.web_push.retain(|k| k != key_id);
    save_user(store, tenant, user_id, &user).await?;
    delete_subscription(store, key_id).await?;
    delete_seen_requests(store, key_id).await?;
    crate::store::delete(store, &keys::device(key_id)).await?;
    // Last: until KV forgets it everywhere, a removed device's requests still reach this
    // object, which no longer has its credential and refuses them.
    delete_device_home(store, key_id).await
}
