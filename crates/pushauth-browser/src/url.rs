//! URL helpers that need no browser: the base URL rule, endpoint paths, and the hosted UI's
//! popup URL.

use alloc::borrow::ToOwned;
use alloc::string::String;

#[cfg(test)]
mod tests;

/// The base URL as stored: trimmed, without trailing slashes. It includes the API version,
/// like `@authsignal/browser`'s: `https://auth.example.com/v1`. `None` unless it is `http(s)`.
pub fn normalise_base_url(base_url: &str) -> Option<String> {
    let trimmed = base_url.trim().trim_end_matches('/');
    let lower = trimmed.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"))?;
    if rest.is_empty() || rest.starts_with('/') {
        return None;
    }
    Some(trimmed.to_owned())
}

/// An endpoint under the base URL: `endpoint("https://a.example/v1", "/client/verify/push")`.
pub fn endpoint(base_url: &str, path: &str) -> String {
    let mut url = String::with_capacity(base_url.len() + path.len());
    url.push_str(base_url);
    url.push_str(path);
    url
}

/// The hosted UI's URL for `popup` and `window` modes: `mode=popup` added to the query
/// (before any fragment), as `@authsignal/browser` does for both modes.
pub fn with_popup_mode(url: &str) -> String {
    // `split_once` rather than indexing: no slicing, so no panic path in the binary.
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((before, after)) => (before, Some(after)),
        None => (url, None),
    };
    let separator = if !before_fragment.contains('?') {
        "?"
    } else if before_fragment.ends_with('?') || before_fragment.ends_with('&') {
        ""
    } else {
        "&"
    };
    let mut out = String::with_capacity(url.len() + 12);
    out.push_str(before_fragment);
    out.push_str(separator);
    out.push_str("mode=popup");
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}
