//! How a tenant's backend authenticates to the server API: HTTP Basic, or an HMAC signature.
//!
//! **Basic.** `Authorization: Basic base64(user ":" password)`. Two forms are accepted:
//! `secret:` (empty password), as `@authsignal/node` sends its `apiSecretKey`; and
//! `tenantId:secret`, the usual form for a request origin's id and secret.
//!
//! **HMAC.** `Authorization: PUSHAUTH-HMAC-SHA256 tenant=<id>,ts=<unix seconds>,sig=<base64>` where
//! `sig` is HMAC-SHA256 with the tenant's secret over the canonical message of
//! [`hmac_message`]. The timestamp must lie within ±[`HMAC_SKEW_SECS`] of the server's clock.
//!
//! **Privakey CX HMAC.** `Authorization: CX1-HMAC-SHA256,<origin GUID>/<ms>,<base64>`, parsed
//! here and verified by [`crate::cx1_hmac`].

pub mod cx1_hmac;

use alloc::{borrow::ToOwned, string::String, vec::Vec};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::canonical::Canonical;
use crate::encoding::{b64url, decode_b64};
use crate::{Error, UnixMillis};
use cx1_hmac::{is_cx1, parse_cx1, Cx1Credential};

type HmacSha256 = Hmac<Sha256>;

/// The domain-separation tag of the server HMAC message.
pub const HMAC_TAG: &str = "pushauth/server-hmac/v1";
/// The `Authorization` scheme of HMAC-authenticated requests.
pub const HMAC_SCHEME: &str = "PUSHAUTH-HMAC-SHA256";
/// The largest accepted difference between the request's timestamp and the server's clock.
pub const HMAC_SKEW_SECS: u64 = 300;

/// Credentials taken from an `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub enum ServerCredential {
    /// Basic with the secret alone (tenant found from the secret).
    SecretOnly {
        /// The presented secret.
        secret: String,
    },
    /// Basic with a tenant id and its secret.
    TenantAndSecret {
        /// The tenant id.
        tenant_id: String,
        /// The presented secret.
        secret: String,
    },
    /// An HMAC-signed request.
    Hmac {
        /// The tenant id.
        tenant_id: String,
        /// The request's timestamp, Unix seconds.
        timestamp: u64,
        /// The presented MAC.
        mac: Vec<u8>,
    },
    /// A Privakey CX `CX1-HMAC-SHA256` signed request ([`crate::cx1_hmac`]).
    Cx1Hmac(Cx1Credential),
}

impl core::fmt::Debug for ServerCredential {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ServerCredential::SecretOnly { .. } => f.write_str("SecretOnly([redacted])"),
            ServerCredential::TenantAndSecret { tenant_id, .. } => {
                write!(f, "TenantAndSecret({tenant_id}, [redacted])")
            }
            ServerCredential::Hmac { tenant_id, timestamp, .. } => {
                write!(f, "Hmac({tenant_id}, {timestamp})")
            }
            ServerCredential::Cx1Hmac(credential) => credential.fmt(f),
        }
    }
}

/// Parses an `Authorization` header value into server credentials.
pub fn parse_authorization(header: &str) -> Result<ServerCredential, Error> {
    if header.len() > 2048 {
        return Err(Error::InvalidCredential);
    }
    if is_cx1(header) {
        return parse_cx1(header).map(ServerCredential::Cx1Hmac);
    }
    let (scheme, rest) = header.split_once(' ').ok_or(Error::InvalidCredential)?;
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = STANDARD.decode(rest.trim()).map_err(|_| Error::InvalidCredential)?;
        let text = String::from_utf8(decoded).map_err(|_| Error::InvalidCredential)?;
        let (user, password) = text.split_once(':').ok_or(Error::InvalidCredential)?;
        if user.is_empty() {
            return Err(Error::InvalidCredential);
        }
        return Ok(if password.is_empty() {
            ServerCredential::SecretOnly { secret: user.to_owned() }
        } else {
            ServerCredential::TenantAndSecret { tenant_id: user.to_owned(), secret: password.to_owned() }
        });
    }
    if scheme == HMAC_SCHEME {
        let (mut tenant, mut ts, mut sig) = (None, None, None);
        for item in rest.split(',') {
            match item.trim().split_once('=') {
                Some(("tenant", v)) if tenant.is_none() => tenant = Some(v),
                Some(("ts", v)) if ts.is_none() => ts = Some(v),
                Some(("sig", v)) if sig.is_none() => sig = Some(v),
                _ => return Err(Error::InvalidCredential),
            }
        }
        let (Some(tenant), Some(ts), Some(sig)) = (tenant, ts, sig) else {
            return Err(Error::InvalidCredential);
        };
        if ts.is_empty() || ts.len() > 12 || !ts.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::InvalidCredential);
        }
        return Ok(ServerCredential::Hmac {
            tenant_id: tenant.to_owned(),
            timestamp: ts.parse().map_err(|_| Error::InvalidCredential)?,
            mac: decode_b64(sig, "sig").map_err(|_| Error::InvalidCredential)?,
        });
    }
    Err(Error::InvalidCredential)
}

