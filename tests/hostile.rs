//! Hostile input through the real binary: huge articles, pathological text,
//! broken encodings and files, paths that cannot be read, output that cannot
//! be written. Each run must end without a panic, with the right exit code,
//! and with every input document accounted for in the run record
//! (`read = processed + failed + input_errors`).

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use support::{claimex, file_names, read_json};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Run over `inputs` into `out/claims.jsonl` (with annotations); the run must
/// succeed without a panic. Returns the run record's summary.
fn run_ok(dir: &Path, inputs: &[&Path]) -> Value {
    let mut args = vec!["run", "-q", "-o", "out/claims.jsonl", "--annotations", "out/ann.jsonl"];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    let o = claimex(&args, dir);
    assert_no_panic(&o);
    assert!(o.status.success(), "exit {:?}: {}", o.status.code(), stderr(&o));
    let record = read_json(&dir.join("out/claims.run.json"));
    let s = record["summary"].clone();
    let n = |k: &str| s[k].as_u64().unwrap_or_else(|| panic!("summary.{k} missing: {s}"));
    assert_eq!(n("read"), n("processed") + n("failed") + n("input_errors"), "every document accounted for: {s}");
    assert_eq!(n("failed"), 0, "no stage may fail (a failure is a caught panic or stage error): {s}");
    // The annotations file has one line per processed document, each valid JSON.
    let ann = std::fs::read_to_string(dir.join("out/ann.jsonl")).unwrap();
    assert_eq!(ann.lines().count() as u64, n("processed"), "one annotation line per processed document");
    for line in ann.lines() {
        serde_json::from_str::<Value>(line).expect("annotation lines are JSON");
    }
    s
}

fn assert_no_panic(o: &Output) {
    let e = stderr(o);
    assert!(!e.contains("panicked") && o.status.code() != Some(101), "claimex panicked: {e}");
}

fn errors_file(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("out/claims.errors.jsonl")).unwrap()
}

/// A sentence with a claim in it, to mix into generated text.
const CLAIM: &str = "Russia lost 1,250 soldiers over the past day, Ukraine's General Staff said on Monday. ";

/// Size of the big inputs: the issue's sizes in release builds, smaller in
/// debug builds where the pipeline is ten times slower.
fn big(bytes: usize) -> usize {
    if cfg!(debug_assertions) {
        bytes / 10
    } else {
        bytes
    }
}

#[test]
fn a_fifty_megabyte_article_is_processed() {
    let tmp = tempfile::tempdir().unwrap();
    let target = big(50 << 20);
    let mut text = String::with_capacity(target + 4096);
    let mut i = 0u64;
    while text.len() < target {
        // Vary the figures and paragraphing so the text is not one repeated unit.
        text.push_str(&format!("Kyiv said {} Russian tanks were destroyed near Bakhmut in week {i}. ", 10 + i % 90));
        text.push_str(CLAIM);
        if i.is_multiple_of(7) {
            text.push_str("\n\n");
        }
        i += 1;
    }
    std::fs::write(tmp.path().join("big.txt"), &text).unwrap();
    let started = std::time::Instant::now();
    let s = run_ok(tmp.path(), &[Path::new("big.txt")]);
    eprintln!("{} MB article in {:.1}s", text.len() >> 20, started.elapsed().as_secs_f64());
    assert_eq!((s["read"].as_u64(), s["processed"].as_u64()), (Some(1), Some(1)), "{s}");
    assert!(s["claims"].as_u64().unwrap() > 0, "claims are found in a big article: {s}");
}

#[test]
fn ten_megabyte_lines_without_spaces() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let n = big(10 << 20);
    let fill = |unit: &str| unit.repeat(n / unit.len());
    for (name, unit) in [
        ("letters", "abcdefghij"),
        ("digits", "0123456789"),
        ("grouped_digits", "1,000,"),
        ("decimal_points", "1.5."),
        ("url", "https://example.com/a/"),
        ("hyphenated", "well-known-"),
    ] {
        std::fs::write(docs.join(format!("{name}.txt")), fill(unit)).unwrap();
    }
    let s = run_ok(tmp.path(), &[&docs]);
    assert_eq!((s["read"].as_u64(), s["processed"].as_u64()), (Some(6), Some(6)), "{s}");
}

