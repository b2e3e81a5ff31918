//! The device API (ours; `docs/api.md`): list pending challenges, answer one, update or remove
//! the credential. Every call is signed by the device key.

use pushauth_core::action::ACTION_RETENTION_MS;
use pushauth_core::answer::Choice;
use pushauth_core::challenge::{AnswerCheck, Challenge, ChallengeState, DenyReason, Status};
use pushauth_core::device::{DeviceCredential, MAX_DEVICE_NAME, MAX_PUSH_TOKEN};
use pushauth_core::evidence::{kept_until, SignedAnswer};
use pushauth_core::ids::ChallengeId;
use pushauth_core::signature::{DeviceSignature, KeyId};
use pushauth_core::text::{check_required_text, check_text};
use pushauth_core::wire::{AnswerBody, Answered, CredentialUpdate, Pending};

use pushauth_core::fatigue::not_me_block_until;

use crate::account_events::{authenticator_event, AUTHENTICATOR_DELETED};
use crate::action_log::follow_challenge;
use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::auth::{enrolled_device, load_tenant, signed_device};
use crate::challenge_repo::{challenge_in, load_challenge, save_challenge};
use crate::challenges::emit_not_me;
use crate::http::{ApiRequest, ApiResponse};
use crate::outbox::{callback_delivery, enqueue_durable};
use crate::records::{load_user, remove_device, save_device, save_user};
use crate::routes::parse_json;
use crate::signature_verifier;
use crate::store::Store;

/// `GET /v1/device/challenges`: the device's user's pending challenges, oldest first.
pub async fn pending<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let device = signed_device(app, req).await?;
    let tenant = load_tenant(app, &device.tenant_id).await?;
    let user = load_user(app.store, &device.tenant_id, &device.user_id).await?;
    let mut challenges = Vec::new();
    for entry in user.unexpired(app.now) {
        if let Some(c) = challenge_in(app.store, &device.tenant_id, &user, &entry.id, app.now).await? {
            if c.status_at(app.now) == Status::Pending {
                challenges.push(c.view());
            }
        }
    }
    Ok(ApiResponse::json(200, &Pending { tenant_name: tenant.settings.name, challenges }))
}

/// `POST /v1/device/challenges/{challengeId}/answer`: the body's signature over the canonical
/// answer message is the authentication.
pub async fn answer<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    challenge_id: &str,
) -> Result<ApiResponse, ApiError> {
    let id = ChallengeId::parse(challenge_id)?;
    let body: AnswerBody = parse_json(req)?;
    let key_id = KeyId::parse(&body.key_id)?;
    let signature = DeviceSignature::parse(&body.signature)?;
    let device = enrolled_device(app, &key_id).await?;
    let challenge: Challenge = load_challenge(app.store, &device.tenant_id, &device.user_id, &id, app.now)
        .await?
        .ok_or_else(|| ApiError::not_found(ErrorCode::ChallengeNotFound, "challenge"))?;
    let choice = Choice { button: body.button, code: body.code, reason: body.reason };
    let check = challenge.check_answer(&device, &choice, &signature, app.now)?;
    // Kept as evidence for the tenant's `evidenceDays` (none kept when it is 0).
    let tenant = load_tenant(app, &device.tenant_id).await?;
    let signed = kept_until(tenant.settings.evidence_days, app.now)
        .map(|until| SignedAnswer::new(&choice, &device.public_key, &body.signature, until));
    let challenge = record_checked_answer(app, &device, challenge, check, choice.reason, signed).await?;
    Ok(ApiResponse::json(200, &Answered { status: challenge.status_at(app.now), button: body.button }))
}

