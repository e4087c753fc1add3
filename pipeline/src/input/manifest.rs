//! Manifests: a CSV listing documents with their metadata, in the order they
//! are to be read. A row names a text file (`path`) or a record in a JSONL or
//! CSV file (`path` or `source`, plus the record's `id`).
//!
//! ```csv
//! id,path,published,outlet,language
//! 000_9473300360518fd1,000_9473300360518fd1.txt,2025-01-01,Newsweek,en
//! 20220125T201500Z_GB_en_12a935d533,ukr_war_news_gdelt/articles.jsonl,2022-01-25,,en
//! ```

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use crate::config::InputConfig;
use crate::document::{Document, Metadata, Origin};

use super::table::{csv_reader, header_names};
use super::{
    bad, describe_io, file_size, open_reader, origin_of, records, text, Format, InputError, InputItem, Items, Kind,
    RawItem, UniqueIds,
};

/// One manifest row.
pub(super) struct Row {
    /// 1-based line in the manifest.
    line: u64,
    id: Option<String>,
    /// What the row names, or why it cannot be read.
    target: Result<Target, String>,
    meta: Metadata,
}

pub(super) enum Target {
    /// A text file: the whole file is the document.
    Text(PathBuf),
    /// The record with the row's id in a JSONL or CSV file.
    Record(PathBuf, Kind),
}

impl Row {
    /// The text file this row names, if any.
    pub(super) fn text_path(&self) -> Option<&Path> {
        match &self.target {
            Ok(Target::Text(path)) => Some(path),
            _ => None,
        }
    }
}

/// The columns of a manifest, by position.
struct Columns {
    id: usize,
    path: Option<usize>,
    source: Option<usize>,
    published: Option<usize>,
    outlet: Option<usize>,
    language: Option<usize>,
    title: Option<usize>,
    url: Option<usize>,
}

impl Columns {
    fn from_header(header: &[String]) -> Option<Columns> {
        let find = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
        let (path, source) = (find("path"), find("source"));
        if path.is_none() && source.is_none() {
            return None;
        }
        Some(Columns {
            id: find("id")?,
            path,
            source,
            published: find("published"),
            outlet: find("outlet"),
            language: find("language"),
            title: find("title"),
            url: find("url"),
        })
    }
}

/// Read a manifest's rows; `path` and `source` cells are relative to `root`.
/// Only an unreadable manifest or a header without `id` and `path`/`source`
/// is an error; a bad row is kept, to be reported in its place.
pub(super) fn parse(manifest: &Path, root: &Path) -> Result<Vec<Row>, InputError> {
    let reader =
        open_reader(manifest, text::is_gz(manifest)).map_err(|e| InputError::new(manifest, describe_io(&e)))?;
    let mut reader = csv_reader(reader);
    let header =
        header_names(&mut reader).map_err(|e| InputError::new(manifest, format!("cannot read the header row: {e}")))?;
    let columns = Columns::from_header(&header).ok_or_else(|| {
        let message = format!(
            "a manifest header needs an `id` column and a `path` or `source` column, found: {}",
            header.join(",")
        );
        InputError::new(manifest, message)
    })?;
    let mut rows = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) if e.is_io_error() => {
                return Err(InputError::new(manifest, format!("cannot read past line {line}: {e}")))
            }
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line());
                rows.push(Row {
                    line,
                    id: None,
                    target: Err(format!("bad manifest row: {e}")),
                    meta: Metadata::default(),
                });
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).map(str::trim).filter(|s| !s.is_empty());
        let id = cell(Some(columns.id)).map(str::to_string);
        let meta = Metadata {
            title: cell(columns.title).map(str::to_string),
            published: cell(columns.published).and_then(super::parse_published),
            outlet: cell(columns.outlet).map(str::to_string),
            url: cell(columns.url).map(str::to_string),
            language: cell(columns.language).map(str::to_string),
            byline: None,
        };
        let target = match (&id, cell(columns.path).or(cell(columns.source))) {
            (None, _) => Err("manifest row has no id".to_string()),
            (Some(_), None) => Err("manifest row has neither a path nor a source".to_string()),
            (Some(id), Some(_)) if first_line.contains_key(id) => {
                Err(format!("duplicate id in the manifest (first on line {})", first_line[id]))
            }
            (Some(id), Some(rel)) => {
                first_line.insert(id.clone(), line);
                let path = root.join(rel);
                match Kind::of(&path, "auto") {
                    Ok(kind) if kind.format != Format::Txt => Ok(Target::Record(path, kind)),
                    // The manifest says it is a document: any other name is a text file.
                    _ => Ok(Target::Text(path)),
                }
            }
        };
        rows.push(Row { line, id, target, meta });
    }
    Ok(rows)
}

/// Read the documents a manifest lists, in its order.
pub(super) fn open(manifest: &Path, root: &Path, cfg: &InputConfig) -> Result<(Items, Option<u64>), InputError> {
    let rows = parse(manifest, root)?;
    let bytes = total_bytes(&rows);
    Ok((Box::new(UniqueIds::new(items(rows, manifest, cfg)).map(RawItem::from)), bytes))
}

/// The sizes of the text files the rows name; unknown when a row picks a
/// record out of a larger file.
pub(super) fn total_bytes(rows: &[Row]) -> Option<u64> {
    rows.iter()
        .map(|row| match &row.target {
            Ok(Target::Text(path)) => Some(file_size(path).unwrap_or(0)),
            Ok(Target::Record(..)) => None,
            Err(_) => Some(0),
        })
        .sum()
}

