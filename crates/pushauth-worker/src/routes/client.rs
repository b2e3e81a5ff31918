//! The client API a browser calls with the track token (what `@authsignal/browser` 1.16.0
//! sends): start a push challenge, poll it, and enrol a device with an `add:authenticators` token.

use pushauth_core::challenge::{Challenge, ChallengeSpec, Dialect, FailureReason, Status};
use pushauth_core::device::{DeviceCredential, Enrolment};
use pushauth_core::duration::ChallengeDuration;
use pushauth_core::enrolment_proof::enrolment_check;
use pushauth_core::home_hint::{issue_home_hint, HomeHint};
use pushauth_core::number_match::NumberMatchCode;
use pushauth_core::token::{self, Claims, TokenKind, SCOPE_ADD_AUTHENTICATORS};
use pushauth_core::wire::Enrolled;
use pushauth_core::Error;
use serde::{Deserialize, Serialize};

use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::auth::{load_tenant, track_claims};
use crate::challenge_repo::{challenge_in, load_challenge};
use crate::homes::{load_device_home, save_device_home, DeviceHome};
use crate::http::{ApiRequest, ApiResponse};
use crate::records::{load_user, save_device, save_user};
use crate::routes::parse_json;
use crate::signature_verifier;
use crate::store::Store;
use crate::tenants_repo::find_tenant;

/// How long a result token (`accessToken`, hosted UI `?token=`) is valid: 5 minutes.
pub const RESULT_TOKEN_SECS: u64 = 300;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChallengeBody {
    #[serde(default)]
    action: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChallengeResponse<'a> {
    challenge_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    verification_code: Option<&'a str>,
    expires_at: u64,
}

/// `POST /v1/client/challenge/push`: starts (or, for the same track token, returns) a challenge.
pub async fn challenge_push<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let claims = track_claims(app, req)?;
    let body: ChallengeBody = parse_json(req)?;
    if body.action.as_deref().is_some_and(|a| a != claims.act) {
        return Err(ApiError::new(ErrorCode::ActionMismatch, "`action` differs from the tracked action"));
    }
    let tenant = load_tenant(app, &claims.tid).await?;
    let user = load_user(app.store, &tenant.id, &claims.sub).await?;
    if user.devices.is_empty() {
        return Err(ApiError::new(ErrorCode::NoAuthenticator, "this user has no enrolled push device"));
    }
    // The same track token asks again: return the challenge already running.
    if let Some(existing) =
        user.unexpired(app.now).find(|c| c.idempotency_key == claims.idem && c.action == claims.act)
    {
        if let Some(c) = challenge_in(app.store, &tenant.id, &user, &existing.id, app.now).await? {
            if c.status_at(app.now) == Status::Pending {
                return Ok(challenge_response(&c));
            }
        }
    }
    let mut spec = ChallengeSpec::new(Dialect::Authsignal, &tenant.id, &claims.sub, &claims.act);
    spec.idempotency_key = Some(claims.idem.as_str().to_owned());
    spec.content = format!("{}: approve \"{}\"?", tenant.settings.name, claims.act);
    spec.context = claims.context.clone().unwrap_or_default();
    spec.duration = ChallengeDuration::from_secs(tenant.settings.challenge_secs)?;
    spec.show_notification = true;
    if tenant.settings.number_matching {
        spec.number_match_digits = Some(NumberMatchCode::DEFAULT_DIGITS);
    }
    let challenge = crate::challenges::start(app, &tenant, spec, user).await?;
    Ok(challenge_response(&challenge))
}

