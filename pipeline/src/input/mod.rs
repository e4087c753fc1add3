//! Corpus readers: text files, directories (with an optional `manifest.csv`),
//! JSONL and CSV files (each optionally gzip-compressed) and stdin, turned into
//! one stream of [`Document`]s.
//!
//! Reading is streaming: JSONL and CSV are read record by record (a JSONL line
//! is only split off, and parsed later by [`RawItem::parse`]) and directories
//! are listed up front but read one file at a time, so memory does not grow
//! with the corpus. A record that cannot be read becomes a
//! [`BadRecord`] and the batch goes on; only an input that cannot be read at
//! all is an [`InputError`], reported by [`open`] before the first document.

mod date;
mod dir;
mod fields;
mod jsonl;
mod manifest;
mod table;
mod text;

use std::collections::VecDeque;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use flate2::read::MultiGzDecoder;
// Hit once per document id: a fast hasher.
use foldhash::HashMap;

use crate::config::InputConfig;
use crate::document::{Document, Origin};

pub use date::parse_published;

/// One item of the input stream.
// Most items are documents: boxing them would cost an allocation each.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum InputItem {
    Doc(Document),
    Bad(BadRecord),
}

/// An item as the reader yields it: a JSONL line is left unparsed until
/// [`RawItem::parse`], which a run calls on the worker thread that processes
/// the document. Parsing is most of the cost of reading JSONL; done by the one
/// reader thread it would compete with the workers and cap how a run scales.
#[derive(Debug)]
pub struct RawItem(Raw);

#[derive(Debug)]
// As for `InputItem`: documents are most items.
#[allow(clippy::large_enum_variant)]
enum Raw {
    Item(InputItem),
    Line(jsonl::Line),
}

impl RawItem {
    fn line(line: jsonl::Line) -> RawItem {
        RawItem(Raw::Line(line))
    }

    /// The document or bad record.
    pub fn parse(self) -> InputItem {
        match self.0 {
            Raw::Item(item) => item,
            Raw::Line(line) => line.parse(),
        }
    }

    /// Bytes held (a document's text, an unparsed record's line), for
    /// bounding the memory of a batch.
    pub fn size(&self) -> usize {
        match &self.0 {
            Raw::Item(InputItem::Doc(d)) => d.text.len(),
            Raw::Item(InputItem::Bad(_)) => 0,
            Raw::Line(line) => line.len(),
        }
    }
}

impl From<InputItem> for RawItem {
    fn from(item: InputItem) -> Self {
        RawItem(Raw::Item(item))
    }
}

/// One document or record that could not be read; the batch goes on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRecord {
    pub origin: Origin,
    /// The document id, when it could be read.
    pub id: Option<String>,
    pub message: String,
}

impl fmt::Display for BadRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{}: document `{id}`: {}", self.origin, self.message),
            None => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}

/// An input that cannot be read at all (missing path, unreadable directory,
/// bad manifest header...).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct InputError {
    pub path: String,
    pub message: String,
}

impl InputError {
    fn new(path: &Path, message: impl Into<String>) -> Self {
        InputError { path: path.display().to_string(), message: message.into() }
    }
}

/// The stream of documents of one run, in input order.
pub struct Inputs {
    pending: VecDeque<Source>,
    current: Option<Items>,
    total_bytes: Option<u64>,
    cfg: Arc<InputConfig>,
}

/// A boxed item stream; everything an [`Inputs`] yields comes through one.
type Items = Box<dyn Iterator<Item = RawItem> + Send>;

impl Inputs {
    /// The items with JSONL records unparsed: the stream a run's reader
    /// thread hands to the workers.
    pub fn into_raw(mut self) -> impl Iterator<Item = RawItem> + Send {
        std::iter::from_fn(move || self.next_raw())
    }

    fn next_raw(&mut self) -> Option<RawItem> {
        loop {
            if let Some(items) = &mut self.current {
                if let Some(item) = items.next() {
                    return Some(item);
                }
                self.current = None;
            }
            // Sources are opened only when reached, so a long list of files
            // never holds more than one open at a time.
            self.current = Some(self.pending.pop_front()?.into_items(&self.cfg));
        }
    }

    /// The sum of the (uncompressed) sizes of the input files, for the progress
    /// bar; `None` when unknown (stdin, manifests that pick records out of
    /// larger files). Sizes of `.gz` files come from their gzip trailer.
    pub fn total_bytes(&self) -> Option<u64> {
        self.total_bytes
    }
}

impl Iterator for Inputs {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        self.next_raw().map(RawItem::parse)
    }
}

/// An input checked by [`open`], read when the stream reaches it.
enum Source {
    File { path: PathBuf, kind: Kind },
    Stdin { format: Format },
    Ready(Items),
}

