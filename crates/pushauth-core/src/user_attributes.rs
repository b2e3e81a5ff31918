//! A user's attributes (`updateUser`, `getUser`): email, phone number, names, locale and a small
//! map of custom data, with their bounds.
//!
//! An update is a patch: a field left out stays as it was, a field set to `null` is cleared, a
//! field with a value replaces it (`custom` as a whole).

use alloc::string::String;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::text::check_text;
use crate::Error;

/// The longest text attribute (email, phone number, username, display name), in bytes.
pub const MAX_ATTRIBUTE: usize = 255;
/// The longest locale (a BCP 47 tag), in bytes.
pub const MAX_LOCALE: usize = 35;
/// The largest `custom` object, in bytes of compact JSON.
pub const MAX_CUSTOM_BYTES: usize = 2048;
/// The most keys `custom` may have.
pub const MAX_CUSTOM_KEYS: usize = 32;
/// The longest key in `custom`, in bytes.
pub const MAX_CUSTOM_KEY: usize = 64;

/// A user's attributes as stored and returned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserAttributes {
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether the backend verified the email address.
    #[serde(default)]
    pub email_verified: bool,
    /// Phone number in E.164 form (`+` and 7 to 15 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Whether the backend verified the phone number.
    #[serde(default)]
    pub phone_number_verified: bool,
    /// Username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Name to show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Locale (BCP 47), e.g. `en-NZ`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Custom data: string, number or boolean values ([`MAX_CUSTOM_BYTES`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<Map<String, Value>>,
}

/// A field of a patch: absent (unchanged), `null` (cleared) or a value.
fn field<'a>(patch: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    patch.get(name)
}

fn text(patch: &Map<String, Value>, name: &'static str, max: usize) -> Result<Option<Option<String>>, Error> {
    match field(patch, name) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) => {
            check_text(name, s, max, false)?;
            Ok(Some(if s.is_empty() { None } else { Some(s.clone()) }))
        }
        Some(_) => Err(Error::InvalidFieldType { field: name }),
    }
}

fn flag(patch: &Map<String, Value>, name: &'static str) -> Result<Option<bool>, Error> {
    match field(patch, name) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(false)),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(Error::InvalidFieldType { field: name }),
    }
}

/// Checks an email address's shape: one `@` between a non-empty local part and a domain with a
/// dot, no whitespace or control characters. (Whether it receives mail is the backend's
/// business.)
pub fn check_email(value: &str) -> Result<(), Error> {
    let bad = Error::InvalidFormat { field: "email" };
    let (local, domain) = value.split_once('@').ok_or(bad.clone())?;
    let ok = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(bad)
    }
}

/// Checks a phone number's shape: E.164, `+` then 7 to 15 digits, the first not `0`.
pub fn check_phone_number(value: &str) -> Result<(), Error> {
    let digits = value.strip_prefix('+').unwrap_or("");
    let ok = (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidFormat { field: "phoneNumber" })
    }
}

/// Checks custom data: an object of at most [`MAX_CUSTOM_KEYS`] keys (each at most
/// [`MAX_CUSTOM_KEY`] bytes, no control characters) with string, number or boolean values, at
/// most [`MAX_CUSTOM_BYTES`] as compact JSON.
pub fn check_custom(custom: &Map<String, Value>) -> Result<(), Error> {
    if custom.len() > MAX_CUSTOM_KEYS {
        return Err(Error::FieldTooLong { field: "custom", max: MAX_CUSTOM_KEYS });
    }
    for (key, value) in custom {
        if key.is_empty() {
            return Err(Error::FieldRequired { field: "custom" });
        }
        check_text("custom", key, MAX_CUSTOM_KEY, false)?;
        match value {
            Value::String(s) => check_text("custom", s, MAX_CUSTOM_BYTES, true)?,
            Value::Number(_) | Value::Bool(_) => {}
            _ => return Err(Error::InvalidFieldType { field: "custom" }),
        }
    }
    let size = serde_json::to_string(custom).map_or(usize::MAX, |s| s.len());
    if size > MAX_CUSTOM_BYTES {
        return Err(Error::FieldTooLong { field: "custom", max: MAX_CUSTOM_BYTES });
    }
    Ok(())
}

