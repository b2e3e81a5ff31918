//! Helpers: the fixture's routes, JS objects in and out, awaiting promises, sleeping.

use js_sys::{Function, Object, Promise, Reflect, JSON};
use pushauth_browser::PushAuth;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str, init: &JsValue) -> Promise;
}

/// The fixture's URL, compiled in by tests/sdk/run-wasm-tests.mjs.
fn fixture_url() -> &'static str {
    match option_env!("PUSHAUTH_FIXTURE_URL") {
        Some(url) => url,
        None => panic!("PUSHAUTH_FIXTURE_URL is not set: run through tests/sdk/run-wasm-tests.mjs"),
    }
}

/// A JS object from key/value pairs.
pub fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

/// A property by dotted path (`"data.challengeId"`); `undefined` when absent.
pub fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| {
        if v.is_object() || v.is_function() {
            Reflect::get(&v, &JsValue::from_str(key)).unwrap()
        } else {
            JsValue::UNDEFINED
        }
    })
}

/// A string property; panics with the whole value when it is not a string.
pub fn text(value: &JsValue, path: &str) -> String {
    get(value, path).as_string().unwrap_or_else(|| panic!("{path} is not a string in {}", json(value)))
}

/// A value as JSON, for failure messages.
pub fn json(value: &JsValue) -> String {
    JSON::stringify(value).ok().and_then(|s| s.as_string()).unwrap_or_else(|| format!("{value:?}"))
}

/// Awaits a promise that must resolve.
pub async fn resolved(promise: Promise) -> JsValue {
    JsFuture::from(promise).await.unwrap_or_else(|e| panic!("rejected: {e:?}"))
}

/// Awaits a promise that must reject; returns the rejection.
pub async fn rejected(promise: Promise) -> JsValue {
    match JsFuture::from(promise).await {
        Ok(v) => panic!("resolved instead of rejecting: {}", json(&v)),
        Err(e) => e,
    }
}

/// POSTs to a fixture route; panics unless it answers 200.
pub async fn fixture(path: &str, body: JsValue) -> JsValue {
    let init = obj(&[
        ("method", "POST".into()),
        ("headers", obj(&[("content-type", "application/json".into())])),
        ("body", JSON::stringify(&body).unwrap().into()),
    ]);
    let url = format!("{}{path}", fixture_url());
    let response: web_sys::Response = resolved(global_fetch(&url, &init)).await.into();
    let answer = resolved(response.json().unwrap()).await;
    assert!(response.ok(), "fixture {path}: {}", json(&answer));
    answer
}

/// A tenant with one enrolled CLI device, its origins allowing this page unless
/// `allowedOrigins` says otherwise; `{ baseUrl, tenantId, token, url, … }`.
pub async fn setup(options: &[(&str, JsValue)]) -> JsValue {
    fixture("/setup", obj(options)).await
}

/// A client for a setup's tenant with its token set.
pub fn client(setup: &JsValue) -> PushAuth {
    let c = PushAuth::new(obj(&[("baseUrl", get(setup, "baseUrl")), ("tenantId", get(setup, "tenantId"))]))
        .unwrap();
    c.set_token(Some(text(setup, "token")));
    c
}

/// Starts a push challenge; returns its id.
pub async fn start(client: &PushAuth) -> String {
    let started = resolved(client.push().challenge(obj(&[("action", "signIn".into())]))).await;
    text(&started, "data.challengeId")
}

/// The device answers a challenge: button 0 approves, 1 denies.
pub async fn device_answers(setup: &JsValue, challenge_id: &str, button: u32) {
    let answered = fixture(
        "/answer",
        obj(&[
            ("tenantId", get(setup, "tenantId")),
            ("challengeId", challenge_id.into()),
            ("button", button.into()),
        ]),
    )
    .await;
    assert_eq!(get(&answered, "status").as_f64(), Some(200.0), "{}", json(&answered));
}

/// The backend validates a result token; returns `/v1/validate`'s body.
pub async fn validate(setup: &JsValue, token: &str) -> JsValue {
    let validated =
        fixture("/validate", obj(&[("tenantId", get(setup, "tenantId")), ("token", token.into())])).await;
    get(&validated, "body")
}

/// How many challenges are pending on the setup's device.
pub async fn pending(setup: &JsValue) -> f64 {
    let p = fixture("/pending", obj(&[("tenantId", get(setup, "tenantId"))])).await;
    get(&p, "count").as_f64().unwrap()
}

/// Hides `WebSocket` from the page until dropped: `waitForResult` then polls, as in a browser
/// where the challenge's socket cannot open.
pub struct PollingOnly(JsValue);

/// See [`PollingOnly`].
pub fn polling_only() -> PollingOnly {
    PollingOnly(replace_websocket(JsValue::UNDEFINED))
}

impl Drop for PollingOnly {
    fn drop(&mut self) {
        replace_websocket(self.0.clone());
    }
}

/// Sets the page's `WebSocket` to `with`; returns what it was.
pub fn replace_websocket(with: JsValue) -> JsValue {
    let global = js_sys::global();
    let key = JsValue::from_str("WebSocket");
    let saved = Reflect::get(&global, &key).unwrap();
    Reflect::set(&global, &key, &with).unwrap();
    saved
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// Milliseconds since the epoch.
pub fn now() -> f64 {
    js_sys::Date::now()
}

/// A JS function from a Rust closure; the closure lives as long as the page.
pub fn function(f: impl FnMut(JsValue) + 'static) -> Function {
    Closure::<dyn FnMut(JsValue)>::new(f).into_js_value().unchecked_into()
}
