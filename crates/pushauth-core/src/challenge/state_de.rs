//! Reading a stored [`ChallengeState`] back: the same JSON serde's internally tagged form
//! writes (`{"status": "answered", "button": 0, …}`), read into one flat record of every
//! variant's fields and then checked per status. serde's own derive for internally tagged enums
//! buffers the object into its generic `Content` tree first and deserialises each variant a
//! second time from it, which was most of the code of reading a challenge in the Worker.
//!
//! Accepted as before: the fields of the status, in any order; fields of other statuses and
//! unknown fields ignored; `reason` of an answer optional (`null` or absent is none). Refused as
//! before: an unknown status, a missing field, a wrong type, a duplicate field, a failure reason
//! on an answer and a deny reason on a failure.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

use super::state::{Answer, ChallengeState, DenyReason, FailureReason};
use crate::signature::KeyId;
use crate::UnixMillis;

/// The `status` tag.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum Tag {
    Pending,
    Answered,
    Cancelled,
    Expired,
    Failed,
}

/// Either kind of `reason`: a person's [`DenyReason`] or the service's [`FailureReason`].
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Reason {
    NotMe,
    Other,
    TooManyAttempts,
}

/// Every variant's fields.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    status: Tag,
    button: Option<u32>,
    approved: Option<bool>,
    reason: Option<Reason>,
    answered_at: Option<UnixMillis>,
    device_key_id: Option<KeyId>,
    cancelled_at: Option<UnixMillis>,
    failed_at: Option<UnixMillis>,
}

/// `field`, or serde's "missing field" error.
fn need<'de, D: Deserializer<'de>, T>(field: Option<T>, name: &'static str) -> Result<T, D::Error> {
    field.ok_or_else(|| D::Error::missing_field(name))
}

