//! The batch runner: reads documents on one thread, processes them on a rayon
//! pool, and writes their output in input order. JSONL records are parsed by
//! the workers ([`RawItem::parse`]): the reader only cuts lines, so it takes
//! a few per cent of a run's CPU and does not hold back how far a run scales.
//!
//! Work streams through without a barrier: the reader cuts the input into
//! chunks of [`CHUNK_DOCS`] documents (fewer when a streamed input goes idle
//! for [`INPUT_IDLE`]), each worker takes the next chunk as
//! soon as it is done with one, and the writer (the calling thread) writes
//! each chunk's output once the chunks before it are written. No worker waits
//! for another, or for the writer while it syncs its files. Memory stays
//! bounded whatever the corpus size: at most [`CHUNKS_IN_FLIGHT_PER_THREAD`]
//! chunks per thread are between the reader and the writer. Each worker
//! renders its document's output to bytes, so the writer only copies bytes.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::input::{InputItem, RawItem};
use crate::output::{self, AtomicFile, Format};
use crate::pipeline::{panic_message, Needs, Pipeline, StageTime};

mod journal;

use journal::{Checkpoint, Journal};

/// Most documents in one chunk, the unit of work a worker takes: small, so
/// that the last chunk of a run keeps one thread busy for only a few
/// milliseconds while the other threads have nothing left.
pub const CHUNK_DOCS: usize = 64;
/// Most text bytes in one chunk.
pub const CHUNK_BYTES: usize = 1 << 20;
/// Chunks between the reader and the writer, per worker thread: enough that
/// no worker waits while the writer syncs its files, few enough that memory
/// stays bounded (a few MiB per thread).
pub const CHUNKS_IN_FLIGHT_PER_THREAD: usize = 4;
/// How long a streamed input (stdin, a pipe) may go without a new document
/// before the documents read so far are processed as a chunk not yet full.
pub const INPUT_IDLE: Duration = Duration::from_millis(50);
/// How long the writer waits for a chunk before it looks for an interrupt.
const INTERRUPT_POLL: Duration = Duration::from_millis(100);

/// Documents (or their outputs) numbered in input order.
struct Chunk<T> {
    seq: u64,
    items: Vec<T>,
}

/// The chunk the reader is filling. Shared with the idle timer of a streamed
/// input, which sends it unfilled when no document came for a while.
#[derive(Default)]
struct Filling {
    items: Vec<RawItem>,
    bytes: usize,
    /// The next chunk's number: chunks are numbered as they are closed.
    seq: u64,
    /// Documents added so far, for the timer to see the input idle.
    added: u64,
    /// The reader sent its last chunk: the timer stops, letting go of its
    /// sender of chunks, so that the workers see the input end.
    ended: bool,
}

impl Filling {
    /// Add a document; the chunk, when that fills it.
    fn add(&mut self, item: RawItem) -> Option<Chunk<RawItem>> {
        self.bytes += item.size();
        self.items.push(item);
        self.added += 1;
        (self.items.len() >= CHUNK_DOCS || self.bytes >= CHUNK_BYTES).then(|| self.close())
    }

    fn close(&mut self) -> Chunk<RawItem> {
        let items = std::mem::replace(&mut self.items, Vec::with_capacity(CHUNK_DOCS));
        self.bytes = 0;
        self.seq += 1;
        Chunk { seq: self.seq - 1, items }
    }
}

/// Send a chunk once the writer gave back a token; false when the run stops.
fn send_chunk(chunk: Chunk<RawItem>, tokens: &Receiver<()>, work: &Sender<Chunk<RawItem>>) -> bool {
    tokens.recv().is_ok() && work.send(chunk).is_ok()
}