/// Verifies a checked answer's signature and records the answer: the one decision path of
/// every device protocol (ours, and the Authsignal mobile SDKs', `routes/mobile.rs`). Stores
/// the challenge, tells its sockets, queues its callback and, for a "not me", blocks pushes to
/// the user. Refused answers change nothing, except a signed wrong number-match code, which is
/// counted (and the last one allowed fails the challenge). An accepted answer's `signed` part is
/// kept in the same challenge record, as evidence (no other row is written).
pub async fn record_checked_answer<S: Store>(
    app: &App<'_, S>,
    device: &DeviceCredential,
    mut challenge: Challenge,
    check: AnswerCheck,
    reason: Option<DenyReason>,
    signed: Option<SignedAnswer>,
) -> Result<Challenge, ApiError> {
    let holds = signature_verifier::verify(check.signature()).await.is_ok();
    let wrong_before = challenge.wrong_codes;
    if let Err(refused) = challenge.record_answer(check, holds, app.now) {
        // A signed approval with a wrong code was counted, and the last one allowed failed the
        // challenge: both are kept. (This user's requests run one at a time in its object, so
        // nothing wrote the record since it was read.)
        if challenge.wrong_codes != wrong_before {
            save_challenge(app.store, &challenge, app.now).await?;
            if challenge.status_at(app.now).is_terminal() {
                app.notice_challenge(&challenge);
                follow_challenge(app, &challenge).await?;
                send_callback(app, &challenge).await?;
            }
        }
        return Err(refused.into());
    }
    challenge.signed_answer = signed;
    save_challenge(app.store, &challenge, app.now).await?;
    app.notice_challenge(&challenge);
    // A signed answer kept as evidence at least as long as the action log keeps the action
    // (30 days from the challenge's start at most: the action was tracked before it) keeps the
    // action's state in its challenge's record: the state is read from it
    // (`action_log::load_log`), and the answer writes one row. Other answers (evidence kept
    // less, or none: Authsignal's mobile SDKs, `evidenceDays` 0) are written to the log too, so
    // an approved action keeps its state for the log's 30 days.
    if !record_outlives_action(&challenge) {
        follow_challenge(app, &challenge).await?;
    }
    send_callback(app, &challenge).await?;
    if reason == Some(DenyReason::NotMe) {
        let tenant = load_tenant(app, &device.tenant_id).await?;
        let mut user = load_user(app.store, &device.tenant_id, &device.user_id).await?;
        let until = not_me_block_until(&tenant.settings.push_limits, app.now);
        user.blocked_until = Some(until);
        save_user(app.store, &device.tenant_id, &device.user_id, &user).await?;
        emit_not_me(app, &tenant, &challenge, until);
    }
    Ok(challenge)
}

/// Whether an answered challenge's record is kept (as evidence) until its action has left the
/// action log (30 days after the action was tracked, which was before the challenge started).
fn record_outlives_action(challenge: &Challenge) -> bool {
    match (&challenge.state, &challenge.signed_answer) {
        (ChallengeState::Answered(answer), Some(signed)) => {
            signed.keep_until(answer.answered_at) >= challenge.created_at.saturating_add(ACTION_RETENTION_MS)
        }
        _ => false,
    }
}

/// Queues the callback of a challenge that just reached its decision, if it has one. Called
/// once per challenge: only the request that moved it out of `pending` gets here.
async fn send_callback<S: Store>(app: &App<'_, S>, challenge: &Challenge) -> Result<(), ApiError> {
    if let Some(url) = &challenge.callback {
        enqueue_durable(app, callback_delivery(challenge, url, app.now)).await?;
    }
    Ok(())
}

/// `PATCH /v1/device/credential`: renames the device or changes its push token.
pub async fn update_credential<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let mut device = signed_device(app, req).await?;
    let body: CredentialUpdate = parse_json(req)?;
    if let Some(name) = body.device_name {
        check_required_text("deviceName", &name, MAX_DEVICE_NAME, false)?;
        device.device_name = name;
    }
    if let Some(token) = body.push_token {
        check_text("pushToken", &token, MAX_PUSH_TOKEN, false)?;
        device.push_token = if token.is_empty() { None } else { Some(token) };
    }
    save_device(app.store, &device).await?;
    Ok(ApiResponse::json(200, &device))
}

/// `DELETE /v1/device/credential`: the device removes itself.
pub async fn remove_credential<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let device = signed_device(app, req).await?;
    remove_device(app.store, &device.tenant_id, &device.user_id, &device.key_id).await?;
    app.notice_device_removed(&device.key_id);
    let tenant = load_tenant(app, &device.tenant_id).await?;
    authenticator_event(app, &tenant, &device, AUTHENTICATOR_DELETED);
    Ok(ApiResponse::empty(204))
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))] // the test kit is native only
mod tests;
