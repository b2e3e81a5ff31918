//! The outbox: callbacks and webhooks that must not be lost.
//!
//! A durable delivery is written to the store (record + outbox marker) before its first attempt,
//! which runs right after the response (`waitUntil`). The user's Durable Object holds its
//! outbox; its alarm, set for the earliest marker, retries what is due with the core's backoff
//! for at least 24 hours. Markers are keyed by when they are due, so a listing yields the due
//! ones first however many wait. Push webhooks are best effort: recorded (and retried until the
//! challenge expires) only if the first attempt fails. See `docs/callbacks.md`.

use pushauth_core::challenge::Challenge;
use pushauth_core::delivery::{Delivery, DeliveryKind, DeliveryState, CALLBACK_RETRY_MS};
use pushauth_core::ids::{ChallengeId, TenantId};
use pushauth_core::privakey::ProcessedRequest;
use pushauth_core::UnixMillis;

use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::challenge_repo::{load_challenge_by_id, save_challenge};
use crate::http::HttpClient;
use crate::store::{delete, get_json, keys, put_json, Store};
use crate::tenants_repo::find_tenant;

/// How long a finished delivery's log stays readable: 7 days.
pub const LOG_RETENTION_SECS: u64 = 7 * 24 * 3600;
/// The event of a processed request's callback.
pub const REQUEST_PROCESSED: &str = "request.processed";
/// The event of an expiry reminder.
pub const REQUEST_EXPIRY: &str = "request.expiry";

/// Reads a tenant's delivery (and its log) by id (one storage read); `None` when there is none.
pub async fn load_delivery<S: Store>(
    store: &S,
    tenant: &TenantId,
    id: &str,
) -> Result<Option<Delivery>, ApiError> {
    get_json(store, &keys::delivery(tenant, id)).await
}

/// Saves a delivery and moves its outbox marker: `marked_due` is when its marker (if any) said
/// it was due before this change.
async fn save<S: Store>(
    store: &S,
    d: &Delivery,
    now: UnixMillis,
    marked_due: Option<UnixMillis>,
) -> Result<(), ApiError> {
    let ttl = d.give_up_at.saturating_sub(now) / 1000 + LOG_RETENTION_SECS;
    put_json(store, &keys::delivery(&d.tenant_id, &d.id), d, Some(ttl)).await?;
    let pending = d.state == DeliveryState::Pending;
    if pending {
        put_json(store, &keys::outbox(d.next_attempt_at, &d.tenant_id, &d.id), &d.next_attempt_at, Some(ttl))
            .await?;
    }
    match marked_due {
        Some(due) if !pending || due != d.next_attempt_at => {
            delete(store, &keys::outbox(due, &d.tenant_id, &d.id)).await
        }
        _ => Ok(()),
    }
}

/// Saves a delivery durably and asks for an attempt right after the response.
pub async fn enqueue_durable<S: Store>(app: &App<'_, S>, delivery: Delivery) -> Result<(), ApiError> {
    save(app.store, &delivery, app.now, None).await?;
    if delivery.kind != DeliveryKind::ExpiryCheck {
        app.background.borrow_mut().push(delivery);
    }
    Ok(())
}

/// Asks for a best-effort attempt right after the response; nothing is stored unless it fails.
pub fn enqueue_best_effort<S: Store>(app: &App<'_, S>, delivery: Delivery) {
    app.background.borrow_mut().push(delivery);
}

/// The callback delivery of a challenge's processed request, retried for 26 hours.
pub fn callback_delivery(challenge: &Challenge, url: &str, now: UnixMillis) -> Delivery {
    let body = serde_json::to_string(&ProcessedRequest::of(challenge, now)).unwrap_or_default();
    Delivery::new(
        &challenge.tenant_id,
        challenge.id.as_str(),
        REQUEST_PROCESSED,
        DeliveryKind::Callback,
        url,
        body,
        now,
        now + CALLBACK_RETRY_MS,
    )
}

/// A reminder, due when the challenge expires, to send its callback if nobody answered.
pub fn expiry_check(challenge: &Challenge, now: UnixMillis) -> Delivery {
    let mut d = Delivery::new(
        &challenge.tenant_id,
        challenge.id.as_str(),
        REQUEST_EXPIRY,
        DeliveryKind::ExpiryCheck,
        "",
        String::new(),
        now,
        challenge.expires_at + CALLBACK_RETRY_MS,
    );
    d.next_attempt_at = challenge.expires_at;
    d
}

async fn post_signed<S: Store, H: HttpClient>(
    store: &S,
    http: &H,
    d: &Delivery,
    now: UnixMillis,
) -> Result<u16, String> {
    let tenant = find_tenant(store, &d.tenant_id)
        .await
        .map_err(|_| "storage unavailable".to_owned())?
        .ok_or_else(|| "the tenant no longer exists".to_owned())?;
    let secret = tenant.current_secret().ok_or_else(|| "the tenant has no secret".to_owned())?;
    let headers = d.signed_headers(secret, &tenant.webhook_secret, now).map_err(|e| e.to_string())?;
    http.post(&d.url, &headers, d.body.as_bytes()).await
}

/// Makes one attempt and stores the outcome (for durable deliveries, always).
pub async fn attempt<S: Store, H: HttpClient>(
    store: &S,
    http: &H,
    d: &mut Delivery,
    now: UnixMillis,
    base_delay_secs: u64,
) -> Result<(), ApiError> {
    let marked_due = d.next_attempt_at;
    let result = post_signed(store, http, d, now).await;
    d.record(now, result, base_delay_secs);
    save(store, d, now, Some(marked_due)).await
}

