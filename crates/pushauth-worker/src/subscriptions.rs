//! Devices' Web Push subscriptions: where one is kept (`keys::web_push`, shared by every
//! location, no expiry) and how it is read, written and deleted. The user record's `web_push`
//! list says which devices have one (`records.rs`); the sending is `web_push.rs`.

use pushauth_core::signature::KeyId;
use pushauth_core::webpush::Subscription;

use crate::api_error::ApiError;
use crate::store::{delete, get_json, keys, put_json, Store};

/// The subscription of a device, if it has one (one read).
pub async fn load_subscription<S: Store>(
    store: &S,
    key_id: &KeyId,
) -> Result<Option<Subscription>, ApiError> {
    get_json(store, &keys::web_push(key_id)).await
}

/// Writes a device's subscription, replacing any earlier one (one write, no expiry: removed
/// with the device or by unsubscribing).
pub async fn save_subscription<S: Store>(
    store: &S,
    key_id: &KeyId,
    subscription: &Subscription,
) -> Result<(), ApiError> {
    put_json(store, &keys::web_push(key_id), subscription, None).await
}

/// Deletes a device's subscription (one delete).
pub async fn delete_subscription<S: Store>(store: &S, key_id: &KeyId) -> Result<(), ApiError> {
    delete(store, &keys::web_push(key_id)).await
}
