//! Starting a challenge, shared by both dialects: the fatigue rules, the writes, the
//! `push.created` webhook and, for requests with a callback, the expiry reminder.

use pushauth_core::challenge::{Challenge, ChallengeSpec, Dialect, Randomness, Status};
use pushauth_core::delivery::{event_envelope, Delivery, DeliveryKind};
use pushauth_core::fatigue::{check_push_allowed, RecentPush};
use pushauth_core::ids::{TenantId, UserId};
use pushauth_core::tenant::Tenant;
use serde_json::json;

use crate::action_log::{follow, log_of, save_log_in};
use crate::api_error::ApiError;
use crate::app::App;
use crate::challenge_repo::{keep_evicted, load_own_challenge, save_challenge_home};
use crate::outbox::{enqueue_best_effort, enqueue_durable, expiry_check};
use crate::records::{load_device, save_user, ChallengeRef, UserRecord};
use crate::store::Store;
use crate::web_push::queue_challenge_pushes;

/// The event sent to the push webhook when a challenge starts.
pub const PUSH_CREATED: &str = "push.created";
/// The event sent to the push webhook when a person answers "not me".
pub const USER_NOT_ME: &str = "user.not_me";

/// The user's recent pushes, with whether each is still pending (one read per unexpired push,
/// and one per expired one still holding its embedded copy). An embedded copy whose challenge
/// has its own record is stale (never read again): it is dropped from `user`, which the caller
/// writes anyway, so the record does not carry it until its entry is pruned.
pub async fn recent_pushes<S: Store>(
    app: &App<'_, S>,
    tenant_id: &TenantId,
    user: &mut UserRecord,
) -> Result<Vec<RecentPush>, ApiError> {
    let mut out = Vec::with_capacity(user.challenges.len());
    for c in &mut user.challenges {
        let own = if c.expires_at > app.now || c.challenge.is_some() {
            load_own_challenge(app.store, tenant_id, &c.id).await?
        } else {
            None
        };
        if own.is_some() {
            c.challenge = None;
        }
        let pending = c.expires_at > app.now
            && own
                .as_ref()
                .or(c.challenge.as_ref())
                .is_some_and(|ch| ch.status_at(app.now) == Status::Pending);
        out.push(RecentPush { created_at: c.created_at, expires_at: c.expires_at, pending });
    }
    Ok(out)
}

