//! The decisions of `waitForResult`, as a state machine with no IO: it is told what each
//! `verify` call came back with and answers "wait this long, then poll again" or "finish with
//! this". The driver (`wait.rs`) does the fetching, the sleeping and the aborting.

use crate::backoff::{poll_delay_ms, rate_limit_delay_ms, retry_delay_ms, Jitter, MAX_TRANSIENT_FAILURES};
use crate::whole_ms::ceil;

#[cfg(test)]
mod tests;

/// What one `verify` call came back with, as the poller sees it. `R` is the result the wait
/// finishes with (in the SDK, the JS result object).
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<R> {
    /// The challenge is still pending (`isConsumed: false`).
    Pending,
    /// The challenge is finished: approved, denied, expired or cancelled.
    Finished(R),
    /// 429: slow down, for the `Retry-After` seconds if the response said.
    RateLimited {
        /// The `Retry-After` header in seconds, if present and readable.
        retry_after_secs: Option<u32>,
    },
    /// A network error or a 5xx: worth retrying a few times; `R` is reported if it persists.
    Transient(R),
    /// Any other error (expired token, unknown challenge…): waiting ends with it.
    Failed(R),
}

/// What the driver does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Step<R> {
    /// Sleep this many milliseconds, then poll again.
    Wait {
        /// The delay in milliseconds.
        ms: u32,
    },
    /// Stop waiting with this result.
    Finish(R),
}

/// The state of one `waitForResult`: how many polls and failures so far, and its time limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Poller {
    polls: u32,
    transient_failures: u32,
    rate_limited: u32,
    timeout_ms: Option<f64>,
}

impl Poller {
    /// A poller that gives up after `timeout_ms` (none: it waits until the challenge is
    /// finished, the caller aborts, or an error ends it).
    pub fn new(timeout_ms: Option<f64>) -> Self {
        Poller {
            polls: 0,
            transient_failures: 0,
            rate_limited: 0,
            timeout_ms: timeout_ms.filter(|t| !t.is_nan()),
        }
    }

    /// The delay before the first poll.
    pub fn first_delay_ms(&self, jitter: Jitter) -> u32 {
        poll_delay_ms(0, jitter)
    }

    /// How many polls found the challenge pending so far.
    pub fn polls(&self) -> u32 {
        self.polls
    }

    /// Takes in what a `verify` call came back with and decides what comes next.
    pub fn next<R>(&mut self, outcome: Outcome<R>, jitter: Jitter) -> Step<R> {
        match outcome {
            Outcome::Pending => {
                self.transient_failures = 0;
                self.rate_limited = 0;
                self.polls = self.polls.saturating_add(1);
                Step::Wait { ms: poll_delay_ms(self.polls, jitter) }
            }
            Outcome::Finished(result) | Outcome::Failed(result) => Step::Finish(result),
            Outcome::RateLimited { retry_after_secs } => {
                // The server answered: the network is fine, but it asks us to slow down.
                self.transient_failures = 0;
                self.rate_limited = self.rate_limited.saturating_add(1);
                Step::Wait { ms: rate_limit_delay_ms(retry_after_secs, self.rate_limited, jitter) }
            }
            Outcome::Transient(result) => {
                self.transient_failures = self.transient_failures.saturating_add(1);
                if self.transient_failures >= MAX_TRANSIENT_FAILURES {
                    Step::Finish(result)
                } else {
                    Step::Wait { ms: retry_delay_ms(self.transient_failures, jitter) }
                }
            }
        }
    }

    /// How long to sleep before the next poll, `elapsed_ms` after waiting started: the delay,
    /// cut short so the last poll happens at the time limit; `None` once the limit is reached.
    pub fn sleep_ms(&self, delay_ms: u32, elapsed_ms: f64) -> Option<u32> {
        match self.timeout_ms {
            None => Some(delay_ms),
            Some(limit) if elapsed_ms >= limit => None,
            Some(limit) => Some(ceil(limit - elapsed_ms).min(delay_ms)),
        }
    }
}
