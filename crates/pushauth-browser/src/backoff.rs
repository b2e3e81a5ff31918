//! When `waitForResult` asks again: the delay schedule for polling, for retrying after
//! transient failures and for honouring a 429. Pure functions of a counter and a jitter value
//! passed in, so the schedule is tested without a clock or a random source.
//!
//! | situation | delays |
//! | --- | --- |
//! | challenge still pending (`verify` polls) | 1 s, then ×1.25 per poll towards 2 s; ±10 % jitter, always within 1–2 s |
//! | network error or 5xx | 1 s, 2 s, 4 s, 8 s (±10 %); the 5th failure in a row ends the wait |
//! | 429 | the `Retry-After` seconds (1–60 s), else as for a network error; never ends the wait |
//! | the challenge's socket is up | a poll when it says the challenge changed, else every 15 s |

use crate::whole_ms::{grown, round};

#[cfg(test)]
mod tests;

/// The first poll comes this long after waiting starts (the API asks for polls every 1–2 s).
pub const POLL_FIRST_MS: f64 = 1000.0;
/// Polling delays grow towards this and never exceed it.
pub const POLL_MAX_MS: f64 = 2000.0;
/// Each polling delay is this many times the previous one (before jitter), up to the maximum.
pub const POLL_GROWTH: f64 = 1.25;
/// The first retry after a transient failure (network error, 5xx) waits this long.
pub const RETRY_FIRST_MS: f64 = 1000.0;
/// Retry delays double up to this.
pub const RETRY_MAX_MS: f64 = 8000.0;
/// After this many transient failures in a row, waiting stops and reports the last one.
pub const MAX_TRANSIENT_FAILURES: u32 = 5;
/// A 429's `Retry-After` is honoured within these bounds (seconds).
pub const RETRY_AFTER_MIN_SECS: u32 = 1;
/// See [`RETRY_AFTER_MIN_SECS`].
pub const RETRY_AFTER_MAX_SECS: u32 = 60;
/// While the challenge's socket is up, a pending challenge is polled this often anyway, in case
/// a message was lost (the socket's messages end the sleep at once).
pub const SOCKET_POLL_MS: u32 = 15_000;
/// Jitter scales a delay by a factor in `[1 − JITTER, 1 + JITTER)`, so clients that started
/// together (after an outage, say) do not stay in step.
pub const JITTER: f64 = 0.1;

/// The random input of the jitter: a number in `[0, 1)` (`Math.random()` in the browser).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Jitter(f64);

impl Jitter {
    /// The jitter for `x`, clamped into `[0, 1)`; a NaN counts as the middle (no jitter).
    pub fn new(x: f64) -> Self {
        if x.is_nan() {
            Jitter(0.5)
        } else {
            Jitter(x.clamp(0.0, 0.999_999))
        }
    }

    /// No jitter: every delay is its nominal value.
    pub const NONE: Jitter = Jitter(0.5);

    /// The factor a delay is multiplied by: `1 − JITTER` for 0, `1 + JITTER` towards 1.
    fn factor(self) -> f64 {
        1.0 - JITTER + 2.0 * JITTER * self.0
    }
}

/// The delay before the next `verify`, after `polls` polls that found the challenge pending
/// (0 for the very first poll). Always within `[POLL_FIRST_MS, POLL_MAX_MS]`.
pub fn poll_delay_ms(polls: u32, jitter: Jitter) -> u32 {
    let nominal = grown(POLL_FIRST_MS, POLL_GROWTH, polls, POLL_MAX_MS);
    round((nominal * jitter.factor()).clamp(POLL_FIRST_MS, POLL_MAX_MS))
}

/// The delay before retrying after the `failures`-th transient failure in a row (1-based).
pub fn retry_delay_ms(failures: u32, jitter: Jitter) -> u32 {
    let nominal = grown(RETRY_FIRST_MS, 2.0, failures.saturating_sub(1), RETRY_MAX_MS);
    round(nominal * jitter.factor())
}

/// The delay after the `limited`-th 429 in a row (1-based): what `Retry-After` said, kept
/// within bounds, or the transient-failure schedule when the header is absent or unreadable.
pub fn rate_limit_delay_ms(retry_after_secs: Option<u32>, limited: u32, jitter: Jitter) -> u32 {
    match retry_after_secs {
        Some(secs) => secs.clamp(RETRY_AFTER_MIN_SECS, RETRY_AFTER_MAX_SECS) * 1000,
        None => retry_delay_ms(limited, jitter),
    }
}

/// Parses a `Retry-After` header in its delay-seconds form; the HTTP-date form is ignored.
pub fn parse_retry_after(header: &str) -> Option<u32> {
    header.trim().parse::<u32>().ok()
}
