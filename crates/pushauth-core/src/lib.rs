#![doc = include_str!("../README.md")]
// No operating system needed: heap allocation (`alloc`) only. Unit tests run with `std`.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod action;
pub mod authsignal_mobile;
pub mod button;
pub mod canonical;
pub mod challenge;
pub mod delivery;
pub mod device;
pub mod device_request;
pub mod duration;
pub mod encoding;
pub mod enrolment_proof;
pub mod error;
pub mod error_code;
pub mod evidence;
pub mod fatigue;
pub mod home_hint;
pub mod ids;
pub mod json_value;
pub mod number_match;
pub mod privakey;
pub mod secret;
pub mod seen_requests;
pub mod server_auth;
pub mod signature;
pub mod tenant;
pub mod text;
pub mod time;
pub mod token;
pub mod url;
pub mod user_attributes;
pub mod webhook;
pub mod webpush;
pub mod wire;

pub use challenge::answer;
pub use error::Error;
pub use error_code::{ClientErrorCode, ErrorCode};
pub use server_auth::cx1_hmac;

/// Milliseconds since the Unix epoch. The core never reads a clock: callers pass this in.
pub type UnixMillis = u64;
