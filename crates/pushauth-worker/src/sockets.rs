//! Instant results: WebSockets held by a user's object (`docs/api.md`, "Sockets").
//!
//! A browser waiting for a challenge's result and a web authenticator waiting for challenges
//! each open a WebSocket to the user's object, which accepts it with the hibernation API
//! (`user_object.rs`): an idle socket costs nothing. Whenever a challenge starts or changes
//! state, the object tells the matching sockets `{"type":"changed","challengeId":…}`; the
//! client then makes its usual request (`verify`, the device's pending list), so results and
//! tokens come from one place only. Sockets are a hint: clients that cannot open one, or lose
//! it, poll as before.
//!
//! A browser cannot set `Authorization` on a WebSocket, so credentials travel as a subprotocol
//! the client offers beside [`PROTOCOL`] (not in the URL, which proxies and logs record):
//! - a browser offers `pushauth.token.<track token>` and names the challenge in the query
//!   (`?challengeId=`); the token must be the one that started the challenge;
//! - a device first gets a ticket with a signed `POST /v1/device/ws-ticket` (single use, bound to
//!   its key id, valid [`TICKET_SECS`]) and offers `pushauth.ticket.<ticket>`.
//!
//! This module decides, with no runtime: it authenticates a socket request and says how the
//! object should tag it ([`Admission`]), issues tickets, and records what changed in a request
//! ([`Notice`]) for the object to tell its sockets.

use pushauth_core::challenge::Challenge;
use pushauth_core::encoding::{b64url, percent_decode};
use pushauth_core::ids::ChallengeId;
use pushauth_core::signature::KeyId;
use pushauth_core::token::{self, Claims, TokenKind};
use pushauth_core::wire::SocketTicket;
use pushauth_core::UnixMillis;

pub use crate::after_response::Notice;
use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::auth::signed_device;
use crate::challenge_repo::load_challenge;
use crate::http::{ApiRequest, ApiResponse};
use crate::records::load_device;
use crate::socket_tickets::{save_ticket, take_ticket, Ticket};
use crate::store::Store;

/// The subprotocol every socket speaks; the object's 101 response selects it.
pub const PROTOCOL: &str = "pushauth.v1";
/// The prefix of the subprotocol that carries a browser's track token.
pub const TOKEN_PREFIX: &str = "pushauth.token.";
/// The prefix of the subprotocol that carries a device's ticket.
pub const TICKET_PREFIX: &str = "pushauth.ticket.";
/// How long a device's ticket may be used (once).
pub const TICKET_SECS: u64 = 60;
/// The most sockets one user's object holds at once; more are refused (`429`).
pub const MAX_SOCKETS: usize = 32;
/// The most sockets waiting on one challenge (a page, its hosted UI, a reload or two).
pub const MAX_PER_CHALLENGE: usize = 4;
/// The most sockets of one device (a few open authenticator tabs).
pub const MAX_PER_DEVICE: usize = 4;
/// The tag every device socket carries: each hears about every challenge of its user.
pub const DEVICES_TAG: &str = "devices";

/// The tag of the sockets waiting on a challenge.
pub fn challenge_tag(challenge_id: &str) -> String {
    format!("challenge:{challenge_id}")
}

/// The tag of a device's sockets.
pub fn device_tag(key_id: &str) -> String {
    format!("device:{key_id}")
}

/// The tag of a socket's deadline (Unix ms): the object closes it then.
pub fn deadline_tag(at: UnixMillis) -> String {
    format!("until:{at}")
}

/// The challenge a browser socket's tags name, if it is one.
pub fn tagged_challenge(tags: &[String]) -> Option<&str> {
    tags.iter().find_map(|t| t.strip_prefix("challenge:"))
}

/// The deadline a socket's tags name, if any.
pub fn tagged_deadline(tags: &[String]) -> Option<UnixMillis> {
    tags.iter().find_map(|t| t.strip_prefix("until:")).and_then(|t| t.parse().ok())
}

/// Whether `s` (the router's path segments) is a socket path.
pub fn is_socket_path(s: &[&str]) -> bool {
    matches!(s, ["v1", "client", "push", "ws"] | ["v1", "device", "ws"])
}

/// Whether a request asks to become a WebSocket.
pub fn is_upgrade(req: &ApiRequest) -> bool {
    req.header("upgrade").is_some_and(|v| v.trim().eq_ignore_ascii_case("websocket"))
}

/// The subprotocols a request offers (`Sec-WebSocket-Protocol`, comma-separated).
fn offered(req: &ApiRequest) -> impl Iterator<Item = &str> {
    req.headers
        .iter()
        .filter(|(name, _)| name == "sec-websocket-protocol")
        .flat_map(|(_, value)| value.split(','))
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// The rest of the first offered subprotocol that starts with `prefix`.
fn offered_value<'r>(req: &'r ApiRequest, prefix: &str) -> Option<&'r str> {
    offered(req).find_map(|p| p.strip_prefix(prefix))
}

/// The track token a browser socket request offers, if any.
pub fn offered_token(req: &ApiRequest) -> Option<&str> {
    offered_value(req, TOKEN_PREFIX)
}

/// Verifies the track token a browser socket request offers.
pub fn socket_track_claims<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<Claims, ApiError> {
    let token = offered_token(req).ok_or_else(|| {
        ApiError::new(
            ErrorCode::TokenNotSet,
            "a socket needs the track token as the subprotocol `pushauth.token.<token>`",
        )
    })?;
    Ok(token::verify(app.config.token_secret.as_bytes(), TokenKind::Track, token, app.now)?)
}

