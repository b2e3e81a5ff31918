//! The user's action log (in the user record, `user:{tenant}:{user}`, in the user's object):
//! every tracked action and the state of its latest challenge, for `getAction`,
//! `queryUserActions` and `updateAction`. The rules (states, transitions, retention) are the
//! core's (`pushauth_core::action`); this file reads and writes the log, and makes a backend's
//! decision hold on the challenge.
//!
//! The log shares the user record's row, so the start of a challenge (which changes both)
//! writes one row. Its retention holds as when it had a row of its own: each save asks the
//! object's alarm to prune it when its oldest action passes 30 days ([`sweep_log`]).

use pushauth_core::action::{ActionLog, ActionRecord, ActionState, ACTION_RETENTION_MS};
use pushauth_core::challenge::Challenge;
use pushauth_core::ids::{TenantId, UserId};

use crate::api_error::ApiError;
use crate::app::App;
use crate::challenge_repo::{challenge_in, keep_evicted, save_challenge};
use crate::outbox::{callback_delivery, enqueue_durable};
use crate::records::{embedded_read_until, save_actions, stored_user, UserRecord};
use crate::store::{get_json, keys, put_json, Store};

/// A user's action log as kept before it moved into the user record (`keys::actions`), if
/// that row is still there (one read).
async fn legacy_log<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
) -> Result<Option<ActionLog>, ApiError> {
    get_json(store, &keys::actions(tenant, user)).await
}

/// Deletes a user's action log row of before it moved into the user record (one delete).
pub async fn delete_legacy_log<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
) -> Result<(), ApiError> {
    crate::store::delete(store, &keys::actions(tenant, user)).await
}

/// Loads a user's action log (empty when absent), without the actions past retention (30 days):
/// a read never answers one, even before a write or the alarm's prune dropped it. A log still in
/// its own row (`actions:`, as versions before kept it) is read from there until the next save
/// moves it.
///
/// An action whose challenge was answered in our device protocol is not written by the answer
/// (`routes/device.rs`): its state is read here from its challenge's record, which keeps the
/// answer as evidence longer than the log keeps the action. So every read of the log first
/// settles each action still waiting on its challenge (one row read each).
pub async fn load_log<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
    now: u64,
) -> Result<ActionLog, ApiError> {
    let record = stored_user(store, tenant, user).await?.unwrap_or_default();
    settled(store, tenant, user, &record, now).await
}

/// [`load_log`] for a caller that has just read the user's record in this request: the log it
/// holds, without reading and parsing the record again (with up to 100 actions, the record is the
/// largest JSON a login reads).
pub async fn log_of<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
    record: &UserRecord,
    now: u64,
) -> Result<ActionLog, ApiError> {
    settled(store, tenant, user, record, now).await
}

/// The log of a user record's `actions` (or, when they are empty, of the legacy row), without
/// the actions past retention at `now`, each action waiting on its challenge settled from it
/// (its own record, or the copy embedded in `record`).
async fn settled<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
    record: &UserRecord,
    now: u64,
) -> Result<ActionLog, ApiError> {
    let mut log = stored_log(store, tenant, user, record.actions.clone()).await?;
    log.0.retain(|r| r.created_at.saturating_add(ACTION_RETENTION_MS) > now);
    for action in log.0.iter_mut().filter(|a| a.state == ActionState::ChallengeRequired && !a.decided) {
        let Some(id) = &action.challenge_id else { continue };
        if let Some(challenge) = challenge_in(store, tenant, record, id, now).await? {
            action.observe(&challenge);
        }
    }
    Ok(log)
}

/// The log as stored: a user record's `actions`, or, when they are empty, the legacy row's.
async fn stored_log<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
    actions: ActionLog,
) -> Result<ActionLog, ApiError> {
    if actions.0.is_empty() {
        Ok(legacy_log(store, tenant, user).await?.unwrap_or_default())
    } else {
        Ok(actions)
    }
}

/// Prunes and saves a user's action log in its user record, and asks the object's alarm to
/// prune it when its oldest action passes retention.
pub async fn save_log<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
    log: &mut ActionLog,
    now: u64,
) -> Result<(), ApiError> {
    log.prune(now);
    save_actions(store, tenant, user, log).await?;
    saved(store, tenant, user, log).await
}

/// [`save_log`] for a caller holding the user's record as read in this request (and `log` from
/// [`log_of`] on it): the log is pruned and moved into `record`, which is written (with whatever
/// else the caller changed in it) without being read and parsed again.
pub async fn save_log_in<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
    record: &mut UserRecord,
    mut log: ActionLog,
    now: u64,
) -> Result<(), ApiError> {
    log.prune(now);
    record.actions = log;
    put_json(store, &keys::user(tenant, user), record, None).await?;
    saved(store, tenant, user, &record.actions).await
}