#[test]
fn long_runs_of_punctuation() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let n = big(1 << 20);
    for (i, unit) in [
        "!", ".", "?", "-", "'", "\"", "(", ")", "[", "“", "…", "—", "$", "%", ",", ";", ":", "*", "/", "\\", "#",
        ". . ", "?!", "1.", "(1)", "- ", "\n", "\n\n", " ", "\t",
    ]
    .iter()
    .enumerate()
    {
        let text = format!("{CLAIM}{}{CLAIM}", unit.repeat(n / unit.len() / 8));
        std::fs::write(docs.join(format!("p{i:02}.txt")), text).unwrap();
    }
    let s = run_ok(tmp.path(), &[&docs]);
    assert_eq!(s["processed"].as_u64(), Some(30), "{s}");
}

#[test]
fn mixed_scripts() {
    let tmp = tempfile::tempdir().unwrap();
    let texts = [
        "Россия потеряла 1 200 военных за сутки, заявили в Генштабе ВСУ. ",
        "قُتل 40 جنديًا روسيًا في خاركيف، وفقًا لوزارة الدفاع الأوكرانية. ",
        "乌克兰总参谋部称，俄军一天内损失了1250名士兵。",
        "ウクライナ軍は戦車12両を破壊したと発表した。",
        "우크라이나는 러시아 군인 700명을 포로로 잡았다고 밝혔다. ",
        "שמונה חיילים נהרגו, אמר הצבא. ",
        "यूक्रेन ने कहा कि 40 रूसी टैंक नष्ट किए गए। ",
        CLAIM,
    ];
    let jsonl = tmp.path().join("mixed.jsonl");
    let mut f = std::fs::File::create(&jsonl).unwrap();
    for (i, t) in texts.iter().enumerate() {
        // Each script alone, then all of them interleaved in one document.
        writeln!(f, "{}", serde_json::json!({"id": format!("s{i}"), "text": t.repeat(50)})).unwrap();
    }
    let all: String = (0..200).map(|i| texts[i % texts.len()]).collect();
    writeln!(f, "{}", serde_json::json!({"id": "all", "text": all})).unwrap();
    let s = run_ok(tmp.path(), &[&jsonl]);
    assert_eq!(s["processed"].as_u64(), Some(texts.len() as u64 + 1), "{s}");
    let claims = std::fs::read_to_string(tmp.path().join("out/claims.jsonl")).unwrap();
    let english = format!("\"doc_id\":\"s{}\"", texts.len() - 1);
    assert!(claims.contains(&english), "the English claim is found: {claims}");
}

#[test]
fn zero_width_and_control_characters_nul_crlf_bom() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let controls: String = (0u8..32).map(char::from).collect();
    let cases: [(&str, String); 9] = [
        ("bom", format!("\u{feff}{CLAIM}")),
        ("crlf", CLAIM.replace(". ", ".\r\n").repeat(20)),
        ("lone_cr", CLAIM.replace(' ', "\r").repeat(20)),
        ("nul", CLAIM.replace(' ', "\0").repeat(20)),
        ("controls", format!("{controls}{CLAIM}{controls}").repeat(20)),
        ("zero_width", CLAIM.replace("1,250", "1\u{200b},\u{200d}250").replace(' ', " \u{200c}\u{2060}").repeat(20)),
        ("separators", CLAIM.replace(". ", ".\u{2028}\u{2029}\u{85}").repeat(20)),
        ("bidi_combining", format!("\u{202e}{}\u{202c}", CLAIM.replace('o', "o\u{301}\u{308}")).repeat(20)),
        ("bom_everywhere", CLAIM.replace(' ', "\u{feff}").repeat(20)),
    ];
    for (name, text) in &cases {
        std::fs::write(docs.join(format!("{name}.txt")), text).unwrap();
    }
    // The same through JSONL, where NUL and controls arrive as \u escapes.
    let jsonl = tmp.path().join("controls.jsonl");
    let lines: Vec<String> =
        cases.iter().map(|(name, text)| serde_json::json!({"id": name, "text": text}).to_string()).collect();
    std::fs::write(&jsonl, format!("\u{feff}{}\r\n", lines.join("\r\n"))).unwrap();
    let s = run_ok(tmp.path(), &[&docs, &jsonl]);
    // The BOM before the first JSONL record makes it unreadable JSON or not; either way it is accounted for.
    assert_eq!(s["read"].as_u64(), Some(2 * cases.len() as u64), "{s}");
    assert!(s["processed"].as_u64().unwrap() >= 2 * cases.len() as u64 - 1, "{s}");
}

