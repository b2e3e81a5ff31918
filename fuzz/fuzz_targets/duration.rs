//! `ChallengeDuration::parse` (Privakey's `duration`, e.g. `60s`, `5m`). Properties: it agrees
//! with an independent reading of the grammar (1 to 9 ASCII digits, then one of `s m h d`, within
//! 10 s ..= 7 d, else the out-of-range error), and an accepted duration written as seconds parses
//! back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pushauth_core::duration::ChallengeDuration;
use pushauth_core::Error;

fn reference(text: &str) -> Result<u64, Error> {
    let bytes = text.as_bytes();
    let (Some(&unit), n) = (bytes.last(), bytes.len()) else { return Err(Error::InvalidDuration) };
    let multiplier = match unit {
        b's' => 1,
        b'm' => 60,
        b'h' => 3600,
        b'd' => 86_400,
        _ => return Err(Error::InvalidDuration),
    };
    let digits = &bytes[..n - 1];
    if digits.is_empty() || digits.len() > 9 || !digits.iter().all(u8::is_ascii_digit) {
        return Err(Error::InvalidDuration);
    }
    let value = digits.iter().fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0')) * multiplier;
    if (10..=604_800).contains(&value) {
        Ok(value)
    } else {
        Err(Error::DurationOutOfRange { min_secs: 10, max_secs: 604_800 })
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = ChallengeDuration::parse(text);
    assert_eq!(parsed.clone().map(ChallengeDuration::secs), reference(text), "{text:?}");
    if let Ok(duration) = parsed {
        assert_eq!(ChallengeDuration::parse(&format!("{}s", duration.secs())), Ok(duration));
        assert_eq!(duration.millis(), duration.secs() * 1000);
    }
});
