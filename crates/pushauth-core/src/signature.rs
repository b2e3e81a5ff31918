//! P-256 keys and ECDSA-SHA256 signatures: strict parsing, verification and the high-S policy.
//!
//! # Encodings accepted
//! - Public keys: SPKI DER (`SubjectPublicKeyInfo`, id-ecPublicKey with the prime256v1 curve),
//!   as iOS, Android and WebCrypto `exportKey("spki")` produce; or a SEC1 point, compressed
//!   (33 bytes) or uncompressed (65 bytes), as WebCrypto `exportKey("raw")` produces. Text forms
//!   are base64 or base64url (see [`crate::encoding`]). Points not on the curve and the identity are
//!   rejected.
//! - Signatures: ASN.1 DER (mobile SDKs, OpenSSL), strictly minimal; or exactly 64 bytes `r‖s`
//!   (WebCrypto). Zero or out-of-range scalars are rejected.
//!
//! # High-S policy
//! ECDSA signatures are malleable: if `(r, s)` is valid, so is `(r, n − s)`. WebCrypto, the iOS
//! Secure Enclave and the AndroidKeyStore do not normalise `s`, so about half of their signatures
//! are "high-S"; rejecting them would fail real devices at random. Nothing in pushauth uses a
//! signature's bytes as an identifier or a replay key (replay is stopped by the challenge's state
//! machine and the server nonce), so malleability gives an attacker nothing. Policy: both forms
//! are accepted; a signature is normalised to low-S before verification, and [`DeviceSignature`]
//! only ever holds the low-S form.

use alloc::{borrow::ToOwned, string::String, vec::Vec};

use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::encoding::{b64, b64url, decode_b64};
use crate::Error;

/// DER of `SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (65 bytes) }` up to
/// the uncompressed point: what every P-256 SPKI starts with.
const SPKI_P256_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86,
    0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// The most bytes a public key or signature may take before decoding (base64 text).
const MAX_ENCODED: usize = 512;

/// A device's P-256 public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevicePublicKey(VerifyingKey);

/// The id of a device key: base64url (no padding) of SHA-256 over its SPKI DER encoding.
///
/// The same key always has the same id whatever encoding it was enrolled in. Read from JSON or
/// text, it is parsed ([`KeyId::parse`]): no value of the type is anything but such an id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KeyId(String);

impl KeyId {
    /// The id as text (43 base64url characters).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses a key id as sent in a request: 43 base64url characters.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let ok = text.len() == 43
            && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && decode_b64(text, "keyId").is_ok_and(|bytes| bytes.len() == 32);
        if ok {
            Ok(KeyId(text.to_owned()))
        } else {
            Err(Error::InvalidEncoding { what: "keyId" })
        }
    }
}

impl core::fmt::Display for KeyId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl core::str::FromStr for KeyId {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        KeyId::parse(text)
    }
}

impl TryFrom<String> for KeyId {
    type Error = Error;
    fn try_from(value: String) -> Result<Self, Error> {
        KeyId::parse(&value)
    }
}

impl From<KeyId> for String {
    fn from(id: KeyId) -> String {
        id.0
    }
}

impl DevicePublicKey {
    /// Parses a key from its base64 / base64url text (SPKI DER or SEC1).
    pub fn parse(text: &str) -> Result<Self, Error> {
        if text.len() > MAX_ENCODED {
            return Err(Error::InvalidPublicKey);
        }
        let bytes = decode_b64(text, "publicKey").map_err(|_| Error::InvalidPublicKey)?;
        Self::from_bytes(&bytes)
    }

    /// Parses a key from SPKI DER or SEC1 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let key = match bytes.first() {
            // A DER SEQUENCE: SubjectPublicKeyInfo.
            Some(0x30) => VerifyingKey::from_public_key_der(bytes).ok(),
            // SEC1 compressed (0x02/0x03, 33 bytes) or uncompressed (0x04, 65 bytes).
            Some(0x02 | 0x03) if bytes.len() == 33 => VerifyingKey::from_sec1_bytes(bytes).ok(),
            Some(0x04) if bytes.len() == 65 => VerifyingKey::from_sec1_bytes(bytes).ok(),
            _ => None,
        };
        key.map(DevicePublicKey).ok_or(Error::InvalidPublicKey)
    }

    /// The key as SPKI DER: the fixed P-256 `SubjectPublicKeyInfo` prefix followed by the
    /// uncompressed SEC1 point (91 bytes in all).
    pub fn spki_der(&self) -> Vec<u8> {
        let point = self.0.to_encoded_point(false);
        [&SPKI_P256_PREFIX[..], point.as_bytes()].concat()
    }

    /// The key as standard base64 of its SPKI DER (the form the service stores and returns).
    pub fn to_base64(&self) -> String {
        b64(&self.spki_der())
    }

    /// The key's id.
    pub fn key_id(&self) -> KeyId {
        KeyId(b64url(&Sha256::digest(self.spki_der())))
    }

    /// Verifies an ECDSA-SHA256 signature over `message`.
    pub fn verify(&self, message: &[u8], signature: &DeviceSignature) -> Result<(), Error> {
        self.0.verify(message, &signature.0).map_err(|_| Error::SignatureMismatch)
    }
}

