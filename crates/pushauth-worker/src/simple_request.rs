//! The client API's simple-request form: a browser call that needs no CORS preflight.
//!
//! A cross-origin `POST` with an `Authorization` header or a JSON `Content-Type` makes the
//! browser send an `OPTIONS` preflight first: one more Worker request, paid by every sign-in
//! whose preflight is not cached (two per sign-in: `challenge` and `verify` are two URLs). A
//! `POST` with `Content-Type: text/plain` and no other header is a "simple request" and goes
//! out at once. So the client API also reads a `text/plain` `POST` without `Authorization`
//! whose body is a JSON object carrying the track token as `token`: as the same call with
//! `Authorization: Bearer <token>` and the body without `token`. Everything after this reads
//! the one form. Our browser SDK sends it; `@authsignal/browser` keeps sending the header form
//! (and pays its preflights).
//!
//! It changes nothing of what is checked: the token is verified as a header's would be, the
//! `Origin` is checked against the token's tenant before the route runs (`cors.rs`; a simple
//! request reaches the Worker whatever its origin, as a preflighted one's preflight does), and
//! no credential is ambient (a page must hold the token to send it). The token travels in the
//! body, which is logged as seldom as headers are, and never in the URL.

use serde_json::{Map, Value};

use crate::http::ApiRequest;

/// The name of the body field that carries the track token.
pub const TOKEN_FIELD: &str = "token";

/// `req` read as the header form, if it is a simple-request form call (a `text/plain` `POST`
/// without `Authorization` whose body is a JSON object with a string `token`); `None` for
/// everything else, which is read as it is.
pub fn header_form(req: &ApiRequest) -> Option<ApiRequest> {
    let plain = req
        .header("content-type")
        .is_some_and(|t| t.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("text/plain")));
    if req.method != "POST" || !plain || req.header("authorization").is_some() {
        return None;
    }
    let mut body: Map<String, Value> = serde_json::from_slice(&req.body).ok()?;
    let Some(Value::String(token)) = body.remove(TOKEN_FIELD) else {
        return None;
    };
    let mut headers: Vec<(String, String)> =
        req.headers.iter().filter(|(name, _)| name != "content-type").cloned().collect();
    headers.push(("content-type".into(), "application/json".into()));
    headers.push(("authorization".into(), format!("Bearer {token}")));
    let body = serde_json::to_vec(&body).ok()?;
    Some(ApiRequest { headers, body, ..req.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(content_type: &str, body: &str) -> ApiRequest {
        ApiRequest {
            method: "POST".into(),
            origin: "http://127.0.0.1:8787".into(),
            path: "/v1/client/challenge/push".into(),
            query: String::new(),
            headers: vec![
                ("content-type".into(), content_type.into()),
                ("origin".into(), "https://a.example".into()),
            ],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_plain_text_post_with_a_token_reads_as_the_header_form() {
        let req = header_form(&post("text/plain;charset=UTF-8", r#"{"action":"signIn","token":"t.k.n"}"#))
            .expect("the simple-request form");
        assert_eq!(req.header("authorization"), Some("Bearer t.k.n"));
        assert_eq!(req.header("content-type"), Some("application/json"));
        assert_eq!(req.header("origin"), Some("https://a.example"), "other headers are kept");
        assert_eq!(req.body, br#"{"action":"signIn"}"#);
    }

    #[test]
    fn anything_else_is_read_as_it_is() {
        assert!(header_form(&post("application/json", r#"{"token":"t"}"#)).is_none());
        assert!(header_form(&post("text/plain", r#"{"action":"signIn"}"#)).is_none(), "no token");
        assert!(header_form(&post("text/plain", r#"{"token":7}"#)).is_none(), "not a string");
        assert!(header_form(&post("text/plain", "token=t")).is_none(), "not JSON");
        assert!(header_form(&post("text/plain", r#"["token"]"#)).is_none(), "not an object");
        let mut with_header = post("text/plain", r#"{"token":"t"}"#);
        with_header.headers.push(("authorization".into(), "Bearer other".into()));
        assert!(header_form(&with_header).is_none(), "the header wins");
        let mut get = post("text/plain", r#"{"token":"t"}"#);
        get.method = "GET".into();
        assert!(header_form(&get).is_none());
    }
}
