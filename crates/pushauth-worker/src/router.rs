//! Request handling: the path is decoded once, resolved against the route table
//! ([`crate::route_table`]) and dispatched to its handler. Every error becomes a JSON error
//! response; nothing here panics on input.

#[cfg(feature = "demo")]
use core::future::Future;

use pushauth_core::authsignal_mobile::NoncePurpose;
use pushauth_core::ids::ActionCode;
use pushauth_core::signature::KeyId;

use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::cors;
use crate::health::health;
use crate::http::{ApiRequest, ApiResponse, MAX_BODY};
use crate::path_ids::{ActionKey, AdminTenant, UserCall};
use crate::route_table::{resolve, Route};
#[cfg(feature = "demo")]
use crate::routes::demo;
use crate::routes::{
    admin, admin_list, admin_users, bench, client, device, evidence, mobile, privakey, server, users,
    web_push,
};
use crate::scope;
use crate::simple_request;
use crate::sockets;
use crate::store::Store;
use crate::tenant_epoch;

/// Decodes a percent-encoded path segment; malformed escapes or non-UTF-8 are refused.
pub fn decode_segment(segment: &str) -> Result<String, ApiError> {
    pushauth_core::encoding::percent_decode(segment, false).ok_or_else(|| {
        ApiError::new(ErrorCode::InvalidPath, "the URL path is not valid percent-encoded UTF-8")
    })
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
    // A call in the simple-request form (no preflight) is read as the header form from here on.
    let simple = if client { simple_request::header_form(req) } else { None };
    let req = simple.as_ref().unwrap_or(req);
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

#[cfg(feature = "demo")]
/// The service as the demo backend calls it ([`demo::backend`]): every request goes through
/// [`handle`], so it is authenticated and routed (to the user's object, in the front Worker) as
/// one from the network is.
struct FrontDoor<'r, 'a, S: Store>(&'r App<'a, S>);

#[cfg(feature = "demo")]
impl<S: Store> demo::backend::Service for FrontDoor<'_, '_, S> {
    fn handle<'q>(&'q self, req: &'q ApiRequest) -> impl Future<Output = ApiResponse> + 'q {
        // Boxed: this future is part of the one `handle` answers with (the demo's route).
        Box::pin(handle(self.0, req))
    }
}

/// Resolves the route (a path no route knows is answered here, before anything is read); in
/// the front Worker, sends a request about a user to that user's object (`scope.rs`); handles
/// everything else here.
async fn dispatch<S: Store>(app: &App<'_, S>, req: &ApiRequest, s: &[&str]) -> Result<ApiResponse, ApiError> {
    let (route, params) = match resolve(app.config, &req.method, s) {
        Ok(found) => found,
        Err(miss) => return Ok(miss.to_response()),
    };
    if let Some(objects) = app.front {
        if let Some(name) = scope::object_for(app, req, route, params.as_slice()).await? {
            return objects.forward(&name, &tenant_epoch::forwarded(req, &name)).await;
        }
    }
    run(app, req, route, params.as_slice()).await
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
    let (route, params) = match resolve(app.config, &req.method, &s) {
        Ok(found) => found,
        Err(miss) => return Some(Err(miss.to_response())),
    };
    Some(match scope::object_for(app, req, route, params.as_slice()).await {
        Ok(Some(name)) => Ok(name),
        Ok(None) => Err(ApiError::not_found(ErrorCode::RouteNotFound, "route").to_response()),
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
    let response = match resolve(app.config, &req.method, &s) {
        Ok((route, params)) => match tenant_epoch::clear_if_stale(app, req).await {
            Ok(()) => run(app, req, route, params.as_slice()).await,
            Err(e) => Err(e),
        },
        Err(miss) => return miss.to_response(),
    };
    response.unwrap_or_else(|e| e.to_response())
}

/// Runs the handler of a route resolved from [`ROUTES`](crate::route_table::ROUTES), with the
/// path parameters its pattern names, in order.
async fn run<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    route: Route,
    params: &[&str],
) -> Result<ApiResponse, ApiError> {
    match (route, params) {
        (Route::Health, []) => Ok(ApiResponse::json(200, &health())),
        (Route::BenchVerify, []) => bench::verify(req).await,

        (Route::CreateTenant, []) => admin::create(app, req).await,
        // Path identifiers are parsed here, once the caller is known (`path_ids.rs`).
        (Route::GetTenant, [id]) => admin::read(app, AdminTenant::authorize(app, req, id)?).await,
        (Route::UpdateTenant, [id]) => admin::update(app, req, AdminTenant::authorize(app, req, id)?).await,
        (Route::DeleteTenant, [id]) => admin::remove(app, AdminTenant::authorize(app, req, id)?).await,
        (Route::RotateTenantSecret, [id]) => admin::rotate(app, AdminTenant::authorize(app, req, id)?).await,
        (Route::ListTenants, []) => admin_list::list(app, req).await,
        (Route::AdminGetUser, [tenant, user]) => {
            admin_users::get_user(app, &UserCall::authorize_admin(app, req, tenant, user).await?).await
        }
        (Route::AdminDeleteAuthenticator, [tenant, user, key]) => {
            let call = UserCall::authorize_admin(app, req, tenant, user).await?;
            server::remove_authenticator(app, &call, &KeyId::parse(key)?).await
        }
        (Route::AdminGetDeliveries, [tenant, id]) => {
            admin_users::deliveries(app, &AdminTenant::authorize(app, req, tenant)?, id).await
        }
        (Route::AdminRetryDelivery, [tenant, id, delivery]) => {
            admin_users::retry_delivery(app, &AdminTenant::authorize(app, req, tenant)?, id, delivery).await
        }

        (Route::GetUser, [user]) => users::get_user(app, &UserCall::authorize(app, req, user).await?).await,
        (Route::UpdateUser, [user]) => {
            users::update_user(app, req, &UserCall::authorize(app, req, user).await?).await
        }
        (Route::DeleteUser, [user]) => {
            users::delete_user(app, req, &UserCall::authorize(app, req, user).await?).await
        }
        (Route::QueryUserActions, [user]) => {
            users::query_actions(app, req, &UserCall::authorize(app, req, user).await?).await
        }
        (Route::Track, [user, action]) => {
            let call = UserCall::authorize(app, req, user).await?;
            server::track(app, req, &call, &ActionCode::parse(action)?).await
        }
        (Route::GetAction, [user, action, idem]) => {
            let call = UserCall::authorize(app, req, user).await?;
            server::get_action(app, &call, &ActionKey::parse(action, idem)?).await
        }
        (Route::GetActionEvidence, [user, action, idem]) => {
            let call = UserCall::authorize(app, req, user).await?;
            evidence::action_evidence(app, &call, &ActionKey::parse(action, idem)?).await
        }
        (Route::UpdateAction, [user, action, idem]) => {
            let call = UserCall::authorize(app, req, user).await?;
            server::update_action(app, req, &call, &ActionKey::parse(action, idem)?).await
        }
        (Route::GetAuthenticators, [user]) => {
            server::list_authenticators(app, &UserCall::authorize(app, req, user).await?).await
        }
        (Route::DeleteAuthenticator, [user, key]) => {
            let call = UserCall::authorize(app, req, user).await?;
            server::remove_authenticator(app, &call, &KeyId::parse(key)?).await
        }
        (Route::UnblockUser, [user]) => {
            server::unblock(app, &UserCall::authorize(app, req, user).await?).await
        }
        (Route::ValidateChallenge, []) => server::validate(app, req).await,
        (Route::GetChallengeDeliveries, [id]) => privakey::deliveries(app, req, id).await,
        (Route::GetChallengeEvidence, [id]) => evidence::evidence(app, req, id).await,

        (Route::AddRequest, []) => privakey::add(app, req).await,
        (Route::GetRequest, [guid]) => privakey::get(app, req, guid).await,
        (Route::CancelRequest, [guid]) => privakey::cancel(app, req, guid).await,
        (Route::GetRequestDeliveries, [guid]) => privakey::deliveries(app, req, guid).await,
        (Route::GetRequestEvidence, [guid]) => evidence::evidence(app, req, guid).await,

        (Route::ChallengePush, []) => client::challenge_push(app, req).await,
        (Route::VerifyPush, []) => client::verify_push(app, req).await,
        // The Authsignal mobile SDKs' enrolment differs from ours only in its answer's shape.
        (Route::EnrolDevice, []) if mobile::is_mobile_enrolment(req) => mobile::enrol(app, req).await,
        (Route::EnrolDevice, []) => client::enrol(app, req).await,
        (Route::GetHostedConfig, []) => client::hosted_config(app, req).await,

        (Route::GetMobileCredential, []) => mobile::credential(app, req).await,
        (Route::UpdateMobileCredential, []) => mobile::update_credential(app, req).await,
        (Route::IssueMobileUpdateMessage, []) => {
            mobile::issue_message(app, req, NoncePurpose::UpdateCredential).await
        }
        (Route::RemoveMobileCredential, []) => mobile::remove(app, req).await,
        (Route::IssueMobileChallengeMessage, []) => {
            mobile::issue_message(app, req, NoncePurpose::ReadChallenges).await
        }
        (Route::GetMobileChallenge, []) => mobile::pending(app, req).await,
        (Route::AnswerMobileChallenge, []) => mobile::answer(app, req).await,
        // Reached only without `Upgrade: websocket`: the object takes upgrades itself.
        (Route::ChallengeSocket | Route::DeviceSocket, []) => Err(sockets::upgrade_required()),
        (Route::IssueSocketTicket, []) => sockets::issue_ticket(app, req).await,

        (Route::GetPendingChallenges, []) => device::pending(app, req).await,
        (Route::AnswerChallenge, [id]) => device::answer(app, req, id).await,
        (Route::UpdateCredential, []) => device::update_credential(app, req).await,
        (Route::DeleteCredential, []) => device::remove_credential(app, req).await,
        (Route::GetVapidKey, []) => web_push::vapid_key(app).await,
        (Route::SubscribeWebPush, []) => web_push::subscribe(app, req).await,
        (Route::UnsubscribeWebPush, []) => web_push::unsubscribe(app, req).await,

        // The demo backend calls the service through this router, as a backend over HTTP would.
        #[cfg(feature = "demo")]
        (Route::DemoSignIn, []) => demo::sign_in(app, req, &FrontDoor(app)).await,
        #[cfg(feature = "demo")]
        (Route::DemoSession, []) => demo::session(app, req, &FrontDoor(app)).await,
        #[cfg(feature = "demo")]
        (Route::DemoEnroll, []) => demo::enroll(app, req, &FrontDoor(app)).await,
        #[cfg(feature = "demo")]
        (Route::DemoPayment, []) => demo::payment(app, req, &FrontDoor(app)).await,
        #[cfg(feature = "demo")]
        (Route::DemoPaymentStatus, [guid]) => demo::payment_status(app, guid).await,
        #[cfg(feature = "demo")]
        (Route::DemoCallback, []) => demo::callback(app, req).await,
        // A deployment build has no demo backend (`demo` feature off): its routes stay in the
        // table, so they answer as a deployment whose demo is off would.
        #[cfg(not(feature = "demo"))]
        (
            Route::DemoSignIn
            | Route::DemoSession
            | Route::DemoEnroll
            | Route::DemoPayment
            | Route::DemoPaymentStatus
            | Route::DemoCallback,
            _,
        ) => Err(ApiError::not_found(ErrorCode::DemoDisabled, "demo")),

        // A row whose pattern names other parameters than its arm: `route_table/tests.rs`
        // sends every row through here, so this is never reached.
        _ => Err(ApiError::not_found(ErrorCode::RouteNotFound, "route")),
    }
}