/// An ECDSA P-256 signature, held in low-S form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSignature(Signature);

impl DeviceSignature {
    /// Parses a signature from base64 / base64url text (DER or 64-byte `r‖s`).
    pub fn parse(text: &str) -> Result<Self, Error> {
        if text.len() > MAX_ENCODED {
            return Err(Error::InvalidSignatureEncoding);
        }
        let bytes = decode_b64(text, "signature").map_err(|_| Error::InvalidSignatureEncoding)?;
        Self::from_bytes(&bytes)
    }

    /// Parses a signature from DER or 64-byte `r‖s` bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let signature =
            if bytes.len() == 64 { Signature::from_slice(bytes) } else { Signature::from_der(bytes) }
                .map_err(|_| Error::InvalidSignatureEncoding)?;
        Ok(DeviceSignature(signature.normalize_s().unwrap_or(signature)))
    }

    /// The signature as ASN.1 DER, never 64 bytes long.
    ///
    /// Exactly 64 bytes are always read as `r‖s`, and a strict DER encoding is 64 bytes when `r`
    /// and `s` take 58 bytes between them (leading zero bytes: about 2^-48 of signatures). Then
    /// the high-S twin `(r, n − s)` is encoded instead: its `s` takes 33 bytes, so its DER is
    /// longer, and it parses (and normalises) back to this signature.
    pub fn to_der(&self) -> Vec<u8> {
        let der = self.0.to_der();
        if der.len() != 64 {
            return der.as_bytes().to_vec();
        }
        let (r, s) = self.0.split_scalars();
        match Signature::from_scalars(r, -s) {
            Ok(twin) => twin.to_der().as_bytes().to_vec(),
            Err(_) => der.as_bytes().to_vec(),
        }
    }

    /// The signature as 64 bytes `r‖s`.
    pub fn to_raw(&self) -> Vec<u8> {
        self.0.to_bytes().to_vec()
    }
}

/// A signature check with every policy decision already made by the core: the key was parsed
/// strictly, the signature's encoding accepted and normalised to low-S, and the message is the
/// canonical byte string the rules call for. Only the ECDSA arithmetic is left.
///
/// [`SignatureCheck::verify`] does that arithmetic with the portable reference (`p256`). A host
/// with a faster verifier (the Worker uses the runtime's WebCrypto) runs it on
/// [`spki_der`](Self::spki_der), [`message`](Self::message) and
/// [`raw_signature`](Self::raw_signature) instead and passes its verdict to
/// [`conclude`](Self::conclude); it swaps the arithmetic, never the policy. The two verifiers
/// are held to the same verdicts by a differential test over the vectors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureCheck {
    key: DevicePublicKey,
    message: Vec<u8>,
    signature: DeviceSignature,
}

impl SignatureCheck {
    /// Prepares the check of `signature` by `key` over `message`.
    pub fn new(key: &DevicePublicKey, message: Vec<u8>, signature: &DeviceSignature) -> Self {
        SignatureCheck { key: key.clone(), message, signature: signature.clone() }
    }

    /// The key as SPKI DER (WebCrypto `importKey("spki", …)`).
    pub fn spki_der(&self) -> Vec<u8> {
        self.key.spki_der()
    }

    /// The signed bytes (hashed with SHA-256 by the verifier).
    pub fn message(&self) -> &[u8] {
        &self.message
    }

    /// The signature as 64 bytes `r‖s` in low-S form (WebCrypto's ECDSA format).
    pub fn raw_signature(&self) -> Vec<u8> {
        self.signature.to_raw()
    }

    /// Does the arithmetic with the reference verifier (`p256`).
    pub fn verify(&self) -> Result<(), Error> {
        self.key.verify(&self.message, &self.signature)
    }

    /// Turns another verifier's verdict on this check into the core's result.
    pub fn conclude(&self, arithmetic_holds: bool) -> Result<(), Error> {
        if arithmetic_holds {
            Ok(())
        } else {
            Err(Error::SignatureMismatch)
        }
    }
}

/// A P-256 signing key, for the device side and for generating test vectors.
///
/// The Worker never holds one. Keys are made from bytes the caller draws from its RNG.
#[derive(Clone)]
pub struct DeviceSigningKey(SigningKey);

impl core::fmt::Debug for DeviceSigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DeviceSigningKey(..)")
    }
}

impl DeviceSigningKey {
    /// Makes a key from 32 secret bytes. Returns `None` for the rare byte strings that are not a
    /// valid scalar (zero or ≥ n); draw again then.
    pub fn from_bytes(secret: &[u8; 32]) -> Option<Self> {
        SigningKey::from_slice(secret).ok().map(DeviceSigningKey)
    }

    /// The 32 secret bytes (for storage by the device's key store).
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes().into()
    }

    /// The matching public key.
    pub fn public_key(&self) -> DevicePublicKey {
        DevicePublicKey(*self.0.verifying_key())
    }

    /// Signs `message` with ECDSA-SHA256 (deterministic nonces, RFC 6979), low-S.
    pub fn sign(&self, message: &[u8]) -> DeviceSignature {
        let signature: Signature = self.0.sign(message);
        DeviceSignature(signature.normalize_s().unwrap_or(signature))
    }
}

#[cfg(test)]
mod tests;
