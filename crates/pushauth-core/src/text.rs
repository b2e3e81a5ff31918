//! Bounds and character rules for the free-text fields of the API.

use crate::Error;

/// Checks a free-text field: at most `max` bytes of UTF-8 and no control characters other than
/// newline and tab when `multiline` (content shown on a device may have line breaks; ids,
/// titles and headers may not).
pub fn check_text(field: &'static str, value: &str, max: usize, multiline: bool) -> Result<(), Error> {
    if value.len() > max {
        return Err(Error::FieldTooLong { field, max });
    }
    let allowed = |c: char| !c.is_control() || (multiline && (c == '\n' || c == '\t'));
    if !value.chars().all(allowed) {
        return Err(Error::InvalidCharacters { field });
    }
    Ok(())
}

/// Checks a required free-text field: as [`check_text`], and not empty or blank.
pub fn check_required_text(
    field: &'static str,
    value: &str,
    max: usize,
    multiline: bool,
) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::FieldRequired { field });
    }
    check_text(field, value, max, multiline)
}

/// Checks an identifier: 1 to `max` bytes of `A-Z a-z 0-9` and `- _ . @ : + =`.
///
/// Identifiers appear in URL paths, KV keys and signed messages, so their alphabet is closed.
pub fn check_identifier(field: &'static str, value: &str, max: usize) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::FieldRequired { field });
    }
    if value.len() > max {
        return Err(Error::FieldTooLong { field, max });
    }
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"-_.@:+=".contains(&b);
    if !value.bytes().all(allowed) {
        return Err(Error::InvalidCharacters { field });
    }
    Ok(())
}

/// Checks a name a customer's systems chose: a user id (an identity provider's, such as
/// `auth0|64f…` or `google-oauth2|1234`), an action code or an idempotency key. Any UTF-8 of 1 to
/// `max` bytes without control characters and not only whitespace: `Jane Doe` and `müller` are
/// names too.
///
/// Such names are never spliced into anything unescaped: in paths they are percent-encoded (and
/// the router decodes each segment once), in storage they are the last part of a key whose other
/// parts cannot hold `:`, and in signed messages they are length-prefixed.
pub fn check_name(field: &'static str, value: &str, max: usize) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::FieldRequired { field });
    }
    if value.len() > max {
        return Err(Error::FieldTooLong { field, max });
    }
    if value.chars().any(char::is_control) {
        return Err(Error::InvalidCharacters { field });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_rules() {
        assert!(check_text("content", "line one\nline two", 100, true).is_ok());
        assert_eq!(check_text("title", "a\nb", 100, false), Err(Error::InvalidCharacters { field: "title" }));
        assert_eq!(
            check_text("content", "a\u{0}b", 100, true),
            Err(Error::InvalidCharacters { field: "content" })
        );
        assert_eq!(
            check_text("content", "ééé", 5, true),
            Err(Error::FieldTooLong { field: "content", max: 5 })
        );
        assert_eq!(
            check_required_text("title", "  ", 5, false),
            Err(Error::FieldRequired { field: "title" })
        );
    }

    #[test]
    fn identifier_rules() {
        assert!(check_identifier("userId", "alice@example.com", 64).is_ok());
        assert!(check_identifier("userId", "user_42:eu-1", 64).is_ok());
        for bad in ["a b", "a/b", "a%2F", "ü", "a\n", "a?b", "a#b"] {
            assert_eq!(
                check_identifier("userId", bad, 64),
                Err(Error::InvalidCharacters { field: "userId" }),
                "{bad:?}"
            );
        }
        assert_eq!(check_identifier("userId", "", 64), Err(Error::FieldRequired { field: "userId" }));
        assert_eq!(
            check_identifier("userId", "aaaa", 3),
            Err(Error::FieldTooLong { field: "userId", max: 3 })
        );
    }

    #[test]
    fn names_are_any_text_without_controls() {
        for good in ["auth0|64f1c2", "google-oauth2|1234", "Jane Doe", "müller", "a/b?c#d%2F", "用户"] {
            assert!(check_name("userId", good, 255).is_ok(), "{good:?}");
        }
        for bad in ["a\u{0}b", "a\nb", "\u{7f}", "a\u{85}b"] {
            assert_eq!(
                check_name("userId", bad, 255),
                Err(Error::InvalidCharacters { field: "userId" }),
                "{bad:?}"
            );
        }
        assert_eq!(check_name("userId", "", 255), Err(Error::FieldRequired { field: "userId" }));
        assert_eq!(check_name("userId", "  ", 255), Err(Error::FieldRequired { field: "userId" }));
        assert_eq!(
            check_name("userId", &"ü".repeat(128), 255),
            Err(Error::FieldTooLong { field: "userId", max: 255 })
        );
    }

    proptest! {
        #[test]
        fn accepted_identifiers_are_path_safe(value in ".{0,40}") {
            if check_identifier("x", &value, 64).is_ok() {
                prop_assert!(!value.contains(['/', '?', '#', '%', ' ']));
            }
        }
    }
}