/// Makes one best-effort attempt; stores the delivery only if it did not succeed.
pub async fn attempt_best_effort<S: Store, H: HttpClient>(
    store: &S,
    http: &H,
    mut d: Delivery,
    now: UnixMillis,
    base_delay_secs: u64,
) -> Result<DeliveryState, ApiError> {
    let durable = d.kind == DeliveryKind::Callback;
    let result = post_signed(store, http, &d, now).await;
    d.record(now, result, base_delay_secs);
    if durable || d.state != DeliveryState::Delivered {
        save(store, &d, now, None).await?;
    }
    Ok(d.state)
}

/// Runs an expiry reminder; answers whether it expired the challenge (its state changed).
async fn run_expiry_check<S: Store, H: HttpClient>(
    store: &S,
    http: &H,
    check: &mut Delivery,
    now: UnixMillis,
    base_delay_secs: u64,
) -> Result<bool, ApiError> {
    let marked_due = Some(check.next_attempt_at);
    // An expiry check is only ever made for a challenge; an id that is none reads as gone.
    let stored = match ChallengeId::parse(&check.challenge_id) {
        Ok(id) => load_challenge_by_id(store, &check.tenant_id, &id, now).await?,
        Err(_) => None,
    };
    let Some(mut challenge) = stored else {
        check.record(now, Ok(200), base_delay_secs);
        return save(store, check, now, marked_due).await.map(|()| false);
    };
    let expired = challenge.expire(now);
    if expired {
        save_challenge(store, &challenge, now).await?;
        if let Some(url) = challenge.callback.clone() {
            let mut callback = callback_delivery(&challenge, &url, now);
            save(store, &callback, now, None).await?;
            attempt(store, http, &mut callback, now, base_delay_secs).await?;
        }
    } else if now < challenge.expires_at && challenge.status_at(now).is_terminal() {
        // Answered or cancelled before expiry: its callback (if any) was sent then.
    } else if now < challenge.expires_at {
        return Ok(false); // not yet due (clock skew between isolates): try again next run
    }
    check.record(now, Ok(200), base_delay_secs);
    save(store, check, now, marked_due).await?;
    Ok(expired)
}

/// An operator's "retry now" of the stored delivery `id` of `tenant` (the core's rule,
/// [`Delivery::retry_now`]): its outbox marker moves to `now`, and the user's object's alarm,
/// which the object sets after every request for the earliest marker (a second later at the
/// soonest), makes the attempt. The attempt is the alarm's alone, so however many retries are
/// asked for at once, one attempt is made: the first makes it due, the others find it due.
pub async fn retry_now<S: Store>(
    store: &S,
    tenant: &TenantId,
    id: &str,
    now: UnixMillis,
) -> Result<Delivery, ApiError> {
    let mut d = load_delivery(store, tenant, id)
        .await?
        .ok_or_else(|| ApiError::not_found(ErrorCode::DeliveryNotFound, "delivery"))?;
    let marked_due = (d.state == DeliveryState::Pending).then_some(d.next_attempt_at);
    d.retry_now(now).map_err(|refusal| ApiError::new(ErrorCode::DeliveryNotRetryable, refusal.describe()))?;
    save(store, &d, now, marked_due).await?;
    Ok(d)
}

/// What a run of the outbox did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunReport {
    /// Outbox markers seen.
    pub seen: usize,
    /// Attempts made.
    pub attempted: usize,
    /// Deliveries now delivered.
    pub delivered: usize,
    /// Challenges an expiry reminder expired (their state changed: the user's object tells its
    /// sockets).
    pub expired: Vec<String>,
}

/// Retries every due delivery in the outbox, earliest first: the listing is in due order, so
/// it stops at the first marker not yet due. A run takes at most 1,000; when more were due the
/// alarm it sets next is already due, and the next run goes on.
pub async fn run_due<S: Store, H: HttpClient>(
    store: &S,
    http: &H,
    now: UnixMillis,
    base_delay_secs: u64,
) -> Result<RunReport, ApiError> {
    let markers = store.list(keys::OUTBOX_PREFIX, 1000).await.map_err(|_| ApiError::storage())?;
    let mut report = RunReport { seen: markers.len(), ..RunReport::default() };
    for marker in markers {
        let Some((due, tenant, id)) = keys::parse_outbox(&marker) else {
            delete(store, &marker).await?; // not a marker this code writes: never due
            continue;
        };
        if due > now {
            break;
        }
        let Some(mut d) = load_delivery(store, &tenant, id).await? else {
            delete(store, &marker).await?;
            continue;
        };
        if d.state != DeliveryState::Pending {
            delete(store, &marker).await?;
            continue;
        }
        if d.next_attempt_at != due {
            save(store, &d, now, Some(due)).await?; // a marker of an earlier due time: move it
            continue;
        }
        report.attempted += 1;
        if d.kind == DeliveryKind::ExpiryCheck {
            if run_expiry_check(store, http, &mut d, now, base_delay_secs).await? {
                report.expired.push(d.challenge_id.clone());
            }
        } else {
            attempt(store, http, &mut d, now, base_delay_secs).await?;
        }
        if d.state == DeliveryState::Delivered {
            report.delivered += 1;
        }
    }
    Ok(report)
}

/// When the earliest pending delivery is next due, if any (a user's object sets its alarm by
/// it): the first marker in due order, one listing and no reads.
pub async fn next_due<S: Store>(store: &S) -> Result<Option<UnixMillis>, ApiError> {
    let markers = store.list(keys::OUTBOX_PREFIX, 1).await.map_err(|_| ApiError::storage())?;
    Ok(markers.first().and_then(|m| keys::parse_outbox(m)).map(|(due, _, _)| due))
}

#[cfg(all(test, not(target_arch = "wasm32")))] // the test kit is native only
mod tests;
