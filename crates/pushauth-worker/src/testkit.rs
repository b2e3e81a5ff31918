//! Drives the route table natively against [`MemoryStore`]: for fast tests and for the KV report
//! (`cargo xtask kv-report`). Time and randomness are under the caller's control.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use pushauth_core::answer::{answer_message, Choice};
use pushauth_core::challenge::ChallengeView;
use pushauth_core::device_request::{device_request_message, DeviceRequest};
use pushauth_core::encoding::b64;
use pushauth_core::signature::DeviceSigningKey;
use pushauth_core::UnixMillis;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::api_error::ApiError;
use crate::app::{App, Config, ObjectReply, Objects, Random};
use crate::config_cache::{Cached, ConfigCache};
use crate::http::{ApiRequest, ApiResponse};
use crate::memory_store::MemoryStore;
use crate::object_lock::ObjectLock;
use crate::router;
use crate::sockets::{self, Admission, Notice};
use crate::split_store::{SharedOnly, Split};
use crate::store::Store;

/// Runs a future that never waits (the memory store answers at once) to completion.
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
/// The tenant secret used by [`World::tenant`].
pub const SECRET: &str = "sk_test_0123456789abcdef0123456789";

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
    counter: Cell<u64>,
}

/// One user's object: its own storage and its one-request-at-a-time lock.
#[derive(Debug, Default)]
pub struct MemoryObject {
    /// The object's storage.
    pub store: MemoryStore,
    /// What its requests told its sockets, in order (`sockets.rs`).
    pub notices: RefCell<Vec<Notice>>,
    lock: ObjectLock,
}

/// The users' objects of a [`World`], by name, counting the requests they receive.
#[derive(Debug, Default)]
pub struct MemoryObjects {
    objects: RefCell<HashMap<String, Rc<MemoryObject>>>,
    /// Requests received so far.
    pub requests: Cell<u32>,
}

impl MemoryObjects {
    /// The object named `name`, created on first use (as a Durable Object is).
    pub fn get(&self, name: &str) -> Rc<MemoryObject> {
        self.objects.borrow_mut().entry(name.to_owned()).or_default().clone()
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

/// The front Worker's way to the objects of a [`World`].
struct Front<'w>(&'w World);

impl Objects for Front<'_> {
    fn forward<'f>(&'f self, name: &'f str, req: &'f ApiRequest) -> ObjectReply<'f> {
        Box::pin(async move {
            let world = self.0;
            world.objects.requests.set(world.objects.requests.get() + 1);
            let object = world.objects.get(name);
            let _turn = object.lock.lock().await;
            let cache = ConfigCache::default();
            let shared = Cached { inner: &world.store, cache: &cache, now: world.now.get() };
            let store = Split { live: &object.store, shared: &shared };
            let random = world.random();
            let app = world.app(&store, &random, None);
            let response = router::handle_in_object(&app, req).await;
            object.notices.borrow_mut().extend(app.notices.take());
            Ok(response)
        })
    }
}

