//! The storage seam: a small key-value trait, implemented by Workers KV (`kv_store.rs`) and by
//! an in-memory map for native tests (`memory_store.rs`). Key schema: `docs/storage.md`.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::api_error::ApiError;

/// Why a storage call failed (details are logged by the adapter, never returned to clients).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

/// A key-value store with optional expiry.
#[allow(async_fn_in_trait)] // Workers are single-threaded: no `Send` bound is wanted.
pub trait Store {
    /// Reads a value.
    async fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Writes a value; `ttl_secs` (at least 60) makes it expire.
    async fn put(&self, key: &str, value: &str, ttl_secs: Option<u64>) -> Result<(), StoreError>;
    /// Deletes a value (absent keys are fine).
    async fn delete(&self, key: &str) -> Result<(), StoreError>;
    /// Up to `limit` keys starting with `prefix` (eventually consistent in KV).
    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>, StoreError>;
    /// Tells a user's object that a lasting record holds something to prune at `at` (Unix ms),
    /// so that its alarm runs by then (`alarm_plan.rs`). Other stores ignore it.
    fn note_sweep(&self, _at: u64) {}
    /// Makes several writes; a Durable Object's storage makes them atomically (all or none),
    /// other stores one after the other.
    async fn write_all(&self, writes: &[Write]) -> Result<(), StoreError> {
        for write in writes {
            match write {
                Write::Put { key, value, ttl_secs } => self.put(key, value, *ttl_secs).await?,
                Write::Delete { key } => self.delete(key).await?,
            }
        }
        Ok(())
    }
}

/// One write of [`Store::write_all`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Writes `value` under `key`, expiring after `ttl_secs` if given.
    Put {
        /// The key.
        key: String,
        /// The value.
        value: String,
        /// Its expiry, in seconds from now.
        ttl_secs: Option<u64>,
    },
    /// Deletes `key`.
    Delete {
        /// The key.
        key: String,
    },
}

/// The smallest expiry KV accepts.
pub const MIN_TTL_SECS: u64 = 60;

/// Reads and parses a JSON value; a value that no longer parses counts as a storage failure.
/// Read as bytes (`from_slice`), as request bodies are: one copy of serde_json's parser and of
/// each type's deserialiser serves both, where `from_str` would compile a second of each.
pub async fn get_json<S: Store, T: DeserializeOwned>(store: &S, key: &str) -> Result<Option<T>, ApiError> {
    match store.get(key).await.map_err(|_| ApiError::storage())? {
        Some(text) => serde_json::from_slice(text.as_bytes()).map(Some).map_err(|_| ApiError::storage()),
        None => Ok(None),
    }
}

/// Serialises and writes a JSON value.
pub async fn put_json<S: Store, T: Serialize>(
    store: &S,
    key: &str,
    value: &T,
    ttl_secs: Option<u64>,
) -> Result<(), ApiError> {
    let text = serde_json::to_string(value).map_err(|_| ApiError::storage())?;
    let ttl = ttl_secs.map(|t| t.max(MIN_TTL_SECS));
    store.put(key, &text, ttl).await.map_err(|_| ApiError::storage())
}

/// Deletes a key.
pub async fn delete<S: Store>(store: &S, key: &str) -> Result<(), ApiError> {
    store.delete(key).await.map_err(|_| ApiError::storage())
}

/// The KV key schema, in one place.
///
/// Every part of a key that names something is a parsed identifier of the core's
/// (`pushauth_core::ids`, [`KeyId`](pushauth_core::signature::KeyId)): a key can only be built
/// from values that passed their rules, so no handler can skip a check.
pub mod keys {
    use pushauth_core::ids::{ChallengeId, TenantId, UserId};
    use pushauth_core::signature::KeyId;
    use pushauth_core::UnixMillis;

