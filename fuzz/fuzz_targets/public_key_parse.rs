//! Device public keys in every encoding: SPKI DER, SEC1 compressed and uncompressed, and their
//! base64 / base64url text (seeded with `keys.json`, decoded, as text, and as SEC1 points).
//!
//! Properties: the core never accepts a key `p256` rejects (`PublicKey::from_public_key_der` /
//! `from_sec1_bytes`), and accepts every SPKI and every 33- or 65-byte SEC1 point `p256` does;
//! an accepted SPKI is byte for byte a strict encoding of the key (uncompressed or compressed
//! point); the key's SPKI is `p256`'s, parses back to the same key, and so does its base64; the
//! key id is a valid [`KeyId`]; the text form is accepted exactly when the strict base64 engines
//! decode it to an accepted key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::pkcs8::{DecodePublicKey, EncodePublicKey};
use p256::PublicKey;
use pushauth_core::signature::{DevicePublicKey, KeyId};
use pushauth_fuzz::reference_b64;

/// `SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING }` with a 33-byte point.
const SPKI_COMPRESSED_PREFIX: [u8; 26] = [
    0x30, 0x39, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86,
    0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x22, 0x00,
];

fn check_bytes(data: &[u8]) {
    let core = DevicePublicKey::from_bytes(data);
    let reference = match data.first() {
        Some(0x30) => PublicKey::from_public_key_der(data).ok(),
        _ => PublicKey::from_sec1_bytes(data).ok(),
    };
    let documented_form =
        matches!((data.first(), data.len()), (Some(0x30), _) | (Some(0x02 | 0x03), 33) | (Some(0x04), 65));
    match (core, reference) {
        (Ok(key), Some(reference)) => {
            let spki = key.spki_der();
            let reference_spki = reference.to_public_key_der().map(|d| d.as_bytes().to_vec());
            assert_eq!(Ok(spki.clone()), reference_spki.map_err(|_| ()), "SPKI differs from p256's");
            if data.first() == Some(&0x30) {
                let compressed =
                    [&SPKI_COMPRESSED_PREFIX[..], reference.to_encoded_point(true).as_bytes()].concat();
                assert!(data == spki || data == compressed, "accepted non-canonical SPKI {data:02x?}");
            }
            assert_eq!(DevicePublicKey::from_bytes(&spki).as_ref(), Ok(&key));
            assert_eq!(DevicePublicKey::parse(&key.to_base64()).as_ref(), Ok(&key));
            let id = key.key_id();
            assert_eq!(KeyId::parse(id.as_str()), Ok(id));
        }
        (Err(_), Some(_)) => assert!(!documented_form, "rejected a key p256 accepts: {data:02x?}"),
        (Err(_), None) => {}
        (Ok(_), None) => panic!("accepted a key p256 rejects: {data:02x?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    check_bytes(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let expected = reference_b64(text)
            .filter(|_| text.len() <= 512)
            .and_then(|bytes| DevicePublicKey::from_bytes(&bytes).ok());
        assert_eq!(DevicePublicKey::parse(text).ok(), expected, "text {text:?}");
    }
});
