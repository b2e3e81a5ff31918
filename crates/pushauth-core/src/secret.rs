//! Shared secrets the service holds: the digest that indexes a tenant's secret, and the
//! administrator's token check.
//!
//! A secret is never stored or compared as itself: the secret → tenant index is keyed by its
//! SHA-256 ([`secret_digest`]), and the admin token is compared digest to digest in constant time
//! ([`admin_token_matches`]).

use alloc::string::String;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::encoding::hex;

/// SHA-256 of `bytes`: the digest under [`secret_digest`] and [`admin_token_matches`], for callers
/// that need the same digest of other bytes.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Lowercase hex SHA-256 of a secret: the key under which a secret is looked up (the Worker's
/// secret → tenant index and its socket tickets), so that storage never holds the secret itself.
pub fn secret_digest(secret: &str) -> String {
    hex(&sha256(secret.as_bytes()))
}

/// Whether `presented` is the admin token `expected`. The SHA-256 digests of both are compared in
/// constant time, so neither the time taken nor an early length check reveals the token's length
/// or a matching prefix. An empty `expected` (admin API disabled) matches nothing.
pub fn admin_token_matches(expected: &str, presented: &str) -> bool {
    let same = sha256(expected.as_bytes()).ct_eq(&sha256(presented.as_bytes()));
    !expected.is_empty() && bool::from(same)
}

#[cfg(test)]
mod tests;