#[test]
fn invalid_utf8_is_decoded_lossily_and_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let mut bytes = CLAIM.as_bytes().to_vec();
    bytes.extend_from_slice(b"\xff\xfe\xc3\x28 overlong \xc0\xaf surrogate \xed\xa0\x80 truncated \xe2\x82");
    std::fs::write(docs.join("broken_txt.txt"), &bytes).unwrap();
    std::fs::write(docs.join("fine.txt"), CLAIM).unwrap();
    let jsonl = tmp.path().join("records.jsonl");
    let mut lines = b"{\"id\": \"broken_json\", \"text\": \"".to_vec();
    lines.extend_from_slice(&bytes);
    lines.extend_from_slice(b"\"}\n{\"id\": \"fine_json\", \"text\": \"ok\"}\n");
    std::fs::write(&jsonl, lines).unwrap();
    let s = run_ok(tmp.path(), &[&docs, &jsonl]);
    assert_eq!((s["read"].as_u64(), s["processed"].as_u64()), (Some(4), Some(4)), "{s}");
    assert_eq!(s["lossy"].as_u64(), Some(2), "both invalid documents are counted lossy: {s}");
    let errors = errors_file(tmp.path());
    for id in ["broken_txt", "broken_json"] {
        assert!(
            errors.lines().any(|l| l.contains(&format!("\"doc_id\":\"{id}\"")) && l.contains("UTF-8")),
            "the errors file names {id} as invalid UTF-8: {errors}"
        );
    }
    assert!(!errors.contains("\"fine"), "valid documents are not flagged: {errors}");
    let ann = std::fs::read_to_string(tmp.path().join("out/ann.jsonl")).unwrap();
    assert_eq!(ann.matches("\"lossy\":true").count(), 2, "annotations flag the lossy documents");
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

#[test]
fn truncated_gzip_keeps_what_was_read_and_reports_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    // Incompressible-ish records so half the compressed file holds many of them.
    let records: String = (0..400)
        .map(|i| {
            format!(
                "{}\n",
                serde_json::json!({"id": format!("r{i}"), "text": format!("{CLAIM} Ref {}.", i * 7919 % 104729)})
            )
        })
        .collect();
    let gz = gzip(records.as_bytes());
    std::fs::write(tmp.path().join("cut.jsonl.gz"), &gz[..gz.len() / 2]).unwrap();
    let txt_gz = gzip(CLAIM.repeat(200).as_bytes());
    std::fs::write(tmp.path().join("cut.txt.gz"), &txt_gz[..txt_gz.len() / 2]).unwrap();
    std::fs::write(tmp.path().join("garbage.jsonl.gz"), b"\x1f\x8b\x08\x00 not really gzip").unwrap();
    std::fs::write(tmp.path().join("empty.jsonl.gz"), b"").unwrap();
    let s = run_ok(
        tmp.path(),
        &[
            Path::new("cut.jsonl.gz"),
            Path::new("cut.txt.gz"),
            Path::new("garbage.jsonl.gz"),
            Path::new("empty.jsonl.gz"),
        ],
    );
    let processed = s["processed"].as_u64().unwrap();
    assert!(processed > 10 && processed < 400, "the records before the cut are processed: {s}");
    // An empty .gz is not a gzip stream either: an error, not a silent nothing.
    assert_eq!(s["input_errors"].as_u64(), Some(4), "cut JSONL, cut text, garbage, empty: one error each: {s}");
    let errors = errors_file(tmp.path());
    for name in ["cut.jsonl.gz", "cut.txt.gz", "garbage.jsonl.gz", "empty.jsonl.gz"] {
        assert!(errors.contains(name), "the errors file names {name}: {errors}");
    }
}

