//! Writers: claims (JSONL or CSV), per-document annotations (JSONL), error
//! records, all through [`AtomicFile`] so a reader never sees a half-written
//! file: the data goes to a temp file beside the target and is renamed into
//! place only when complete.
//!
//! Per-document output is rendered to bytes by the worker that processed the
//! document ([`render_claims`], [`render_annotations`]), so the single writer
//! thread only copies bytes in input order.

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::document::{CharIndex, DateMention, Document, Mention, Quantity, Region, Sentence, SentenceKind};
use crate::record::{ClaimRecord, SCHEMA_VERSION};

/// Claims output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Csv,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "jsonl" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// A file written to `.<name>.tmp-<pid>` beside its target and renamed to the
/// target on [`commit`](AtomicFile::commit). Dropped without commit, the temp
/// file is removed and the target is untouched.
///
/// A target that exists and is neither a regular file nor a directory (a
/// device such as `/dev/null` or `/dev/full`, a pipe) is written directly:
/// renaming over it would replace the device with a regular file.
pub struct AtomicFile {
    target: PathBuf,
    /// `None` when writing straight to the target.
    temp: Option<PathBuf>,
    out: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        if is_special(target) {
            return AtomicFile::direct(target);
        }
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = target.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        AtomicFile::with_temp(target, &temp, None)
    }

    /// Write through a temp file with a fixed name, so that an interrupted run
    /// can find it again. With `resume_len`, the temp file is reopened and cut
    /// to that length (the end of the output at the last checkpoint) and appended to.
    pub fn with_temp(target: &Path, temp: &Path, resume_len: Option<u64>) -> io::Result<AtomicFile> {
        if is_special(target) {
            return AtomicFile::direct(target);
        }
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| match dir.exists() && !dir.is_dir() {
                true => io::Error::new(io::ErrorKind::NotADirectory, format!("{} is not a directory", dir.display())),
                false => io::Error::new(e.kind(), format!("cannot create directory {}: {e}", dir.display())),
            })?;
        }
        let file = match resume_len {
            None => File::create(temp)
                .map_err(|e| io::Error::new(e.kind(), format!("cannot create {}: {e}", temp.display())))?,
            Some(len) => {
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(temp)
                    .map_err(|e| io::Error::new(e.kind(), format!("cannot reopen {}: {e}", temp.display())))?;
                let have = file.metadata()?.len();
                if have < len {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!("{} holds {have} bytes, the journal recorded {len}", temp.display()),
                    ));
                }
                file.set_len(len)?;
                file.seek(SeekFrom::End(0))?;
                file
            }
        };
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temp: Some(temp.to_path_buf()),
            out: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    fn direct(target: &Path) -> io::Result<AtomicFile> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(target)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot open {}: {e}", target.display())))?;
        Ok(AtomicFile { target: target.to_path_buf(), temp: None, out: Some(BufWriter::with_capacity(1 << 20, file)) })
    }

    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Flush and fsync what was written so far; returns the length written.
    pub fn sync(&mut self) -> io::Result<u64> {
        let out = self.out.as_mut().expect("not committed");
        out.flush()?;
        let file = out.get_mut();
        if self.temp.is_none() {
            return Ok(0);
        }
        file.sync_data()?;
        file.stream_position()
    }

    /// Leave the temp file in place (for a later resume) instead of removing it.
    pub fn keep(mut self) -> io::Result<()> {
        let out = self.out.take().expect("keep once");
        out.into_inner().map_err(|e| e.into_error())?.sync_data()
    }

    /// Flush, fsync and rename into place.
    pub fn commit(mut self) -> io::Result<()> {
        let out = self.out.take().expect("commit once");
        let file = out.into_inner().map_err(|e| e.into_error())?;
        let Some(temp) = &self.temp else { return Ok(()) };
        file.sync_all()?;
        drop(file);
        std::fs::rename(temp, &self.target).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot rename {} to {}: {e}", temp.display(), self.target.display()))
        })
    }
}

/// True when `path` exists and is neither a regular file nor a directory.
pub fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.as_mut().expect("not committed").write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out.as_mut().expect("not committed").write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.as_mut().expect("not committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.out.take().is_some() {
            if let Some(temp) = &self.temp {
                let _ = std::fs::remove_file(temp);
            }
        }
    }
}

/// The claim records of one processed document.
pub fn claim_records(doc: &Document, include_vague: bool) -> Vec<ClaimRecord> {
    // Most documents hold no claim: no char index for them (it reads the text).
    if doc.layers.claims.as_ref().is_none_or(|c| c.is_empty()) {
        return Vec::new();
    }
    let index = CharIndex::new(&doc.text);
    doc.layers
        .claims
        .iter()
        .flatten()
        .filter(|c| include_vague || !c.vague)
        .map(|c| ClaimRecord::from_claim(doc, c, &index))
        .collect()
}

