//! The `claimex` command line.

mod common;
mod eval_cmd;
mod explain_cmd;
mod lexicon_cmd;
mod run_cmd;

use std::process::ExitCode;

/// The pipeline allocates many small, short-lived annotations per document;
/// mimalloc's thread-local free lists serve them with less work and no
/// contention between worker threads.
///
/// It is built without transparent huge pages (`no_thp`): mimalloc returns
/// pages freed between batches to the OS after a second, and each one it took
/// back as a 2 MiB huge page cost a full huge-page clear in the kernel on the
/// next touch, 6 % of a run's time. With 4 KiB pages a run is 11 % faster and
/// its peak RSS halves.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};

/// Extract attributed, dated, located conflict-figure claims from news text.
#[derive(Parser, Debug)]
#[command(name = "claimex", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the pipeline over a corpus and write claims (default: the bundled corpus).
    Run(run_cmd::RunArgs),
    /// Show every stage's annotations for one article, with the rule behind each.
    Explain(explain_cmd::ExplainArgs),
    /// Score claims against gold data (P/R/F1, per category, field accuracy, strict).
    Eval(eval_cmd::EvalArgs),
    /// Validate lexicons and run the examples their entries carry.
    #[command(subcommand)]
    Lexicon(lexicon_cmd::LexiconCmd),
    /// Print or check a config.
    Config(ConfigArgs),
    /// List the stage kinds a config may use.
    Stages,
}

#[derive(clap::Args, Debug)]
struct ConfigArgs {
    /// Print the embedded default config.
    #[arg(long)]
    print_default: bool,
    /// Check a config file: parse it and build every stage (loads all lexicons).
    #[arg(long, value_name = "FILE")]
    check: Option<std::path::PathBuf>,
}

fn config_cmd(args: &ConfigArgs) -> Result<ExitCode, String> {
    if args.print_default {
        print!("{}", claimex_stages::embedded::DEFAULT_CONFIG);
        return Ok(ExitCode::SUCCESS);
    }
    let pipeline = common::load_pipeline(args.check.as_deref())?;
    println!("{}: ok, {} stages", pipeline.config.source.name, pipeline.stages().len());
    for s in pipeline.stages() {
        println!("  {} ({})", s.name(), s.kind());
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Run(a) => run_cmd::run(a),
        Command::Explain(a) => explain_cmd::run(a),
        Command::Eval(a) => eval_cmd::run(a),
        Command::Lexicon(cmd) => lexicon_cmd::run(cmd),
        Command::Config(a) => config_cmd(a),
        Command::Stages => {
            for k in claimex_stages::registry().kinds() {
                println!("{:<10} {}", k.kind, k.summary);
            }
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("claimex: {e}");
            ExitCode::from(2)
        }
    }
}
