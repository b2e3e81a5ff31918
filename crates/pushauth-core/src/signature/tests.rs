use super::*;
use proptest::prelude::*;

/// RFC 6979, appendix A.2.5: ECDSA with P-256 and SHA-256. Private key `x`, public key `(Ux, Uy)`.
const RFC6979_X: &str = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
const RFC6979_UX: &str = "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6";
const RFC6979_UY: &str = "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
/// (message, r, s) for SHA-256 from the same appendix.
const RFC6979_SIGS: [(&str, &str, &str); 2] = [
    (
        "sample",
        "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
        "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8",
    ),
    (
        "test",
        "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367",
        "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083",
    ),
];
/// The order n of the P-256 group.
const N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

fn rfc_public_key() -> DevicePublicKey {
    let mut sec1 = vec![0x04];
    sec1.extend(hex::decode(RFC6979_UX).unwrap());
    sec1.extend(hex::decode(RFC6979_UY).unwrap());
    DevicePublicKey::from_bytes(&sec1).unwrap()
}

fn rfc_signing_key() -> DeviceSigningKey {
    let x: [u8; 32] = hex::decode(RFC6979_X).unwrap().try_into().unwrap();
    DeviceSigningKey::from_bytes(&x).unwrap()
}

/// n − s, big-endian, for 32-byte values.
fn negate(s: &[u8]) -> Vec<u8> {
    let n = hex::decode(N).unwrap();
    let mut out = vec![0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = i16::from(n[i]) - i16::from(s[i]) - borrow;
        borrow = i16::from(d < 0);
        if d < 0 {
            d += 256;
        }
        out[i] = d as u8;
    }
    out
}

#[test]
fn rfc6979_known_answers_verify() {
    let key = rfc_public_key();
    for (message, r, s) in RFC6979_SIGS {
        let raw = hex::decode(format!("{r}{s}")).unwrap();
        let sig = DeviceSignature::from_bytes(&raw).unwrap();
        key.verify(message.as_bytes(), &sig).unwrap();
        // The same signature in DER verifies too.
        let der = DeviceSignature::from_bytes(&sig.to_der()).unwrap();
        key.verify(message.as_bytes(), &der).unwrap();
        // And it does not verify another message.
        assert_eq!(key.verify(b"other", &sig), Err(Error::SignatureMismatch));
    }
}

#[test]
fn rfc6979_signing_reproduces_the_known_answers() {
    let signer = rfc_signing_key();
    assert_eq!(signer.public_key(), rfc_public_key());
    for (message, r, s) in RFC6979_SIGS {
        let raw = signer.sign(message.as_bytes()).to_raw();
        assert_eq!(hex::encode(&raw[..32]), r);
        let s = hex::decode(s).unwrap();
        // Signing emits low-S: the RFC's s or n − s, whichever is smaller.
        let low = if s.as_slice() > negate(&s).as_slice() { negate(&s) } else { s };
        assert_eq!(raw[32..], low[..]);
    }
}

#[test]
fn high_s_is_accepted_and_normalised() {
    let key = rfc_public_key();
    let (message, r, s) = RFC6979_SIGS[0]; // this s is high
    let s = hex::decode(s).unwrap();
    let low = negate(&s);
    assert!(s > low);
    let high_sig = DeviceSignature::from_bytes(&[hex::decode(r).unwrap(), s].concat()).unwrap();
    let low_sig = DeviceSignature::from_bytes(&[hex::decode(r).unwrap(), low.clone()].concat()).unwrap();
    assert_eq!(high_sig, low_sig, "both forms normalise to the same low-S value");
    assert_eq!(high_sig.to_raw()[32..], low[..]);
    key.verify(message.as_bytes(), &high_sig).unwrap();
}

#[test]
fn public_key_encodings_agree() {
    let key = rfc_public_key();
    let spki = key.spki_der();
    let from_spki = DevicePublicKey::from_bytes(&spki).unwrap();
    assert_eq!(from_spki, key);
    let compressed = {
        let mut c = vec![if hex::decode(RFC6979_UY).unwrap()[31] & 1 == 1 { 3 } else { 2 }];
        c.extend(hex::decode(RFC6979_UX).unwrap());
        c
    };
    assert_eq!(DevicePublicKey::from_bytes(&compressed).unwrap(), key);
    // Text forms: base64 and base64url, padded or not.
    let b64text = key.to_base64();
    assert_eq!(DevicePublicKey::parse(&b64text).unwrap(), key);
    assert_eq!(DevicePublicKey::parse(&b64url(&spki)).unwrap(), key);
    // The id does not depend on the encoding used at enrolment.
    assert_eq!(DevicePublicKey::from_bytes(&compressed).unwrap().key_id(), key.key_id());
    assert_eq!(key.key_id().as_str().len(), 43);
    assert_eq!(KeyId::parse(key.key_id().as_str()).unwrap(), key.key_id());
}

