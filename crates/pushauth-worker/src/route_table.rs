//! Every route of the Worker, once: its method, its path pattern and its [`Route`].
//!
//! [`ROUTES`] is the one description of the HTTP surface. The router resolves each request
//! against it ([`resolve`]) and dispatches on the [`Route`] it finds; a path that no pattern
//! matches is `404 route_not_found`, and a path whose pattern exists only with other methods is
//! `405 method_not_allowed` with an `Allow` header ([`Miss`]). `docs/openapi.json` documents
//! exactly these routes: a test (`route_table/openapi_check.rs`) fails when the two disagree.
//!
//! A pattern is the path as OpenAPI writes it: literal segments, and `{name}` for a segment
//! that is a parameter (matched against the percent-decoded segments of
//! [`crate::router::path_segments`], so `%2F` inside an id is one segment).

use crate::api_error::{ApiError, ErrorCode};
use crate::app::Config;
use crate::http::ApiResponse;

/// A route of the Worker. Its variant name, with a lowercase first letter, is the
/// `operationId` of the operation in `docs/openapi.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Route {
    /// `GET /health`.
    Health,
    /// `POST /__bench/verify`: only with `BENCH_ROUTES=true` ([`Route::available`]).
    BenchVerify,
    /// `POST /admin/tenants`.
    CreateTenant,
    /// `GET /admin/tenants/{tenantId}`.
    GetTenant,
    /// `PATCH /admin/tenants/{tenantId}`.
    UpdateTenant,
    /// `DELETE /admin/tenants/{tenantId}`.
    DeleteTenant,
    /// `POST /admin/tenants/{tenantId}/rotate-secret`.
    RotateTenantSecret,
    /// `GET /admin/tenants`.
    ListTenants,
    /// `GET /admin/tenants/{tenantId}/users/{userId}` (`routes/admin_users.rs`, as the three
    /// below).
    AdminGetUser,
    /// `DELETE /admin/tenants/{tenantId}/users/{userId}/authenticators/{userAuthenticatorId}`.
    AdminDeleteAuthenticator,
    /// `GET /admin/tenants/{tenantId}/challenges/{challengeId}/deliveries`.
    AdminGetDeliveries,
    /// `POST /admin/tenants/{tenantId}/challenges/{challengeId}/deliveries/{deliveryId}/retry`.
    AdminRetryDelivery,
    /// `GET /v1/users/{userId}`.
    GetUser,
    /// `PATCH /v1/users/{userId}`.
    UpdateUser,
    /// `DELETE /v1/users/{userId}`.
    DeleteUser,
    /// `GET /v1/users/{userId}/actions`.
    QueryUserActions,
    /// `POST /v1/users/{userId}/actions/{action}`.
    Track,
    /// `GET /v1/users/{userId}/actions/{action}/{idempotencyKey}`.
    GetAction,
    /// `GET /v1/users/{userId}/actions/{action}/{idempotencyKey}/evidence`.
    GetActionEvidence,
    /// `PATCH /v1/users/{userId}/actions/{action}/{idempotencyKey}`.
    UpdateAction,
    /// `GET /v1/users/{userId}/authenticators`.
    GetAuthenticators,
    /// `DELETE /v1/users/{userId}/authenticators/{userAuthenticatorId}`.
    DeleteAuthenticator,
    /// `DELETE /v1/users/{userId}/block`.
    UnblockUser,
    /// `POST /v1/validate`.
    ValidateChallenge,
    /// `GET /v1/challenges/{challengeId}/deliveries`.
    GetChallengeDeliveries,
    /// `GET /v1/challenges/{challengeId}/evidence`.
    GetChallengeEvidence,
    /// `POST /request/add`.
    AddRequest,
    /// `GET /request/{guid}`.
    GetRequest,
    /// `POST /request/{guid}/cancel`.
    CancelRequest,
    /// `GET /request/{guid}/deliveries`.
    GetRequestDeliveries,
    /// `GET /request/{guid}/evidence`.
    GetRequestEvidence,
    /// `POST /v1/client/challenge/push`.
    ChallengePush,
    /// `POST /v1/client/verify/push`.
    VerifyPush,
    /// `POST /v1/client/user-authenticators/push`.
    EnrolDevice,
    /// `GET /v1/client/hosted`.
    GetHostedConfig,
    /// `GET /v1/client/user-authenticators/push?publicKey=`: the Authsignal mobile SDKs'
    /// `getCredential` (`routes/mobile.rs`, as the six below).
    GetMobileCredential,
    /// `PATCH /v1/client/user-authenticators/push`: `updateCredential`, step 2.
    UpdateMobileCredential,
    /// `POST /v1/client/user-authenticators/push/sign?publicKey=`: `updateCredential`, step 1.
    IssueMobileUpdateMessage,
    /// `POST /v1/client/user-authenticators/push/remove`: `removeCredential`.
    RemoveMobileCredential,
    /// `POST /v1/client/user-authenticators/push/challenge/sign?publicKey=`: `getChallenge`,
    /// step 1.
    IssueMobileChallengeMessage,
    /// `GET /v1/client/user-authenticators/push/challenge?publicKey=`: `getChallenge`, step 2.
    GetMobileChallenge,
    /// `POST /v1/client/user-authenticators/push/challenge`: `updateChallenge`.
    AnswerMobileChallenge,
    /// `GET /v1/client/push/ws`: reached without `Upgrade: websocket` only (the object takes
    /// upgrades itself).
    ChallengeSocket,
    /// `GET /v1/device/ws`: as [`Route::ChallengeSocket`].
    DeviceSocket,
    /// `POST /v1/device/ws-ticket`.
    IssueSocketTicket,
    /// `GET /v1/device/challenges`.
    GetPendingChallenges,
    /// `POST /v1/device/challenges/{challengeId}/answer`.
    AnswerChallenge,
    /// `PATCH /v1/device/credential`.
    UpdateCredential,
    /// `DELETE /v1/device/credential`.
    DeleteCredential,
    /// `GET /v1/device/web-push`.
    GetVapidKey,
    /// `PUT /v1/device/web-push`.
    SubscribeWebPush,
    /// `DELETE /v1/device/web-push`.
    UnsubscribeWebPush,
    /// `POST /demo/api/sign-in`.
    DemoSignIn,
    /// `POST /demo/api/session`.
    DemoSession,
    /// `POST /demo/api/enroll`.
    DemoEnroll,
    /// `POST /demo/api/payment`.
    DemoPayment,
    /// `GET /demo/api/payment/{guid}`.
    DemoPaymentStatus,
    /// `POST /demo/api/callback`.
    DemoCallback,
}