#[test]
fn jsonl_with_missing_extra_or_wrongly_typed_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let deep =
        format!("{{\"id\": \"deep\", \"text\": \"x\", \"extra\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let lines = [
        r#"{"id": "ok", "text": "Russia lost 1,250 soldiers, Kyiv said."}"#.to_string(),
        r#"{"text": "no id, the file and line name it"}"#.into(),
        r#"{"id": "no_text"}"#.into(),
        r#"{"id": "null_text", "text": null}"#.into(),
        r#"{"id": "number_text", "text": 12}"#.into(),
        r#"{"id": "array_text", "text": ["a", "b"]}"#.into(),
        r#"{"id": "object_text", "text": {"a": 1}}"#.into(),
        r#"{"id": 42, "text": "numeric id"}"#.into(),
        r#"{"id": ["x"], "text": "array id"}"#.into(),
        r#"{"id": "bool_date", "text": "x", "published": true}"#.into(),
        r#"{"id": "bad_date", "text": "x", "published": "not a date"}"#.into(),
        r#"{"id": "extra", "text": "x", "unknown": {"nested": [1, 2, {"a": null}]}, "n": 1e999}"#.into(),
        r#"{"id": "dup", "text": "first", "text": "second"}"#.into(),
        r#"{"id": "big_number", "text": "x", "outlet": 123456789012345678901234567890}"#.into(),
        r#"[1, 2, 3]"#.into(),
        r#""just a string""#.into(),
        r#"{"id": "trailing", "text": "x"} garbage"#.into(),
        r#"{"id": "unterminated", "text": "x"#.into(),
        "{}".into(),
        deep,
    ];
    std::fs::write(tmp.path().join("fields.jsonl"), lines.join("\n") + "\n\n   \n").unwrap();
    let s = run_ok(tmp.path(), &[Path::new("fields.jsonl")]);
    assert_eq!(s["read"].as_u64(), Some(lines.len() as u64), "one item per non-blank line: {s}");
    assert!(s["processed"].as_u64().unwrap() >= 2, "well-formed records are processed: {s}");
    let errors = errors_file(tmp.path());
    // Not an object, bad JSON, a text that is not a string, no text at all.
    for line in [3, 4, 5, 6, 7, 9, 15, 16, 17, 18, 19] {
        let origin = format!("\"fields.jsonl:{line}\"");
        assert!(errors.contains(&origin), "line {line} ({}) is reported: {errors}", lines[line - 1]);
    }
}

/// Make a FIFO (named pipe) at `path`.
fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().expect("mkfifo").success();
    assert!(ok, "mkfifo {}", path.display());
}

#[test]
fn manifest_rows_naming_missing_or_unreadable_files() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir_all(docs.join("a_directory.txt")).unwrap();
    std::fs::write(docs.join("good.txt"), CLAIM).unwrap();
    std::fs::write(docs.join("regular_file"), "x").unwrap();
    std::fs::write(docs.join("records.jsonl"), "{\"id\": \"present\", \"text\": \"x\"}\n").unwrap();
    mkfifo(&docs.join("pipe.txt"));
    std::fs::write(
        docs.join("manifest.csv"),
        "id,path,published\n\
         good,good.txt,2025-01-15\n\
         missing,missing.txt,2025-01-15\n\
         dir,a_directory.txt,\n\
         fifo,pipe.txt,\n\
         under_file,regular_file/child.txt,\n\
         absent_record,records.jsonl,\n\
         present,records.jsonl,\n\
         ,no_id.txt,\n\
         no_path,,\n\
         good,good.txt,\n",
    )
    .unwrap();
    let s = run_ok(tmp.path(), &[&docs]);
    assert_eq!(s["read"].as_u64(), Some(10), "one item per manifest row: {s}");
    assert_eq!(s["processed"].as_u64(), Some(2), "good and present are processed: {s}");
    let errors = errors_file(tmp.path());
    for id in ["missing", "dir", "fifo", "under_file", "absent_record"] {
        assert!(errors.contains(&format!("\"doc_id\":\"{id}\"")), "row {id} is reported: {errors}");
    }
}

