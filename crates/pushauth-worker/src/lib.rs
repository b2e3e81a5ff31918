//! The pushauth auth service as a Cloudflare Worker.
//!
//! This crate is thin glue: it routes HTTP requests ([`router`]), reads and writes a key-value
//! [`store::Store`] (Workers KV in production, memory in native tests), and hands every decision
//! to `pushauth-core`. The `#[event(fetch)]` entry point and the KV adapter exist only when built
//! for `wasm32` (by `worker-build`); natively the whole route table runs in tests.

pub mod account_events;
pub mod action_log;
pub mod api_error;
pub mod app;
pub mod auth;
pub mod challenges;
pub mod config_cache;
pub mod cors;
pub mod expiring;
pub mod health;
pub mod http;
pub mod memory_store;
pub mod object_lock;
pub mod outbox;
pub mod records;
pub mod router;
pub mod routes;
pub mod scope;
pub mod signature_verifier;
pub mod sockets;
pub mod split_store;
pub mod store;
#[cfg(not(target_arch = "wasm32"))]
pub mod testkit;
#[cfg(not(target_arch = "wasm32"))]
pub mod two_locations;
pub mod web_push;

#[cfg(target_arch = "wasm32")]
mod entry;
#[cfg(target_arch = "wasm32")]
mod http_client;
#[cfg(target_arch = "wasm32")]
mod kv_store;
#[cfg(target_arch = "wasm32")]
mod object_storage;
#[cfg(target_arch = "wasm32")]
mod object_stub;
#[cfg(target_arch = "wasm32")]
mod user_object;
#[cfg(target_arch = "wasm32")]
mod worker_store;
