//! `push.waitForResult`: the driver around the [`Poller`] state machine. It sleeps and polls
//! `verify` through `io.rs`, reports each poll to `onPoll`, and stops on abort.
//!
//! It also opens the challenge's socket (`docs/api.md`, "Sockets"). While the socket is up, a
//! pending challenge is polled only when the socket says it changed, or every
//! [`SOCKET_POLL_MS`] in case a message was lost; when the socket cannot open or drops, one
//! poll follows at once and the usual 1–2 s polling resumes. The result always comes from
//! `verify`, so both paths end the same way.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;

use js_sys::{Date, Function, Math, Promise};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

use crate::api::verify_push;
use crate::backoff::{Jitter, SOCKET_POLL_MS};
use crate::error_code::ErrorCode;
use crate::io::{sleep, watch};
use crate::js_read::{callback, must, required_string, Props};
use crate::js_value::{error_reply, JsObject, ToJs};
use crate::poller::{Outcome, Poller, Step};
use crate::result::{Answer, VerifyData};
use crate::session::Session;

/// `push.waitForResult`'s parameters.
pub struct WaitParams {
    challenge_id: String,
    signal: Option<AbortSignal>,
    on_poll: Option<Function>,
    timeout_ms: Option<f64>,
}

impl WaitParams {
    /// Reads `{ challengeId, signal?, onPoll?, timeoutMs? }`; a wrong type is an
    /// `invalid_argument` error.
    pub fn read(value: &JsValue) -> Result<Self, JsValue> {
        const CALL: &str = "push.waitForResult";
        let p = Props::of(value);
        Ok(WaitParams {
            challenge_id: required_string(&p, CALL, "challengeId")?,
            signal: must(p.opt_instance("signal"), CALL, "signal", "an AbortSignal")?,
            on_poll: callback(&p, CALL, "onPoll")?,
            timeout_ms: must(p.opt_number("timeoutMs"), CALL, "timeoutMs", "a number")?,
        })
    }
}

/// One `waitForResult` in progress: what it polls, its poller, its clock and its socket.
struct Wait {
    session: Rc<Session>,
    params: WaitParams,
    poller: Poller,
    started: f64,
    attempt: u32,
    /// The challenge's socket (`io::watch`), or `undefined` without a token.
    socket: JsValue,
}

impl Wait {
    /// The delay before polling a pending challenge again: the poller's, or while the socket
    /// is up, the safety interval (the socket ends the sleep sooner when something happens).
    fn pending_delay(&self, polling_ms: u32) -> u32 {
        if Props::of(&self.socket).opt_bool("up") == Ok(Some(true)) {
            SOCKET_POLL_MS
        } else {
            polling_ms
        }
    }

    /// Ends the wait with `reply`: the socket is closed (its `close()`, through the imports
    /// the SDK has anyway).
    fn finish(&self, reply: JsValue) -> JsValue {
        let close = Props::of(&self.socket).get("close");
        if close.is_function() {
            let _ = close.unchecked_ref::<Function>().call0(&JsValue::UNDEFINED);
        }
        reply
    }
}

/// Waits for the challenge's result; see `Push::wait_for_result`. The loop is a chain of
/// promises: sleep, then poll, then sleep or finish.
pub fn wait_for_result(session: &Rc<Session>, params: WaitParams) -> Promise {
    let poller = Poller::new(params.timeout_ms);
    let socket = match session.token() {
        Some(token) => watch(&session.base_url, &params.challenge_id, &token),
        None => JsValue::UNDEFINED,
    };
    let wait = Wait { session: Rc::clone(session), params, poller, started: Date::now(), attempt: 0, socket };
    let delay = wait.pending_delay(wait.poller.first_delay_ms(jitter()));
    Promise::resolve(&sleep_then_poll(wait, delay))
}

/// Sleeps `delay` (cut short by the time limit or the socket), then polls: a promise of the
/// final result, or the result itself when the time is up.
fn sleep_then_poll(wait: Wait, delay: u32) -> JsValue {
    let Some(ms) = wait.poller.sleep_ms(delay, Date::now() - wait.started) else {
        return wait.finish(error_reply(ErrorCode::Timeout));
    };
    let signal = wait.params.signal.clone();
    let socket = wait.socket.clone();
    let then = move |aborted: JsValue| {
        if aborted.is_truthy() {
            wait.finish(error_reply(ErrorCode::Aborted))
        } else {
            poll(wait)
        }
    };
    sleep(ms, signal.as_ref(), &socket, Box::new(then)).into()
}

/// One `verify`, reported to `onPoll`; then the poller decides.
fn poll(mut wait: Wait) -> JsValue {
    wait.attempt = wait.attempt.saturating_add(1);
    let session = Rc::clone(&wait.session);
    let challenge_id = wait.params.challenge_id.clone();
    let signal = wait.params.signal.clone();
    verify_push(&session, &challenge_id, signal.as_ref(), move |answer| {
        if matches!(answer, Answer::Aborted) {
            return wait.finish(error_reply(ErrorCode::Aborted));
        }
        let reply = answer.clone().into_reply(VerifyData::from).to_js();
        if let Some(on_poll) = &wait.params.on_poll {
            report(on_poll, wait.attempt, &reply);
        }
        let pending = matches!(answer, Answer::Data(ref v) if !v.is_consumed);
        let outcome = match answer {
            Answer::Data(v) if !v.is_consumed => Outcome::Pending,
            Answer::Data(_) => Outcome::Finished(reply),
            Answer::RateLimited { retry_after_secs, .. } => Outcome::RateLimited { retry_after_secs },
            Answer::Transient(_) => Outcome::Transient(reply),
            Answer::Error(_) | Answer::Aborted => Outcome::Failed(reply),
        };
        match wait.poller.next(outcome, jitter()) {
            Step::Wait { ms } if pending => {
                let ms = wait.pending_delay(ms);
                sleep_then_poll(wait, ms)
            }
            Step::Wait { ms } => sleep_then_poll(wait, ms),
            Step::Finish(result) => wait.finish(result),
        }
    })
    .into()
}

/// Calls `onPoll({ attempt, result })`; what it throws is the caller's and is ignored.
fn report(on_poll: &Function, attempt: u32, result: &JsValue) {
    let event = JsObject::new().set("attempt", &attempt.into()).set("result", result).build();
    let _ = on_poll.call1(&JsValue::UNDEFINED, &event);
}

fn jitter() -> Jitter {
    Jitter::new(Math::random())
}
