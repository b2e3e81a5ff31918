//! `pushauth-device`: a command-line authenticator.
//!
//! ```text
//! pushauth-device keygen       --key FILE
//! pushauth-device public-key   --key FILE
//! pushauth-device sign-answer  --key FILE --button N [--code DIGITS] [--reason not_me|other]  < view.json
//! pushauth-device sign-request --key FILE --tenant ID --method M --path P [--body TEXT]
//! ```
//!
//! `sign-answer` reads a challenge as the device API lists it and prints the answer body;
//! `sign-request` prints the `X-PushAuth-*` headers as JSON. Both sign the core's canonical bytes.

use std::io::Read;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use pushauth_core::answer::Choice;
use pushauth_core::challenge::{ChallengeView, DenyReason};
use pushauth_device::{
    answer_body, generate_key, request_headers, DeviceError, DeviceIdentity, FileKeyStore, KeyStore,
};

const USAGE: &str = "usage:
  pushauth-device keygen       --key FILE
  pushauth-device public-key   --key FILE
  pushauth-device sign-answer  --key FILE --button N [--code DIGITS] [--reason not_me|other]  < view.json
  pushauth-device sign-request --key FILE --tenant ID --method M --path P [--body TEXT]";

struct Args(Vec<String>);

impl Args {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().position(|a| a == name).and_then(|i| self.0.get(i + 1)).map(String::as_str)
    }

    fn require(&self, name: &str) -> Result<&str, String> {
        self.get(name).ok_or_else(|| format!("missing {name}\n{USAGE}"))
    }
}

fn load(args: &Args) -> Result<DeviceIdentity, String> {
    let store = FileKeyStore::new(args.require("--key")?);
    store.load().map_err(|e| e.to_string())?.ok_or_else(|| DeviceError::NoKey.to_string())
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), String> {
    println!("{}", serde_json::to_string(value).map_err(|e| e.to_string())?);
    Ok(())
}

fn run(argv: Vec<String>) -> Result<(), String> {
    let command = argv.first().cloned().unwrap_or_default();
    let args = Args(argv);
    match command.as_str() {
        "keygen" => {
            let store = FileKeyStore::new(args.require("--key")?);
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
            let public = load(&args)?.key.public_key();
            print_json(&serde_json::json!({ "publicKey": public.to_base64(), "keyId": public.key_id() }))
        }
        "sign-answer" => {
            let identity = load(&args)?;
            let button: u32 =
                args.require("--button")?.parse().map_err(|_| "--button takes a number".to_owned())?;
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
            let identity = load(&args)?;
            let body = args.get("--body").unwrap_or("");
            let headers = request_headers(
                &identity.key,
                args.require("--tenant")?,
                args.require("--method")?,
                args.require("--path")?,
                body.as_bytes(),
                now_ms(),
            );
            let map: serde_json::Map<String, serde_json::Value> =
                headers.into_iter().map(|(k, v)| (k.to_owned(), v.into())).collect();
            print_json(&map)
        }
        _ => Err(USAGE.to_owned()),
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