pub(super) fn items(rows: Vec<Row>, manifest: &Path, cfg: &InputConfig) -> ManifestItems {
    let mut files: HashMap<PathBuf, RecordFile> = HashMap::new();
    for row in &rows {
        if let (Ok(Target::Record(path, _)), Some(id)) = (&row.target, &row.id) {
            let file = files.entry(path.clone()).or_insert_with(|| RecordFile::Pending(HashSet::new()));
            if let RecordFile::Pending(ids) = file {
                ids.insert(id.clone());
            }
        }
    }
    ManifestItems { rows: rows.into_iter(), manifest: manifest.to_path_buf(), cfg: cfg.clone(), files }
}

/// The records a manifest needs from one JSONL or CSV file.
enum RecordFile {
    /// Not read yet: the ids to collect.
    Pending(HashSet<String>),
    /// Read once: the records found (removed as they are served) and why
    /// others may be missing.
    Read { found: HashMap<String, InputItem>, problem: Option<String> },
}

pub(super) struct ManifestItems {
    rows: std::vec::IntoIter<Row>,
    manifest: PathBuf,
    cfg: InputConfig,
    files: HashMap<PathBuf, RecordFile>,
}

impl ManifestItems {
    fn text(&self, path: &Path, id: String, meta: Metadata, origin: Origin) -> InputItem {
        match std::fs::metadata(path) {
            Err(e) => return bad(origin, Some(id), format!("cannot read {}: {}", path.display(), describe_io(&e))),
            // A pipe would block the batch until something writes to it.
            Ok(m) if !m.is_file() && !m.is_dir() => {
                return bad(origin, Some(id), format!("{} is not a regular file", path.display()))
            }
            Ok(_) => {}
        }
        match text::read_file(path, id, &self.cfg) {
            InputItem::Doc(mut doc) => {
                doc.meta = meta;
                InputItem::Doc(doc)
            }
            bad_record => bad_record,
        }
    }

    fn record(&mut self, path: &Path, kind: Kind, id: String, meta: Metadata, origin: Origin) -> InputItem {
        let Some(file) = self.files.get_mut(path) else {
            return bad(origin, Some(id), "internal error: record file not indexed");
        };
        if let RecordFile::Pending(ids) = file {
            let ids = std::mem::take(ids);
            *file = index(path, kind, ids, &self.cfg);
        }
        let RecordFile::Read { found, problem } = file else {
            return bad(origin, Some(id), "internal error: record file not indexed");
        };
        match found.remove(&id) {
            Some(InputItem::Doc(mut doc)) => {
                merge(&mut doc, meta);
                InputItem::Doc(doc)
            }
            Some(bad_record) => bad_record,
            None => {
                let why = problem.as_ref().map(|p| format!(" ({p})")).unwrap_or_default();
                bad(origin, Some(id), format!("no record with this id in {}{why}", path.display()))
            }
        }
    }
}

impl Iterator for ManifestItems {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        let row = self.rows.next()?;
        let origin = origin_of(&self.manifest, Some(row.line));
        Some(match (row.target, row.id) {
            (Err(message), id) => bad(origin, id, message),
            (Ok(_), None) => bad(origin, None, "manifest row has no id"),
            (Ok(Target::Text(path)), Some(id)) => self.text(&path, id, row.meta, origin),
            (Ok(Target::Record(path, kind)), Some(id)) => self.record(&path, kind, id, row.meta, origin),
        })
    }
}

/// One streaming pass over a record file, keeping the records with the wanted
/// ids (documents or bad records); stops once all are found.
fn index(path: &Path, kind: Kind, mut wanted: HashSet<String>, cfg: &InputConfig) -> RecordFile {
    let mut found = HashMap::new();
    let reader = match open_reader(path, kind.gz) {
        Ok(reader) => reader,
        Err(e) => return RecordFile::Read { found, problem: Some(format!("cannot read it: {}", describe_io(&e))) },
    };
    let mut unreadable = 0u64;
    let mut last_problem = None;
    for item in records(kind.format, reader, &path.display().to_string(), path, cfg).map(RawItem::parse) {
        if wanted.is_empty() {
            break;
        }
        let id = match &item {
            InputItem::Doc(doc) => Some(&doc.id),
            InputItem::Bad(b) => b.id.as_ref(),
        };
        match id {
            Some(id) => {
                if let Some(id) = wanted.take(id) {
                    found.insert(id, item);
                }
            }
            None => {
                unreadable += 1;
                if let InputItem::Bad(b) = item {
                    last_problem = Some(format!("{}: {}", b.origin, b.message));
                }
            }
        }
    }
    let problem = last_problem.map(|p| match unreadable {
        1 => format!("one record could not be read: {p}"),
        n => format!("{n} records could not be read, the last: {p}"),
    });
    RecordFile::Read { found, problem }
}

/// Manifest metadata wins over the record's where the manifest has a value.
fn merge(doc: &mut Document, meta: Metadata) {
    let m = &mut doc.meta;
    m.title = meta.title.or(m.title.take());
    m.published = meta.published.or(m.published);
    m.outlet = meta.outlet.or(m.outlet.take());
    m.url = meta.url.or(m.url.take());
    m.language = meta.language.or(m.language.take());
}

/// A path with `.` removed and `..` applied, to compare the paths a manifest
/// names with the paths a directory walk finds.
pub(super) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}
