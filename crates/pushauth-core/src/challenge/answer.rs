//! The canonical bytes a device signs to answer a challenge.
//!
//! Unlike peers whose devices sign only the challenge id (so `approved` can be flipped in
//! transit), the pushauth answer binds the whole decision: who is asked, by whom, what was shown,
//! which button was chosen, the number typed, and the server's nonce and expiry. Byte layout:
//! `docs/protocol.md`, section "Answer message".

use alloc::{string::String, vec::Vec};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{ChallengeView, DenyReason};
use crate::canonical::Canonical;
use crate::encoding::b64url;
use crate::signature::KeyId;

/// The domain-separation tag of the answer message.
pub const ANSWER_TAG: &str = "pushauth/answer/v1";
/// The domain-separation tag of the displayed-context digest.
pub const CONTEXT_TAG: &str = "pushauth/context/v1";

/// What the person chose on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    /// The index of the chosen button.
    pub button: u32,
    /// The number typed, when the challenge uses number matching and the button approves.
    #[serde(default)]
    pub code: Option<String>,
    /// Why the person denied, if they said.
    #[serde(default)]
    pub reason: Option<DenyReason>,
}

/// The SHA-256 digest of everything the device displayed, in canonical form.
///
/// Fields, in order after the tag: action, content, notification title, notification body,
/// transaction id, confirmation code, IP address, user agent, location, device id, the number
/// of buttons, then for each button its title, `"1"`/`"0"` for strongAuth, and its style.
/// Absent optional values are empty fields.
pub fn context_digest(view: &ChallengeView) -> [u8; 32] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut m = Canonical::new(CONTEXT_TAG);
    m.str(&view.action)
        .str(&view.content)
        .str(&view.notification_title)
        .str(&view.notification_body)
        .str(&opt(&view.transaction_id))
        .str(&opt(&view.confirmation_code))
        .str(&opt(&view.context.ip_address))
        .str(&opt(&view.context.user_agent))
        .str(&opt(&view.context.location))
        .str(&opt(&view.context.device_id))
        .uint(view.buttons.len() as u64);
    for button in view.buttons.as_slice() {
        m.str(&button.title)
            .str(if button.strong_auth { "1" } else { "0" })
            .str(button.style.as_deref().unwrap_or(""));
    }
    Sha256::digest(m.into_bytes()).into()
}

/// The bytes a device signs to answer: the fields below, each length-prefixed.
///
/// 1. `pushauth/answer/v1`
/// 2. tenant id
/// 3. challenge id
/// 4. user id
/// 5. device key id
/// 6. button index (decimal)
/// 7. number-match code typed (or empty)
/// 8. deny reason (`not_me`, `other` or empty)
/// 9. expiry in Unix milliseconds (decimal)
/// 10. server nonce
/// 11. base64url of the [`context_digest`]
pub fn answer_message(view: &ChallengeView, key_id: &KeyId, choice: &Choice) -> Vec<u8> {
    let mut m = Canonical::new(ANSWER_TAG);
    m.str(&view.tenant_id)
        .str(view.challenge_id.as_str())
        .str(&view.user_id)
        .str(key_id.as_str())
        .uint(u64::from(choice.button))
        .str(choice.code.as_deref().unwrap_or(""))
        .str(choice.reason.map(DenyReason::as_str).unwrap_or(""))
        .uint(view.expires_at)
        .str(&view.nonce)
        .str(&b64url(&context_digest(view)));
    m.into_bytes()
}

#[cfg(test)]
mod tests;
