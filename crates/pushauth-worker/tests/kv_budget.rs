//! The KV budget of a successful login: at most 4 writes (free plan: 1,000 writes a day).
#![cfg(not(target_arch = "wasm32"))]

use pushauth_worker::testkit::login_flow_counts;

#[test]
fn a_login_writes_kv_at_most_four_times() {
    let steps = login_flow_counts().expect("the login flow succeeds");
    let writes: u32 = steps.iter().map(|s| s.writes).sum();
    let reads: u32 = steps.iter().map(|s| s.reads).sum();
    assert!(writes <= 4, "{steps:?}");
    assert!(reads > 0, "{steps:?}");
    // track is stateless: it writes nothing.
    assert_eq!(steps[0].writes, 0, "{steps:?}");
}
