//! The device API of Authsignal's mobile SDKs (`authsignal-ios`, `authsignal-android`,
//! `react-native-authsignal`): their `push` module's calls under
//! `/v1/client/user-authenticators/push…`, served over the same device records and the same
//! answer path as ours (`routes/device.rs`). The rules and the signed bytes are the core's
//! (`pushauth_core::authsignal_mobile`); wire details and what this protocol binds less than
//! ours: `docs/authsignal-mobile.md`.
//!
//! Every call but enrolment names its key by `publicKey` (query or body) and its tenant by
//! `Authorization: Basic base64(tenantId + ":")`; the front routes it to the key's user's object
//! by the key id (`scope.rs`), as our device calls.

use pushauth_core::authsignal_mobile::{
    answer_check, basic_tenant, check_tenant, is_answerable, query_public_key, query_value, removal_checks,
    MobileAnswer, MobileNonce, NoncePurpose,
};
use pushauth_core::challenge::{Challenge, Status};
use pushauth_core::device::{DeviceCredential, Enrolment, MAX_DEVICE_NAME, MAX_PUSH_TOKEN};
use pushauth_core::ids::ChallengeId;
use pushauth_core::signature::{DevicePublicKey, DeviceSignature, KeyId};
use pushauth_core::text::check_text;
use pushauth_core::time::rfc3339;
use pushauth_core::Error;
use serde::{Deserialize, Serialize};

use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::auth::{enrolled_device, track_claims};
use crate::challenge_repo::{challenge_in, load_challenge};
use crate::http::{ApiRequest, ApiResponse};
use crate::records::{load_user, remove_device, save_device};
use crate::route_table::Route;
use crate::routes::client::enrol_credential;
use crate::routes::device::record_checked_answer;
use crate::routes::parse_json;
use crate::signature_verifier;
use crate::single_use_repo::{save_mobile_nonce, take_mobile_nonce};
use crate::store::Store;

/// The header every current release of those SDKs sends (`ios`, `android`, `react-native`…):
/// an enrolment carrying it is answered in their shape (`200`, `verifiedAt`), one without it in
/// ours (`201`). The two bodies are otherwise the same.
pub const SDK_HEADER: &str = "x-authsignal-sdk";

/// The header that carries the signature over the issued message when reading challenges.
pub const SIGNATURE_HEADER: &str = "x-authsignal-signature";

/// Whether an enrolment (`POST /v1/client/user-authenticators/push`) comes from those SDKs.
pub fn is_mobile_enrolment(req: &ApiRequest) -> bool {
    req.header(SDK_HEADER).is_some()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyOnly {
    public_key: String,
}

/// The key a mobile device call (`route`) names, for routing it to its user's object; or
/// `None` when the request is no such call. Enrolment is routed by its track token instead.
pub fn routing_key(req: &ApiRequest, route: Route) -> Option<Result<KeyId, ApiError>> {
    let from_query = || query_key(req).map(|k| k.key_id());
    let from_body = || -> Result<KeyId, ApiError> { Ok(body_key(req)?.key_id()) };
    match route {
        Route::GetMobileCredential
        | Route::IssueMobileUpdateMessage
        | Route::IssueMobileChallengeMessage
        | Route::GetMobileChallenge => Some(from_query()),
        Route::UpdateMobileCredential | Route::RemoveMobileCredential | Route::AnswerMobileChallenge => {
            Some(from_body())
        }
        _ => None,
    }
}

fn query_key(req: &ApiRequest) -> Result<DevicePublicKey, ApiError> {
    let raw = query_value(&req.query, "publicKey").ok_or(Error::FieldRequired { field: "publicKey" })?;
    Ok(query_public_key(raw)?)
}

fn body_key(req: &ApiRequest) -> Result<DevicePublicKey, ApiError> {
    let body: KeyOnly = parse_json(req)?;
    Ok(DevicePublicKey::parse(&body.public_key)?)
}

/// The device a call is from: its key's credential ([`enrolled_device`]: its tenant still
/// exists), enrolled for the tenant its `Authorization` names. Unknown or removed keys, a
/// deleted tenant and another tenant are all `401 invalid_credential`.
async fn device_for<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    key: &DevicePublicKey,
) -> Result<DeviceCredential, ApiError> {
    let tenant = basic_tenant(req.header("authorization"))?;
    let device = enrolled_device(app, &key.key_id()).await?;
    check_tenant(&tenant, &device)?;
    Ok(device)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EnrolBody {
    public_key: String,
    #[serde(default)]
    device_name: String,
    device_platform: String,
    #[serde(default)]
    push_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CredentialResponse<'a> {
    user_authenticator_id: &'a str,
    user_id: &'a str,
    verified_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_verified_at: Option<String>,
}

fn credential_response(device: &DeviceCredential) -> ApiResponse {
    ApiResponse::json(
        200,
        &CredentialResponse {
            user_authenticator_id: device.key_id.as_str(),
            user_id: &device.user_id,
            verified_at: rfc3339(device.created_at),
            last_verified_at: device.last_used_at.map(rfc3339),
        },
    )
}

/// `POST /v1/client/user-authenticators/push` with `X-Authsignal-SDK` (`addCredential`): our
/// enrolment ([`enrol_credential`]) answered as those SDKs expect: `200 { userAuthenticatorId,
/// userId, verifiedAt }`. Their `performAttestation` is not verified (and not needed: with it
/// set, the SDKs first call `POST /v1/client/challenge`, which is not served, and stop).
pub async fn enrol<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let claims = track_claims(app, req)?;
    claims.require_scope(pushauth_core::token::SCOPE_ADD_AUTHENTICATORS)?;
    let body: EnrolBody = parse_json(req)?;
    // The SDKs send the phone's own name, which the person set and the app cannot shorten:
    // kept to our bound at a character boundary. Android sends an empty one when it cannot
    // read it.
    let mut device_name = if body.device_name.is_empty() {
        format!("{} device", body.device_platform)
    } else {
        body.device_name
    };
    while device_name.len() > MAX_DEVICE_NAME {
        device_name.pop();
    }
    let enrolment = Enrolment {
        public_key: body.public_key,
        device_name,
        device_platform: body.device_platform,
        push_token: body.push_token,
        proof: None,
    };
    let credential = enrol_credential(app, &claims, &enrolment).await?;
    Ok(credential_response(&credential))
}

