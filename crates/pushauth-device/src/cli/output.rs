//! What `--json` prints: one shape per command, camelCase like the service's API.
//!
//! `list --json` prints the device API's own pending list ([`pushauth_device::client::Pending`]).

use pushauth_core::challenge::{ChallengeView, Status};
use serde::Serialize;

/// Prints one value as one line of JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) -> Result<(), super::Failure> {
    let line = serde_json::to_string(value)
        .map_err(|e| super::Failure::new(super::Exit::Failed, "json", e.to_string()))?;
    println!("{line}");
    Ok(())
}

/// `enroll --json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Enrolled {
    /// The user the device now answers for.
    pub user_id: String,
    /// The tenant.
    pub tenant_id: String,
    /// The device key's id.
    pub key_id: String,
    /// The service's base URL.
    pub base_url: String,
    /// The name the service shows for the device.
    pub device_name: String,
    /// Where the key and the enrolment were saved.
    pub key_file: String,
}

/// `approve --json` and `deny --json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Answered {
    /// The tenant's display name.
    pub tenant_name: String,
    /// The request answered.
    pub challenge_id: String,
    /// Its action (`signIn`, …).
    pub action: String,
    /// The button pressed, counted from 1 as `list` shows them.
    pub button: u32,
    /// The button's title.
    pub button_title: String,
    /// What the service made of the answer: `approved` or `denied`.
    pub status: Status,
}

/// One line of `watch --json`.
#[derive(Debug, Serialize)]
#[serde(tag = "event", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum WatchEvent<'a> {
    /// Watching has started.
    Watching {
        /// The user the device answers for.
        user_id: &'a str,
    },
    /// A new request; the next line on stdin answers it (`1`…, `n`, `s`).
    Request {
        /// The tenant's display name.
        tenant_name: &'a str,
        /// The request, as the device API shows it.
        challenge: &'a ChallengeView,
    },
    /// The chosen button approves a number-matching request: the next line on stdin is the number.
    NumberNeeded {
        /// The request.
        challenge_id: &'a str,
    },
    /// The answer was sent.
    Answered {
        /// The request.
        challenge_id: &'a str,
        /// The button pressed, counted from 1.
        button: u32,
        /// What the service made of it: `approved` or `denied`.
        status: Status,
    },
    /// The request was left unanswered: `s` or an empty line (`skip`), or not an answer.
    Skipped {
        /// The request.
        challenge_id: &'a str,
        /// `skip` or `notAnAnswer`.
        reason: &'a str,
    },
    /// The answer was not accepted.
    NotSent {
        /// The request.
        challenge_id: &'a str,
        /// The service's `errorCode`, or the CLI's own.
        error_code: &'a str,
        /// The sentence `watch` shows people.
        error_description: &'a str,
    },
    /// The service cannot be reached; watching retries in 3 s.
    Retrying {
        /// Always `unreachable`.
        error_code: &'a str,
        /// The sentence `watch` shows people.
        error_description: &'a str,
    },
}
