//! Outgoing deliveries (callbacks and webhooks): their envelope, signature headers, retry
//! schedule and state machine. The Worker stores them in an outbox and a cron trigger retries
//! them (`docs/callbacks.md`); every rule about *when* and *what* is here.

use alloc::{
    borrow::ToOwned,
    format,
    string::{String, ToString},
    vec,
    vec::Vec,
};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::ids::TenantId;
use crate::time::rfc3339;
use crate::webhook::{
    v2_header, StandardSecret, SIGNATURE_V2_HEADER, WEBHOOK_ID_HEADER, WEBHOOK_SIGNATURE_HEADER,
    WEBHOOK_TIMESTAMP_HEADER,
};
use crate::{Error, UnixMillis};

/// How long a callback is retried: 26 hours (at least the 24 h promised, plus the last backoff).
pub const CALLBACK_RETRY_MS: u64 = 26 * 3600 * 1000;
/// The longest wait between two attempts: one hour.
pub const MAX_DELAY_SECS: u64 = 3600;
/// The most attempts recorded in a delivery's log (older ones are summarised by the count).
pub const MAX_LOGGED_ATTEMPTS: usize = 20;

/// What a delivery carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryKind {
    /// A processed request POSTed to the request's callback (Privakey dialect).
    Callback,
    /// An event POSTed to the tenant's push webhook (`push.created`, `user.not_me`).
    Webhook,
    /// Not an HTTP delivery: a reminder to record a challenge's expiry and send its callback.
    ExpiryCheck,
}

/// Where a delivery is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its next attempt.
    Pending,
    /// A 2xx answer was received.
    Delivered,
    /// Retries ran out.
    Failed,
}

/// One attempt and what came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// When it was made.
    pub at: UnixMillis,
    /// The HTTP status, if the receiver answered.
    pub status: Option<u16>,
    /// The network error, if it did not.
    pub error: Option<String>,
}

/// A delivery with its log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// The stable delivery id (`webhook-id`; receivers dedupe by it).
    pub id: String,
    /// The tenant.
    pub tenant_id: TenantId,
    /// The challenge it is about.
    pub challenge_id: String,
    /// The event type (`request.processed`, `push.created`, `user.not_me`, `request.expiry`).
    pub event: String,
    /// What it is.
    pub kind: DeliveryKind,
    /// Where it goes (empty for expiry checks).
    pub url: String,
    /// The exact body bytes, as text.
    pub body: String,
    /// When it was created.
    pub created_at: UnixMillis,
    /// When the next attempt is due.
    pub next_attempt_at: UnixMillis,
    /// After this, no more attempts.
    pub give_up_at: UnixMillis,
    /// Where it is.
    pub state: DeliveryState,
    /// Attempts made so far.
    pub attempt_count: u32,
    /// The most recent attempts.
    pub attempts: Vec<Attempt>,
}

/// Why [`Delivery::retry_now`] refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryRefusal {
    /// The receiver already answered 2xx.
    Delivered,
    /// An expiry reminder: the service's own timer, not an HTTP delivery.
    NotHttp,
    /// Its next attempt is already due (it runs within seconds).
    AlreadyDue,
}

impl RetryRefusal {
    /// Says why, for an error description.
    pub fn describe(self) -> &'static str {
        match self {
            RetryRefusal::Delivered => "this delivery was delivered; there is nothing to retry",
            RetryRefusal::NotHttp => "this is an expiry reminder, not an HTTP delivery",
            RetryRefusal::AlreadyDue => "an attempt of this delivery is already due; it runs within seconds",
        }
    }
}

/// The delay before attempt `n + 1` after `n` failed attempts: `base · 2^(n−1)`, capped at
/// [`MAX_DELAY_SECS`].
pub fn retry_delay_secs(failed_attempts: u32, base_secs: u64) -> u64 {
    let exp = failed_attempts.saturating_sub(1).min(20);
    base_secs.max(1).saturating_mul(1u64 << exp).min(MAX_DELAY_SECS)
}

/// The stable id of the delivery of `event` about `challenge_id`.
pub fn delivery_id(challenge_id: &str, event: &str) -> String {
    format!("{challenge_id}.{event}")
}

