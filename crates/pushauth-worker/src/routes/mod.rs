//! Route handlers, one file per API surface.

pub mod admin;
pub mod admin_list;
pub mod admin_users;
pub mod bench;
pub mod client;
#[cfg(feature = "demo")]
pub mod demo;
pub mod device;
pub mod evidence;
pub mod mobile;
pub mod privakey;
pub mod server;
pub mod users;
pub mod web_push;

use serde::de::DeserializeOwned;

use crate::api_error::ApiError;
use crate::http::ApiRequest;

/// Parses a JSON body; an empty body reads as `{}`.
pub fn parse_json<T: DeserializeOwned>(req: &ApiRequest) -> Result<T, ApiError> {
    serde_json::from_slice(json_body(req)).map_err(|e| ApiError::bad_json(&e))
}

/// The body [`parse_json`] reads: `{}` for an empty one. Apart, so it is compiled once rather
/// than once per type read.
#[inline(never)]
fn json_body(req: &ApiRequest) -> &[u8] {
    if req.body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &req.body
    }
}
