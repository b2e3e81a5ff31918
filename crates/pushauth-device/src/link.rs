//! Enrolment links: what the demo shows as a QR code and the web authenticator opens.
//!
//! Form: `{base}/authenticator/#enroll={track token}`, where the token has scope
//! `add:authenticators`. The device's base URL is the link's origin.

/// A parsed enrolment link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolLink {
    /// The service's base URL (`scheme://host[:port]`).
    pub base_url: String,
    /// The enrolment token.
    pub token: String,
}

/// Parses an enrolment link; `None` if it is not one.
pub fn parse_enrol_link(link: &str) -> Option<EnrolLink> {
    let (before, fragment) = link.trim().split_once('#')?;
    let token = fragment.split('&').find_map(|p| p.strip_prefix("enroll="))?;
    let (scheme, rest) = before.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let host = rest.split(['/', '?']).next().filter(|h| !h.is_empty())?;
    let token_ok =
        !token.is_empty() && token.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    token_ok.then(|| EnrolLink { base_url: format!("{scheme}://{host}"), token: token.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_links() {
        let l = parse_enrol_link("http://127.0.0.1:8787/authenticator/#enroll=eyJa.eyJb.c-_d").unwrap();
        assert_eq!(l.base_url, "http://127.0.0.1:8787");
        assert_eq!(l.token, "eyJa.eyJb.c-_d");
        let l = parse_enrol_link("https://auth.example.com/authenticator/?x=1#enroll=abc").unwrap();
        assert_eq!(l.base_url, "https://auth.example.com");
    }

    #[test]
    fn refuses_non_links() {
        for bad in [
            "",
            "abc",
            "https://a.example/authenticator/",
            "ftp://a/#enroll=x",
            "https:///#enroll=x",
            "https://a/#enroll=",
            "https://a/#enroll=a b",
        ] {
            assert_eq!(parse_enrol_link(bad), None, "{bad:?}");
        }
    }
}