impl Default for World {
    fn default() -> Self {
        World {
            store: MemoryStore::default(),
            objects: MemoryObjects::default(),
            config: Config {
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
            },
            now: Cell::new(1_800_000_000_000),
            counter: Cell::new(0),
        }
    }
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

impl World {
    /// Sends a request.
    pub fn send(&self, method: &str, path_and_query: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
        let req = ApiRequest {
            method: method.into(),
            origin: "http://127.0.0.1:8787".into(),
            path: path.into(),
            query: query.into(),
            headers: headers.iter().map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_owned())).collect(),
            body: body.to_vec(),
        };
        let raw = block_on(self.handle(&req));
        let json = serde_json::from_slice(&raw.body).unwrap_or(Value::Null);
        Reply { status: raw.status, json, raw }
    }

    /// Asks for a WebSocket as a client would (`Upgrade: websocket` and `headers`): runs the
    /// front Worker's checks, then the object's admission. Answers the object's name and what it
    /// would hold the socket as, or the refusal.
    pub fn socket(
        &self,
        path_and_query: &str,
        headers: &[(&str, &str)],
    ) -> Result<(String, Admission), Reply> {
        let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
        let mut all = vec![("upgrade".to_owned(), "websocket".to_owned())];
        all.extend(headers.iter().map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_owned())));
        let req = ApiRequest {
            method: "GET".into(),
            origin: "http://127.0.0.1:8787".into(),
            path: path.into(),
            query: query.into(),
            headers: all,
            body: Vec::new(),
        };
        let reply = |raw: ApiResponse| Reply {
            status: raw.status,
            json: serde_json::from_slice(&raw.body).unwrap_or(Value::Null),
            raw,
        };
        block_on(async {
            let cache = ConfigCache::default();
            let kv = Cached { inner: &self.store, cache: &cache, now: self.now.get() };
            let store = SharedOnly(&kv);
            let random = self.random();
            let front = Front(self);
            let app = self.app(&store, &random, Some(&front));
            let name = match router::socket_target(&app, &req).await {
                Some(Ok(name)) => name,
                Some(Err(refused)) => return Err(reply(refused)),
                None => return Err(reply(ApiResponse::empty(404))),
            };
            let object = self.objects.get(&name);
            let _turn = object.lock.lock().await;
            let shared = Cached { inner: &self.store, cache: &cache, now: self.now.get() };
            let store = Split { live: &object.store, shared: &shared };
            let app = self.app(&store, &random, None);
            let segments = router::path_segments(path).map_err(|e| reply(e.to_response()))?;
            let s: Vec<&str> = segments.iter().map(String::as_str).collect();
            match sockets::admit(&app, &req, &s).await {
                Ok(admission) => Ok((name, admission)),
                Err(e) => Err(reply(e.to_response())),
            }
        })
    }

    /// Handles one request as the front Worker does, routing user requests to their objects.
    pub async fn handle(&self, req: &ApiRequest) -> ApiResponse {
        // As in the Worker: configuration reads go through the isolate's cache. A fresh cache
        // per request models a cold isolate: a record read twice in one request is read once.
        let cache = ConfigCache::default();
        let kv = Cached { inner: &self.store, cache: &cache, now: self.now.get() };
        let store = SharedOnly(&kv);
        let random = self.random();
        let front = Front(self);
        let app = self.app(&store, &random, Some(&front));
        router::handle(&app, req).await
    }

    /// Deterministic random bytes.
    fn random(&self) -> impl Fn(&mut [u8]) -> Result<(), ApiError> + '_ {
        let counter = &self.counter;
        move |bytes: &mut [u8]| {
            for chunk in bytes.chunks_mut(32) {
                counter.set(counter.get() + 1);
                let block = Sha256::digest(counter.get().to_be_bytes());
                chunk.copy_from_slice(&block[..chunk.len()]);
            }
            Ok(())
        }
    }

    fn app<'a, S: Store>(
        &'a self,
        store: &'a S,
        random: Random<'a>,
        front: Option<&'a dyn Objects>,
    ) -> App<'a, S> {
        App {
            store,
            config: &self.config,
            now: self.now.get(),
            random,
            background: RefCell::new(Vec::new()),
            web_pushes: RefCell::new(Vec::new()),
            notices: RefCell::new(Vec::new()),
            front,
        }
    }

    /// Sends JSON with extra headers.
    pub fn json(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &Value) -> Reply {
        let mut h = headers.to_vec();
        h.push(("content-type", "application/json"));
        self.send(method, path, &h, body.to_string().as_bytes())
    }

    /// Creates a tenant `id` with [`SECRET`] and the given extra settings.
    pub fn tenant(&self, id: &str, extra: Value) -> Reply {
        let mut body = json!({
            "id": id,
            "name": format!("Tenant {id}"),
            "secret": SECRET.replace("0123", &format!("{id:0>4}")[..4]),
            "redirectUrls": ["http://127.0.0.1:9999/done"],
            "allowedOrigins": ["http://127.0.0.1:9999"],
        });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        self.json("POST", "/admin/tenants", &[("authorization", &format!("Bearer {ADMIN}"))], &body)
    }

    /// `Authorization: Basic` for a secret, as `@authsignal/node` sends it.
    pub fn basic(secret: &str) -> String {
        format!("Basic {}", STANDARD.encode(format!("{secret}:")))
    }

    /// Signed device-request headers for `key` over a request.
    pub fn device_headers(
        &self,
        key: &DeviceSigningKey,
        tenant: &str,
        method: &str,
        path: &str,
        body: &[u8],
    ) -> Vec<(String, String)> {
        let key_id = key.public_key().key_id();
        let ts = self.now.get();
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

    /// The body of a signed answer to `view`.
    pub fn answer_body(key: &DeviceSigningKey, view: &ChallengeView, choice: &Choice) -> Value {
        let key_id = key.public_key().key_id();
        let signature = key.sign(&answer_message(view, &key_id, choice));
        json!({
            "keyId": key_id.as_str(),
            "button": choice.button,
            "code": choice.code,
            "reason": choice.reason,
            "signature": b64(&signature.to_der()),
        })
    }
}

