//! Single use of signed device requests (`device_request.rs`), kept per device in one record
//! that is overwritten, never in a row per request.
//!
//! A request signed at `T` is accepted only while the server's clock is within
//! ±[`WINDOW_MS`] of `T`: one accepted at `R` can be sent again only until `T + WINDOW_MS`,
//! at most `R + 2 × WINDOW_MS`. So a device's guard keeps each accepted request's signature
//! digest for [`KEEP_MS`] (twice the window plus a minute) after it was accepted, and refuses a
//! digest it holds. Signatures are taken in their low-S form by the caller, so a signature and
//! its high-S twin are one request.
//!
//! Kept in one record per device instead of a row per request, a signed request writes one row
//! (the record) and no later delete: entries leave the record when a later request rewrites it,
//! and the record is deleted with the device. At most [`MAX_SEEN`] requests are held; a device
//! that signs more within [`KEEP_MS`] is refused (`429 too_many_device_requests`) rather than
//! have an entry dropped, which would let that request be replayed.

use alloc::{string::String, vec::Vec};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::device_request::WINDOW_MS;
use crate::encoding::b64url;
use crate::{Error, UnixMillis};

/// How long an accepted request is held after it was accepted: twice the window, plus a minute.
pub const KEEP_MS: u64 = 2 * WINDOW_MS + 60_000;
/// The most requests one device's guard holds (about one a second, sustained over [`KEEP_MS`]).
pub const MAX_SEEN: usize = 180;

/// One accepted request: when it was accepted and its signature's digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// When the server accepted it (Unix ms, the server's clock).
    pub at: UnixMillis,
    /// base64url of the first 16 bytes of SHA-256 over the low-S `r‖s` signature.
    pub sig: String,
}

/// The requests a device signed that were accepted in the last [`KEEP_MS`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenRequests {
    /// Accepted requests, oldest first.
    #[serde(default)]
    pub seen: Vec<Seen>,
}

/// The digest a guard keeps of a signature (`raw_low_s`: the low-S `r‖s` bytes).
pub fn signature_digest(raw_low_s: &[u8]) -> String {
    b64url(&Sha256::digest(raw_low_s)[..16])
}

impl SeenRequests {
    /// Accepts a request whose signature (low-S `r‖s`) is `raw_low_s`, at `now`: drops what is
    /// older than [`KEEP_MS`], refuses a signature already held (`ReplayedRequest`) or a full
    /// guard (`TooManyDeviceRequests`), and holds this one.
    pub fn admit(&mut self, raw_low_s: &[u8], now: UnixMillis) -> Result<(), Error> {
        self.seen.retain(|s| s.at.saturating_add(KEEP_MS) > now);
        let sig = signature_digest(raw_low_s);
        if self.seen.iter().any(|s| s.sig == sig) {
            return Err(Error::ReplayedRequest);
        }
        if self.seen.len() >= MAX_SEEN {
            return Err(Error::TooManyDeviceRequests);
        }
        self.seen.push(Seen { at: now, sig });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000_000;

    #[test]
    fn a_request_is_accepted_once_while_it_could_be_replayed() {
        let mut guard = SeenRequests::default();
        guard.admit(b"sig-a", NOW).expect("first use");
        assert_eq!(guard.admit(b"sig-a", NOW + 1), Err(Error::ReplayedRequest));
        // The last moment a replay could still be inside its window: refused.
        assert_eq!(guard.admit(b"sig-a", NOW + 2 * WINDOW_MS), Err(Error::ReplayedRequest));
        guard.admit(b"sig-b", NOW + 2).expect("another request");
        assert_eq!(guard.seen.len(), 2);
    }

    #[test]
    fn entries_leave_once_no_replay_could_be_in_its_window() {
        let mut guard = SeenRequests::default();
        guard.admit(b"sig-a", NOW).expect("first use");
        guard.admit(b"sig-b", NOW + KEEP_MS).expect("a later request");
        assert_eq!(guard.seen.len(), 1, "sig-a was dropped: {guard:?}");
    }

    #[test]
    fn a_full_guard_refuses_rather_than_forget() {
        let mut guard = SeenRequests::default();
        for i in 0..MAX_SEEN {
            guard.admit(format!("sig-{i}").as_bytes(), NOW + i as u64).expect("room left");
        }
        assert_eq!(guard.admit(b"one more", NOW + 1_000), Err(Error::TooManyDeviceRequests));
        assert_eq!(guard.admit(b"sig-0", NOW + 1_000), Err(Error::ReplayedRequest), "still held");
        guard.admit(b"one more", NOW + KEEP_MS).expect("room again once the oldest left");
    }
}
