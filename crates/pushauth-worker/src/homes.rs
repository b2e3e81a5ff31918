//! Where a user's state lives: the name of the user's object, and a device's home record (the
//! tenant and user it was enrolled for, `keys::device_home`, shared by every location), which
//! `scope.rs` routes by, enrolment writes and removing the device deletes.

use pushauth_core::ids::{TenantId, UserId};
use pushauth_core::signature::KeyId;
use serde::{Deserialize, Serialize};

use crate::api_error::ApiError;
use crate::store::{delete, get_json, keys, put_json, Store};

/// Where a device's requests go: the tenant and user it was enrolled for (`device-home:`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceHome {
    /// The tenant.
    pub tenant_id: TenantId,
    /// The user.
    pub user_id: UserId,
    /// The `createdAt` of the tenant when the device enrolled: a home whose tenant was deleted,
    /// or deleted and created again, since then is stale (`tenant_epoch.rs`). Absent in homes
    /// written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_created_at: Option<pushauth_core::UnixMillis>,
}

impl DeviceHome {
    /// Whether this home names the same tenant and user as `other`.
    pub fn same_user(&self, other: &DeviceHome) -> bool {
        self.tenant_id == other.tenant_id && self.user_id == other.user_id
    }

    /// Whether the tenant this home was written for is gone: deleted, or deleted and created
    /// again (`current` is the tenant's `createdAt` now, `None` when it does not exist).
    pub fn is_stale(&self, current: Option<pushauth_core::UnixMillis>) -> bool {
        match (current, self.tenant_created_at) {
            (None, _) => true,
            (Some(now), Some(then)) => now != then,
            (Some(_), None) => false,
        }
    }
}

/// The name of the object of `user` in `tenant`.
pub fn object_name(tenant: &TenantId, user: &UserId) -> String {
    keys::user(tenant, user)
}

/// The tenant of an object named by [`object_name`]; `None` for any other name.
pub fn tenant_of_object(name: &str) -> Option<TenantId> {
    keys::tenant_of_user(name)
}

/// A device's home record, if it has one (one read).
pub async fn load_device_home<S: Store>(store: &S, key_id: &KeyId) -> Result<Option<DeviceHome>, ApiError> {
    get_json(store, &keys::device_home(key_id)).await
}

/// Writes a device's home record (one write, no expiry: removed with the device).
pub async fn save_device_home<S: Store>(
    store: &S,
    key_id: &KeyId,
    home: &DeviceHome,
) -> Result<(), ApiError> {
    put_json(store, &keys::device_home(key_id), home, None).await
}

/// Deletes a device's home record (one delete).
pub async fn delete_device_home<S: Store>(store: &S, key_id: &KeyId) -> Result<(), ApiError> {
    delete(store, &keys::device_home(key_id)).await
}
