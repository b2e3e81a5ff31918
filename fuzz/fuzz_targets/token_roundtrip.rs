//! Tokens from arbitrary claims. Properties: `issue` then `verify` gives the claims back; the
//! other kind never verifies it; and no changed byte, truncation or extension of the token ever
//! verifies.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use pushauth_core::challenge::RequestContext;
use pushauth_core::ids::{ActionCode, ChallengeId, IdempotencyKey, TenantId, UserId};
use pushauth_core::token::{issue, verify, Claims, TokenKind};

/// A [`RequestContext`]'s fields.
#[derive(Debug, Arbitrary)]
struct Context {
    ip_address: Option<String>,
    user_agent: Option<String>,
    location: Option<String>,
    device_id: Option<String>,
}

#[derive(Debug, Arbitrary)]
struct Input {
    result: bool,
    tid: String,
    sub: String,
    act: String,
    idem: String,
    scope: String,
    cid: Option<String>,
    red: Option<String>,
    context: Option<Context>,
    iat: u64,
    exp: u64,
    secret: Vec<u8>,
    flip_at: u16,
    flip: u8,
    cut: u16,
}

fuzz_target!(|input: Input| {
    let kind = if input.result { TokenKind::Result } else { TokenKind::Track };
    // Claims hold only identifiers that parse: arbitrary text that does not is no token's.
    let (Ok(tid), Ok(sub), Ok(act), Ok(idem)) = (
        TenantId::parse(&input.tid),
        UserId::parse(&input.sub),
        ActionCode::parse(&input.act),
        IdempotencyKey::parse(&input.idem),
    ) else {
        return;
    };
    let cid = match input.cid.as_deref().map(ChallengeId::parse) {
        None => None,
        Some(Ok(cid)) => Some(cid),
        Some(Err(_)) => return,
    };
    let claims = Claims {
        kind,
        tid,
        sub,
        act,
        idem,
        scope: input.scope,
        cid,
        redirect_url: input.red,
        context: input.context.map(|c| RequestContext {
            ip_address: c.ip_address,
            user_agent: c.user_agent,
            location: c.location,
            device_id: c.device_id,
        }),
        iat: input.iat,
        exp: input.exp,
    };
    let secret = input.secret;
    let Ok(token) = issue(&secret, &claims) else {
        assert!(secret.is_empty(), "issue failed with a non-empty secret");
        return;
    };
    if claims.exp == 0 {
        assert!(verify(&secret, kind, &token, 0).is_err(), "expired token accepted");
        return;
    }
    let now = (claims.exp - 1).saturating_mul(1000);
    let other = if input.result { TokenKind::Track } else { TokenKind::Result };
    if token.len() <= pushauth_core::token::MAX_TOKEN {
        assert_eq!(verify(&secret, kind, &token, now), Ok(claims.clone()));
    }
    assert!(verify(&secret, other, &token, now).is_err(), "the other kind verified");
    if let Some(expiry) = claims.exp.checked_mul(1000) {
        assert!(verify(&secret, kind, &token, expiry).is_err(), "verified at expiry");
    }

    let mut bytes = token.clone().into_bytes();
    let at = usize::from(input.flip_at) % bytes.len();
    bytes[at] ^= input.flip.max(1);
    if let Ok(mutated) = String::from_utf8(bytes) {
        assert!(verify(&secret, kind, &mutated, now).is_err(), "a changed token verified: {mutated}");
    }
    let cut = usize::from(input.cut) % token.len();
    if let Some(prefix) = token.get(..cut) {
        assert!(verify(&secret, kind, prefix, now).is_err(), "a truncated token verified");
    }
    assert!(verify(&secret, kind, &format!("{token}A"), now).is_err(), "an extended token verified");
});
