//! The device side of pushauth: a device key and the signatures it makes.
//!
//! Signing uses exactly the core's canonical bytes, so what this crate signs is what the Worker
//! verifies. Enrolment, key storage and the CLI authenticator build on this.

use pushauth_core::signature::DeviceSigningKey;

/// Why a device operation failed.
#[non_exhaustive]
#[derive(Debug)]
pub enum DeviceError {
    /// The operating system's random number generator failed.
    Random(getrandom::Error),
}

impl core::fmt::Display for DeviceError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DeviceError::Random(e) => write!(f, "the system random number generator failed: {e}"),
        }
    }
}

impl std::error::Error for DeviceError {}

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
