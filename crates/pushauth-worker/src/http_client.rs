//! Outgoing HTTP from the Worker (`fetch`), with a timeout.

use std::time::Duration;

use futures_util::future::{select, Either};
use worker::{Delay, Fetch, Headers, Method, Request, RequestInit};

use crate::outbox::HttpClient;

/// How long a receiver has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The Worker's `fetch`.
pub struct WorkerFetch;

impl HttpClient for WorkerFetch {
    async fn post(&self, url: &str, headers: &[(String, String)], body: &[u8]) -> Result<u16, String> {
        let h = Headers::new();
        for (name, value) in headers {
            h.set(name, value).map_err(|e| e.to_string())?;
        }
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(h)
            .with_body(Some(worker::js_sys::Uint8Array::from(body).into()));
        let request = Request::new_with_init(url, &init).map_err(|e| e.to_string())?;
        let fetch = Fetch::Request(request);
        let send = Box::pin(fetch.send());
        let timeout = Box::pin(Delay::from(TIMEOUT));
        let outcome = match select(send, timeout).await {
            Either::Left((Ok(response), _)) => Ok(response.status_code()),
            Either::Left((Err(e), _)) => Err(e.to_string()),
            Either::Right(_) => Err("timed out".into()),
        };
        outcome
    }
}