#[test]
fn bad_public_keys_are_rejected() {
    let key = rfc_public_key();
    let spki = key.spki_der();
    let mut sec1 = vec![0x04];
    sec1.extend(hex::decode(RFC6979_UX).unwrap());
    sec1.extend(hex::decode(RFC6979_UY).unwrap());
    let mut off_curve = sec1.clone();
    off_curve[64] ^= 1;
    let mut wrong_oid = spki.clone();
    // The curve OID's last byte (prime256v1 = ...03 01 07) changed.
    let pos = spki.windows(3).position(|w| w == [0x03, 0x01, 0x07]).unwrap();
    wrong_oid[pos + 2] = 0x08;
    let cases: Vec<Vec<u8>> = vec![
        vec![],
        vec![0x00],
        sec1[..64].to_vec(),        // truncated uncompressed
        sec1[1..].to_vec(),         // raw x‖y without prefix
        off_curve,                  // not on the curve
        [&spki[..], &[0]].concat(), // trailing byte after the DER
        spki[..spki.len() - 1].to_vec(),
        wrong_oid,
        vec![0x04; 65],
        vec![0x00; 33],
    ];
    for bytes in cases {
        assert_eq!(
            DevicePublicKey::from_bytes(&bytes),
            Err(Error::InvalidPublicKey),
            "{}",
            hex::encode(&bytes)
        );
    }
    for text in ["", "not base64!", &"A".repeat(600), "+_AA"] {
        assert_eq!(DevicePublicKey::parse(text), Err(Error::InvalidPublicKey), "{text:?}");
    }
}

#[test]
fn bad_signatures_are_rejected() {
    let (_, r, s) = RFC6979_SIGS[1];
    let raw = hex::decode(format!("{r}{s}")).unwrap();
    let der = DeviceSignature::from_bytes(&raw).unwrap().to_der();
    let n = hex::decode(N).unwrap();
    let mut non_minimal = der.clone();
    // Insert a superfluous leading zero into r: DER must be minimal.
    non_minimal.insert(4, 0);
    non_minimal[1] += 1;
    non_minimal[3] += 1;
    let cases: Vec<Vec<u8>> = vec![
        vec![],
        vec![0; 64],                                // r = s = 0
        [vec![0; 32], raw[32..].to_vec()].concat(), // r = 0
        [n.clone(), raw[32..].to_vec()].concat(),   // r = n (out of range)
        raw[..63].to_vec(),
        [raw.clone(), vec![0]].concat(),
        [der.clone(), vec![0]].concat(), // trailing byte after the DER
        der[..der.len() - 1].to_vec(),
        non_minimal,
    ];
    for bytes in cases {
        assert_eq!(
            DeviceSignature::from_bytes(&bytes),
            Err(Error::InvalidSignatureEncoding),
            "{}",
            hex::encode(&bytes)
        );
    }
    for text in ["", "%%%", &"A".repeat(600)] {
        assert_eq!(DeviceSignature::parse(text), Err(Error::InvalidSignatureEncoding), "{text:?}");
    }
}

#[test]
fn a_signature_from_another_key_does_not_verify() {
    let other = DeviceSigningKey::from_bytes(&[7; 32]).unwrap();
    let sig = other.sign(b"sample");
    assert_eq!(rfc_public_key().verify(b"sample", &sig), Err(Error::SignatureMismatch));
}

#[test]
fn invalid_scalars_make_no_signing_key() {
    assert!(DeviceSigningKey::from_bytes(&[0; 32]).is_none());
    assert!(DeviceSigningKey::from_bytes(&[0xff; 32]).is_none());
}

/// Found by the `signature_parse` fuzz target: a signature whose `s` has seven leading zero bytes.
/// Its strict DER is 64 bytes long (`r` 32 + `s` 26), the length that is always read as `r‖s`, so
/// before the fix `to_der()` gave bytes that parsed back to another signature.
#[test]
fn der_never_takes_the_raw_length_and_always_parses_back() {
    let raw = hex::decode(
        "1a07fbeb2314473e088b2e4838037ce5d4ede67097bf76c75dc0a9215e536300\
         0000000000000084e34abf85720c14f154747220e8d451be677cf612b84ea8db",
    )
    .unwrap();
    let sig = DeviceSignature::from_bytes(&raw).unwrap();
    let der = sig.to_der();
    assert_ne!(der.len(), 64);
    assert_eq!(DeviceSignature::from_bytes(&der).unwrap(), sig);
    assert_eq!(sig.to_raw(), raw);
}

proptest! {
    #[test]
    fn parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..120)) {
        let _ = DevicePublicKey::from_bytes(&bytes);
        let _ = DeviceSignature::from_bytes(&bytes);
    }

    #[test]
    fn text_parsers_never_panic(text in ".{0,200}") {
        let _ = DevicePublicKey::parse(&text);
        let _ = DeviceSignature::parse(&text);
        let _ = KeyId::parse(&text);
    }

    #[test]
    fn sign_then_verify(secret in any::<[u8; 32]>(), message in proptest::collection::vec(any::<u8>(), 0..64)) {
        if let Some(key) = DeviceSigningKey::from_bytes(&secret) {
            let sig = key.sign(&message);
            prop_assert!(key.public_key().verify(&message, &sig).is_ok());
            let reparsed = DeviceSignature::from_bytes(&sig.to_der()).unwrap();
            prop_assert!(key.public_key().verify(&message, &reparsed).is_ok());
        }
    }
}

#[test]
fn key_ids_from_json_are_parsed() {
    let id = rfc_public_key().key_id();
    let json = serde_json::to_string(&id).unwrap();
    assert_eq!(serde_json::from_str::<KeyId>(&json).unwrap(), id);
    for bad in ["\"\"", "\"abc\"", "\"../../../../../../../../../../../../../etc/passwd\""] {
        assert!(serde_json::from_str::<KeyId>(bad).is_err(), "{bad}");
    }
}
