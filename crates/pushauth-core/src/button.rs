//! The answer buttons a device shows (Privakey's `buttons`).

use alloc::{string::String, vec, vec::Vec};

use serde::{Deserialize, Serialize};

use crate::text::check_required_text;
use crate::text::check_text;
use crate::Error;

/// One answer button.
///
/// `strongAuth` asks the device to verify its user (biometrics or PIN) before it signs; a button
/// with `strongAuth` is also an *approving* button: choosing it makes the challenge succeed.
/// `style` is opaque to the service and passed to the device as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Button {
    /// The label shown on the device.
    pub title: String,
    /// Whether the device must verify its user before answering with this button.
    pub strong_auth: bool,
    /// An opaque style hint for the device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
}

impl Button {
    /// The longest title, in UTF-8 bytes.
    pub const MAX_TITLE: usize = 64;
    /// The longest style, in UTF-8 bytes.
    pub const MAX_STYLE: usize = 64;

    /// Whether choosing this button approves the challenge.
    pub fn approves(&self) -> bool {
        self.strong_auth
    }
}

/// A validated list of 2 to [`Buttons::MAX`] buttons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Button>", into = "Vec<Button>")]
pub struct Buttons(Vec<Button>);

impl Buttons {
    /// The most buttons a device is asked to show.
    pub const MAX: usize = 6;

    /// Validates a list of buttons: at least two, at most [`Buttons::MAX`], each with a
    /// non-empty single-line title and an optional single-line style within their bounds.
    pub fn new(buttons: Vec<Button>) -> Result<Self, Error> {
        if buttons.len() < 2 {
            return Err(Error::TooFewButtons);
        }
        if buttons.len() > Self::MAX {
            return Err(Error::TooManyButtons { max: Self::MAX });
        }
        for (index, button) in buttons.iter().enumerate() {
            let title_ok = check_required_text("title", &button.title, Button::MAX_TITLE, false);
            let style_ok =
                button.style.as_deref().map_or(Ok(()), |s| check_text("style", s, Button::MAX_STYLE, false));
            if title_ok.is_err() || style_ok.is_err() {
                return Err(Error::InvalidButton { index });
            }
        }
        Ok(Buttons(buttons))
    }

    /// The buttons in order.
    pub fn as_slice(&self) -> &[Button] {
        &self.0
    }

    /// The button at `index`, if any.
    pub fn get(&self, index: usize) -> Option<&Button> {
        self.0.get(index)
    }

    /// The number of buttons.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: a valid list has at least two buttons.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Default for Buttons {
    /// Approve (strong auth required) and Reject (not required), as Privakey defaults them.
    fn default() -> Self {
        Buttons(vec![
            Button { title: "Approve".into(), strong_auth: true, style: None },
            Button { title: "Reject".into(), strong_auth: false, style: None },
        ])
    }
}

impl TryFrom<Vec<Button>> for Buttons {
    type Error = Error;
    fn try_from(buttons: Vec<Button>) -> Result<Self, Error> {
        Buttons::new(buttons)
    }
}

impl From<Buttons> for Vec<Button> {
    fn from(buttons: Buttons) -> Self {
        buttons.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn button(title: &str) -> Button {
        Button { title: title.into(), strong_auth: false, style: None }
    }

    #[test]
    fn default_is_approve_then_reject() {
        let b = Buttons::default();
        assert_eq!(b.len(), 2);
        assert_eq!(b.as_slice()[0].title, "Approve");
        assert!(b.as_slice()[0].approves());
        assert_eq!(b.as_slice()[1].title, "Reject");
        assert!(!b.as_slice()[1].approves());
    }

    #[test]
    fn counts_are_bounded() {
        assert_eq!(Buttons::new(vec![]), Err(Error::TooFewButtons));
        assert_eq!(Buttons::new(vec![button("a")]), Err(Error::TooFewButtons));
        assert!(Buttons::new(vec![button("a"); 6]).is_ok());
        assert_eq!(Buttons::new(vec![button("a"); 7]), Err(Error::TooManyButtons { max: 6 }));
    }

    #[test]
    fn each_button_is_checked() {
        let long = "x".repeat(65);
        let cases = [
            vec![button("ok"), button("")],
            vec![button("ok"), button("  ")],
            vec![button("ok"), button(&long)],
            vec![button("ok"), button("two\nlines")],
            vec![button("ok"), Button { style: Some(long.clone()), ..button("s") }],
        ];
        for buttons in cases {
            assert_eq!(Buttons::new(buttons), Err(Error::InvalidButton { index: 1 }));
        }
    }

    #[test]
    fn json_requires_title_and_strong_auth_and_a_string_style() {
        let ok: Buttons = serde_json::from_str(
            r#"[{"title":"Pay","strongAuth":true,"style":"primary"},{"title":"No","strongAuth":false}]"#,
        )
        .unwrap();
        assert_eq!(ok.as_slice()[0].style.as_deref(), Some("primary"));
        for bad in [
            r#"[{"title":"Pay"},{"title":"No","strongAuth":false}]"#,
            r#"[{"strongAuth":true},{"title":"No","strongAuth":false}]"#,
            r#"[{"title":"Pay","strongAuth":"yes"},{"title":"No","strongAuth":false}]"#,
            r#"[{"title":"Pay","strongAuth":true,"style":3},{"title":"No","strongAuth":false}]"#,
            r#"[{"title":"Pay","strongAuth":true,"extra":1},{"title":"No","strongAuth":false}]"#,
            r#"[{"title":"Pay","strongAuth":true}]"#,
        ] {
            assert!(serde_json::from_str::<Buttons>(bad).is_err(), "{bad}");
        }
    }
}
