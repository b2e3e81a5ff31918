//! Tokens the service issues: the browser's track token and the single-use result token.
//!
//! Both are JWTs signed with HMAC-SHA256 (`alg: HS256`), so standard tooling can read them, but
//! verification is strict: the header must be exactly the one the service emits (no `alg`
//! negotiation, so no `none` or key-confusion attacks), the MAC is checked in constant time before
//! the payload is parsed, and the `kind` claim must be the kind the caller expects. Each kind has
//! its own MAC key derived from the service secret, so a token of one kind can never verify as the
//! other even if the `kind` check were forgotten. Layout: `docs/protocol.md`, section "Tokens".

use alloc::{format, string::String};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::challenge::RequestContext;
use crate::ids::{ActionCode, ChallengeId, IdempotencyKey, TenantId, UserId};
use crate::{Error, UnixMillis};

type HmacSha256 = Hmac<Sha256>;

/// The fixed JWT header, `{"alg":"HS256","typ":"JWT"}`, base64url-encoded.
pub const JWT_HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
/// The longest token accepted, in bytes.
pub const MAX_TOKEN: usize = 4096;
/// The scope that allows a device to enrol for the token's user.
pub const SCOPE_ADD_AUTHENTICATORS: &str = "add:authenticators";

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TokenKind {
    /// Issued by `track` to the backend, handed to the browser: lets it start a push challenge
    /// and poll it (and, with scope `add:authenticators`, enrol a device).
    Track,
    /// Issued when a challenge is approved: the backend validates it once.
    Result,
}

impl TokenKind {
    fn label(self) -> &'static str {
        match self {
            TokenKind::Track => "track",
            TokenKind::Result => "result",
        }
    }
}

/// The claims of a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// What the token is for.
    pub kind: TokenKind,
    /// The tenant.
    pub tid: TenantId,
    /// The user.
    pub sub: UserId,
    /// The action code.
    pub act: ActionCode,
    /// The tracked action's idempotency key.
    pub idem: IdempotencyKey,
    /// Space-separated scopes (may be empty).
    #[serde(default)]
    pub scope: String,
    /// The challenge id, for result tokens and track tokens whose challenge has started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cid: Option<ChallengeId>,
    /// Where the hosted UI returns the browser (track tokens; checked against the allowlist
    /// when the token was issued).
    #[serde(default, rename = "red", skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// The sign-in's context as the backend reported it at `track` (shown on the device).
    #[serde(default, rename = "ctx", skip_serializing_if = "Option::is_none")]
    pub context: Option<RequestContext>,
    /// Issued at, Unix seconds.
    pub iat: u64,
    /// Expires at, Unix seconds (exclusive).
    pub exp: u64,
}

impl Claims {
    /// Fails with [`Error::InsufficientScope`] unless `scope` is one of the token's scopes.
    pub fn require_scope(&self, scope: &str) -> Result<(), Error> {
        if self.scope.split(' ').any(|s| s == scope) {
            Ok(())
        } else {
            Err(Error::InsufficientScope)
        }
    }
}

/// The MAC key for one kind of token: HMAC-SHA256(secret, "pushauth/token-key/v1/" + kind).
fn derive_key(secret: &[u8], kind: TokenKind) -> Result<HmacSha256, Error> {
    if secret.is_empty() {
        return Err(Error::InvalidSecret);
    }
    let mut kdf = HmacSha256::new_from_slice(secret).map_err(|_| Error::InvalidSecret)?;
    kdf.update(b"pushauth/token-key/v1/");
    kdf.update(kind.label().as_bytes());
    let key = kdf.finalize().into_bytes();
    HmacSha256::new_from_slice(&key).map_err(|_| Error::InvalidSecret)
}

/// Issues a token carrying `claims`, MAC'd with the key derived from `secret` for its kind.
pub fn issue(secret: &[u8], claims: &Claims) -> Result<String, Error> {
    let payload = serde_json::to_vec(claims).map_err(|_| Error::MalformedToken)?;
    let signing_input = format!("{JWT_HEADER}.{}", URL_SAFE_NO_PAD.encode(payload));
    let mut mac = derive_key(secret, claims.kind)?;
    mac.update(signing_input.as_bytes());
    let tag = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    Ok(format!("{signing_input}.{tag}"))
}

