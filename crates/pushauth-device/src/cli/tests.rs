//! The command line as clap parses it, and the shapes `--json` prints.

use std::path::{Path, PathBuf};

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};
use pushauth_core::challenge::{ChallengeView, DenyReason, Status};
use pushauth_device::client::Pending;
use pushauth_device::{ClientError, DeviceError};
use serde_json::{json, Value};

use super::args::{Cli, Command, Reason};
use super::failure::{Exit, Failure};
use super::key_path;
use super::output::{Answered, Enrolled, WatchEvent};

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once("pushauth-device").chain(args.iter().copied()))
}

fn parsed(args: &[&str]) -> Cli {
    parse(args).unwrap_or_else(|e| panic!("{args:?} should parse: {e}"))
}

fn refused(args: &[&str]) -> clap::Error {
    match parse(args) {
        Ok(cli) => panic!("{args:?} should not parse, got {cli:?}"),
        Err(e) => e,
    }
}

/// Every command, hidden ones included, by the name typed.
fn command_names() -> Vec<String> {
    Cli::command().get_subcommands().map(|c| c.get_name().to_owned()).collect()
}

/// The view of `tests/vectors/answers.json`'s first case.
fn vector_view() -> ChallengeView {
    let path = format!("{}/../../tests/vectors/answers.json", env!("CARGO_MANIFEST_DIR"));
    let vectors: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    serde_json::from_value(vectors["cases"][0]["view"].clone()).unwrap()
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

#[test]
fn the_definition_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn every_command_has_help_and_an_example_with_either_flag() {
    let names = command_names();
    for expected in ["enroll", "watch", "list", "approve", "deny", "rename", "remove", "completions"] {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:?}");
    }
    for name in &names {
        for flag in ["--help", "-h"] {
            let error = refused(&[name, flag]);
            assert_eq!(error.kind(), ErrorKind::DisplayHelp, "{name} {flag}");
            assert_eq!(error.exit_code(), 0, "{name} {flag}");
            let text = error.render().to_string();
            assert!(text.contains(&format!("Usage: pushauth-device {name}")), "{name} {flag}: {text}");
            assert!(text.contains(&format!("Example:\n  pushauth-device {name}")), "{name} {flag}: {text}");
        }
    }
}

#[test]
fn help_before_other_arguments_still_only_shows_help() {
    // The issue: `approve --help` used to try to approve.
    let error = refused(&["approve", "--code", "042", "--help"]);
    assert_eq!(error.kind(), ErrorKind::DisplayHelp);
}

#[test]
fn help_command_explains_one_command() {
    let error = refused(&["help", "approve"]);
    assert_eq!(error.kind(), ErrorKind::DisplayHelp);
    let text = error.render().to_string();
    assert!(text.contains("Approve a pending request"), "{text}");
    assert!(text.contains("--code <NUMBER>"), "{text}");
}

#[test]
fn top_level_help_lists_people_commands_and_exit_codes_not_test_commands() {
    let text = refused(&["--help"]).render().to_string();
    for exit in Exit::ALL {
        assert!(text.contains(&format!("  {}  {}\n", exit.code(), exit.summary())), "{text}");
    }
    assert!(!text.contains("sign-answer") && !text.contains("sign-request"), "{text}");
    assert!(text.contains("completions"), "{text}");
}

#[test]
fn version_with_either_flag() {
    for flag in ["--version", "-V"] {
        let error = refused(&[flag]);
        assert_eq!(error.kind(), ErrorKind::DisplayVersion);
        assert_eq!(error.exit_code(), 0);
        assert_eq!(error.render().to_string(), format!("pushauth-device {}\n", env!("CARGO_PKG_VERSION")));
    }
}

#[test]
fn a_misspelt_flag_is_named_with_the_close_one() {
    let error = refused(&["approve", "--chalenge", "abc"]);
    assert_eq!(error.kind(), ErrorKind::UnknownArgument);
    assert_eq!(error.exit_code(), 2);
    let text = error.render().to_string();
    assert!(text.contains("'--chalenge'") && text.contains("'--challenge'"), "{text}");
}

