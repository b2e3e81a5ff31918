//! Signature verification: a signature text (first line) over a message (the rest), checked
//! against every key of `keys.json` (seeded with every message the vectors sign, with each of its
//! signatures). Properties: a signature verifies only over exactly the bytes its key signed in
//! the vectors (nothing else can verify without the private key), checked through the
//! [`SignatureCheck`] the Worker hands to WebCrypto; and a signature made here
//! over the fuzzed message verifies, but not over the message with one byte changed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pushauth_core::signature::{DeviceSignature, DeviceSigningKey, SignatureCheck};
use pushauth_fuzz::{lines, vectors};

fuzz_target!(|data: &[u8]| {
    let Some((fields, message)) = lines(data, 1) else { return };
    let v = vectors();
    if let Ok(signature) = DeviceSignature::parse(fields[0]) {
        for key in &v.keys {
            let check = SignatureCheck::new(key, message.to_vec(), &signature);
            assert_eq!(DeviceSignature::from_bytes(&check.raw_signature()).as_ref(), Ok(&signature));
            assert_eq!(check.message(), message);
            let verdict = check.verify();
            if verdict.is_ok() {
                let id = key.key_id();
                assert!(
                    v.signed.iter().any(|s| s.key_id == id.as_str() && s.message == message),
                    "a signature verified over bytes its key never signed: {message:02x?}"
                );
            }
        }
    }
    // A fresh signature by a key of our own: it verifies, and not over a changed message.
    let Some(signer) = DeviceSigningKey::from_bytes(&[0x5a; 32]) else { return };
    let signature = signer.sign(message);
    let key = signer.public_key();
    assert_eq!(key.verify(message, &signature), Ok(()));
    if let Some((&last, head)) = message.split_last() {
        let changed = [head, &[last ^ 1]].concat();
        assert!(key.verify(&changed, &signature).is_err(), "verified over a changed message");
    }
    if message.is_empty() {
        assert!(key.verify(b"x", &signature).is_err(), "verified over a longer message");
    }
});
