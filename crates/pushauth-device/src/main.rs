//! `pushauth-device`: a command-line authenticator for pushauth.
//!
//! ```text
//! pushauth-device enroll LINK [--name NAME]       enrol from an enrolment link (…/authenticator/#enroll=…)
//! pushauth-device enroll --base URL --token T     enrol with a base URL and an enrolment token
//! pushauth-device watch                           wait for requests and answer them interactively
//! pushauth-device list                            show pending requests
//! pushauth-device approve [--challenge ID] [--code N] [--button N]
//! pushauth-device deny [--challenge ID] [--not-me]
//! pushauth-device rename NAME | remove
//! pushauth-device keygen | public-key | sign-answer | sign-request   (low level, for scripts and tests)
//! ```
//! Every command takes `--key FILE` (default `$PUSHAUTH_DEVICE_KEY` or
//! `~/.config/pushauth/device.json`, written with mode 0600).

mod cli;

use std::io::Read;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use cli::Args;
use pushauth_core::answer::Choice;
use pushauth_core::challenge::{ChallengeView, DenyReason};
use pushauth_device::{answer_body, generate_key, request_headers, DeviceIdentity, KeyStore};

const USAGE: &str = "usage:
  pushauth-device enroll LINK [--name NAME]      enrol from an enrolment link (…/authenticator/#enroll=…)
  pushauth-device enroll --base URL --token T    enrol with a base URL and an enrolment token
  pushauth-device watch                          wait for requests and answer them
  pushauth-device list                           show pending requests
  pushauth-device approve [--challenge ID] [--code N] [--button N]
  pushauth-device deny [--challenge ID] [--not-me]
  pushauth-device rename NAME
  pushauth-device remove
  pushauth-device keygen | public-key
  pushauth-device sign-answer --button N [--code DIGITS] [--reason not_me|other]  < view.json
  pushauth-device sign-request --tenant ID --method M --path P [--body TEXT]
every command takes --key FILE (default $PUSHAUTH_DEVICE_KEY or ~/.config/pushauth/device.json)";

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), String> {
    println!("{}", serde_json::to_string(value).map_err(|e| e.to_string())?);
    Ok(())
}

fn require<'a>(args: &'a Args, name: &str) -> Result<&'a str, String> {
    args.get(name).ok_or_else(|| format!("missing {name}\n{USAGE}"))
}

fn low_level(command: &str, args: &Args) -> Result<(), String> {
    let store = cli::store(args);
    let loaded = || -> Result<DeviceIdentity, String> {
        store
            .load()
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "no device key yet: run keygen or enroll".into())
    };
    match command {
        "keygen" => {
            if store.load().map_err(|e| e.to_string())?.is_some() {
                return Err(format!(
                    "{} already holds a key; refusing to overwrite it",
                    store.path().display()
                ));
            }
            let key = generate_key().map_err(|e| e.to_string())?;
            let identity = DeviceIdentity { key, base_url: None, tenant_id: None, user_id: None };
            store.save(&identity).map_err(|e| e.to_string())?;
            let public = identity.key.public_key();
            print_json(&serde_json::json!({ "publicKey": public.to_base64(), "keyId": public.key_id() }))
        }
        "public-key" => {
            let public = loaded()?.key.public_key();
            print_json(&serde_json::json!({ "publicKey": public.to_base64(), "keyId": public.key_id() }))
        }
        "sign-answer" => {
            let identity = loaded()?;
            let button: u32 = require(args, "--button")?.parse().map_err(|_| "--button takes a number")?;
            let reason = match args.get("--reason") {
                None => None,
                Some("not_me") => Some(DenyReason::NotMe),
                Some("other") => Some(DenyReason::Other),
                Some(other) => return Err(format!("unknown reason {other:?}: use not_me or other")),
            };
            let mut input = String::new();
            std::io::stdin().read_to_string(&mut input).map_err(|e| e.to_string())?;
            let view: ChallengeView = serde_json::from_str(&input)
                .map_err(|e| format!("the challenge on stdin is not valid: {e}"))?;
            let choice = Choice { button, code: args.get("--code").map(str::to_owned), reason };
            print_json(&answer_body(&identity.key, &view, &choice))
        }
        "sign-request" => {
            let identity = loaded()?;
            let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
            let headers = request_headers(
                &identity.key,
                require(args, "--tenant")?,
                require(args, "--method")?,
                require(args, "--path")?,
                args.get("--body").unwrap_or("").as_bytes(),
                now,
            );
            let map: serde_json::Map<String, serde_json::Value> =
                headers.into_iter().map(|(k, v)| (k.to_owned(), v.into())).collect();
            print_json(&map)
        }
        _ => Err(USAGE.to_owned()),
    }
}

fn run(argv: Vec<String>) -> Result<(), String> {
    let command = argv.first().cloned().unwrap_or_default();
    let args = Args::new(argv.into_iter().skip(1).collect());
    match command.as_str() {
        "enroll" | "enrol" => cli::enroll(&args),
        "watch" => cli::watch(&args),
        "list" => cli::list(&args),
        "approve" => cli::approve(&args),
        "deny" => cli::deny(&args),
        "rename" => cli::rename(&args),
        "remove" => cli::remove(&args),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => low_level(other, &args),
    }
}

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("pushauth-device: {message}");
            ExitCode::FAILURE
        }
    }
}