/// Store traffic of one step of a flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepCount {
    /// The step.
    pub step: &'static str,
    /// KV reads.
    pub reads: u32,
    /// KV writes (puts and deletes).
    pub writes: u32,
}

/// Runs a whole sign-in (track → push.challenge → device fetch → answer → verify → validate) for
/// an enrolled device and returns the KV traffic of each step. `None` if any step failed.
pub fn login_flow_counts() -> Option<Vec<StepCount>> {
    // The browser's calls carry the page's Origin, as the SDK's do from a customer's page: the
    // origin check reads the tenant (once per request, with the handler's read).
    const BROWSER_ORIGIN: &str = "http://127.0.0.1:9999";
    let w = World::default();
    if w.tenant("acme", json!({ "numberMatching": true })).status != 201 {
        return None;
    }
    let secret = SECRET.replace("0123", "acme");
    let auth = World::basic(&secret);
    let key = DeviceSigningKey::from_bytes(&[7; 32])?;
    // Enrolment (once per device, not part of a login).
    let enrol = w.json(
        "POST",
        "/v1/users/alice/actions/enroll",
        &[("authorization", &auth)],
        &json!({"scope": "add:authenticators"}),
    );
    let enrol_token = enrol.json["token"].as_str()?.to_owned();
    let r = w.json(
        "POST",
        "/v1/client/user-authenticators/push",
        &[("authorization", &format!("Bearer {enrol_token}"))],
        &json!({"publicKey": key.public_key().to_base64(), "deviceName": "phone", "devicePlatform": "cli"}),
    );
    if r.status != 201 {
        return None;
    }
    let mut steps = Vec::new();
    let mut measure = |step: &'static str, f: &mut dyn FnMut() -> Option<Value>| -> Option<Value> {
        w.store.reset_counts();
        let out = f();
        steps.push(StepCount { step, reads: w.store.reads.get(), writes: w.store.writes.get() });
        out
    };
    let track = measure("track", &mut || {
        let r = w.json("POST", "/v1/users/alice/actions/signIn", &[("authorization", &auth)], &json!({}));
        (r.status == 200).then_some(r.json)
    })?;
    let bearer = format!("Bearer {}", track["token"].as_str()?);
    let challenge = measure("push.challenge", &mut || {
        let r = w.json(
            "POST",
            "/v1/client/challenge/push",
            &[("authorization", &bearer), ("origin", BROWSER_ORIGIN)],
            &json!({"action": "signIn"}),
        );
        (r.status == 200).then_some(r.json)
    })?;
    let pending = measure("device fetch", &mut || {
        let headers = w.device_headers(&key, "acme", "GET", "/v1/device/challenges", b"");
        let h: Vec<(&str, &str)> = headers.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let r = w.send("GET", "/v1/device/challenges", &h, b"");
        (r.status == 200).then_some(r.json)
    })?;
    let view: ChallengeView = serde_json::from_value(pending["challenges"][0].clone()).ok()?;
    let code = challenge["verificationCode"].as_str().map(str::to_owned);
    measure("device answer", &mut || {
        let body = World::answer_body(&key, &view, &Choice { button: 0, code: code.clone(), reason: None });
        let r = w.json("POST", &format!("/v1/device/challenges/{}/answer", view.challenge_id), &[], &body);
        (r.status == 200).then_some(r.json)
    })?;
    let verified = measure("push.verify", &mut || {
        let r = w.json(
            "POST",
            "/v1/client/verify/push",
            &[("authorization", &bearer), ("origin", BROWSER_ORIGIN)],
            &json!({"challengeId": view.challenge_id}),
        );
        (r.status == 200).then_some(r.json)
    })?;
    let token = verified["accessToken"].as_str()?.to_owned();
    measure("validate", &mut || {
        let r = w.json("POST", "/v1/validate", &[("authorization", &auth)], &json!({"token": token}));
        (r.status == 200 && r.json["isValid"] == true).then_some(r.json)
    })?;
    Some(steps)
}
