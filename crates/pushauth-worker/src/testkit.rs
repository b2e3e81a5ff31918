//! Drives the route table natively against [`MemoryStore`]: for fast tests and for the KV report
//! (`cargo xtask kv-report`). Time and randomness are under the caller's control.
//!
//! [`World`] is one Worker with a memory KV and memory Durable Objects; `two_locations` builds
//! a Worker at two locations on the same parts. Both are [`Client`]s, so tests speak to either
//! with the same helpers.

mod login_flow;
mod objects;
mod recorder;

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use pushauth_core::answer::Choice;
use pushauth_core::challenge::ChallengeView;
use pushauth_core::device_request::{device_request_message, DeviceRequest};
use pushauth_core::encoding::b64;
use pushauth_core::enrolment_proof::enrolment_message;
use pushauth_core::ids::{TenantId, UserId};
use pushauth_core::secret::sha256;
use pushauth_core::server_auth::{hmac_message, hmac_sign, HMAC_SCHEME};
use pushauth_core::signature::DeviceSigningKey;
use pushauth_core::wire::answer_body;
use pushauth_core::UnixMillis;
use serde_json::{json, Value};

use crate::api_error::ApiError;
use crate::app::{App, Config, ObjectReply, Objects, Random};
use crate::config_cache::{Cached, ConfigCache};
use crate::http::{ApiRequest, ApiResponse};
use crate::memory_store::MemoryStore;
use crate::router;
use crate::sockets::Admission;
use crate::split_store::SharedOnly;
use crate::store::Store;

pub use login_flow::{login_flow_counts, StepCount, ALARMS_STEP};
pub use objects::{MemoryObject, MemoryObjects};
pub use recorder::Recorder;

/// Runs a future to completion on this thread, polling it until it is ready (the memory store
/// answers at once, or after one yield).
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

/// The development admin token used by native tests.
pub const ADMIN: &str = "test-admin-token";
/// The tenant secret used by [`Client::tenant`], before [`tenant_secret`] makes it the tenant's.
pub const SECRET: &str = "sk_test_0123456789abcdef0123456789";

/// The API secret [`Client::tenant`] gives tenant `id`.
pub fn tenant_secret(id: &str) -> String {
    let tag: String = format!("{id:0>4}").chars().take(4).collect();
    SECRET.replace("0123", &tag)
}

/// The configuration of native tests: a fixed token secret, [`ADMIN`], loopback URLs allowed.
pub fn test_config() -> Config {
    Config {
        token_secret: "test-token-secret-0123456789abcdef0123".into(),
        admin_token: ADMIN.into(),
        public_base_url: String::new(),
        allow_loopback: true,
        outbox_base_delay_secs: 60,
        demo_tenant_id: String::new(),
        demo_tenant_secret: String::new(),
        vapid_private_key: String::new(),
        vapid_subject: String::new(),
        web_push_hosts: String::new(),
        bench_routes: false,
    }
}

/// Deterministic "random" bytes: SHA-256 of a counter, one block per 32 bytes.
#[derive(Debug, Default)]
pub struct CountingRandom(Cell<u64>);

impl CountingRandom {
    /// Fills `bytes` with the next blocks.
    pub fn fill(&self, bytes: &mut [u8]) -> Result<(), ApiError> {
        for chunk in bytes.chunks_mut(32) {
            self.0.set(self.0.get() + 1);
            let block = sha256(&self.0.get().to_be_bytes());
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        Ok(())
    }
}

/// The context of one request.
pub fn app<'a, S: Store>(
    config: &'a Config,
    now: UnixMillis,
    store: &'a S,
    random: Random<'a>,
    front: Option<&'a dyn Objects>,
) -> App<'a, S> {
    App::new(store, config, now, random, front)
}

/// A request as a client sends it to the test origin (`http://127.0.0.1:8787`).
pub fn request(method: &str, path_and_query: &str, headers: &[(&str, &str)], body: &[u8]) -> ApiRequest {
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    ApiRequest {
        method: method.into(),
        origin: "http://127.0.0.1:8787".into(),
        path: path.into(),
        query: query.into(),
        headers: headers.iter().map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_owned())).collect(),
        body: body.to_vec(),
    }
}

/// A [`request`] with a JSON body.
pub fn json_request(method: &str, path: &str, headers: &[(&str, &str)], body: &Value) -> ApiRequest {
    let mut h = headers.to_vec();
    h.push(("content-type", "application/json"));
    request(method, path, &h, body.to_string().as_bytes())
}

/// The name of the object of `user` of `tenant` (`scope::object_name`), as tests spell them;
/// `None` when either is no valid id.
pub fn user_object(tenant: &str, user: &str) -> Option<String> {
    Some(crate::scope::object_name(&TenantId::parse(tenant).ok()?, &UserId::parse(user).ok()?))
}

