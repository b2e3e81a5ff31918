//! Webhook signature headers as a receiver checks them, with `webhooks.json`'s secrets: one line
//! each for the `X-Signature-V2` header, a `whsec_…` secret, the Standard Webhooks id, timestamp
//! and signature headers, then the body (seeded with the vectors' deliveries).
//! Properties: a delivery verifies only with exactly the body, id and timestamp signed; a secret
//! that parses writes back to one that parses to the same key; and a fresh `v2` header over the
//! fuzzed body verifies, but not over the body with a byte added.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pushauth_core::webhook::{v2_header, verify_v2, StandardSecret, DEFAULT_TOLERANCE_SECS};
use pushauth_fuzz::{lines, vectors};

fuzz_target!(|data: &[u8]| {
    let Some((f, body)) = lines(data, 5) else { return };
    let v = vectors();
    let now = v.webhook_timestamp * 1000;
    let tolerance = DEFAULT_TOLERANCE_SECS;
    if verify_v2(&v.webhook_v2_secret, f[0], body, now, tolerance).is_ok() {
        assert_eq!(body, v.webhook_body, "a v2 signature verified over another body");
    }
    if let Ok(secret) = StandardSecret::parse(f[1]) {
        assert_eq!(StandardSecret::parse(&secret.to_text()), Ok(secret));
    }
    if let Ok(secret) = StandardSecret::parse(&v.webhook_standard_secret) {
        if secret.verify(f[2], f[3], f[4], body, now, tolerance).is_ok() {
            assert_eq!(body, v.webhook_body, "a Standard Webhooks signature verified over another body");
            assert_eq!(f[2], v.webhook_standard_id);
            assert_eq!(f[3].parse::<u64>().ok(), Some(v.webhook_timestamp));
        }
    }
    let Ok(header) = v2_header(&v.webhook_v2_secret, v.webhook_timestamp, body) else {
        panic!("no v2 header")
    };
    assert_eq!(verify_v2(&v.webhook_v2_secret, &header, body, now, tolerance), Ok(()));
    let longer = [body, b" "].concat();
    assert!(verify_v2(&v.webhook_v2_secret, &header, &longer, now, tolerance).is_err());
});
