//! The tenants: where a tenant's configuration is kept (`keys::tenant`, shared by every
//! location, no expiry), the index from an API secret to its tenant (`keys::secret_index`, by
//! the secret's SHA-256, never the secret) and the listing by id prefix. Every handler reads and
//! writes them through here; reads of either go through the Worker's configuration cache
//! (`config_cache.rs`) like any other `tenant:`/`secret:` key.

use pushauth_core::ids::TenantId;
use pushauth_core::secret::secret_digest;
use pushauth_core::tenant::Tenant;
use pushauth_core::UnixMillis;

use crate::api_error::ApiError;
use crate::store::{delete, get_json, keys, put_json, Store};

/// A tenant by id, `None` when there is none (one read).
pub async fn find_tenant<S: Store>(store: &S, id: &TenantId) -> Result<Option<Tenant>, ApiError> {
    get_json(store, &keys::tenant(id)).await
}

/// Writes a tenant under its own id, replacing any earlier record (one write, no expiry).
pub async fn save_tenant<S: Store>(store: &S, tenant: &Tenant) -> Result<(), ApiError> {
    put_json(store, &keys::tenant(&tenant.id), tenant, None).await
}

/// Deletes a tenant's record (one delete; its secret index entries are
/// [`delete_secret_index`]'s).
pub async fn delete_tenant<S: Store>(store: &S, id: &TenantId) -> Result<(), ApiError> {
    delete(store, &keys::tenant(id)).await
}

/// The tenant an API secret belongs to, by its index entry (one read); `None` for a secret no
/// tenant has.
pub async fn tenant_of_secret<S: Store>(store: &S, secret: &str) -> Result<Option<TenantId>, ApiError> {
    get_json(store, &keys::secret_index(&secret_digest(secret))).await
}

/// Whether an API secret already has an index entry, whatever it names (one read).
pub async fn secret_in_use<S: Store>(store: &S, secret: &str) -> Result<bool, ApiError> {
    Ok(get_json::<_, String>(store, &keys::secret_index(&secret_digest(secret))).await?.is_some())
}

/// Indexes an API secret to its tenant (one write, no expiry).
pub async fn save_secret_index<S: Store>(store: &S, secret: &str, tenant: &TenantId) -> Result<(), ApiError> {
    put_json(store, &keys::secret_index(&secret_digest(secret)), tenant, None).await
}

/// Indexes a rotated-out API secret to its tenant until its grace ends (one write): the
/// store deletes the entry itself at `until` (at least a minute on, KV's shortest expiry).
pub async fn save_secret_index_until<S: Store>(
    store: &S,
    secret: &str,
    tenant: &TenantId,
    until: UnixMillis,
    now: UnixMillis,
) -> Result<(), ApiError> {
    let ttl_secs = until.saturating_sub(now).div_ceil(1000).max(60);
    put_json(store, &keys::secret_index(&secret_digest(secret)), tenant, Some(ttl_secs)).await
}

/// Deletes an API secret's index entry (one delete).
pub async fn delete_secret_index<S: Store>(store: &S, secret: &str) -> Result<(), ApiError> {
    delete(store, &keys::secret_index(&secret_digest(secret))).await
}

/// The tenants whose id starts with `id_prefix`, in id order, at most `max`, and whether more
/// were there (one list of `max + 1` keys, then one read per tenant returned). A tenant deleted
/// between the list and its read is left out.
pub async fn list_tenants<S: Store>(
    store: &S,
    id_prefix: &str,
    max: usize,
) -> Result<(Vec<Tenant>, bool), ApiError> {
    let names =
        store.list(&keys::tenants_starting(id_prefix), max + 1).await.map_err(|_| ApiError::storage())?;
    let truncated = names.len() > max;
    let mut tenants = Vec::new();
    for name in names.iter().take(max) {
        if let Some(tenant) = get_json(store, name).await? {
            tenants.push(tenant);
        }
    }
    Ok((tenants, truncated))
}
