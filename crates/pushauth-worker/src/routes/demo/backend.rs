//! The demo backend's typed client of the service: [`Backend::track`], [`Backend::validate`]
//! and [`Backend::request_add`], each a call a customer's server makes over HTTP.
//!
//! Why it still sends HTTP-shaped requests rather than calling the route handlers: what the demo
//! shows is the API as any backend uses it, so each call carries the tenant secret (Basic auth,
//! checked as any backend's is) and goes through the whole front door, including the routing of
//! a request about a user to that user's Durable Object. So a call is an [`ApiRequest`] handed to
//! a [`Service`], and the answer is read back into the same types the route writes
//! ([`Tracked`], [`Validated`], [`ProcessedRequest`]); the request bodies are the types the
//! routes read ([`TrackBody`], [`ValidateBody`]). Nothing is copied, so the demo and the routes
//! cannot drift.
//!
//! Why a trait: the service's front door is [`crate::router::handle`], and the router dispatches
//! to the demo's handlers; if the demo imported the router, the two would import each other. The
//! router instead gives the demo a [`Service`] that calls back into it.

use core::future::Future;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use pushauth_core::ids::{ActionCode, UserId};
use pushauth_core::privakey::ProcessedRequest;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api_error::{ApiError, ErrorCode};
use crate::http::{ApiRequest, ApiResponse};
use crate::routes::server::encode_component;
use crate::routes::server::wire::{TrackBody, Tracked, ValidateBody, Validated};

/// The service as a backend reaches it: one request in, one response out, through the same
/// authentication and routing as a request from the network.
pub trait Service {
    /// Answers `req` as the service's front door does.
    fn handle<'r>(&'r self, req: &'r ApiRequest) -> impl Future<Output = ApiResponse> + 'r;
}

/// A backend of the demo tenant: its secret and the origin its requests name.
pub struct Backend<'b, T: Service> {
    service: &'b T,
    secret: &'b str,
    origin: &'b str,
}

/// An error body as every route writes it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    error_code: Option<String>,
    error_description: Option<String>,
}

impl<'b, T: Service> Backend<'b, T> {
    /// A backend that authenticates with `secret` (the tenant secret, Basic auth) and sends its
    /// requests as from `origin`.
    pub fn new(service: &'b T, secret: &'b str, origin: &'b str) -> Self {
        Backend { service, secret, origin }
    }

    /// `POST /v1/users/{user}/actions/{action}`.
    pub async fn track(
        &self,
        user: &UserId,
        action: &ActionCode,
        body: &TrackBody,
    ) -> Result<Tracked, ApiError> {
        let path = format!("/v1/users/{}/actions/{}", encode_component(user), encode_component(action));
        self.call("POST", &path, body).await
    }

    /// `POST /v1/validate`.
    pub async fn validate(&self, body: &ValidateBody) -> Result<Validated, ApiError> {
        self.call("POST", "/v1/validate", body).await
    }

    /// `POST /request/add` (the Privakey dialect: its body is read as a JSON object).
    pub async fn request_add(&self, body: &Map<String, Value>) -> Result<ProcessedRequest, ApiError> {
        self.call("POST", "/request/add", body).await
    }

    /// Sends one JSON request and reads its answer as `R`; a refusal is `demo_backend_error`
    /// with the service's status, code and description.
    async fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: &B,
    ) -> Result<R, ApiError> {
        let body = serde_json::to_vec(body).map_err(|_| ApiError::storage())?;
        let basic = STANDARD.encode(format!("{}:", self.secret));
        let req = ApiRequest {
            method: method.into(),
            origin: self.origin.into(),
            path: path.into(),
            query: String::new(),
            headers: vec![
                ("authorization".into(), format!("Basic {basic}")),
                ("content-type".into(), "application/json".into()),
            ],
            body,
        };
        let response = self.service.handle(&req).await;
        read(&response)
    }
}

/// The answer of a call: its body as `R`, or the refusal it carries.
fn read<R: DeserializeOwned>(response: &ApiResponse) -> Result<R, ApiError> {
    if response.status >= 400 {
        let error: Option<ErrorBody> = serde_json::from_slice(&response.body).ok();
        let (code, message) = error.map_or((None, None), |e| (e.error_code, e.error_description));
        let code = code.unwrap_or_else(|| "demo_error".into());
        let message = message.unwrap_or_else(|| "the service refused the demo's request".into());
        return Err(ApiError::new(ErrorCode::DemoBackendError, format!("{message} ({code})"))
            .with_status(response.status));
    }
    serde_json::from_slice(&response.body).map_err(|_| ApiError::storage())
}
