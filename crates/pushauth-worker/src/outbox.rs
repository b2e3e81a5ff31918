//! The outbox: callbacks and webhooks that must not be lost.
//!
//! A durable delivery is written to the store (record + outbox marker) before its first attempt,
//! which runs right after the response (`waitUntil`). A cron trigger lists the outbox markers
//! and retries what is due, with the core's backoff, for at least 24 hours. Push webhooks are
//! best effort: recorded (and retried until the challenge expires) only if the first attempt
//! fails. See `docs/callbacks.md`.

use pushauth_core::challenge::Challenge;
use pushauth_core::delivery::{Delivery, DeliveryKind, DeliveryState, CALLBACK_RETRY_MS};
use pushauth_core::privakey::ProcessedRequest;
use pushauth_core::tenant::Tenant;
use pushauth_core::UnixMillis;

use crate::api_error::ApiError;
use crate::app::App;
use crate::routes::server::challenge_ttl;
use crate::store::{delete, get_json, keys, put_json, Store};

/// How long a finished delivery's log stays readable: 7 days.
pub const LOG_RETENTION_SECS: u64 = 7 * 24 * 3600;
/// The event of a processed request's callback.
pub const REQUEST_PROCESSED: &str = "request.processed";
/// The event of an expiry reminder.
pub const REQUEST_EXPIRY: &str = "request.expiry";

/// Sends one POST; answers the status or a network error.
#[allow(async_fn_in_trait)] // single-threaded Workers: no `Send` bound wanted
pub trait HttpClient {
    /// POSTs `body` to `url` with `headers`.
    async fn post(&self, url: &str, headers: &[(String, String)], body: &[u8]) -> Result<u16, String>;
}

async fn save<S: Store>(store: &S, d: &Delivery, now: UnixMillis) -> Result<(), ApiError> {
    let ttl = d.give_up_at.saturating_sub(now) / 1000 + LOG_RETENTION_SECS;
    put_json(store, &keys::delivery(&d.tenant_id, &d.id), d, Some(ttl)).await?;
    let marker = keys::outbox(&d.tenant_id, &d.id);
    if d.state == DeliveryState::Pending {
        put_json(store, &marker, &d.next_attempt_at, Some(ttl)).await
    } else {
        delete(store, &marker).await
    }
}

/// Saves a delivery durably and asks for an attempt right after the response.
pub async fn enqueue_durable<S: Store>(app: &App<'_, S>, delivery: Delivery) -> Result<(), ApiError> {
    save(app.store, &delivery, app.now).await?;
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
    let tenant: Tenant = get_json(store, &keys::tenant(&d.tenant_id))
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
    let result = post_signed(store, http, d, now).await;
    d.record(now, result, base_delay_secs);
    save(store, d, now).await
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
        save(store, &d, now).await?;
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
    let key = keys::challenge(&check.tenant_id, &check.challenge_id);
    let Some(mut challenge) = get_json::<_, Challenge>(store, &key).await? else {
        check.record(now, Ok(200), base_delay_secs);
        return save(store, check, now).await.map(|()| false);
    };
    let expired = challenge.expire(now);
    if expired {
        put_json(store, &key, &challenge, Some(challenge_ttl(&challenge, now))).await?;
        if let Some(url) = challenge.callback.clone() {
            let mut callback = callback_delivery(&challenge, &url, now);
            save(store, &callback, now).await?;
            attempt(store, http, &mut callback, now, base_delay_secs).await?;
        }
    } else if now < challenge.expires_at && challenge.status_at(now).is_terminal() {
        // Answered or cancelled before expiry: its callback (if any) was sent then.
    } else if now < challenge.expires_at {
        return Ok(false); // not yet due (clock skew between isolates): try again next run
    }
    check.record(now, Ok(200), base_delay_secs);
    save(store, check, now).await?;
    Ok(expired)
}

/// What a cron run did.
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

/// Retries every due delivery in the outbox.
pub async fn run_due<S: Store, H: HttpClient>(
    store: &S,
    http: &H,
    now: UnixMillis,
    base_delay_secs: u64,
) -> Result<RunReport, ApiError> {
    let markers = store.list(keys::OUTBOX_PREFIX, 1000).await.map_err(|_| ApiError::storage())?;
    let mut report = RunReport { seen: markers.len(), ..RunReport::default() };
    for marker in markers {
        let Some((tenant, id)) =
            marker.strip_prefix(keys::OUTBOX_PREFIX).and_then(|rest| rest.split_once(':'))
        else {
            continue;
        };
        let Some(mut d) = get_json::<_, Delivery>(store, &keys::delivery(tenant, id)).await? else {
            delete(store, &marker).await?;
            continue;
        };
        if d.state != DeliveryState::Pending {
            delete(store, &marker).await?;
            continue;
        }
        if !d.is_due(now) {
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

/// When the earliest pending delivery is next due, if any (a user's object sets its alarm by it).
pub async fn next_due<S: Store>(store: &S) -> Result<Option<UnixMillis>, ApiError> {
    let markers = store.list(keys::OUTBOX_PREFIX, 1000).await.map_err(|_| ApiError::storage())?;
    let mut earliest: Option<UnixMillis> = None;
    for marker in markers {
        if let Some(due) = get_json::<_, UnixMillis>(store, &marker).await? {
            earliest = Some(earliest.map_or(due, |e| e.min(due)));
        }
    }
    Ok(earliest)
}
