//! When a user's object sets its alarm: the one rule behind it, shared by the object
//! (`user_object.rs`) and the native test kit, which counts what it costs (`cargo xtask
//! kv-report`).
//!
//! Every `setAlarm` is billed as a row written and every alarm run as a request, so the object
//! sets its alarm as seldom as the rules allow:
//! - **Exact wakes** (a delivery's next attempt, an open socket's deadline) are kept to the
//!   millisecond: the alarm moves earlier for them whenever it is later.
//! - **Sweeps** (deleting entries whose expiry has passed) are not urgent: an expired entry
//!   already reads as absent (`expiring.rs`), the sweep only frees its row. A sweep runs on the
//!   next whole hour after the entry expires ([`SWEEP_GRID_MS`]), so entries expiring in the
//!   same hour go in one run, and an alarm already set at most [`SWEEP_SLACK_MS`] (30 days)
//!   after a new sweep is left alone: that entry's row is deleted up to 30 days late, and the
//!   request wrote no alarm row. A challenge's start is the case this is for: its record's
//!   expiry (an hour after the challenge's) is only the time to delete it if no device answers,
//!   and an answer in our protocol keeps it 400 days as evidence. Sweeping at that hour would
//!   cost an alarm row and a run for nothing in every successful login, while the user's object
//!   has its alarm set within 30 days anyway (the action log's prune, `action_log.rs`).
//! - A request never lists the object's entries to decide: it looks only at what it wrote. The
//!   alarm's run lists them all, deletes the expired ones and sets the next wake from what is
//!   left.
//! - A request that wrote nothing and makes no delivery (a poll, a read) leaves the alarm alone
//!   without reading it ([`wrote_nothing`]): it asks for no wake, and every wake already wanted
//!   was asked for by the request, socket or alarm run that wrote it. Reading the alarm and the
//!   next outbox marker on every such request cost ~6% of the Worker's CPU on a poll.

use pushauth_core::UnixMillis;

/// Sweeps run on whole hours (Unix time): entries expiring within one hour share a run.
pub const SWEEP_GRID_MS: u64 = 3_600_000;
/// How late a sweep may run, at most, rather than write an alarm row to run sooner: 30 days,
/// the action log's retention, within which a user's object with a recent action has its
/// alarm set anyway.
pub const SWEEP_SLACK_MS: u64 = 30 * 86_400_000;
/// An alarm is never set sooner than this after now (a delivery made in the background has by
/// then recorded its attempt; an entry expired long ago is swept in the next run).
pub const MIN_DELAY_MS: u64 = 1_000;

/// When the sweep of an entry expiring at `expires_at` runs: the next whole hour.
pub fn sweep_time(expires_at: UnixMillis) -> UnixMillis {
    expires_at.div_ceil(SWEEP_GRID_MS).saturating_mul(SWEEP_GRID_MS)
}

/// What an object wants its alarm to wake it for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wants {
    /// The earliest exact wake: a delivery due, an open socket's deadline.
    pub exact: Option<UnixMillis>,
    /// The earliest expiry of an entry to sweep (not rounded).
    pub expiry: Option<UnixMillis>,
}

impl Wants {
    /// The earliest of two optional times.
    fn min(a: Option<UnixMillis>, b: Option<UnixMillis>) -> Option<UnixMillis> {
        match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Adds an exact wake.
    pub fn exact_at(mut self, at: Option<UnixMillis>) -> Self {
        self.exact = Wants::min(self.exact, at);
        self
    }

    /// Adds an entry expiring at `at`.
    pub fn expiring_at(mut self, at: Option<UnixMillis>) -> Self {
        self.expiry = Wants::min(self.expiry, at);
        self
    }
}

/// Whether a request that made no delivery may leave the alarm alone without reading it: it held
/// no write (`held`) and asked for no sweep (`soonest_expiry`, `write_batch.rs`).
pub fn wrote_nothing(held: usize, soonest_expiry: Option<UnixMillis>) -> bool {
    held == 0 && soonest_expiry.is_none()
}

/// The time to set the alarm to, given the alarm set now (`current`, `None` when there is
/// none) and what the object wants; `None`: leave the alarm as it is (no row written).
pub fn alarm_to_set(current: Option<UnixMillis>, wants: Wants, now: UnixMillis) -> Option<UnixMillis> {
    let floor = now.saturating_add(MIN_DELAY_MS);
    let exact = wants.exact.map(|t| t.max(floor));
    let sweep = wants.expiry.map(|t| sweep_time(t).max(floor));
    let wanted = Wants::min(exact, sweep)?;
    let Some(current) = current else {
        return Some(wanted);
    };
    let exact_needs = exact.is_some_and(|t| current > t);
    let sweep_needs = sweep.is_some_and(|t| current > t.saturating_add(SWEEP_SLACK_MS));
    (exact_needs || sweep_needs).then_some(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000_000;
    const HOUR: u64 = SWEEP_GRID_MS;

    #[test]
    fn sweeps_run_on_the_next_whole_hour() {
        assert_eq!(sweep_time(NOW), NOW, "NOW is a whole hour");
        assert_eq!(sweep_time(NOW + 1), NOW + HOUR);
        assert_eq!(sweep_time(NOW + HOUR), NOW + HOUR);
    }

    #[test]
    fn no_alarm_set_takes_the_earliest_want() {
        let wants = Wants::default().exact_at(Some(NOW + 5_000)).expiring_at(Some(NOW + 10));
        assert_eq!(alarm_to_set(None, wants, NOW), Some(NOW + 5_000));
        let sweep_only = Wants::default().expiring_at(Some(NOW + 10));
        assert_eq!(alarm_to_set(None, sweep_only, NOW), Some(NOW + HOUR));
        assert_eq!(alarm_to_set(None, Wants::default(), NOW), None, "nothing wanted: no alarm");
    }

    #[test]
    fn exact_wakes_move_a_later_alarm_earlier() {
        let wants = Wants::default().exact_at(Some(NOW + 5_000));
        assert_eq!(alarm_to_set(Some(NOW + 6_000), wants, NOW), Some(NOW + 5_000));
        assert_eq!(alarm_to_set(Some(NOW + 5_000), wants, NOW), None);
        assert_eq!(alarm_to_set(Some(NOW + 4_000), wants, NOW), None);
    }

    #[test]
    fn a_sweep_leaves_an_alarm_set_within_the_slack_after_it() {
        let wants = Wants::default().expiring_at(Some(NOW + 10));
        assert_eq!(alarm_to_set(Some(NOW + HOUR + SWEEP_SLACK_MS), wants, NOW), None);
        assert_eq!(
            alarm_to_set(Some(NOW + HOUR + SWEEP_SLACK_MS + 1), wants, NOW),
            Some(NOW + HOUR),
            "an alarm later than the slack is moved"
        );
        assert_eq!(alarm_to_set(Some(NOW + 30_000), wants, NOW), None, "an earlier alarm stays");
    }

    #[test]
    fn never_sooner_than_a_second_from_now() {
        let wants = Wants::default().exact_at(Some(NOW - 5_000));
        assert_eq!(alarm_to_set(None, wants, NOW), Some(NOW + MIN_DELAY_MS));
        let expired = Wants::default().expiring_at(Some(NOW - HOUR * 3));
        assert_eq!(alarm_to_set(None, expired, NOW), Some(NOW + MIN_DELAY_MS));
    }
}
