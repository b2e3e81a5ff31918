//! The Web Push part of the device API (`docs/api.md`): the VAPID public key browsers subscribe
//! with, and a device's subscription, set and removed with signed device requests.

use pushauth_core::webpush::Subscription;
use pushauth_core::wire::{PushSubscriptionJson, Subscribed, VapidPublicKey};

use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::auth::signed_device;
use crate::http::{ApiRequest, ApiResponse};
use crate::records::{load_user, save_user};
use crate::routes::parse_json;
use crate::store::Store;
use crate::subscriptions::save_subscription;
use crate::web_push::{misconfigured_vapid, push_hosts, remove, vapid};
use crate::web_push_crypto;

fn not_configured() -> ApiError {
    ApiError::new(ErrorCode::WebPushNotConfigured, "this deployment does not send Web Push (no VAPID key)")
}

/// `GET /v1/device/web-push`: `{ vapidPublicKey }`, the `applicationServerKey` to subscribe with.
pub async fn vapid_key<S: Store>(app: &App<'_, S>) -> Result<ApiResponse, ApiError> {
    let (key, _) = vapid(app.config)?.ok_or_else(not_configured)?;
    // The runtime accepts every key the core parsed; should it not, the key is unusable.
    let vapid_public_key = web_push_crypto::public_key(&key).await.map_err(|_| misconfigured_vapid())?;
    Ok(ApiResponse::json(200, &VapidPublicKey { vapid_public_key }))
}

/// `PUT /v1/device/web-push`: the device's browser subscription (`PushSubscription.toJSON()`),
/// replacing any earlier one.
pub async fn subscribe<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let device = signed_device(app, req).await?;
    vapid(app.config)?.ok_or_else(not_configured)?;
    let body: PushSubscriptionJson = parse_json(req)?;
    let hosts = push_hosts(app.config)?;
    let subscription = Subscription::parse(&body.endpoint, &body.keys.p256dh, &body.keys.auth, &hosts)?;
    save_subscription(app.store, &device.key_id, &subscription).await?;
    let mut user = load_user(app.store, &device.tenant_id, &device.user_id).await?;
    if !user.web_push.contains(&device.key_id) {
        user.web_push.push(device.key_id.clone());
        save_user(app.store, &device.tenant_id, &device.user_id, &user).await?;
    }
    Ok(ApiResponse::json(200, &Subscribed { endpoint: subscription.endpoint().to_owned() }))
}

/// `DELETE /v1/device/web-push`: the device stops receiving pushes.
pub async fn unsubscribe<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let device = signed_device(app, req).await?;
    remove(app.store, &device.tenant_id, &device.user_id, &device.key_id).await?;
    Ok(ApiResponse::empty(204))
}
