//! `push.waitForResult`: the driver around the [`Poller`] state machine. It sleeps through
//! `gloo-timers`, polls `verify`, reports each poll to `onPoll`, and stops on abort.

use js_sys::{Date, Function, Math, Object, Reflect};
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

use crate::api::verify_push;
use crate::backoff::Jitter;
use crate::error_code::ErrorCode;
use crate::js_read::{callback, must, required_string, Props};
use crate::js_value::{error_reply, ToJs};
use crate::poller::{Outcome, Poller, Step};
use crate::result::{Answer, VerifyData};
use crate::session::Session;
use crate::sleep::sleep;

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

/// Waits for the challenge's result; see `Push::wait_for_result`.
pub async fn wait_for_result(session: &Session, params: WaitParams) -> JsValue {
    let signal = params.signal.as_ref();
    let on_poll = params.on_poll;
    let started = Date::now();
    let mut poller = Poller::new(params.timeout_ms);
    let mut delay = poller.first_delay_ms(jitter());
    let mut attempt: u32 = 0;
    loop {
        let Some(ms) = poller.sleep_ms(delay, Date::now() - started) else {
            return error_reply(ErrorCode::Timeout);
        };
        if sleep(ms, signal).await.is_err() {
            return error_reply(ErrorCode::Aborted);
        }
        attempt = attempt.saturating_add(1);
        let answer = verify_push(session, &params.challenge_id, signal).await;
        if matches!(answer, Answer::Aborted) {
            return error_reply(ErrorCode::Aborted);
        }
        let reply = answer.clone().into_reply(VerifyData::from).to_js();
        if let Some(on_poll) = &on_poll {
            report(on_poll, attempt, &reply);
        }
        let outcome = match answer {
            Answer::Data(v) if !v.is_consumed => Outcome::Pending,
            Answer::Data(_) => Outcome::Finished(reply),
            Answer::RateLimited { retry_after_secs, .. } => Outcome::RateLimited { retry_after_secs },
            Answer::Transient(_) => Outcome::Transient(reply),
            Answer::Error(_) | Answer::Aborted => Outcome::Failed(reply),
        };
        match poller.next(outcome, jitter()) {
            Step::Wait { ms } => delay = ms,
            Step::Finish(result) => return result,
        }
    }
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