/// One row of the route table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {
    /// The HTTP method, uppercase.
    pub method: &'static str,
    /// The path pattern: `/`-separated literal segments and `{name}` parameters.
    pub path: &'static str,
    /// The route.
    pub route: Route,
}

const fn spec(method: &'static str, path: &'static str, route: Route) -> RouteSpec {
    RouteSpec { method, path, route }
}

/// The route table. The first row that matches a request wins (`GET /request/add` is
/// [`Route::GetRequest`] with the guid `add`, refused as a bad id).
pub const ROUTES: &[RouteSpec] = &[
    spec("GET", "/health", Route::Health),
    spec("POST", "/__bench/verify", Route::BenchVerify),
    // Admin API.
    spec("POST", "/admin/tenants", Route::CreateTenant),
    spec("GET", "/admin/tenants/{tenantId}", Route::GetTenant),
    spec("PATCH", "/admin/tenants/{tenantId}", Route::UpdateTenant),
    spec("DELETE", "/admin/tenants/{tenantId}", Route::DeleteTenant),
    spec("POST", "/admin/tenants/{tenantId}/rotate-secret", Route::RotateTenantSecret),
    spec("GET", "/admin/tenants", Route::ListTenants),
    spec("GET", "/admin/tenants/{tenantId}/users/{userId}", Route::AdminGetUser),
    spec(
        "DELETE",
        "/admin/tenants/{tenantId}/users/{userId}/authenticators/{userAuthenticatorId}",
        Route::AdminDeleteAuthenticator,
    ),
    spec("GET", "/admin/tenants/{tenantId}/challenges/{challengeId}/deliveries", Route::AdminGetDeliveries),
    spec(
        "POST",
        "/admin/tenants/{tenantId}/challenges/{challengeId}/deliveries/{deliveryId}/retry",
        Route::AdminRetryDelivery,
    ),
    // Server API, Authsignal dialect.
    spec("GET", "/v1/users/{userId}", Route::GetUser),
    spec("PATCH", "/v1/users/{userId}", Route::UpdateUser),
    spec("DELETE", "/v1/users/{userId}", Route::DeleteUser),
    spec("GET", "/v1/users/{userId}/actions", Route::QueryUserActions),
    spec("POST", "/v1/users/{userId}/actions/{action}", Route::Track),
    spec("GET", "/v1/users/{userId}/actions/{action}/{idempotencyKey}", Route::GetAction),
    spec("PATCH", "/v1/users/{userId}/actions/{action}/{idempotencyKey}", Route::UpdateAction),
    spec("GET", "/v1/users/{userId}/actions/{action}/{idempotencyKey}/evidence", Route::GetActionEvidence),
    spec("GET", "/v1/users/{userId}/authenticators", Route::GetAuthenticators),
    spec("DELETE", "/v1/users/{userId}/authenticators/{userAuthenticatorId}", Route::DeleteAuthenticator),
    spec("DELETE", "/v1/users/{userId}/block", Route::UnblockUser),
    spec("POST", "/v1/validate", Route::ValidateChallenge),
    spec("GET", "/v1/challenges/{challengeId}/deliveries", Route::GetChallengeDeliveries),
    spec("GET", "/v1/challenges/{challengeId}/evidence", Route::GetChallengeEvidence),
    // Server API, Privakey CX dialect.
    spec("POST", "/request/add", Route::AddRequest),
    spec("GET", "/request/{guid}", Route::GetRequest),
    spec("POST", "/request/{guid}/cancel", Route::CancelRequest),
    spec("GET", "/request/{guid}/deliveries", Route::GetRequestDeliveries),
    spec("GET", "/request/{guid}/evidence", Route::GetRequestEvidence),
    // Client API (the browser).
    spec("POST", "/v1/client/challenge/push", Route::ChallengePush),
    spec("POST", "/v1/client/verify/push", Route::VerifyPush),
    spec("POST", "/v1/client/user-authenticators/push", Route::EnrolDevice),
    spec("GET", "/v1/client/hosted", Route::GetHostedConfig),
    spec("GET", "/v1/client/push/ws", Route::ChallengeSocket),
    // The Authsignal mobile SDKs' device API (their enrolment is `EnrolDevice`'s row).
    spec("GET", "/v1/client/user-authenticators/push", Route::GetMobileCredential),
    spec("PATCH", "/v1/client/user-authenticators/push", Route::UpdateMobileCredential),
    spec("POST", "/v1/client/user-authenticators/push/sign", Route::IssueMobileUpdateMessage),
    spec("POST", "/v1/client/user-authenticators/push/remove", Route::RemoveMobileCredential),
    spec("POST", "/v1/client/user-authenticators/push/challenge/sign", Route::IssueMobileChallengeMessage),
    spec("GET", "/v1/client/user-authenticators/push/challenge", Route::GetMobileChallenge),
    spec("POST", "/v1/client/user-authenticators/push/challenge", Route::AnswerMobileChallenge),
    // Device API.
    spec("GET", "/v1/device/ws", Route::DeviceSocket),
    spec("POST", "/v1/device/ws-ticket", Route::IssueSocketTicket),
    spec("GET", "/v1/device/challenges", Route::GetPendingChallenges),
    spec("POST", "/v1/device/challenges/{challengeId}/answer", Route::AnswerChallenge),
    spec("PATCH", "/v1/device/credential", Route::UpdateCredential),
    spec("DELETE", "/v1/device/credential", Route::DeleteCredential),
    spec("GET", "/v1/device/web-push", Route::GetVapidKey),
    spec("PUT", "/v1/device/web-push", Route::SubscribeWebPush),
    spec("DELETE", "/v1/device/web-push", Route::UnsubscribeWebPush),
    // The demo site's backend (development only).
    spec("POST", "/demo/api/sign-in", Route::DemoSignIn),
    spec("POST", "/demo/api/session", Route::DemoSession),
    spec("POST", "/demo/api/enroll", Route::DemoEnroll),
    spec("POST", "/demo/api/payment", Route::DemoPayment),
    spec("GET", "/demo/api/payment/{guid}", Route::DemoPaymentStatus),
    spec("POST", "/demo/api/callback", Route::DemoCallback),
];

