//! The route table: method and path to handler. Every error becomes a JSON error response;
//! nothing here panics on input.

use crate::api_error::ApiError;
use crate::app::App;
use crate::cors;
use crate::health::health;
use crate::http::{ApiRequest, ApiResponse, MAX_BODY};
use crate::routes::{admin, bench, client, demo, device, privakey, server, users, web_push};
use crate::scope;
use crate::sockets;
use crate::store::Store;

/// Decodes a percent-encoded path segment; malformed escapes or non-UTF-8 are refused.
pub fn decode_segment(segment: &str) -> Result<String, ApiError> {
    pushauth_core::encoding::percent_decode(segment, false)
        .ok_or_else(|| ApiError::new(400, "invalid_path", "the URL path is not valid percent-encoded UTF-8"))
}

/// Splits a request path into its percent-decoded segments, once: the CORS decision and the
/// route table both read these, so no spelling of a path (`//v1/…`, `/v1/%63lient/…`) can be
/// routed as one path and checked as another.
pub fn path_segments(path: &str) -> Result<Vec<String>, ApiError> {
    path.trim_start_matches('/').trim_end_matches('/').split('/').map(decode_segment).collect()
}

/// Handles one request.
pub async fn handle<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> ApiResponse {
    if req.body.len() > MAX_BODY {
        return ApiError::too_large().to_response();
    }
    let segments = match path_segments(&req.path) {
        Ok(segments) => segments,
        Err(e) => return e.to_response(),
    };
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let client = cors::is_client_path(&s);
    if client && req.method == "OPTIONS" {
        return cors::preflight(req);
    }
    let allow_origin = if client {
        match cors::check_origin(app, req).await {
            Ok(origin) => origin,
            // The refusal itself is readable, so SDKs report `origin_not_allowed`, not a network
            // error; nothing ran.
            Err(e) => {
                let origin = req.header("origin").unwrap_or("null").to_owned();
                return cors::with_cors(e.to_response(), &origin);
            }
        }
    } else {
        None
    };
    let response = match dispatch(app, req, &s).await {
        Ok(response) => response,
        Err(e) => e.to_response(),
    };
    match allow_origin {
        Some(origin) => cors::with_cors(response, &origin),
        None => response,
    }
}

/// In the front Worker, sends a request about a user to that user's object (`scope.rs`);
/// handles everything else here.
async fn dispatch<S: Store>(app: &App<'_, S>, req: &ApiRequest, s: &[&str]) -> Result<ApiResponse, ApiError> {
    if let Some(objects) = app.front {
        if let Some(name) = scope::object_for(app, req, s).await? {
            return objects.forward(&name, req).await;
        }
    }
    route(app, req, s).await
}

/// In the front Worker, for a WebSocket request (`Upgrade: websocket`) to a socket path
/// (`sockets.rs`): the object that is to hold the socket, after the checks every client call
/// gets (size, path, the page's origin). `None` when the path is no socket path: the request is
/// handled as any other. An error is answered as a plain HTTP response, which the client sees
/// as a failed handshake.
pub async fn socket_target<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
) -> Option<Result<String, ApiResponse>> {
    let segments = match path_segments(&req.path) {
        Ok(segments) => segments,
        Err(e) => return Some(Err(e.to_response())),
    };
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    if !crate::sockets::is_socket_path(&s) || req.method != "GET" {
        return None;
    }
    if req.body.len() > MAX_BODY {
        return Some(Err(ApiError::too_large().to_response()));
    }
    // Browsers apply no CORS to WebSockets: the page's origin is checked here instead.
    if cors::is_client_path(&s) {
        if let Err(e) = cors::check_origin(app, req).await {
            return Some(Err(e.to_response()));
        }
    }
    Some(match scope::object_for(app, req, &s).await {
        Ok(Some(name)) => Ok(name),
        Ok(None) => Err(ApiError::not_found("route_not_found", "route").to_response()),
        Err(e) => Err(e.to_response()),
    })
}

/// Handles a request inside a user's object: the front Worker already checked its size and
/// its CORS origin, and chose the object.
pub async fn handle_in_object<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> ApiResponse {
    let segments = match path_segments(&req.path) {
        Ok(segments) => segments,
        Err(e) => return e.to_response(),
    };
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    match route(app, req, &s).await {
        Ok(response) => response,
        Err(e) => e.to_response(),
    }
}

