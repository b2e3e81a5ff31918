//! Framework-neutral HTTP request and response types, so every route runs natively in tests
//! and in the Worker alike. `entry.rs` converts to and from the `worker` crate's types. Also the
//! outgoing side: the [`HttpClient`] trait the outbox and Web Push send through.

use serde::Serialize;

/// Outgoing HTTP (callbacks, webhooks, Web Push): sends one POST; answers the status or a
/// network error. The Worker's is `http_client::WorkerFetch`; tests record instead.
#[allow(async_fn_in_trait)] // single-threaded Workers: no `Send` bound wanted
pub trait HttpClient {
    /// POSTs `body` to `url` with `headers`.
    async fn post(&self, url: &str, headers: &[(String, String)], body: &[u8]) -> Result<u16, String>;
}

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

/// Splits a request URL as the runtime serialises it (WHATWG: `scheme://[user@]host[:port]/path?query#fragment`,
/// already normalised, default port omitted, host in ASCII) into the origin
/// (`scheme://host[:port]`), the path (starting with `/`) and the query (without `?`).
///
/// Reading the serialised form instead of re-parsing it keeps a URL parser (and its Unicode
/// tables) out of the Worker.
pub fn split_url(url: &str) -> (String, String, String) {
    let url = url.split_once('#').map_or(url, |(before, _)| before);
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, target) = rest.split_at(authority_end);
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let path = if path.is_empty() { "/" } else { path };
    (format!("{scheme}://{host}"), path.to_owned(), query.to_owned())
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
        Self::json_bytes(status, serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec()))
    }

    /// A JSON response of serialised `body`: the part of [`ApiResponse::json`] that is the same
    /// for every type, compiled once instead of once per type.
    #[inline(never)]
    fn json_bytes(status: u16, body: Vec<u8>) -> Self {
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

#[cfg(test)]
mod split_url_tests {
    use super::split_url;

    #[test]
    fn splits_what_the_runtime_serialises() {
        let cases = [
            ("http://127.0.0.1:8787/v1/validate", ("http://127.0.0.1:8787", "/v1/validate", "")),
            (
                "https://auth.example.com/request/abc?x=1&y=%20#frag",
                ("https://auth.example.com", "/request/abc", "x=1&y=%20"),
            ),
            ("https://example.com?query", ("https://example.com", "/", "query")),
            ("https://user:pw@example.com:8443/a%3F%23b", ("https://example.com:8443", "/a%3F%23b", "")),
            ("https://xn--mller-kva.example/", ("https://xn--mller-kva.example", "/", "")),
            ("https://example.com//v1/client/hosted", ("https://example.com", "//v1/client/hosted", "")),
        ];
        for (url, (origin, path, query)) in cases {
            assert_eq!(split_url(url), (origin.to_owned(), path.to_owned(), query.to_owned()), "{url}");
        }
    }
}