impl UserAttributes {
    /// Applies a patch (the body of `updateUser`), checking every field it sets; on error
    /// nothing changed. Unknown fields are ignored, as a newer client may send more.
    pub fn apply(&mut self, patch: &Map<String, Value>) -> Result<(), Error> {
        let mut next = self.clone();
        if let Some(email) = text(patch, "email", MAX_ATTRIBUTE)? {
            if let Some(e) = &email {
                check_email(e)?;
            }
            next.email = email;
        }
        if let Some(phone) = text(patch, "phoneNumber", MAX_ATTRIBUTE)? {
            if let Some(p) = &phone {
                check_phone_number(p)?;
            }
            next.phone_number = phone;
        }
        if let Some(username) = text(patch, "username", MAX_ATTRIBUTE)? {
            next.username = username;
        }
        if let Some(name) = text(patch, "displayName", MAX_ATTRIBUTE)? {
            next.display_name = name;
        }
        if let Some(locale) = text(patch, "locale", MAX_LOCALE)? {
            next.locale = locale;
        }
        if let Some(verified) = flag(patch, "emailVerified")? {
            next.email_verified = verified;
        }
        if let Some(verified) = flag(patch, "phoneNumberVerified")? {
            next.phone_number_verified = verified;
        }
        match field(patch, "custom") {
            None => {}
            Some(Value::Null) => next.custom = None,
            Some(Value::Object(custom)) => {
                check_custom(custom)?;
                next.custom = if custom.is_empty() { None } else { Some(custom.clone()) };
            }
            Some(_) => return Err(Error::InvalidFieldType { field: "custom" }),
        }
        *self = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patch(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_patch_sets_clears_and_leaves_fields() {
        let mut user = UserAttributes::default();
        user.apply(&patch(json!({
            "email": "jo@example.com", "emailVerified": true, "phoneNumber": "+64211234567",
            "username": "jo", "displayName": "Jo Bloggs", "custom": {"tier": "gold", "age": 42, "vip": true},
            "somethingNew": [1, 2]
        })))
        .unwrap();
        assert_eq!(user.email.as_deref(), Some("jo@example.com"));
        assert!(user.email_verified);
        assert_eq!(user.custom.as_ref().map(Map::len), Some(3));
        user.apply(&patch(json!({ "displayName": null, "username": "" }))).unwrap();
        assert_eq!(user.display_name, None);
        assert_eq!(user.username, None);
        assert_eq!(user.email.as_deref(), Some("jo@example.com"), "left out: unchanged");
        user.apply(&patch(json!({ "custom": null }))).unwrap();
        assert_eq!(user.custom, None);
    }

    #[test]
    fn a_refused_patch_changes_nothing() {
        let mut user = UserAttributes::default();
        user.apply(&patch(json!({ "email": "jo@example.com" }))).unwrap();
        let before = user.clone();
        assert_eq!(
            user.apply(&patch(json!({ "email": "other@example.com", "phoneNumber": "12345" }))),
            Err(Error::InvalidFormat { field: "phoneNumber" })
        );
        assert_eq!(user, before);
    }

    #[test]
    fn strings_are_bounded_and_single_line() {
        let mut user = UserAttributes::default();
        let long = "a".repeat(MAX_ATTRIBUTE + 1);
        assert_eq!(
            user.apply(&patch(json!({ "username": long }))),
            Err(Error::FieldTooLong { field: "username", max: MAX_ATTRIBUTE })
        );
        assert!(user.apply(&patch(json!({ "username": "a".repeat(MAX_ATTRIBUTE) }))).is_ok());
        assert_eq!(
            user.apply(&patch(json!({ "displayName": "a\nb" }))),
            Err(Error::InvalidCharacters { field: "displayName" })
        );
        assert_eq!(
            user.apply(&patch(json!({ "email": 5 }))),
            Err(Error::InvalidFieldType { field: "email" })
        );
        assert_eq!(
            user.apply(&patch(json!({ "emailVerified": "yes" }))),
            Err(Error::InvalidFieldType { field: "emailVerified" })
        );
    }

    #[test]
    fn email_and_phone_shapes() {
        for good in ["a@b.co", "jo.bloggs+tag@mail.example.com", "用户@例子.中国"] {
            assert!(check_email(good).is_ok(), "{good:?}");
        }
        for bad in [
            "",
            "jo",
            "@example.com",
            "jo@",
            "jo@example",
            "jo@@example.com",
            "jo @example.com",
            "jo@.com",
            "jo@com.",
        ] {
            assert_eq!(check_email(bad), Err(Error::InvalidFormat { field: "email" }), "{bad:?}");
        }
        for good in ["+6421123456", "+14155550100", "+123456789012345"] {
            assert!(check_phone_number(good).is_ok(), "{good:?}");
        }
        for bad in ["", "6421123456", "+0211234567", "+1234", "+1234567890123456", "+64 21 123 456", "+64-21"]
        {
            assert_eq!(
                check_phone_number(bad),
                Err(Error::InvalidFormat { field: "phoneNumber" }),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn custom_data_is_flat_and_small() {
        let mut user = UserAttributes::default();
        assert_eq!(
            user.apply(&patch(json!({ "custom": { "nested": { "a": 1 } } }))),
            Err(Error::InvalidFieldType { field: "custom" })
        );
        assert_eq!(
            user.apply(&patch(json!({ "custom": { "list": [1] } }))),
            Err(Error::InvalidFieldType { field: "custom" })
        );
        assert_eq!(
            user.apply(&patch(json!({ "custom": "text" }))),
            Err(Error::InvalidFieldType { field: "custom" })
        );
        let big = json!({ "custom": { "blob": "x".repeat(MAX_CUSTOM_BYTES) } });
        assert_eq!(
            user.apply(&patch(big)),
            Err(Error::FieldTooLong { field: "custom", max: MAX_CUSTOM_BYTES })
        );
        let many: Map<String, Value> = (0..=MAX_CUSTOM_KEYS).map(|i| (format!("k{i}"), json!(i))).collect();
        assert_eq!(
            user.apply(&patch(json!({ "custom": many }))),
            Err(Error::FieldTooLong { field: "custom", max: MAX_CUSTOM_KEYS })
        );
        assert!(user.apply(&patch(json!({ "custom": { "k": "x".repeat(MAX_CUSTOM_BYTES - 20) } }))).is_ok());
    }
}