async fn route<S: Store>(app: &App<'_, S>, req: &ApiRequest, s: &[&str]) -> Result<ApiResponse, ApiError> {
    let m = req.method.as_str();
    match (m, s) {
        ("GET", ["health"]) => Ok(ApiResponse::json(200, &health())),
        ("POST", ["__bench", "verify"]) if app.config.bench_routes => bench::verify(req).await,

        ("POST", ["admin", "tenants"]) => admin::create(app, req).await,
        ("GET", ["admin", "tenants", id]) => admin::read(app, req, id).await,
        ("PATCH", ["admin", "tenants", id]) => admin::update(app, req, id).await,
        ("DELETE", ["admin", "tenants", id]) => admin::remove(app, req, id).await,
        ("POST", ["admin", "tenants", id, "rotate-secret"]) => admin::rotate(app, req, id).await,

        ("GET", ["v1", "users", user]) => users::get_user(app, req, user).await,
        ("PATCH", ["v1", "users", user]) => users::update_user(app, req, user).await,
        ("DELETE", ["v1", "users", user]) => users::delete_user(app, req, user).await,
        ("GET", ["v1", "users", user, "actions"]) => users::query_actions(app, req, user).await,
        ("POST", ["v1", "users", user, "actions", action]) => server::track(app, req, user, action).await,
        ("GET", ["v1", "users", user, "actions", action, idem]) => {
            server::get_action(app, req, user, action, idem).await
        }
        ("PATCH", ["v1", "users", user, "actions", action, idem]) => {
            server::update_action(app, req, user, action, idem).await
        }
        ("GET", ["v1", "users", user, "authenticators"]) => server::list_authenticators(app, req, user).await,
        ("DELETE", ["v1", "users", user, "authenticators", key]) => {
            server::remove_authenticator(app, req, user, key).await
        }
        ("POST", ["v1", "validate"]) => server::validate(app, req).await,
        ("DELETE", ["v1", "users", user, "block"]) => server::unblock(app, req, user).await,
        ("GET", ["v1", "challenges", id, "deliveries"]) => privakey::deliveries(app, req, id).await,

        ("POST", ["request", "add"]) => privakey::add(app, req).await,
        ("GET", ["request", guid]) => privakey::get(app, req, guid).await,
        ("POST", ["request", guid, "cancel"]) => privakey::cancel(app, req, guid).await,
        ("GET", ["request", guid, "deliveries"]) => privakey::deliveries(app, req, guid).await,

        ("POST", ["v1", "client", "challenge", "push"]) => client::challenge_push(app, req).await,
        ("POST", ["v1", "client", "verify", "push"]) => client::verify_push(app, req).await,
        ("POST", ["v1", "client", "user-authenticators", "push"]) => client::enrol(app, req).await,
        ("GET", ["v1", "client", "hosted"]) => client::hosted_config(app, req).await,
        // Reached only without `Upgrade: websocket`: the object takes upgrades itself.
        ("GET", ["v1", "client", "push", "ws"] | ["v1", "device", "ws"]) => Err(sockets::upgrade_required()),
        ("POST", ["v1", "device", "ws-ticket"]) => sockets::issue_ticket(app, req).await,

        ("GET", ["v1", "device", "challenges"]) => device::pending(app, req).await,
        ("POST", ["v1", "device", "challenges", id, "answer"]) => device::answer(app, req, id).await,
        ("PATCH", ["v1", "device", "credential"]) => device::update_credential(app, req).await,
        ("DELETE", ["v1", "device", "credential"]) => device::remove_credential(app, req).await,
        ("GET", ["v1", "device", "web-push"]) => web_push::vapid_key(app).await,
        ("PUT", ["v1", "device", "web-push"]) => web_push::subscribe(app, req).await,
        ("DELETE", ["v1", "device", "web-push"]) => web_push::unsubscribe(app, req).await,

        ("POST", ["demo", "api", "sign-in"]) => demo::sign_in(app, req).await,
        ("POST", ["demo", "api", "session"]) => demo::session(app, req).await,
        ("POST", ["demo", "api", "enroll"]) => demo::enroll(app, req).await,
        ("POST", ["demo", "api", "payment"]) => demo::payment(app, req).await,
        ("GET", ["demo", "api", "payment", guid]) => demo::payment_status(app, guid).await,
        ("POST", ["demo", "api", "callback"]) => demo::callback(app, req).await,

        // The method is not echoed: descriptions never repeat what the request sent.
        (_, path) if known_path(path) => {
            Err(ApiError::new(405, "method_not_allowed", "this method is not allowed on this path"))
        }
        _ => Err(ApiError::not_found("route_not_found", "route")),
    }
}

fn known_path(s: &[&str]) -> bool {
    matches!(
        s,
        ["health"]
            | ["admin", "tenants", ..]
            | ["v1", "users", ..]
            | ["v1", "validate"]
            | ["v1", "challenges", ..]
            | ["request", ..]
            | ["demo", "api", ..]
            | ["v1", "client", ..]
            | ["v1", "device", ..]
    )
}
