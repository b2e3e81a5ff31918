//! `watch`: waits for requests and asks what to answer. Ends at end of input or Ctrl-C.
//!
//! People see each request drawn as `list` draws it and a prompt; with `--json` each request,
//! prompt and result is one JSON line ([`WatchEvent`]) and stdin takes the same answers.

use std::collections::HashSet;
use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

use pushauth_core::answer::Choice;
use pushauth_core::challenge::{ChallengeView, DenyReason};
use pushauth_device::{ClientError, FileKeyStore};

use super::answer::{button_index, send};
use super::args::Output;
use super::display::{describe, explain};
use super::output::{print_json, WatchEvent};
use super::{client, load, now_ms, Failure};

/// Prints a prompt (people only) and reads one line; `false` at end of input.
fn prompt(line: &mut String, text: Option<&str>) -> Result<bool, Failure> {
    if let Some(text) = text {
        print!("{text}");
        std::io::stdout().flush().map_err(Failure::io)?;
    }
    line.clear();
    let n = std::io::stdin().lock().read_line(line).map_err(Failure::io)?;
    Ok(n > 0)
}

/// What was typed for a request.
enum Typed {
    /// `s` or an empty line.
    Skip,
    /// Neither a button number nor `n` nor `s`.
    NotAnAnswer,
    /// A button (from 0), or `n` for "I didn't start this".
    Answer(Choice),
}

/// The answer typed for `view`: `1`…`n` a button, `n` "not me", `s` or nothing skips.
fn read_choice(view: &ChallengeView, line: &mut String, json: bool) -> Result<Option<Typed>, Failure> {
    let n = view.buttons.len();
    let text = format!("Your answer [1-{n}, n, or s to skip]: ");
    if !prompt(line, (!json).then_some(text.as_str()))? {
        return Ok(None);
    }
    let answer = line.trim().to_ascii_lowercase();
    if answer == "s" || answer.is_empty() {
        return Ok(Some(Typed::Skip));
    }
    if answer == "n" {
        let button = button_index(view, false).unwrap_or(1);
        return Ok(Some(Typed::Answer(Choice { button, code: None, reason: Some(DenyReason::NotMe) })));
    }
    let Some(index) = answer.parse::<usize>().ok().filter(|i| (1..=n).contains(i)) else {
        return Ok(Some(Typed::NotAnAnswer));
    };
    let button = (index - 1) as u32;
    let approving = view.buttons.get(index - 1).is_some_and(|b| b.strong_auth);
    let code = if approving && view.number_match_required {
        if json {
            print_json(&WatchEvent::NumberNeeded { challenge_id: view.challenge_id.as_str() })?;
        }
        if !prompt(line, (!json).then_some("Number shown on the sign-in screen: "))? {
            return Ok(None);
        }
        Some(line.trim().to_owned())
    } else {
        None
    };
    Ok(Some(Typed::Answer(Choice { button, code, reason: None })))
}

/// `watch [--json]`.
pub fn watch(store: &FileKeyStore, output: Output) -> Result<(), Failure> {
    let json = output.json;
    let identity = load(store)?;
    let client = client(&identity)?;
    let spinner = std::io::stdout().is_terminal() && !json;
    let frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let mut seen = HashSet::new();
    let mut tick = 0usize;
    let mut line = String::new();
    let user = identity.user_id.clone().unwrap_or_default();
    if json {
        print_json(&WatchEvent::Watching { user_id: &user })?;
    } else {
        println!("Watching for requests for {user} (Ctrl-C to stop)…");
    }
    loop {
        let pending = match client.pending(&identity) {
            Ok(p) => p,
            Err(e @ ClientError::Unreachable(_)) => {
                let message = explain(&e);
                if json {
                    print_json(&WatchEvent::Retrying {
                        error_code: "unreachable",
                        error_description: &message,
                    })?;
                } else {
                    eprintln!("\r{message} — retrying");
                }
                std::thread::sleep(Duration::from_secs(3));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let fresh: Vec<ChallengeView> =
            pending.challenges.into_iter().filter(|c| !seen.contains(c.challenge_id.as_str())).collect();
        if fresh.is_empty() {
            if spinner {
                print!("\r{} Waiting for requests…", frames[tick % frames.len()]);
                std::io::stdout().flush().map_err(Failure::io)?;
            }
            tick += 1;
            std::thread::sleep(Duration::from_millis(if spinner { 250 } else { 1000 }));
            continue;
        }
        for view in fresh {
            let id = view.challenge_id.as_str();
            seen.insert(id.to_owned());
            if json {
                print_json(&WatchEvent::Request { tenant_name: &pending.tenant_name, challenge: &view })?;
            } else {
                println!("\r{}", describe(&pending.tenant_name, &view, now_ms()));
            }
            let choice = match read_choice(&view, &mut line, json)? {
                None => return Ok(()),
                Some(Typed::Answer(choice)) => choice,
                Some(Typed::Skip) if json => {
                    print_json(&WatchEvent::Skipped { challenge_id: id, reason: "skip" })?;
                    continue;
                }
                Some(Typed::Skip) => {
                    println!("Skipped.");
                    continue;
                }
                Some(Typed::NotAnAnswer) if json => {
                    print_json(&WatchEvent::Skipped { challenge_id: id, reason: "notAnAnswer" })?;
                    continue;
                }
                Some(Typed::NotAnAnswer) => {
                    println!("Not an answer; skipped.");
                    continue;
                }
            };
            let button = choice.button;
            match send(&identity, &view, &choice) {
                Ok(status) if json => {
                    print_json(&WatchEvent::Answered { challenge_id: id, button: button + 1, status })?
                }
                Ok(status) => println!("Sent: {status}."),
                Err(e) if json => {
                    let failure = Failure::from(e);
                    print_json(&WatchEvent::NotSent {
                        challenge_id: id,
                        error_code: &failure.code,
                        error_description: &failure.message,
                    })?
                }
                Err(e) => println!("Not sent: {}.", explain(&e)),
            }
        }
    }
}
