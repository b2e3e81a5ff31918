//! The built `pushauth-device` binary, run as a script would: exit codes, streams and `--json`,
//! everything that needs no Worker (`tests/worker/cli.test.mjs` covers the rest).

// Test-only file: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use pushauth_core::encoding::b64url;
use pushauth_core::signature::DeviceSigningKey;
use pushauth_device::{generate_key, DeviceIdentity, FileKeyStore, KeyStore};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_pushauth-device");

/// A fresh empty directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("pushauth-device-cli-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the binary with no `PUSHAUTH_DEVICE_KEY` and `HOME` in `home`.
fn run(home: &Path, args: &[&str]) -> Output {
    run_with(home, args, None)
}

fn run_with(home: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("PUSHAUTH_DEVICE_KEY")
        .env("HOME", home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn json_line(text: &str) -> Value {
    assert_eq!(text.lines().count(), 1, "one line expected: {text:?}");
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?}"))
}

/// A loopback port with nothing listening on it.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A key file enrolled at a service that is not there.
fn enrolled_at_closed_port(dir: &TempDir) -> PathBuf {
    let path = dir.file("device.json");
    let identity = DeviceIdentity {
        key: generate_key().unwrap(),
        base_url: Some(format!("http://127.0.0.1:{}", closed_port())),
        tenant_id: Some("acme".into()),
        user_id: Some("alice".into()),
        home: None,
    };
    FileKeyStore::new(&path).save(&identity).unwrap();
    path
}

fn vectors(name: &str) -> Value {
    let path = format!("{}/../../tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn vector_key(index: usize) -> DeviceSigningKey {
    let hex = vectors("keys.json")["keys"][index]["secretHex"].as_str().unwrap().to_owned();
    let bytes: Vec<u8> =
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
    DeviceSigningKey::from_bytes(&bytes.try_into().unwrap()).unwrap()
}

#[test]
fn version_and_help_exit_0_on_stdout() {
    let dir = TempDir::new();
    let version = run(&dir.0, &["--version"]);
    assert_eq!(code(&version), 0);
    assert_eq!(stdout(&version), format!("pushauth-device {}\n", env!("CARGO_PKG_VERSION")));

    for args in [&["--help"][..], &["-h"], &["help", "deny"], &["deny", "--help"]] {
        let help = run(&dir.0, args);
        assert_eq!(code(&help), 0, "{args:?}");
        assert!(stdout(&help).contains("Usage: pushauth-device"), "{args:?}");
        assert_eq!(stderr(&help), "", "{args:?}");
    }
}

#[test]
fn approve_help_does_not_try_to_approve() {
    let dir = TempDir::new();
    let help = run(&dir.0, &["approve", "--help"]);
    assert_eq!(code(&help), 0);
    assert!(stdout(&help).contains("Example:\n  pushauth-device approve"));
    assert!(!dir.file(".config").exists(), "approve --help touched the key file");
}

#[test]
fn usage_errors_exit_2_naming_the_argument() {
    let dir = TempDir::new();
    let typo = run(&dir.0, &["approve", "--chalenge", "x"]);
    assert_eq!(code(&typo), 2);
    assert!(stderr(&typo).contains("'--chalenge'") && stderr(&typo).contains("'--challenge'"));
    assert_eq!(stdout(&typo), "");

    let nothing = run(&dir.0, &[]);
    assert_eq!(code(&nothing), 2);
    assert!(stderr(&nothing).contains("Usage: pushauth-device"));

    let not_a_link = run(&dir.0, &["enroll", "https://example.com/nothing", "--json"]);
    assert_eq!(code(&not_a_link), 2);
    assert!(stderr(&not_a_link).contains("not an enrolment link"));

    let key = dir.file("k.json");
    let key = key.to_str().unwrap();
    assert_eq!(code(&run(&dir.0, &["keygen", "--key", key])), 0);
    let bad_view = run_with(&dir.0, &["sign-answer", "--key", key, "--button", "0"], Some("{}"));
    assert_eq!(code(&bad_view), 2);
    assert!(stderr(&bad_view).starts_with("pushauth-device: the challenge on stdin is not valid"));
}

#[test]
fn unreachable_service_exits_3() {
    let dir = TempDir::new();
    let key = enrolled_at_closed_port(&dir);
    let key = key.to_str().unwrap();

    let list = run(&dir.0, &["list", "--key", key]);
    assert_eq!(code(&list), 3, "{}", stderr(&list));
    assert!(stderr(&list).starts_with("pushauth-device: the pushauth service cannot be reached"));

    for command in ["list", "approve", "deny"] {
        let out = run(&dir.0, &[command, "--key", key, "--json"]);
        assert_eq!(code(&out), 3, "{command}");
        assert_eq!(stdout(&out), "", "{command}");
        let error = json_line(&stderr(&out));
        assert_eq!(error["errorCode"], "unreachable", "{command}");
        assert_eq!(error["exitCode"], 3, "{command}");
        assert!(error["errorDescription"].as_str().unwrap().contains("cannot be reached"));
    }

    let fresh = dir.file("fresh.json");
    let base = format!("http://127.0.0.1:{}", closed_port());
    let enroll = run(&dir.0, &["enroll", "--base", &base, "--token", "t", "--key", fresh.to_str().unwrap()]);
    assert_eq!(code(&enroll), 3);
    assert!(!fresh.exists(), "a failed enrolment saved a key file");
}

#[test]
fn missing_or_enrolled_key_file_exits_5() {
    let dir = TempDir::new();
    let missing = dir.file("none.json");
    let list = run(&dir.0, &["list", "--key", missing.to_str().unwrap()]);
    assert_eq!(code(&list), 5);
    assert!(stderr(&list).contains("no device key yet"));
    let json = run(&dir.0, &["approve", "--key", missing.to_str().unwrap(), "--json"]);
    assert_eq!(code(&json), 5);
    assert_eq!(json_line(&stderr(&json))["errorCode"], "no_key");

    let key = enrolled_at_closed_port(&dir);
    let link = "http://127.0.0.1:9/authenticator/#enroll=a.b.c";
    let again = run(&dir.0, &["enroll", link, "--key", key.to_str().unwrap()]);
    assert_eq!(code(&again), 5);
    assert!(stderr(&again).contains("already enrolled for alice"));

    let keygen = run(&dir.0, &["keygen", "--key", key.to_str().unwrap()]);
    assert_eq!(code(&keygen), 5);
    assert!(stderr(&keygen).contains("refusing to overwrite it"));
}

#[test]
fn key_file_from_the_environment() {
    let dir = TempDir::new();
    let key = dir.file("from-env.json");
    let made = Command::new(BIN).arg("keygen").env("PUSHAUTH_DEVICE_KEY", &key).output().unwrap();
    assert_eq!(made.status.code(), Some(0));
    assert!(key.exists());
    let made = json_line(&String::from_utf8(made.stdout).unwrap());

    let shown = Command::new(BIN).arg("public-key").env("PUSHAUTH_DEVICE_KEY", &key).output().unwrap();
    assert_eq!(json_line(&String::from_utf8(shown.stdout).unwrap()), made);

    // --key wins over the environment.
    let other = dir.file("other.json");
    let flag = Command::new(BIN)
        .args(["keygen", "--key", other.to_str().unwrap()])
        .env("PUSHAUTH_DEVICE_KEY", &key)
        .output()
        .unwrap();
    assert_eq!(flag.status.code(), Some(0));
    assert!(other.exists());
}

#[test]
fn sign_answer_reproduces_the_vectors() {
    let dir = TempDir::new();
    let key = dir.file("vector.json");
    let secret = b64url(&vector_key(0).to_bytes());
    std::fs::write(&key, format!("{{\"version\":1,\"secret\":\"{secret}\"}}")).unwrap();
    let key = key.to_str().unwrap();
    for case in vectors("answers.json")["cases"].as_array().unwrap() {
        let choice = &case["choice"];
        let button = choice["button"].to_string();
        let mut args = vec!["sign-answer", "--key", key, "--button", button.as_str()];
        if let Some(code) = choice["code"].as_str() {
            args.extend(["--code", code]);
        }
        if let Some(reason) = choice["reason"].as_str() {
            args.extend(["--reason", reason]);
        }
        let out = run_with(&dir.0, &args, Some(&case["view"].to_string()));
        assert_eq!(code(&out), 0, "{}: {}", case["name"], stderr(&out));
        let body = json_line(&stdout(&out));
        assert_eq!(body["signature"], case["signatureDer"], "{}", case["name"]);
        assert_eq!(body["keyId"], case["keyId"], "{}", case["name"]);
    }

    let headers = run(
        &dir.0,
        &[
            "sign-request",
            "--key",
            key,
            "--tenant",
            "acme",
            "--method",
            "GET",
            "--path",
            "/v1/device/challenges",
        ],
    );
    assert_eq!(code(&headers), 0);
    let headers = json_line(&stdout(&headers));
    let mut names: Vec<&str> = headers.as_object().unwrap().keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["X-PushAuth-Key-Id", "X-PushAuth-Signature", "X-PushAuth-Timestamp"]);
}

#[test]
fn completions_for_each_shell() {
    let dir = TempDir::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&dir.0, &["completions", shell]);
        assert_eq!(code(&out), 0, "{shell}");
        let script = stdout(&out);
        assert!(script.contains("pushauth-device") && script.contains("approve"), "{shell}");
        assert!(!script.contains("sign-answer"), "{shell}: hidden commands are not completed");
    }
}

