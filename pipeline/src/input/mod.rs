//! PLACEHOLDER with the agreed API until the corpus readers land: reads a
//! directory of .txt files (with manifest.csv) only.

use std::path::{Path, PathBuf};

use crate::config::InputConfig;
use crate::document::{Document, Origin};

pub enum InputItem {
    Doc(Document),
    Bad(BadRecord),
}

#[derive(Debug, Clone)]
pub struct BadRecord {
    pub origin: Origin,
    pub id: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}: {message}")]
pub struct InputError {
    pub path: String,
    pub message: String,
}

pub struct Inputs {
    items: std::vec::IntoIter<InputItem>,
    total: Option<u64>,
}

impl Iterator for Inputs {
    type Item = InputItem;
    fn next(&mut self) -> Option<InputItem> {
        self.items.next()
    }
}

impl Inputs {
    pub fn total_bytes(&self) -> Option<u64> {
        self.total
    }
}

pub fn open(paths: &[PathBuf], _cfg: &InputConfig) -> Result<Inputs, InputError> {
    let mut items = Vec::new();
    let mut total = 0;
    for p in paths {
        let mut files: Vec<_> = std::fs::read_dir(p)
            .map_err(|e| InputError { path: p.display().to_string(), message: e.to_string() })?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        files.sort();
        for f in files {
            let bytes = std::fs::read(&f).unwrap_or_default();
            total += bytes.len() as u64;
            let mut doc = Document::new(f.file_stem().unwrap().to_string_lossy(), String::from_utf8_lossy(&bytes));
            doc.origin = Origin { path: f.display().to_string(), line: None };
            items.push(InputItem::Doc(doc));
        }
    }
    Ok(Inputs { items: items.into_iter(), total: Some(total) })
}

pub fn open_manifest(_manifest: &Path, _root: &Path, _cfg: &InputConfig) -> Result<Inputs, InputError> {
    Ok(Inputs { items: Vec::new().into_iter(), total: None })
}