fn challenge_response(c: &Challenge) -> ApiResponse {
    ApiResponse::json(
        200,
        &ChallengeResponse {
            challenge_id: c.id.as_str(),
            verification_code: c.number_match.as_ref().map(NumberMatchCode::as_str),
            expires_at: c.expires_at,
        },
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerifyBody {
    challenge_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VerifyResponse {
    is_consumed: bool,
    is_verified: bool,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure_reason: Option<FailureReason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_token: Option<String>,
}

/// `POST /v1/client/verify/push`: polls a challenge started with this track token.
///
/// `isConsumed` is true once the challenge is finished (answered, expired, cancelled or failed),
/// so polling clients stop; `isVerified` only when approved, with a single-use `accessToken`.
/// A challenge the service failed (too many wrong number-match codes) reads `denied` with
/// `failureReason: "too_many_attempts"`, so the sign-in page can say why.
pub async fn verify_push<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let claims = track_claims(app, req)?;
    let body: VerifyBody = parse_json(req)?;
    let id = pushauth_core::ids::ChallengeId::parse(&body.challenge_id)?;
    let challenge: Challenge = load_challenge(app.store, &claims.tid, &claims.sub, &id, app.now)
        .await?
        .filter(|c: &Challenge| c.user_id == claims.sub && c.idempotency_key == claims.idem)
        .ok_or_else(|| ApiError::not_found(ErrorCode::ChallengeNotFound, "challenge"))?;
    let status = challenge.status_at(app.now);
    let access_token =
        if status == Status::Approved { Some(result_token(app, &claims, &challenge)?) } else { None };
    Ok(ApiResponse::json(
        200,
        &VerifyResponse {
            is_consumed: status.is_terminal(),
            is_verified: status == Status::Approved,
            status,
            failure_reason: challenge.failure_reason(),
            access_token,
        },
    ))
}

/// Issues the single-use result token for an approved challenge.
pub fn result_token<S: Store>(
    app: &App<'_, S>,
    claims: &Claims,
    challenge: &Challenge,
) -> Result<String, ApiError> {
    let result = Claims {
        kind: TokenKind::Result,
        cid: Some(challenge.id.clone()),
        scope: String::new(),
        redirect_url: None,
        context: None,
        iat: app.now / 1000,
        exp: app.now / 1000 + RESULT_TOKEN_SECS,
        ..claims.clone()
    };
    Ok(token::issue(app.config.token_secret.as_bytes(), &result)?)
}

/// `POST /v1/client/user-authenticators/push`: enrols a device key for the token's user.
/// Needs a track token with scope `add:authenticators`, and the key's proof of possession over
/// that token ([`pushauth_core::enrolment_proof`]), checked before anything looks the key up:
/// who does not hold the key learns nothing about its enrolment.
pub async fn enrol<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let claims = track_claims(app, req)?;
    claims.require_scope(SCOPE_ADD_AUTHENTICATORS)?;
    let body: Enrolment = parse_json(req)?;
    // The fields' own checks first (they say nothing about the key's enrolment), then the proof.
    DeviceCredential::enrol(&body, &claims.tid, &claims.sub, app.now)?;
    // `track_claims` read the token from this header.
    let token = req.header("authorization").and_then(|h| h.strip_prefix("Bearer ")).unwrap_or_default();
    signature_verifier::verify(&enrolment_check(&body, token)?).await?;
    let credential = enrol_credential(app, &claims, &body).await?;
    let hint = HomeHint {
        tenant_id: credential.tenant_id.clone(),
        user_id: credential.user_id.clone(),
        key_id: credential.key_id.clone(),
    };
    let home = issue_home_hint(app.config.token_secret.as_bytes(), &hint)?;
    Ok(ApiResponse::json(
        201,
        &Enrolled {
            user_authenticator_id: credential.key_id.to_string(),
            key_id: credential.key_id.to_string(),
            user_id: credential.user_id.to_string(),
            tenant_id: credential.tenant_id.to_string(),
            home: Some(home),
        },
    ))
}

/// Enrols `body`'s key for the user of `claims`, a track token that must have the scope
/// `add:authenticators`: the one enrolment of every device protocol (ours, and the Authsignal
/// mobile SDKs', `routes/mobile.rs`). Writes the routing record, the credential and the user's
/// device list; enrolling a key again for the same user is idempotent.
pub async fn enrol_credential<S: Store>(
    app: &App<'_, S>,
    claims: &Claims,
    body: &Enrolment,
) -> Result<DeviceCredential, ApiError> {
    claims.require_scope(SCOPE_ADD_AUTHENTICATORS)?;
    let tenant = load_tenant(app, &claims.tid).await?;
    let credential = DeviceCredential::enrol(body, &tenant.id, &claims.sub, app.now)?;
    let home = DeviceHome {
        tenant_id: credential.tenant_id.clone(),
        user_id: credential.user_id.clone(),
        tenant_created_at: Some(tenant.created_at),
    };
    if let Some(existing) = load_device_home(app.store, &credential.key_id).await? {
        if !existing.same_user(&home) {
            // A home left by a deleted tenant (or an earlier creation of one) does not hold the key.
            let current = find_tenant(app.store, &existing.tenant_id).await?;
            if !existing.is_stale(current.map(|t| t.created_at)) {
                return Err(ApiError::new(
                    ErrorCode::KeyAlreadyEnrolled,
                    "this key is enrolled for another user",
                ));
            }
        }
    }
    let mut user = load_user(app.store, &tenant.id, &claims.sub).await?;
    let new = !user.devices.contains(&credential.key_id);
    if new {
        user.devices.push(credential.key_id.clone());
    }
    if user.devices.len() > 10 {
        return Err(Error::FieldTooLong { field: "devices", max: 10 }.into());
    }
    // The routing record first: a device the object lists is always reachable.
    save_device_home(app.store, &credential.key_id, &home).await?;
    save_device(app.store, &credential).await?;
    save_user(app.store, &tenant.id, &claims.sub, &user).await?;
    if new {
        crate::account_events::authenticator_event(
            app,
            &tenant,
            &credential,
            crate::account_events::AUTHENTICATOR_CREATED,
        );
    }
    Ok(credential)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HostedConfig<'a> {
    tenant_name: &'a str,
    user_id: &'a str,
    action: &'a str,
    redirect_url: Option<&'a str>,
    popup_origins: Vec<String>,
    number_matching: bool,
}

/// `GET /v1/client/hosted`: what the hosted UI shows for a track token, and the origins it may
/// post its result to in popup or window mode (the tenant's allowed origins and the redirect
/// URL's origin; `postMessage` drops a message whose target origin is not the opener's).
pub async fn hosted_config<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let claims = track_claims(app, req)?;
    let tenant = load_tenant(app, &claims.tid).await?;
    let mut popup_origins = tenant.settings.allowed_origins.clone();
    if let Some(origin) = claims.redirect_url.as_deref().and_then(pushauth_core::url::origin_of) {
        if !popup_origins.contains(&origin) {
            popup_origins.push(origin);
        }
    }
    Ok(ApiResponse::json(
        200,
        &HostedConfig {
            tenant_name: &tenant.settings.name,
            user_id: &claims.sub,
            action: &claims.act,
            redirect_url: claims.redirect_url.as_deref(),
            popup_origins,
            number_matching: tenant.settings.number_matching,
        },
    ))
}
