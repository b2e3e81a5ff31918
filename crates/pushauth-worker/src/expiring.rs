//! Values with an expiry, for storage that has none of its own (a Durable Object's): stored as
//! `{expires_at_ms}|{value}` (or `|{value}` for no expiry), read as absent once expired, and
//! deleted by the object's alarm (`user_object.rs`).

use pushauth_core::UnixMillis;

/// The stored form of `value`, expiring `ttl_secs` after `now` (never, for `None`).
pub fn encode(value: &str, ttl_secs: Option<u64>, now: UnixMillis) -> String {
    match ttl_secs {
        Some(ttl) => format!("{}|{value}", now.saturating_add(ttl.saturating_mul(1000))),
        None => format!("|{value}"),
    }
}

/// When a stored entry expires (`None`: never), and its value. A stored text without the
/// prefix reads as a value that never expires.
pub fn decode(stored: &str) -> (Option<UnixMillis>, &str) {
    match stored.split_once('|') {
        Some(("", value)) => (None, value),
        Some((expiry, value)) if expiry.bytes().all(|b| b.is_ascii_digit()) => (expiry.parse().ok(), value),
        _ => (None, stored),
    }
}

/// The value of a stored entry, or `None` once it has expired.
pub fn live_value(stored: &str, now: UnixMillis) -> Option<&str> {
    match decode(stored) {
        (Some(expires_at), _) if expires_at <= now => None,
        (_, value) => Some(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_after_their_ttl() {
        let stored = encode("{\"a\":1}", Some(60), 1_000);
        assert_eq!(stored, "61000|{\"a\":1}");
        assert_eq!(live_value(&stored, 60_999), Some("{\"a\":1}"));
        assert_eq!(live_value(&stored, 61_000), None);
        let forever = encode("x|y", None, 1_000);
        assert_eq!(live_value(&forever, u64::MAX), Some("x|y"));
        assert_eq!(decode("12|a|b"), (Some(12), "a|b"));
    }
}