/// The most parameters a pattern has.
pub const MAX_PARAMS: usize = 3;

/// The parameter segments of a matched path, in the pattern's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params<'a> {
    values: [&'a str; MAX_PARAMS],
    len: usize,
}

impl<'a> Params<'a> {
    /// The parameters, in the pattern's order.
    pub fn as_slice(&self) -> &[&'a str] {
        &self.values[..self.len]
    }
}

impl Route {
    /// Whether the route exists in this deployment: the bench route only with
    /// `BENCH_ROUTES=true`; without it, its path is unknown (404), not a wrong method.
    pub fn available(self, config: &Config) -> bool {
        self != Route::BenchVerify || config.bench_routes
    }
}

/// Why a request matched no route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Miss {
    /// No pattern matches the path: `404 route_not_found`.
    NotFound,
    /// The path exists with these other methods (table order): `405 method_not_allowed`.
    MethodNotAllowed(Vec<&'static str>),
}

impl Miss {
    /// The error response: a 405 lists the path's methods in `Allow` (RFC 9110 §15.5.6).
    pub fn to_response(&self) -> ApiResponse {
        match self {
            Miss::NotFound => ApiError::not_found(ErrorCode::RouteNotFound, "route").to_response(),
            // The method is not echoed: descriptions never repeat what the request sent.
            Miss::MethodNotAllowed(allow) => {
                ApiError::new(ErrorCode::MethodNotAllowed, "this method is not allowed on this path")
                    .to_response()
                    .with_header("allow", &allow.join(", "))
            }
        }
    }
}

