//! The progress journal of a run: what a later `--resume` needs to continue an
//! interrupted or killed run without losing or duplicating a document.
//!
//! A JSONL file beside the output. The first line names the run (a fingerprint
//! of the config, inputs and output settings); each further line is a
//! [`Checkpoint`] appended, and fsynced, once the output written so far was
//! flushed and fsynced (about once a second, and when the run is interrupted):
//! the documents done so far (in input order) and the length of each output
//! temp file at that point. A line torn by a crash is ignored, so the
//! journal always describes complete output.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{FailureRecord, Summary};

/// The journal format; a journal of another version is not resumed.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Header {
    claimex_journal: u32,
    run: serde_json::Value,
}

/// The state at a checkpoint: the output lengths and the summary counts, with
/// only the failures and warnings since the last checkpoint (the journal holds
/// each once).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(super) struct Checkpoint {
    /// Lengths of the claims, annotations and errors temp files.
    pub lengths: [u64; 3],
    #[serde(flatten)]
    pub summary: Summary,
}

impl Checkpoint {
    /// The state of `summary`, with the failures and warnings after the given indices.
    pub fn of(summary: &mut Summary, lengths: [u64; 3], since: (usize, usize)) -> Checkpoint {
        let failures = std::mem::take(&mut summary.failures);
        let warnings = std::mem::take(&mut summary.warnings);
        let mut cp = Checkpoint { lengths, summary: summary.clone() };
        cp.summary.failures = failures[since.0..].to_vec();
        cp.summary.warnings = warnings[since.1..].to_vec();
        summary.failures = failures;
        summary.warnings = warnings;
        cp
    }

    /// The summary to continue from: these counts, with every failure and warning recorded.
    pub fn restore(self, summary: &Summary, failures: Vec<FailureRecord>, warnings: Vec<FailureRecord>) -> Summary {
        Summary { threads: summary.threads, resumed_after: self.summary.read, failures, warnings, ..self.summary }
    }
}

pub(super) struct Journal {
    path: PathBuf,
    file: File,
}

/// What a resumed run starts from.
pub(super) struct Resumed {
    pub journal: Journal,
    /// The last complete checkpoint, if any was recorded.
    pub last: Option<Checkpoint>,
    pub failures: Vec<FailureRecord>,
    pub warnings: Vec<FailureRecord>,
}

impl Journal {
    /// Start a new journal for the run described by `run`.
    pub fn create(path: &Path, run: &serde_json::Value) -> io::Result<Journal> {
        let mut file = File::create(path)?;
        let mut line = serde_json::to_vec(&Header { claimex_journal: VERSION, run: run.clone() })?;
        line.push(b'\n');
        file.write_all(&line)?;
        file.sync_data()?;
        Ok(Journal { path: path.to_path_buf(), file })
    }

    /// Open the journal of an interrupted run, checking it was written by the
    /// same run (`run`); a torn last line is cut off.
    pub fn resume(path: &Path, run: &serde_json::Value) -> Result<Resumed, String> {
        let fail = |m: String| format!("cannot resume from {}: {m}", path.display());
        let file = File::open(path).map_err(|e| fail(e.to_string()))?;
        let mut reader = BufReader::new(file);
        let mut line = String::new();
        let mut good_len = 0u64;
        reader.read_line(&mut line).map_err(|e| fail(e.to_string()))?;
        let header: Header = serde_json::from_str(line.trim_end())
            .ok()
            .filter(|_| line.ends_with('\n'))
            .ok_or_else(|| fail("not a claimex progress journal".into()))?;
        if header.claimex_journal != VERSION {
            return Err(fail(format!("journal version {} (expected {VERSION})", header.claimex_journal)));
        }
        if &header.run != run {
            return Err(fail(format!(
                "it was written by a different run; it recorded {}, this run is {}",
                header.run, run
            )));
        }
        good_len += line.len() as u64;
        let (mut last, mut failures, mut warnings) = (None, Vec::new(), Vec::new());
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            // A line without its newline, or that does not parse, was torn by a crash.
            let Some(cp) = line.strip_suffix('\n').and_then(|l| serde_json::from_str::<Checkpoint>(l).ok()) else {
                break;
            };
            good_len += line.len() as u64;
            failures.extend(cp.summary.failures.iter().cloned());
            warnings.extend(cp.summary.warnings.iter().cloned());
            last = Some(cp);
        }
        let file = OpenOptions::new().append(true).open(path).map_err(|e| fail(e.to_string()))?;
        file.set_len(good_len).map_err(|e| fail(e.to_string()))?;
        Ok(Resumed { journal: Journal { path: path.to_path_buf(), file }, last, failures, warnings })
    }

    /// The number of documents done according to a journal left at `path`, if any.
    pub fn documents_done(path: &Path) -> Option<u64> {
        let text = std::fs::read_to_string(path).ok()?;
        let done = text
            .lines()
            .skip(1)
            .filter_map(|l| serde_json::from_str::<Checkpoint>(l).ok())
            .map(|c| c.summary.read)
            .last()
            .unwrap_or(0);
        Some(done)
    }

    /// Append a checkpoint and fsync it.
    pub fn record(&mut self, cp: &Checkpoint) -> io::Result<()> {
        let mut line = serde_json::to_vec(cp)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.sync_data()
    }

    /// The run completed: the journal is no longer needed.
    pub fn finish(self) -> io::Result<()> {
        drop(self.file);
        std::fs::remove_file(&self.path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}
