//! `claimex eval`: score predictions (a claims file, or a pipeline run over the
//! evaluated documents) against a gold file, as CLAIMS.md "Scoring" defines.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use claimex_eval::gold::{self, ClaimFile, Labelled};
use claimex_eval::{compare, format_issues, html, report, score, write_atomic};
use claimex_pipeline::config::InputConfig;
use claimex_pipeline::input::{self, InputItem};
use claimex_pipeline::{output, Document};
use rayon::prelude::*;

use crate::common;

#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// Gold claims: a .jsonl file (documents from --corpus), or a directory holding
    /// manifest.csv and gold.jsonl (documents from the manifest's sources under --corpus).
    #[arg(long, value_name = "FILE|DIR")]
    pub gold: PathBuf,
    /// Predicted claims (claimex JSONL or CSV output). Default: run the pipeline
    /// over the evaluated documents.
    #[arg(long, value_name = "FILE")]
    pub pred: Option<PathBuf>,
    /// The evaluated corpus. For a gold file: documents (default: the bundled
    /// corpus/seeds). For a gold directory: the root its manifest's sources are
    /// relative to (default: ../shared/corpora).
    #[arg(long, value_name = "PATH")]
    pub corpus: Option<PathBuf>,
    /// Config file for the pipeline and input settings (default: the embedded default).
    #[arg(short, long, value_name = "CONFIG")]
    pub config: Option<PathBuf>,
    /// Print the scores as JSON (schema claimex-eval/1) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// List every false positive and false negative per document, and field
    /// differences of matched claims.
    #[arg(long)]
    pub errors: bool,
    /// Write a self-contained HTML page with the scores and highlighted documents.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// A previous `--json` output: print every metric's change against it.
    #[arg(long, value_name = "BASELINE.json")]
    pub compare: Option<PathBuf>,
    /// Exit with code 1 when the claim F1 is below this value (0 to 1).
    #[arg(long, value_name = "X")]
    pub min_f1: Option<f64>,
}

/// Default corpora root for a gold directory (its manifest's `source` paths).
const DEFAULT_CORPORA_ROOT: &str = "../shared/corpora";