/// Checks the fatigue rules, creates the challenge, records it for the user and sends
/// `push.created`. `user` is the user's record as just loaded in this request, its action log
/// included (read from it, not again from storage); it is saved here.
pub async fn start<S: Store>(
    app: &App<'_, S>,
    tenant: &Tenant,
    spec: ChallengeSpec,
    mut user: UserRecord,
) -> Result<Challenge, ApiError> {
    // A backend's decision on the action is final: no new challenge for it.
    // `user` holds the action log: read from it, not from storage again.
    let mut log = log_of(app.store, &tenant.id, &UserId::parse(&spec.user_id)?, &user, app.now).await?;
    if let Some(key) = &spec.idempotency_key {
        if let Some(record) = log.find(&spec.action, key) {
            record.may_start_challenge()?;
        }
    }
    let recent = recent_pushes(app, &tenant.id, &mut user).await?;
    check_push_allowed(&tenant.settings.push_limits, user.blocked_until, &recent, app.now)?;
    let random = Randomness::from_bytes(&app.random_bytes::<{ Randomness::LEN }>()?);
    let challenge = Challenge::new(spec, app.now, &random)?;
    // The challenge is kept in the user record, embedded in its entry, until its first change
    // writes its own record (`challenge_repo.rs`): its start writes one row. An entry pruned, or
    // the 21st embedded copy's oldest, goes to its own record if it may still be read.
    let mut evicted = user.prune(app.now);
    user.challenges.push(ChallengeRef {
        id: challenge.id.clone(),
        action: challenge.action.clone(),
        idempotency_key: challenge.idempotency_key.clone(),
        created_at: challenge.created_at,
        expires_at: challenge.expires_at,
        challenge: Some(challenge.clone()),
    });
    evicted.extend(user.evict_embedded(app.now));
    keep_evicted(app.store, evicted, app.now).await?;
    // The record, the challenge and the log it holds, written once (the record read and parsed
    // once).
    if follow(&mut log, &challenge, app.now) {
        save_log_in(app.store, &tenant.id, &challenge.user_id, &mut user, log, app.now).await?;
    } else {
        save_user(app.store, &tenant.id, &challenge.user_id, &user).await?;
    }
    app.notice_challenge(&challenge);
    // Challenges a backend may look up by id (Privakey's getRequest, a delivery log) get a
    // routing record in KV; a sign-in in the Authsignal dialect without webhooks writes no KV.
    if challenge.dialect == Dialect::Privakey
        || challenge.callback.is_some()
        || tenant.settings.push_webhook_url.is_some()
    {
        save_challenge_home(app.store, tenant, &challenge, app.now).await?;
    }
    queue_challenge_pushes(app, &challenge, &user).await?;
    if challenge.callback.is_some() {
        enqueue_durable(app, expiry_check(&challenge, app.now)).await?;
    }
    if let Some(url) = &tenant.settings.push_webhook_url {
        let mut devices = Vec::new();
        for key_id in &user.devices {
            if let Some(d) = load_device(app.store, key_id).await? {
                devices.push(json!({ "keyId": d.key_id, "devicePlatform": d.device_platform, "pushToken": d.push_token }));
            }
        }
        // Authsignal's fields first (`actionCode`, `idempotencyKey`, and `ipAddress` and
        // `userAgent` when the track call gave them), then ours.
        let mut data = json!({
            "challengeId": challenge.id,
            "userId": challenge.user_id,
            "actionCode": challenge.action,
            "idempotencyKey": challenge.idempotency_key,
            "action": challenge.action,
            "notificationTitle": challenge.notification_title,
            "notificationBody": challenge.notification_body,
            "showNotification": challenge.show_notification,
            "context": challenge.context,
            "expiresAt": challenge.expires_at,
            "devices": devices,
        });
        if let Some(ip) = &challenge.context.ip_address {
            data["ipAddress"] = json!(ip);
        }
        if let Some(agent) = &challenge.context.user_agent {
            data["userAgent"] = json!(agent);
        }
        webhook_event(app, tenant, url, &challenge, PUSH_CREATED, data, challenge.expires_at);
    }
    Ok(challenge)
}

/// Queues a best-effort webhook event about `challenge`, retried (if it fails) until `give_up_at`.
fn webhook_event<S: Store>(
    app: &App<'_, S>,
    tenant: &Tenant,
    url: &str,
    challenge: &Challenge,
    event: &str,
    data: serde_json::Value,
    give_up_at: u64,
) {
    let id = pushauth_core::delivery::delivery_id(challenge.id.as_str(), event);
    let body = event_envelope(&id, &tenant.id, event, data, app.now);
    let delivery = Delivery::new(
        &tenant.id,
        challenge.id.as_str(),
        event,
        DeliveryKind::Webhook,
        url,
        body,
        app.now,
        give_up_at,
    );
    enqueue_best_effort(app, delivery);
}

/// Sends `user.not_me` to the push webhook, if the tenant has one.
pub fn emit_not_me<S: Store>(app: &App<'_, S>, tenant: &Tenant, challenge: &Challenge, blocked_until: u64) {
    let Some(url) = &tenant.settings.push_webhook_url else { return };
    let data = json!({
        "challengeId": challenge.id,
        "userId": challenge.user_id,
        "action": challenge.action,
        "context": challenge.context,
        "blockedUntil": blocked_until,
    });
    webhook_event(app, tenant, url, challenge, USER_NOT_ME, data, app.now + 3_600_000);
}
