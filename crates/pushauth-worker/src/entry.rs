//! The front Worker's entry point: `fetch` converts the request, builds the context and runs the
//! router, which handles what touches no user's state and forwards the rest to the user's
//! Durable Object (`user_object.rs`). WebSocket requests (`sockets.rs`) go to the object as
//! they came, and its answer comes back unchanged.

use futures_util::StreamExt;
use worker::{event, Context, Env, Request, Response, Result};

use crate::api_error::{ApiError, ErrorCode};
use crate::app::{App, Config};
use crate::config_cache::{Cached, ConfigCache};
use crate::http::{split_url, ApiRequest, MAX_BODY};
use crate::kv_store::Kv;
use crate::object_stub::UserObjects;
use crate::router;
use crate::sockets;
use crate::split_store::SharedOnly;
use crate::worker_response::to_response;
use crate::worker_store::WorkerStore;

fn var(env: &Env, name: &str) -> String {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .unwrap_or_default()
}

pub(crate) fn config(env: &Env) -> Config {
    Config {
        token_secret: var(env, "TOKEN_SECRET"),
        admin_token: var(env, "ADMIN_TOKEN"),
        public_base_url: var(env, "PUBLIC_BASE_URL"),
        allow_loopback: var(env, "ALLOW_LOOPBACK_URLS") == "true",
        outbox_base_delay_secs: var(env, "OUTBOX_BASE_DELAY_SECS").parse().unwrap_or(60),
        demo_tenant_id: var(env, "DEMO_TENANT_ID"),
        demo_tenant_secret: var(env, "DEMO_TENANT_SECRET"),
        vapid_private_key: var(env, "VAPID_PRIVATE_KEY"),
        vapid_subject: var(env, "VAPID_SUBJECT"),
        web_push_hosts: var(env, "WEB_PUSH_HOSTS"),
        bench_routes: var(env, "BENCH_ROUTES") == "true",
    }
}

thread_local! {
    /// The isolate's cache of tenant records (`config_cache.rs`); the isolate lives as long as it.
    static CONFIG_CACHE: &'static ConfigCache = Box::leak(Box::default());
}

pub(crate) fn config_cache() -> &'static ConfigCache {
    CONFIG_CACHE.with(|cache| *cache)
}

pub(crate) fn random(bytes: &mut [u8]) -> core::result::Result<(), ApiError> {
    getrandom::getrandom(bytes)
        .map_err(|_| ApiError::new(ErrorCode::RandomUnavailable, "no randomness available; try again"))
}

pub(crate) fn now() -> u64 {
    worker::Date::now().as_millis()
}

/// Reads the request body, refusing it (413) once it passes [`MAX_BODY`].
///
/// A body whose length the request declares (`Content-Length`, at most [`MAX_BODY`]: the caller
/// checks, and no `Transfer-Encoding`, which would override it) is framed by that length, so it
/// is read in one call (`arrayBuffer()`): reading it chunk by chunk through a stream reader cost
/// ~8% of the Worker's CPU on a poll, in both hops. A chunked body has no length to check first
/// and must not be read whole into memory before its size is known: it is read as it arrives and
/// refused as soon as it passes the limit. A request without a body reads as empty.
pub(crate) async fn read_body(req: &mut Request, framed: bool) -> core::result::Result<Vec<u8>, ApiError> {
    let unreadable = || ApiError::new(ErrorCode::InvalidRequest, "the request body could not be read");
    if req.inner().body().is_none() {
        return Ok(Vec::new());
    }
    if framed {
        let body = req.bytes().await.map_err(|_| unreadable())?;
        return if body.len() > MAX_BODY { Err(ApiError::too_large()) } else { Ok(body) };
    }
    let Ok(mut stream) = req.stream() else {
        return Ok(Vec::new());
    };
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| unreadable())?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(ApiError::too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The `PUSHAUTH_KV` namespace, or the 503 a Worker without it answers.
pub(crate) fn kv_binding(env: &Env) -> core::result::Result<Kv, ApiError> {
    Kv::from_env(env, "PUSHAUTH_KV")
        .ok_or_else(|| ApiError::new(ErrorCode::NotConfigured, "the PUSHAUTH_KV binding is missing"))
}

/// Converts a runtime request, refusing (413) a body over [`MAX_BODY`].
pub(crate) async fn api_request(req: &mut Request) -> core::result::Result<ApiRequest, ApiError> {
    let (origin, path, query) = split_url(&req.inner().url());
    let headers = req.headers();
    let declared = headers.get("content-length").ok().flatten().and_then(|v| v.parse::<usize>().ok());
    if declared.unwrap_or(0) > MAX_BODY {
        return Err(ApiError::too_large());
    }
    let framed = declared.is_some() && !headers.has("transfer-encoding").unwrap_or(true);
    let body = read_body(req, framed).await?;
    let headers = req.headers().entries().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect();
    Ok(ApiRequest {
        method: req.method().to_string().to_ascii_uppercase(),
        origin,
        path,
        query,
        headers,
        body,
    })
}

/// Routes every request that is not a static asset. Requests about a user go on to that
/// user's object (`user_object.rs`), which also makes that request's deliveries.
#[event(fetch)]
pub async fn fetch(mut req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let api_req = match api_request(&mut req).await {
        Ok(api_req) => api_req,
        Err(e) => return to_response(e.to_response()),
    };
    let config = config(&env);
    if config.token_secret.len() < 32 {
        return to_response(
            ApiError::new(ErrorCode::NotConfigured, "TOKEN_SECRET is not set (32+ bytes)").to_response(),
        );
    }
    let kv = match kv_binding(&env) {
        Ok(kv) => kv,
        Err(e) => return to_response(e.to_response()),
    };
    let Some(objects) = UserObjects::from_env(&env) else {
        return to_response(
            ApiError::new(ErrorCode::NotConfigured, "the USERS Durable Object binding is missing")
                .to_response(),
        );
    };
    let kv = Cached { inner: &kv, cache: config_cache(), now: now() };
    let store = WorkerStore::Front(SharedOnly(&kv));
    let app = App::new(&store, &config, now(), &random, Some(&objects));
    // A WebSocket goes to the user's object, whose 101 response (with its `webSocket`) is
    // returned as it is: it cannot pass through `ApiResponse`.
    if sockets::is_upgrade(&api_req) {
        if let Some(target) = router::socket_target(&app, &api_req).await {
            return match target {
                Ok(name) => objects.upgrade(&name, &api_req).await,
                Err(refused) => to_response(refused),
            };
        }
    }
    to_response(router::handle(&app, &api_req).await)
}
