//! The pushauth auth service as a Cloudflare Worker.
//!
//! This crate is thin glue: it routes HTTP requests, reads and writes Workers KV, and hands
//! every decision to `pushauth-core`. The `#[event(fetch)]` entry point exists only when built
//! for `wasm32` (by `worker-build`); natively the crate builds its pure parts for tests.

pub mod health;

#[cfg(target_arch = "wasm32")]
mod entry;