/// The reader's loop: add each document to the chunk being filled, sending
/// the chunk when full, and the last one at the end of the input.
fn read_chunks(
    inputs: impl Iterator<Item = RawItem>,
    filling: &Mutex<Filling>,
    tokens: &Receiver<()>,
    work: &Sender<Chunk<RawItem>>,
) {
    for item in inputs {
        let mut f = filling.lock().expect("the chunk being filled");
        if f.add(item).is_some_and(|c| !send_chunk(c, tokens, work)) {
            return;
        }
    }
    let mut f = filling.lock().expect("the chunk being filled");
    f.ended = true;
    if !f.items.is_empty() {
        send_chunk(f.close(), tokens, work);
    }
}

/// A streamed input's idle timer: sends the chunk being filled once no
/// document was added for a tick (so between one and two [`INPUT_IDLE`]);
/// stops when the reader is done or the writer stops. Chunks are sent under the lock, reader's and
/// timer's alike, so in order: a chunk the writer waits for never waits for a
/// token behind later ones.
fn send_when_idle(filling: &Mutex<Filling>, tokens: &Receiver<()>, work: &Sender<Chunk<RawItem>>, quit: &Receiver<()>) {
    let mut seen = 0;
    loop {
        crossbeam_channel::select! {
            recv(quit) -> _ => return,
            default(INPUT_IDLE) => {}
        }
        let mut f = filling.lock().expect("the chunk being filled");
        if f.ended {
            return;
        }
        let idle = f.added == seen && !f.items.is_empty();
        seen = f.added;
        if idle && !send_chunk(f.close(), tokens, work) {
            return;
        }
    }
}

/// A worker's loop: process the next chunk, until the input is done or the
/// writer stops.
fn work(
    pipeline: &Pipeline,
    opts: &RunOptions,
    chunks: &Receiver<Chunk<RawItem>>,
    done: &Sender<Chunk<DocOutput>>,
    quit: &Receiver<()>,
) {
    loop {
        let chunk = crossbeam_channel::select! {
            recv(chunks) -> chunk => match chunk { Ok(c) => c, Err(_) => return },
            recv(quit) -> _ => return,
        };
        let items = chunk.items.into_iter().map(|item| process_one(pipeline, item, opts)).collect();
        if done.send(Chunk { seq: chunk.seq, items }).is_err() {
            return;
        }
    }
}

/// Set when a worker thread panics (stage panics are caught per document:
/// this is a bug elsewhere), so that the writer stops instead of waiting for
/// the chunk that worker held.
struct PanicFlag<'a>(&'a AtomicBool);

impl Drop for PanicFlag<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::SeqCst);
        }
    }
}

/// When the last checkpoint was recorded, and what it held.
struct Since {
    at: Instant,
    /// Failures and warnings recorded by then.
    lists: (usize, usize),
}

impl Since {
    fn now(summary: &Summary) -> Since {
        Since { at: Instant::now(), lists: (summary.failures.len(), summary.warnings.len()) }
    }
}

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
    /// Record progress so that an interrupted or killed run can be resumed.
    /// Needs a claims output file.
    pub journal: Option<JournalOptions>,
    /// The input may trickle in (stdin, a pipe): documents read are processed
    /// once no new one came for [`INPUT_IDLE`], without waiting for a chunk's
    /// worth (a thread that wakes every [`INPUT_IDLE`] sees to it).
    pub streaming_input: bool,
    /// How often a journaled run records a checkpoint (syncing its files):
    /// after the first chunk written this long after the last checkpoint.
    /// A killed run redoes what was written since; zero checkpoints after every chunk.
    pub checkpoint_every: Duration,
    /// Set (by a Ctrl-C handler) to stop the run, keeping (and, journaled,
    /// checkpointing) the output written so far.
    pub interrupt: Option<Arc<AtomicBool>>,
}

/// Where a run journals its progress, and whether it continues an earlier run.
#[derive(Clone, Debug)]
pub struct JournalOptions {
    pub path: PathBuf,
    /// What identifies the run (config hash, inputs, output settings): a
    /// journal written by another run is not resumed.
    pub run: serde_json::Value,
    /// Continue the run the journal describes (a fresh run when there is none).
    pub resume: bool,
}

