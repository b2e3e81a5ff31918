//! The commands of `pushauth-device`.

pub mod display;

use std::io::{BufRead, IsTerminal, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pushauth_core::answer::Choice;
use pushauth_core::challenge::{ChallengeView, DenyReason};
use pushauth_core::device::Enrolment;
use pushauth_device::{
    answer_body, generate_key, parse_enrol_link, ClientError, DeviceClient, DeviceError, DeviceIdentity,
    FileKeyStore, KeyStore,
};

use display::{describe, explain};

/// Parsed command-line flags: `--name value` pairs and positional words.
pub struct Args {
    words: Vec<String>,
}

impl Args {
    /// Wraps the arguments after the command name.
    pub fn new(words: Vec<String>) -> Self {
        Args { words }
    }

    /// The value after `--name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.words.iter().position(|a| a == name).and_then(|i| self.words.get(i + 1)).map(String::as_str)
    }

    /// Whether `--name` is present.
    pub fn flag(&self, name: &str) -> bool {
        self.words.iter().any(|a| a == name)
    }

    /// The first word that is not a flag or a flag's value.
    pub fn positional(&self, valued: &[&str]) -> Option<&str> {
        let mut skip = false;
        for w in &self.words {
            if skip {
                skip = false;
                continue;
            }
            if valued.contains(&w.as_str()) {
                skip = true;
                continue;
            }
            if !w.starts_with("--") {
                return Some(w);
            }
        }
        None
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// The key file: `--key`, else `$PUSHAUTH_DEVICE_KEY`, else `~/.config/pushauth/device.json`.
pub fn store(args: &Args) -> FileKeyStore {
    if let Some(path) = args.get("--key") {
        return FileKeyStore::new(path);
    }
    if let Ok(path) = std::env::var("PUSHAUTH_DEVICE_KEY") {
        return FileKeyStore::new(path);
    }
    let home = std::env::var("HOME").unwrap_or_else(|_| ".".into());
    FileKeyStore::new(format!("{home}/.config/pushauth/device.json"))
}

fn load(args: &Args) -> Result<DeviceIdentity, String> {
    let store = store(args);
    match store.load().map_err(|e| e.to_string())? {
        Some(identity) => Ok(identity),
        None => Err(format!("{} (no key at {})", DeviceError::NoKey, store.path().display())),
    }
}

fn client(identity: &DeviceIdentity) -> Result<DeviceClient, String> {
    DeviceClient::for_identity(identity).map_err(|e| explain(&e))
}

/// `enroll LINK | --base URL --token T [--name NAME]`.
pub fn enroll(args: &Args) -> Result<(), String> {
    let (base_url, token) = match (args.get("--base"), args.get("--token")) {
        (Some(base), Some(token)) => (base.to_owned(), token.to_owned()),
        _ => {
            let link = args
                .positional(&["--key", "--name", "--base", "--token"])
                .ok_or("give the enrolment link (…/authenticator/#enroll=…) or --base URL --token TOKEN")?;
            let parsed =
                parse_enrol_link(link).ok_or("that is not an enrolment link (…/authenticator/#enroll=…)")?;
            (parsed.base_url, parsed.token)
        }
    };
    let store = store(args);
    let key = match store.load().map_err(|e| e.to_string())? {
        Some(existing) if existing.tenant_id.is_some() => {
            return Err(format!(
                "{} is already enrolled for {} at {}; use another --key file",
                store.path().display(),
                existing.user_id.unwrap_or_default(),
                existing.base_url.unwrap_or_default()
            ));
        }
        Some(existing) => existing.key,
        None => generate_key().map_err(|e| e.to_string())?,
    };
    let name = args.get("--name").map(str::to_owned).unwrap_or_else(|| {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "this computer".into());
        format!("CLI on {host}")
    });
    let enrolment = Enrolment {
        public_key: key.public_key().to_base64(),
        device_name: name.clone(),
        device_platform: "cli".into(),
        push_token: None,
    };
    let enrolled = DeviceClient::new(&base_url).enrol(&token, &enrolment).map_err(|e| explain(&e))?;
    let identity = DeviceIdentity {
        key,
        base_url: Some(base_url.clone()),
        tenant_id: Some(enrolled.tenant_id.clone()),
        user_id: Some(enrolled.user_id.clone()),
    };
    store.save(&identity).map_err(|e| e.to_string())?;
    println!("Enrolled \"{name}\" for {} at {base_url}.", enrolled.user_id);
    println!("Key saved to {} (readable by you only).", store.path().display());
    println!("Run `pushauth-device watch` to answer requests.");
    Ok(())
}

/// `list`: pending requests.
pub fn list(args: &Args) -> Result<(), String> {
    let identity = load(args)?;
    let pending = client(&identity)?.pending(&identity).map_err(|e| explain(&e))?;
    if pending.challenges.is_empty() {
        println!("No pending requests.");
    }
    for view in &pending.challenges {
        println!("{}  {}", view.challenge_id, view.action);
        print!("{}", describe(&pending.tenant_name, view, now_ms()));
    }
    Ok(())
}

fn pick(args: &Args, identity: &DeviceIdentity) -> Result<(String, ChallengeView), String> {
    let pending = client(identity)?.pending(identity).map_err(|e| explain(&e))?;
    let wanted = args.get("--challenge");
    let view = match wanted {
        Some(id) => pending
            .challenges
            .into_iter()
            .find(|c| c.challenge_id.as_str() == id)
            .ok_or_else(|| format!("no pending request {id} (it may have expired or been answered)"))?,
        None => pending.challenges.into_iter().next().ok_or("no pending request to answer")?,
    };
    Ok((pending.tenant_name, view))
}

fn send(identity: &DeviceIdentity, view: &ChallengeView, choice: &Choice) -> Result<String, ClientError> {
    let client = DeviceClient::for_identity(identity)?;
    client.answer(view.challenge_id.as_str(), &answer_body(&identity.key, view, choice))
}

fn button_index(view: &ChallengeView, approve: bool) -> Option<u32> {
    view.buttons.as_slice().iter().position(|b| b.strong_auth == approve).map(|i| i as u32)
}

/// `approve [--challenge ID] [--code N] [--button N]`.
pub fn approve(args: &Args) -> Result<(), String> {
    let identity = load(args)?;
    let (tenant, view) = pick(args, &identity)?;
    let button = match args.get("--button") {
        Some(n) => {
            n.parse::<u32>().ok().and_then(|n| n.checked_sub(1)).ok_or("--button takes a number from 1")?
        }
        None => button_index(&view, true).ok_or("this request has no approving button")?,
    };
    let code = args.get("--code").map(str::to_owned);
    let approving = view.buttons.get(button as usize).is_some_and(|b| b.strong_auth);
    if approving && view.number_match_required && code.is_none() {
        return Err("this request needs the number shown on the sign-in screen: add --code NUMBER".into());
    }
    let status = send(&identity, &view, &Choice { button, code, reason: None }).map_err(|e| explain(&e))?;
    println!("{tenant}: {} → {status}", view.action);
    Ok(())
}

/// `deny [--challenge ID] [--not-me]`.
pub fn deny(args: &Args) -> Result<(), String> {
    let identity = load(args)?;
    let (tenant, view) = pick(args, &identity)?;
    let button = button_index(&view, false).ok_or("this request has no denying button")?;
    let reason = args.flag("--not-me").then_some(DenyReason::NotMe);
    let status = send(&identity, &view, &Choice { button, code: None, reason }).map_err(|e| explain(&e))?;
    println!("{tenant}: {} → {status}", view.action);
    Ok(())
}

/// `rename NAME`.
pub fn rename(args: &Args) -> Result<(), String> {
    let identity = load(args)?;
    let name = args.positional(&["--key"]).ok_or("give the new name")?;
    client(&identity)?.rename(&identity, name).map_err(|e| explain(&e))?;
    println!("Renamed to \"{name}\".");
    Ok(())
}

/// `remove`: removes the credential from the service and forgets the enrolment.
pub fn remove(args: &Args) -> Result<(), String> {
    let identity = load(args)?;
    client(&identity)?.remove(&identity).map_err(|e| explain(&e))?;
    let store = store(args);
    let forgotten = DeviceIdentity { key: identity.key, base_url: None, tenant_id: None, user_id: None };
    store.save(&forgotten).map_err(|e| e.to_string())?;
    println!("Removed this device from the service.");
    Ok(())
}

fn prompt(line: &mut String, text: &str) -> Result<bool, String> {
    print!("{text}");
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    line.clear();
    let n = std::io::stdin().lock().read_line(line).map_err(|e| e.to_string())?;
    Ok(n > 0)
}

/// `watch`: waits for requests and asks what to answer. Ends at end of input or Ctrl-C.
pub fn watch(args: &Args) -> Result<(), String> {
    let identity = load(args)?;
    let client = client(&identity)?;
    let tty = std::io::stdout().is_terminal();
    let frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let mut seen = std::collections::HashSet::new();
    let mut tick = 0usize;
    let mut line = String::new();
    println!("Watching for requests for {} (Ctrl-C to stop)…", identity.user_id.clone().unwrap_or_default());
    loop {
        let pending = match client.pending(&identity) {
            Ok(p) => p,
            Err(e @ ClientError::Unreachable(_)) => {
                eprintln!("\r{} — retrying", explain(&e));
                std::thread::sleep(Duration::from_secs(3));
                continue;
            }
            Err(e) => return Err(explain(&e)),
        };
        let fresh: Vec<ChallengeView> =
            pending.challenges.into_iter().filter(|c| !seen.contains(c.challenge_id.as_str())).collect();
        if fresh.is_empty() {
            if tty {
                print!("\r{} Waiting for requests…", frames[tick % frames.len()]);
                std::io::stdout().flush().map_err(|e| e.to_string())?;
            }
            tick += 1;
            std::thread::sleep(Duration::from_millis(if tty { 250 } else { 1000 }));
            continue;
        }
        for view in fresh {
            seen.insert(view.challenge_id.as_str().to_owned());
            println!("\r{}", describe(&pending.tenant_name, &view, now_ms()));
            let n = view.buttons.len();
            if !prompt(&mut line, &format!("Your answer [1-{n}, n, or s to skip]: "))? {
                return Ok(());
            }
            let answer = line.trim().to_ascii_lowercase();
            let choice = if answer == "s" || answer.is_empty() {
                println!("Skipped.");
                continue;
            } else if answer == "n" {
                let button = button_index(&view, false).unwrap_or(1);
                Choice { button, code: None, reason: Some(DenyReason::NotMe) }
            } else {
                let Some(index) = answer.parse::<usize>().ok().filter(|i| (1..=n).contains(i)) else {
                    println!("Not an answer; skipped.");
                    continue;
                };
                let button = (index - 1) as u32;
                let approving = view.buttons.get(index - 1).is_some_and(|b| b.strong_auth);
                let code = if approving && view.number_match_required {
                    if !prompt(&mut line, "Number shown on the sign-in screen: ")? {
                        return Ok(());
                    }
                    Some(line.trim().to_owned())
                } else {
                    None
                };
                Choice { button, code, reason: None }
            };
            match send(&identity, &view, &choice) {
                Ok(status) => println!("Sent: {status}."),
                Err(e) => println!("Not sent: {}.", explain(&e)),
            }
        }
    }
}
