//! Directories: every `.txt` (or `.txt.gz`) file below, sorted by path, after
//! the documents of a `manifest.csv` at the top when there is one.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::config::InputConfig;

use super::manifest::{self, normalize};
use super::{bad, describe_io, origin_of, text, InputError, InputItem, Items, RawItem, UniqueIds};

/// The name of a directory's manifest.
const MANIFEST: &str = "manifest.csv";

/// List a directory and return its document stream and total size.
pub(super) fn open(dir: &Path, cfg: &InputConfig) -> Result<(Items, Option<u64>), InputError> {
    let top =
        fs::read_dir(dir).map_err(|e| InputError::new(dir, format!("cannot read directory: {}", describe_io(&e))))?;
    let mut files = Vec::new();
    let mut problems = Vec::new();
    walk(top, dir, &mut files, &mut problems);
    files.sort();

    let manifest_path = dir.join(MANIFEST);
    let rows = if manifest_path.is_file() { Some(manifest::parse(&manifest_path, dir)?) } else { None };
    if let Some(rows) = &rows {
        let listed: HashSet<PathBuf> = rows.iter().filter_map(|r| r.text_path()).map(normalize).collect();
        files.retain(|(path, _)| !listed.contains(&normalize(path)));
        // A listed pipe is reported once, by its manifest row.
        problems.retain(|p| !matches!(p, InputItem::Bad(b) if listed.contains(&normalize(Path::new(&b.origin.path)))));
    }
    if files.is_empty() && rows.is_none() && problems.is_empty() {
        return Err(InputError::new(dir, "no .txt files in this directory or below it, and no manifest.csv"));
    }

    let listed_bytes = rows.as_deref().map_or(Some(0), manifest::total_bytes);
    let bytes = listed_bytes.map(|b| b + files.iter().map(|(_, size)| size).sum::<u64>());
    let listed = rows.map(|rows| manifest::items(rows, &manifest_path, cfg)).into_iter().flatten();
    let cfg = cfg.clone();
    let unlisted = files.into_iter().map(move |(path, _)| text::read_file(&path, text::file_id(&path), &cfg));
    let items = problems.into_iter().chain(listed).chain(unlisted);
    Ok((Box::new(UniqueIds::new(items).map(RawItem::from)), bytes))
}

/// Collect the text files below a directory with their sizes; a subdirectory
/// or entry that cannot be read becomes a bad record. Symbolic links to files
/// are followed, links to directories are not (they may loop).
fn walk(entries: fs::ReadDir, dir: &Path, files: &mut Vec<(PathBuf, u64)>, problems: &mut Vec<InputItem>) {
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                problems.push(bad(origin_of(dir, None), None, format!("cannot list directory: {}", describe_io(&e))));
                continue;
            }
        };
        let path = entry.path();
        let Ok(file_type) = entry.file_type() else { continue };
        if file_type.is_dir() {
            match fs::read_dir(&path) {
                Ok(sub) => walk(sub, &path, files, problems),
                Err(e) => problems.push(bad(
                    origin_of(&path, None),
                    None,
                    format!("cannot read directory: {}", describe_io(&e)),
                )),
            }
            continue;
        }
        if !is_text_file(&path) {
            continue;
        }
        // `fs::metadata` follows a symbolic link.
        match fs::metadata(&path) {
            Ok(meta) if meta.is_file() => {
                let size = super::file_size_from(&path, &meta);
                files.push((path, size));
            }
            Ok(meta) if meta.is_dir() => {}
            // A pipe or device: reading it could block the batch.
            Ok(_) => problems.push(bad(origin_of(&path, None), None, "not a regular file (a pipe or device)")),
            Err(e) => problems.push(bad(origin_of(&path, None), None, format!("cannot read: {}", describe_io(&e)))),
        }
    }
}

fn is_text_file(path: &Path) -> bool {
    let Some(name) = path.file_name() else { return false };
    let name = name.to_string_lossy().to_ascii_lowercase();
    name.ends_with(".txt") || name.ends_with(".txt.gz")
}
