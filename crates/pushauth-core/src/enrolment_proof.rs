//! Proof of possession at enrolment: a device enrolling in the pushauth device protocol signs,
//! with the key it enrols, a message binding that key to the enrolment token it presents.
//!
//! Without it, anyone holding an enrolment token (a track token with `add:authenticators`) could
//! name any public key and learn from the answer whether it is enrolled for another user
//! (`409 key_already_enrolled`). With it, the service checks the proof before it looks the key
//! up: who does not hold the key's private half gets `401 invalid_signature`, whether or not the
//! key is enrolled. Byte layout: `docs/protocol.md`, section "Enrolment proof".
//!
//! The Authsignal mobile SDKs' `addCredential` sends no such proof (they cannot sign at
//! enrolment): `docs/threat-model.md` says what remains there.

use alloc::string::String;
use alloc::vec::Vec;

use sha2::{Digest, Sha256};

use crate::canonical::Canonical;
use crate::device::Enrolment;
use crate::encoding::b64url;
use crate::signature::{DevicePublicKey, DeviceSignature, KeyId, SignatureCheck};
use crate::Error;

/// The domain-separation tag of the enrolment proof message.
pub const ENROLMENT_TAG: &str = "pushauth/enrolment/v1";

/// The bytes a device signs to enrol key `key_id` with the enrolment token `token` (the track
/// token exactly as sent after `Bearer `): tag, base64url (no padding) of SHA-256 over the
/// token's ASCII, key id; each length-prefixed.
pub fn enrolment_message(token: &str, key_id: &KeyId) -> Vec<u8> {
    let mut m = Canonical::new(ENROLMENT_TAG);
    m.str(&token_digest(token)).str(key_id.as_str());
    m.into_bytes()
}

/// The token's field of [`enrolment_message`]: base64url (no padding) of SHA-256 over its ASCII.
pub fn token_digest(token: &str) -> String {
    b64url(&Sha256::digest(token.as_bytes()))
}

/// Every rule of the enrolment proof but the signature arithmetic, which the returned check does
/// (or hands to a faster verifier, see [`SignatureCheck`]): the key parses
/// ([`Error::InvalidPublicKey`]), the proof is present ([`Error::FieldRequired`] `proof`) and
/// parses ([`Error::InvalidSignatureEncoding`]). Nothing here depends on whether the key is
/// enrolled, so neither does its answer.
pub fn enrolment_check(enrolment: &Enrolment, token: &str) -> Result<SignatureCheck, Error> {
    let key = DevicePublicKey::parse(&enrolment.public_key)?;
    let proof = enrolment.proof.as_deref().ok_or(Error::FieldRequired { field: "proof" })?;
    let signature = DeviceSignature::parse(proof)?;
    Ok(SignatureCheck::new(&key, enrolment_message(token, &key.key_id()), &signature))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::b64;
    use crate::signature::DeviceSigningKey;

    const TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2ln";

    fn signer(byte: u8) -> DeviceSigningKey {
        DeviceSigningKey::from_bytes(&[byte; 32]).unwrap()
    }

    fn enrolment(key: &DeviceSigningKey, proof: Option<String>) -> Enrolment {
        Enrolment {
            public_key: key.public_key().to_base64(),
            device_name: "phone".into(),
            device_platform: "cli".into(),
            push_token: None,
            proof,
        }
    }

    fn proof_by(key: &DeviceSigningKey, token: &str, key_id: &KeyId) -> String {
        b64(&key.sign(&enrolment_message(token, key_id)).to_der())
    }

    #[test]
    fn the_enrolled_keys_own_proof_over_this_token_holds() {
        let key = signer(0x42);
        let id = key.public_key().key_id();
        let check = enrolment_check(&enrolment(&key, Some(proof_by(&key, TOKEN, &id))), TOKEN).unwrap();
        assert_eq!(check.verify(), Ok(()));
    }

    #[test]
    fn a_proof_by_another_key_or_for_another_token_does_not_hold() {
        let (key, other) = (signer(0x42), signer(0x17));
        let id = key.public_key().key_id();
        let cases = [
            ("another key signed", proof_by(&other, TOKEN, &id)),
            ("signed for another token", proof_by(&key, "another.token.x", &id)),
            ("signed for another key id", proof_by(&key, TOKEN, &other.public_key().key_id())),
        ];
        for (name, proof) in cases {
            let check = enrolment_check(&enrolment(&key, Some(proof)), TOKEN).unwrap();
            assert_eq!(check.verify(), Err(Error::SignatureMismatch), "{name}");
        }
    }

    #[test]
    fn a_missing_or_malformed_proof_is_refused_before_any_arithmetic() {
        let key = signer(0x42);
        let missing = enrolment_check(&enrolment(&key, None), TOKEN).unwrap_err();
        assert_eq!(missing.code(), "field_required");
        let garbage = enrolment_check(&enrolment(&key, Some("not base64!".into())), TOKEN).unwrap_err();
        assert_eq!(garbage.code(), "invalid_signature_encoding");
    }

    #[test]
    fn the_message_is_tag_token_digest_and_key_id() {
        let id = signer(0x42).public_key().key_id();
        let mut expected = Canonical::new("pushauth/enrolment/v1");
        expected.str(&b64url(&Sha256::digest(TOKEN.as_bytes()))).str(id.as_str());
        assert_eq!(enrolment_message(TOKEN, &id), expected.into_bytes());
    }
}