impl Source {
    fn into_items(self, cfg: &InputConfig) -> Items {
        match self {
            Source::File { path, kind } => match kind.format {
                Format::Txt => Box::new(std::iter::once(text::read_file(&path, text::file_id(&path), cfg).into())),
                Format::Jsonl | Format::Csv => match open_reader(&path, kind.gz) {
                    Ok(reader) => records(kind.format, reader, &path.display().to_string(), &path, cfg),
                    Err(e) => Box::new(std::iter::once(
                        bad(origin_of(&path, None), None, format!("cannot read: {}", describe_io(&e))).into(),
                    )),
                },
            },
            Source::Stdin { format } => {
                let reader = sniff_gzip(Box::new(BufReader::with_capacity(BUF_SIZE, io::stdin())));
                match format {
                    Format::Txt => {
                        let origin = Origin { path: "-".into(), line: None };
                        Box::new(std::iter::once(text::read_stream(reader, origin, "stdin".into(), cfg).into()))
                    }
                    _ => records(format, reader, "-", Path::new("stdin"), cfg),
                }
            }
            Source::Ready(items) => items,
        }
    }
}

/// A record stream (JSONL or CSV) over an opened reader.
fn records(format: Format, reader: Reader, name: &str, path: &Path, cfg: &InputConfig) -> Items {
    let stem = text::file_id(path);
    match format {
        Format::Csv => Box::new(table::CsvItems::new(reader, name, stem, cfg).map(RawItem::from)),
        _ => Box::new(jsonl::JsonlItems::new(reader, name, stem, cfg)),
    }
}

/// Open files, directories and `-` (stdin) as one document stream.
///
/// Every path is checked before the first document: a path that does not
/// exist, a file or directory that cannot be read, a format that cannot be
/// told, or a CSV file without a text column is an [`InputError`].
pub fn open(paths: &[PathBuf], cfg: &InputConfig) -> Result<Inputs, InputError> {
    let mut inputs =
        Inputs { pending: VecDeque::new(), current: None, total_bytes: Some(0), cfg: Arc::new(cfg.clone()) };
    for path in paths {
        if path.as_os_str() == "-" {
            let format = match cfg.format.as_str() {
                "auto" => Format::Jsonl,
                f => Format::from_name(f).ok_or_else(|| InputError::new(path, unknown_format(f)))?,
            };
            inputs.pending.push_back(Source::Stdin { format });
            inputs.total_bytes = None;
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|e| InputError::new(path, describe_io(&e)))?;
        if meta.is_dir() {
            let (items, bytes) = dir::open(path, cfg)?;
            inputs.add(Source::Ready(items), bytes);
            continue;
        }
        let kind = Kind::of(path, &cfg.format).map_err(|m| InputError::new(path, m))?;
        // Fail now rather than mid-run on a file that cannot be opened. Not a
        // pipe (`<(zcat …)`, a FIFO): opening and closing it would cut off its writer.
        if meta.is_file() {
            File::open(path).map_err(|e| InputError::new(path, describe_io(&e)))?;
        }
        if kind.format == Format::Csv && table::classify(path, kind.gz, cfg)? == table::CsvKind::Manifest {
            // A CSV with `id` and `path`/`source` columns but no text column is a manifest.
            let root = parent_dir(path);
            let (items, bytes) = manifest::open(path, &root, cfg)?;
            inputs.add(Source::Ready(items), bytes);
            continue;
        }
        inputs.add(Source::File { path: path.clone(), kind }, file_size(path));
    }
    Ok(inputs)
}

/// Read the documents a manifest lists, in manifest order; `path`/`source`
/// cells are relative to `root`. A row naming a JSONL or CSV file (with an
/// `id`) takes the record with that id from it; each such file is read once.
pub fn open_manifest(manifest: &Path, root: &Path, cfg: &InputConfig) -> Result<Inputs, InputError> {
    let (items, total_bytes) = manifest::open(manifest, root, cfg)?;
    let pending = VecDeque::from([Source::Ready(items)]);
    Ok(Inputs { pending, current: None, total_bytes, cfg: Arc::new(cfg.clone()) })
}

impl Inputs {
    fn add(&mut self, source: Source, bytes: Option<u64>) {
        self.total_bytes = match (self.total_bytes, bytes) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        self.pending.push_back(source);
    }
}

/// The buffer size of every reader: large enough for throughput, small enough
/// to keep many threads' worth cheap.
const BUF_SIZE: usize = 256 * 1024;

/// A buffered reader over a file or stdin, decompressed when needed.
type Reader = Box<dyn BufRead + Send>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Txt,
    Jsonl,
    Csv,
}