/// After a log is saved in the user record: its legacy row removed, its prune asked for.
async fn saved<S: Store>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
    log: &ActionLog,
) -> Result<(), ApiError> {
    if store.get(&keys::actions(tenant, user)).await.map_err(|_| ApiError::storage())?.is_some() {
        delete_legacy_log(store, tenant, user).await?;
    }
    if let Some(at) = next_prune(log) {
        store.note_sweep(at);
    }
    Ok(())
}

/// When the oldest action of `log` leaves it (the core prunes by `created_at`).
fn next_prune(log: &ActionLog) -> Option<u64> {
    log.0.iter().map(|r| r.created_at.saturating_add(ACTION_RETENTION_MS)).min()
}

/// The alarm's prune of the action log in the user record under `key`: drops what is past
/// retention, and the recent challenges past theirs ([`UserRecord::prune`]), writing the record
/// only if something was dropped (one row: the same write). Answers when the log next needs a
/// prune (when its oldest action passes retention), if it holds anything.
pub async fn sweep_log<S: Store>(store: &S, key: &str, now: u64) -> Result<Option<u64>, ApiError> {
    let Some(mut record) = get_json::<_, UserRecord>(store, key).await? else {
        return Ok(None);
    };
    let before = (record.actions.0.len(), record.challenges.len());
    record.actions.prune(now);
    let evicted = record.prune(now);
    if (record.actions.0.len(), record.challenges.len()) != before {
        keep_evicted(store, evicted, now).await?;
        put_json(store, key, &record, None).await?;
    }
    // Embedded challenges are dropped with their entries: the prune runs again by the time the
    // last one stops being read, as its own record would have been deleted by then.
    let embedded = record
        .challenges
        .iter()
        .filter(|c| c.challenge.is_some())
        .map(|c| embedded_read_until(c.expires_at))
        .min();
    Ok([next_prune(&record.actions), embedded].into_iter().flatten().min())
}

/// Records a challenge's state in its action's record (creating the record for an action that
/// was never tracked, such as a Privakey request), in `log`. Answers whether the log changed.
pub fn follow(log: &mut ActionLog, challenge: &Challenge, now: u64) -> bool {
    match log.find_mut(&challenge.action, &challenge.idempotency_key) {
        Some(record) => record.observe(challenge),
        None => {
            log.put(ActionRecord::of_challenge(challenge, now));
            true
        }
    }
}

/// Records a challenge's new state in its user's action log as stored (one read, and one write
/// if it changed). Called wherever a challenge leaves `pending`.
pub async fn follow_challenge<S: Store>(app: &App<'_, S>, challenge: &Challenge) -> Result<(), ApiError> {
    // The log as stored: not settled from the challenges' records (this challenge's, just
    // written, would settle its action and leave nothing to write), and with the actions past
    // retention (an old action's record is updated, then dropped by the save's prune, not
    // logged anew).
    let (tenant, user) = (&challenge.tenant_id, &challenge.user_id);
    let actions =
        stored_user(app.store, tenant, user).await?.map(|record| record.actions).unwrap_or_default();
    let mut log = stored_log(app.store, tenant, user, actions).await?;
    if follow(&mut log, challenge, app.now) {
        save_log(app.store, &challenge.tenant_id, &challenge.user_id, &mut log, app.now).await?;
    }
    Ok(())
}

/// Cancels a pending challenge for the service (a backend's decision, a deleted user): stores
/// it, tells its sockets, and queues its callback if it has one, exactly as an answer would.
pub async fn cancel_challenge<S: Store>(app: &App<'_, S>, challenge: &mut Challenge) -> Result<(), ApiError> {
    challenge.cancel(app.now)?;
    save_challenge(app.store, challenge, app.now).await?;
    app.notice_challenge(challenge);
    if let Some(url) = &challenge.callback {
        enqueue_durable(app, callback_delivery(challenge, url, app.now)).await?;
    }
    Ok(())
}

/// Revokes an approval whose result was not validated yet: its result token no longer
/// validates (the action's record says why; the challenge's result is marked used as well, so
/// that it holds even once the record has left the log).
pub async fn revoke_result<S: Store>(app: &App<'_, S>, challenge: &mut Challenge) -> Result<(), ApiError> {
    challenge.result_consumed = true;
    save_challenge(app.store, challenge, app.now).await
}