#[test]
fn bash_completes_a_command_s_flags() {
    // clap-rs/clap#6421: with a hyphen in the bin name, clap_complete's bash script completes no
    // command's flags; `completions bash` mends it.
    let dir = TempDir::new();
    let script = dir.file("pushauth-device.bash");
    std::fs::write(&script, stdout(&run(&dir.0, &["completions", "bash"]))).unwrap();
    let complete = |words: &str, cur: &str, prev: &str| {
        let test = format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _pushauth__device pushauth-device '{cur}' '{prev}'; echo \"${{COMPREPLY[*]}}\"",
            script.display()
        );
        match Command::new("bash").args(["--norc", "-c", &test]).output() {
            Ok(out) => Some(String::from_utf8(out.stdout).unwrap().trim().to_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => panic!("bash: {e}"),
        }
    };
    let Some(flags) = complete("pushauth-device approve --ch", "--ch", "approve") else {
        eprintln!("no bash here: completion not exercised");
        return;
    };
    assert_eq!(flags, "--challenge");
    assert_eq!(complete("pushauth-device de", "de", "pushauth-device").unwrap(), "deny");
    assert_eq!(complete("pushauth-device deny --n", "--n", "deny").unwrap(), "--not-me");
}

#[test]
fn watch_json_prints_one_event_per_line() {
    let dir = TempDir::new();
    let key = enrolled_at_closed_port(&dir);
    let mut child = Command::new(BIN)
        .args(["watch", "--json", "--key", key.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = json_line(&lines.next().unwrap().unwrap());
    let second = json_line(&lines.next().unwrap().unwrap());
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(first, serde_json::json!({ "event": "watching", "userId": "alice" }));
    assert_eq!(second["event"], "retrying");
    assert_eq!(second["errorCode"], "unreachable");
}

#[test]
fn verify_checks_every_evidence_vector_with_its_exit_code() {
    let dir = TempDir::new();
    let path = format!("{}/../../tests/vectors/evidence.json", env!("CARGO_MANIFEST_DIR"));
    let vectors: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for case in vectors["cases"].as_array().unwrap() {
        let verdict = case["verdict"].as_str().unwrap();
        let document = serde_json::to_string(&case["evidence"]).unwrap();
        let out = run_with(&dir.0, &["verify", "--json", "-"], Some(&document));
        if verdict == "valid" {
            assert_eq!(code(&out), 0, "{}", case["name"]);
            let shown: Value = serde_json::from_str(&stdout(&out)).unwrap();
            assert_eq!(shown["verdict"]["approved"], true);
        } else {
            assert_eq!(code(&out), 7, "{}", case["name"]);
            let error: Value = serde_json::from_slice(&out.stderr).unwrap();
            assert_eq!(error["errorCode"], verdict, "{}", case["name"]);
        }
    }
    let file = dir.file("not-evidence.json");
    std::fs::write(&file, "{\"version\":1}").unwrap();
    assert_eq!(code(&run(&dir.0, &["verify", file.to_str().unwrap()])), 2);
}