/// The bytes an HMAC-authenticated request signs: tag, tenant id, uppercase method, path and
/// query as sent, timestamp (decimal seconds), base64url SHA-256 of the body.
pub fn hmac_message(
    tenant_id: &str,
    method: &str,
    path_and_query: &str,
    timestamp: u64,
    body: &[u8],
) -> Vec<u8> {
    let mut m = Canonical::new(HMAC_TAG);
    m.str(tenant_id).str(method).str(path_and_query).uint(timestamp).str(&b64url(&Sha256::digest(body)));
    m.into_bytes()
}

/// Computes the HMAC a client sends (base64) for a request.
pub fn hmac_sign(secret: &str, message: &[u8]) -> Result<String, Error> {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).map_err(|_| Error::InvalidSecret)?;
    mac.update(message);
    Ok(STANDARD.encode(mac.finalize().into_bytes()))
}

/// Verifies an HMAC-authenticated request against one secret: the timestamp within the skew, then
/// the MAC in constant time.
pub fn hmac_verify(
    secret: &str,
    message: &[u8],
    timestamp: u64,
    presented: &[u8],
    now: UnixMillis,
) -> Result<(), Error> {
    if timestamp.abs_diff(now / 1000) > HMAC_SKEW_SECS {
        return Err(Error::TimestampOutOfWindow);
    }
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).map_err(|_| Error::InvalidSecret)?;
    mac.update(message);
    mac.verify_slice(presented).map_err(|_| Error::InvalidCredential)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: UnixMillis = 1_800_000_000_000;

    #[test]
    fn basic_forms() {
        let secret_only = format!("Basic {}", STANDARD.encode("sk_abc:"));
        assert_eq!(
            parse_authorization(&secret_only).unwrap(),
            ServerCredential::SecretOnly { secret: "sk_abc".into() }
        );
        let pair = format!("basic {}", STANDARD.encode("acme:sk_abc:def"));
        assert_eq!(
            parse_authorization(&pair).unwrap(),
            ServerCredential::TenantAndSecret { tenant_id: "acme".into(), secret: "sk_abc:def".into() }
        );
        for bad in [
            "",
            "Basic",
            "Basic !!!",
            &format!("Basic {}", STANDARD.encode("nocolon")),
            &format!("Basic {}", STANDARD.encode(":pw")),
            "Bearer x",
        ] {
            assert_eq!(parse_authorization(bad), Err(Error::InvalidCredential), "{bad}");
        }
    }

    #[test]
    fn hmac_roundtrip_and_each_part_bound() {
        let secret = "sk_test_0123456789abcdef0123";
        let ts = NOW / 1000;
        let m = hmac_message("acme", "POST", "/request/add", ts, b"{}");
        let sig = hmac_sign(secret, &m).unwrap();
        let header = format!("{HMAC_SCHEME} tenant=acme,ts={ts},sig={sig}");
        let ServerCredential::Hmac { tenant_id, timestamp, mac } = parse_authorization(&header).unwrap()
        else {
            panic!("not hmac");
        };
        assert_eq!(tenant_id, "acme");
        hmac_verify(secret, &m, timestamp, &mac, NOW).unwrap();
        for other in [
            hmac_message("acme2", "POST", "/request/add", ts, b"{}"),
            hmac_message("acme", "PUT", "/request/add", ts, b"{}"),
            hmac_message("acme", "POST", "/request/add?x", ts, b"{}"),
            hmac_message("acme", "POST", "/request/add", ts + 1, b"{}"),
            hmac_message("acme", "POST", "/request/add", ts, b"{ }"),
        ] {
            assert_eq!(hmac_verify(secret, &other, timestamp, &mac, NOW), Err(Error::InvalidCredential));
        }
        assert_eq!(hmac_verify(secret, &m, timestamp, &mac, NOW + 301_000), Err(Error::TimestampOutOfWindow));
        assert!(hmac_verify(secret, &m, timestamp, &mac, NOW + 300_000).is_ok());
    }

    #[test]
    fn hmac_header_rejections() {
        for bad in [
            format!("{HMAC_SCHEME} tenant=a,ts=1"),
            format!("{HMAC_SCHEME} tenant=a,ts=x,sig=AAAA"),
            format!("{HMAC_SCHEME} tenant=a,ts=1,sig=AAAA,extra=1"),
            format!("{HMAC_SCHEME} tenant=a,tenant=b,ts=1,sig=AAAA"),
            format!("{HMAC_SCHEME} tenant=a,ts=1,sig=!!"),
        ] {
            assert_eq!(parse_authorization(&bad), Err(Error::InvalidCredential), "{bad}");
        }
    }

    #[test]
    fn debug_never_shows_secrets() {
        let c = ServerCredential::TenantAndSecret { tenant_id: "acme".into(), secret: "sk_secret".into() };
        assert!(!format!("{c:?}").contains("sk_secret"));
    }

    proptest! {
        #[test]
        fn never_panics(text in ".{0,200}") {
            let _ = parse_authorization(&text);
        }
    }
}
