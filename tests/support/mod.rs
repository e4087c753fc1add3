//! Helpers shared by the end-to-end tests (each test file uses a part of them).
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// The `claimex` binary with `args`, run in `cwd`.
pub fn claimex_cmd(args: &[&str], cwd: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_claimex"));
    c.args(args).current_dir(cwd);
    c
}

/// Run `claimex` to the end and collect its output.
pub fn claimex(args: &[&str], cwd: &Path) -> Output {
    claimex_cmd(args, cwd).output().expect("run claimex")
}

/// A JSON file (a run record), parsed.
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Names of the entries of `dir` (none when it cannot be read) that `keep` accepts.
pub fn file_names(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<String> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| keep(n))
        .collect()
}