#[test]
fn non_existent_and_unreadable_paths() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("good.txt"), CLAIM).unwrap();
    std::fs::write(tmp.path().join("regular_file"), "x").unwrap();
    std::fs::create_dir(tmp.path().join("empty_dir")).unwrap();
    let bad = ["missing.jsonl", "regular_file/child.jsonl", "empty_dir", "no_extension"];
    std::fs::write(tmp.path().join("no_extension"), "x").unwrap();
    // Alongside a readable input, each bad path is one input error and the run succeeds.
    let mut inputs: Vec<&Path> = vec![Path::new("good.txt")];
    inputs.extend(bad.iter().map(Path::new));
    let s = run_ok(tmp.path(), &inputs);
    assert_eq!(s["read"].as_u64(), Some(1 + bad.len() as u64), "{s}");
    assert_eq!(s["processed"].as_u64(), Some(1), "{s}");
    let errors = errors_file(tmp.path());
    for b in bad {
        assert!(errors.contains(b), "the errors file names {b}: {errors}");
    }
    // With nothing readable, the run fails naming every path and writes nothing.
    let mut args = vec!["run", "-q", "-o", "none/claims.jsonl"];
    args.extend(bad);
    let o = claimex(&args, tmp.path());
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    for b in bad {
        assert!(stderr(&o).contains(b), "stderr names {b}: {}", stderr(&o));
    }
    assert!(!tmp.path().join("none").exists(), "no output directory for a run that read nothing");
}

#[test]
fn a_fifo_with_a_writer_is_read_like_a_file() {
    // Process substitution (`claimex run <(zcat x.jsonl.gz)`) hands over a pipe.
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("stream.jsonl");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let line = serde_json::json!({"id": "piped", "text": CLAIM}).to_string();
            std::fs::write(&fifo, format!("{line}\n")).unwrap();
        })
    };
    let s = run_ok(tmp.path(), &[&fifo]);
    writer.join().unwrap();
    assert_eq!(s["processed"].as_u64(), Some(1), "{s}");
}

/// Paths where output cannot be written, for each output flag. "Disk full" is
/// a private copy of the /dev/full device (every write fails with ENOSPC), so
/// a bug here cannot replace the machine's /dev/full.
fn unwritable(tmp: &Path) -> Vec<(&'static str, PathBuf)> {
    std::fs::write(tmp.join("regular_file"), "x").unwrap();
    let full = tmp.join("full");
    let made = Command::new("mknod").arg(&full).args(["c", "1", "7"]).status().is_ok_and(|s| s.success());
    let full = if made { full } else { PathBuf::from("/dev/full") };
    vec![("disk full", full), ("parent is a file", tmp.join("regular_file/out.jsonl"))]
}

#[test]
fn output_that_cannot_be_written_fails_naming_the_path_and_leaves_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds");
    let seeds = seeds.to_str().unwrap();
    let targets = unwritable(tmp.path());
    for (why, path) in &targets {
        let p = path.to_str().unwrap();
        for args in [
            vec!["run", seeds, "-q", "-o", p],
            vec!["run", seeds, "-q", "-o", "ok/claims.jsonl", "--annotations", p],
            vec!["run", seeds, "-q", "-o", p, "--format", "csv"],
        ] {
            let o = claimex(&args, tmp.path());
            assert_no_panic(&o);
            assert_eq!(o.status.code(), Some(2), "{why}: {args:?}: {}", stderr(&o));
            assert!(stderr(&o).contains(p), "{why}: the error names {p}: {}", stderr(&o));
            assert!(!tmp.path().join("ok/claims.jsonl").exists(), "{why}: no claims file after a failed run");
            assert!(!tmp.path().join("ok/claims.progress.jsonl").exists(), "{why}: no journal after a failed run");
        }
    }
    let full = &targets[0].1;
    assert!(
        !std::fs::metadata(full).unwrap().is_file(),
        "{} is still a device, not replaced by a file",
        full.display()
    );
    let stray: Vec<String> = [tmp.path(), &tmp.path().join("ok")]
        .iter()
        .flat_map(|d| file_names(d, |n| n.starts_with('.') || n.starts_with("full.") || n.starts_with("claims.")))
        .collect();
    assert!(stray.is_empty(), "no temp, sidecar or journal files left behind: {stray:?}");
}

#[test]
fn output_to_dev_null_writes_no_sidecars() {
    let tmp = tempfile::tempdir().unwrap();
    let o = claimex(&["run", "-q", "-o", "/dev/null"], tmp.path());
    assert_no_panic(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!Path::new("/dev/null.run.json").exists() && !Path::new("/dev/null.errors.jsonl").exists());
    assert!(!std::fs::metadata("/dev/null").unwrap().is_file(), "/dev/null is still a device");
}
