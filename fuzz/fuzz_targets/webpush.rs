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
        // The stored form: its keys as base64url text, which parse and serde both read back.
        let Ok(stored) = serde_json::to_value(&sub) else { panic!("a subscription that cannot be stored") };
        let field = |name: &str| stored.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let (endpoint, p256dh, auth) = (field("endpoint"), field("p256dh"), field("auth"));
        assert_eq!(Subscription::parse(&endpoint, &p256dh, &auth, hosts).as_ref(), Ok(&sub));
        assert_eq!(serde_json::from_value::<Subscription>(stored).ok().as_ref(), Some(&sub));
        assert_eq!(sub.endpoint(), f[0]);
        let point = decode_b64(&p256dh, "p256dh").unwrap_or_default();
        assert!(point.len() == 65 && point[0] == 4 && !p256dh.contains(['=', '+', '/']));
        assert_eq!(decode_b64(&auth, "auth").map(|a| a.len()), Ok(16));
        let Ok((key_point, key_auth)) = sub.keys() else { panic!("the keys of {sub:?}") };
        assert_eq!(
            (key_point.as_slice(), key_auth.as_slice()),
            (point.as_slice(), decode_b64(&auth, "auth").unwrap_or_default().as_slice())
        );
        assert_eq!(sub.audience().ok(), origin_of(f[0]));
        assert!(encrypt(&sub, b"{}", &[1; 32], &[2; 16]).is_ok(), "cannot encrypt to {sub:?}");
    }
});
