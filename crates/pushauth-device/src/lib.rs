#![doc = include_str!("../README.md")]

pub mod client;
pub mod key_store;
pub mod link;
pub mod signer;

pub use client::{ClientError, DeviceClient};
pub use key_store::{DeviceIdentity, FileKeyStore, KeyStore};
pub use link::{parse_enrol_link, EnrolLink};
pub use signer::{answer_body, enrolment, request_headers, AnswerBody};

use pushauth_core::signature::DeviceSigningKey;

/// Why a device operation failed.
#[non_exhaustive]
#[derive(Debug)]
pub enum DeviceError {
    /// The operating system's random number generator failed.
    Random(getrandom::Error),
    /// The key file could not be read or written.
    Io(std::io::Error),
    /// The key file is not a pushauth device key.
    BadKeyFile(String),
    /// No key has been created yet.
    NoKey,
}

impl core::fmt::Display for DeviceError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DeviceError::Random(e) => write!(f, "the system random number generator failed: {e}"),
            DeviceError::Io(e) => write!(f, "the key file could not be accessed: {e}"),
            DeviceError::BadKeyFile(why) => write!(f, "the key file is not valid: {why}"),
            DeviceError::NoKey => {
                f.write_str("no device key yet: run `pushauth-device keygen` or `enroll` first")
            }
        }
    }
}

impl std::error::Error for DeviceError {}

impl From<std::io::Error> for DeviceError {
    fn from(e: std::io::Error) -> Self {
        DeviceError::Io(e)
    }
}

/// Generates a fresh P-256 device key from the operating system's RNG.
pub fn generate_key() -> Result<DeviceSigningKey, DeviceError> {
    loop {
        let mut secret = [0u8; 32];
        getrandom::getrandom(&mut secret).map_err(DeviceError::Random)?;
        if let Some(key) = DeviceSigningKey::from_bytes(&secret) {
            return Ok(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_differ_and_sign() {
        let a = generate_key().unwrap();
        let b = generate_key().unwrap();
        assert_ne!(a.public_key(), b.public_key());
        let sig = a.sign(b"hello");
        a.public_key().verify(b"hello", &sig).unwrap();
    }
}