/// Matches decoded path segments against a pattern, collecting its parameters.
pub fn match_path<'a>(pattern: &str, segments: &[&'a str]) -> Option<Params<'a>> {
    let mut params = Params { values: [""; MAX_PARAMS], len: 0 };
    let mut parts = pattern.trim_start_matches('/').split('/');
    for segment in segments {
        let part = parts.next()?;
        if part.starts_with('{') {
            *params.values.get_mut(params.len)? = segment;
            params.len += 1;
        } else if part != *segment {
            return None;
        }
    }
    parts.next().is_none().then_some(params)
}

/// The route of a request (uppercase `method`, decoded path `segments`) and its parameters.
pub fn resolve<'a>(config: &Config, method: &str, segments: &[&'a str]) -> Result<(Route, Params<'a>), Miss> {
    let mut allow = Vec::new();
    for row in ROUTES.iter().filter(|row| row.route.available(config)) {
        if let Some(params) = match_path(row.path, segments) {
            if row.method == method {
                return Ok((row.route, params));
            }
            if !allow.contains(&row.method) {
                allow.push(row.method);
            }
        }
    }
    if allow.is_empty() {
        Err(Miss::NotFound)
    } else {
        Err(Miss::MethodNotAllowed(allow))
    }
}

#[cfg(test)]
mod openapi_check;
#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))] // the test kit is native only
mod tests;