/// Verifies a token of `kind` at time `now` and returns its claims.
///
/// Order: shape and header ([`Error::MalformedToken`]), MAC in constant time
/// ([`Error::InvalidToken`]), payload and kind ([`Error::MalformedToken`] /
/// [`Error::WrongTokenKind`]), expiry ([`Error::ExpiredToken`]).
pub fn verify(secret: &[u8], kind: TokenKind, token: &str, now: UnixMillis) -> Result<Claims, Error> {
    if token.len() > MAX_TOKEN {
        return Err(Error::MalformedToken);
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(tag), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Error::MalformedToken);
    };
    if header != JWT_HEADER {
        return Err(Error::MalformedToken);
    }
    let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| Error::MalformedToken)?;
    let mut mac = derive_key(secret, kind)?;
    mac.update(header.as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    mac.verify_slice(&tag).map_err(|_| Error::InvalidToken)?;
    let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| Error::MalformedToken)?;
    let claims: Claims = serde_json::from_slice(&payload).map_err(|_| Error::MalformedToken)?;
    if claims.kind != kind {
        return Err(Error::WrongTokenKind);
    }
    if now / 1000 >= claims.exp {
        return Err(Error::ExpiredToken);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
    const NOW: UnixMillis = 1_800_000_000_000;

    fn track_claims() -> Claims {
        Claims {
            kind: TokenKind::Track,
            tid: "acme".parse().unwrap(),
            sub: "alice".parse().unwrap(),
            act: "signIn".parse().unwrap(),
            idem: "k1".parse().unwrap(),
            scope: "".into(),
            cid: None,
            redirect_url: None,
            context: None,
            iat: NOW / 1000,
            exp: NOW / 1000 + 600,
        }
    }

    #[test]
    fn header_constant_is_the_standard_hs256_header() {
        assert_eq!(URL_SAFE_NO_PAD.decode(JWT_HEADER).unwrap(), br#"{"alg":"HS256","typ":"JWT"}"#);
    }

    #[test]
    fn issue_then_verify() {
        let token = issue(SECRET, &track_claims()).unwrap();
        assert_eq!(verify(SECRET, TokenKind::Track, &token, NOW).unwrap(), track_claims());
    }

    #[test]
    fn expiry_is_exclusive() {
        let token = issue(SECRET, &track_claims()).unwrap();
        let exp_ms = track_claims().exp * 1000;
        assert!(verify(SECRET, TokenKind::Track, &token, exp_ms - 1).is_ok());
        assert_eq!(verify(SECRET, TokenKind::Track, &token, exp_ms), Err(Error::ExpiredToken));
    }

    #[test]
    fn kinds_do_not_mix() {
        let token = issue(SECRET, &track_claims()).unwrap();
        // Another kind's key: the MAC fails before the kind is even read.
        assert_eq!(verify(SECRET, TokenKind::Result, &token, NOW), Err(Error::InvalidToken));
    }

    #[test]
    fn tampering_is_detected() {
        let token = issue(SECRET, &track_claims()).unwrap();
        let (signing_input, tag) = token.rsplit_once('.').unwrap();
        let (_, payload) = signing_input.split_once('.').unwrap();
        let mut forged = track_claims();
        forged.sub = "mallory".parse().unwrap();
        let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
        let cases = [
            format!("{JWT_HEADER}.{forged_payload}.{tag}"),
            format!("{}.{payload}.{tag}", URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#)),
            format!("{JWT_HEADER}.{payload}."),
            signing_input.to_string(),
            format!("{token}.x"),
            String::new(),
            "a".repeat(MAX_TOKEN + 1),
        ];
        for case in &cases {
            assert!(verify(SECRET, TokenKind::Track, case, NOW).is_err(), "{case}");
        }
        assert_eq!(verify(SECRET, TokenKind::Track, &cases[0], NOW), Err(Error::InvalidToken));
        assert_eq!(verify(b"another secret", TokenKind::Track, &token, NOW), Err(Error::InvalidToken));
    }

    #[test]
    fn scopes() {
        let mut c = track_claims();
        assert_eq!(c.require_scope(SCOPE_ADD_AUTHENTICATORS), Err(Error::InsufficientScope));
        c.scope = "read:authenticators add:authenticators".into();
        assert!(c.require_scope(SCOPE_ADD_AUTHENTICATORS).is_ok());
        c.scope = "add:authenticatorsX".into();
        assert!(c.require_scope(SCOPE_ADD_AUTHENTICATORS).is_err());
    }

    #[test]
    fn empty_secret_is_refused() {
        assert_eq!(issue(b"", &track_claims()), Err(Error::InvalidSecret));
    }

    proptest! {
        #[test]
        fn verify_never_panics(text in ".{0,300}") {
            let _ = verify(SECRET, TokenKind::Track, &text, NOW);
        }
    }
}
