//! A user's attributes (`PATCH /v1/users/{userId}`): where they are kept (`keys::attributes`,
//! in the user's object, no expiry) and how they are read, written and deleted. Handlers reach
//! them only through here.

use pushauth_core::ids::{TenantId, UserId};
use pushauth_core::user_attributes::UserAttributes;

use crate::api_error::ApiError;
use crate::store::{delete, get_json, keys, put_json, Store};

/// A user's attributes, none when absent (one read).
pub async fn load_attributes<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
) -> Result<UserAttributes, ApiError> {
    Ok(get_json(store, &keys::attributes(tenant, user)).await?.unwrap_or_default())
}

/// Writes a user's attributes (one write, no expiry: they go with the user).
pub async fn save_attributes<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
    attributes: &UserAttributes,
) -> Result<(), ApiError> {
    put_json(store, &keys::attributes(tenant, user), attributes, None).await
}

/// Deletes a user's attributes (one delete).
pub async fn delete_attributes<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
) -> Result<(), ApiError> {
    delete(store, &keys::attributes(tenant, user)).await
}
