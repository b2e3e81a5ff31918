//! What the command line accepts: the `clap` definition of every command and flag.
//!
//! Parsing ends here: a command runs only with a [`Cli`] that parsed, so `--help` on any command
//! shows help and does nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;
use pushauth_core::challenge::DenyReason;
use pushauth_device::{parse_enrol_link, EnrolLink};

use super::failure::Exit;

/// A command-line authenticator for pushauth: enrol this computer, then approve or deny the
/// sign-ins and payments it is asked about.
#[derive(Debug, Parser)]
#[command(name = "pushauth-device", version, arg_required_else_help = true, after_help = after_help())]
pub struct Cli {
    /// The device key file [default: ~/.config/pushauth/device.json].
    #[arg(long, global = true, value_name = "FILE", env = "PUSHAUTH_DEVICE_KEY", display_order = 100)]
    pub key: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level help's closing text: two examples and the exit codes.
fn after_help() -> String {
    let mut text = String::from(
        "Examples:\n  pushauth-device enroll 'https://auth.example.com/authenticator/#enroll=eyJ…'\n  \
         pushauth-device watch\n\nExit codes:\n",
    );
    for exit in Exit::ALL {
        text.push_str(&format!("  {}  {}\n", exit.code(), exit.summary()));
    }
    text
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Enrol this computer from an enrolment link (or a base URL and a token).
    #[command(
        alias = "enrol",
        override_usage = "pushauth-device enroll [OPTIONS] <LINK>\n       pushauth-device enroll [OPTIONS] --base <URL> --token <TOKEN>",
        after_help = "Example:\n  pushauth-device enroll 'https://auth.example.com/authenticator/#enroll=eyJ…' --name 'Work laptop'"
    )]
    Enroll(EnrollArgs),
    /// Wait for requests and answer them as they come (Ctrl-C or end of input to stop).
    #[command(after_help = "Example:\n  pushauth-device watch")]
    Watch(WatchArgs),
    /// Show the pending requests.
    #[command(after_help = "Example:\n  pushauth-device list --json")]
    List(ListArgs),
    /// Approve a pending request (the oldest, unless --challenge names one).
    #[command(after_help = "Example:\n  pushauth-device approve --code 042")]
    Approve(ApproveArgs),
    /// Deny a pending request (the oldest, unless --challenge names one).
    #[command(after_help = "Example:\n  pushauth-device deny --not-me")]
    Deny(DenyArgs),
    /// Rename this device on the service.
    #[command(after_help = "Example:\n  pushauth-device rename 'Home desktop'")]
    Rename(RenameArgs),
    /// Remove this device from the service and forget its enrolment (the key file stays).
    #[command(after_help = "Example:\n  pushauth-device remove")]
    Remove,
    /// Create a device key without enrolling it; prints its public key as JSON.
    #[command(after_help = "Example:\n  pushauth-device keygen --key ./device.json")]
    Keygen,
    /// Print this device's public key and key id as JSON.
    #[command(after_help = "Example:\n  pushauth-device public-key")]
    PublicKey,
    /// Check an evidence document offline (GET /v1/challenges/{id}/evidence); needs no key.
    #[command(
        after_help = "Exit codes: 0 the evidence verifies, 7 it does not, 2 the file is not an evidence document.\n\nExample:\n  pushauth-device verify evidence.json"
    )]
    Verify(VerifyArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  pushauth-device completions bash > ~/.local/share/bash-completion/completions/pushauth-device"
    )]
    Completions(CompletionsArgs),
    /// Sign an answer to the challenge view on stdin; prints the answer body (for tests).
    #[command(
        hide = true,
        after_help = "Example:\n  pushauth-device sign-answer --key device.json --button 0 --code 042 < view.json"
    )]
    SignAnswer(SignAnswerArgs),
    /// Sign a device API request; prints its headers as JSON (for tests).
    #[command(
        hide = true,
        after_help = "Example:\n  pushauth-device sign-request --key device.json --tenant acme --method GET --path /v1/device/challenges"
    )]
    SignRequest(SignRequestArgs),
    /// Sign an enrolment with an enrolment token; prints the enrolment body with its proof (for tests).
    #[command(
        hide = true,
        after_help = "Example:\n  pushauth-device sign-enrolment --key device.json --token eyJ… --name 'Test phone'"
    )]
    SignEnrolment(SignEnrolmentArgs),
}

/// `--json`: a result for scripts instead of sentences for people.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct Output {
    /// Print the result as JSON on stdout (`watch`: one object per line); errors as JSON on stderr.
    #[arg(long)]
    pub json: bool,
}

