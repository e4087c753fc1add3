//! Interrupted batches: a run killed (SIGKILL) or interrupted (SIGINT) midway
//! and then resumed with `--resume` writes exactly what an uninterrupted run
//! writes, byte for byte: nothing lost, nothing duplicated.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use claimex_pipeline::runner::CHUNK_DOCS;
use serde_json::Value;
use support::{claimex, claimex_cmd, file_names, read_json};

/// Documents in the corpus: many chunks of [`CHUNK_DOCS`](claimex_pipeline::runner::CHUNK_DOCS).
const DOCS: usize = 3000;

/// JSONL of the seed articles copied under new ids, with a malformed line
/// and an invalid UTF-8 record now and then so the errors file has content.
fn make_corpus(path: &Path) {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds");
    let mut texts: Vec<(PathBuf, String)> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    texts.sort();
    let mut out = Vec::new();
    for i in 0..DOCS {
        match i {
            i if i % 97 == 5 => out.extend_from_slice(format!("{{\"id\": \"bad{i}\", \"text\": \n").as_bytes()),
            i if i % 101 == 7 => {
                out.extend_from_slice(format!("{{\"id\": \"lossy{i}\", \"text\": \"40 ").as_bytes());
                out.extend_from_slice(b"\xff killed\"}\n");
            }
            i => {
                let text = &texts[i % texts.len()].1;
                out.extend_from_slice(serde_json::json!({"id": format!("d{i}"), "text": text}).to_string().as_bytes());
                out.push(b'\n');
            }
        }
    }
    std::fs::write(path, out).unwrap();
}

fn args(out: &str) -> Vec<String> {
    // A checkpoint after every chunk, so that the run is stopped midway.
    args_with("corpus.jsonl", "0", out)
}

fn args_with(input: &str, checkpoint_secs: &str, out: &str) -> Vec<String> {
    ["run", input, "-q", "-j", "1", "--checkpoint-secs", checkpoint_secs, "-o"]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("{out}/claims.jsonl"), "--annotations".into(), format!("{out}/ann.jsonl")])
        .collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Documents done according to the journal (its latest checkpoint).
fn journaled(journal: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(journal).ok()?;
    text.lines().skip(1).filter_map(|l| serde_json::from_str::<Value>(l).ok()).filter_map(|v| v["read"].as_u64()).max()
}

/// Start a run and wait until its journal records documents done.
// The child is returned to the caller, which kills and waits for it.
#[allow(clippy::zombie_processes)]
fn start_and_wait_for_a_checkpoint(dir: &Path, out: &str) -> (Child, u64) {
    let mut child = claimex_cmd(&strs(&args(out)), dir).stderr(Stdio::piped()).spawn().expect("spawn claimex");
    let journal = dir.join(out).join("claims.progress.jsonl");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(n) = journaled(&journal).filter(|&n| n > 0) {
            return (child, n);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("no documents journaled in {}", journal.display());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The reference: the same corpus in one uninterrupted run.
/// A directory with the corpus and the uninterrupted reference run (`ref/`).
fn with_reference() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    make_corpus(&tmp.path().join("corpus.jsonl"));
    let o = claimex(&strs(&args("ref")), tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    tmp
}

fn assert_same_as_reference(dir: &Path, out: &str) {
    assert_same_as(dir, "ref", out)
}

fn assert_same_as(dir: &Path, reference: &str, out: &str) {
    for f in ["claims.jsonl", "ann.jsonl", "claims.errors.jsonl"] {
        let want = std::fs::read(dir.join(reference).join(f)).unwrap();
        let got = std::fs::read(dir.join(out).join(f)).unwrap_or_else(|e| panic!("{out}/{f}: {e}"));
        assert!(!want.is_empty(), "reference {f} is empty");
        assert!(got == want, "{out}/{f} differs from the uninterrupted run ({} vs {} bytes)", got.len(), want.len());
    }
    let record = read_json(&dir.join(out).join("claims.run.json"));
    let reference = read_json(&dir.join(reference).join("claims.run.json"));
    for k in
        ["read", "processed", "failed", "input_errors", "lossy", "empty", "claims", "bytes", "failures", "warnings"]
    {
        assert_eq!(record["summary"][k], reference["summary"][k], "summary.{k} of the resumed run");
    }
    assert_eq!(record["summary"]["read"], DOCS, "every document is read once");
    let left = file_names(&dir.join(out), |n| n.contains("partial") || n.contains("progress") || n.contains("tmp"));
    assert!(left.is_empty(), "temp files and the journal are gone after the resumed run: {left:?}");
}

#[test]
fn a_killed_run_resumes_to_the_same_output() {
    let tmp = with_reference();
    let dir = tmp.path();

    let (mut child, done) = start_and_wait_for_a_checkpoint(dir, "killed");
    child.kill().expect("SIGKILL");
    let status = child.wait().unwrap();
    assert!(!status.success(), "the run was killed before it finished (journaled {done} documents)");
    assert!(!dir.join("killed/claims.jsonl").exists(), "no claims file at the target until the run completes");

    // A fresh run must not silently discard the interrupted one.
    let o = claimex(&strs(&args("killed")), dir);
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("--resume") && e.contains("claims.progress.jsonl"), "{e}");

    // A resume with other settings is refused.
    let mut other = args("killed");
    other.extend(["--format".into(), "csv".into(), "--resume".into()]);
    let o = claimex(&strs(&other), dir);
    assert_eq!(o.status.code(), Some(2), "a different run cannot resume this one");
    assert!(String::from_utf8_lossy(&o.stderr).contains("different run"), "{}", String::from_utf8_lossy(&o.stderr));

    let mut resume = args("killed");
    resume.push("--resume".into());
    let o = claimex(&strs(&resume), dir);
    assert!(o.status.success(), "resume: {}", String::from_utf8_lossy(&o.stderr));
    assert_same_as_reference(dir, "killed");
    let record = read_json(&dir.join("killed/claims.run.json"));
    assert!(record["summary"]["resumed_after"].as_u64() >= Some(done), "{}", record["summary"]);
}

#[test]
fn ctrl_c_stops_and_prints_how_to_resume() {
    let tmp = with_reference();
    let dir = tmp.path();

    let (child, _) = start_and_wait_for_a_checkpoint(dir, "int");
    let sent = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(sent.success(), "kill -INT");
    let o = child.wait_with_output().unwrap();
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "interrupted runs exit 130: {e}");
    assert!(e.contains("interrupted after") && e.contains("resume with:") && e.contains("--resume"), "{e}");
    let done = journaled(&dir.join("int/claims.progress.jsonl")).expect("the journal is kept");
    assert!(e.contains(&format!("interrupted after {done} documents")), "the message matches the journal: {e}");
    assert!(!dir.join("int/claims.jsonl").exists(), "no claims file at the target until the run completes");

    let mut resume = args("int");
    resume.push("--resume".into());
    let o = claimex(&strs(&resume), dir);
    assert!(o.status.success(), "resume: {}", String::from_utf8_lossy(&o.stderr));
    assert_same_as_reference(dir, "int");
}

