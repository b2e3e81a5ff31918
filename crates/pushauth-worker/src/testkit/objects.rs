//! The users' Durable Objects in memory: one [`MemoryObject`] per name, created on first use,
//! each handling one request at a time over its own storage.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use pushauth_core::UnixMillis;

use crate::api_error::ApiError;
use crate::app::{Config, Random};
use crate::http::{ApiRequest, ApiResponse};
use crate::memory_store::MemoryStore;
use crate::object_lock::ObjectLock;
use crate::router;
use crate::sockets::{self, Admission, Notice};
use crate::split_store::Split;
use crate::store::Store;
use crate::write_batch::Batched;

/// One user's object: its own storage and its one-request-at-a-time lock.
#[derive(Debug, Default)]
pub struct MemoryObject {
    /// The object's storage (strongly consistent: every read sees every earlier write).
    pub store: MemoryStore,
    /// What its requests told its sockets, in order (`sockets.rs`).
    pub notices: RefCell<Vec<Notice>>,
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
        let held = Batched::holding(&self.store);
        let store = Split { live: &held, shared };
        let app = super::app(config, now, &store, random, None);
        let response = router::handle_in_object(&app, req).await;
        match held.commit().await {
            Ok(()) => {
                self.notices.borrow_mut().extend(app.notices.take());
                response
            }
            Err(_) => ApiError::storage().to_response(),
        }
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
            Rc::new(MemoryObject { store, notices: RefCell::default(), lock: ObjectLock::default() })
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
        }
    }
}
