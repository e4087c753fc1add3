//! Score claim extractions against hand-labelled gold data, as CLAIMS.md
//! "Scoring" defines it.
//!
//! The library takes the evaluated documents as data (`&[Document]`), so it does
//! not care how they were read:
//!
//! 1. [`gold::parse_gold`] reads and validates a gold file against the documents
//!    (every problem reported with file:line, all of them, not just the first);
//!    [`gold::parse_predictions`] reads claimex JSONL or CSV output.
//! 2. [`score::evaluate`] matches predictions to gold per document and counts.
//! 3. [`report`] renders the terminal table, the JSON summary and the error list;
//!    [`html`] the self-contained page; [`compare`] the change against a baseline.
//!
//! Conventions (also in `report`'s JSON docs):
//! - Territory values match when `100 × |pred − gold| ≤ |gold|` (within 1 % of the
//!   gold value, inclusive, exact integer arithmetic).
//! - P = tp / (tp + fp), R = tp / (tp + fn). A zero denominator gives 1.0 when the
//!   other side is empty too (nothing to find and nothing claimed) and 0.0 otherwise;
//!   F1 is 0.0 when P + R = 0.
//! - Matching is a maximum one-to-one matching; among maximum matchings the one
//!   with the most strictly equal pairs, then the most agreeing fields, wins; ties
//!   go to the earlier record in file order.

pub mod compare;
pub mod gold;
pub mod html;
pub mod report;
pub mod score;

use std::fmt;
use std::io::Write;
use std::path::Path;

/// A problem in an input file, located by 1-based line (0: the whole file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub file: String,
    pub line: u64,
    pub message: String,
}

impl Issue {
    pub fn new(file: &str, line: u64, message: impl Into<String>) -> Self {
        Issue { file: file.to_string(), line, message: message.into() }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

/// Issues as one message, one per line.
pub fn format_issues(issues: &[Issue]) -> String {
    issues.iter().map(Issue::to_string).collect::<Vec<_>>().join("\n")
}

/// Write `bytes` to `path` atomically: a temporary file in the same directory,
/// then a rename, so a reader never sees a half-written report.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
