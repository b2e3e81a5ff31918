//! The storage budget of a successful login. KV writes are the scarce resource (free plan: 1,000
//! a day; $5 per million), so a sign-in writes none: its live state is in the user's Durable
//! Object, whose storage writes are counted apart (free plan: 100,000 rows a day).
#![cfg(not(target_arch = "wasm32"))]

use pushauth_worker::testkit::login_flow_counts;

#[test]
fn a_login_writes_no_kv_and_at_most_five_object_rows() {
    for warm in [false, true] {
        let steps = login_flow_counts(warm).expect("the login flow succeeds");
        let kv_writes: u32 = steps.iter().map(|s| s.writes).sum();
        let object_writes: u32 = steps.iter().map(|s| s.object_writes).sum();
        let object_requests: u32 = steps.iter().map(|s| s.object_requests).sum();
        assert_eq!(kv_writes, 0, "{steps:?}");
        assert!(object_writes <= 5, "{steps:?}");
        // Every step is about the user, so each reaches the user's object exactly once.
        assert_eq!(object_requests as usize, steps.len(), "{steps:?}");
        // track is stateless: it writes nothing.
        assert_eq!(steps[0].object_writes, 0, "{steps:?}");
    }
    // Warm isolates read only what is not cached: the device's routing record.
    let warm = login_flow_counts(true).expect("the login flow succeeds");
    assert!(warm.iter().map(|s| s.reads).sum::<u32>() <= 2, "{warm:?}");
}