#[test]
fn a_misspelt_command_is_named_with_the_close_one() {
    let error = refused(&["aprove"]);
    assert_eq!(error.kind(), ErrorKind::InvalidSubcommand);
    let text = error.render().to_string();
    assert!(text.contains("'aprove'") && text.contains("'approve'"), "{text}");
}

#[test]
fn usage_errors_exit_2() {
    let cases: [&[&str]; 9] = [
        &[],
        &["rename"],
        &["approve", "--button", "0"],
        &["approve", "--button", "one"],
        &["enroll"],
        &["enroll", "https://example.com/nothing"],
        &["enroll", "--base", "http://127.0.0.1:8787"],
        &["enroll", "http://a/authenticator/#enroll=t", "--base", "http://b", "--token", "u"],
        &["sign-answer", "--button", "0", "--reason", "bored"],
    ];
    for args in cases {
        let error = refused(args);
        assert_eq!(error.exit_code(), 2, "{args:?}: {error}");
        assert_eq!(Exit::Usage.code(), 2);
    }
    let text = refused(&["enroll", "https://example.com/nothing"]).render().to_string();
    assert!(text.contains("not an enrolment link"), "{text}");
    let text = refused(&["approve", "--button", "0"]).render().to_string();
    assert!(text.contains("--button takes a number from 1"), "{text}");
}

#[test]
fn key_comes_from_the_flag_or_the_environment() {
    let command = Cli::command();
    let key = command.get_arguments().find(|a| a.get_id() == "key").unwrap();
    assert_eq!(key.get_env(), Some(std::ffi::OsStr::new("PUSHAUTH_DEVICE_KEY")));
    assert!(key.is_global_set());
    // Before or after the command, as the tests and people write it.
    assert_eq!(parsed(&["--key", "a.json", "list"]).key, Some(PathBuf::from("a.json")));
    assert_eq!(parsed(&["list", "--key", "b.json"]).key, Some(PathBuf::from("b.json")));
    assert_eq!(key_path(Some(PathBuf::from("c.json"))), PathBuf::from("c.json"));
    assert!(key_path(None).ends_with(Path::new(".config/pushauth/device.json")));
}

#[test]
fn approve_and_deny_flags() {
    let cli = parsed(&["approve", "--challenge", "c1", "--code", "042", "--button", "2", "--json"]);
    assert!(cli.json());
    let Command::Approve(args) = cli.command else { panic!("not approve") };
    assert_eq!(args.challenge.as_deref(), Some("c1"));
    assert_eq!(args.code.as_deref(), Some("042"));
    assert_eq!(args.button, Some(2));

    let cli = parsed(&["deny", "--not-me"]);
    assert!(!cli.json());
    let Command::Deny(args) = cli.command else { panic!("not deny") };
    assert!(args.not_me);
    assert_eq!(args.challenge, None);
}

#[test]
fn enroll_takes_a_link_or_a_base_and_token() {
    let cli = parsed(&["enrol", "http://127.0.0.1:8787/authenticator/#enroll=a.b.c", "--name", "Laptop"]);
    let Command::Enroll(args) = cli.command else { panic!("not enroll") };
    let link = args.link.unwrap();
    assert_eq!((link.base_url.as_str(), link.token.as_str()), ("http://127.0.0.1:8787", "a.b.c"));
    assert_eq!(args.name.as_deref(), Some("Laptop"));

    let cli = parsed(&["enroll", "--base", "https://auth.example.com", "--token", "t", "--json"]);
    assert!(cli.json());
    let Command::Enroll(args) = cli.command else { panic!("not enroll") };
    assert_eq!(args.base.as_deref(), Some("https://auth.example.com"));
    assert_eq!(args.token.as_deref(), Some("t"));
}

#[test]
fn json_is_offered_where_the_issue_asks() {
    for name in ["list", "approve", "deny", "enroll", "watch"] {
        let command = Cli::command();
        let sub = command.find_subcommand(name).unwrap();
        assert!(sub.get_arguments().any(|a| a.get_id() == "json"), "{name}");
    }
    for args in [&["list", "--json"][..], &["watch", "--json"], &["deny", "--json"]] {
        assert!(parsed(args).json(), "{args:?}");
    }
    assert_eq!(refused(&["rename", "x", "--json"]).kind(), ErrorKind::UnknownArgument);
}

