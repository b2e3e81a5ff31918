//! Which user a request is about, decided by the front Worker before anything is read or
//! written: every request that touches a user's live state is handled by that user's object
//! (`docs/storage.md`, "Where state lives"), one request at a time, from whichever location it
//! arrived at.
//!
//! Each rule reads only what the request itself carries, or a write-once routing record:
//! - the server API: the caller's tenant (its credentials) and the user in the path, the body
//!   (`request/add`), the result token (`validate`) or the challenge's home record (by id);
//! - the client API: the track token's tenant and user (for a WebSocket, the token it offers as
//!   a subprotocol);
//! - the device API: the device's home hint (`X-PushAuth-Home`, MAC'd by the service at
//!   enrolment), or else its home record in KV, by the key id it signs with (for a WebSocket,
//!   the key id its ticket names; for the Authsignal mobile SDKs' calls, the id of the
//!   `publicKey` they name).
//!
//! The object checks everything again in full (credentials, tokens, signatures, and that the
//! device is still enrolled): routing decides only where, never whether.

use pushauth_core::home_hint::read_home_hint;
use pushauth_core::ids::{ChallengeId, UserId};
use pushauth_core::privakey::AddRequest;
use pushauth_core::signature::KeyId;
use pushauth_core::token::{self, TokenKind};
use pushauth_core::Error;
use serde::Deserialize;

use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::auth::{authenticate_server, track_claims};
use crate::challenge_repo::load_challenge_home;
use crate::homes::load_device_home;
pub use crate::homes::{object_name, DeviceHome};
use crate::http::ApiRequest;
use crate::route_table::Route;
use crate::routes::parse_json;
use crate::sockets;
use crate::store::Store;

/// The header a device sends its home hint in (`pushauth_core::home_hint`).
pub const HOME_HINT_HEADER: &str = "x-pushauth-home";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenOnly {
    token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyIdOnly {
    key_id: String,
}

/// The object that handles `req`, resolved to `route` with its path `params` (the route table's
/// one reading of the path), or `None` for requests that touch no user's state (health, tenants,
/// hosted configuration, the VAPID key, the demo's own routes).
pub async fn object_for<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    route: Route,
    params: &[&str],
) -> Result<Option<String>, ApiError> {
    let name = match (route, params) {
        (
            Route::GetUser
            | Route::UpdateUser
            | Route::DeleteUser
            | Route::QueryUserActions
            | Route::GetAuthenticators
            | Route::UnblockUser,
            [user],
        )
        | (Route::Track | Route::DeleteAuthenticator, [user, _])
        | (Route::GetAction | Route::GetActionEvidence | Route::UpdateAction, [user, _, _]) => {
            let (tenant, _) = authenticate_server(app, req).await?;
            object_name(&tenant.id, &UserId::parse(user)?)
        }
        (Route::ValidateChallenge, []) => {
            let (tenant, _) = authenticate_server(app, req).await?;
            let body: TokenOnly = parse_json(req)?;
            let claims =
                token::verify(app.config.token_secret.as_bytes(), TokenKind::Result, &body.token, app.now)?;
            if claims.tid != tenant.id {
                return Err(Error::InvalidToken.into());
            }
            object_name(&tenant.id, &claims.sub)
        }
        (Route::AddRequest, []) => {
            let (tenant, _) = authenticate_server(app, req).await?;
            let body = crate::routes::privakey::body_object(req)?;
            let request = AddRequest::from_object(&body, &tenant.id)?;
            object_name(&tenant.id, &UserId::parse(&request.spec.user_id)?)
        }
        (
            Route::GetRequest
            | Route::GetRequestDeliveries
            | Route::GetRequestEvidence
            | Route::CancelRequest
            | Route::GetChallengeDeliveries
            | Route::GetChallengeEvidence,
            [id],
        ) => {
            let (tenant, _) = authenticate_server(app, req).await?;
            let id = ChallengeId::parse(id)?;
            let user = load_challenge_home(app.store, &tenant.id, &id).await?;
            let user = user.ok_or_else(|| ApiError::not_found(ErrorCode::RequestNotFound, "request"))?;
            object_name(&tenant.id, &user)
        }
        (Route::ChallengePush | Route::VerifyPush | Route::EnrolDevice, []) => {
            let claims = track_claims(app, req)?;
            object_name(&claims.tid, &claims.sub)
        }
        (Route::ChallengeSocket, []) => {
            let claims = sockets::socket_track_claims(app, req)?;
            object_name(&claims.tid, &claims.sub)
        }
        (Route::DeviceSocket, []) => {
            let (key_id, _) = sockets::offered_ticket(req)?;
            device_object(app, req, &key_id).await?
        }
        (Route::AnswerChallenge, [id]) => {
            ChallengeId::parse(id)?;
            let body: KeyIdOnly = parse_json(req)?;
            device_object(app, req, &KeyId::parse(&body.key_id)?).await?
        }
        (
            Route::GetPendingChallenges
            | Route::IssueSocketTicket
            | Route::UpdateCredential
            | Route::DeleteCredential
            | Route::SubscribeWebPush
            | Route::UnsubscribeWebPush,
            [],
        ) => {
            let key_id = req.header("x-pushauth-key-id").ok_or_else(|| {
                ApiError::unauthorized(
                    "device calls need X-PushAuth-Key-Id, X-PushAuth-Timestamp and X-PushAuth-Signature",
                )
            })?;
            device_object(app, req, &KeyId::parse(key_id)?).await?
        }
        // The admin API's calls about a user or a challenge (`routes/admin_users.rs`).
        (
            Route::AdminGetUser
            | Route::AdminDeleteAuthenticator
            | Route::AdminGetDeliveries
            | Route::AdminRetryDelivery,
            _,
        ) => match crate::routes::admin_users::object_for(app, req, route, params).await {
            Some(name) => name?,
            None => return Ok(None),
        },
        // The Authsignal mobile SDKs' device calls: by the key id of the `publicKey` they name.
        _ => match crate::routes::mobile::routing_key(req, route) {
            Some(key_id) => device_object(app, req, &key_id?).await?,
            None => return Ok(None),
        },
    };
    Ok(Some(name))
}

/// The object of the device `key_id`: the one its home hint names (`X-PushAuth-Home`, issued
/// at enrolment: `pushauth_core::home_hint`), or else the one its `device-home:` record in KV
/// names. A hint that does not verify or names another key is ignored.
async fn device_object<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    key_id: &KeyId,
) -> Result<String, ApiError> {
    let secret = app.config.token_secret.as_bytes();
    if let Some(hint) = req.header(HOME_HINT_HEADER).and_then(|text| read_home_hint(secret, text, key_id)) {
        return Ok(object_name(&hint.tenant_id, &hint.user_id));
    }
    let home: DeviceHome = load_device_home(app.store, key_id).await?.ok_or(Error::InvalidCredential)?;
    Ok(object_name(&home.tenant_id, &home.user_id))
}
