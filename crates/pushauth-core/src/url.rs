//! Strict checks for the URLs and origins tenants configure (callbacks, redirects, CORS).
//!
//! A URL is `scheme://host[:port][/path][?query]` with no user info and no fragment, at most
//! [`MAX_URL`] bytes of printable ASCII. The scheme is `https`, or `http` for a loopback host
//! (`127.0.0.1`, `localhost`, `[::1]`) when local development is allowed. Comparison against
//! whitelists is always exact, so no parsing subtlety can widen a whitelist.

use alloc::{format, string::String};

use crate::Error;

/// The longest URL accepted, in bytes.
pub const MAX_URL: usize = 2048;

struct Parts<'a> {
    scheme: &'a str,
    host: &'a str,
    port: Option<&'a str>,
    rest: &'a str,
}

fn port_ok(port: &str) -> bool {
    port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok_and(|p| p > 0)
}

fn split(url: &str) -> Option<Parts<'_>> {
    let (scheme, after) = url.split_once("://")?;
    let end = after.find(['/', '?']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    let (host, port) = if authority.starts_with('[') {
        // An IPv6 literal: `[…]` optionally followed by `:port`.
        let close = authority.find(']')?;
        let (host, tail) = authority.split_at(close + 1);
        match tail {
            "" => (host, None),
            _ => (host, Some(tail.strip_prefix(':')?)),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if port.is_some_and(|p| !port_ok(p)) {
        return None;
    }
    Some(Parts { scheme, host, port, rest })
}

fn host_ok(host: &str) -> bool {
    if host == "[::1]" {
        return true;
    }
    !host.is_empty()
        && host.len() <= 253
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && !host.starts_with(['.', '-'])
        && !host.ends_with('-')
}

fn is_loopback(host: &str) -> bool {
    host == "127.0.0.1" || host == "localhost" || host == "[::1]"
}

fn check(field: &'static str, url: &str, allow_loopback: bool, origin_only: bool) -> Result<(), Error> {
    let bad = || Error::InvalidUrl { field };
    if url.len() > MAX_URL || !url.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad());
    }
    if url.contains(['#', '@', '\\']) {
        return Err(bad());
    }
    let parts = split(url).ok_or_else(bad)?;
    if !host_ok(parts.host) {
        return Err(bad());
    }
    let scheme_ok = match parts.scheme {
        "https" => true,
        "http" => allow_loopback && is_loopback(parts.host),
        _ => false,
    };
    if !scheme_ok {
        return Err(bad());
    }
    if origin_only && !parts.rest.is_empty() {
        return Err(bad());
    }
    Ok(())
}

/// Checks a callback, webhook or redirect URL.
pub fn check_url(field: &'static str, url: &str, allow_loopback: bool) -> Result<(), Error> {
    check(field, url, allow_loopback, false)
}

/// Checks a browser origin: `scheme://host[:port]` with nothing after it.
pub fn check_origin(field: &'static str, origin: &str, allow_loopback: bool) -> Result<(), Error> {
    check(field, origin, allow_loopback, true)
}

/// The scheme, host and port (if written) of a URL that passes [`check_url`] with loopback
/// allowed; `None` otherwise.
pub(crate) fn scheme_host_port(url: &str) -> Option<(&str, &str, Option<&str>)> {
    check_url("url", url, true).ok()?;
    let parts = split(url)?;
    Some((parts.scheme, parts.host, parts.port))
}

/// Whether `host` (as [`check_url`] accepts it) is a loopback name or address.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    is_loopback(host)
}

/// The origin (`scheme://host[:port]`) of a URL that passes [`check_url`] with loopback allowed.
pub fn origin_of(url: &str) -> Option<String> {
    check_url("url", url, true).ok()?;
    let (scheme, after) = url.split_once("://")?;
    let end = after.find(['/', '?']).unwrap_or(after.len());
    Some(format!("{scheme}://{}", &after[..end]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_https_and_local_http() {
        for url in [
            "https://example.com",
            "https://example.com/cb",
            "https://api.example.com:8443/a/b?x=1&y=2",
            "http://127.0.0.1:8787/demo/api/callback",
            "http://localhost:3000/",
            "http://[::1]:8080/x",
        ] {
            assert!(check_url("u", url, true).is_ok(), "{url}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for url in [
            "",
            "example.com",
            "ftp://example.com",
            "javascript:alert(1)",
            "https://",
            "https://exa mple.com",
            "https://user:pw@example.com",
            "https://example.com#frag",
            "https://example.com:0/",
            "https://example.com:99999/",
            "https://example.com:/",
            "https://-bad.com",
            "https://ex_ample.com",
            "https:\\\\example.com",
            "http://example.com/",
            "http://127.0.0.2/",
        ] {
            assert!(check_url("u", url, true).is_err(), "{url}");
        }
        assert!(check_url("u", "http://127.0.0.1/", false).is_err());
        assert!(check_url("u", &format!("https://e.com/{}", "a".repeat(2048)), true).is_err());
    }

    #[test]
    fn origins_have_no_path() {
        assert!(check_origin("o", "https://app.example.com", false).is_ok());
        assert!(check_origin("o", "http://localhost:5173", true).is_ok());
        assert!(check_origin("o", "https://app.example.com/", false).is_err());
        assert!(check_origin("o", "https://app.example.com?x", false).is_err());
    }

    #[test]
    fn origin_of_a_url() {
        assert_eq!(origin_of("https://a.com:8443/x?y").as_deref(), Some("https://a.com:8443"));
        assert_eq!(origin_of("http://127.0.0.1:8787/demo/").as_deref(), Some("http://127.0.0.1:8787"));
        assert_eq!(origin_of("nope"), None);
    }

    proptest! {
        #[test]
        fn never_panics(text in ".{0,80}") {
            let _ = check_url("u", &text, true);
            let _ = origin_of(&text);
        }
    }
}
