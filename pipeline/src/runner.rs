//! The batch runner: reads documents on one thread, processes them in parallel
//! batches on a rayon pool, and writes their output in input order.
//!
//! Memory stays bounded whatever the corpus size: at most [`QUEUED_BATCHES`]
//! batches wait behind the one being processed, and a batch holds at most
//! [`BATCH_DOCS`] documents or [`BATCH_BYTES`] of text. Each worker renders its
//! document's output to bytes, so the writer only copies bytes (no lock per
//! document, no interleaving). Progress is updated once per batch from the
//! writer thread.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use crate::document::Document;
use crate::input::InputItem;
use crate::output::{self, AtomicFile, Format};
use crate::pipeline::Pipeline;

/// Most documents in one batch.
pub const BATCH_DOCS: usize = 512;
/// Most text bytes in one batch.
pub const BATCH_BYTES: usize = 8 << 20;
/// Batches read ahead of the one being processed.
pub const QUEUED_BATCHES: usize = 2;

/// Where and how a run writes.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Claims output; `None` writes to stdout.
    pub output: Option<PathBuf>,
    pub format: Format,
    /// Per-document annotation layers (JSONL).
    pub annotations: Option<PathBuf>,
    /// Error records (JSONL); defaults beside the output.
    pub errors: Option<PathBuf>,
    /// Worker threads (0 = all cores).
    pub threads: usize,
    /// Show a progress bar on stderr (only when it is a terminal).
    pub progress: bool,
    /// Stop at the first failed document.
    pub fail_fast: bool,
    pub include_vague: bool,
}

/// Why a document produced no output.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FailureRecord {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_id: Option<String>,
    /// File, or file:line.
    pub origin: String,
    /// The stage that failed, or `input` when the document could not be read.
    pub stage: String,
    pub message: String,
}

/// Counts and timings of a run. Every input document is accounted for:
/// `read = processed + failed + input_errors`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Documents and records met in the input, good or bad.
    pub read: u64,
    /// Documents that went through every stage.
    pub processed: u64,
    /// Documents on which a stage failed.
    pub failed: u64,
    /// Records that could not be read (bad JSON, missing file, too large…).
    pub input_errors: u64,
    /// Processed documents decoded lossily from invalid UTF-8.
    pub lossy: u64,
    /// Processed documents with empty text.
    pub empty: u64,
    pub claims: u64,
    pub bytes: u64,
    pub elapsed_secs: f64,
    pub mb_per_s: f64,
    pub docs_per_s: f64,
    pub threads: usize,
    /// The failures (also in the errors file).
    pub failures: Vec<FailureRecord>,
    /// Documents processed with a caveat (invalid UTF-8 decoded lossily); also in the errors file.
    pub warnings: Vec<FailureRecord>,
}

impl Summary {
    /// Human-readable summary for stderr.
    pub fn render(&self) -> String {
        let mut s = format!(
            "read {} documents: {} processed, {} failed, {} unreadable ({} lossy UTF-8, {} empty)\n\
             {} claims; {:.1} MB in {:.2}s ({:.1} MB/s, {:.0} docs/s, {} threads)\n",
            self.read,
            self.processed,
            self.failed,
            self.input_errors,
            self.lossy,
            self.empty,
            self.claims,
            self.bytes as f64 / 1e6,
            self.elapsed_secs,
            self.mb_per_s,
            self.docs_per_s,
            self.threads
        );
        for w in self.warnings.iter().take(20) {
            let id = w.doc_id.as_deref().unwrap_or("-");
            s.push_str(&format!("  warning: {} ({}): {}\n", id, w.origin, w.message));
        }
        for f in self.failures.iter().take(20) {
            let id = f.doc_id.as_deref().unwrap_or("-");
            s.push_str(&format!("  failed: {} ({}) [{}]: {}\n", id, f.origin, f.stage, f.message));
        }
        if self.failures.len() > 20 {
            s.push_str(&format!("  … and {} more in the errors file\n", self.failures.len() - 20));
        }
        s
    }
}

/// A run failed as a whole (output cannot be written, or --fail-fast).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    Io(String),
    #[error("stopped at the first failure (--fail-fast): {} [{}]: {}", .0.origin, .0.stage, .0.message)]
    FailFast(FailureRecord),
}

fn io_err(what: &str, path: Option<&Path>, e: io::Error) -> RunError {
    match path {
        Some(p) => RunError::Io(format!("{what} {}: {e}", p.display())),
        None => RunError::Io(format!("{what}: {e}")),
    }
}

