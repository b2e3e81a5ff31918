//! A tenant deleted and created again starts empty (issue 14).
//!
//! Deleting a tenant cannot reach its users' objects: objects cannot be listed. So each object
//! remembers which creation of its tenant its records belong to (`tenant-epoch`: the tenant's
//! `createdAt`), and the first request after the tenant was created again finds it stale and
//! deletes everything the object holds before it runs. Until then nothing of the old tenant is
//! usable either: every request needs the tenant's record, which deletion removed at once.
//!
//! The front Worker names the object in a header ([`OBJECT_HEADER`]), always overwriting what
//! the client sent: only the front reaches an object.

use pushauth_core::UnixMillis;

use crate::api_error::ApiError;
use crate::app::App;
use crate::homes::tenant_of_object;
use crate::http::ApiRequest;
use crate::store::{delete, get_json, put_json, Store};
use crate::tenants_repo::find_tenant;

/// The header in which the front Worker names the object a request is forwarded to.
pub const OBJECT_HEADER: &str = "x-pushauth-object";

/// The key, in a user's object, of the `createdAt` of the tenant its records belong to.
pub const EPOCH_KEY: &str = "tenant-epoch";

/// `req` as forwarded to the object `name`: with [`OBJECT_HEADER`] set to `name`, any copy the
/// client sent removed.
pub fn forwarded(req: &ApiRequest, name: &str) -> ApiRequest {
    let mut out = req.clone();
    out.headers.retain(|(n, _)| n != OBJECT_HEADER);
    out.headers.push((OBJECT_HEADER.to_owned(), name.to_owned()));
    out
}

/// In a user's object, before a request runs: when the object's records belong to an earlier
/// creation of its tenant, deletes them all; then remembers the current one. A tenant that does
/// not exist changes nothing (the request fails on its own).
pub async fn clear_if_stale<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<(), ApiError> {
    let Some(tenant_id) = req.header(OBJECT_HEADER).and_then(tenant_of_object) else {
        return Ok(());
    };
    let Some(tenant) = find_tenant(app.store, &tenant_id).await? else {
        return Ok(());
    };
    let stored: Option<UnixMillis> = get_json(app.store, EPOCH_KEY).await?;
    if stored == Some(tenant.created_at) {
        return Ok(());
    }
    if stored.is_some() {
        clear(app.store).await?;
    }
    put_json(app.store, EPOCH_KEY, &tenant.created_at, None).await
}

/// Deletes every key of the object (its store's own keys: nothing shared is listed here).
async fn clear<S: Store>(store: &S) -> Result<(), ApiError> {
    loop {
        let batch = store.list("", 1000).await.map_err(|_| ApiError::storage())?;
        if batch.is_empty() {
            return Ok(());
        }
        for key in batch {
            delete(store, &key).await?;
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))] // the test kit is native only
mod tests;