/// `GET /v1/client/user-authenticators/push?publicKey=` (`getCredential`): the credential of a
/// key. Unsigned in this protocol: anyone holding the public key and the tenant id learns the
/// user id and the enrolment date (`docs/authsignal-mobile.md`).
pub async fn credential<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let key = query_key(req)?;
    let device = device_for(app, req, &key).await?;
    Ok(credential_response(&device))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NonceResponse<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    challenge_id: Option<&'a str>,
    message: &'a str,
}

/// `POST …/push/challenge/sign?publicKey=` (read challenges) and `POST …/push/sign?publicKey=`
/// (update the credential): issues a single-use message for the key to sign, replacing any
/// earlier one of the same purpose. `{ message }`, and for an update `{ challengeId, message }`.
pub async fn issue_message<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    purpose: NoncePurpose,
) -> Result<ApiResponse, ApiError> {
    let key = query_key(req)?;
    let device = device_for(app, req, &key).await?;
    let nonce = MobileNonce::issue(purpose, &device.tenant_id, &device.key_id, &app.random_bytes()?, app.now);
    save_mobile_nonce(app.store, &device.key_id, purpose, &nonce).await?;
    let challenge_id = (purpose == NoncePurpose::UpdateCredential).then_some(nonce.id.as_str());
    Ok(ApiResponse::json(200, &NonceResponse { challenge_id, message: &nonce.message }))
}

/// Takes the key's outstanding message for `purpose` (deleting it, whatever comes next) and
/// checks `signature` over it.
async fn redeem<S: Store>(
    app: &App<'_, S>,
    device: &DeviceCredential,
    key: &DevicePublicKey,
    purpose: NoncePurpose,
    presented_id: Option<&str>,
    signature: &DeviceSignature,
) -> Result<(), ApiError> {
    let nonce = take_mobile_nonce(app.store, &device.key_id, purpose).await?.ok_or(Error::InvalidNonce)?;
    let check = nonce.redeem(key, purpose, presented_id, signature, app.now)?;
    signature_verifier::verify(&check).await?;
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PendingResponse<'a> {
    user_authenticator_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    challenge_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    idempotency_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_agent: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ip_address: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    device_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<u64>,
}

