//! CORS for the client API: a browser on another origin may call it only if the token's tenant
//! lists that origin. The check happens before the route runs, so a disallowed origin causes no
//! side effect (not just an unreadable response).

use pushauth_core::token::{self, TokenKind};

use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::auth::load_tenant;
use crate::http::{ApiRequest, ApiResponse};
use crate::store::Store;

/// Whether a path, as the router's decoded segments ([`crate::router::path_segments`]), belongs
/// to the browser-facing client API. Deciding on the raw path would let another spelling of the
/// same route (`//v1/client/…`, `/v1/%63lient/…`) skip the origin check.
pub fn is_client_path(segments: &[&str]) -> bool {
    matches!(segments, ["v1", "client", _, ..])
}

/// Adds the CORS headers of an actual (not preflight) response for `origin`, exposing
/// `Retry-After` so a browser SDK can honour 429s.
pub fn with_cors(response: ApiResponse, origin: &str) -> ApiResponse {
    response
        .with_header("access-control-allow-origin", origin)
        .with_header("access-control-expose-headers", "Retry-After, Allow")
        .with_header("vary", "Origin")
}

/// The answer to a CORS preflight. It reveals nothing: the real request is checked against
/// the tenant's origins before it runs. Browsers may keep it two hours (Chromium's cap; Firefox
/// allows a day): a user signing in again within that time sends no preflight.
pub fn preflight(req: &ApiRequest) -> ApiResponse {
    let origin = req.header("origin").unwrap_or("*");
    ApiResponse::empty(204)
        .with_header("access-control-allow-origin", origin)
        .with_header("access-control-allow-methods", "GET, POST, OPTIONS")
        .with_header("access-control-allow-headers", "authorization, content-type")
        .with_header("access-control-max-age", "7200")
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
    // The origin is not echoed: descriptions never repeat what the request sent.
    let denied = || ApiError::new(ErrorCode::OriginNotAllowed, "this origin is not allowed for this tenant");
    // Without a valid token there is no tenant to ask; the route itself reports the token error.
    // A WebSocket offers its token as a subprotocol (`sockets.rs`).
    let bearer = req
        .header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .or_else(|| crate::sockets::offered_token(req));
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

#[cfg(test)]
mod tests {
    use super::is_client_path;
    use crate::router::path_segments;

    #[test]
    fn every_spelling_of_a_client_path_is_a_client_path() {
        for path in ["/v1/client/hosted", "//v1/client/hosted", "/v1/%63lient/hosted", "/%761/client/hosted/"]
        {
            let segments = path_segments(path).unwrap();
            let s: Vec<&str> = segments.iter().map(String::as_str).collect();
            assert!(is_client_path(&s), "{path}");
        }
        for path in ["/v1/device/challenges", "/v1/client", "/v1/clients/x", "/v1/client%2Fhosted"] {
            let segments = path_segments(path).unwrap();
            let s: Vec<&str> = segments.iter().map(String::as_str).collect();
            assert!(!is_client_path(&s), "{path}");
        }
    }
}
