#![doc = include_str!("../README.md")]
// The shipped SDK (wasm32 without the `std` feature) does without Rust's standard library:
// see `panic` below.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]

extern crate alloc;

// The rules, with no IO: plain Rust, unit-tested natively.
pub mod backoff;
pub mod error_code;
pub mod error_table;
pub mod poller;
pub mod result;
pub mod url;
pub mod whole_ms;

// The browser binding: JS classes, fetch, timers, DOM.
// The browser runs this module on one thread; the SDK allocates little and briefly.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
#[allow(unsafe_code)]
// SAFETY: wasm32-unknown-unknown without the atomics feature has a single thread, which is
// what `AssumeSingleThreaded` requires.
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// A panic traps: the browser reports a `RuntimeError: unreachable` to the call that ran into it.
/// The SDK has no panic on any input path; what is left are the "cannot happen" checks of the
/// allocator, `RefCell` and wasm-bindgen's runtime. std's panic handler would format a message
/// for a console the SDK never writes to: leaving it and its hook out took 1.2 KB off the
/// gzipped package.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

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
