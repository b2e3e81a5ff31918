//! Number matching: the sign-in screen shows a short code and the person types it on the device.
//!
//! This defeats push-fatigue attacks: a person who did not start the sign-in does not know the
//! number, so a reflexive tap cannot approve it. The code is bound into the signed answer.

use alloc::{format, string::String};

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::Error;

/// A number-match code of 2 to 6 decimal digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NumberMatchCode(String);

impl NumberMatchCode {
    /// The default number of digits: 3, as in Duo's Verified Push (a blind guess succeeds 1 in 1000).
    pub const DEFAULT_DIGITS: u8 = 3;

    /// Makes a code of `digits` digits from 8 random bytes supplied by the caller.
    ///
    /// The bytes are read as a big-endian `u64` and reduced modulo `10^digits`; the bias of that
    /// reduction is below 2^-40 and of no use to an attacker.
    pub fn generate(random: [u8; 8], digits: u8) -> Result<Self, Error> {
        if !(2..=6).contains(&digits) {
            return Err(Error::InvalidCodeLength);
        }
        let modulus = 10u64.pow(u32::from(digits));
        let value = u64::from_be_bytes(random) % modulus;
        Ok(NumberMatchCode(format!("{value:0width$}", width = usize::from(digits))))
    }

    /// The code as shown to the person.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Compares a typed code with this one in constant time (for equal lengths).
    pub fn matches(&self, typed: &str) -> bool {
        self.0.len() == typed.len() && bool::from(self.0.as_bytes().ct_eq(typed.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_asked_digits_with_leading_zeros() {
        let code = NumberMatchCode::generate([0; 8], 3).unwrap();
        assert_eq!(code.as_str(), "000");
        let code = NumberMatchCode::generate(1234567u64.to_be_bytes(), 6).unwrap();
        assert_eq!(code.as_str(), "234567");
        let code = NumberMatchCode::generate(u64::MAX.to_be_bytes(), 2).unwrap();
        assert_eq!(code.as_str(), "15");
    }

    #[test]
    fn digits_are_bounded() {
        assert_eq!(NumberMatchCode::generate([0; 8], 1), Err(Error::InvalidCodeLength));
        assert_eq!(NumberMatchCode::generate([0; 8], 7), Err(Error::InvalidCodeLength));
    }

    #[test]
    fn matching_is_exact() {
        let code = NumberMatchCode::generate(42u64.to_be_bytes(), 3).unwrap();
        assert!(code.matches("042"));
        assert!(!code.matches("42"));
        assert!(!code.matches("043"));
        assert!(!code.matches("0420"));
        assert!(!code.matches(""));
    }
}
