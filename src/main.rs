//! Minimal CLI wiring `claimex lexicon …`; the lead engineer merges it into the full CLI.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod lexicon_cmd;

#[derive(Parser)]
#[command(
    name = "claimex",
    version,
    about = "Extract conflict-figure claims from news text"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate lexicons and run their examples.
    #[command(subcommand)]
    Lexicon(lexicon_cmd::LexiconCmd),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Lexicon(cmd) => lexicon_cmd::run(cmd),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })
}