#[test]
fn low_level_commands_parse_as_the_black_box_tests_call_them() {
    let cli = parsed(&["sign-answer", "--key", "k", "--button", "1", "--code", "042", "--reason", "not_me"]);
    let Command::SignAnswer(args) = cli.command else { panic!("not sign-answer") };
    assert_eq!((args.button, args.code.as_deref()), (1, Some("042")));
    assert_eq!(args.reason.map(DenyReason::from), Some(DenyReason::NotMe));
    let cli = parsed(&["sign-answer", "--button", "0", "--reason", "other"]);
    let Command::SignAnswer(args) = cli.command else { panic!("not sign-answer") };
    assert_eq!(args.reason, Some(Reason::Other));

    let cli = parsed(&["sign-request", "--key", "k", "--tenant", "t", "--method", "GET", "--path", "/p"]);
    let Command::SignRequest(args) = cli.command else { panic!("not sign-request") };
    assert_eq!((args.tenant.as_str(), args.method.as_str(), args.path.as_str()), ("t", "GET", "/p"));
    assert_eq!(args.body, "");
    let cli = parsed(&["sign-request", "--tenant", "t", "--method", "M", "--path", "/p", "--body", "-1"]);
    let Command::SignRequest(args) = cli.command else { panic!("not sign-request") };
    assert_eq!(args.body, "-1");

    assert!(matches!(parsed(&["keygen", "--key", "k"]).command, Command::Keygen));
    assert!(matches!(parsed(&["public-key"]).command, Command::PublicKey));
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    for shell in ["bash", "zsh", "fish"] {
        assert!(matches!(parsed(&["completions", shell]).command, Command::Completions(_)), "{shell}");
    }
    assert_eq!(refused(&["completions", "tcsh"]).kind(), ErrorKind::InvalidValue);
}

#[test]
fn list_json_is_the_device_api_pending_list() {
    let view = vector_view();
    let pending = Pending { tenant_name: "Acme".into(), challenges: vec![view.clone()] };
    let value = to_value(&pending);
    assert_eq!(value["tenantName"], "Acme");
    assert_eq!(value["challenges"][0]["challengeId"], view.challenge_id.as_str());
    assert_eq!(value["challenges"][0]["numberMatchRequired"], false);
    assert_eq!(value["challenges"][0]["buttons"][0]["title"], "Approve");
    // A challenge printed by `list --json` is what `sign-answer` reads back.
    let back: ChallengeView = serde_json::from_value(value["challenges"][0].clone()).unwrap();
    assert_eq!(back, view);
}

#[test]
fn answer_and_enroll_json_shapes() {
    let answered = Answered {
        tenant_name: "Acme".into(),
        challenge_id: "c1".into(),
        action: "signIn".into(),
        button: 1,
        button_title: "Approve".into(),
        status: Status::Approved,
    };
    assert_eq!(
        to_value(&answered),
        json!({ "tenantName": "Acme", "challengeId": "c1", "action": "signIn", "button": 1,
                "buttonTitle": "Approve", "status": "approved" })
    );
    let enrolled = Enrolled {
        user_id: "alice".into(),
        tenant_id: "acme".into(),
        key_id: "k".into(),
        base_url: "https://auth.example.com".into(),
        device_name: "Laptop".into(),
        key_file: "/home/alice/.config/pushauth/device.json".into(),
    };
    assert_eq!(
        to_value(&enrolled),
        json!({ "userId": "alice", "tenantId": "acme", "keyId": "k", "baseUrl": "https://auth.example.com",
                "deviceName": "Laptop", "keyFile": "/home/alice/.config/pushauth/device.json" })
    );
}

