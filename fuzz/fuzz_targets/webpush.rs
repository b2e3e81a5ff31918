//! Web Push subscriptions as a browser sends them: endpoint, `keys.p256dh` and `keys.auth`, one
//! per line (seeded with real-shaped subscriptions). Properties: an accepted subscription is a
//! fixed point (parsing its stored form gives it back), its keys are stored as base64url of a
//! 65-byte uncompressed point and 16 bytes, its audience is its endpoint's origin, a message can
//! be encrypted to it; and an endpoint allowed without loopback is allowed with it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pushauth_core::encoding::decode_b64;
use pushauth_core::url::origin_of;
use pushauth_core::webpush::{encrypt, PushServiceHosts, Subscription};
use pushauth_fuzz::lines;

fuzz_target!(|data: &[u8]| {
    let Some((f, _)) = lines(data, 3) else { return };
    let (Ok(production), Ok(development)) = (
        PushServiceHosts::new("push.example.net, *.push.example.org", false),
        PushServiceHosts::new("push.example.net, *.push.example.org", true),
    ) else {
        panic!("hosts")
    };
    if production.check(f[0]).is_ok() {
        assert_eq!(development.check(f[0]), Ok(()));
        assert!(f[0].starts_with("https://"), "a non-https endpoint without loopback: {}", f[0]);
    }
    for hosts in [&production, &development] {
        let Ok(sub) = Subscription::parse(f[0], f[1], f[2], hosts) else { continue };
        assert_eq!(Subscription::parse(&sub.endpoint, &sub.p256dh, &sub.auth, hosts).as_ref(), Ok(&sub));
        let point = decode_b64(&sub.p256dh, "p256dh").unwrap_or_default();
        assert!(point.len() == 65 && point[0] == 4 && !sub.p256dh.contains(['=', '+', '/']));
        assert_eq!(decode_b64(&sub.auth, "auth").map(|a| a.len()), Ok(16));
        assert_eq!(sub.audience().ok(), origin_of(f[0]));
        assert!(encrypt(&sub, b"{}", &[1; 32], &[2; 16]).is_ok(), "cannot encrypt to {sub:?}");
    }
});
