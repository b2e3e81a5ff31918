//! A Worker at two locations, simulated natively: the harness of `tests/two_locations.rs`,
//! which shows that a user's live state is decided in one place however requests about them
//! are spread over the world (issue 12).
//!
//! The parts, each modelled on what Cloudflare documents:
//! - **Workers KV** ([`kv::SimKv`]): one namespace, seen from each location through its own view:
//!   a location sees its own writes at once and the other location's after 60 s, and caches
//!   every read (absences too) for 60 s.
//! - **Durable Objects** ([`MemoryObjects`]): one instance per name, shared by both locations,
//!   handling one request at a time (`object_lock.rs`) over strongly consistent storage. An object
//!   lives where it was first used and reaches KV through that location's view.
//! - **Isolates**: one per location, with its configuration cache (`config_cache.rs`), shared by
//!   the front Worker and the objects there.
//! - **Concurrency** ([`executor::join_all`]): requests sent together run interleaved on one
//!   thread; every storage call (KV, an object's storage) and every hop from the front Worker to
//!   an object yields once, so requests advance one call at a time, in lockstep.
//!
//! The same scenarios run two ways ([`Path`]): through the Worker as deployed (the front Worker
//! routes each request about a user to the user's object), and as the Worker was before
//! objects (every record in the location's KV view, no routing), which they must prove wrong.

pub mod executor;
pub mod kv;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use pushauth_core::UnixMillis;

use crate::app::{Config, ObjectReply, Objects};
use crate::config_cache::{Cached, ConfigCache};
use crate::http::{ApiRequest, ApiResponse};
use crate::memory_store::yield_now;
use crate::router;
use crate::split_store::SharedOnly;
use crate::testkit::{app, test_config, Client, CountingRandom, MemoryObjects, Reply};

use executor::{join_all, Stalled, Task};
use kv::SimKv;

/// Where a request arrives (a Cloudflare location, with its own isolate and KV cache).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Location {
    /// The first location.
    A,
    /// The second location.
    B,
}

impl Location {
    /// A, B, A, B, …: where the `i`-th of requests spread over both locations arrives.
    pub fn alternate(i: usize) -> Location {
        if i.is_multiple_of(2) {
            Location::A
        } else {
            Location::B
        }
    }
}

/// How the Worker keeps users' state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    /// As deployed: requests about a user go to the user's object (`scope.rs`), which keeps
    /// the user's state in its own storage; KV holds only shared records.
    Objects,
    /// As before objects: every request is handled where it arrives, with every record in that
    /// location's KV view.
    KvOnly,
}

/// The Worker at two locations, sharing KV, the users' objects, a clock and deterministic
/// randomness.
pub struct TwoLocations {
    /// Which way the Worker keeps users' state.
    pub path: Path,
    /// Workers KV.
    pub kv: SimKv,
    /// The users' objects (their storage yields once per call).
    pub objects: MemoryObjects,
    /// The configuration.
    pub config: Config,
    /// The clock of both locations.
    pub now: Cell<UnixMillis>,
    random: CountingRandom,
    isolates: [ConfigCache; 2],
    homes: RefCell<HashMap<String, Location>>,
}

/// One location of a [`TwoLocations`], as a [`Client`] sending one request at a time.
#[derive(Clone, Copy)]
pub struct At<'h> {
    harness: &'h TwoLocations,
    location: Location,
}

/// The front Worker at one location, reaching the users' objects.
struct Front<'h> {
    harness: &'h TwoLocations,
    location: Location,
}

impl TwoLocations {
    /// Both locations, empty, at the same time as `World`'s clock starts.
    pub fn new(path: Path) -> Self {
        TwoLocations {
            path,
            kv: SimKv::default(),
            objects: MemoryObjects::yielding(),
            config: test_config(),
            now: Cell::new(1_800_000_000_000),
            random: CountingRandom::default(),
            isolates: [ConfigCache::default(), ConfigCache::default()],
            homes: RefCell::new(HashMap::new()),
        }
    }

    /// The location `location`, to send requests to one at a time.
    pub fn at(&self, location: Location) -> At<'_> {
        At { harness: self, location }
    }

    /// Moves the clock on by `ms`.
    pub fn advance(&self, ms: u64) {
        self.now.set(self.now.get() + ms);
    }

    /// Where the object named `name` lives, once it has been used.
    pub fn home(&self, name: &str) -> Option<Location> {
        self.homes.borrow().get(name).copied()
    }

    fn isolate(&self, location: Location) -> &ConfigCache {
        match location {
            Location::A => &self.isolates[0],
            Location::B => &self.isolates[1],
        }
    }

    /// Handles `req` arriving at `location`, by [`Self::path`].
    pub async fn handle(&self, location: Location, req: &ApiRequest) -> ApiResponse {
        let now = self.now.get();
        let view = self.kv.view(location, &self.now);
        let kv = Cached { inner: &view, cache: self.isolate(location), now };
        let random = |bytes: &mut [u8]| self.random.fill(bytes);
        match self.path {
            Path::Objects => {
                let front = Front { harness: self, location };
                let store = SharedOnly(&kv);
                router::handle(&app(&self.config, now, &store, &random, Some(&front)), req).await
            }
            Path::KvOnly => router::handle(&app(&self.config, now, &kv, &random, None), req).await,
        }
    }

    /// Sends every request at once, each at its location, and answers their replies in order.
    pub fn concurrently(&self, requests: &[(Location, ApiRequest)]) -> Result<Vec<Reply>, Stalled> {
        let tasks: Vec<Task<'_, ApiResponse>> = requests
            .iter()
            .map(|(location, req)| -> Task<'_, _> { Box::pin(self.handle(*location, req)) })
            .collect();
        Ok(join_all(tasks)?.into_iter().map(Reply::from).collect())
    }

    /// Sends every request at once, alternating between the locations ([`Location::alternate`]).
    pub fn alternating(&self, requests: &[ApiRequest]) -> Result<Vec<Reply>, Stalled> {
        let spread: Vec<(Location, ApiRequest)> =
            requests.iter().enumerate().map(|(i, req)| (Location::alternate(i), req.clone())).collect();
        self.concurrently(&spread)
    }
}

impl Objects for Front<'_> {
    fn forward<'f>(&'f self, name: &'f str, req: &'f ApiRequest) -> ObjectReply<'f> {
        Box::pin(async move {
            let h = self.harness;
            // The hop to the object: other requests run meanwhile.
            yield_now().await;
            h.objects.requests.set(h.objects.requests.get() + 1);
            let home = *h.homes.borrow_mut().entry(name.to_owned()).or_insert(self.location);
            let now = h.now.get();
            let view = h.kv.view(home, &h.now);
            let kv = Cached { inner: &view, cache: h.isolate(home), now };
            let random = |bytes: &mut [u8]| h.random.fill(bytes);
            Ok(h.objects.get(name).handle(&kv, &h.config, now, &random, req).await)
        })
    }
}

impl Client for At<'_> {
    /// Runs the request alone; a request that never finishes (a deadlock) answers status 0.
    fn call(&self, req: &ApiRequest) -> Reply {
        match self.harness.concurrently(&[(self.location, req.clone())]) {
            Ok(mut replies) if replies.len() == 1 => replies.remove(0),
            _ => Reply::from(ApiResponse { status: 0, headers: Vec::new(), body: b"stalled".to_vec() }),
        }
    }

    fn now(&self) -> UnixMillis {
        self.harness.now.get()
    }
}
