//! An HTTP client for the outbox in native tests: records every POST and answers one status.

use std::cell::{Cell, RefCell};

use crate::http::HttpClient;

/// Records every POST (URL and body) and answers `status` (200 unless set).
#[derive(Debug)]
pub struct Recorder {
    /// The status every POST is answered with.
    pub status: Cell<u16>,
    sent: RefCell<Vec<(String, String)>>,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder::answering(200)
    }
}

impl Recorder {
    /// A recorder answering `status`.
    pub fn answering(status: u16) -> Self {
        Recorder { status: Cell::new(status), sent: RefCell::default() }
    }

    /// The POSTs so far (URL, body), taken: the next call starts empty.
    pub fn take(&self) -> Vec<(String, String)> {
        self.sent.take()
    }

    /// How many POSTs so far.
    pub fn count(&self) -> usize {
        self.sent.borrow().len()
    }
}

impl HttpClient for Recorder {
    async fn post(&self, url: &str, _headers: &[(String, String)], body: &[u8]) -> Result<u16, String> {
        self.sent.borrow_mut().push((url.to_owned(), String::from_utf8_lossy(body).into_owned()));
        Ok(self.status.get())
    }
}
