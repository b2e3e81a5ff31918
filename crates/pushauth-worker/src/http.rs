//! Framework-neutral HTTP request and response types, so every route runs natively in tests
//! and in the Worker alike. `entry.rs` converts to and from the `worker` crate's types.

use serde::Serialize;

/// The largest request body accepted: 64 KiB. Larger bodies get 413 before they are parsed.
pub const MAX_BODY: usize = 64 * 1024;

/// An incoming request.
#[derive(Debug, Clone, Default)]
pub struct ApiRequest {
    /// The HTTP method, uppercase.
    pub method: String,
    /// The URL's origin (`scheme://host[:port]`), used for hosted-UI links and same-origin checks.
    pub origin: String,
    /// The path, starting with `/`.
    pub path: String,
    /// The query string without `?` (may be empty).
    pub query: String,
    /// Headers with lowercase names.
    pub headers: Vec<(String, String)>,
    /// The body bytes (at most [`MAX_BODY`]).
    pub body: Vec<u8>,
}

impl ApiRequest {
    /// The first header named `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The path and query exactly as signed by clients: `/path` or `/path?query`.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }
}

/// An outgoing response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiResponse {
    /// The status code.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl ApiResponse {
    /// A JSON response.
    pub fn json<T: Serialize>(status: u16, value: &T) -> Self {
        let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
        ApiResponse {
            status,
            headers: vec![
                ("content-type".into(), "application/json; charset=utf-8".into()),
                ("cache-control".into(), "no-store".into()),
            ],
            body,
        }
    }

    /// An empty response.
    pub fn empty(status: u16) -> Self {
        ApiResponse { status, headers: Vec::new(), body: Vec::new() }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The first header named `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}
