//! What a push tells a device: the plaintext of the encrypted message, JSON.
//!
//! ```json
//! {"type":"challenge","tenantId":"acme","challengeId":"…","title":"Sign-in request",
//!  "body":"…","expiresAt":1767225600000}
//! ```
//!
//! It is a hint to look, shown as a notification: the device fetches the challenge itself with
//! a signed request, and the answer signs what that request returned, never this. `title` and
//! `body` are the challenge's notification texts (at most 128 and 512 bytes), so the payload
//! always fits one record.

use alloc::string::String;

use serde::Serialize;

/// Every challenge push is padded to this many bytes of plaintext (see
/// [`encrypt_padded`](super::encrypt_padded)): the longest payload the notification limits
/// allow, JSON escaping included, is shorter, so all pushes are the same size.
pub const PADDED_LEN: usize = 1536;
// A padded message still fits one record.
const _: () = assert!(PADDED_LEN <= super::MAX_PLAINTEXT);

use crate::challenge::Challenge;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Payload<'a> {
    r#type: &'static str,
    tenant_id: &'a str,
    challenge_id: &'a str,
    title: &'a str,
    body: &'a str,
    expires_at: u64,
}

/// The push message announcing `challenge` (JSON text).
pub fn challenge_payload(challenge: &Challenge) -> String {
    let payload = Payload {
        r#type: "challenge",
        tenant_id: &challenge.tenant_id,
        challenge_id: challenge.id.as_str(),
        title: &challenge.notification_title,
        body: &challenge.notification_body,
        expires_at: challenge.expires_at,
    };
    // Serialising a struct of strings and a number cannot fail.
    serde_json::to_string(&payload).unwrap_or_default()
}
