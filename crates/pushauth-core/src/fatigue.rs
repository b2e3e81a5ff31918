//! MFA-fatigue defences: per-user limits on concurrent and recent pushes, and the block after a
//! "not me" answer. Pure rules over what the store knows about a user.

use alloc::vec::Vec;

use crate::tenant::PushLimits;
use crate::{Error, UnixMillis};

/// One recent push to a user, as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentPush {
    /// When it was created.
    pub created_at: UnixMillis,
    /// When it expires.
    pub expires_at: UnixMillis,
    /// Whether it is still waiting for an answer.
    pub pending: bool,
}

fn secs_until(now: UnixMillis, at: UnixMillis) -> u64 {
    at.saturating_sub(now).div_ceil(1000).max(1)
}

/// Decides whether a new push may go to a user now.
///
/// In order: a "not me" block in force → [`Error::PushBlocked`]; as many pending pushes as
/// `max_pending` → [`Error::TooManyRequests`] until the earliest of them expires; as many pushes
/// created within the last `window_secs` as `max_per_window` → [`Error::TooManyRequests`] until
/// the oldest of them leaves the window. Each error carries the seconds to wait (`Retry-After`).
pub fn check_push_allowed(
    limits: &PushLimits,
    blocked_until: Option<UnixMillis>,
    recent: &[RecentPush],
    now: UnixMillis,
) -> Result<(), Error> {
    if let Some(until) = blocked_until.filter(|&u| u > now) {
        return Err(Error::PushBlocked { retry_after_secs: secs_until(now, until) });
    }
    let pending: Vec<&RecentPush> = recent.iter().filter(|p| p.pending && p.expires_at > now).collect();
    if pending.len() >= limits.max_pending as usize {
        let first_free = pending.iter().map(|p| p.expires_at).min().unwrap_or(now);
        return Err(Error::TooManyRequests { retry_after_secs: secs_until(now, first_free) });
    }
    let window_ms = u64::from(limits.window_secs) * 1000;
    let in_window: Vec<&RecentPush> = recent.iter().filter(|p| p.created_at + window_ms > now).collect();
    if in_window.len() >= limits.max_per_window as usize {
        let oldest = in_window.iter().map(|p| p.created_at).min().unwrap_or(now);
        return Err(Error::TooManyRequests { retry_after_secs: secs_until(now, oldest + window_ms) });
    }
    Ok(())
}

/// When a "not me" answer at `now` blocks pushes until.
pub fn not_me_block_until(limits: &PushLimits, now: UnixMillis) -> UnixMillis {
    now + u64::from(limits.not_me_block_secs) * 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: UnixMillis = 1_800_000_000_000;

    fn limits() -> PushLimits {
        PushLimits { max_pending: 2, max_per_window: 3, window_secs: 600, not_me_block_secs: 3600 }
    }

    fn push(age_secs: u64, ttl_secs: u64, pending: bool) -> RecentPush {
        let created_at = NOW - age_secs * 1000;
        RecentPush { created_at, expires_at: created_at + ttl_secs * 1000, pending }
    }

    #[test]
    fn allows_under_the_limits() {
        assert!(check_push_allowed(&limits(), None, &[], NOW).is_ok());
        assert!(
            check_push_allowed(&limits(), None, &[push(10, 120, true), push(20, 120, false)], NOW).is_ok()
        );
    }

    #[test]
    fn concurrent_pending_pushes_are_limited_until_the_first_expires() {
        let recent = [push(10, 120, true), push(30, 120, true)];
        assert_eq!(
            check_push_allowed(&limits(), None, &recent, NOW),
            Err(Error::TooManyRequests { retry_after_secs: 90 })
        );
        // Answered or expired pushes do not count as pending.
        let recent = [push(10, 120, false), push(300, 120, true)];
        assert!(check_push_allowed(&limits(), None, &recent, NOW).is_ok());
    }

    #[test]
    fn pushes_per_window_are_limited_until_the_oldest_leaves() {
        let recent = [push(100, 60, false), push(200, 60, false), push(500, 60, false)];
        assert_eq!(
            check_push_allowed(&limits(), None, &recent, NOW),
            Err(Error::TooManyRequests { retry_after_secs: 100 })
        );
        let recent = [push(100, 60, false), push(200, 60, false), push(600, 60, false)];
        assert!(check_push_allowed(&limits(), None, &recent, NOW).is_ok(), "the window edge is exclusive");
    }

    #[test]
    fn a_not_me_block_wins_until_it_ends() {
        let until = not_me_block_until(&limits(), NOW);
        assert_eq!(until, NOW + 3_600_000);
        assert_eq!(
            check_push_allowed(&limits(), Some(until), &[], NOW + 1000),
            Err(Error::PushBlocked { retry_after_secs: 3599 })
        );
        assert!(check_push_allowed(&limits(), Some(until), &[], until).is_ok());
    }
}
