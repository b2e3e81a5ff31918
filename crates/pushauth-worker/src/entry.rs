//! The Worker's fetch handler: converts the request, builds the context, runs the router.

use worker::{event, Context, Env, Request, Response, Result};

use crate::api_error::ApiError;
use crate::app::{App, Config};
use crate::http::{ApiRequest, ApiResponse, MAX_BODY};
use crate::kv_store::Kv;
use crate::router;

fn var(env: &Env, name: &str) -> String {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .unwrap_or_default()
}

fn random(bytes: &mut [u8]) -> core::result::Result<(), ApiError> {
    getrandom::getrandom(bytes).map_err(|_| {
        ApiError::new(
            503,
            "random_unavailable",
            "no randomness available; try again",
        )
    })
}

fn to_response(api: ApiResponse) -> Result<Response> {
    let mut response = Response::from_bytes(api.body)?.with_status(api.status);
    let headers = response.headers_mut();
    for (name, value) in &api.headers {
        headers.set(name, value)?;
    }
    Ok(response)
}

/// Routes every request that is not a static asset.
#[event(fetch)]
pub async fn fetch(mut req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let url = req.url()?;
    let declared = req
        .headers()
        .get("content-length")?
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    if declared > MAX_BODY {
        return to_response(ApiError::too_large().to_response());
    }
    let body = req.bytes().await.unwrap_or_default();
    let headers = req
        .headers()
        .entries()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect();
    let api_req = ApiRequest {
        method: req.method().to_string().to_ascii_uppercase(),
        origin: url.origin().ascii_serialization(),
        path: url.path().to_owned(),
        query: url.query().unwrap_or("").to_owned(),
        headers,
        body,
    };
    let config = Config {
        token_secret: var(&env, "TOKEN_SECRET"),
        admin_token: var(&env, "ADMIN_TOKEN"),
        public_base_url: var(&env, "PUBLIC_BASE_URL"),
        allow_loopback: var(&env, "ALLOW_LOOPBACK_URLS") == "true",
    };
    if config.token_secret.len() < 32 {
        return to_response(
            ApiError::new(503, "not_configured", "TOKEN_SECRET is not set (32+ bytes)")
                .to_response(),
        );
    }
    let store = Kv(env.kv("PUSHAUTH_KV")?);
    let app = App {
        store: &store,
        config: &config,
        now: worker::Date::now().as_millis(),
        random: &random,
    };
    to_response(router::handle(&app, &api_req).await)
}
