//! Identifiers: challenge ids, tenant, user and action names, idempotency keys.

use alloc::{borrow::ToOwned, format, string::String};

use core::fmt;
use core::str::FromStr;

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

/// The identifiers whose rules are "a name a customer's systems chose" or a closed alphabet: each
/// can only be built by parsing its text, so a value of the type has passed its rule.
macro_rules! identifier {
    ($(#[$doc:meta])* $name:ident, $rule:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses the identifier's text by its rule.
            pub fn parse(text: &str) -> Result<Self, Error> {
                let rule: fn(&str) -> Result<(), Error> = $rule;
                rule(text)?;
                Ok($name(text.to_owned()))
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl core::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(text: &str) -> Result<Self, Error> {
                $name::parse(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;
            fn try_from(value: String) -> Result<Self, Error> {
                let rule: fn(&str) -> Result<(), Error> = $rule;
                rule(&value)?;
                Ok($name(value))
            }
        }

        impl TryFrom<&str> for $name {
            type Error = Error;
            fn try_from(value: &str) -> Result<Self, Error> {
                $name::parse(value)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    };
}

identifier!(
    /// A tenant id: an identifier without `:`, `@`, `+` or `=`, i.e. `A-Z a-z 0-9 - _ .`, of 1 to
    /// [`MAX_TENANT_ID`] bytes, and neither `.` nor `..`.
    ///
    /// Tenant ids are the first segment of store keys such as `user:{tenant}:{user}`; without `:`
    /// in tenant ids, no user id of one tenant can make a key of another. They are also a segment
    /// of `/admin/tenants/{id}`, where URL parsing removes `.` and `..` (even as `%2E`): a tenant
    /// with such an id could be created but never read, rotated or deleted again.
    TenantId,
    |value| {
        check_identifier("tenantId", value, MAX_TENANT_ID)?;
        let alphabet = value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
        if alphabet && value != "." && value != ".." {
            Ok(())
        } else {
            Err(Error::InvalidCharacters { field: "tenantId" })
        }
    }
);

identifier!(
    /// A user id (`userId` in the Authsignal dialect, `accountId` in the Privakey one): any
    /// identity provider's id ([`check_name`], at most [`MAX_USER_ID`] bytes), e.g. `auth0|64f…`.
    UserId,
    |value| check_name("userId", value, MAX_USER_ID)
);

identifier!(
    /// An action code such as `signIn` ([`check_name`], at most [`MAX_ACTION`] bytes).
    ActionCode,
    |value| check_name("action", value, MAX_ACTION)
);

identifier!(
    /// An idempotency key ([`check_name`], at most [`MAX_IDEMPOTENCY_KEY`] bytes): the backend's
    /// own, or a challenge id when it chose none ([`IdempotencyKey::from`]).
    IdempotencyKey,
    |value| check_name("idempotencyKey", value, MAX_IDEMPOTENCY_KEY)
);

impl From<&ChallengeId> for IdempotencyKey {
    /// A challenge id as an idempotency key: 36 ASCII characters always pass its rule.
    fn from(id: &ChallengeId) -> Self {
        IdempotencyKey(id.as_str().to_owned())
    }
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

impl FromStr for ChallengeId {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        ChallengeId::parse(text)
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
        assert!(TenantId::parse("acme-bank_1.eu").is_ok());
        for bad in ["a:b", "a@b", "a+b", "a=b", "a/b", "", ".", ".."] {
            assert!(TenantId::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(TenantId::parse(".."), Err(Error::InvalidCharacters { field: "tenantId" }));
        // Dots elsewhere stay allowed.
        for good in ["...", ".a", "a..b", "a."] {
            assert!(TenantId::parse(good).is_ok(), "{good:?}");
        }
        // A user id may contain ':' (e.g. "user:42"): keys stay unambiguous because tenants cannot.
        assert!(UserId::parse("user:42").is_ok());
    }

    #[test]
    fn names_keep_their_rules_and_field_names() {
        assert_eq!(UserId::parse(" "), Err(Error::FieldRequired { field: "userId" }));
        assert_eq!(UserId::parse("a\u{7}"), Err(Error::InvalidCharacters { field: "userId" }));
        let long = "x".repeat(MAX_USER_ID + 1);
        assert_eq!(UserId::parse(&long), Err(Error::FieldTooLong { field: "userId", max: MAX_USER_ID }));
        assert_eq!(ActionCode::parse(""), Err(Error::FieldRequired { field: "action" }));
        let long = "x".repeat(MAX_IDEMPOTENCY_KEY + 1);
        assert_eq!(
            IdempotencyKey::parse(&long),
            Err(Error::FieldTooLong { field: "idempotencyKey", max: MAX_IDEMPOTENCY_KEY })
        );
        assert_eq!(TenantId::parse(""), Err(Error::FieldRequired { field: "tenantId" }));
        assert!(UserId::parse("auth0|64f Jane Doe müller").is_ok());
    }

    #[test]
    fn serde_parses_by_the_rule() {
        let id: UserId = serde_json::from_str("\"alice\"").unwrap();
        assert_eq!(id, "alice");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"alice\"");
        assert!(serde_json::from_str::<TenantId>("\"a:b\"").is_err());
        assert!(serde_json::from_str::<ActionCode>("\"\"").is_err());
        assert!(serde_json::from_str::<IdempotencyKey>("\"\\u0000\"").is_err());
        assert_eq!("acme".parse::<TenantId>().unwrap().as_str(), "acme");
    }

    #[test]
    fn a_challenge_id_is_an_idempotency_key() {
        let id = ChallengeId::from_random([7; 16]);
        assert_eq!(IdempotencyKey::from(&id).as_str(), id.as_str());
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