/// One document's rendered output.
struct DocOutput {
    claims: Vec<u8>,
    annotations: Vec<u8>,
    n_claims: u64,
    bytes: u64,
    lossy: bool,
    empty: bool,
    failure: Option<FailureRecord>,
    /// A caveat recorded in the errors file for a processed document.
    warning: Option<FailureRecord>,
}

fn process_one(pipeline: &Pipeline, item: InputItem, opts: &RunOptions) -> DocOutput {
    let mut out = DocOutput {
        claims: Vec::new(),
        annotations: Vec::new(),
        n_claims: 0,
        bytes: 0,
        lossy: false,
        empty: false,
        failure: None,
        warning: None,
    };
    let mut doc: Document = match item {
        InputItem::Doc(d) => d,
        InputItem::Bad(b) => {
            out.failure = Some(FailureRecord {
                doc_id: b.id,
                origin: b.origin.to_string(),
                stage: "input".into(),
                message: b.message,
            });
            return out;
        }
    };
    out.bytes = doc.text.len() as u64;
    out.lossy = doc.lossy;
    out.empty = doc.text.trim().is_empty();
    if doc.lossy {
        out.warning = Some(FailureRecord {
            doc_id: Some(doc.id.clone()),
            origin: doc.origin.to_string(),
            stage: "input".into(),
            message: "not valid UTF-8: decoded with U+FFFD replacement characters and processed (flagged lossy)".into(),
        });
    }
    if let Err(f) = pipeline.process(&mut doc) {
        out.failure = Some(FailureRecord {
            doc_id: Some(doc.id.clone()),
            origin: doc.origin.to_string(),
            stage: f.stage,
            message: f.message,
        });
        return out;
    }
    let records = output::claim_records(&doc, opts.include_vague);
    out.n_claims = records.len() as u64;
    output::render_claims(&records, opts.format, &mut out.claims);
    if opts.annotations.is_some() {
        output::render_annotations(&doc, &mut out.annotations);
    }
    out
}

/// Sidecar path beside the output: `out/claims.jsonl` → `out/claims.<suffix>`.
pub fn sidecar(output: &Path, suffix: &str) -> PathBuf {
    let stem = output.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "claims".into());
    output.with_file_name(format!("{stem}.{suffix}"))
}

/// Run the pipeline over every input document.
/// `inputs` yields every document and bad record in input order;
/// `total_bytes` (when known) sizes the progress bar.
pub fn run(
    pipeline: &Pipeline,
    inputs: Box<dyn Iterator<Item = InputItem> + Send>,
    total_bytes: Option<u64>,
    opts: &RunOptions,
) -> Result<Summary, RunError> {
    let start = Instant::now();
    let threads =
        if opts.threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { opts.threads };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("claimex-worker-{i}"))
        .build()
        .map_err(|e| RunError::Io(format!("cannot start worker threads: {e}")))?;

    let mut claims_out = match &opts.output {
        Some(p) => Sink::File(AtomicFile::create(p).map_err(|e| io_err("cannot write", Some(p), e))?),
        None => Sink::Stdout(io::BufWriter::new(io::stdout())),
    };
    let mut ann_out = match &opts.annotations {
        Some(p) => Some(AtomicFile::create(p).map_err(|e| io_err("cannot write", Some(p), e))?),
        None => None,
    };
    let errors_path = opts.errors.clone().or_else(|| opts.output.as_ref().map(|o| sidecar(o, "errors.jsonl")));
    let mut errors_out = match &errors_path {
        Some(p) => Some(AtomicFile::create(p).map_err(|e| io_err("cannot write", Some(p), e))?),
        None => None,
    };
    if opts.format == Format::Csv {
        claims_out.write_all(&output::csv_header()).map_err(|e| io_err("cannot write", opts.output.as_deref(), e))?;
    }

    let progress = make_progress(opts.progress, total_bytes);
    let (tx, rx) = crossbeam_channel::bounded::<Vec<InputItem>>(QUEUED_BATCHES);
    let reader = std::thread::Builder::new()
        .name("claimex-reader".into())
        .spawn(move || {
            let mut batch = Vec::with_capacity(BATCH_DOCS);
            let mut bytes = 0usize;
            for item in inputs {
                if let InputItem::Doc(d) = &item {
                    bytes += d.text.len();
                }
                batch.push(item);
                if batch.len() >= BATCH_DOCS || bytes >= BATCH_BYTES {
                    if tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH_DOCS))).is_err() {
                        return;
                    }
                    bytes = 0;
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
        })
        .map_err(|e| RunError::Io(format!("cannot start reader thread: {e}")))?;

    let mut summary = Summary { threads, ..Default::default() };
    let mut result = Ok(());
    for batch in rx.iter() {
        let outputs: Vec<DocOutput> =
            pool.install(|| batch.into_par_iter().map(|item| process_one(pipeline, item, opts)).collect());
        if let Err(e) =
            write_batch(&outputs, &mut summary, &mut claims_out, ann_out.as_mut(), errors_out.as_mut(), opts)
        {
            result = Err(e);
            break;
        }
        if let Some(pb) = &progress {
            pb.set_position(summary.bytes);
            let secs = start.elapsed().as_secs_f64().max(1e-9);
            pb.set_message(format!("{} docs, {:.0} docs/s", summary.read, summary.read as f64 / secs));
        }
    }
    drop(rx);
    let _ = reader.join();
    if let Some(pb) = &progress {
        pb.finish_and_clear();
    }
    result?;

    claims_out.finish().map_err(|e| io_err("cannot write", opts.output.as_deref(), e))?;
    if let Some(a) = ann_out {
        let p = a.path().to_path_buf();
        a.commit().map_err(|e| io_err("cannot write", Some(&p), e))?;
    }
    if let Some(e) = errors_out {
        let p = e.path().to_path_buf();
        e.commit().map_err(|err| io_err("cannot write", Some(&p), err))?;
    }
    let secs = start.elapsed().as_secs_f64();
    summary.elapsed_secs = secs;
    summary.mb_per_s = summary.bytes as f64 / 1e6 / secs.max(1e-9);
    summary.docs_per_s = summary.read as f64 / secs.max(1e-9);
    Ok(summary)
}

