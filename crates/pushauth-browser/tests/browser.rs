//! The SDK in headless Chromium against the real Worker in workerd, through its JavaScript
//! surface (`PushAuth`, `push`, `launch`), with a CLI device answering through the fixture
//! (tests/sdk/fixture.mjs). Run with `node tests/support/with-worker.mjs node
//! tests/sdk/run-wasm-tests.mjs`; natively this file compiles to nothing.
#![cfg(target_arch = "wasm32")]
// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "browser/challenge.rs"]
mod challenge;
#[path = "browser/errors.rs"]
mod errors;
#[path = "browser/launch.rs"]
mod launch;
#[path = "browser/socket.rs"]
mod socket;
#[path = "browser/support.rs"]
mod support;
#[path = "browser/wait_for_result.rs"]
mod wait_for_result;
