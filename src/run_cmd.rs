//! `claimex run`: the main job.

use std::path::PathBuf;
use std::process::ExitCode;

use claimex_pipeline::output::Format;
use claimex_pipeline::run_record::RunRecord;
use claimex_pipeline::runner::{self, RunOptions};

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
}

pub fn run(args: &RunArgs) -> Result<ExitCode, String> {
    let pipeline = common::load_pipeline(args.config.as_deref())?;
    let inputs = if args.inputs.is_empty() { vec![common::bundled_corpus()] } else { args.inputs.clone() };
    let (stream, total) = common::open_inputs(&inputs, &pipeline.config.input)?;
    let format_name = args.format.clone().unwrap_or_else(|| pipeline.config.output.format.clone());
    let format = Format::parse(&format_name).ok_or_else(|| format!("unknown output format `{format_name}`"))?;
    let output = (args.output.as_os_str() != "-").then(|| args.output.clone());
    let opts = RunOptions {
        output: output.clone(),
        format,
        annotations: args.annotations.clone(),
        errors: None,
        threads: args.threads,
        progress: !args.quiet,
        fail_fast: args.fail_fast,
        include_vague: pipeline.config.output.include_vague,
    };
    let result = runner::run(&pipeline, stream, total, &opts);
    let summary = match result {
        Ok(s) => s,
        Err(e @ runner::RunError::FailFast(_)) => {
            eprintln!("claimex: {e}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.to_string()),
    };
    if let Some(out) = &output {
        let names: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
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
        eprint!("{}", summary.render());
        if let Some(out) = &output {
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
