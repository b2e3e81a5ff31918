//! The webhook events about a user's authenticators, as Authsignal names and shapes them:
//! `authenticator.created` when a device enrols, `authenticator.deleted` when one is removed (by
//! the backend, by the device itself, or with its user). They go to the tenant's push webhook,
//! best effort like `push.created` (retried for an hour if the first attempt fails), signed
//! both ways (`X-Signature-V2` and Standard Webhooks).

use pushauth_core::delivery::{delivery_id, event_envelope, Delivery, DeliveryKind};
use pushauth_core::device::DeviceCredential;
use pushauth_core::tenant::Tenant;
use pushauth_core::time::rfc3339;
use serde_json::json;

use crate::app::App;
use crate::outbox::enqueue_best_effort;
use crate::store::Store;

/// The event sent when a device enrols.
pub const AUTHENTICATOR_CREATED: &str = "authenticator.created";
/// The event sent when a device is removed.
pub const AUTHENTICATOR_DELETED: &str = "authenticator.deleted";

/// How long a failed authenticator event is retried: an hour.
const RETRY_MS: u64 = 3_600_000;

/// Queues `authenticator.created` or `authenticator.deleted` about `device` to the tenant's
/// push webhook, if it has one. Data: `userId`, `verificationMethod: "PUSH"`, `createdAt`,
/// `userAuthenticatorId` (the key id), `deviceName`, `devicePlatform`, and for a deletion
/// `deletedAt`.
pub fn authenticator_event<S: Store>(
    app: &App<'_, S>,
    tenant: &Tenant,
    device: &DeviceCredential,
    event: &str,
) {
    let Some(url) = &tenant.settings.push_webhook_url else { return };
    let mut data = json!({
        "userId": device.user_id,
        "verificationMethod": "PUSH",
        "createdAt": rfc3339(device.created_at),
        "userAuthenticatorId": device.key_id.as_str(),
        "deviceName": device.device_name,
        "devicePlatform": device.device_platform,
    });
    if event == AUTHENTICATOR_DELETED {
        data["deletedAt"] = json!(rfc3339(app.now));
    }
    // A key removed and enrolled again is a new event: the subject carries the time.
    let subject = format!("{}.{}", device.key_id.as_str(), app.now);
    let id = delivery_id(&subject, event);
    let body = event_envelope(&id, &tenant.id, event, data, app.now);
    let delivery = Delivery::new(
        &tenant.id,
        &subject,
        event,
        DeliveryKind::Webhook,
        url,
        body,
        app.now,
        app.now + RETRY_MS,
    );
    enqueue_best_effort(app, delivery);
}