impl Delivery {
    /// A new pending delivery, due at once.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        tenant_id: &TenantId,
        challenge_id: &str,
        event: &str,
        kind: DeliveryKind,
        url: &str,
        body: String,
        now: UnixMillis,
        give_up_at: UnixMillis,
    ) -> Self {
        Delivery {
            id: delivery_id(challenge_id, event),
            tenant_id: tenant_id.clone(),
            challenge_id: challenge_id.to_owned(),
            event: event.to_owned(),
            kind,
            url: url.to_owned(),
            body,
            created_at: now,
            next_attempt_at: now,
            give_up_at,
            state: DeliveryState::Pending,
            attempt_count: 0,
            attempts: Vec::new(),
        }
    }

    /// Whether an attempt is due at `now`.
    pub fn is_due(&self, now: UnixMillis) -> bool {
        self.state == DeliveryState::Pending && now >= self.next_attempt_at
    }

    /// Records an attempt: a 2xx status delivers; anything else schedules the next attempt with
    /// backoff, or fails the delivery once the next attempt would fall after `give_up_at`.
    pub fn record(&mut self, now: UnixMillis, result: Result<u16, String>, base_delay_secs: u64) {
        let (status, error) = match result {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(e.chars().take(200).collect())),
        };
        self.attempt_count += 1;
        self.attempts.push(Attempt { at: now, status, error });
        let excess = self.attempts.len().saturating_sub(MAX_LOGGED_ATTEMPTS);
        self.attempts.drain(..excess);
        if status.is_some_and(|s| (200..300).contains(&s)) {
            self.state = DeliveryState::Delivered;
            return;
        }
        let next = now + retry_delay_secs(self.attempt_count, base_delay_secs) * 1000;
        if next > self.give_up_at {
            self.state = DeliveryState::Failed;
        } else {
            self.next_attempt_at = next;
        }
    }

    /// An operator's "retry now": makes the next attempt due at `now`. A pending delivery
    /// whose next attempt is later is brought forward; a failed one (its retries ran out) gets
    /// one more attempt (a failure then fails it again, as [`Delivery::record`] finds the next
    /// attempt past `give_up_at`). Refused for a delivered delivery, for an expiry reminder
    /// (it is no HTTP delivery) and for one whose next attempt is already due: asking twice
    /// makes one attempt, not two.
    pub fn retry_now(&mut self, now: UnixMillis) -> Result<(), RetryRefusal> {
        if self.kind == DeliveryKind::ExpiryCheck {
            return Err(RetryRefusal::NotHttp);
        }
        match self.state {
            DeliveryState::Delivered => Err(RetryRefusal::Delivered),
            DeliveryState::Pending if self.next_attempt_at <= now => Err(RetryRefusal::AlreadyDue),
            DeliveryState::Pending | DeliveryState::Failed => {
                self.state = DeliveryState::Pending;
                self.next_attempt_at = now;
                self.give_up_at = self.give_up_at.max(now);
                Ok(())
            }
        }
    }

    /// The signature headers of an attempt at `now`: `X-Signature-V2` with the tenant's API
    /// secret, and the Standard Webhooks headers with its `whsec_` secret.
    pub fn signed_headers(
        &self,
        api_secret: &str,
        webhook_secret: &str,
        now: UnixMillis,
    ) -> Result<Vec<(String, String)>, Error> {
        let ts = now / 1000;
        let standard = StandardSecret::parse(webhook_secret)?;
        Ok(vec![
            ("content-type".into(), "application/json".into()),
            (SIGNATURE_V2_HEADER.into(), v2_header(api_secret, ts, self.body.as_bytes())?),
            (WEBHOOK_ID_HEADER.into(), self.id.clone()),
            (WEBHOOK_TIMESTAMP_HEADER.into(), ts.to_string()),
            (WEBHOOK_SIGNATURE_HEADER.into(), standard.sign(&self.id, ts, self.body.as_bytes())?),
        ])
    }
}

