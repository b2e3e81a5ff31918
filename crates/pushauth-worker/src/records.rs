//! The per-user record: enrolled devices and recent challenges, so a device can find its pending
//! challenges and a backend can look an action up by idempotency key, without KV `list`; and
//! the user's action log (`action_log.rs`), in the same row, so that a challenge's start writes
//! one row for both.

use pushauth_core::action::ActionLog;
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

/// A challenge as listed in a user record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// A user's devices and recent challenges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Drops challenges past their retention and keeps at most [`MAX_RECENT`].
    pub fn prune(&mut self, now: UnixMillis) {
        self.challenges.retain(|c| c.expires_at + RETENTION_MS > now);
        let excess = self.challenges.len().saturating_sub(MAX_RECENT);
        self.challenges.drain(..excess);
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
