//! The Worker's entry points: `fetch` (converts the request, builds the context, runs the router,
//! then attempts deliveries in the background) and `scheduled` (the cron trigger that retries the
//! outbox).

use std::cell::RefCell;

use futures_util::StreamExt;
use worker::{event, Context, Env, Request, Response, Result, ScheduleContext, ScheduledEvent};

use crate::api_error::ApiError;
use crate::app::{App, Config};
use crate::config_cache::{Cached, ConfigCache};
use crate::http::{split_url, ApiRequest, ApiResponse, MAX_BODY};
use crate::http_client::WorkerFetch;
use crate::kv_store::Kv;
use crate::outbox::{attempt_best_effort, run_due};
use crate::router;
use crate::web_push;

fn var(env: &Env, name: &str) -> String {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .unwrap_or_default()
}

fn config(env: &Env) -> Config {
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

fn config_cache() -> &'static ConfigCache {
    CONFIG_CACHE.with(|cache| *cache)
}

fn random(bytes: &mut [u8]) -> core::result::Result<(), ApiError> {
    getrandom::getrandom(bytes)
        .map_err(|_| ApiError::new(503, "random_unavailable", "no randomness available; try again"))
}

fn now() -> u64 {
    worker::Date::now().as_millis()
}

fn to_response(api: ApiResponse) -> Result<Response> {
    let mut response = Response::from_bytes(api.body)?.with_status(api.status);
    let headers = response.headers_mut();
    for (name, value) in &api.headers {
        headers.set(name, value)?;
    }
    Ok(response)
}

/// Reads the request body as it arrives, refusing it (413) as soon as it passes [`MAX_BODY`]:
/// a chunked body has no `Content-Length` to check first, and must not be read whole into
/// memory before its size is known. A request without a body reads as empty.
async fn read_body(req: &mut Request) -> core::result::Result<Vec<u8>, ApiError> {
    let Ok(mut stream) = req.stream() else {
        return Ok(Vec::new());
    };
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|_| ApiError::new(400, "invalid_request", "the request body could not be read"))?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(ApiError::too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Routes every request that is not a static asset.
#[event(fetch)]
pub async fn fetch(mut req: Request, env: Env, ctx: Context) -> Result<Response> {
    let (origin, path, query) = split_url(&req.inner().url());
    let declared = req.headers().get("content-length")?.and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
    if declared > MAX_BODY {
        return to_response(ApiError::too_large().to_response());
    }
    let body = match read_body(&mut req).await {
        Ok(body) => body,
        Err(e) => return to_response(e.to_response()),
    };
    let headers = req.headers().entries().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect();
    let api_req = ApiRequest {
        method: req.method().to_string().to_ascii_uppercase(),
        origin,
        path,
        query,
        headers,
        body,
    };
    let config = config(&env);
    if config.token_secret.len() < 32 {
        return to_response(
            ApiError::new(503, "not_configured", "TOKEN_SECRET is not set (32+ bytes)").to_response(),
        );
    }
    let Some(kv) = Kv::from_env(&env, "PUSHAUTH_KV") else {
        return to_response(
            ApiError::new(503, "not_configured", "the PUSHAUTH_KV binding is missing").to_response(),
        );
    };
    let store = Cached { inner: &kv, cache: config_cache(), now: now() };
    let app = App {
        store: &store,
        config: &config,
        now: now(),
        random: &random,
        background: RefCell::new(Vec::new()),
        web_pushes: RefCell::new(Vec::new()),
    };
    let response = router::handle(&app, &api_req).await;
    let deliveries = app.background.take();
    let pushes = app.web_pushes.take();
    if !pushes.is_empty() {
        let env = env.clone();
        ctx.wait_until(async move {
            let Some(kv) = Kv::from_env(&env, "PUSHAUTH_KV") else { return };
            let store = Cached { inner: &kv, cache: config_cache(), now: now() };
            for push in &pushes {
                if let Err(e) = web_push::send(&store, &WorkerFetch, push).await {
                    worker::console_error!("web push bookkeeping failed: {}", e.code);
                }
            }
        });
    }
    if !deliveries.is_empty() {
        let base_delay = config.outbox_base_delay_secs;
        ctx.wait_until(async move {
            let Some(kv) = Kv::from_env(&env, "PUSHAUTH_KV") else { return };
            let store = Cached { inner: &kv, cache: config_cache(), now: now() };
            for delivery in deliveries {
                if let Err(e) = attempt_best_effort(&store, &WorkerFetch, delivery, now(), base_delay).await {
                    worker::console_error!("delivery bookkeeping failed: {}", e.code);
                }
            }
        });
    }
    to_response(response)
}

/// The cron trigger: retries every due delivery in the outbox.
#[event(scheduled)]
pub async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let config = config(&env);
    let Some(kv) = Kv::from_env(&env, "PUSHAUTH_KV") else {
        worker::console_error!("scheduled: no PUSHAUTH_KV binding");
        return;
    };
    // Through the cache too: one instance of the store-generic code in the wasm, not two.
    let store = Cached { inner: &kv, cache: config_cache(), now: now() };
    match run_due(&store, &WorkerFetch, now(), config.outbox_base_delay_secs).await {
        Ok(report) => worker::console_log!(
            "outbox: {} pending, {} attempted, {} delivered",
            report.seen,
            report.attempted,
            report.delivered
        ),
        Err(e) => worker::console_error!("outbox run failed: {}", e.code),
    }
}
