//! Web Push to the devices that subscribed (the web authenticator). When a challenge starts,
//! each subscribed device of its user gets a push encrypted to the browser's subscription keys
//! (RFC 8291), sent to the browser's push service with the deployment's VAPID signature
//! (RFC 8292). Best effort: the push only tells the device to look; the device still fetches
//! the challenge with a signed request, so a lost push costs time, never security. A push
//! service that answers 404 or 410 has dropped the subscription: it is forgotten.
//!
//! Subscriptions live under `webpush:{keyId}` (not in the device credential, which backends can
//! list), and the user record lists which devices have one, so starting a challenge reads
//! nothing more for users without Web Push.

use pushauth_core::challenge::Challenge;
use pushauth_core::ids::{TenantId, UserId};
use pushauth_core::signature::KeyId;
use pushauth_core::webpush::{self, PushServiceHosts, Subscription, VapidKey};

pub use crate::after_response::PushJob;
use crate::api_error::{ApiError, ErrorCode};
use crate::app::{App, Config};
use crate::http::HttpClient;
use crate::records::{load_user, save_user, UserRecord};
use crate::store::Store;
use crate::subscriptions::{delete_subscription, load_subscription};
use crate::web_push_crypto;

/// How long a VAPID token is valid: 12 hours (push services accept up to 24).
pub const VAPID_VALIDITY_SECS: u64 = 12 * 3600;

/// The deployment's VAPID key and subject: `None` when Web Push is not configured
/// (`VAPID_PRIVATE_KEY` unset); an error when it is set but unusable.
pub fn vapid(config: &Config) -> Result<Option<(VapidKey, &str)>, ApiError> {
    if config.vapid_private_key.is_empty() {
        return Ok(None);
    }
    let key = VapidKey::parse(&config.vapid_private_key).map_err(|_| misconfigured_vapid())?;
    let subject = config.vapid_subject.as_str();
    webpush::check_subject(subject).map_err(|_| misconfigured_vapid())?;
    Ok(Some((key, subject)))
}

/// 503: `VAPID_PRIVATE_KEY` or `VAPID_SUBJECT` is set but unusable.
pub fn misconfigured_vapid() -> ApiError {
    ApiError::new(
        ErrorCode::NotConfigured,
        "VAPID_PRIVATE_KEY must be a P-256 private key (32 bytes, base64url) and VAPID_SUBJECT a mailto: or https: URL",
    )
}

/// The push services subscriptions may name: the browsers' plus `WEB_PUSH_HOSTS`, loopback
/// only with `ALLOW_LOOPBACK_URLS`. A `WEB_PUSH_HOSTS` that is not a list of public host names
/// is a configuration error (503), never a wider list.
pub fn push_hosts(config: &Config) -> Result<PushServiceHosts, ApiError> {
    PushServiceHosts::new(&config.web_push_hosts, config.allow_loopback).map_err(|_| {
        ApiError::new(
            ErrorCode::NotConfigured,
            "WEB_PUSH_HOSTS must be a comma-separated list of public host names (name or *.name)",
        )
    })
}

/// Queues a push to every subscribed device of the challenge's user (`user` as just saved).
pub async fn queue_challenge_pushes<S: Store>(
    app: &App<'_, S>,
    challenge: &Challenge,
    user: &UserRecord,
) -> Result<(), ApiError> {
    if user.web_push.is_empty() {
        return Ok(());
    }
    let Ok(Some((vapid, subject))) = vapid(app.config) else {
        return Ok(()); // not configured (or misconfigured, which the subscribe route reports)
    };
    let Ok(hosts) = push_hosts(app.config) else {
        return Ok(()); // misconfigured, which the subscribe route reports
    };
    let payload = webpush::challenge_payload(challenge);
    for key_id in &user.web_push {
        let Some(subscription) = load_subscription(app.store, key_id).await? else {
            continue;
        };
        // Checked again when sending: a subscription stored under an older, wider rule (or
        // before a host left WEB_PUSH_HOSTS) is not POSTed to.
        if hosts.check(subscription.endpoint()).is_err() {
            continue;
        }
        // A push is a hint: what cannot be sent (a random scalar out of range, about 2^-32;
        // randomness unavailable) never fails the challenge. The device polls.
        if let Ok(job) =
            prepare(app, challenge, key_id, subscription, &vapid, subject, payload.as_bytes()).await
        {
            app.web_pushes.borrow_mut().push(job);
        }
    }
    Ok(())
}

/// Encrypts the payload to one subscription and signs the request for its push service (the
/// arithmetic on the runtime's WebCrypto: `web_push_crypto.rs`).
async fn prepare<S: Store>(
    app: &App<'_, S>,
    challenge: &Challenge,
    key_id: &KeyId,
    subscription: Subscription,
    vapid: &VapidKey,
    subject: &str,
    payload: &[u8],
) -> Result<PushJob, ApiError> {
    let ephemeral = app.random_bytes::<32>()?;
    let salt = app.random_bytes::<16>()?;
    // Padded: every push is the same size, whatever its notification texts.
    let body =
        web_push_crypto::encrypt(&subscription, payload, webpush::PADDED_LEN, &ephemeral, &salt).await?;
    let expires_at_secs = app.now / 1000 + VAPID_VALIDITY_SECS;
    let authorization =
        web_push_crypto::authorization(vapid, &subscription.audience()?, subject, expires_at_secs).await?;
    // The push service keeps the message no longer than the challenge lives.
    let ttl = challenge.expires_at.saturating_sub(app.now) / 1000;
    let headers = vec![
        ("authorization".to_owned(), authorization),
        ("content-encoding".to_owned(), "aes128gcm".to_owned()),
        ("content-type".to_owned(), "application/octet-stream".to_owned()),
        ("ttl".to_owned(), ttl.to_string()),
        ("urgency".to_owned(), "high".to_owned()),
    ];
    Ok(PushJob {
        tenant_id: challenge.tenant_id.clone(),
        user_id: challenge.user_id.clone(),
        key_id: key_id.clone(),
        endpoint: subscription.endpoint().to_owned(),
        headers,
        body,
    })
}

/// Sends one push; forgets the subscription when the push service says it is gone.
pub async fn send<S: Store, H: HttpClient>(
    store: &S,
    http: &H,
    job: &PushJob,
) -> Result<Option<u16>, ApiError> {
    let status = http.post(&job.endpoint, &job.headers, &job.body).await.ok();
    if matches!(status, Some(404 | 410)) {
        forget(store, job).await?;
    }
    Ok(status)
}

/// Removes a device's subscription (if it is still the one the job used) and its index entry.
async fn forget<S: Store>(store: &S, job: &PushJob) -> Result<(), ApiError> {
    let current = load_subscription(store, &job.key_id).await?;
    if current.is_some_and(|s| s.endpoint() == job.endpoint) {
        remove(store, &job.tenant_id, &job.user_id, &job.key_id).await?;
    }
    Ok(())
}

/// Removes a device's subscription and its entry in the user's index.
pub async fn remove<S: Store>(
    store: &S,
    tenant: &TenantId,
    user_id: &UserId,
    key_id: &KeyId,
) -> Result<(), ApiError> {
    let mut user = load_user(store, tenant, user_id).await?;
    if user.web_push.contains(key_id) {
        user.web_push.retain(|k| k != key_id);
        save_user(store, tenant, user_id, &user).await?;
    }
    delete_subscription(store, key_id).await
}
