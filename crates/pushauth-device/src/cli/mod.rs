//! The commands of `pushauth-device`: [`args`] says what the command line accepts, [`run`] does it.

pub mod args;
pub mod display;
pub mod failure;
pub mod output;

mod answer;
mod enroll;
mod list;
mod low_level;
mod manage;
mod verify;
mod watch;

#[cfg(test)]
mod tests;

use std::io::Write;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::CommandFactory;
use pushauth_device::{DeviceClient, DeviceError, DeviceIdentity, FileKeyStore, KeyStore};

use args::{Cli, Command};
pub use failure::{Exit, Failure};

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    let store = store(cli.key);
    match cli.command {
        Command::Enroll(args) => enroll::enroll(&store, &args),
        Command::Watch(args) => watch::watch(&store, args.output),
        Command::List(args) => list::list(&store, args.output),
        Command::Approve(args) => answer::approve(&store, &args),
        Command::Deny(args) => answer::deny(&store, &args),
        Command::Rename(args) => manage::rename(&store, &args.name),
        Command::Remove => manage::remove(&store),
        Command::Keygen => low_level::keygen(&store),
        Command::PublicKey => low_level::public_key(&store),
        Command::SignAnswer(args) => low_level::sign_answer(&store, &args),
        Command::SignRequest(args) => low_level::sign_request(&store, &args),
        Command::SignEnrolment(args) => low_level::sign_enrolment(&store, &args),
        Command::Completions(args) => completions(args.shell),
        Command::Verify(args) => verify::verify(&args),
    }
}

/// `completions SHELL`: the script on stdout (a closed pipe is not an error).
fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    // clap_complete completes hidden commands too: complete a copy without them.
    let full = Cli::command();
    let mut people = clap::Command::new("pushauth-device")
        .version(env!("CARGO_PKG_VERSION"))
        .args(full.get_arguments().cloned())
        .subcommands(full.get_subcommands().filter(|c| !c.is_hide_set()).cloned());
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut people, "pushauth-device", &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if shell == clap_complete::Shell::Bash {
        // clap-rs/clap#6421: for a bin name with a hyphen, the bash script spells the state of a
        // subcommand one way where it sets it (`pushauth__device__subcmd__approve`) and another
        // where it matches it (`pushauth__subcmd__device__subcmd__approve`), so no command's
        // flags complete. Spell the matches like the state.
        script = script.replace("pushauth__subcmd__device", "pushauth__device");
    }
    match std::io::stdout().write_all(script.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::io(e)),
        _ => Ok(()),
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// The key file: `--key` (or `$PUSHAUTH_DEVICE_KEY`, which clap reads), else
/// `~/.config/pushauth/device.json`.
pub fn key_path(key: Option<PathBuf>) -> PathBuf {
    key.unwrap_or_else(|| {
        let home = std::env::var("HOME").unwrap_or_else(|_| ".".into());
        PathBuf::from(format!("{home}/.config/pushauth/device.json"))
    })
}

fn store(key: Option<PathBuf>) -> FileKeyStore {
    FileKeyStore::new(key_path(key))
}

/// The saved identity; a missing key names the file it looked for.
fn load(store: &FileKeyStore) -> Result<DeviceIdentity, Failure> {
    match store.load()? {
        Some(identity) => Ok(identity),
        None => Err(Failure::new(
            Exit::KeyFile,
            "no_key",
            format!("{} (no key at {})", DeviceError::NoKey, store.path().display()),
        )),
    }
}

fn client(identity: &DeviceIdentity) -> Result<DeviceClient, Failure> {
    Ok(DeviceClient::for_identity(identity)?)
}