/// Render claim records as JSONL or CSV rows (no CSV header).
pub fn render_claims(records: &[ClaimRecord], format: Format, out: &mut Vec<u8>) {
    match format {
        Format::Jsonl => {
            for r in records {
                serde_json::to_writer(&mut *out, r).expect("claim records serialise");
                out.push(b'\n');
            }
        }
        Format::Csv => {
            let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(&mut *out);
            for r in records {
                w.write_record(r.csv_fields()).expect("csv to memory");
            }
            w.flush().expect("csv to memory");
        }
    }
}

/// The CSV header line.
pub fn csv_header() -> Vec<u8> {
    let mut out = Vec::new();
    let mut w = csv::Writer::from_writer(&mut out);
    w.write_record(ClaimRecord::CSV_HEADER).expect("csv to memory");
    w.flush().expect("csv to memory");
    drop(w);
    out
}

type CharSpan = [usize; 2];

#[derive(Serialize)]
struct AnnRegion<'a> {
    span: CharSpan,
    kind: &'a str,
    skip: bool,
    stage: &'a str,
    rule: &'a str,
}

#[derive(Serialize)]
struct AnnSentence {
    span: CharSpan,
    #[serde(skip_serializing_if = "is_text")]
    kind: SentenceKind,
    paragraph: u32,
}

fn is_text(k: &SentenceKind) -> bool {
    *k == SentenceKind::Text
}

#[derive(Serialize)]
struct AnnMention<'a> {
    span: CharSpan,
    text: &'a str,
    label: &'a str,
    canonical: &'a str,
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    attrs: &'a std::collections::BTreeMap<String, String>,
    stage: &'a str,
    rule: &'a str,
}

#[derive(Serialize)]
struct AnnNumber<'a> {
    span: CharSpan,
    text: &'a str,
    value: f64,
    bound: &'a str,
    vague: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    range: Option<[f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    equivalent: Option<CharSpan>,
    stage: &'a str,
    rule: &'a str,
}

#[derive(Serialize)]
struct AnnDate<'a> {
    span: CharSpan,
    text: &'a str,
    date: Option<String>,
    granularity: crate::document::DateGranularity,
    relative: bool,
    stage: &'a str,
    rule: &'a str,
}

#[derive(Serialize)]
struct Annotations<'a> {
    schema_version: u32,
    id: &'a str,
    meta: &'a crate::document::Metadata,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    lossy: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    regions: Option<Vec<AnnRegion<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sentences: Option<Vec<AnnSentence>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mentions: Option<Vec<AnnMention<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    numbers: Option<Vec<AnnNumber<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dates: Option<Vec<AnnDate<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    claims: Option<Vec<ClaimRecord>>,
}

/// Render every layer of a document as one JSONL line. A layer whose stage did
/// not run is absent; a layer that found nothing is `[]`. Offsets are chars.
pub fn render_annotations(doc: &Document, out: &mut Vec<u8>) {
    let ix = CharIndex::new(&doc.text);
    let l = &doc.layers;
    let ann = Annotations {
        schema_version: SCHEMA_VERSION,
        id: &doc.id,
        meta: &doc.meta,
        lossy: doc.lossy,
        regions: l.regions.as_ref().map(|v| {
            v.iter()
                .map(|r: &Region| AnnRegion {
                    span: ix.chars(r.span),
                    kind: &r.kind,
                    skip: r.skip,
                    stage: &r.prov.stage,
                    rule: &r.prov.rule,
                })
                .collect()
        }),
        sentences: l.sentences.as_ref().map(|v| {
            v.iter()
                .map(|s: &Sentence| AnnSentence { span: ix.chars(s.span), kind: s.kind, paragraph: s.paragraph })
                .collect()
        }),
        mentions: l.mentions.as_ref().map(|v| {
            v.iter()
                .map(|m: &Mention| AnnMention {
                    span: ix.chars(m.span),
                    text: doc.slice(m.span),
                    label: &m.label,
                    canonical: &m.canonical,
                    attrs: &m.attrs,
                    stage: &m.prov.stage,
                    rule: &m.prov.rule,
                })
                .collect()
        }),
        numbers: l.numbers.as_ref().map(|v| {
            v.iter()
                .map(|q: &Quantity| AnnNumber {
                    span: ix.chars(q.span),
                    text: doc.slice(q.span),
                    value: q.value,
                    bound: q.bound.as_str(),
                    vague: q.vague,
                    range: q.range.map(|r| [r.low, r.high]),
                    unit: q.unit.as_ref().map(|u| &*u.name),
                    equivalent: q.equivalent.map(|e| ix.chars(e)),
                    stage: &q.prov.stage,
                    rule: &q.prov.rule,
                })
                .collect()
        }),
        dates: l.dates.as_ref().map(|v| {
            v.iter()
                .map(|d: &DateMention| AnnDate {
                    span: ix.chars(d.span),
                    text: doc.slice(d.span),
                    date: d.date.map(|d| d.to_string()),
                    granularity: d.granularity,
                    relative: d.relative,
                    stage: &d.prov.stage,
                    rule: &d.prov.rule,
                })
                .collect()
        }),
        claims: l.claims.as_ref().map(|v| v.iter().map(|c| ClaimRecord::from_claim(doc, c, &ix)).collect()),
    };
    serde_json::to_writer(&mut *out, &ann).expect("annotations serialise");
    out.push(b'\n');
}