#[test]
fn resume_without_a_journal_runs_from_the_start() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds");
    let o = claimex(&["run", seeds.to_str().unwrap(), "-o", "out/claims.jsonl", "--resume"], tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("read 5 documents: 5 processed"));
    assert!(!tmp.path().join("out/claims.progress.jsonl").exists(), "the journal is removed after a complete run");
}

#[test]
fn an_interrupt_while_the_input_waits_keeps_what_was_written() {
    let tmp = with_reference();
    let dir = tmp.path();
    let corpus = std::fs::read(dir.join("corpus.jsonl")).unwrap();
    // Run on stdin, with no checkpoint due during the run: only the interrupt records one.
    let stdin_args = |out: &str| args_with("-", "3600", out);
    let o = claimex_cmd(&strs(&stdin_args("sref")), dir)
        .stdin(std::fs::File::open(dir.join("corpus.jsonl")).unwrap())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // Ten whole chunks of records and part of one, then the input stays open:
    // the part is processed once the input goes idle.
    let sent = 10 * CHUNK_DOCS + 5;
    let head: usize = corpus.split_inclusive(|&b| b == b'\n').take(sent).map(<[u8]>::len).sum();
    let mut child = claimex_cmd(&strs(&stdin_args("int")), dir)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn claimex");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&corpus[..head]).unwrap();
    stdin.flush().unwrap();
    // Ample time to process them (milliseconds in a release build).
    std::thread::sleep(Duration::from_millis(1500));
    let signal = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(signal.success(), "kill -INT");
    let o = child.wait_with_output().unwrap();
    drop(stdin);
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "the run stops while it waits for input: {e}");
    assert!(e.contains(&format!("interrupted after {sent} documents")), "every record sent was written: {e}");
    let done = journaled(&dir.join("int/claims.progress.jsonl")).expect("the journal is kept");
    assert_eq!(done, sent as u64, "the interrupt records a checkpoint of what was written");

    let mut resume = stdin_args("int");
    resume.push("--resume".into());
    let o = claimex_cmd(&strs(&resume), dir)
        .stdin(std::fs::File::open(dir.join("corpus.jsonl")).unwrap())
        .output()
        .unwrap();
    assert!(o.status.success(), "resume: {}", String::from_utf8_lossy(&o.stderr));
    assert_same_as(dir, "sref", "int");
}
