//! The device's HTTP client for the Worker's device API (`docs/api.md`, "Device API").

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pushauth_core::challenge::Status;
use pushauth_core::device::Enrolment;
use pushauth_core::wire::{AnswerBody, Answered, CredentialUpdate};
use serde_json::Value;

pub use pushauth_core::wire::{Enrolled, Pending};

use crate::signer::request_headers;
use crate::DeviceIdentity;

/// Why a call to the service failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError {
    /// The service could not be reached (DNS, connection, TLS, timeout).
    Unreachable(String),
    /// The service answered with an error.
    Api {
        /// The HTTP status.
        status: u16,
        /// The stable `errorCode`.
        code: String,
        /// The service's explanation.
        message: String,
    },
    /// The answer was not what the API documents.
    BadResponse(String),
    /// The device has no enrolment (base URL and tenant) yet.
    NotEnrolled,
}

impl core::fmt::Display for ClientError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ClientError::Unreachable(why) => write!(f, "the pushauth service cannot be reached: {why}"),
            ClientError::Api { status, code, message } => write!(f, "{message} ({code}, HTTP {status})"),
            ClientError::BadResponse(why) => write!(f, "unexpected answer from the service: {why}"),
            ClientError::NotEnrolled => {
                f.write_str("this device is not enrolled yet: run `pushauth-device enroll` first")
            }
        }
    }
}

impl std::error::Error for ClientError {}

/// The header a device sends its home hint in.
pub const HOME_HEADER: &str = "X-PushAuth-Home";

/// A client for one service base URL.
#[derive(Debug, Clone)]
pub struct DeviceClient {
    base_url: String,
    agent: ureq::Agent,
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

fn api_error(status: u16, response: ureq::Response) -> ClientError {
    let body: Value = response.into_json().unwrap_or(Value::Null);
    ClientError::Api {
        status,
        code: body["errorCode"].as_str().unwrap_or("http_error").to_owned(),
        message: body["errorDescription"].as_str().unwrap_or("the service refused the request").to_owned(),
    }
}

fn send(request: ureq::Request, body: Option<&str>) -> Result<ureq::Response, ClientError> {
    let result = match body {
        Some(b) => request.set("content-type", "application/json").send_string(b),
        None => request.call(),
    };
    match result {
        Ok(response) => Ok(response),
        Err(ureq::Error::Status(status, response)) => Err(api_error(status, response)),
        Err(ureq::Error::Transport(t)) => Err(ClientError::Unreachable(t.to_string())),
    }
}

fn json<T: serde::de::DeserializeOwned>(response: ureq::Response) -> Result<T, ClientError> {
    response.into_json().map_err(|e| ClientError::BadResponse(e.to_string()))
}

impl DeviceClient {
    /// A client for `base_url` (e.g. `https://auth.example.com`), with a 15 s timeout.
    pub fn new(base_url: &str) -> Self {
        let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(15)).build();
        DeviceClient { base_url: base_url.trim_end_matches('/').to_owned(), agent }
    }

    /// The client of an enrolled identity.
    pub fn for_identity(identity: &DeviceIdentity) -> Result<Self, ClientError> {
        identity.base_url.as_deref().map(Self::new).ok_or(ClientError::NotEnrolled)
    }

    /// Enrols a key with a track token of scope `add:authenticators`.
    pub fn enrol(&self, token: &str, enrolment: &Enrolment) -> Result<Enrolled, ClientError> {
        let body = serde_json::to_string(enrolment).map_err(|e| ClientError::BadResponse(e.to_string()))?;
        let request = self
            .agent
            .post(&format!("{}/v1/client/user-authenticators/push", self.base_url))
            .set("authorization", &format!("Bearer {token}"));
        json(send(request, Some(&body))?)
    }

    fn signed(
        &self,
        identity: &DeviceIdentity,
        method: &str,
        path: &str,
        body: &str,
    ) -> Result<ureq::Request, ClientError> {
        let tenant = identity.tenant_id.as_deref().ok_or(ClientError::NotEnrolled)?;
        let mut request = self.agent.request(method, &format!("{}{path}", self.base_url));
        for (name, value) in request_headers(&identity.key, tenant, method, path, body.as_bytes(), now_ms()) {
            request = request.set(name, &value);
        }
        if let Some(home) = &identity.home {
            request = request.set(HOME_HEADER, home);
        }
        Ok(request)
    }

    /// The pending challenges of the device's user.
    pub fn pending(&self, identity: &DeviceIdentity) -> Result<Pending, ClientError> {
        let request = self.signed(identity, "GET", "/v1/device/challenges", "")?;
        json(send(request, None)?)
    }

    /// Sends a signed answer of `identity`'s device; returns the resulting status (`approved`,
    /// `denied`).
    pub fn answer(
        &self,
        identity: &DeviceIdentity,
        challenge_id: &str,
        body: &AnswerBody,
    ) -> Result<Status, ClientError> {
        let text = serde_json::to_string(body).map_err(|e| ClientError::BadResponse(e.to_string()))?;
        let mut request =
            self.agent.post(&format!("{}/v1/device/challenges/{challenge_id}/answer", self.base_url));
        if let Some(home) = &identity.home {
            request = request.set(HOME_HEADER, home);
        }
        let answered: Answered = json(send(request, Some(&text))?)?;
        Ok(answered.status)
    }

    /// Renames the device.
    pub fn rename(&self, identity: &DeviceIdentity, name: &str) -> Result<(), ClientError> {
        let update = CredentialUpdate { device_name: Some(name.to_owned()), push_token: None };
        let body = serde_json::to_string(&update).map_err(|e| ClientError::BadResponse(e.to_string()))?;
        let request = self.signed(identity, "PATCH", "/v1/device/credential", &body)?;
        send(request, Some(&body)).map(|_| ())
    }

    /// Removes the device's credential from the service.
    pub fn remove(&self, identity: &DeviceIdentity) -> Result<(), ClientError> {
        let request = self.signed(identity, "DELETE", "/v1/device/credential", "")?;
        send(request, None).map(|_| ())
    }
}
