//! CORS for the client API: a browser on another origin may call it only if the token's tenant
//! lists that origin. The check happens before the route runs, so a disallowed origin causes no
//! side effect (not just an unreadable response).

use pushauth_core::token::{self, TokenKind};

use crate::api_error::ApiError;
use crate::app::App;
use crate::auth::load_tenant;
use crate::http::{ApiRequest, ApiResponse};
use crate::store::Store;

/// Whether a path belongs to the browser-facing client API.
pub fn is_client_path(path: &str) -> bool {
    path.starts_with("/v1/client/")
}

/// Adds the CORS headers of an actual (not preflight) response for `origin`, exposing
/// `Retry-After` so a browser SDK can honour 429s.
pub fn with_cors(response: ApiResponse, origin: &str) -> ApiResponse {
    response
        .with_header("access-control-allow-origin", origin)
        .with_header("access-control-expose-headers", "Retry-After")
        .with_header("vary", "Origin")
}

/// The answer to a CORS preflight. It reveals nothing: the real request is checked against
/// the tenant's origins before it runs.
pub fn preflight(req: &ApiRequest) -> ApiResponse {
    let origin = req.header("origin").unwrap_or("*");
    ApiResponse::empty(204)
        .with_header("access-control-allow-origin", origin)
        .with_header("access-control-allow-methods", "GET, POST, OPTIONS")
        .with_header("access-control-allow-headers", "authorization, content-type")
        .with_header("access-control-max-age", "600")
        .with_header("vary", "Origin")
}

/// Checks a client API request's `Origin`. Returns the origin to echo in
/// `Access-Control-Allow-Origin`, or `None` for same-origin and non-browser calls.
pub async fn check_origin<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<Option<String>, ApiError> {
    let Some(origin) = req.header("origin") else {
        return Ok(None);
    };
    if origin == req.origin {
        return Ok(None);
    }
    let denied = || {
        ApiError::new(
            403,
            "origin_not_allowed",
            format!("the origin {origin} is not allowed for this tenant"),
        )
    };
    // Without a valid token there is no tenant to ask; the route itself reports the token error.
    let bearer = req.header("authorization").and_then(|h| h.strip_prefix("Bearer "));
    let Some(claims) = bearer
        .and_then(|t| token::verify(app.config.token_secret.as_bytes(), TokenKind::Track, t, app.now).ok())
    else {
        return Ok(Some(origin.to_owned()));
    };
    let tenant = load_tenant(app, &claims.tid).await.map_err(|_| denied())?;
    if tenant.allows_origin(origin) {
        Ok(Some(origin.to_owned()))
    } else {
        Err(denied())
    }
}