#[test]
fn watch_json_events_are_tagged_lines() {
    let view = vector_view();
    let id = view.challenge_id.as_str();
    let cases = [
        (WatchEvent::Watching { user_id: "alice" }, json!({ "event": "watching", "userId": "alice" })),
        (
            WatchEvent::Request { tenant_name: "Acme", challenge: &view },
            json!({ "event": "request", "tenantName": "Acme", "challenge": to_value(&view) }),
        ),
        (
            WatchEvent::NumberNeeded { challenge_id: id },
            json!({ "event": "numberNeeded", "challengeId": id }),
        ),
        (
            WatchEvent::Answered { challenge_id: id, button: 2, status: Status::Denied },
            json!({ "event": "answered", "challengeId": id, "button": 2, "status": "denied" }),
        ),
        (
            WatchEvent::Skipped { challenge_id: id, reason: "skip" },
            json!({ "event": "skipped", "challengeId": id, "reason": "skip" }),
        ),
        (
            WatchEvent::NotSent { challenge_id: id, error_code: "number_mismatch", error_description: "no" },
            json!({ "event": "notSent", "challengeId": id, "errorCode": "number_mismatch",
                    "errorDescription": "no" }),
        ),
        (
            WatchEvent::Retrying { error_code: "unreachable", error_description: "down" },
            json!({ "event": "retrying", "errorCode": "unreachable", "errorDescription": "down" }),
        ),
    ];
    for (event, expected) in cases {
        let line = serde_json::to_string(&event).unwrap();
        assert!(!line.contains('\n'));
        assert_eq!(serde_json::from_str::<Value>(&line).unwrap(), expected);
    }
}

#[test]
fn client_errors_map_to_exit_codes_keeping_their_sentences() {
    let refused = Failure::from(ClientError::Api {
        status: 400,
        code: "number_mismatch".into(),
        message: "Number mismatch".into(),
    });
    assert_eq!(
        (refused.exit, refused.code.as_str(), refused.status),
        (Exit::Refused, "number_mismatch", Some(400))
    );
    assert_eq!(refused.message, "the number does not match the one on the sign-in screen");
    assert_eq!(
        serde_json::from_str::<Value>(&refused.to_json()).unwrap(),
        json!({ "errorCode": "number_mismatch",
                "errorDescription": "the number does not match the one on the sign-in screen",
                "exitCode": 1, "httpStatus": 400 })
    );

    // The third wrong number: refused (exit 1) like the others, and the request is over.
    let ended = Failure::from(ClientError::Api {
        status: 409,
        code: "too_many_attempts".into(),
        message: "the number did not match too many times".into(),
    });
    assert_eq!((ended.exit.code(), ended.code.as_str(), ended.status), (1, "too_many_attempts", Some(409)));
    assert_eq!(
        ended.message,
        "the number was wrong too many times, so the request was cancelled; start the sign-in again"
    );

    let down = Failure::from(ClientError::Unreachable("connection refused".into()));
    assert_eq!((down.exit.code(), down.code.as_str()), (3, "unreachable"));
    assert!(down.message.contains("cannot be reached"));
    assert_eq!(serde_json::from_str::<Value>(&down.to_json()).unwrap()["exitCode"], 3);
    assert!(serde_json::from_str::<Value>(&down.to_json()).unwrap().get("httpStatus").is_none());

    assert_eq!(Failure::from(ClientError::NotEnrolled).exit, Exit::KeyFile);
    assert_eq!(Failure::from(ClientError::BadResponse("x".into())).exit, Exit::Failed);
}

#[test]
fn device_errors_map_to_exit_codes() {
    assert_eq!(Failure::from(DeviceError::NoKey).exit.code(), 5);
    assert_eq!(Failure::from(DeviceError::BadKeyFile("x".into())).code, "bad_key_file");
    let io = Failure::from(DeviceError::Io(std::io::Error::other("denied")));
    assert_eq!((io.exit, io.code.as_str()), (Exit::KeyFile, "key_file_io"));
}

#[test]
fn the_readme_lists_the_exit_codes_the_cli_uses() {
    let readme = include_str!("../../README.md");
    for exit in Exit::ALL {
        let row = format!("| {} | {} |", exit.code(), exit.summary());
        assert!(readme.contains(&row), "README.md lacks the row {row:?}");
    }
    let codes: Vec<u8> = Exit::ALL.iter().map(|e| e.code()).collect();
    assert_eq!(codes, (0..8).collect::<Vec<u8>>());
}
