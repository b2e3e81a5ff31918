//! The users' Durable Objects in memory: one [`MemoryObject`] per name, created on first use,
//! each handling one request at a time over its own storage.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use pushauth_core::UnixMillis;

use crate::action_log::sweep_log;
use crate::alarm_plan::{alarm_to_set, wrote_nothing, Wants};
use crate::api_error::ApiError;
use crate::app::{Config, Random};
use crate::http::HttpClient;
use crate::http::{ApiRequest, ApiResponse};
use crate::memory_store::MemoryStore;
use crate::object_lock::ObjectLock;
use crate::outbox::{next_due, run_due};
use crate::router;
use crate::sockets::{self, Admission, Notice};
use crate::split_store::Split;
use crate::store::{keys, Store};
use crate::write_batch::Batched;

/// The network of a simulated alarm run: none (a delivery attempt fails and is retried).
struct NoFetch;

impl HttpClient for NoFetch {
    async fn post(&self, _url: &str, _headers: &[(String, String)], _body: &[u8]) -> Result<u16, String> {
        Err("no network in the simulated alarm".into())
    }
}

/// One user's object: its own storage and its one-request-at-a-time lock.
#[derive(Debug, Default)]
pub struct MemoryObject {
    /// The object's storage (strongly consistent: every read sees every earlier write).
    pub store: MemoryStore,
    /// What its requests told its sockets, in order (`sockets.rs`).
    pub notices: RefCell<Vec<Notice>>,
    /// When its alarm is set for (`alarm_plan.rs`, as `user_object.rs` sets it).
    pub alarm: Cell<Option<UnixMillis>>,
    /// Alarm rows written so far (each `setAlarm` is billed as a row written).
    pub alarm_sets: Cell<u32>,
    /// Alarm runs so far (each is billed as a request).
    pub alarm_runs: Cell<u32>,
    lock: ObjectLock,
}

impl MemoryObject {
    /// Handles `req` as `user_object.rs` does: in this object's turn (its lock), over its own
    /// storage and `shared` (Workers KV as the object's location sees it).
    pub async fn handle<K: Store>(
        &self,
        shared: &K,
        config: &Config,
        now: UnixMillis,
        random: Random<'_>,
        req: &ApiRequest,
    ) -> ApiResponse {
        let _turn = self.lock.lock().await;
        self.store.set_clock(now);
        let held = Batched::holding(&self.store);
        let store = Split { live: &held, shared };
        let app = super::app(config, now, &store, random, None);
        let response = router::handle_in_object(&app, req).await;
        let quiet = wrote_nothing(held.held(), held.soonest_expiry(now));
        match held.commit().await {
            Ok(()) => {
                self.notices.borrow_mut().extend(app.notices.take());
                if !quiet {
                    self.schedule(now, Wants::default().expiring_at(held.soonest_expiry(now)), false).await;
                }
                response
            }
            Err(_) => ApiError::storage().to_response(),
        }
    }

    /// Sets the alarm as `user_object.rs` does (`alarm_plan.rs`), counting the rows it writes.
    async fn schedule(&self, now: UnixMillis, wants: Wants, after_run: bool) {
        let wants = wants.exact_at(next_due(&self.store).await.ok().flatten());
        let current = if after_run { None } else { self.alarm.get() };
        if after_run {
            self.alarm.set(None);
        }
        if let Some(wake) = alarm_to_set(current, wants, now) {
            self.alarm.set(Some(wake));
            self.alarm_sets.set(self.alarm_sets.get() + 1);
        }
    }

    /// Runs the object's alarm as `user_object.rs` does, at `now` (its due deliveries, then the
    /// sweep of expired entries, then the next alarm).
    pub async fn run_alarm<K: Store>(&self, shared: &K, config: &Config, now: UnixMillis) {
        let _turn = self.lock.lock().await;
        self.store.set_clock(now);
        self.alarm.set(None);
        self.alarm_runs.set(self.alarm_runs.get() + 1);
        let direct = Batched::direct(&self.store);
        let store = Split { live: &direct, shared };
        let _ = run_due(&store, &NoFetch, now, config.outbox_base_delay_secs).await;
        let mut wants = Wants::default();
        for (key, expires_at) in self.store.expiring() {
            if expires_at <= now {
                let _ = self.store.delete(&key).await;
            } else {
                wants = wants.expiring_at(Some(expires_at));
            }
        }
        for key in self.store.keys().into_iter().filter(|k| keys::tenant_of_user(k).is_some()) {
            wants = wants.expiring_at(sweep_log(&self.store, &key, now).await.ok().flatten());
        }
        self.schedule(now, wants, true).await;
    }

    /// Admits a WebSocket as `user_object.rs` does (after the front Worker's checks): what the
    /// object would hold the socket as, or the refusal.
    pub async fn admit<K: Store>(
        &self,
        shared: &K,
        config: &Config,
        now: UnixMillis,
        random: Random<'_>,
        req: &ApiRequest,
    ) -> Result<Admission, ApiResponse> {
        let _turn = self.lock.lock().await;
        let direct = Batched::direct(&self.store);
        let store = Split { live: &direct, shared };
        let app = super::app(config, now, &store, random, None);
        let segments = router::path_segments(&req.path).map_err(|e| e.to_response())?;
        let s: Vec<&str> = segments.iter().map(String::as_str).collect();
        sockets::admit(&app, req, &s).await.map_err(|e| e.to_response())
    }
}

/// The users' objects, by name, counting the requests they receive.
#[derive(Debug, Default)]
pub struct MemoryObjects {
    objects: RefCell<HashMap<String, Rc<MemoryObject>>>,
    yields: bool,
    /// Requests received so far.
    pub requests: Cell<u32>,
}

impl MemoryObjects {
    /// Objects whose storage yields once per call ([`MemoryStore::yielding`]).
    pub fn yielding() -> Self {
        MemoryObjects { yields: true, ..MemoryObjects::default() }
    }

    /// The object named `name`, created on first use (as a Durable Object is).
    pub fn get(&self, name: &str) -> Rc<MemoryObject> {
        let mut objects = self.objects.borrow_mut();
        let object = objects.entry(name.to_owned()).or_insert_with(|| {
            let store = if self.yields { MemoryStore::yielding() } else { MemoryStore::default() };
            Rc::new(MemoryObject { store, ..MemoryObject::default() })
        });
        object.clone()
    }

    /// Storage reads and writes of every object so far.
    pub fn counts(&self) -> (u32, u32) {
        self.objects
            .borrow()
            .values()
            .fold((0, 0), |(r, w), o| (r + o.store.reads.get(), w + o.store.writes.get()))
    }

    /// Resets every counter.
    pub fn reset_counts(&self) {
        self.requests.set(0);
        for o in self.objects.borrow().values() {
            o.store.reset_counts();
            o.alarm_sets.set(0);
            o.alarm_runs.set(0);
        }
    }

    /// Alarm rows written and alarm runs of every object so far.
    pub fn alarm_counts(&self) -> (u32, u32) {
        self.objects
            .borrow()
            .values()
            .fold((0, 0), |(s, r), o| (s + o.alarm_sets.get(), r + o.alarm_runs.get()))
    }

    /// The earliest alarm set among the objects, and the object's name.
    pub fn next_alarm(&self) -> Option<(UnixMillis, String)> {
        self.objects.borrow().iter().filter_map(|(name, o)| o.alarm.get().map(|at| (at, name.clone()))).min()
    }
}