/// The claims destination: an atomic file or stdout.
enum Sink {
    File(AtomicFile),
    Stdout(io::BufWriter<io::Stdout>),
}

impl Sink {
    fn finish(self) -> io::Result<()> {
        match self {
            Sink::File(f) => f.commit(),
            Sink::Stdout(mut s) => s.flush(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::File(f) => f.write(buf),
            Sink::Stdout(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::File(f) => f.flush(),
            Sink::Stdout(s) => s.flush(),
        }
    }
}

fn write_batch(
    outputs: &[DocOutput],
    summary: &mut Summary,
    claims_out: &mut Sink,
    mut ann_out: Option<&mut AtomicFile>,
    mut errors_out: Option<&mut AtomicFile>,
    opts: &RunOptions,
) -> Result<(), RunError> {
    for o in outputs {
        summary.read += 1;
        summary.bytes += o.bytes;
        match &o.failure {
            Some(f) => {
                if f.stage == "input" {
                    summary.input_errors += 1;
                } else {
                    summary.failed += 1;
                }
                if let Some(e) = errors_out.as_deref_mut() {
                    let mut line = serde_json::to_vec(f).expect("failure records serialise");
                    line.push(b'\n');
                    e.write_all(&line).map_err(|err| io_err("cannot write", Some(e.path()), err))?;
                }
                summary.failures.push(f.clone());
                if opts.fail_fast {
                    return Err(RunError::FailFast(f.clone()));
                }
            }
            None => {
                if let Some(w) = &o.warning {
                    if let Some(e) = errors_out.as_deref_mut() {
                        let mut line = serde_json::to_vec(w).expect("warning records serialise");
                        line.push(b'\n');
                        e.write_all(&line).map_err(|err| io_err("cannot write", Some(e.path()), err))?;
                    }
                    summary.warnings.push(w.clone());
                }
                summary.processed += 1;
                summary.claims += o.n_claims;
                summary.lossy += o.lossy as u64;
                summary.empty += o.empty as u64;
                claims_out.write_all(&o.claims).map_err(|e| io_err("cannot write", opts.output.as_deref(), e))?;
                if let Some(a) = ann_out.as_deref_mut() {
                    a.write_all(&o.annotations).map_err(|e| io_err("cannot write", Some(a.path()), e))?;
                }
            }
        }
    }
    Ok(())
}

fn make_progress(wanted: bool, total: Option<u64>) -> Option<indicatif::ProgressBar> {
    if !wanted || !io::stderr().is_terminal() {
        return None;
    }
    let pb = match total {
        Some(t) => indicatif::ProgressBar::new(t).with_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
            )
            .expect("valid template"),
        ),
        None => indicatif::ProgressBar::new_spinner().with_style(
            indicatif::ProgressStyle::with_template("{spinner} {binary_bytes} {binary_bytes_per_sec} {msg}")
                .expect("valid template"),
        ),
    };
    pb.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
    pb.enable_steady_tick(Duration::from_millis(250));
    Some(pb)
}
