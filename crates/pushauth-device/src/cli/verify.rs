//! `verify EVIDENCE`: checks an evidence document offline with the core's
//! [`pushauth_core::evidence::verify`]; needs no key file and no network.
//!
//! Exit 0 and the verdict when it verifies; exit 7 ([`Exit::NotVerified`]) and the reason
//! (`errorCode`: `signature_mismatch`, `key_id_mismatch`, …) when it does not; exit 2 when the
//! file cannot be read as an evidence document.

use std::io::Read;

use pushauth_core::evidence::{self, Evidence};
use pushauth_core::time::rfc3339;

use super::args::VerifyArgs;
use super::output::print_json;
use super::{Exit, Failure};

/// The most bytes read: a document is a few kilobytes.
const MAX_BYTES: u64 = 1 << 20;

/// `verify`.
pub fn verify(args: &VerifyArgs) -> Result<(), Failure> {
    let mut text = String::new();
    let read = if args.file.as_os_str() == "-" {
        std::io::stdin().take(MAX_BYTES).read_to_string(&mut text)
    } else {
        std::fs::File::open(&args.file).and_then(|f| f.take(MAX_BYTES).read_to_string(&mut text))
    };
    read.map_err(|e| {
        Failure::new(Exit::Usage, "invalid_input", format!("cannot read {}: {e}", args.file.display()))
    })?;
    let document: Evidence = serde_json::from_str(&text)
        .map_err(|e| Failure::new(Exit::Usage, "invalid_input", format!("not an evidence document: {e}")))?;
    let verdict = evidence::verify(&document).map_err(|reason| {
        Failure::new(Exit::NotVerified, reason.as_str(), format!("NOT VERIFIED: {reason}"))
    })?;
    if args.output.json {
        return print_json(&serde_json::json!({ "verified": true, "verdict": verdict }));
    }
    println!(
        "VERIFIED: the device with key {} {} {:?} (button {} \"{}\") for {} at {}, tenant {}, challenge {}.\nIt was shown: {:?}",
        verdict.key_id,
        if verdict.approved { "approved" } else { "denied" },
        verdict.action,
        verdict.button + 1,
        verdict.button_title,
        verdict.user_id,
        rfc3339(verdict.answered_at),
        verdict.tenant_id,
        verdict.challenge_id.as_str(),
        verdict.content,
    );
    Ok(())
}
