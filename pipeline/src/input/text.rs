//! Plain-text documents: one file (or stdin) is one document.

use std::io::{self, Read};
use std::path::Path;

use crate::config::InputConfig;
use crate::document::{Document, Origin};

use super::{bad, describe_io, open_reader, origin_of, too_large, InputItem, Reader};

/// The id of a file's document: its name without `.gz` and the extension.
pub(super) fn file_id(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let name = name.strip_suffix(".gz").or_else(|| name.strip_suffix(".GZ")).unwrap_or(&name);
    Path::new(name).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| name.to_string())
}

pub(super) fn is_gz(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// Read a text file as one document with the given id.
pub(super) fn read_file(path: &Path, id: String, cfg: &InputConfig) -> InputItem {
    let origin = origin_of(path, None);
    let gz = is_gz(path);
    match std::fs::metadata(path) {
        // Refuse an oversized plain file without reading it.
        Ok(meta) if !gz && meta.len() > cfg.max_document_bytes as u64 => {
            return bad(origin, Some(id), too_large(meta.len(), cfg.max_document_bytes))
        }
        Ok(meta) if meta.is_dir() => return bad(origin, Some(id), "is a directory, expected a text file"),
        _ => {}
    }
    match open_reader(path, gz) {
        Ok(reader) => read_stream(reader, origin, id, cfg),
        Err(e) => bad(origin, Some(id), format!("cannot read: {}", describe_io(&e))),
    }
}

/// Read a whole stream as one document, up to `max_document_bytes`.
/// Invalid UTF-8 is decoded lossily and the document flagged `lossy`.
pub(super) fn read_stream(mut reader: Reader, origin: Origin, id: String, cfg: &InputConfig) -> InputItem {
    let limit = cfg.max_document_bytes as u64;
    let mut buf = Vec::new();
    match (&mut reader).take(limit.saturating_add(1)).read_to_end(&mut buf) {
        Err(e) => {
            let message = format!("cannot read past byte {} (truncated or corrupt file?): {e}", buf.len());
            bad(origin, Some(id), message)
        }
        Ok(n) if n as u64 > limit => {
            // Count the rest without keeping it, for an exact message.
            let rest = io::copy(&mut reader, &mut io::sink()).unwrap_or(0);
            bad(origin, Some(id), too_large(n as u64 + rest, cfg.max_document_bytes))
        }
        Ok(_) => {
            let (text, lossy) = match String::from_utf8(buf) {
                Ok(text) => (text, false),
                Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
            };
            InputItem::Doc(Document { id, text, origin, lossy, ..Default::default() })
        }
    }
}
