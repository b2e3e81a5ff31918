//! What every route handler gets: the store, the configuration, the time and a random source.
//! The core takes time and randomness as arguments; this is where they come from.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;

use crate::api_error::ApiError;
use crate::http::{ApiRequest, ApiResponse};
use crate::store::Store;
use pushauth_core::delivery::Delivery;
use pushauth_core::UnixMillis;

use crate::after_response::{Notice, PushJob};

/// Deployment configuration, from Worker vars and secrets.
#[derive(Clone, Default)]
pub struct Config {
    /// `TOKEN_SECRET`: the MAC key of track and result tokens.
    pub token_secret: String,
    /// `ADMIN_TOKEN`: guards `/admin/...`. Empty disables the admin API.
    pub admin_token: String,
    /// `PUBLIC_BASE_URL`: the base of hosted-UI links; empty means the request's own origin.
    pub public_base_url: String,
    /// `ALLOW_LOOPBACK_URLS`: accept `http://127.0.0.1` / `localhost` URLs (local runs only).
    pub allow_loopback: bool,
    /// `OUTBOX_BASE_DELAY_SECS`: the first retry delay of deliveries (default 60).
    pub outbox_base_delay_secs: u64,
    /// `DEMO_TENANT_ID`: the tenant the demo site's backend uses (empty: demo disabled).
    pub demo_tenant_id: String,
    /// `DEMO_TENANT_SECRET`: that tenant's API secret, kept server-side.
    pub demo_tenant_secret: String,
    /// `VAPID_PRIVATE_KEY`: the Web Push signing key (P-256 scalar, base64url). Empty: no Web Push.
    pub vapid_private_key: String,
    /// `VAPID_SUBJECT`: a `mailto:` or `https:` contact for push services.
    pub vapid_subject: String,
    /// `WEB_PUSH_HOSTS`: push service hosts accepted in subscription endpoints besides the
    /// browsers' own (comma-separated; `*.name` for subdomains).
    pub web_push_hosts: String,
    /// `BENCH_ROUTES=true`: serve `POST /__bench/verify` (the bench and the differential test;
    /// never set in a deployment).
    pub bench_routes: bool,
}

impl core::fmt::Debug for Config {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Config")
            .field("token_secret", &"[redacted]")
            .field("admin_token", &"[redacted]")
            .field("public_base_url", &self.public_base_url)
            .field("allow_loopback", &self.allow_loopback)
            .field("outbox_base_delay_secs", &self.outbox_base_delay_secs)
            .field("demo_tenant_id", &self.demo_tenant_id)
            .field("demo_tenant_secret", &"[redacted]")
            .field("vapid_private_key", &"[redacted]")
            .field("vapid_subject", &self.vapid_subject)
            .field("web_push_hosts", &self.web_push_hosts)
            .field("bench_routes", &self.bench_routes)
            .finish()
    }
}

/// A source of cryptographically secure random bytes.
pub type Random<'a> = &'a dyn Fn(&mut [u8]) -> Result<(), ApiError>;

/// The per-request context of a handler.
pub struct App<'a, S: Store> {
    /// Where state lives.
    pub store: &'a S,
    /// Configuration.
    pub config: &'a Config,
    /// The time of this request.
    pub now: UnixMillis,
    /// Random bytes.
    pub random: Random<'a>,
    /// Deliveries to attempt once the response is sent (`waitUntil` in the Worker).
    pub background: RefCell<Vec<Delivery>>,
    /// Web Push messages to send once the response is sent.
    pub web_pushes: RefCell<Vec<PushJob>>,
    /// What this request changed, for the user's object to tell its WebSockets (`sockets.rs`).
    pub notices: RefCell<Vec<Notice>>,
    /// In the front Worker: how to reach users' objects (`scope.rs` decides which requests go
    /// there). `None` inside a user's object, where the request is handled.
    pub front: Option<&'a dyn Objects>,
}

/// A reply from a user's object.
pub type ObjectReply<'f> = Pin<Box<dyn Future<Output = Result<ApiResponse, ApiError>> + 'f>>;

/// The users' Durable Objects, as the front Worker reaches them: one object per (tenant, user),
/// named by [`crate::store::keys::user`], handling every request about that user one at a time.
pub trait Objects {
    /// Sends `req` to the object named `name` and answers its response.
    fn forward<'f>(&'f self, name: &'f str, req: &'f ApiRequest) -> ObjectReply<'f>;
}

impl<'a, S: Store> App<'a, S> {
    /// The context of one request, with nothing queued yet.
    pub fn new(
        store: &'a S,
        config: &'a Config,
        now: UnixMillis,
        random: Random<'a>,
        front: Option<&'a dyn Objects>,
    ) -> Self {
        App {
            store,
            config,
            now,
            random,
            background: RefCell::new(Vec::new()),
            web_pushes: RefCell::new(Vec::new()),
            notices: RefCell::new(Vec::new()),
            front,
        }
    }

    /// `N` fresh random bytes.
    pub fn random_bytes<const N: usize>(&self) -> Result<[u8; N], ApiError> {
        let mut bytes = [0u8; N];
        (self.random)(&mut bytes)?;
        Ok(bytes)
    }

    /// The base URL of hosted-UI links for a request from `origin`.
    pub fn public_base<'s>(&'s self, origin: &'s str) -> &'s str {
        if self.config.public_base_url.is_empty() {
            origin
        } else {
            self.config.public_base_url.trim_end_matches('/')
        }
    }
}