/// The envelope of a webhook event, as `@authsignal/node`'s `constructEvent` returns it:
/// `{ version: 1, id, source, time, tenantId, type, data }`.
pub fn event_envelope(id: &str, tenant_id: &str, event: &str, data: Value, now: UnixMillis) -> String {
    json!({
        "version": 1,
        "id": id,
        "source": "pushauth",
        "time": rfc3339(now),
        "tenantId": tenant_id,
        "type": event,
        "data": data,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhook::{verify_v2, StandardSecret};

    fn delivery(now: UnixMillis) -> Delivery {
        Delivery::new(
            &"acme".parse().unwrap(),
            "c1",
            "request.processed",
            DeliveryKind::Callback,
            "https://a.example/cb",
            "{}".into(),
            now,
            now + CALLBACK_RETRY_MS,
        )
    }

    #[test]
    fn backoff_doubles_to_an_hour() {
        let delays: Vec<u64> = (1..=9).map(|n| retry_delay_secs(n, 60)).collect();
        assert_eq!(delays, [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(retry_delay_secs(1, 0), 1);
        assert_eq!(retry_delay_secs(u32::MAX, 60), 3600);
    }

    #[test]
    fn retries_cover_at_least_a_day_then_fail() {
        let mut d = delivery(0);
        let mut now = 0;
        while d.state == DeliveryState::Pending {
            assert!(d.is_due(d.next_attempt_at));
            now = d.next_attempt_at;
            d.record(now, Err("connection refused".into()), 60);
        }
        assert_eq!(d.state, DeliveryState::Failed);
        assert!(now >= 24 * 3600 * 1000, "last attempt at {now}");
        assert!(d.attempts.len() <= MAX_LOGGED_ATTEMPTS);
        assert!(d.attempt_count as usize > MAX_LOGGED_ATTEMPTS);
    }

    #[test]
    fn a_2xx_delivers_and_anything_else_retries() {
        let mut d = delivery(1000);
        d.record(1000, Ok(503), 60);
        assert_eq!(d.state, DeliveryState::Pending);
        assert_eq!(d.next_attempt_at, 61_000);
        assert!(!d.is_due(60_999));
        d.record(61_000, Ok(204), 60);
        assert_eq!(d.state, DeliveryState::Delivered);
        assert!(!d.is_due(10_000_000));
        assert_eq!(d.attempts[0].status, Some(503));
    }

    #[test]
    fn retry_now_brings_a_retry_forward_once() {
        let mut d = delivery(1000);
        d.record(1000, Ok(503), 60);
        assert_eq!(d.next_attempt_at, 61_000);
        assert_eq!(d.retry_now(2000), Ok(()));
        assert!(d.is_due(2000));
        assert_eq!(d.retry_now(2000), Err(RetryRefusal::AlreadyDue));
        d.record(2000, Ok(200), 60);
        assert_eq!(d.retry_now(3000), Err(RetryRefusal::Delivered));
    }

    #[test]
    fn retry_now_gives_a_failed_delivery_one_more_attempt() {
        let mut d = delivery(0);
        while d.state == DeliveryState::Pending {
            let at = d.next_attempt_at;
            d.record(at, Err("refused".into()), 60);
        }
        let later = d.give_up_at + 5000;
        assert_eq!(d.retry_now(later), Ok(()));
        assert!(d.is_due(later));
        d.record(later, Err("refused".into()), 60);
        assert_eq!(d.state, DeliveryState::Failed, "one attempt, then failed again");
        let mut check = delivery(0);
        check.kind = DeliveryKind::ExpiryCheck;
        check.next_attempt_at = 10_000;
        assert_eq!(check.retry_now(0), Err(RetryRefusal::NotHttp));
    }

    #[test]
    fn headers_verify_in_both_formats() {
        let d = delivery(0);
        let whsec = StandardSecret::from_key([4; 32]);
        let now = 1_800_000_000_000;
        let headers = d.signed_headers("sk_secret_0123456789abcdef", &whsec.to_text(), now).unwrap();
        let get = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()).unwrap();
        verify_v2("sk_secret_0123456789abcdef", &get("X-Signature-V2"), b"{}", now, 300).unwrap();
        whsec
            .verify(&get("webhook-id"), &get("webhook-timestamp"), &get("webhook-signature"), b"{}", now, 300)
            .unwrap();
        assert_eq!(get("webhook-id"), "c1.request.processed");
    }

    #[test]
    fn envelope_shape() {
        let e: Value =
            serde_json::from_str(&event_envelope("id1", "acme", "push.created", json!({"a": 1}), 0)).unwrap();
        assert_eq!(e["version"], 1);
        assert_eq!(e["type"], "push.created");
        assert_eq!(e["tenantId"], "acme");
        assert_eq!(e["time"], "1970-01-01T00:00:00.000Z");
        assert_eq!(e["data"]["a"], 1);
    }
}
