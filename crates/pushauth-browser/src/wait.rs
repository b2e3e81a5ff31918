//! `push.waitForResult`: the driver around the [`Poller`] state machine. It sleeps and polls
//! `verify` through `io.rs`, reports each poll to `onPoll`, and stops on abort.

use std::rc::Rc;

use js_sys::{Date, Function, Math, Object, Promise, Reflect};
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

use crate::api::verify_push;
use crate::backoff::Jitter;
use crate::error_code::ErrorCode;
use crate::io::sleep;
use crate::js_read::{callback, must, required_string, Props};
use crate::js_value::{error_reply, ToJs};
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

/// One `waitForResult` in progress: what it polls, its poller and its clock.
struct Wait {
    session: Rc<Session>,
    params: WaitParams,
    poller: Poller,
    started: f64,
    attempt: u32,
}

/// Waits for the challenge's result; see `Push::wait_for_result`. The loop is a chain of
/// promises: sleep, then poll, then sleep or finish.
pub fn wait_for_result(session: &Rc<Session>, params: WaitParams) -> Promise {
    let poller = Poller::new(params.timeout_ms);
    let delay = poller.first_delay_ms(jitter());
    let wait = Wait { session: Rc::clone(session), params, poller, started: Date::now(), attempt: 0 };
    Promise::resolve(&sleep_then_poll(wait, delay))
}

/// Sleeps `delay` (cut short by the time limit), then polls: a promise of the final result,
/// or the result itself when the time is up.
fn sleep_then_poll(wait: Wait, delay: u32) -> JsValue {
    let Some(ms) = wait.poller.sleep_ms(delay, Date::now() - wait.started) else {
        return error_reply(ErrorCode::Timeout);
    };
    let signal = wait.params.signal.clone();
    let then = move |aborted: JsValue| {
        if aborted.is_truthy() {
            error_reply(ErrorCode::Aborted)
        } else {
            poll(wait)
        }
    };
    sleep(ms, signal.as_ref(), Box::new(then)).into()
}

/// One `verify`, reported to `onPoll`; then the poller decides.
fn poll(mut wait: Wait) -> JsValue {
    wait.attempt = wait.attempt.saturating_add(1);
    let session = Rc::clone(&wait.session);
    let challenge_id = wait.params.challenge_id.clone();
    let signal = wait.params.signal.clone();
    verify_push(&session, &challenge_id, signal.as_ref(), move |answer| {
        if matches!(answer, Answer::Aborted) {
            return error_reply(ErrorCode::Aborted);
        }
        let reply = answer.clone().into_reply(VerifyData::from).to_js();
        if let Some(on_poll) = &wait.params.on_poll {
            report(on_poll, wait.attempt, &reply);
        }
        let outcome = match answer {
            Answer::Data(v) if !v.is_consumed => Outcome::Pending,
            Answer::Data(_) => Outcome::Finished(reply),
            Answer::RateLimited { retry_after_secs, .. } => Outcome::RateLimited { retry_after_secs },
            Answer::Transient(_) => Outcome::Transient(reply),
            Answer::Error(_) | Answer::Aborted => Outcome::Failed(reply),
        };
        match wait.poller.next(outcome, jitter()) {
            Step::Wait { ms } => sleep_then_poll(wait, ms),
            Step::Finish(result) => result,
        }
    })
    .into()
}

/// Calls `onPoll({ attempt, result })`; what it throws is the caller's and is ignored.
fn report(on_poll: &Function, attempt: u32, result: &JsValue) {
    let event = Object::new();
    let _ = Reflect::set(&event, &"attempt".into(), &attempt.into());
    let _ = Reflect::set(&event, &"result".into(), result);
    let _ = on_poll.call1(&JsValue::UNDEFINED, &event);
}

fn jitter() -> Jitter {
    Jitter::new(Math::random())
}
