//! Embeds the default config (`claimex.toml`) and every file under `lexicons/`
//! into the binary, so `claimex run` works from any directory.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, root, out);
        } else if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| !n.starts_with('.')) {
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            out.push((rel, path));
        }
    }
}

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest.parent().unwrap().to_path_buf();
    let mut files = Vec::new();
    walk(&root.join("lexicons"), &root, &mut files);
    println!("cargo:rerun-if-changed={}", root.join("lexicons").display());
    println!("cargo:rerun-if-changed={}", root.join("claimex.toml").display());
    let mut code = String::from("/// Files embedded from the repository: (path relative to the repo root, contents).\npub static FILES: &[(&str, &str)] = &[\n");
    for (rel, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        code.push_str(&format!("    ({rel:?}, include_str!({:?})),\n", path.display().to_string()));
    }
    code.push_str("];\n");
    code.push_str(&format!(
        "/// The default config, `claimex.toml`.\npub static DEFAULT_CONFIG: &str = include_str!({:?});\n",
        root.join("claimex.toml").display().to_string()
    ));
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("embedded.rs");
    fs::write(out, code).unwrap();
}