/// The key id and secret of the ticket a device socket request offers.
pub fn offered_ticket(req: &ApiRequest) -> Result<(KeyId, &str), ApiError> {
    let invalid = || {
        ApiError::new(
            ErrorCode::InvalidTicket,
            "a device socket needs a fresh ticket as the subprotocol `pushauth.ticket.<ticket>`",
        )
    };
    let ticket = offered_value(req, TICKET_PREFIX).ok_or_else(invalid)?;
    let (key_id, secret) = ticket.split_once('.').ok_or_else(invalid)?;
    let key_id = KeyId::parse(key_id).map_err(|_| invalid())?;
    if secret.len() != 43 || !secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(invalid());
    }
    Ok((key_id, secret))
}

/// What the object does with a socket it is asked to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admission {
    /// The socket's tags: the first one names what it waits on, and [`Admission::limit`] counts
    /// sockets with that tag.
    pub tags: Vec<String>,
    /// The most sockets with the first tag.
    pub limit: usize,
    /// When the object closes the socket (the challenge's expiry), if ever.
    pub deadline: Option<UnixMillis>,
    /// The challenge is already finished: tell the socket at once, then close it.
    pub finished: Option<String>,
}

/// Authenticates a socket request (`is_socket_path`) inside the user's object and says how to
/// hold it. Answers the errors the same calls without a socket would (`401`, `404`…).
pub async fn admit<S: Store>(app: &App<'_, S>, req: &ApiRequest, s: &[&str]) -> Result<Admission, ApiError> {
    if !offered(req).any(|p| p == PROTOCOL) {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "a socket must offer the subprotocol `pushauth.v1`",
        ));
    }
    match s {
        ["v1", "client", "push", "ws"] => admit_browser(app, req).await,
        ["v1", "device", "ws"] => admit_device(app, req).await,
        _ => Err(ApiError::not_found(ErrorCode::RouteNotFound, "route")),
    }
}

/// A value of the query string, percent-decoded.
fn query_value(req: &ApiRequest, name: &str) -> Option<String> {
    req.query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| percent_decode(v, true))
}

async fn admit_browser<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<Admission, ApiError> {
    let claims = socket_track_claims(app, req)?;
    let id = query_value(req, "challengeId")
        .ok_or_else(|| ApiError::new(ErrorCode::FieldRequired, "`challengeId` (in the query) is required"))?;
    let id = ChallengeId::parse(&id)?;
    // As `verify`: only a challenge this token started; any other is "not found".
    let challenge: Challenge = load_challenge(app.store, &claims.tid, &claims.sub, &id, app.now)
        .await?
        .filter(|c: &Challenge| c.user_id == claims.sub && c.idempotency_key == claims.idem)
        .ok_or_else(|| ApiError::not_found(ErrorCode::ChallengeNotFound, "challenge"))?;
    let finished = challenge.status_at(app.now).is_terminal();
    Ok(Admission {
        tags: vec![challenge_tag(id.as_str())],
        limit: MAX_PER_CHALLENGE,
        deadline: Some(challenge.expires_at),
        finished: finished.then(|| id.as_str().to_owned()),
    })
}

async fn admit_device<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<Admission, ApiError> {
    let (key_id, secret) = offered_ticket(req)?;
    // Single use, whatever happens next.
    let issued = take_ticket(app.store, secret).await?;
    if !issued.is_some_and(|t| t.key_id == key_id && app.now < t.expires_at) {
        return Err(ApiError::new(ErrorCode::InvalidTicket, "the ticket is unknown, used or expired"));
    }
    // Removed since the ticket was issued: no socket.
    if load_device(app.store, &key_id).await?.is_none() {
        return Err(pushauth_core::Error::InvalidCredential.into());
    }
    Ok(Admission {
        tags: vec![device_tag(key_id.as_str()), DEVICES_TAG.to_owned()],
        limit: MAX_PER_DEVICE,
        deadline: None,
        finished: None,
    })
}

/// `POST /v1/device/ws-ticket` (signed): a ticket to open one device socket within
/// [`TICKET_SECS`]. Only its SHA-256 is stored, in the user's object, with the key id and the
/// expiry.
pub async fn issue_ticket<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let device = signed_device(app, req).await?;
    let secret = b64url(&app.random_bytes::<32>()?);
    let expires_at = app.now + TICKET_SECS * 1000;
    let ticket = Ticket { key_id: device.key_id.clone(), expires_at };
    save_ticket(app.store, &secret, &ticket, TICKET_SECS).await?;
    Ok(ApiResponse::json(
        200,
        &SocketTicket { ticket: format!("{}.{secret}", device.key_id.as_str()), expires_at },
    ))
}

/// 426 for a socket path asked without `Upgrade: websocket`.
pub fn upgrade_required() -> ApiError {
    ApiError::new(ErrorCode::UpgradeRequired, "this path opens a WebSocket (`Upgrade: websocket`)")
}

impl<S: Store> App<'_, S> {
    /// Records that `challenge` started or changed state, for the object's sockets.
    pub fn notice_challenge(&self, challenge: &Challenge) {
        let finished = challenge.status_at(self.now).is_terminal();
        self.notices.borrow_mut().push(Notice::Challenge { id: challenge.id.as_str().to_owned(), finished });
    }

    /// Records that a device was removed, for the object's sockets.
    pub fn notice_device_removed(&self, key_id: &KeyId) {
        self.notices.borrow_mut().push(Notice::DeviceRemoved { key_id: key_id.as_str().to_owned() });
    }
}

/// The message a socket gets when its challenge (or, for a device, any of its user's
/// challenges) changed: poll now.
pub fn changed_message(challenge_id: &str) -> String {
    serde_json::json!({ "type": "changed", "challengeId": challenge_id }).to_string()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