impl Format {
    fn from_name(name: &str) -> Option<Format> {
        match name {
            "txt" => Some(Format::Txt),
            "jsonl" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

fn unknown_format(name: &str) -> String {
    format!("unknown input format `{name}`, expected auto, txt, jsonl or csv")
}

/// The format of a file and whether it is gzip-compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Kind {
    format: Format,
    gz: bool,
}

impl Kind {
    /// The kind of `path` under the configured format (`auto` = by extension).
    fn of(path: &Path, configured: &str) -> Result<Kind, String> {
        let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        let (base, gz) = match name.strip_suffix(".gz") {
            Some(base) => (base, true),
            None => (name.as_str(), false),
        };
        if configured != "auto" {
            let format = Format::from_name(configured).ok_or_else(|| unknown_format(configured))?;
            return Ok(Kind { format, gz });
        }
        let ext = Path::new(base).extension().map(|e| e.to_string_lossy().into_owned());
        let format = match ext.as_deref() {
            Some("txt" | "text") => Format::Txt,
            Some("jsonl" | "ndjson") => Format::Jsonl,
            Some("csv") => Format::Csv,
            _ => {
                return Err("cannot tell the format from the file name: expected .txt, .jsonl, .ndjson or .csv \
                            (optionally .gz), or set input.format"
                    .into())
            }
        };
        Ok(Kind { format, gz })
    }
}

/// Open a file for reading, decompressing `.gz` files and files that start
/// with the gzip magic number.
fn open_reader(path: &Path, gz: bool) -> io::Result<Reader> {
    let file = File::open(path)?;
    if gz {
        return Ok(Box::new(BufReader::with_capacity(BUF_SIZE, MultiGzDecoder::new(file))));
    }
    Ok(sniff_gzip(Box::new(BufReader::with_capacity(BUF_SIZE, file))))
}

/// Wrap a reader in a gzip decoder when its data starts with the gzip magic number.
fn sniff_gzip(mut reader: Reader) -> Reader {
    match reader.fill_buf() {
        Ok([0x1f, 0x8b, ..]) => Box::new(BufReader::with_capacity(BUF_SIZE, MultiGzDecoder::new(reader))),
        _ => reader,
    }
}

/// A file's (uncompressed) size, for [`Inputs::total_bytes`].
fn file_size(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|meta| file_size_from(path, &meta))
}

fn file_size_from(path: &Path, meta: &std::fs::Metadata) -> u64 {
    if text::is_gz(path) {
        gzip_size(path).unwrap_or(meta.len())
    } else {
        meta.len()
    }
}

/// The uncompressed size a gzip file records in its trailer (modulo 4 GiB, of
/// its last member: good enough for a progress bar).
fn gzip_size(path: &Path) -> Option<u64> {
    let mut file = File::open(path).ok()?;
    file.seek(SeekFrom::End(-4)).ok()?;
    let mut isize = [0u8; 4];
    file.read_exact(&mut isize).ok()?;
    Some(u32::from_le_bytes(isize) as u64)
}

fn origin_of(path: &Path, line: Option<u64>) -> Origin {
    Origin { path: path.display().to_string(), line }
}

fn bad(origin: Origin, id: Option<String>, message: impl Into<String>) -> InputItem {
    InputItem::Bad(BadRecord { origin, id, message: message.into() })
}

/// An I/O error in words, without the OS error number noise for the usual cases.
fn describe_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// The directory a relative path in `file` is resolved against.
fn parent_dir(file: &Path) -> PathBuf {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Turns the second and later documents with an id already seen into bad
/// records, so every document of a directory or manifest has a unique id.
struct UniqueIds<I> {
    inner: I,
    /// Each id seen, with where it was first read.
    seen: HashMap<String, Origin>,
}

impl<I: Iterator<Item = InputItem>> UniqueIds<I> {
    fn new(inner: I) -> Self {
        UniqueIds { inner, seen: HashMap::default() }
    }
}

impl<I: Iterator<Item = InputItem>> Iterator for UniqueIds<I> {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        let item = self.inner.next()?;
        let InputItem::Doc(doc) = item else { return Some(item) };
        match self.seen.get(&doc.id) {
            Some(first) => Some(bad(
                doc.origin,
                Some(doc.id),
                format!("duplicate id (first read from {first}); ids must be unique within a directory or manifest"),
            )),
            None => {
                self.seen.insert(doc.id.clone(), doc.origin.clone());
                Some(InputItem::Doc(doc))
            }
        }
    }
}

/// "document is N bytes, over the limit of M" for every reader.
fn too_large(len: u64, limit: usize) -> String {
    format!("document is {len} bytes, over the limit of {limit}; raise input.max_document_bytes")
}
