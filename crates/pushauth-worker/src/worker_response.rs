//! The `worker` crate's `Response` made from a route's [`ApiResponse`]: used by the front
//! Worker (`entry.rs`), the user's object (`user_object.rs`) and the object's stub when it
//! answers for the object (`object_stub.rs`).

use worker::{Response, Result};

use crate::http::ApiResponse;

/// Converts a route's response: its status, headers and body, unchanged.
pub(crate) fn to_response(api: ApiResponse) -> Result<Response> {
    let mut response = Response::from_bytes(api.body)?.with_status(api.status);
    let headers = response.headers_mut();
    for (name, value) in &api.headers {
        headers.set(name, value)?;
    }
    Ok(response)
}
