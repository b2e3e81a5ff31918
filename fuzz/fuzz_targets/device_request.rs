//! Signed device requests as the Worker reads them: the `X-PushAuth-Key-Id`,
//! `X-PushAuth-Timestamp` and `X-PushAuth-Signature` headers, the tenant, method, path and body
//! (one per line: tenant, key id, method, path, timestamp, signature, then the body), seeded with
//! `device_requests.json`. Properties: a request verifies only if every signed field is exactly
//! what the vectors' device signed, within the window, and with the key the key id names.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pushauth_core::device_request::{verify_device_request, DeviceRequest, WINDOW_MS};
use pushauth_core::signature::{DeviceSignature, KeyId};
use pushauth_fuzz::{lines, vectors, NOW};

/// The Worker's reading of `X-PushAuth-Timestamp` (`auth.rs`): up to 16 ASCII digits.
fn timestamp(text: &str) -> Option<u64> {
    (text.len() <= 16 && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok()).flatten()
}

fuzz_target!(|data: &[u8]| {
    let Some((f, body)) = lines(data, 6) else { return };
    let (Ok(key_id), Some(timestamp), Ok(signature)) =
        (KeyId::parse(f[1]), timestamp(f[4]), DeviceSignature::parse(f[5]))
    else {
        return;
    };
    let request = DeviceRequest {
        tenant_id: f[0],
        key_id: &key_id,
        method: f[2],
        path_and_query: f[3],
        timestamp,
        body,
    };
    let v = vectors();
    for key in &v.keys {
        if verify_device_request(key, &request, &signature, NOW).is_ok() {
            assert_eq!(&key.key_id(), &key_id);
            assert!(timestamp.abs_diff(NOW) <= WINDOW_MS);
            assert!(
                v.device_requests.iter().any(|c| c.tenant_id == f[0]
                    && c.key_id == key_id.as_str()
                    && c.method == f[2]
                    && c.path_and_query == f[3]
                    && c.timestamp == timestamp
                    && c.body == body),
                "a device request verified that its device never signed: {request:?}"
            );
        }
    }
});