/// Borrows owned header pairs (as [`Client::device_headers`] makes them) for [`request`].
pub fn pairs(headers: &[(String, String)]) -> Vec<(&str, &str)> {
    headers.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

/// A response with its JSON body parsed (Null when not JSON).
#[derive(Debug)]
pub struct Reply {
    /// The status.
    pub status: u16,
    /// The parsed body.
    pub json: Value,
    /// The raw response.
    pub raw: ApiResponse,
}

impl From<ApiResponse> for Reply {
    fn from(raw: ApiResponse) -> Self {
        let json = serde_json::from_slice(&raw.body).unwrap_or(Value::Null);
        Reply { status: raw.status, json, raw }
    }
}

/// Something tests send requests to, with its clock: a [`World`], or one location of
/// `two_locations::TwoLocations`.
pub trait Client {
    /// Handles one request to completion.
    fn call(&self, req: &ApiRequest) -> Reply;

    /// The time now, by this client's clock.
    fn now(&self) -> UnixMillis;

    /// Sends a request.
    fn send(&self, method: &str, path_and_query: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        self.call(&request(method, path_and_query, headers, body))
    }

    /// Sends JSON with extra headers.
    fn json(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &Value) -> Reply {
        self.call(&json_request(method, path, headers, body))
    }

    /// Creates a tenant `id` with [`tenant_secret`] and the given extra settings.
    fn tenant(&self, id: &str, extra: Value) -> Reply {
        let mut body = json!({
            "id": id,
            "name": format!("Tenant {id}"),
            "secret": tenant_secret(id),
            "redirectUrls": ["http://127.0.0.1:9999/done"],
            "allowedOrigins": ["http://127.0.0.1:9999"],
        });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        self.json("POST", "/admin/tenants", &[("authorization", &format!("Bearer {ADMIN}"))], &body)
    }

    /// Enrols `key` for `user` of `tenant` (whose secret is [`tenant_secret`]): a track with
    /// scope `add:authenticators`, then the enrolment with its token. The enrolment's reply.
    fn enrol_device(&self, tenant: &str, user: &str, key: &DeviceSigningKey) -> Reply {
        let auth = World::basic(&tenant_secret(tenant));
        let path = format!("/v1/users/{user}/actions/enroll");
        let track =
            self.json("POST", &path, &[("authorization", &auth)], &json!({"scope": "add:authenticators"}));
        let token = track.json["token"].as_str().unwrap_or_default();
        let bearer = format!("Bearer {token}");
        let body = World::enrolment_body(token, key, "phone");
        self.json("POST", "/v1/client/user-authenticators/push", &[("authorization", &bearer)], &body)
    }

    /// Signed device-request headers for `key` over a request, timestamped now.
    fn device_headers(
        &self,
        key: &DeviceSigningKey,
        tenant: &str,
        method: &str,
        path: &str,
        body: &[u8],
    ) -> Vec<(String, String)> {
        let key_id = key.public_key().key_id();
        let ts = self.now();
        let message = device_request_message(&DeviceRequest {
            tenant_id: tenant,
            key_id: &key_id,
            method,
            path_and_query: path,
            timestamp: ts,
            body,
        });
        vec![
            ("x-pushauth-key-id".into(), key_id.as_str().into()),
            ("x-pushauth-timestamp".into(), ts.to_string()),
            ("x-pushauth-signature".into(), b64(&key.sign(&message).to_der())),
        ]
    }

    /// `Authorization` for an HMAC-authenticated server call by `tenant` (`docs/api.md`),
    /// timestamped now.
    fn hmac_authorization(&self, tenant: &str, method: &str, path: &str, body: &[u8]) -> String {
        let ts = self.now() / 1000;
        let message = hmac_message(tenant, method, path, ts, body);
        // HMAC takes keys of any length: signing cannot fail.
        let sig = hmac_sign(&tenant_secret(tenant), &message).unwrap_or_default();
        format!("{HMAC_SCHEME} tenant={tenant},ts={ts},sig={sig}")
    }
}

/// A Worker with a memory KV, memory Durable Objects, a settable clock and deterministic
/// randomness.
pub struct World {
    /// Workers KV.
    pub store: MemoryStore,
    /// The users' objects.
    pub objects: MemoryObjects,
    /// The configuration.
    pub config: Config,
    /// The clock.
    pub now: Cell<UnixMillis>,
    /// Whether isolates are warm: requests keep one configuration cache for the front Worker and
    /// one for the objects, as long-lived isolates do, instead of a fresh one each (cold).
    pub warm: Cell<bool>,
    front_cache: ConfigCache,
    object_cache: ConfigCache,
    random: CountingRandom,
}

/// The front Worker's way to the objects of a [`World`].
struct Front<'w>(&'w World);

impl Objects for Front<'_> {
    fn forward<'f>(&'f self, name: &'f str, req: &'f ApiRequest) -> ObjectReply<'f> {
        Box::pin(async move {
            let world = self.0;
            world.objects.requests.set(world.objects.requests.get() + 1);
            let fresh = ConfigCache::default();
            let cache = if world.warm.get() { &world.object_cache } else { &fresh };
            let now = world.now.get();
            let shared = Cached { inner: &world.store, cache, now };
            let random = |bytes: &mut [u8]| world.random.fill(bytes);
            Ok(world.objects.get(name).handle(&shared, &world.config, now, &random, req).await)
        })
    }
}