impl<'de> Deserialize<'de> for ChallengeState {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Stored::deserialize(deserializer)?;
        Ok(match s.status {
            Tag::Pending => ChallengeState::Pending,
            Tag::Expired => ChallengeState::Expired,
            Tag::Cancelled => {
                ChallengeState::Cancelled { cancelled_at: need::<D, _>(s.cancelled_at, "cancelledAt")? }
            }
            Tag::Answered => ChallengeState::Answered(Answer {
                button: need::<D, _>(s.button, "button")?,
                approved: need::<D, _>(s.approved, "approved")?,
                reason: match s.reason {
                    None => None,
                    Some(Reason::NotMe) => Some(DenyReason::NotMe),
                    Some(Reason::Other) => Some(DenyReason::Other),
                    Some(Reason::TooManyAttempts) => {
                        return Err(D::Error::unknown_variant("too_many_attempts", &["not_me", "other"]))
                    }
                },
                answered_at: need::<D, _>(s.answered_at, "answeredAt")?,
                device_key_id: need::<D, _>(s.device_key_id, "deviceKeyId")?,
            }),
            Tag::Failed => ChallengeState::Failed {
                failed_at: need::<D, _>(s.failed_at, "failedAt")?,
                reason: match need::<D, _>(s.reason, "reason")? {
                    Reason::TooManyAttempts => FailureReason::TooManyAttempts,
                    Reason::NotMe | Reason::Other => {
                        return Err(D::Error::unknown_variant("a deny reason", &["too_many_attempts"]))
                    }
                },
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A key id: 43 base64url characters of 32 bytes (a stored one is parsed as one).
    const KEY_ID: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    fn key() -> KeyId {
        serde_json::from_value(json!(KEY_ID)).unwrap()
    }

    fn every_state() -> Vec<ChallengeState> {
        let answer = |reason| {
            ChallengeState::Answered(Answer {
                button: 1,
                approved: false,
                reason,
                answered_at: 7,
                device_key_id: key(),
            })
        };
        vec![
            ChallengeState::Pending,
            ChallengeState::Expired,
            ChallengeState::Cancelled { cancelled_at: 5 },
            answer(None),
            answer(Some(DenyReason::NotMe)),
            answer(Some(DenyReason::Other)),
            ChallengeState::Failed { failed_at: 9, reason: FailureReason::TooManyAttempts },
        ]
    }

    /// serde's derive for the same enum, as the state was read before: the reference.
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(tag = "status", rename_all = "camelCase")]
    enum Derived {
        Pending,
        Answered(Answer),
        #[serde(rename_all = "camelCase")]
        Cancelled {
            cancelled_at: UnixMillis,
        },
        Expired,
        #[serde(rename_all = "camelCase")]
        Failed {
            failed_at: UnixMillis,
            reason: FailureReason,
        },
    }

    fn derived(state: Derived) -> ChallengeState {
        match state {
            Derived::Pending => ChallengeState::Pending,
            Derived::Answered(a) => ChallengeState::Answered(a),
            Derived::Cancelled { cancelled_at } => ChallengeState::Cancelled { cancelled_at },
            Derived::Expired => ChallengeState::Expired,
            Derived::Failed { failed_at, reason } => ChallengeState::Failed { failed_at, reason },
        }
    }

    /// Both readers on one text: the same state, or both refuse it.
    fn agree(text: &str) -> Option<ChallengeState> {
        let ours = serde_json::from_str::<ChallengeState>(text).ok();
        let reference = serde_json::from_str::<Derived>(text).ok().map(derived);
        assert_eq!(ours, reference, "{text}");
        ours
    }

    #[test]
    fn every_state_reads_back_as_written() {
        for state in every_state() {
            let text = serde_json::to_string(&state).unwrap();
            assert_eq!(agree(&text), Some(state), "{text}");
        }
    }

    #[test]
    fn the_written_forms_are_the_documented_ones() {
        assert_eq!(agree(r#"{"status":"pending"}"#), Some(ChallengeState::Pending));
        assert_eq!(
            agree(r#"{"failedAt":3,"reason":"too_many_attempts","status":"failed"}"#),
            Some(ChallengeState::Failed { failed_at: 3, reason: FailureReason::TooManyAttempts })
        );
    }

    #[test]
    fn agrees_with_serde_s_derive_on_odd_and_broken_input() {
        let accepted = [
            r#"{"status":"pending","button":3,"x":[1,{"y":null}]}"#,
            r#"{"status":"expired","failedAt":1}"#,
            r#"{"button":0,"approved":true,"answeredAt":1,"deviceKeyId":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","status":"answered"}"#,
            r#"{"status":"answered","button":0,"approved":true,"answeredAt":1,"deviceKeyId":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","reason":null}"#,
            r#"{"status":"cancelled","cancelledAt":2,"reason":"other"}"#,
        ];
        for text in accepted {
            assert!(agree(text).is_some(), "{text}");
        }
        let refused = [
            "",
            "null",
            "[]",
            "{}",
            r#"{"status":"unknown"}"#,
            r#"{"status":null}"#,
            r#"{"status":"cancelled"}"#,
            r#"{"status":"cancelled","cancelledAt":"2"}"#,
            r#"{"status":"answered","button":0,"approved":true,"answeredAt":1}"#,
            r#"{"status":"answered","button":-1,"approved":true,"answeredAt":1,"deviceKeyId":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#,
            r#"{"status":"answered","button":0,"approved":true,"answeredAt":1,"deviceKeyId":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","reason":"too_many_attempts"}"#,
            r#"{"status":"answered","button":0,"approved":true,"answeredAt":1,"deviceKeyId":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","reason":"bored"}"#,
            r#"{"status":"failed","failedAt":1}"#,
            r#"{"status":"failed","failedAt":1,"reason":null}"#,
            r#"{"status":"failed","failedAt":1,"reason":"not_me"}"#,
            r#"{"status":"pending","status":"pending"}"#,
            r#"{"status":"cancelled","cancelledAt":1,"cancelledAt":2}"#,
            r#"{"status":"answered","button":0,"approved":true,"answeredAt":1,"deviceKeyId":"k"}"#,
        ];
        for text in refused {
            assert_eq!(agree(text), None, "{text}");
        }
    }
}
