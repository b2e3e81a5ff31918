//! A user's Durable Object (`UserObject`, bound as `USERS`, named `user:{tenant}:{user}`): it
//! owns everything live about one user (devices, challenges, deliveries, limits, the "not me"
//! block, single-use marks) and handles every request about that user one at a time, from
//! whichever location the request arrived at (`docs/storage.md`, "Where state lives").
//!
//! Its alarm makes the user's deliveries when they are due (a challenge's expiry callback, the
//! retries of callbacks and webhooks), tells the sockets waiting on a challenge that has expired,
//! and deletes entries whose time is over.
//!
//! It holds the user's WebSockets (`sockets.rs`) with the hibernation API: the runtime keeps
//! them open while the object sleeps, so a wait costs nothing until something happens. After
//! each request the object tells the sockets what the request changed.

use std::rc::Rc;

use wasm_bindgen::JsValue;
use worker::js_sys::Date;
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, ScheduledTime, State, WebSocket,
    WebSocketIncomingMessage, WebSocketPair,
};

use crate::action_log::sweep_log;
use crate::alarm_plan::{alarm_to_set, wrote_nothing, Wants};
use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::config_cache::Cached;
use crate::entry::{api_request, config, config_cache, kv_binding, now, random};
use crate::expiring;
use crate::http::ApiRequest;
use crate::http_client::WorkerFetch;
use crate::kv_store::Kv;
use crate::object_lock::ObjectLock;
use crate::object_storage::ObjectStorage;
use crate::outbox::{attempt_best_effort, next_due, run_due};
use crate::records::is_user_record;
use crate::router::{self, path_segments};
use crate::sockets::{
    challenge_tag, changed_message, deadline_tag, device_tag, is_socket_path, is_upgrade, tagged_challenge,
    tagged_deadline, Admission, Notice, DEVICES_TAG, MAX_SOCKETS, PROTOCOL,
};
use crate::split_store::Split;
use crate::store::Store;
use crate::web_push;
use crate::worker_response::to_response;
use crate::worker_store::WorkerStore;
use crate::write_batch::Batched;

struct Inner {
    state: State,
    env: Env,
    lock: ObjectLock,
}

/// One user's object.
#[durable_object]
pub struct UserObject(Rc<Inner>);

impl UserObject {
    fn storage(&self, now: u64) -> ObjectStorage {
        ObjectStorage { storage: self.0.state.storage(), now }
    }
}

/// Sets the alarm for what the object wants (`alarm_plan.rs`): `wants` (what a request wrote,
/// an open socket's deadline) and the next due delivery. Writes an alarm row only when the rule
/// says so; never lists the object's entries. `after_run`: called by the alarm's own run, when
/// no alarm is set any more.
async fn schedule(
    storage: &ObjectStorage,
    now: u64,
    wants: Wants,
    after_run: bool,
) -> core::result::Result<(), ApiError> {
    let wants = wants.exact_at(next_due(storage).await?);
    let current = if after_run {
        None
    } else {
        storage.storage.get_alarm().await.ok().flatten().and_then(|c| u64::try_from(c).ok())
    };
    if let Some(wake) = alarm_to_set(current, wants, now) {
        // An absolute time (the crate reads a bare integer as an offset from now).
        let at = ScheduledTime::new(Date::new(&JsValue::from_f64(wake as f64)));
        storage.storage.set_alarm(at).await.map_err(|_| ApiError::storage())?;
    }
    Ok(())
}

/// The sockets that are open (not closing or closed).
fn open_sockets(state: &State, tag: Option<&str>) -> Vec<WebSocket> {
    let all = match tag {
        Some(tag) => state.get_websockets_with_tag(tag),
        None => state.get_websockets(),
    };
    all.into_iter().filter(|ws| ws.as_ref().ready_state() == worker::web_sys::WebSocket::OPEN).collect()
}

/// Tells the sockets what a request or the alarm changed. A send or close that fails (the
/// other end went away meanwhile) is of no consequence.
fn tell(state: &State, notices: &[Notice]) {
    for notice in notices {
        match notice {
            Notice::Challenge { id, finished } => {
                let message = changed_message(id);
                for ws in open_sockets(state, Some(&challenge_tag(id))) {
                    let _ = ws.send_with_str(&message);
                    if *finished {
                        let _ = ws.close(Some(1000), Some("finished"));
                    }
                }
                for ws in open_sockets(state, Some(DEVICES_TAG)) {
                    let _ = ws.send_with_str(&message);
                }
            }
            Notice::DeviceRemoved { key_id } => {
                for ws in open_sockets(state, Some(&device_tag(key_id))) {
                    let _ = ws.close(Some(4001), Some("device removed"));
                }
            }
        }
    }
}

