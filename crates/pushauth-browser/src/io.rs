//! The SDK's IO, in a few lines of JavaScript: one `fetch` of the Worker, one sleep cut short
//! by an `AbortSignal` or by the challenge's socket, and that socket. Each hands its outcome to
//! a Rust callback and returns a promise of what the callback returns, so the calls are chained
//! without Rust futures: an executor, its task queue and the timer futures cost more wasm than
//! the rest of `waitForResult`. (`scripts/build-sdk.sh` bundles this snippet into the package's
//! glue.)

use alloc::boxed::Box;
use js_sys::Promise;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

#[wasm_bindgen(inline_js = r#"
export function post(url, token, key, value, signal, done) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: JSON.stringify({ [key]: value, token }),
    signal,
  })
    .then(
      (r) => r.json().catch(() => {}).then((json) => ({ status: r.status, json, retryAfter: r.headers.get("retry-after") })),
      () => {},
    )
    .then(done);
}
export function sleep(ms, signal, socket, done) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(true);
    if (socket?.due) return resolve(socket.due = false);
    const end = (aborted) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
      if (socket) socket.wake = 0;
      resolve(aborted);
    };
    const abort = () => end(true);
    const timer = setTimeout(end, ms, false);
    signal?.addEventListener("abort", abort);
    if (socket) socket.wake = () => end(false);
  }).then(done);
}
export function watch(base, id, token) {
  // `up`, `due` and `wake` start absent (falsy).
  const socket = { close: () => socket.ws?.close() };
  const kick = () => (socket.wake ? socket.wake() : (socket.due = true));
  try {
    const ws = new WebSocket(
      base.replace(/^http/, "ws") + "/client/push/ws?challengeId=" + encodeURIComponent(id),
      ["pushauth.v1", "pushauth.token." + token],
    );
    ws.onmessage = kick;
    ws.onclose = () => { socket.up = false; kick(); };
    socket.ws = ws;
    socket.up = true;
  } catch {}
  return socket;
}
"#)]
extern "C" {
    /// `POST url` in the simple-request form (no CORS preflight: `text/plain`, the token in
    /// the body, the Worker's `simple_request.rs`) with the JSON body `{ [key]: value, token }`
    /// (`{ token }` when `value` is `None`); `done` gets `{ status, json, retryAfter }` (`json`
    /// undefined when the body is not JSON; `retryAfter` the header or null), or `undefined`
    /// when nothing answered or the signal aborted the request.
    #[wasm_bindgen(js_name = post)]
    fn js_post(
        url: &str,
        token: &str,
        key: &str,
        value: Option<&str>,
        signal: Option<&AbortSignal>,
        done: JsValue,
    ) -> Promise;

    /// Waits `ms` milliseconds, or until `signal` aborts, or until `socket` (a [`watch`])
    /// says something; `done` gets `true` if it aborted.
    #[wasm_bindgen(js_name = sleep)]
    fn js_sleep(ms: u32, signal: Option<&AbortSignal>, socket: &JsValue, done: JsValue) -> Promise;

    /// Opens the challenge's socket (`GET {base}/client/push/ws?challengeId=`, the token as
    /// the subprotocol `pushauth.token.<token>`): `{ up, due, wake, close() }`, where `up` is
    /// true while it is connecting or open. A message, or the socket closing, ends the current
    /// sleep (or the next one, if none is under way: `due`). Never throws: a browser without
    /// WebSocket, or a token that is no subprotocol, gives a socket that is not `up`.
    pub fn watch(base: &str, challenge_id: &str, token: &str) -> JsValue;
}

/// A callback run once with what an IO call came back with; its value becomes the promise's.
/// (Boxed, so the closure glue is compiled once for every callback.)
pub type Then = Box<dyn FnOnce(JsValue) -> JsValue>;

/// See `js_post`.
pub fn post(
    url: &str,
    token: &str,
    key: &str,
    value: Option<&str>,
    signal: Option<&AbortSignal>,
    done: Then,
) -> Promise {
    js_post(url, token, key, value, signal, Closure::once_into_js(done))
}

/// See `js_sleep`.
pub fn sleep(ms: u32, signal: Option<&AbortSignal>, socket: &JsValue, done: Then) -> Promise {
    js_sleep(ms, signal, socket, Closure::once_into_js(done))
}
