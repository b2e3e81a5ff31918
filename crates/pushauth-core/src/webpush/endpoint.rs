//! Which push services a subscription's endpoint may name. The Worker POSTs to whatever endpoint
//! a device stores, so an unchecked endpoint is a request-forgery vector (cloud metadata, private
//! networks, internal admin ports). An endpoint must be `https` on the default port at a host of a
//! real push service: those the major browsers subscribe at ([`BROWSER_PUSH_HOSTS`]) or one the
//! deployment adds (`WEB_PUSH_HOSTS`). Loopback `http` is accepted only in development.

use alloc::{borrow::ToOwned, format, string::String, vec::Vec};

use crate::url::{check_url, is_loopback_host, scheme_host_port};
use crate::Error;

/// The longest subscription endpoint accepted, in bytes.
pub const MAX_ENDPOINT: usize = 2048;

/// The hosts of the push services the major browsers use: Chrome, Edge on Android, Opera,
/// Samsung Internet and other Chromium browsers (Firebase Cloud Messaging), Firefox (Mozilla
/// autopush), Safari on macOS and iOS (Apple, `web.push.apple.com`), Edge on Windows (Windows
/// Push Notification Services, `<region>.notify.windows.com`). `*.` means any subdomain (not the
/// name itself).
pub const BROWSER_PUSH_HOSTS: &[&str] =
    &["fcm.googleapis.com", "updates.push.services.mozilla.com", "*.push.apple.com", "*.notify.windows.com"];

/// Name suffixes that only resolve inside private networks: never a push service.
const PRIVATE_SUFFIXES: &[&str] =
    &["localhost", "local", "internal", "lan", "home.arpa", "intranet", "corp", "private"];

/// One allowed host: a name, or every subdomain of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    Exact(String),
    Subdomains(String),
}

impl HostPattern {
    /// Parses `name` or `*.name`: lowercase DNS labels, at least two, the last not numeric (no
    /// IP literals), not under a private suffix.
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim().to_ascii_lowercase();
        let (name, subdomains) = match text.strip_prefix("*.") {
            Some(rest) => (rest.to_owned(), true),
            None => (text, false),
        };
        if !is_public_name(&name) {
            return None;
        }
        Some(if subdomains { HostPattern::Subdomains(name) } else { HostPattern::Exact(name) })
    }

    fn matches(&self, host: &str) -> bool {
        match self {
            HostPattern::Exact(name) => host == name,
            HostPattern::Subdomains(name) => host
                .strip_suffix(name.as_str())
                .and_then(|label| label.strip_suffix('.'))
                .is_some_and(|prefix| !prefix.is_empty()),
        }
    }
}

/// A DNS name of at least two non-empty labels of `a-z 0-9 -` (no label starting or ending with
/// `-`), whose last label is not numeric (so not an IPv4 literal) and which is not under a
/// private-use suffix.
fn is_public_name(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let private =
        PRIVATE_SUFFIXES.iter().any(|suffix| name == *suffix || name.ends_with(&format!(".{suffix}")));
    name.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(label_ok)
        && labels.last().is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()))
        && !private
}

/// The push services a deployment sends to: [`BROWSER_PUSH_HOSTS`] plus its own, and whether
/// loopback `http` endpoints are allowed (development only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushServiceHosts {
    patterns: Vec<HostPattern>,
    allow_loopback: bool,
}

impl PushServiceHosts {
    /// The browsers' push services plus `extra`, a comma-separated list of hosts (`name` or
    /// `*.name` for its subdomains; spaces and empty entries ignored), as the `WEB_PUSH_HOSTS`
    /// Worker var holds it. An entry that is not a public DNS name (an IP literal, a single
    /// label, a private-use name such as `*.internal`, a bare `*`) is refused:
    /// [`Error::InvalidUrl`] for `WEB_PUSH_HOSTS`.
    pub fn new(extra: &str, allow_loopback: bool) -> Result<Self, Error> {
        let mut patterns: Vec<HostPattern> =
            BROWSER_PUSH_HOSTS.iter().filter_map(|h| HostPattern::parse(h)).collect();
        for entry in extra.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            patterns.push(HostPattern::parse(entry).ok_or(Error::InvalidUrl { field: "WEB_PUSH_HOSTS" })?);
        }
        Ok(PushServiceHosts { patterns, allow_loopback })
    }

    /// Checks a subscription endpoint: at most [`MAX_ENDPOINT`] bytes (else
    /// [`Error::FieldTooLong`]); an `https` URL without a port at one of the allowed hosts, or
    /// with `allow_loopback` a loopback URL (`http` or `https`, any port); else
    /// [`Error::InvalidUrl`] for `endpoint`.
    pub fn check(&self, endpoint: &str) -> Result<(), Error> {
        if endpoint.len() > MAX_ENDPOINT {
            return Err(Error::FieldTooLong { field: "endpoint", max: MAX_ENDPOINT });
        }
        let bad = Error::InvalidUrl { field: "endpoint" };
        check_url("endpoint", endpoint, self.allow_loopback)?;
        let (scheme, host, port) = scheme_host_port(endpoint).ok_or(bad.clone())?;
        if self.allow_loopback && is_loopback_host(host) {
            return Ok(());
        }
        let host = host.to_ascii_lowercase();
        let allowed = scheme == "https"
            && port.is_none()
            && is_public_name(&host)
            && self.patterns.iter().any(|p| p.matches(&host));
        if allowed {
            Ok(())
        } else {
            Err(bad)
        }
    }
}