    /// A tenant's configuration. No expiry.
    pub fn tenant(id: &TenantId) -> String {
        format!("tenant:{id}")
    }
    /// The prefix of the [`tenant`] keys of tenants whose id starts with `id_prefix` (a listing
    /// prefix, never a record's key).
    pub fn tenants_starting(id_prefix: &str) -> String {
        format!("tenant:{id_prefix}")
    }
    /// Secret → tenant id index, keyed by the hex SHA-256 of the secret. No expiry for current
    /// secrets; a rotation gives the rotated-out secret's entry the end of its grace period as
    /// its expiry (`routes/admin.rs`, `rotate`).
    pub fn secret_index(secret_sha256_hex: &str) -> String {
        format!("secret:{secret_sha256_hex}")
    }
    /// A device credential, by key id (key ids are globally unique), in its user's object.
    /// No expiry.
    pub fn device(key_id: &KeyId) -> String {
        format!("device:{key_id}")
    }
    /// Where a device's requests are routed: its tenant and user (`DeviceHome`), in KV, written
    /// once at enrolment. The user's object decides whether the device is still enrolled.
    pub fn device_home(key_id: &KeyId) -> String {
        format!("device-home:{key_id}")
    }
    /// Which user's object holds a challenge, in KV, written once when the challenge starts
    /// (only for challenges a backend may look up by id: with a callback or a push webhook).
    pub fn challenge_home(tenant: &TenantId, id: &ChallengeId) -> String {
        format!("challenge-home:{tenant}:{id}")
    }
    /// The signed requests of a device accepted in the last few minutes (single use,
    /// `pushauth_core::seen_requests`), by key id: one record per device, rewritten by each
    /// signed request. No expiry (removed with the device).
    pub fn device_seen(key_id: &KeyId) -> String {
        format!("device-seen:{key_id}")
    }
    /// A device's Web Push subscription, by key id. No expiry (removed with the device, or
    /// when its push service says it is gone).
    pub fn web_push(key_id: &KeyId) -> String {
        format!("webpush:{key_id}")
    }
    /// A user's devices and recent challenges. No expiry.
    pub fn user(tenant: &TenantId, user: &UserId) -> String {
        format!("user:{tenant}:{user}")
    }
    /// A user's recent actions (`ActionLog`: at most 100, none older than 30 days), in the
    /// user's object. Expires 30 days after its last write.
    pub fn actions(tenant: &TenantId, user: &UserId) -> String {
        format!("actions:{tenant}:{user}")
    }
    /// A user's attributes (`UserAttributes`: email, phone number, names, custom data), in the
    /// user's object. No expiry (removed by `deleteUser`).
    pub fn attributes(tenant: &TenantId, user: &UserId) -> String {
        format!("attributes:{tenant}:{user}")
    }
    /// The prefix of every [`user`] key of a tenant (a listing prefix, never a record's key):
    /// in a user's object, its one user record.
    pub fn users_of(tenant: &TenantId) -> String {
        format!("user:{tenant}:")
    }
    /// The tenant of a [`user`] key (tenant ids hold no `:`); `None` for anything else.
    pub fn tenant_of_user(key: &str) -> Option<TenantId> {
        let (tenant, _) = key.strip_prefix("user:")?.split_once(':')?;
        TenantId::parse(tenant).ok()
    }
    /// A challenge. Expires an hour after the challenge does.
    pub fn challenge(tenant: &TenantId, id: &ChallengeId) -> String {
        format!("challenge:{tenant}:{id}")
    }
    /// The prefix of every [`challenge`] key of a tenant (a listing prefix, never a record's
    /// key): the challenge records of one user's object.
    pub fn challenges_of(tenant: &TenantId) -> String {
        format!("challenge:{tenant}:")
    }
    /// A delivery and its log. Expires a week after its last possible attempt.
    pub fn delivery(tenant: &TenantId, id: &str) -> String {
        format!("delivery:{tenant}:{id}")
    }
    /// The prefix of outbox markers, listed by the user's object's alarm.
    pub const OUTBOX_PREFIX: &str = "outbox:";
    /// An outbox marker: the delivery still has attempts to make, the next when `due` (Unix
    /// ms, written as 20 digits so that keys sort by it).
    pub fn outbox(due: UnixMillis, tenant: &TenantId, id: &str) -> String {
        format!("outbox:{due:020}:{tenant}:{id}")
    }
    /// The due time, tenant and delivery id of an outbox marker's key; `None` for anything else
    /// (a tenant part that is no tenant id included).
    pub fn parse_outbox(key: &str) -> Option<(UnixMillis, TenantId, &str)> {
        let rest = key.strip_prefix(OUTBOX_PREFIX)?;
        let (due, rest) = rest.split_once(':')?;
        if due.len() != 20 || !due.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (tenant, id) = rest.split_once(':')?;
        Some((due.parse().ok()?, TenantId::parse(tenant).ok()?, id))
    }
    /// Whether `key` lives in Workers KV, shared by every location: configuration (tenants,
    /// secret indexes), the write-once routing records (`device-home:`, `challenge-home:`) and
    /// the demo's own records. Everything else belongs to one user and lives in that user's
    /// Durable Object (`docs/storage.md`).
    pub fn is_shared(key: &str) -> bool {
        is_config(key)
            || key.starts_with("device-home:")
            || key.starts_with("challenge-home:")
            || key.starts_with("demo:")
    }
    /// Whether `key` is a read-mostly configuration record (a tenant or a secret index), which
    /// the Worker may serve from its short per-isolate cache (`config_cache.rs`). Nothing
    /// single-use or per-user is.
    pub fn is_config(key: &str) -> bool {
        key.starts_with("tenant:") || key.starts_with("secret:")
    }
    /// A device's ticket for one WebSocket (`sockets.rs`), by the hex SHA-256 of its secret:
    /// the key id it was issued to. Single use; expires after a minute.
    pub fn socket_ticket(secret_sha256_hex: &str) -> String {
        format!("socket-ticket:{secret_sha256_hex}")
    }
    /// The signing message issued to an Authsignal mobile SDK's key for one purpose
    /// (`routes/mobile.rs`), in its user's object. Single use, usable for two minutes; the
    /// record expires a minute later.
    pub fn mobile_nonce(key_id: &KeyId, purpose: &str) -> String {
        format!("mobile-nonce:{key_id}:{purpose}")
    }
    /// A seen HMAC request signature (replay protection). Expires after the allowed skew.
    pub fn hmac_seen(tenant: &TenantId, mac_hex: &str) -> String {
        format!("hmac-seen:{tenant}:{mac_hex}")
    }
}
