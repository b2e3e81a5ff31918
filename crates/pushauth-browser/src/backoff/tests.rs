use super::*;

/// Jitter values across the whole range, including both ends.
fn jitters() -> Vec<Jitter> {
    (0..=100).map(|i| Jitter::new(f64::from(i) / 100.0)).collect()
}

#[test]
fn polling_starts_after_one_second_and_grows_towards_two() {
    // Arrange: no jitter.
    let j = Jitter::NONE;
    // Act
    let schedule: Vec<u32> = (0..8).map(|n| poll_delay_ms(n, j)).collect();
    // Assert: 1000 × 1.25ⁿ, capped at 2000.
    assert_eq!(schedule, [1000, 1250, 1563, 1953, 2000, 2000, 2000, 2000]);
}

#[test]
fn polling_delays_stay_within_one_to_two_seconds_for_any_jitter() {
    for j in jitters() {
        for n in 0..40 {
            let d = poll_delay_ms(n, j);
            assert!((1000..=2000).contains(&d), "poll {n}, {j:?}: {d} ms");
        }
    }
}

#[test]
fn jitter_spreads_delays_by_ten_percent() {
    assert_eq!(poll_delay_ms(1, Jitter::new(0.0)), 1125);
    assert_eq!(poll_delay_ms(1, Jitter::new(0.999_999)), 1375);
    assert_eq!(poll_delay_ms(20, Jitter::new(0.0)), 1800);
    assert_eq!(poll_delay_ms(20, Jitter::new(0.999_999)), 2000);
    // The first poll is never earlier than one second.
    assert_eq!(poll_delay_ms(0, Jitter::new(0.0)), 1000);
    assert_eq!(poll_delay_ms(0, Jitter::new(0.999_999)), 1100);
}

#[test]
fn polling_delays_never_shrink_without_jitter() {
    let schedule: Vec<u32> = (0..40).map(|n| poll_delay_ms(n, Jitter::NONE)).collect();
    assert!(schedule.windows(2).all(|w| w[0] <= w[1]), "{schedule:?}");
}

#[test]
fn retries_double_from_one_to_eight_seconds() {
    let schedule: Vec<u32> = (1..=6).map(|n| retry_delay_ms(n, Jitter::NONE)).collect();
    assert_eq!(schedule, [1000, 2000, 4000, 8000, 8000, 8000]);
    assert_eq!(retry_delay_ms(3, Jitter::new(0.0)), 3600);
    assert_eq!(retry_delay_ms(3, Jitter::new(0.999_999)), 4400);
}

#[test]
fn huge_counters_do_not_overflow() {
    assert_eq!(poll_delay_ms(u32::MAX, Jitter::NONE), 2000);
    assert_eq!(retry_delay_ms(u32::MAX, Jitter::NONE), 8000);
    assert_eq!(retry_delay_ms(0, Jitter::NONE), 1000);
}

#[test]
fn a_429_waits_as_told_within_bounds() {
    assert_eq!(rate_limit_delay_ms(Some(7), 1, Jitter::new(0.0)), 7000);
    assert_eq!(rate_limit_delay_ms(Some(0), 1, Jitter::NONE), 1000);
    assert_eq!(rate_limit_delay_ms(Some(3600), 1, Jitter::NONE), 60_000);
    // Without a readable Retry-After: the retry schedule.
    assert_eq!(rate_limit_delay_ms(None, 1, Jitter::NONE), 1000);
    assert_eq!(rate_limit_delay_ms(None, 3, Jitter::NONE), 4000);
}

#[test]
fn retry_after_is_read_in_seconds_form_only() {
    assert_eq!(parse_retry_after("30"), Some(30));
    assert_eq!(parse_retry_after(" 5 "), Some(5));
    assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    assert_eq!(parse_retry_after("-1"), None);
    assert_eq!(parse_retry_after(""), None);
}

#[test]
fn jitter_input_is_clamped() {
    assert_eq!(Jitter::new(f64::NAN), Jitter::NONE);
    assert_eq!(poll_delay_ms(1, Jitter::new(-3.0)), poll_delay_ms(1, Jitter::new(0.0)));
    assert_eq!(poll_delay_ms(1, Jitter::new(7.0)), poll_delay_ms(1, Jitter::new(0.999_999)));
}
