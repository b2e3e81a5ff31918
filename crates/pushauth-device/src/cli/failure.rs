//! Why a command failed, the exit code that tells a script so, and how the failure is shown.

use pushauth_device::{ClientError, DeviceError};
use serde::Serialize;

use super::display::explain;

/// The exit codes. `crates/pushauth-device/README.md` has the same table (a test compares them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The command did what was asked.
    Done = 0,
    /// The service refused (it answered with an error), or the CLI knows it would and does not ask.
    Refused = 1,
    /// The command line or the input is not what the command takes (clap's errors too).
    Usage = 2,
    /// The service cannot be reached: connection, DNS, TLS or timeout.
    Unreachable = 3,
    /// There is no pending request to answer (or not the one `--challenge` names).
    NothingPending = 4,
    /// The key file is missing, unreadable or invalid, or not in the state the command needs.
    KeyFile = 5,
    /// Anything else: an answer from the service the CLI does not understand, the terminal, the RNG.
    Failed = 6,
    /// `verify`: the evidence document does not verify (tampered, or not what it claims).
    NotVerified = 7,
}

impl Exit {
    /// Every exit code, in order.
    pub const ALL: [Exit; 8] = [
        Exit::Done,
        Exit::Refused,
        Exit::Usage,
        Exit::Unreachable,
        Exit::NothingPending,
        Exit::KeyFile,
        Exit::Failed,
        Exit::NotVerified,
    ];

    /// The process exit code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// A few words for the help text and the README's table.
    pub fn summary(self) -> &'static str {
        match self {
            Exit::Done => "done",
            Exit::Refused => "refused by the service",
            Exit::Usage => "usage: bad command line or input",
            Exit::Unreachable => "the service cannot be reached",
            Exit::NothingPending => "no pending request to answer",
            Exit::KeyFile => "key file missing, invalid, or not enrolled / already enrolled",
            Exit::Failed => "any other failure",
            Exit::NotVerified => "the evidence does not verify",
        }
    }
}

/// A failed command: its exit code, a stable code for scripts, and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The exit code.
    pub exit: Exit,
    /// A stable `snake_case` code: the service's `errorCode`, or one of the CLI's own.
    pub code: String,
    /// The sentence shown after `pushauth-device: `.
    pub message: String,
    /// The HTTP status, when the service answered with an error.
    pub status: Option<u16>,
}

/// A failure as `--json` prints it on stderr (the same names as the service's error bodies).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonFailure<'a> {
    /// [`Failure::code`].
    pub error_code: &'a str,
    /// [`Failure::message`].
    pub error_description: &'a str,
    /// [`Failure::exit`] as a number.
    pub exit_code: u8,
    /// [`Failure::status`], when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
}

impl Failure {
    /// A failure with no HTTP status.
    pub fn new(exit: Exit, code: &str, message: impl Into<String>) -> Self {
        Failure { exit, code: code.to_owned(), message: message.into(), status: None }
    }

    /// A problem reading or writing the terminal or a pipe.
    pub fn io(error: std::io::Error) -> Self {
        Failure::new(Exit::Failed, "io", error.to_string())
    }

    /// The failure as one JSON line.
    pub fn to_json(&self) -> String {
        let json = JsonFailure {
            error_code: &self.code,
            error_description: &self.message,
            exit_code: self.exit.code(),
            http_status: self.status,
        };
        serde_json::to_string(&json).unwrap_or_default()
    }

    /// Prints the failure on stderr: a sentence, or with `--json` one JSON object.
    pub fn report(&self, json: bool) {
        if json {
            eprintln!("{}", self.to_json());
        } else {
            eprintln!("pushauth-device: {}", self.message);
        }
    }
}

impl From<ClientError> for Failure {
    fn from(error: ClientError) -> Self {
        let message = explain(&error);
        match error {
            ClientError::Unreachable(_) => Failure::new(Exit::Unreachable, "unreachable", message),
            ClientError::Api { status, code, .. } => {
                Failure { exit: Exit::Refused, code, message, status: Some(status) }
            }
            ClientError::BadResponse(_) => Failure::new(Exit::Failed, "bad_response", message),
            ClientError::NotEnrolled => Failure::new(Exit::KeyFile, "not_enrolled", message),
        }
    }
}

impl From<DeviceError> for Failure {
    fn from(error: DeviceError) -> Self {
        let message = error.to_string();
        match error {
            DeviceError::Random(_) => Failure::new(Exit::Failed, "random", message),
            DeviceError::Io(_) => Failure::new(Exit::KeyFile, "key_file_io", message),
            DeviceError::BadKeyFile(_) => Failure::new(Exit::KeyFile, "bad_key_file", message),
            DeviceError::NoKey => Failure::new(Exit::KeyFile, "no_key", message),
            _ => Failure::new(Exit::Failed, "device", message),
        }
    }
}