impl Default for World {
    fn default() -> Self {
        World {
            store: MemoryStore::default(),
            objects: MemoryObjects::default(),
            config: test_config(),
            now: Cell::new(1_800_000_000_000),
            warm: Cell::new(false),
            front_cache: ConfigCache::default(),
            object_cache: ConfigCache::default(),
            random: CountingRandom::default(),
        }
    }
}

impl Client for World {
    fn call(&self, req: &ApiRequest) -> Reply {
        block_on(self.handle(req)).into()
    }

    fn now(&self) -> UnixMillis {
        self.now.get()
    }
}

impl World {
    /// Asks for a WebSocket as a client would (`Upgrade: websocket` and `headers`): runs the
    /// front Worker's checks, then the object's admission. Answers the object's name and what it
    /// would hold the socket as, or the refusal.
    pub fn socket(
        &self,
        path_and_query: &str,
        headers: &[(&str, &str)],
    ) -> Result<(String, Admission), Reply> {
        let mut all = vec![("upgrade", "websocket")];
        all.extend_from_slice(headers);
        let req = request("GET", path_and_query, &all, b"");
        block_on(async {
            let cache = ConfigCache::default();
            let now = self.now.get();
            let kv = Cached { inner: &self.store, cache: &cache, now };
            let store = SharedOnly(&kv);
            let random = |bytes: &mut [u8]| self.random.fill(bytes);
            let front = Front(self);
            let app = app(&self.config, now, &store, &random, Some(&front));
            let name = match router::socket_target(&app, &req).await {
                Some(Ok(name)) => name,
                Some(Err(refused)) => return Err(Reply::from(refused)),
                None => return Err(Reply::from(ApiResponse::empty(404))),
            };
            let object = self.objects.get(&name);
            match object.admit(&kv, &self.config, now, &random, &req).await {
                Ok(admission) => Ok((name, admission)),
                Err(refused) => Err(Reply::from(refused)),
            }
        })
    }

    /// Handles one request as the front Worker does, routing user requests to their objects.
    pub async fn handle(&self, req: &ApiRequest) -> ApiResponse {
        // As in the Worker: configuration reads go through the isolate's cache. A fresh cache
        // per request models a cold isolate: a record read twice in one request is read once.
        let fresh = ConfigCache::default();
        let cache = if self.warm.get() { &self.front_cache } else { &fresh };
        let now = self.now.get();
        let kv = Cached { inner: &self.store, cache, now };
        let store = SharedOnly(&kv);
        let random = |bytes: &mut [u8]| self.random.fill(bytes);
        let front = Front(self);
        router::handle(&app(&self.config, now, &store, &random, Some(&front)), req).await
    }

    /// Runs the objects' alarms in time order, moving the clock to each, until no alarm is set
    /// at or before `until` (at most 1,000 runs). The clock ends at the last run.
    pub fn run_alarms(&self, until: UnixMillis) {
        for _ in 0..1_000 {
            let Some((at, name)) = self.objects.next_alarm().filter(|(at, _)| *at <= until) else {
                return;
            };
            self.now.set(at.max(self.now.get()));
            let fresh = ConfigCache::default();
            let cache = if self.warm.get() { &self.object_cache } else { &fresh };
            let shared = Cached { inner: &self.store, cache, now: self.now.get() };
            block_on(self.objects.get(&name).run_alarm(&shared, &self.config, self.now.get()));
        }
    }

    /// Starts the push of the action tracked with `token`, as a page's `push.challenge()` does.
    pub fn start_push(&self, token: &str) -> Reply {
        self.json(
            "POST",
            "/v1/client/challenge/push",
            &[("authorization", &format!("Bearer {token}"))],
            &json!({}),
        )
    }

    /// `Authorization: Basic` for a secret, as `@authsignal/node` sends it.
    pub fn basic(secret: &str) -> String {
        format!("Basic {}", STANDARD.encode(format!("{secret}:")))
    }

    /// The body of an enrolment of `key` named `name` with the enrolment token `token`, with the
    /// key's proof of possession over the token (protocol.md, "Enrolment proof").
    pub fn enrolment_body(token: &str, key: &DeviceSigningKey, name: &str) -> Value {
        let message = enrolment_message(token, &key.public_key().key_id());
        json!({
            "publicKey": key.public_key().to_base64(),
            "deviceName": name,
            "devicePlatform": "cli",
            "proof": b64(&key.sign(&message).to_der()),
        })
    }

    /// The body of a signed answer to `view`, as a device sends it (the core's
    /// [`answer_body`], shared with the device crate), as JSON a test may alter.
    pub fn answer_body(key: &DeviceSigningKey, view: &ChallengeView, choice: &Choice) -> Value {
        serde_json::to_value(answer_body(key, view, choice)).unwrap_or(Value::Null)
    }
}
