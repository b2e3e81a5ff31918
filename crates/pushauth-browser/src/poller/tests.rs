use super::*;
use crate::backoff::Jitter;

/// Drives a poller through `outcomes` without jitter; returns the steps it took.
fn run(poller: &mut Poller, outcomes: Vec<Outcome<&'static str>>) -> Vec<Step<&'static str>> {
    outcomes.into_iter().map(|o| poller.next(o, Jitter::NONE)).collect()
}

fn wait(ms: u32) -> Step<&'static str> {
    Step::Wait { ms }
}

#[test]
fn pending_polls_follow_the_schedule_until_the_challenge_finishes() {
    // Arrange
    let mut poller = Poller::new(None);
    // Act
    let first = poller.first_delay_ms(Jitter::NONE);
    let steps = run(
        &mut poller,
        vec![
            Outcome::Pending,
            Outcome::Pending,
            Outcome::Pending,
            Outcome::Pending,
            Outcome::Finished("approved"),
        ],
    );
    // Assert
    assert_eq!(first, 1000);
    assert_eq!(steps, [wait(1250), wait(1563), wait(1953), wait(2000), Step::Finish("approved")]);
    assert_eq!(poller.polls(), 4);
}

#[test]
fn an_api_error_ends_the_wait_at_once() {
    let mut poller = Poller::new(None);
    let steps = run(&mut poller, vec![Outcome::Pending, Outcome::Failed("expired_token")]);
    assert_eq!(steps, [wait(1250), Step::Finish("expired_token")]);
}

#[test]
fn network_errors_back_off_then_report_after_five_in_a_row() {
    let mut poller = Poller::new(None);
    let steps = run(
        &mut poller,
        vec![
            Outcome::Transient("network_error"),
            Outcome::Transient("network_error"),
            Outcome::Transient("network_error"),
            Outcome::Transient("network_error"),
            Outcome::Transient("network_error"),
        ],
    );
    assert_eq!(steps, [wait(1000), wait(2000), wait(4000), wait(8000), Step::Finish("network_error")]);
}

#[test]
fn a_successful_poll_resets_the_failure_count() {
    let mut poller = Poller::new(None);
    let mut outcomes = vec![Outcome::Transient("network_error"); 4];
    outcomes.push(Outcome::Pending);
    outcomes.extend(vec![Outcome::Transient("network_error"); 4]);
    let steps = run(&mut poller, outcomes);
    assert!(steps.iter().all(|s| matches!(s, Step::Wait { .. })), "{steps:?}");
    // The poll after recovery continues the polling schedule where it was.
    assert_eq!(steps[4], wait(1250));
    assert_eq!(steps[5], wait(1000), "the failure count started again");
}

#[test]
fn a_429_waits_as_told_and_never_ends_the_wait() {
    let mut poller = Poller::new(None);
    let mut outcomes = vec![Outcome::RateLimited { retry_after_secs: Some(3) }; 20];
    outcomes.push(Outcome::RateLimited { retry_after_secs: None });
    outcomes.push(Outcome::Pending);
    let steps = run(&mut poller, outcomes);
    assert!(steps[..20].iter().all(|s| *s == wait(3000)), "{steps:?}");
    assert_eq!(steps[20], wait(8000), "the 21st 429 in a row without Retry-After");
    assert_eq!(steps[21], wait(1250));
}

#[test]
fn a_429_between_network_errors_shows_the_network_works() {
    let mut poller = Poller::new(None);
    let mut outcomes = vec![Outcome::Transient("network_error"); 4];
    outcomes.push(Outcome::RateLimited { retry_after_secs: Some(2) });
    outcomes.push(Outcome::Transient("network_error"));
    let steps = run(&mut poller, outcomes);
    assert_eq!(steps[4], wait(2000));
    assert_eq!(steps[5], wait(1000));
}

#[test]
fn jitter_moves_each_delay_within_its_band() {
    let mut low = Poller::new(None);
    let mut high = Poller::new(None);
    assert_eq!(low.next::<&str>(Outcome::Pending, Jitter::new(0.0)), wait(1125));
    assert_eq!(high.next::<&str>(Outcome::Pending, Jitter::new(0.999_999)), wait(1375));
}

#[test]
fn without_a_time_limit_every_delay_is_slept_in_full() {
    let poller = Poller::new(None);
    assert_eq!(poller.sleep_ms(2000, 1e12), Some(2000));
}

#[test]
fn the_time_limit_cuts_the_last_sleep_short_then_stops() {
    let poller = Poller::new(Some(5000.0));
    assert_eq!(poller.sleep_ms(2000, 0.0), Some(2000));
    assert_eq!(poller.sleep_ms(2000, 4200.0), Some(800), "the last poll is at the limit");
    assert_eq!(poller.sleep_ms(2000, 4999.5), Some(1));
    assert_eq!(poller.sleep_ms(2000, 5000.0), None);
    assert_eq!(poller.sleep_ms(2000, 6000.0), None);
}

#[test]
fn a_zero_time_limit_stops_before_polling_and_nan_means_none() {
    assert_eq!(Poller::new(Some(0.0)).sleep_ms(1000, 0.0), None);
    assert_eq!(Poller::new(Some(f64::NAN)).sleep_ms(1000, 1e9), Some(1000));
}
