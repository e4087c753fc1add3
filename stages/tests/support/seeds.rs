//! The repository root and the bundled seed articles, for stage tests.

use std::path::{Path, PathBuf};

use claimex_pipeline::Document;

/// The repository root (the workspace directory).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The seed article whose file name starts with `prefix`, as an English document.
pub fn seed(prefix: &str) -> Document {
    let dir = root().join("corpus/seeds");
    let path = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("no seed article starting with {prefix} in {}", dir.display()));
    let mut doc = Document::new(prefix, std::fs::read_to_string(path).unwrap());
    doc.meta.language = Some("en".into());
    doc
}
