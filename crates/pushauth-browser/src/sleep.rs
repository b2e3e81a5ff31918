//! Sleeping through `gloo-timers`, cut short by an `AbortSignal`.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

use gloo_timers::future::TimeoutFuture;
use js_sys::{Function, Promise};
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

/// The signal fired before the sleep ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aborted;

/// Sleeps `ms` milliseconds, or until `signal` aborts (then `Err(Aborted)`).
pub async fn sleep(ms: u32, signal: Option<&AbortSignal>) -> Result<(), Aborted> {
    let Some(signal) = signal else {
        TimeoutFuture::new(ms).await;
        return Ok(());
    };
    if signal.aborted() {
        return Err(Aborted);
    }
    // A promise that resolves on "abort": its `resolve` is the listener itself.
    let mut listener: Option<Function> = None;
    let on_abort = Promise::new(&mut |resolve, _reject| {
        let _ = signal.add_event_listener_with_callback("abort", &resolve);
        listener = Some(resolve);
    });
    let timer_won = first(TimeoutFuture::new(ms), JsFuture::from(on_abort)).await;
    if let Some(listener) = listener {
        let _ = signal.remove_event_listener_with_callback("abort", &listener);
    }
    // Dropping the losing timer clears it.
    if timer_won && !signal.aborted() {
        Ok(())
    } else {
        Err(Aborted)
    }
}

/// Runs two futures until one finishes; `true` if it was `a`.
async fn first<A: Future, B: Future>(a: A, b: B) -> bool {
    let mut a = pin!(a);
    let mut b = pin!(b);
    poll_fn(|cx| {
        if a.as_mut().poll(cx).is_ready() {
            Poll::Ready(true)
        } else if b.as_mut().poll(cx).is_ready() {
            Poll::Ready(false)
        } else {
            Poll::Pending
        }
    })
    .await
}
