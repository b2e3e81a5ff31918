//! `list`: the pending requests.

use pushauth_device::FileKeyStore;

use super::args::Output;
use super::display::describe;
use super::output::print_json;
use super::{client, load, now_ms, Failure};

/// `list [--json]`.
pub fn list(store: &FileKeyStore, output: Output) -> Result<(), Failure> {
    let identity = load(store)?;
    let pending = client(&identity)?.pending(&identity)?;
    if output.json {
        return print_json(&pending);
    }
    if pending.challenges.is_empty() {
        println!("No pending requests.");
    }
    for view in &pending.challenges {
        println!("{}  {}", view.challenge_id, view.action);
        print!("{}", describe(&pending.tenant_name, view, now_ms()));
    }
    Ok(())
}
