//! `pushauth-device`: a command-line authenticator for pushauth.
//!
//! `pushauth-device --help` lists the commands, `pushauth-device help COMMAND` explains one;
//! the crate's README describes them all, their `--json` output and the exit codes.

mod cli;

use std::process::ExitCode;

use clap::Parser;
use cli::args::Cli;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version on stdout with 0; usage errors on stderr with 2.
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(cli::Exit::Usage.code()));
        }
    };
    let json = cli.json();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            failure.report(json);
            ExitCode::from(failure.exit.code())
        }
    }
}