/// The earliest deadline of an open socket (a challenge's expiry), for the alarm.
fn next_socket_deadline(state: &State) -> Option<u64> {
    open_sockets(state, None).iter().filter_map(|ws| tagged_deadline(&state.get_tags(ws))).min()
}

/// Sockets whose challenge has expired by `now`: told (their challenge changed) and closed.
fn close_expired_sockets(state: &State, now: u64) {
    for ws in open_sockets(state, None) {
        let tags = state.get_tags(&ws);
        if tagged_deadline(&tags).is_some_and(|deadline| deadline <= now) {
            if let Some(id) = tagged_challenge(&tags) {
                let _ = ws.send_with_str(changed_message(id));
            }
            let _ = ws.close(Some(1000), Some("finished"));
        }
    }
}

impl UserObject {
    /// Opens a socket (`sockets.rs`): authenticates the request in the object's turn, holds the
    /// socket with the hibernation API under its tags, and answers `101` with the client end.
    /// A challenge already finished is told at once (the client polls, and has its result).
    async fn open_socket(&self, req: &ApiRequest, s: &[&str]) -> Result<Response> {
        let kv = match kv_binding(&self.0.env) {
            Ok(kv) => kv,
            Err(e) => return to_response(e.to_response()),
        };
        let config = config(&self.0.env);
        let _turn = self.0.lock.lock().await;
        let now = now();
        let live = self.storage(now);
        let shared = Cached { inner: &kv, cache: config_cache(), now };
        let direct = Batched::direct(&live);
        let store = WorkerStore::Object(Split { live: &direct, shared: &shared });
        let app = App::new(&store, &config, now, &random, None);
        let Admission { tags, limit, deadline, finished } = match crate::sockets::admit(&app, req, s).await {
            Ok(admission) => admission,
            Err(e) => return to_response(e.to_response()),
        };
        let state = &self.0.state;
        let crowded = open_sockets(state, None).len() >= MAX_SOCKETS
            || tags.first().is_some_and(|tag| open_sockets(state, Some(tag)).len() >= limit);
        if crowded {
            let refused = ApiError::new(
                ErrorCode::TooManySockets,
                "this user has too many open sockets; poll instead, or close one",
            );
            return to_response(refused.to_response());
        }
        let pair = WebSocketPair::new()?;
        let mut all_tags = tags;
        all_tags.extend(deadline.map(deadline_tag));
        let tag_refs: Vec<&str> = all_tags.iter().map(String::as_str).collect();
        state.accept_websocket_with_tags(&pair.server, &tag_refs);
        if let Some(id) = finished {
            let _ = pair.server.send_with_str(changed_message(&id));
            let _ = pair.server.close(Some(1000), Some("finished"));
        }
        let wants =
            Wants::default().exact_at(next_socket_deadline(state)).expiring_at(direct.soonest_expiry(now));
        if let Err(e) = schedule(&live, now, wants, false).await {
            worker::console_error!("alarm not set: {}", e.code);
        }
        let mut response = Response::from_websocket(pair.client)?;
        response.headers_mut().set("sec-websocket-protocol", PROTOCOL)?;
        Ok(response)
    }
}

