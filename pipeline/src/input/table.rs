//! CSV: a header row, then one document per row, read row by row into a reused record.

use std::path::Path;

use crate::config::InputConfig;
use crate::document::Origin;

use super::fields::{Field, FieldNames, Record, Value};
use super::{bad, describe_io, open_reader, InputError, InputItem, Reader};

/// The records of one CSV stream.
pub(super) struct CsvItems {
    reader: csv::Reader<Reader>,
    name: String,
    stem: String,
    names: FieldNames,
    /// For each column, the fields it fills (empty when none).
    columns: Vec<Vec<(Field, u8)>>,
    record: csv::ByteRecord,
    /// A problem with the header, reported as the only item.
    header_error: Option<String>,
    done: bool,
}

/// A CSV reader that leaves row-length checks to us, to report them per row.
pub(super) fn csv_reader<R: std::io::Read>(reader: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(reader)
}

/// The header names, trimmed, without a leading byte-order mark.
pub(super) fn header_names<R: std::io::Read>(reader: &mut csv::Reader<R>) -> csv::Result<Vec<String>> {
    let headers = reader.byte_headers()?;
    Ok(headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = String::from_utf8_lossy(h);
            let h = if i == 0 { h.trim_start_matches('\u{feff}') } else { &h };
            h.trim().to_string()
        })
        .collect())
}

impl CsvItems {
    pub(super) fn new(reader: Reader, name: &str, stem: String, cfg: &InputConfig) -> Self {
        let names = FieldNames::new(cfg);
        let mut reader = csv_reader(reader);
        let (columns, header_error) = match header_names(&mut reader) {
            Ok(header) => {
                let columns: Vec<Vec<(Field, u8)>> = header.iter().map(|h| names.lookup(h).collect()).collect();
                let has_text = columns.iter().flatten().any(|(f, _)| *f == Field::Text);
                let error = (!has_text).then(|| no_text_column(cfg));
                (columns, error)
            }
            Err(e) => (Vec::new(), Some(format!("cannot read the header row: {e}"))),
        };
        CsvItems {
            reader,
            name: name.to_string(),
            stem,
            names,
            columns,
            record: csv::ByteRecord::new(),
            header_error,
            done: false,
        }
    }

    fn origin(&self, line: u64) -> Origin {
        Origin { path: self.name.clone(), line: Some(line) }
    }

    fn row(&self) -> InputItem {
        let line = self.record.position().map_or(0, |p| p.line());
        let origin = self.origin(line);
        if self.record.len() != self.columns.len() {
            let message = format!("row has {} fields, the header has {}", self.record.len(), self.columns.len());
            return bad(origin, None, message);
        }
        let mut record = Record::default();
        let mut lossy = false;
        for (cell, fields) in self.record.iter().zip(&self.columns) {
            if fields.is_empty() {
                continue;
            }
            let text = match std::str::from_utf8(cell) {
                Ok(s) => s.to_string(),
                Err(_) => {
                    lossy = true;
                    String::from_utf8_lossy(cell).into_owned()
                }
            };
            record.set_all(fields.iter().copied(), Value::Str(text));
        }
        record.into_item(&self.names, origin, || format!("{}:{line}", self.stem), lossy)
    }
}

impl Iterator for CsvItems {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        if self.done {
            return None;
        }
        if let Some(message) = self.header_error.take() {
            self.done = true;
            return Some(bad(self.origin(1), None, message));
        }
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => Some(self.row()),
            Ok(false) => {
                self.done = true;
                None
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                if e.is_io_error() {
                    // Nothing can be read after an I/O error (a truncated gzip).
                    self.done = true;
                    let message = format!("cannot read past this row (truncated or corrupt file?): {e}");
                    return Some(bad(self.origin(line), None, message));
                }
                Some(bad(self.origin(line), None, format!("bad row: {e}")))
            }
        }
    }
}

fn no_text_column(cfg: &InputConfig) -> String {
    let names: Vec<String> = cfg.text_field.iter().map(|n| format!("`{n}`")).collect();
    format!("no text column in the header (looked for {}; set input.text_field)", names.join(", "))
}

/// What a CSV file given on the command line holds.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum CsvKind {
    /// Documents, one per row.
    Corpus,
    /// A manifest: `id` and `path` or `source` columns, no text column.
    Manifest,
}

/// Read a CSV file's header to tell a corpus from a manifest.
pub(super) fn classify(path: &Path, gz: bool, cfg: &InputConfig) -> Result<CsvKind, InputError> {
    let reader = open_reader(path, gz).map_err(|e| InputError::new(path, describe_io(&e)))?;
    let header = header_names(&mut csv_reader(reader))
        .map_err(|e| InputError::new(path, format!("cannot read the header row: {e}")))?;
    let has = |name: &str| header.iter().any(|h| h.eq_ignore_ascii_case(name));
    if header.iter().any(|h| cfg.text_field.contains(h)) {
        Ok(CsvKind::Corpus)
    } else if has("id") && (has("path") || has("source")) {
        Ok(CsvKind::Manifest)
    } else {
        Err(InputError::new(path, no_text_column(cfg)))
    }
}
