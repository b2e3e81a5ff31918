//! Device signatures in every encoding: bytes (DER or 64-byte `r‖s`) and their base64 /
//! base64url text (seeded with the vectors' signatures, decoded and as text).
//!
//! Properties: the core accepts exactly what `p256`'s own `Signature::from_der` / `from_slice`
//! accept, and holds the same value in low-S form; an accepted DER signature is byte for byte its
//! strict re-encoding (no BER leniency); its DER is never 64 bytes (the length read as `r‖s`),
//! and both encodings of the parsed signature parse back to it;
//! the text form is accepted exactly when the `base64` crate's strict engines decode it to an
//! accepted signature.
#![no_main]

use libfuzzer_sys::fuzz_target;
use p256::ecdsa::Signature;
use pushauth_core::signature::DeviceSignature;
use pushauth_fuzz::reference_b64;

fn check_bytes(data: &[u8]) {
    let core = DeviceSignature::from_bytes(data);
    let reference = if data.len() == 64 { Signature::from_slice(data) } else { Signature::from_der(data) };
    match (core, reference) {
        (Ok(signature), Ok(reference)) => {
            let low = reference.normalize_s().unwrap_or(reference);
            assert!(low.normalize_s().is_none(), "normalised signature is still high-S");
            assert_eq!(signature.to_raw(), low.to_bytes().to_vec());
            let der = signature.to_der();
            if low.to_der().len() == 64 {
                // 64 bytes read as r‖s: the core writes the high-S twin's longer DER instead.
                assert_ne!(der.len(), 64, "to_der gave 64 bytes");
            } else {
                assert_eq!(der, low.to_der().as_bytes());
            }
            if data.len() != 64 {
                assert_eq!(reference.to_der().as_bytes(), data, "accepted non-canonical DER");
            }
            assert_eq!(DeviceSignature::from_bytes(&signature.to_der()), Ok(signature.clone()));
            assert_eq!(DeviceSignature::from_bytes(&signature.to_raw()), Ok(signature));
        }
        (Err(_), Err(_)) => {}
        (core, reference) => panic!("core {core:?} but p256 {reference:?} for {data:02x?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    check_bytes(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let expected = reference_b64(text)
            .filter(|_| text.len() <= 512)
            .and_then(|bytes| DeviceSignature::from_bytes(&bytes).ok());
        assert_eq!(DeviceSignature::parse(text).ok(), expected, "text {text:?}");
    }
});