/// `GET …/push/challenge?publicKey=` with `X-Authsignal-Signature` over the message of
/// `…/push/challenge/sign` (`getChallenge`): the user's newest pending challenge this protocol
/// can answer, or only `{ userAuthenticatorId }` when there is none.
pub async fn pending<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let key = query_key(req)?;
    let signature = req.header(SIGNATURE_HEADER).ok_or_else(|| {
        ApiError::unauthorized("reading challenges needs X-Authsignal-Signature over the issued message")
    })?;
    let signature = DeviceSignature::parse(signature)?;
    let device = device_for(app, req, &key).await?;
    redeem(app, &device, &key, NoncePurpose::ReadChallenges, None, &signature).await?;
    let user = load_user(app.store, &device.tenant_id, &device.user_id).await?;
    let mut newest: Option<Challenge> = None;
    for entry in user.unexpired(app.now) {
        let stored = challenge_in(app.store, &device.tenant_id, &user, &entry.id, app.now).await?;
        if let Some(c) = stored.filter(|c| c.status_at(app.now) == Status::Pending && is_answerable(c)) {
            if newest.as_ref().is_none_or(|n| c.created_at >= n.created_at) {
                newest = Some(c);
            }
        }
    }
    let c = newest.as_ref();
    Ok(ApiResponse::json(
        200,
        &PendingResponse {
            user_authenticator_id: device.key_id.as_str(),
            challenge_id: c.map(|c| c.id.as_str()),
            user_id: c.map(|c| c.user_id.as_str()),
            action_code: c.map(|c| c.action.as_str()),
            idempotency_key: c.map(|c| c.idempotency_key.as_str()),
            user_agent: c.and_then(|c| c.context.user_agent.as_deref()),
            ip_address: c.and_then(|c| c.context.ip_address.as_deref()),
            device_id: c.and_then(|c| c.context.device_id.as_deref()),
            expires_at: c.map(|c| c.expires_at),
        },
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AnswerBody {
    challenge_id: String,
    public_key: String,
    approved: bool,
    signature: String,
    #[serde(default)]
    verification_code: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AnswerResponse {
    is_verified: bool,
}

/// `POST …/push/challenge` (`updateChallenge`): `{ challengeId, publicKey, approved, signature,
/// verificationCode? }`, the signature over the challenge id. Decided by our answer path
/// ([`record_checked_answer`]): one answer per challenge, expiry, number matching. `200 {
/// isVerified }`, true when approved.
pub async fn answer<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let body: AnswerBody = parse_json(req)?;
    let key = DevicePublicKey::parse(&body.public_key)?;
    let id = ChallengeId::parse(&body.challenge_id)?;
    let signature = DeviceSignature::parse(&body.signature)?;
    let device = device_for(app, req, &key).await?;
    let challenge: Challenge = load_challenge(app.store, &device.tenant_id, &device.user_id, &id, app.now)
        .await?
        .ok_or_else(|| ApiError::not_found(ErrorCode::ChallengeNotFound, "challenge"))?;
    let decision = MobileAnswer { approved: body.approved, verification_code: body.verification_code };
    let check = answer_check(&challenge, &device, &decision, &signature, app.now)?;
    let challenge = record_checked_answer(app, &device, challenge, check, None, None).await?;
    Ok(ApiResponse::json(
        200,
        &AnswerResponse { is_verified: challenge.status_at(app.now) == Status::Approved },
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateBody {
    challenge_id: String,
    public_key: String,
    signature: String,
    #[serde(default)]
    push_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdateResponse<'a> {
    user_authenticator_id: &'a str,
    user_id: &'a str,
    last_verified_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    push_token: Option<&'a str>,
}

/// `PATCH /v1/client/user-authenticators/push` (`updateCredential`): `{ challengeId, publicKey,
/// signature, pushToken?, resetExpiry? }`, the signature over the message `…/push/sign` issued
/// with that `challengeId`. Sets the push token (credentials here do not expire, so
/// `resetExpiry` changes nothing). The push token is not covered by the signature.
pub async fn update_credential<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let body: UpdateBody = parse_json(req)?;
    let key = DevicePublicKey::parse(&body.public_key)?;
    let signature = DeviceSignature::parse(&body.signature)?;
    if let Some(token) = &body.push_token {
        check_text("pushToken", token, MAX_PUSH_TOKEN, false)?;
    }
    let mut device = device_for(app, req, &key).await?;
    let purpose = NoncePurpose::UpdateCredential;
    redeem(app, &device, &key, purpose, Some(&body.challenge_id), &signature).await?;
    if let Some(token) = body.push_token {
        device.push_token = if token.is_empty() { None } else { Some(token) };
    }
    device.last_used_at = Some(app.now);
    save_device(app.store, &device).await?;
    Ok(ApiResponse::json(
        200,
        &UpdateResponse {
            user_authenticator_id: device.key_id.as_str(),
            user_id: &device.user_id,
            last_verified_at: rfc3339(app.now),
            push_token: device.push_token.as_deref(),
        },
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RemoveBody {
    public_key: String,
    signature: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RemoveResponse<'a> {
    removed_authenticator_id: &'a str,
}

/// `POST …/push/remove` (`removeCredential`): `{ publicKey, signature }`, the signature over the
/// SDKs' ten-minute clock message (the previous, current or next bucket). Removes the device as
/// `DELETE /v1/device/credential` does. `200 { removedAuthenticatorId }`.
pub async fn remove<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let body: RemoveBody = parse_json(req)?;
    let key = DevicePublicKey::parse(&body.public_key)?;
    let signature = DeviceSignature::parse(&body.signature)?;
    let device = device_for(app, req, &key).await?;
    let mut holds = false;
    for check in removal_checks(&key, &signature, app.now) {
        if signature_verifier::verify(&check).await.is_ok() {
            holds = true;
            break;
        }
    }
    if !holds {
        return Err(Error::SignatureMismatch.into());
    }
    remove_device(app.store, &device.tenant_id, &device.user_id, &device.key_id).await?;
    app.notice_device_removed(&device.key_id);
    let tenant = crate::auth::load_tenant(app, &device.tenant_id).await?;
    crate::account_events::authenticator_event(
        app,
        &tenant,
        &device,
        crate::account_events::AUTHENTICATOR_DELETED,
    );
    Ok(ApiResponse::json(200, &RemoveResponse { removed_authenticator_id: device.key_id.as_str() }))
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))] // the test kit is native only
mod tests;
