//! The storage budget of a successful login. KV writes are the scarce resource (free plan: 1,000
//! a day; $5 per million), so a sign-in writes none: its live state is in the user's Durable
//! Object, whose storage writes are counted apart (free plan: 100,000 rows a day). Three of its
//! rows are the action log's (`docs/storage.md`): track records the action, the challenge's
//! start and the device's answer update it, so `getAction` and `queryUserActions` tell every
//! step.
#![cfg(not(target_arch = "wasm32"))]

use pushauth_worker::testkit::login_flow_counts;

#[test]
fn a_login_writes_no_kv_and_at_most_eight_object_rows() {
    for warm in [false, true] {
        let steps = login_flow_counts(warm).expect("the login flow succeeds");
        let kv_writes: u32 = steps.iter().map(|s| s.writes).sum();
        let object_writes: u32 = steps.iter().map(|s| s.object_writes).sum();
        let object_requests: u32 = steps.iter().map(|s| s.object_requests).sum();
        assert_eq!(kv_writes, 0, "{steps:?}");
        assert!(object_writes <= 8, "{steps:?}");
        // Every step is about the user, so each reaches the user's object exactly once.
        assert_eq!(object_requests as usize, steps.len(), "{steps:?}");
        // track writes one row: the action, in the user's action log.
        assert_eq!(steps[0].object_writes, 1, "{steps:?}");
    }
    // Warm isolates read only what is not cached: the device's routing record.
    let warm = login_flow_counts(true).expect("the login flow succeeds");
    assert!(warm.iter().map(|s| s.reads).sum::<u32>() <= 2, "{warm:?}");
}
