//! Writers: claims (JSONL or CSV), per-document annotations (JSONL), error
//! records, all through [`AtomicFile`] so a reader never sees a half-written
//! file: the data goes to a temp file beside the target and is renamed into
//! place only when complete.
//!
//! Per-document output is rendered to bytes by the worker that processed the
//! document ([`render_claims`], [`render_annotations`]), so the single writer
//! thread only copies bytes in input order.

use std::fs::File;
use std::io::{self, BufWriter, Write};
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

/// A file written to `<path>.tmp-<pid>` and renamed to `<path>` on [`commit`](AtomicFile::commit).
/// Dropped without commit, the temp file is removed and the target is untouched.
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    out: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| io::Error::new(e.kind(), format!("cannot create directory {}: {e}", dir.display())))?;
        }
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = target.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let file = File::create(&temp)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot create {}: {e}", temp.display())))?;
        Ok(AtomicFile { target: target.to_path_buf(), temp, out: Some(BufWriter::with_capacity(1 << 20, file)) })
    }

    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Flush, fsync and rename into place.
    pub fn commit(mut self) -> io::Result<()> {
        let out = self.out.take().expect("commit once");
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&self.temp, &self.target).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot rename {} to {}: {e}", self.temp.display(), self.target.display()))
        })
    }
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
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// The claim records of one processed document.
pub fn claim_records(doc: &Document, include_vague: bool) -> Vec<ClaimRecord> {
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
