//! The storage budget of a successful login. KV writes are the scarce resource (free plan: 1,000
//! a day; $5 per million), so a sign-in writes none: its live state is in the user's Durable
//! Object, whose rows written are counted apart (free plan: 100,000 a day), and counted whole:
//! every put and delete, each `setAlarm` (billed as a row written), and what the object's alarm
//! writes and deletes over the rest of the login's life (`docs/storage.md`).
#![cfg(not(target_arch = "wasm32"))]

use pushauth_worker::testkit::{login_flow_counts, ALARMS_STEP};

#[test]
fn a_login_writes_no_kv_and_at_most_nine_object_rows_over_its_life() {
    for warm in [false, true] {
        let steps = login_flow_counts(warm).expect("the login flow succeeds");
        let kv_writes: u32 = steps.iter().map(|s| s.writes).sum();
        let object_writes: u32 = steps.iter().map(|s| s.object_writes).sum();
        assert_eq!(kv_writes, 0, "{steps:?}");
        assert!(object_writes <= 9, "{steps:?}");
        let (requests, alarms) = steps.split_at(steps.len() - 1);
        // Every request is about the user, so each reaches the user's object exactly once.
        assert!(requests.iter().all(|s| s.object_requests == 1), "{steps:?}");
        // The alarm runs later to delete what the login left (the challenge, kept as evidence).
        assert_eq!(alarms[0].step, ALARMS_STEP);
        assert!((1..=2).contains(&alarms[0].object_requests), "{steps:?}");
        assert!(alarms[0].object_writes >= 1, "the challenge's row is deleted in the end: {steps:?}");
        // A challenge's start writes one row: the user record, the challenge embedded in it.
        let start = steps.iter().find(|s| s.step == "push.challenge").expect("a start step");
        assert_eq!(start.object_writes, 1, "{steps:?}");
        // A signed device fetch writes one row (its device's replay guard), and nothing later.
        let fetch = steps.iter().find(|s| s.step == "device fetch").expect("a fetch step");
        assert_eq!(fetch.object_writes, 1, "{steps:?}");
    }
    // Warm isolates read nothing from KV: tenants are cached, and the device sends the home hint
    // its enrolment issued instead of having its routing record read.
    let warm = login_flow_counts(true).expect("the login flow succeeds");
    assert_eq!(warm.iter().map(|s| s.reads).sum::<u32>(), 0, "{warm:?}");
}
