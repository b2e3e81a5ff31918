//! Identifiers: challenge ids, tenant, user and action names, idempotency keys.

use alloc::{borrow::ToOwned, format, string::String};

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::text::{check_identifier, check_name};
use crate::Error;

/// The longest tenant id, in bytes.
pub const MAX_TENANT_ID: usize = 64;
/// The longest user id (`userId` / `accountId`), in bytes.
pub const MAX_USER_ID: usize = 255;
/// The longest action code, in bytes.
pub const MAX_ACTION: usize = 64;
/// The longest idempotency key, in bytes.
pub const MAX_IDEMPOTENCY_KEY: usize = 128;

/// Checks a tenant id: an identifier without `:`, `@`, `+` or `=`, i.e. `A-Z a-z 0-9 - _ .`,
/// and neither `.` nor `..`.
///
/// Tenant ids are the first segment of store keys such as `user:{tenant}:{user}`; without `:`
/// in tenant ids, no user id of one tenant can make a key of another. They are also a segment of
/// `/admin/tenants/{id}`, where URL parsing removes `.` and `..` (even as `%2E`): a tenant with
/// such an id could be created but never read, rotated or deleted again.
pub fn check_tenant_id(value: &str) -> Result<(), Error> {
    check_identifier("tenantId", value, MAX_TENANT_ID)?;
    let alphabet = value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if alphabet && value != "." && value != ".." {
        Ok(())
    } else {
        Err(Error::InvalidCharacters { field: "tenantId" })
    }
}

/// Checks a user id (`userId` in the Authsignal dialect, `accountId` in the Privakey one): any
/// identity provider's id ([`check_name`]), e.g. `auth0|64f…`.
pub fn check_user_id(value: &str) -> Result<(), Error> {
    check_name("userId", value, MAX_USER_ID)
}

/// Checks an action code such as `signIn` ([`check_name`]).
pub fn check_action(value: &str) -> Result<(), Error> {
    check_name("action", value, MAX_ACTION)
}

/// Checks an idempotency key ([`check_name`]).
pub fn check_idempotency_key(value: &str) -> Result<(), Error> {
    check_name("idempotencyKey", value, MAX_IDEMPOTENCY_KEY)
}

/// A challenge id: a random (version 4) UUID in lowercase hyphenated form, as the peers use for
/// `challengeId` and `guid`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ChallengeId(String);

impl ChallengeId {
    /// Makes an id from 16 random bytes supplied by the caller (the core has no RNG).
    pub fn from_random(mut bytes: [u8; 16]) -> Self {
        bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
        bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
        let hex = crate::encoding::hex(&bytes);
        ChallengeId(format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        ))
    }

    /// Parses an id: exactly 36 characters, lowercase hex in 8-4-4-4-12 groups.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let ok = text.len() == 36
            && text.bytes().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => b == b'-',
                _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
            });
        if ok {
            Ok(ChallengeId(text.to_owned()))
        } else {
            Err(Error::InvalidChallengeId)
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ChallengeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ChallengeId {
    type Error = Error;
    fn try_from(value: String) -> Result<Self, Error> {
        ChallengeId::parse(&value)
    }
}

impl From<ChallengeId> for String {
    fn from(id: ChallengeId) -> String {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tenant_ids_cannot_contain_key_separators() {
        assert!(check_tenant_id("acme-bank_1.eu").is_ok());
        for bad in ["a:b", "a@b", "a+b", "a=b", "a/b", "", ".", ".."] {
            assert!(check_tenant_id(bad).is_err(), "{bad:?}");
        }
        assert_eq!(check_tenant_id(".."), Err(Error::InvalidCharacters { field: "tenantId" }));
        // Dots elsewhere stay allowed.
        for good in ["...", ".a", "a..b", "a."] {
            assert!(check_tenant_id(good).is_ok(), "{good:?}");
        }
        // A user id may contain ':' (e.g. "user:42"): keys stay unambiguous because tenants cannot.
        assert!(check_user_id("user:42").is_ok());
    }

    #[test]
    fn from_random_is_a_v4_uuid() {
        let id = ChallengeId::from_random([0xff; 16]);
        assert_eq!(id.as_str(), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let id = ChallengeId::from_random([0; 16]);
        assert_eq!(id.as_str(), "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn parse_is_strict() {
        assert!(ChallengeId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").is_ok());
        for bad in [
            "",
            "0F8FAD5B-D9CB-469F-A165-70867728950E",
            "0f8fad5bd9cb469fa16570867728950e",
            "0f8fad5b-d9cb-469f-a165-70867728950",
            "0f8fad5b-d9cb-469f-a165-70867728950e0",
            "0f8fad5b_d9cb-469f-a165-70867728950e",
            "{0f8fad5b-d9cb-469f-a165-70867728950e}",
            "../../../../../../../../../../../etc",
        ] {
            assert_eq!(ChallengeId::parse(bad), Err(Error::InvalidChallengeId), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn generated_ids_parse(bytes in any::<[u8; 16]>()) {
            let id = ChallengeId::from_random(bytes);
            prop_assert_eq!(ChallengeId::parse(id.as_str()).unwrap(), id);
        }

        #[test]
        fn parse_never_panics(text in ".{0,40}") {
            let _ = ChallengeId::parse(&text);
        }
    }
}