impl DurableObject for UserObject {
    fn new(state: State, env: Env) -> Self {
        UserObject(Rc::new(Inner { state, env, lock: ObjectLock::default() }))
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let api_req = match api_request(&mut req).await {
            Ok(api_req) => api_req,
            Err(e) => return to_response(e.to_response()),
        };
        if is_upgrade(&api_req) {
            if let Ok(segments) = path_segments(&api_req.path) {
                let s: Vec<&str> = segments.iter().map(String::as_str).collect();
                if api_req.method == "GET" && is_socket_path(&s) {
                    return self.open_socket(&api_req, &s).await;
                }
            }
        }
        let kv = match kv_binding(&self.0.env) {
            Ok(kv) => kv,
            Err(e) => return to_response(e.to_response()),
        };
        let config = config(&self.0.env);
        let turn = self.0.lock.lock().await;
        let now = now();
        let live = self.storage(now);
        let shared = Cached { inner: &kv, cache: config_cache(), now };
        let held = Batched::holding(&live);
        let store = WorkerStore::Object(Split { live: &held, shared: &shared });
        let app = App::new(&store, &config, now, &random, None);
        let mut response = router::handle_in_object(&app, &api_req).await;
        let quiet = wrote_nothing(held.held(), held.soonest_expiry(now));
        // Written whole or not at all (`write_batch.rs`): what did not happen is told to no one.
        let (notices, deliveries, pushes) = match held.commit().await {
            Ok(()) => (app.notices.take(), app.background.take(), app.web_pushes.take()),
            Err(e) => {
                worker::console_error!("request not written: {}", e.0);
                response = ApiError::storage().to_response();
                (Vec::new(), Vec::new(), Vec::new())
            }
        };
        tell(&self.0.state, &notices);
        let written = held.soonest_expiry(now);
        if deliveries.is_empty() && pushes.is_empty() {
            if quiet {
                drop(turn);
                return to_response(response);
            }
            let wants = Wants::default().exact_at(next_socket_deadline(&self.0.state)).expiring_at(written);
            if let Err(e) = schedule(&live, now, wants, false).await {
                worker::console_error!("alarm not set: {}", e.code);
            }
            drop(turn);
            return to_response(response);
        }
        drop(turn);
        // After the response, in this object's turn: the first attempt of each delivery and
        // each Web Push, then the alarm for what is left.
        let inner = self.0.clone();
        self.0.state.wait_until(async move {
            let _turn = inner.lock.lock().await;
            let Some(kv) = Kv::from_env(&inner.env, "PUSHAUTH_KV") else { return };
            let now = crate::entry::now();
            let live = ObjectStorage { storage: inner.state.storage(), now };
            let shared = Cached { inner: &kv, cache: config_cache(), now };
            let direct = Batched::direct(&live);
            let store = WorkerStore::Object(Split { live: &direct, shared: &shared });
            for push in &pushes {
                if let Err(e) = web_push::send(&store, &WorkerFetch, push).await {
                    worker::console_error!("web push bookkeeping failed: {}", e.code);
                }
            }
            let base_delay = config.outbox_base_delay_secs;
            for delivery in deliveries {
                if let Err(e) = attempt_best_effort(&store, &WorkerFetch, delivery, now, base_delay).await {
                    worker::console_error!("delivery bookkeeping failed: {}", e.code);
                }
            }
            let wants = Wants::default()
                .exact_at(next_socket_deadline(&inner.state))
                .expiring_at(written)
                .expiring_at(direct.soonest_expiry(now));
            if let Err(e) = schedule(&live, now, wants, false).await {
                worker::console_error!("alarm not set: {}", e.code);
            }
        });
        to_response(response)
    }

    async fn alarm(&self) -> Result<Response> {
        let _turn = self.0.lock.lock().await;
        let now = now();
        let config = config(&self.0.env);
        let live = self.storage(now);
        if let Some(kv) = Kv::from_env(&self.0.env, "PUSHAUTH_KV") {
            let shared = Cached { inner: &kv, cache: config_cache(), now };
            let direct = Batched::direct(&live);
            let store = WorkerStore::Object(Split { live: &direct, shared: &shared });
            match run_due(&store, &WorkerFetch, now, config.outbox_base_delay_secs).await {
                Ok(report) => {
                    let expired: Vec<Notice> = report
                        .expired
                        .into_iter()
                        .map(|id| Notice::Challenge { id, finished: true })
                        .collect();
                    tell(&self.0.state, &expired);
                }
                Err(e) => worker::console_error!("outbox run failed: {}", e.code),
            }
        }
        close_expired_sockets(&self.0.state, now);
        // The sweep: every entry is listed once, the expired ones deleted, and the next sweep
        // set from what is left.
        let mut wants = Wants::default().exact_at(next_socket_deadline(&self.0.state));
        match live.entries().await {
            Ok(entries) => {
                for (key, stored) in entries {
                    if expiring::live_value(&stored, now).is_none() {
                        let _ = live.delete(&key).await;
                    } else if let (Some(expires_at), _) = expiring::decode(&stored) {
                        wants = wants.expiring_at(Some(expires_at));
                    } else if is_user_record(&key) {
                        match sweep_log(&live, &key, now).await {
                            Ok(next) => wants = wants.expiring_at(next),
                            Err(e) => worker::console_error!("action log prune failed: {}", e.code),
                        }
                    }
                }
            }
            Err(e) => {
                worker::console_error!("sweep failed: {}", e.0);
                wants = wants.expiring_at(Some(now));
            }
        }
        if let Err(e) = schedule(&live, now, wants, true).await {
            worker::console_error!("alarm not set: {}", e.code);
        }
        Response::empty()
    }

    /// Sockets only listen: a client that sends is closed (each message would wake the object).
    async fn websocket_message(&self, ws: WebSocket, _message: WebSocketIncomingMessage) -> Result<()> {
        let _ = ws.close(Some(1003), Some("this socket only sends"));
        Ok(())
    }

    /// The client closed: close our end too.
    async fn websocket_close(
        &self,
        ws: WebSocket,
        _code: usize,
        _reason: String,
        _clean: bool,
    ) -> Result<()> {
        let _ = ws.close(Some(1000), Some(""));
        Ok(())
    }

    /// The connection failed: the runtime drops the socket; nothing to keep.
    async fn websocket_error(&self, _ws: WebSocket, _error: worker::Error) -> Result<()> {
        Ok(())
    }
}
