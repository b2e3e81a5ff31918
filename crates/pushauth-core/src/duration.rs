//! Challenge lifetimes written as `<n>s`, `<n>m`, `<n>h` or `<n>d` (Privakey's `duration`).

use serde::{Deserialize, Serialize};

use crate::Error;

/// How long a challenge stays answerable, in whole seconds, within
/// [`MIN_SECS`](ChallengeDuration::MIN_SECS)..=[`MAX_SECS`](ChallengeDuration::MAX_SECS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct ChallengeDuration(u64);

impl ChallengeDuration {
    /// Shorter than this, a person cannot reach their phone: 10 seconds.
    pub const MIN_SECS: u64 = 10;
    /// Longer than this, a pending request is a liability: 7 days.
    pub const MAX_SECS: u64 = 7 * 24 * 3600;
    /// The default when none is given: `60s`, as the Privakey API documents.
    pub const DEFAULT: ChallengeDuration = ChallengeDuration(60);

    /// Parses `<n><unit>`: `n` is 1 to 9 ASCII digits with no sign or spaces, `unit` one of
    /// `s`, `m`, `h`, `d` (lowercase). The result must lie within the bounds.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let unit = text.chars().next_back().ok_or(Error::InvalidDuration)?;
        let digits = &text[..text.len() - unit.len_utf8()];
        let multiplier = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(Error::InvalidDuration),
        };
        if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::InvalidDuration);
        }
        let n: u64 = digits.parse().map_err(|_| Error::InvalidDuration)?;
        Self::from_secs(n.saturating_mul(multiplier))
    }

    /// A duration of `secs` seconds, if within the bounds.
    pub fn from_secs(secs: u64) -> Result<Self, Error> {
        if (Self::MIN_SECS..=Self::MAX_SECS).contains(&secs) {
            Ok(ChallengeDuration(secs))
        } else {
            Err(Error::DurationOutOfRange { min_secs: Self::MIN_SECS, max_secs: Self::MAX_SECS })
        }
    }

    /// The duration in seconds.
    pub fn secs(self) -> u64 {
        self.0
    }

    /// The duration in milliseconds.
    pub fn millis(self) -> u64 {
        self.0 * 1000
    }
}

impl Default for ChallengeDuration {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl TryFrom<u64> for ChallengeDuration {
    type Error = Error;
    fn try_from(secs: u64) -> Result<Self, Error> {
        Self::from_secs(secs)
    }
}

impl From<ChallengeDuration> for u64 {
    fn from(d: ChallengeDuration) -> u64 {
        d.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_every_unit() {
        assert_eq!(ChallengeDuration::parse("60s").unwrap().secs(), 60);
        assert_eq!(ChallengeDuration::parse("5m").unwrap().secs(), 300);
        assert_eq!(ChallengeDuration::parse("24h").unwrap().secs(), 86_400);
        assert_eq!(ChallengeDuration::parse("7d").unwrap().secs(), 604_800);
        assert_eq!(ChallengeDuration::parse("010s").unwrap().secs(), 10);
    }

    #[test]
    fn default_is_sixty_seconds() {
        assert_eq!(ChallengeDuration::default().secs(), 60);
    }

    #[test]
    fn bounds_are_inclusive() {
        assert!(ChallengeDuration::parse("10s").is_ok());
        assert!(ChallengeDuration::parse("604800s").is_ok());
        let out = Err(Error::DurationOutOfRange { min_secs: 10, max_secs: 604_800 });
        assert_eq!(ChallengeDuration::parse("9s"), out);
        assert_eq!(ChallengeDuration::parse("604801s"), out);
        assert_eq!(ChallengeDuration::parse("8d"), out);
        assert_eq!(ChallengeDuration::parse("0s"), out);
        assert_eq!(ChallengeDuration::parse("999999999d"), out);
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "s",
            "60",
            "60S",
            "60 s",
            " 60s",
            "+60s",
            "-60s",
            "6.5m",
            "60sec",
            "1w",
            "1e3s",
            "１０s",
            "60ss",
            "1234567890s",
            "0x10s",
            "60é",
            "é",
        ] {
            assert_eq!(ChallengeDuration::parse(bad), Err(Error::InvalidDuration), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_stays_in_bounds(text in ".{0,16}") {
            if let Ok(d) = ChallengeDuration::parse(&text) {
                prop_assert!((ChallengeDuration::MIN_SECS..=ChallengeDuration::MAX_SECS).contains(&d.secs()));
            }
        }

        #[test]
        fn seconds_roundtrip(n in 10u64..=604_800) {
            prop_assert_eq!(ChallengeDuration::parse(&format!("{n}s")).unwrap().secs(), n);
        }
    }
}
