//! `client.push`: start a push challenge, ask how it stands, wait for its result.

use alloc::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::JsValue;

use crate::api::{challenge_push, verify_push};
use crate::js_read::{must, required_string, Props};
use crate::js_value::ToJs;
use crate::result::VerifyData;
use crate::session::Session;
use crate::wait::{wait_for_result, WaitParams};

/// Push challenges: `client.push`, shaped like `@authsignal/browser`'s. (The package's JS
/// reaches these through `PushAuth`'s `challenge`, `verify` and `waitForResult`.)
pub struct Push {
    session: Rc<Session>,
}

impl Push {
    /// The push API of a session.
    pub(crate) fn new(session: Rc<Session>) -> Self {
        Push { session }
    }
}

impl Push {
    /// Sends a push to the user's enrolled device. Resolves to
    /// `{ data: { challengeId, verificationCode?, expiresAt } }` or
    /// `{ error, errorCode, errorDescription }`; show `verificationCode` when present.
    pub fn challenge(&self, params: JsValue) -> Promise {
        let action =
            match must(Props::of(&params).opt_string("action"), "push.challenge", "action", "a string") {
                Ok(action) => action,
                Err(error) => return Promise::reject(&error),
            };
        challenge_push(&self.session, action.as_deref(), |answer| answer.into_reply(|data| data).to_js())
    }

    /// Asks once how a challenge stands. Resolves to
    /// `{ data: { isConsumed, isVerified, status, token? } }` or an error result.
    pub fn verify(&self, params: JsValue) -> Promise {
        let challenge_id = match required_string(&Props::of(&params), "push.verify", "challengeId") {
            Ok(id) => id,
            Err(error) => return Promise::reject(&error),
        };
        verify_push(&self.session, &challenge_id, None, |answer| answer.into_reply(VerifyData::from).to_js())
    }

    /// Waits until the challenge is finished (approved, denied, expired or cancelled). It
    /// opens the challenge's WebSocket and polls `verify` as soon as the socket says the
    /// challenge changed (and every 15 s in case a message was lost); without a socket, or
    /// once it drops, it polls: the first poll after 1 s, then backing off towards 2 s with
    /// jitter. Resolves to the last `verify` result; or to an error result with `errorCode`
    /// `aborted` (the signal fired), `timeout` (`timeoutMs` passed), `network_error` (five
    /// network failures in a row) or the Worker's code. Never rejects, except for invalid
    /// parameters.
    pub fn wait_for_result(&self, params: JsValue) -> Promise {
        match WaitParams::read(&params) {
            Ok(params) => wait_for_result(&self.session, params),
            Err(error) => Promise::reject(&error),
        }
    }
}
