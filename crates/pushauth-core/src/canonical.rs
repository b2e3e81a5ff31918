//! The length-prefixed encoding every signed or hashed message of the protocol uses.
//!
//! A message is a sequence of fields; each field is its length as a 4-byte big-endian unsigned
//! integer followed by its bytes. The first field is always a domain-separation tag such as
//! `pushauth/answer/v1`, so bytes signed for one purpose can never be read as another.
//! No field can spill into the next, whatever bytes it holds. See `docs/protocol.md`.

use alloc::{string::ToString, vec::Vec};

/// Builds a canonical message field by field.
#[derive(Debug, Clone, Default)]
pub struct Canonical {
    bytes: Vec<u8>,
}

impl Canonical {
    /// Starts a message with its domain-separation tag as the first field.
    pub fn new(tag: &str) -> Self {
        let mut message = Canonical { bytes: Vec::with_capacity(256) };
        message.field(tag.as_bytes());
        message
    }

    /// Appends one field: `u32_be(len) || bytes`.
    ///
    /// Fields longer than `u32::MAX` bytes cannot occur: every input is bounded far below that
    /// before it reaches a message, and such a field is cut to stay well formed rather than panic.
    pub fn field(&mut self, bytes: &[u8]) -> &mut Self {
        let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        self.bytes.extend_from_slice(&len.to_be_bytes());
        self.bytes.extend_from_slice(&bytes[..len as usize]);
        self
    }

    /// Appends a UTF-8 string field.
    pub fn str(&mut self, value: &str) -> &mut Self {
        self.field(value.as_bytes())
    }

    /// Appends an unsigned integer as its decimal ASCII digits (no sign, no leading zeros).
    pub fn uint(&mut self, value: u64) -> &mut Self {
        self.str(&value.to_string())
    }

    /// The finished message.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_length_prefixed_big_endian() {
        let mut m = Canonical::new("t");
        m.str("ab").uint(10).field(b"");
        assert_eq!(
            m.into_bytes(),
            [
                0, 0, 0, 1, b't', //
                0, 0, 0, 2, b'a', b'b', //
                0, 0, 0, 2, b'1', b'0', //
                0, 0, 0, 0,
            ]
        );
    }

    #[test]
    fn moving_a_boundary_changes_the_bytes() {
        let mut a = Canonical::new("t");
        a.str("ab").str("c");
        let mut b = Canonical::new("t");
        b.str("a").str("bc");
        assert_ne!(a.into_bytes(), b.into_bytes());
    }
}
