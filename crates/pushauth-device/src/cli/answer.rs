//! `approve` and `deny`: one signed answer to a pending request.

use pushauth_core::answer::Choice;
use pushauth_core::challenge::{ChallengeView, DenyReason, Status};
use pushauth_device::{answer_body, ClientError, DeviceClient, DeviceIdentity, FileKeyStore};

use super::args::{ApproveArgs, DenyArgs, Output};
use super::output::{print_json, Answered};
use super::{client, load, Exit, Failure};

/// The request to answer: the one `--challenge` names, else the oldest; and the tenant's name.
fn pick(identity: &DeviceIdentity, wanted: Option<&str>) -> Result<(String, ChallengeView), Failure> {
    let pending = client(identity)?.pending(identity)?;
    let view = match wanted {
        Some(id) => {
            pending.challenges.into_iter().find(|c| c.challenge_id.as_str() == id).ok_or_else(|| {
                Failure::new(
                    Exit::NothingPending,
                    "challenge_not_found",
                    format!("no pending request {id} (it may have expired or been answered)"),
                )
            })?
        }
        None => pending.challenges.into_iter().next().ok_or_else(|| {
            Failure::new(Exit::NothingPending, "no_pending_request", "no pending request to answer")
        })?,
    };
    Ok((pending.tenant_name, view))
}

/// Signs `choice` for `view` and sends it; returns the resulting status (`approved`, `denied`).
pub fn send(identity: &DeviceIdentity, view: &ChallengeView, choice: &Choice) -> Result<Status, ClientError> {
    let client = DeviceClient::for_identity(identity)?;
    client.answer(identity, view.challenge_id.as_str(), &answer_body(&identity.key, view, choice))
}

/// The index of the first approving (or denying) button.
pub fn button_index(view: &ChallengeView, approve: bool) -> Option<u32> {
    view.buttons.as_slice().iter().position(|b| b.strong_auth == approve).map(|i| i as u32)
}

/// Sends the answer and tells the person, or the script, what became of it.
fn answer(
    identity: &DeviceIdentity,
    tenant: String,
    view: &ChallengeView,
    choice: Choice,
    output: Output,
) -> Result<(), Failure> {
    let button = choice.button;
    let status = send(identity, view, &choice)?;
    if output.json {
        let title = view.buttons.get(button as usize).map(|b| b.title.clone()).unwrap_or_default();
        return print_json(&Answered {
            tenant_name: tenant,
            challenge_id: view.challenge_id.as_str().to_owned(),
            action: view.action.clone(),
            button: button + 1,
            button_title: title,
            status,
        });
    }
    println!("{tenant}: {} → {status}", view.action);
    Ok(())
}

/// `approve [--challenge ID] [--code N] [--button N] [--json]`.
pub fn approve(store: &FileKeyStore, args: &ApproveArgs) -> Result<(), Failure> {
    let identity = load(store)?;
    let (tenant, view) = pick(&identity, args.challenge.as_deref())?;
    let button = match args.button {
        // clap checked that it counts from 1.
        Some(n) => n.saturating_sub(1),
        None => button_index(&view, true).ok_or_else(|| {
            Failure::new(Exit::Refused, "no_approving_button", "this request has no approving button")
        })?,
    };
    let code = args.code.clone();
    let approving = view.buttons.get(button as usize).is_some_and(|b| b.strong_auth);
    if approving && view.number_match_required && code.is_none() {
        return Err(Failure::new(
            Exit::Refused,
            "number_match_required",
            "this request needs the number shown on the sign-in screen: add --code NUMBER",
        ));
    }
    answer(&identity, tenant, &view, Choice { button, code, reason: None }, args.output)
}

/// `deny [--challenge ID] [--not-me] [--json]`.
pub fn deny(store: &FileKeyStore, args: &DenyArgs) -> Result<(), Failure> {
    let identity = load(store)?;
    let (tenant, view) = pick(&identity, args.challenge.as_deref())?;
    let button = button_index(&view, false).ok_or_else(|| {
        Failure::new(Exit::Refused, "no_denying_button", "this request has no denying button")
    })?;
    let reason = args.not_me.then_some(DenyReason::NotMe);
    answer(&identity, tenant, &view, Choice { button, code: None, reason }, args.output)
}
