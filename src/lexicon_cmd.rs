//! `claimex lexicon check` and `claimex lexicon test`: validate the lexicons a
//! config uses and run their `@match` / `@nomatch` examples (CI runs `test`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use claimex_pipeline::lexicon::Lexicon;
use claimex_pipeline::{Config, DataRoot};
use claimex_stages::lexicon::{config_lexicons, LexiconStage};

#[derive(clap::Subcommand, Debug)]
pub enum LexiconCmd {
    /// Validate lexicon files and print their counts: the lexicons a config
    /// uses (default: the built-in config), or every *.tsv directly in DIR.
    Check {
        /// A directory of lexicon files to validate on their own.
        dir: Option<PathBuf>,
        /// The config whose lexicon stages to check.
        #[arg(short, long, conflicts_with = "dir")]
        config: Option<PathBuf>,
    },
    /// Run every @match / @nomatch example through its stage; exit 1 on any break.
    Test {
        #[arg(short, long)]
        config: Option<PathBuf>,
    },
}

fn load_config(path: Option<&Path>) -> Result<(Config, DataRoot), String> {
    match path {
        Some(p) => {
            let config = Config::from_file(p).map_err(|e| e.to_string())?;
            let dir = config.base_dir.clone().unwrap_or_else(|| PathBuf::from("."));
            Ok((config, DataRoot::DirThenEmbedded(dir, claimex_stages::embedded::FILES)))
        }
        None => Ok((claimex_stages::default_config(), claimex_stages::embedded_root())),
    }
}

fn stages(path: Option<&Path>) -> Result<Vec<LexiconStage>, String> {
    let (config, root) = load_config(path)?;
    config_lexicons(&config, root).map_err(|e| e.to_string())
}

fn check_dir(dir: &Path) -> Result<ExitCode, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    files.sort();
    let mut failed = false;
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        match Lexicon::parse(&path.display().to_string(), &text) {
            Ok(lex) => println!(
                "{}: {} entries, {} canonical ids, {} examples",
                lex.name,
                lex.entries.len(),
                lex.canonicals().len(),
                lex.examples.len()
            ),
            Err(e) => {
                eprintln!("{e}");
                failed = true;
            }
        }
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

pub fn run(cmd: &LexiconCmd) -> Result<ExitCode, String> {
    match cmd {
        LexiconCmd::Check { dir: Some(dir), .. } => check_dir(dir),
        LexiconCmd::Check { dir: None, config } => {
            let stages = stages(config.as_deref())?;
            for stage in &stages {
                for f in stage.files() {
                    println!(
                        "{}: {}: {} entries, {} canonical ids, {} examples",
                        claimex_pipeline::Stage::name(stage),
                        f.path,
                        f.entries,
                        f.canonicals,
                        f.examples.len()
                    );
                }
            }
            println!(
                "{} lexicon stages, {} entries: ok",
                stages.len(),
                stages.iter().map(|s| s.entry_count()).sum::<usize>()
            );
            Ok(ExitCode::SUCCESS)
        }
        LexiconCmd::Test { config } => {
            let stages = stages(config.as_deref())?;
            let (mut total, mut failures) = (0, Vec::new());
            for stage in &stages {
                total += stage.files().iter().map(|f| f.examples.len()).sum::<usize>();
                failures.extend(stage.check_examples());
            }
            for f in &failures {
                eprintln!("{f}");
            }
            println!("{} examples, {} passed, {} failed", total, total - failures.len(), failures.len());
            Ok(if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}