/// Why a document produced no output.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
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
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
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
    /// Processed documents a `triage` stage settled as holding no claim (the
    /// stages after it were skipped unless annotations were written).
    pub settled: u64,
    pub claims: u64,
    pub bytes: u64,
    pub elapsed_secs: f64,
    pub mb_per_s: f64,
    pub docs_per_s: f64,
    pub threads: usize,
    /// Documents done by the interrupted run(s) this one resumed.
    #[serde(skip_serializing_if = "is_zero")]
    pub resumed_after: u64,
    /// The failures (also in the errors file).
    pub failures: Vec<FailureRecord>,
    /// Documents processed with a caveat (invalid UTF-8 decoded lossily); also in the errors file.
    pub warnings: Vec<FailureRecord>,
    /// Where the time went: seconds per stage, summed over threads.
    #[serde(default)]
    pub stage_seconds: Vec<StageTime>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Summary {
    /// Human-readable summary for stderr.
    pub fn render(&self) -> String {
        let mut s = format!(
            "read {} documents: {} processed, {} failed, {} unreadable ({} lossy UTF-8, {} empty, \
             {} settled by triage)\n\
             {} claims; {:.1} MB in {:.2}s ({:.1} MB/s, {:.0} docs/s, {} threads)\n",
            self.read,
            self.processed,
            self.failed,
            self.input_errors,
            self.lossy,
            self.empty,
            self.settled,
            self.claims,
            self.bytes as f64 / 1e6,
            self.elapsed_secs,
            self.mb_per_s,
            self.docs_per_s,
            self.threads
        );
        let total: f64 = self.stage_seconds.iter().map(|t| t.seconds).sum();
        if total > 0.0 {
            let parts: Vec<String> =
                self.stage_seconds.iter().map(|t| format!("{} {:.0}%", t.stage, 100.0 * t.seconds / total)).collect();
            s.push_str(&format!("stage time {:.2}s: {}\n", total, parts.join(", ")));
        }
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
    /// Stopped on request after a complete chunk; the output so far is kept
    /// (in temp files, with the journal) when the run is `resumable`.
    #[error("interrupted after {done} documents")]
    Interrupted { done: u64, resumable: bool },
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
    settled: bool,
    failure: Option<FailureRecord>,
    /// A caveat recorded in the errors file for a processed document.
    warning: Option<FailureRecord>,
}

fn process_one(pipeline: &Pipeline, item: RawItem, opts: &RunOptions) -> DocOutput {
    let mut out = DocOutput {
        claims: Vec::new(),
        annotations: Vec::new(),
        n_claims: 0,
        bytes: 0,
        lossy: false,
        empty: false,
        settled: false,
        failure: None,
        warning: None,
    };
    let mut doc: Document = match item.parse() {
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
    let needs = if opts.annotations.is_some() { Needs::Everything } else { Needs::Claims };
    if let Err(f) = pipeline.process_for(&mut doc, needs) {
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
    out.settled = doc.settled;
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

/// The temp file a journaled run writes `target` through: a fixed name, so a
/// resumed run finds it.
pub fn partial_path(target: &Path) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    target.with_file_name(format!(".{name}.partial"))
}

/// The open outputs of a run.
struct Outputs {
    claims: Sink,
    annotations: Option<AtomicFile>,
    errors: Option<AtomicFile>,
}

impl Outputs {
    /// Open every output; journaled runs write through fixed temp names, cut
    /// to `lengths` when resuming.
    fn open(opts: &RunOptions, lengths: Option<[u64; 3]>) -> Result<Outputs, RunError> {
        let open = |p: &Path, len: Option<u64>| {
            let file = if opts.journal.is_some() {
                AtomicFile::with_temp(p, &partial_path(p), len)
            } else {
                AtomicFile::create(p)
            };
            file.map_err(|e| io_err("cannot write", Some(p), e))
        };
        let len = |i: usize| lengths.map(|l| l[i]);
        Ok(Outputs {
            claims: match &opts.output {
                Some(p) => Sink::File(open(p, len(0))?),
                None => Sink::Stdout(io::BufWriter::new(io::stdout())),
            },
            annotations: opts.annotations.as_deref().map(|p| open(p, len(1))).transpose()?,
            errors: opts.errors.as_deref().map(|p| open(p, len(2))).transpose()?,
        })
    }

    /// Flush and fsync everything; the lengths written so far.
    fn sync(&mut self, opts: &RunOptions) -> Result<[u64; 3], RunError> {
        let claims = match &mut self.claims {
            Sink::File(f) => f.sync().map_err(|e| io_err("cannot write", opts.output.as_deref(), e))?,
            Sink::Stdout(s) => s.flush().map(|()| 0).map_err(|e| io_err("cannot write", None, e))?,
        };
        let sync = |f: &mut Option<AtomicFile>| match f {
            Some(f) => f.sync().map_err(|e| io_err("cannot write", Some(f.path()), e)),
            None => Ok(0),
        };
        Ok([claims, sync(&mut self.annotations)?, sync(&mut self.errors)?])
    }

    /// Rename every output into place, once all of them are written: an
    /// output that cannot be written fails the run before any is renamed.
    fn commit(mut self, opts: &RunOptions) -> Result<(), RunError> {
        self.sync(opts)?;
        self.claims.finish().map_err(|e| io_err("cannot write", opts.output.as_deref(), e))?;
        for f in [self.annotations, self.errors].into_iter().flatten() {
            let p = f.path().to_path_buf();
            f.commit().map_err(|e| io_err("cannot write", Some(&p), e))?;
        }
        Ok(())
    }

    /// Leave the temp files for a later resume.
    fn keep(self) -> Result<(), RunError> {
        let files = match self.claims {
            Sink::File(f) => Some(f),
            Sink::Stdout(_) => None,
        };
        for f in [files, self.annotations, self.errors].into_iter().flatten() {
            let p = f.path().to_path_buf();
            f.keep().map_err(|e| io_err("cannot write", Some(&p), e))?;
        }
        Ok(())
    }
}

/// Open the journal and the outputs: fresh, or where an interrupted run left them.
fn start(opts: &RunOptions, summary: &mut Summary) -> Result<(Outputs, Option<Journal>), RunError> {
    let Some(j) = &opts.journal else { return Ok((Outputs::open(opts, None)?, None)) };
    let jerr = |e: io::Error| io_err("cannot write", Some(&j.path), e);
    if j.resume && j.path.exists() {
        let resumed = Journal::resume(&j.path, &j.run).map_err(RunError::Io)?;
        let lengths = resumed.last.as_ref().map_or([0; 3], |cp| cp.lengths);
        if let Some(cp) = resumed.last {
            *summary = cp.restore(summary, resumed.failures, resumed.warnings);
        }
        let outputs = Outputs::open(opts, Some(lengths))
            .map_err(|e| RunError::Io(format!("cannot resume from {}: {e}", j.path.display())))?;
        return Ok((outputs, Some(resumed.journal)));
    }
    if !j.resume {
        if let Some(done) = Journal::documents_done(&j.path) {
            return Err(RunError::Io(format!(
                "{}: an interrupted run left its progress here ({done} documents done); \
                 continue it with --resume, or delete this file to start over",
                j.path.display()
            )));
        }
    }
    // Outputs first: opening them creates the directory the journal goes to.
    let outputs = Outputs::open(opts, None)?;
    let journal = Journal::create(&j.path, &j.run).map_err(jerr)?;
    Ok((outputs, Some(journal)))
}

/// Run the pipeline over every input document.
/// `inputs` yields every document and bad record in input order;
/// `total_bytes` (when known) sizes the progress bar.
///
/// With a journal, progress is recorded about every `opts.checkpoint_every`;
/// on interruption (`opts.interrupt`) the run stops, records the output
/// written so far and keeps it for `resume`, which skips the documents done.
pub fn run(
    pipeline: &Pipeline,
    inputs: Box<dyn Iterator<Item = RawItem> + Send>,
    total_bytes: Option<u64>,
    opts: &RunOptions,
) -> Result<Summary, RunError> {
    let start_time = Instant::now();
    let threads =
        if opts.threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { opts.threads };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("claimex-worker-{i}"))
        .build()
        .map_err(|e| RunError::Io(format!("cannot start worker threads: {e}")))?;

    let mut summary = Summary { threads, ..Default::default() };
    let (mut outputs, mut journal) = start(opts, &mut summary)?;
    let (skip, skipped_bytes) = (summary.read, summary.bytes);
    if opts.format == Format::Csv && skip == 0 {
        outputs
            .claims
            .write_all(&output::csv_header())
            .map_err(|e| io_err("cannot write", opts.output.as_deref(), e))?;
    }
    let checkpoint = |outputs: &mut Outputs, journal: &mut Option<Journal>, summary: &mut Summary, since| {
        let Some(j) = journal else { return Ok(()) };
        let lengths = outputs.sync(opts)?;
        j.record(&Checkpoint::of(summary, lengths, since)).map_err(|e| io_err("cannot write", Some(j.path()), e))
    };
    if skip == 0 {
        checkpoint(&mut outputs, &mut journal, &mut summary, (0, 0))?;
    }

    let progress = make_progress(opts.progress, total_bytes);
    // At most `window` chunks are between the reader and the writer (queued,
    // being processed, or waiting for an earlier one to be written): the
    // reader takes a token for each chunk and the writer gives it back.
    let window = threads * CHUNKS_IN_FLIGHT_PER_THREAD;
    let (tokens_tx, tokens_rx) = crossbeam_channel::bounded::<()>(window);
    for _ in 0..window {
        tokens_tx.send(()).expect("the token channel has room for the window");
    }
    let (work_tx, work_rx) = crossbeam_channel::bounded::<Chunk<RawItem>>(window);
    let (done_tx, done_rx) = crossbeam_channel::unbounded::<Chunk<DocOutput>>();
    // Dropped by the writer when it stops early, so that idle workers stop
    // too (the reader may be blocked on a slow input, stdin, and is not waited for).
    let (quit_tx, quit_rx) = crossbeam_channel::bounded::<()>(0);
    let filling = Arc::new(Mutex::new(Filling::default()));
    if opts.streaming_input {
        let (filling, tokens_rx, work_tx, quit_rx) =
            (filling.clone(), tokens_rx.clone(), work_tx.clone(), quit_rx.clone());
        std::thread::Builder::new()
            .name("claimex-input-idle".into())
            .spawn(move || send_when_idle(&filling, &tokens_rx, &work_tx, &quit_rx))
            .map_err(|e| RunError::Io(format!("cannot start a thread: {e}")))?;
    }
    let reader = std::thread::Builder::new()
        .name("claimex-reader".into())
        // Inputs are read in a deterministic order: the first `skip` were done by the interrupted run.
        .spawn(move || read_chunks(inputs.skip(skip as usize), &filling, &tokens_rx, &work_tx))
        .map_err(|e| RunError::Io(format!("cannot start reader thread: {e}")))?;

    let interrupted = || opts.interrupt.as_ref().is_some_and(|i| i.load(Ordering::SeqCst));
    let worker_panicked = AtomicBool::new(false);
    // A worker's panic (a bug: stage panics are caught per document) fails
    // the run like an I/O error, removing its temp files and journal.
    let scope = catch_unwind(AssertUnwindSafe(|| {
        pool.in_place_scope(|scope| {
            for _ in 0..threads {
                let (work_rx, done_tx, quit_rx) = (work_rx.clone(), done_tx.clone(), quit_rx.clone());
                let panicked = PanicFlag(&worker_panicked);
                scope.spawn(move |_| {
                    let _panicked = panicked;
                    work(pipeline, opts, &work_rx, &done_tx, &quit_rx);
                });
            }
            drop((work_rx, done_tx, quit_rx));
            // The writer, on this thread: chunks are written in input order as
            // they come in, so no worker waits for another or for the writer.
            let written = (|| {
                let mut waiting = BTreeMap::new();
                let mut next = 0u64;
                let mut since = Since::now(&summary);
                loop {
                    // Woken now and then to see an interrupt while the input is slow (stdin).
                    let chunk = match done_rx.recv_timeout(INTERRUPT_POLL) {
                        Ok(chunk) => Some(chunk),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => return Ok(()),
                    };
                    if worker_panicked.load(Ordering::SeqCst) {
                        // Its chunk will never come; the scope passes the panic on.
                        return Err(RunError::Io("a worker thread panicked".into()));
                    }
                    if interrupted() {
                        // The chunks processed meanwhile are not written: a resumed run redoes them.
                        checkpoint(&mut outputs, &mut journal, &mut summary, since.lists)?;
                        return Err(RunError::Interrupted { done: summary.read, resumable: journal.is_some() });
                    }
                    if let Some(chunk) = chunk {
                        waiting.insert(chunk.seq, chunk.items);
                    }
                    while let Some(done) = waiting.remove(&next) {
                        next += 1;
                        write_chunk(
                            &done,
                            &mut summary,
                            &mut outputs.claims,
                            outputs.annotations.as_mut(),
                            outputs.errors.as_mut(),
                            opts,
                        )?;
                        let _ = tokens_tx.send(());
                        if since.at.elapsed() >= opts.checkpoint_every {
                            checkpoint(&mut outputs, &mut journal, &mut summary, since.lists)?;
                            since = Since::now(&summary);
                        }
                        if let Some(pb) = &progress {
                            pb.set_position(summary.bytes);
                            let secs = start_time.elapsed().as_secs_f64().max(1e-9);
                            pb.set_message(format!("{} docs, {:.0} docs/s", summary.read, summary.read as f64 / secs));
                        }
                    }
                }
            })();
            // Stop the workers (they finish the chunk in hand) and the reader.
            drop((quit_tx, done_rx, tokens_tx));
            written
        })
    }));
    let result = scope.unwrap_or_else(|panic| {
        Err(RunError::Io(format!("internal error, a worker thread panicked: {}", panic_message(&*panic))))
    });
    if let Some(pb) = &progress {
        pb.finish_and_clear();
    }
    match result {
        // The reader may be blocked on a slow input (stdin): do not wait for it.
        Err(RunError::Interrupted { .. }) if journal.is_some() => {
            outputs.keep()?;
            return result.map(|()| summary);
        }
        Err(RunError::Interrupted { .. }) => {
            outputs.commit(opts)?;
            return result.map(|()| summary);
        }
        Err(e) => {
            // Nothing half-written is left: the temp files go with `outputs`.
            // The reader is not waited for, as above.
            drop(outputs);
            if let Some(j) = journal {
                let _ = j.finish();
            }
            return Err(e);
        }
        Ok(()) => {}
    }
    if let Err(panic) = reader.join() {
        // The input ended early: what was written is not the whole run.
        drop(outputs);
        if let Some(j) = journal {
            let _ = j.finish();
        }
        return Err(RunError::Io(format!("internal error, the input reader panicked: {}", panic_message(&*panic))));
    }

    outputs.commit(opts)?;
    if let Some(j) = journal {
        j.finish().map_err(|e| io_err("cannot remove", Some(&opts.journal.as_ref().expect("journaled").path), e))?;
    }
    let secs = start_time.elapsed().as_secs_f64();
    summary.elapsed_secs = secs;
    let done_here = summary.read - summary.resumed_after;
    summary.mb_per_s = (summary.bytes - skipped_bytes) as f64 / 1e6 / secs.max(1e-9);
    summary.docs_per_s = done_here as f64 / secs.max(1e-9);
    summary.stage_seconds = pipeline.stage_seconds();
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

fn write_chunk(
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
                summary.settled += o.settled as u64;
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
