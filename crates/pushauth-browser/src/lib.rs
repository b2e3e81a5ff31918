#![doc = include_str!("../README.md")]

// The rules, with no IO: plain Rust, unit-tested natively.
pub mod backoff;
pub mod error_code;
pub mod error_table;
pub mod poller;
pub mod result;
pub mod url;
pub mod window_features;

// The browser binding: JS classes, fetch, timers, DOM.
// The browser runs this module on one thread; the SDK allocates little and briefly.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
#[allow(unsafe_code)]
// SAFETY: wasm32-unknown-unknown without the atomics feature has a single thread, which is
// what `AssumeSingleThreaded` requires.
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

mod api;
mod client;
mod http;
mod io;
mod js_error;
mod js_read;
mod js_value;
mod launch;
mod push;
mod session;
mod wait;

pub use client::PushAuth;
pub use push::Push;