/// `enroll`.
#[derive(Debug, Args)]
pub struct EnrollArgs {
    /// The enrolment link (…/authenticator/#enroll=…), as the QR code or the web page shows it.
    #[arg(value_name = "LINK", value_parser = enrol_link, required_unless_present = "base", conflicts_with = "base")]
    pub link: Option<EnrolLink>,
    /// The service's base URL, instead of a link (with --token).
    #[arg(long, value_name = "URL", requires = "token")]
    pub base: Option<String>,
    /// The enrolment token, instead of a link (with --base).
    #[arg(long, value_name = "TOKEN", requires = "base")]
    pub token: Option<String>,
    /// The name the service shows for this device [default: "CLI on $HOSTNAME"].
    #[arg(long)]
    pub name: Option<String>,
    /// Output format.
    #[command(flatten)]
    pub output: Output,
}

/// `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The evidence document (JSON), or `-` for stdin.
    #[arg(value_name = "EVIDENCE")]
    pub file: std::path::PathBuf,
    /// Output format.
    #[command(flatten)]
    pub output: Output,
}

/// `watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Output format.
    #[command(flatten)]
    pub output: Output,
}

/// `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format.
    #[command(flatten)]
    pub output: Output,
}

/// `approve`.
#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The request to answer [default: the oldest pending one].
    #[arg(long, value_name = "ID")]
    pub challenge: Option<String>,
    /// The number shown on the sign-in screen, when the request asks for it.
    #[arg(long, value_name = "NUMBER")]
    pub code: Option<String>,
    /// The button to press, counted from 1 as `list` shows them [default: the approving one].
    #[arg(long, value_name = "N", value_parser = button_number)]
    pub button: Option<u32>,
    /// Output format.
    #[command(flatten)]
    pub output: Output,
}

/// `deny`.
#[derive(Debug, Args)]
pub struct DenyArgs {
    /// The request to answer [default: the oldest pending one].
    #[arg(long, value_name = "ID")]
    pub challenge: Option<String>,
    /// Tell the service you did not start this (it blocks further requests for a while).
    #[arg(long)]
    pub not_me: bool,
    /// Output format.
    #[command(flatten)]
    pub output: Output,
}

/// `rename`.
#[derive(Debug, Args)]
pub struct RenameArgs {
    /// The new name.
    pub name: String,
}

/// `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `sign-answer`.
#[derive(Debug, Args)]
pub struct SignAnswerArgs {
    /// The button's index, counted from 0 as the protocol does.
    #[arg(long, value_name = "N")]
    pub button: u32,
    /// The number-match code.
    #[arg(long, value_name = "DIGITS")]
    pub code: Option<String>,
    /// Why the request is denied.
    #[arg(long, value_enum)]
    pub reason: Option<Reason>,
}

/// `sign-request`.
#[derive(Debug, Args)]
pub struct SignRequestArgs {
    /// The tenant id.
    #[arg(long, value_name = "ID")]
    pub tenant: String,
    /// The HTTP method.
    #[arg(long, value_name = "M")]
    pub method: String,
    /// The path and query.
    #[arg(long, value_name = "P")]
    pub path: String,
    /// The request body.
    #[arg(long, value_name = "TEXT", default_value = "", allow_hyphen_values = true)]
    pub body: String,
}

/// `sign-enrolment`.
#[derive(Debug, Args)]
pub struct SignEnrolmentArgs {
    /// The enrolment token (a track token of scope `add:authenticators`).
    #[arg(long, value_name = "TOKEN")]
    pub token: String,
    /// The device's name.
    #[arg(long, value_name = "NAME", default_value = "Test phone")]
    pub name: String,
    /// The device's platform.
    #[arg(long, value_name = "P", default_value = "cli")]
    pub platform: String,
}

/// A deny reason as `sign-answer --reason` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Reason {
    /// The person did not start this.
    #[value(name = "not_me")]
    NotMe,
    /// Any other reason.
    Other,
}

impl From<Reason> for DenyReason {
    fn from(reason: Reason) -> Self {
        match reason {
            Reason::NotMe => DenyReason::NotMe,
            Reason::Other => DenyReason::Other,
        }
    }
}

impl Cli {
    /// Whether the command was asked for JSON output.
    pub fn json(&self) -> bool {
        match &self.command {
            Command::Enroll(EnrollArgs { output, .. })
            | Command::Watch(WatchArgs { output })
            | Command::List(ListArgs { output })
            | Command::Approve(ApproveArgs { output, .. })
            | Command::Deny(DenyArgs { output, .. })
            | Command::Verify(VerifyArgs { output, .. }) => output.json,
            _ => false,
        }
    }
}

fn enrol_link(text: &str) -> Result<EnrolLink, String> {
    parse_enrol_link(text).ok_or_else(|| "that is not an enrolment link (…/authenticator/#enroll=…)".into())
}

/// `--button` as people count: from 1.
fn button_number(text: &str) -> Result<u32, String> {
    text.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| "--button takes a number from 1".into())
}
