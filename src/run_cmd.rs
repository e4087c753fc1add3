//! `claimex run`: the main job.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use claimex_pipeline::output::{is_special, Format};
use claimex_pipeline::run_record::RunRecord;
use claimex_pipeline::runner::{self, JournalOptions, RunOptions};

use crate::common;

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Input files or directories (.txt dirs with manifest.csv, .jsonl, .csv, optionally .gz; `-` = JSONL on stdin).
    /// Default: the bundled corpus (corpus/seeds).
    pub inputs: Vec<PathBuf>,
    /// Config file (default: the embedded default config; see `claimex config --print-default`).
    #[arg(short, long)]
    pub config: Option<PathBuf>,
    /// Claims output file (`-` = stdout).
    #[arg(short, long, default_value = "out/claims.jsonl")]
    pub output: PathBuf,
    /// Output format (default: from the config, `jsonl`).
    #[arg(long, value_parser = ["jsonl", "csv"])]
    pub format: Option<String>,
    /// Also write every annotation layer per document (JSONL).
    #[arg(long)]
    pub annotations: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, default_value_t = 0)]
    pub threads: usize,
    /// No progress bar and no summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// Stop with a non-zero exit at the first document that fails.
    #[arg(long)]
    pub fail_fast: bool,
    /// Continue a run that was interrupted (Ctrl-C) or killed, from its
    /// progress journal (`OUT.progress.jsonl`); same inputs, config and output
    /// options. Without a journal, starts from the beginning.
    #[arg(long)]
    pub resume: bool,
    /// How often a run writing to files records its progress for --resume,
    /// in seconds (each checkpoint syncs the output files to disk). A killed
    /// run redoes at most about this much work; 0 records after every chunk
    /// of documents.
    #[arg(long, default_value = "1", value_name = "SECONDS", value_parser = seconds)]
    pub checkpoint_secs: Duration,
}

fn seconds(s: &str) -> Result<Duration, String> {
    s.parse::<f64>()
        .ok()
        .and_then(|v| Duration::try_from_secs_f64(v).ok())
        .ok_or_else(|| format!("`{s}` is not a number of seconds (0 or more)"))
}

pub fn run(args: &RunArgs) -> Result<ExitCode, String> {
    let pipeline = common::load_pipeline(args.config.as_deref())?;
    let inputs = if args.inputs.is_empty() { vec![common::bundled_corpus()] } else { args.inputs.clone() };
    let format_name = args.format.clone().unwrap_or_else(|| pipeline.config.output.format.clone());
    let format = Format::parse(&format_name).ok_or_else(|| format!("unknown output format `{format_name}`"))?;
    // A device or pipe (`/dev/null`) is written like stdout: no sidecar files beside it, no journal.
    let output = (args.output.as_os_str() != "-").then(|| args.output.clone());
    let to_file = output.as_ref().filter(|o| !is_special(o));
    let resumable = to_file.is_some() && !args.annotations.as_deref().is_some_and(is_special);
    if args.resume && !resumable {
        return Err("--resume needs output files (-o FILE, --annotations FILE): \
                    output to stdout or a device cannot be resumed"
            .into());
    }
    let names: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    let journal = to_file.filter(|_| resumable).map(|out| JournalOptions {
        path: runner::sidecar(out, "progress.jsonl"),
        run: serde_json::json!({
            "claimex_version": env!("CARGO_PKG_VERSION"),
            "config_hash": pipeline.config.hash(),
            "inputs": names,
            "output": out,
            "format": format_name,
            "annotations": args.annotations,
            "include_vague": pipeline.config.output.include_vague,
        }),
        resume: args.resume,
    });
    let (stream, total) = common::open_inputs(&inputs, &pipeline.config.input)?;
    let interrupt = Arc::new(AtomicBool::new(false));
    install_interrupt_handler(&interrupt);
    let opts = RunOptions {
        output: output.clone(),
        format,
        annotations: args.annotations.clone(),
        errors: to_file.map(|o| runner::sidecar(o, "errors.jsonl")),
        threads: args.threads,
        progress: !args.quiet,
        fail_fast: args.fail_fast,
        include_vague: pipeline.config.output.include_vague,
        journal,
        checkpoint_every: args.checkpoint_secs,
        streaming_input: inputs.iter().any(|p| p.as_os_str() == "-" || is_special(p)),
        interrupt: Some(interrupt),
    };
    let result = runner::run(&pipeline, stream, total, &opts);
    let summary = match result {
        Ok(s) => s,
        Err(e @ runner::RunError::FailFast(_)) => {
            eprintln!("claimex: {e}");
            return Ok(ExitCode::from(1));
        }
        Err(runner::RunError::Interrupted { done, resumable }) => {
            if resumable {
                eprintln!("claimex: interrupted after {done} documents; resume with: {}", resume_command());
            } else {
                eprintln!("claimex: interrupted after {done} documents (output to stdout cannot be resumed)");
            }
            return Ok(ExitCode::from(130));
        }
        Err(e) => return Err(e.to_string()),
    };
    if let Some(out) = to_file {
        let record = RunRecord::new(
            env!("CARGO_PKG_VERSION"),
            &pipeline,
            &names,
            Some(out),
            args.annotations.as_deref(),
            &format_name,
            &summary,
        );
        let path = runner::sidecar(out, "run.json");
        record.write(&path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if !args.quiet {
        if summary.resumed_after > 0 {
            eprintln!("resumed after {} documents", summary.resumed_after);
        }
        eprint!("{}", summary.render());
        if let Some(out) = to_file {
            eprintln!(
                "wrote {} (errors: {}, run record: {})",
                out.display(),
                runner::sidecar(out, "errors.jsonl").display(),
                runner::sidecar(out, "run.json").display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C (SIGINT, also SIGTERM) asks the run to stop and keep what it wrote;
/// a second one exits at once (the journal still allows a resume).
fn install_interrupt_handler(flag: &Arc<AtomicBool>) {
    let flag = Arc::clone(flag);
    // `writeln!`, not `eprintln!`: with stderr closed, a panic would end the
    // handler thread and with it every later signal.
    let result = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            let _ = writeln!(std::io::stderr(), "claimex: interrupted again, exiting now");
            std::process::exit(130);
        }
        let _ = writeln!(
            std::io::stderr(),
            "claimex: interrupt: keeping the output written so far (again to exit at once)"
        );
    });
    if let Err(e) = result {
        eprintln!("claimex: warning: cannot handle Ctrl-C: {e}");
    }
}

/// This process's command line with `--resume`, quoted for a POSIX shell.
fn resume_command() -> String {
    let mut args: Vec<String> = std::env::args().collect();
    if let Some(first) = args.first_mut() {
        if let Some(name) = Path::new(first.as_str()).file_name() {
            if name == "claimex" {
                *first = "claimex".into();
            }
        }
    }
    if !args.iter().any(|a| a == "--resume") {
        args.push("--resume".into());
    }
    args.iter().map(|a| shell_quote(a)).collect::<Vec<_>>().join(" ")
}

fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