pub fn run(args: &EvalArgs) -> Result<ExitCode, String> {
    if let Some(x) = args.min_f1 {
        if !(0.0..=1.0).contains(&x) {
            return Err(format!("--min-f1 must be between 0 and 1, got {x}"));
        }
    }
    // Read the baseline first: a bad baseline should fail before a long pipeline run.
    let baseline = match &args.compare {
        Some(path) => {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: cannot read baseline: {e}"))?;
            Some((name.clone(), compare::parse_baseline(&name, &text)?))
        }
        None => None,
    };
    let config = common::load_config(args.config.as_deref())?;
    let (docs, gold_path) = load_documents(args, &config.input)?;
    let gold = gold::load_gold(&gold_path, &docs)
        .map_err(|issues| format!("{} problem(s) in the gold data:\n{}", issues.len(), format_issues(&issues)))?;
    let pred = match &args.pred {
        Some(path) => gold::load_predictions(path)
            .map_err(|issues| format!("{} problem(s) in the predictions:\n{}", issues.len(), format_issues(&issues)))?,
        None => run_pipeline(config, &docs)?,
    };

    let eval = score::evaluate(&docs, &gold, &pred);
    let mut summary = report::Summary::new(&eval, args.errors);
    let deltas = baseline.as_ref().map(|(_, base)| {
        let current: serde_json::Value = serde_json::to_value(&summary).expect("summary serialises");
        compare::diff(base, &current)
    });
    if args.json {
        summary.compare = deltas;
        println!("{}", summary.to_json());
    } else {
        print!("{}", report::table(&eval));
        if args.errors {
            print!("{}", report::errors_text(&eval));
        }
        if let (Some((name, _)), Some(deltas)) = (&baseline, &deltas) {
            print!("{}", compare::render(name, deltas));
        }
    }
    if let Some(path) = &args.html {
        write_atomic(path, html::render(&eval, &docs).as_bytes())
            .map_err(|e| format!("{}: cannot write HTML report: {e}", path.display()))?;
        eprintln!("claimex eval: wrote {}", path.display());
    }
    if let Some(min) = args.min_f1 {
        let f1 = eval.claims.f1();
        if f1 < min {
            eprintln!("claimex eval: claim F1 {f1:.3} is below --min-f1 {min}");
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The evaluated documents and the gold file, by gold layout: a gold directory
/// (manifest.csv + gold.jsonl, sources under the corpora root) or a gold file
/// over a corpus path.
fn load_documents(args: &EvalArgs, cfg: &InputConfig) -> Result<(Vec<Document>, PathBuf), String> {
    let (inputs, gold_path, corpus) = if args.gold.is_dir() {
        let manifest = args.gold.join("manifest.csv");
        let gold_path = args.gold.join("gold.jsonl");
        for p in [&manifest, &gold_path] {
            if !p.is_file() {
                return Err(format!("{}: missing; a gold directory holds manifest.csv and gold.jsonl", p.display()));
            }
        }
        let root = args.corpus.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_CORPORA_ROOT));
        if !root.is_dir() {
            return Err(format!(
                "{}: corpora root not found (the sources of {} are relative to it); pass --corpus",
                root.display(),
                manifest.display()
            ));
        }
        let inputs = input::open_manifest(&manifest, &root, cfg).map_err(|e| e.to_string())?;
        (inputs, gold_path, manifest)
    } else {
        let corpus = args.corpus.clone().unwrap_or_else(common::bundled_corpus);
        let inputs = input::open(std::slice::from_ref(&corpus), cfg).map_err(|e| e.to_string())?;
        (inputs, args.gold.clone(), corpus)
    };
    let docs = collect_documents(inputs, &corpus)?;
    Ok((docs, gold_path))
}

/// Every document of the corpus; unreadable records and repeated ids are
/// errors, since the corpus defines what is scored.
fn collect_documents(inputs: impl Iterator<Item = InputItem>, corpus: &Path) -> Result<Vec<Document>, String> {
    let mut docs = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for item in inputs {
        match item {
            InputItem::Doc(doc) => {
                if let Some(first) = seen.insert(doc.id.clone(), doc.origin.to_string()) {
                    problems.push(format!("{}: document id `{}` repeated (first at {first})", doc.origin, doc.id));
                } else {
                    docs.push(doc);
                }
            }
            InputItem::Bad(bad) => problems.push(format!("{}: {}", bad.origin, bad.message)),
        }
    }
    if !problems.is_empty() {
        return Err(format!("{} problem(s) reading the corpus:\n{}", problems.len(), problems.join("\n")));
    }
    if docs.is_empty() {
        return Err(format!("{}: the evaluated corpus has no documents", corpus.display()));
    }
    Ok(docs)
}

/// Run the pipeline over the documents (in parallel, output in corpus order)
/// and return its claims as predictions.
fn run_pipeline(config: claimex_pipeline::Config, docs: &[Document]) -> Result<ClaimFile, String> {
    let pipeline = common::build_pipeline(config)?;
    let per_doc: Vec<Result<Vec<claimex_pipeline::ClaimRecord>, String>> = docs
        .par_iter()
        .map(|d| {
            let mut doc = d.clone();
            pipeline
                .process_for(&mut doc, claimex_pipeline::Needs::Claims)
                .map(|()| output::claim_records(&doc, true))
                .map_err(|f| format!("{}: stage `{}` failed: {}", d.id, f.stage, f.message))
        })
        .collect();
    let mut claims = Vec::new();
    for result in per_doc {
        match result {
            Ok(records) => claims.extend(records),
            // A failed document scores as predicting nothing; say so.
            Err(e) => eprintln!("claimex eval: warning: {e}"),
        }
    }
    let claims = claims.into_iter().enumerate().map(|(i, record)| Labelled { line: i as u64 + 1, record }).collect();
    Ok(ClaimFile { path: "pipeline".to_string(), claims })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A corpus directory with one invented article, a gold file and the given predictions.
    fn fixture(pred: &str) -> (tempfile::TempDir, EvalArgs) {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        std::fs::write(corpus.join("a.txt"), "Officials said 120 soldiers were killed.").unwrap();
        let line = r#"{"doc_id": "a", "category": "killed", "subject": "Russia", "object": null, "group": "military", "value": 120, "bound": "exact", "claimant": null, "as_of": null, "location": null, "evidence": "120 soldiers were killed"}"#;
        std::fs::write(dir.path().join("gold.jsonl"), format!("{line}\n")).unwrap();
        let pred_text = pred.replace("GOLD", line);
        std::fs::write(dir.path().join("pred.jsonl"), pred_text).unwrap();
        let args = EvalArgs {
            gold: dir.path().join("gold.jsonl"),
            pred: Some(dir.path().join("pred.jsonl")),
            corpus: Some(corpus),
            config: None,
            json: true,
            errors: false,
            html: None,
            compare: None,
            min_f1: None,
        };
        (dir, args)
    }

    #[test]
    fn min_f1_exit_codes() {
        for (pred, min, want, why) in [
            ("GOLD\n", 1.0, ExitCode::SUCCESS, "perfect prediction meets F1 1.0"),
            ("", 0.5, ExitCode::from(1), "empty prediction: F1 0 < 0.5"),
            ("", 0.0, ExitCode::SUCCESS, "F1 0 is not below 0"),
        ] {
            let (_dir, mut args) = fixture(pred);
            args.min_f1 = Some(min);
            assert_eq!(run(&args), Ok(want), "{why}");
        }
        let (_dir, mut args) = fixture("");
        args.min_f1 = Some(1.5);
        assert!(run(&args).unwrap_err().contains("--min-f1 must be between 0 and 1"));
    }

    #[test]
    fn compare_reports_but_does_not_gate() {
        let (dir, mut args) = fixture("GOLD\n");
        let baseline = dir.path().join("base.json");
        std::fs::write(&baseline, r#"{"schema": "claimex-eval/1", "claims": {"f1": 1.0}}"#).unwrap();
        args.compare = Some(baseline.clone());
        args.pred = Some(dir.path().join("empty.jsonl"));
        std::fs::write(dir.path().join("empty.jsonl"), "").unwrap();
        assert_eq!(run(&args), Ok(ExitCode::SUCCESS), "a worse run still exits 0 without --min-f1");
        std::fs::write(&baseline, "not json").unwrap();
        let err = run(&args).unwrap_err();
        assert!(err.contains("not a claimex eval --json output"), "{err}");
        args.compare = Some(dir.path().join("missing.json"));
        assert!(run(&args).unwrap_err().contains("cannot read baseline"));
    }

    #[test]
    fn bad_inputs_are_errors_with_locations() {
        let (dir, args) = fixture("{broken\n");
        let err = run(&args).unwrap_err();
        assert!(err.contains("pred.jsonl:1: invalid claim record"), "{err}");
        std::fs::write(dir.path().join("gold.jsonl"), "{\"doc_id\": \"zz\"}\n").unwrap();
        let err = run(&args).unwrap_err();
        assert!(err.contains("gold.jsonl:1: missing fields"), "{err}");
        assert!(err.contains("gold.jsonl:1: doc_id `zz` is not a document of the evaluated corpus"), "{err}");
    }

    #[test]
    fn html_report_is_written() {
        let (dir, mut args) = fixture("");
        let page = dir.path().join("out.html");
        args.html = Some(page.clone());
        assert_eq!(run(&args), Ok(ExitCode::SUCCESS));
        let html = std::fs::read_to_string(page).unwrap();
        assert!(html.contains("g-fn"), "the missed claim is marked");
    }
}
