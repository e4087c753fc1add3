//! End-to-end tests of the `claimex` binary.

mod support;

use std::path::{Path, PathBuf};

use support::{claimex, read_json};

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds")
}

/// A corpus of `n` documents made from the seed articles, each with a new id.
fn make_corpus(dir: &Path, n: usize) {
    let mut texts = Vec::new();
    for e in std::fs::read_dir(seeds()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            texts.push(std::fs::read_to_string(&p).unwrap());
        }
    }
    texts.sort();
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        std::fs::write(dir.join(format!("doc{i:04}.txt")), &texts[i % texts.len()]).unwrap();
    }
}

#[test]
fn output_is_byte_identical_whatever_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    // Several chunks of documents, finished out of order by the workers.
    make_corpus(&corpus, 240);
    let corpus = corpus.to_str().unwrap();
    for t in ["1", "2", "4"] {
        let out = format!("out{t}/claims.jsonl");
        let ann = format!("out{t}/ann.jsonl");
        let o = claimex(&["run", corpus, "-o", &out, "--annotations", &ann, "--threads", t, "--quiet"], tmp.path());
        assert!(o.status.success(), "threads {t}: {}", String::from_utf8_lossy(&o.stderr));
    }
    for f in ["claims.jsonl", "ann.jsonl"] {
        let a = std::fs::read(tmp.path().join("out1").join(f)).unwrap();
        if f == "ann.jsonl" {
            assert!(!a.is_empty(), "{f} is empty");
        }
        for t in ["2", "4"] {
            let b = std::fs::read(tmp.path().join(format!("out{t}")).join(f)).unwrap();
            assert!(a == b, "{f} differs between --threads 1 and --threads {t}");
        }
    }
    let ann = std::fs::read_to_string(tmp.path().join("out1/ann.jsonl")).unwrap();
    assert_eq!(ann.lines().count(), 240, "one annotation line per document");
    let record = read_json(&tmp.path().join("out1/claims.run.json"));
    assert_eq!(record["summary"]["read"], 240);
    assert_eq!(record["summary"]["processed"], 240);
    // The run's profile: time per configured stage, in config order.
    let times = record["summary"]["stage_seconds"].as_array().expect("stage_seconds in the run record");
    let names: Vec<&str> = times.iter().map(|t| t["stage"].as_str().unwrap()).collect();
    let config: toml::Table = include_str!("../claimex.toml").parse().unwrap();
    let configured: Vec<&str> = config["stage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.get("name").or_else(|| s.get("kind")).and_then(|v| v.as_str()).unwrap())
        .collect();
    assert_eq!(names, configured, "one timing per stage, in config order");
    assert!(times.iter().map(|t| t["seconds"].as_f64().unwrap()).sum::<f64>() > 0.0, "time was recorded");
}

#[test]
fn claims_only_runs_skip_settled_documents_and_write_the_same_claims() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    make_corpus(&corpus, 5);
    // Three articles that cannot hold a claim: no figure, money and
    // percentages, and a figure whose sentence has no loss word.
    std::fs::write(corpus.join("x1.txt"), "Talks resumed in Geneva on Monday, officials said.").unwrap();
    std::fs::write(corpus.join("x2.txt"), "The company lost $5 million, or 12% of its value.").unwrap();
    std::fs::write(corpus.join("x3.txt"), "About 300 people attended. Nobody was hurt or killed.").unwrap();
    let corpus = corpus.to_str().unwrap();
    let o = claimex(&["run", corpus, "-o", "quick/claims.jsonl", "--quiet"], tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = claimex(&["run", corpus, "-o", "full/claims.jsonl", "--annotations", "full/ann.jsonl"], tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("3 settled by triage"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let quick = std::fs::read(tmp.path().join("quick/claims.jsonl")).unwrap();
    let full = std::fs::read(tmp.path().join("full/claims.jsonl")).unwrap();
    assert!(!quick.is_empty() && quick == full, "claims differ with and without --annotations");
    // Settled documents still get every layer in the annotations.
    let ann = std::fs::read_to_string(tmp.path().join("full/ann.jsonl")).unwrap();
    let x2 = ann.lines().find(|l| l.contains("\"id\":\"x2\"")).expect("x2 annotated");
    assert!(x2.contains("\"canonical\":\"casualties\""), "x2's mentions are annotated: {x2}");
    let record = read_json(&tmp.path().join("quick/claims.run.json"));
    assert_eq!(record["summary"]["settled"], 3, "{}", record["summary"]);
    assert_eq!(record["summary"]["processed"], 8);
}

#[test]
fn run_without_input_processes_the_bundled_corpus() {
    // Run from a directory without a corpus: the bundled one is found in the source tree.
    let tmp = tempfile::tempdir().unwrap();
    let o = claimex(&["run", "-o", tmp.path().join("c.jsonl").to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = String::from_utf8_lossy(&o.stderr);
    assert!(summary.contains("read 5 documents: 5 processed"), "{summary}");
    assert!(tmp.path().join("c.run.json").exists(), "run record beside the output");
}

fn config_error(config: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bad.toml");
    std::fs::write(&path, config).unwrap();
    let o = claimex(&["config", "--check", path.to_str().unwrap()], tmp.path());
    assert!(!o.status.success(), "a bad config must fail");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn unknown_stage_kind_names_line_and_valid_kinds() {
    let e = config_error("[[stage]]\nkind = \"clean\"\n\n[[stage]]\nkind = \"sentense\"\n");
    assert!(e.contains("bad.toml:5:"), "{e}");
    assert!(e.contains("stage[1].kind") && e.contains("sentense") && e.contains("sentences"), "{e}");
}

#[test]
fn unknown_key_names_line_and_key() {
    let e = config_error("[[stage]]\nkind = \"clean\"\n\n[[stage]]\nkind = \"sentences\"\nspilt_lists = true\n");
    assert!(e.contains("bad.toml:6:"), "{e}");
    assert!(e.contains("spilt_lists"), "{e}");
}

#[test]
fn wrong_type_names_line_and_key() {
    let e = config_error("[input]\nformat = 3\n");
    assert!(e.contains("bad.toml:2:"), "{e}");
    assert!(e.contains("input.format"), "{e}");
}

#[test]
fn stage_needing_a_missing_layer_is_rejected() {
    let e = config_error("[[stage]]\nkind = \"numbers\"\n");
    assert!(e.contains("sentences") && e.contains("numbers"), "{e}");
}

#[test]
fn print_default_is_the_embedded_config() {
    let o = claimex(&["config", "--print-default"], Path::new("."));
    let text = String::from_utf8_lossy(&o.stdout);
    let repo = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("claimex.toml")).unwrap();
    assert_eq!(text, repo);
}

#[test]
fn every_document_is_accounted_for_and_bad_ones_do_not_stop_the_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("docs");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bad_utf8.txt"), b"Kyiv said 40 \xff\xfe soldiers were killed.\n").unwrap();
    std::fs::write(dir.join("empty.txt"), b"").unwrap();
    std::fs::copy(seeds().join("004_4614befdb667b80a.txt"), dir.join("good.txt")).unwrap();
    let jsonl = tmp.path().join("broken.jsonl");
    std::fs::write(&jsonl, "{\"id\": \"x\", \"text\": \"unterminated\n").unwrap();
    let o = claimex(
        &[
            "run",
            dir.to_str().unwrap(),
            jsonl.to_str().unwrap(),
            "-o",
            "out/claims.jsonl",
            "--annotations",
            "out/ann.jsonl",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "bad documents must not fail the run: {}", String::from_utf8_lossy(&o.stderr));
    let record = read_json(&tmp.path().join("out/claims.run.json"));
    let s = &record["summary"];
    assert_eq!(s["read"], 4, "{s}");
    assert_eq!(s["processed"], 3, "{s}");
    assert_eq!(s["input_errors"], 1, "{s}");
    assert_eq!(s["lossy"], 1, "{s}");
    assert_eq!(s["empty"], 1, "{s}");
    let errors = std::fs::read_to_string(tmp.path().join("out/claims.errors.jsonl")).unwrap();
    assert!(errors.contains("broken.jsonl:1"), "the malformed line is named: {errors}");
    assert!(errors.contains("bad_utf8") && errors.contains("UTF-8"), "the lossy file is flagged: {errors}");
    let ann = std::fs::read_to_string(tmp.path().join("out/ann.jsonl")).unwrap();
    assert!(ann.lines().any(|l| l.contains("\"id\":\"good\"")), "the good article is processed");
}

#[test]
fn unreadable_input_exits_non_zero_with_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    let o = claimex(&["run", "does/not/exist", "-o", "out/c.jsonl"], tmp.path());
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("does/not/exist"), "{e}");
    assert!(!tmp.path().join("out/c.jsonl").exists(), "no output file for a run that read nothing");
}

#[test]
fn a_checkpoint_interval_that_is_not_a_duration_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    for bad in ["-1", "soon", "NaN", "inf", "1e300"] {
        let o = claimex(&["run", &format!("--checkpoint-secs={bad}"), "-o", "out/c.jsonl"], tmp.path());
        assert_eq!(o.status.code(), Some(2), "--checkpoint-secs {bad}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.contains("--checkpoint-secs") && e.contains("not a number of seconds"), "{bad}: {e}");
    }
    let o = claimex(&["run", "--checkpoint-secs", "0.5", "-q", "-o", "out/c.jsonl"], tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A new entity type is a config entry and a data file: its mentions show in
/// `claimex explain` and in the `--annotations` output, with character
/// offsets into the original text (the article starts with non-ASCII chars).
#[test]
fn new_lexicon_stage_shows_in_explain_and_annotations() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("weapons.tsv"),
        "surface\tcanonical\tcategory\nHIMARS\tM142 HIMARS\trocket_artillery\nStorm Shadow\tStorm Shadow\tcruise_missile\n",
    )
    .unwrap();
    let default = claimex(&["config", "--print-default"], dir);
    assert!(default.status.success());
    let mut config = String::from_utf8(default.stdout).unwrap();
    config.push_str(
        "\n[[stage]]\nkind = \"lexicon\"\nname = \"weapons\"\nlabel = \"WEAPON\"\nfiles = [\"weapons.tsv\"]\n",
    );
    std::fs::write(dir.join("weapons.toml"), config).unwrap();
    std::fs::create_dir(dir.join("docs")).unwrap();
    let text = "«Київ» — Ukraine fired Storm Shadow missiles, and HIMARS strikes killed 40 Russian soldiers, \
                the General Staff said.\n";
    std::fs::write(dir.join("docs/a.txt"), text).unwrap();

    let explain = claimex(&["explain", "docs/a.txt", "-c", "weapons.toml"], dir);
    assert!(explain.status.success(), "{}", String::from_utf8_lossy(&explain.stderr));
    let shown = String::from_utf8(explain.stdout).unwrap();
    let section = shown.split("weapons (lexicon)").nth(1).expect("explain has a section for the new stage");
    for (surface, canonical) in [("Storm Shadow", "Storm Shadow"), ("HIMARS", "M142 HIMARS")] {
        assert!(
            section.lines().any(|l| l.contains("WEAPON") && l.contains(canonical) && l.contains(surface)),
            "explain shows {surface} → {canonical}:\n{section}"
        );
    }

    let run = claimex(
        &["run", "docs", "-c", "weapons.toml", "-o", "out/claims.jsonl", "--annotations", "out/ann.jsonl", "--quiet"],
        dir,
    );
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let ann: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(dir.join("out/ann.jsonl")).unwrap().trim()).unwrap();
    let weapons: Vec<(String, String, String)> = ann["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["label"] == "WEAPON")
        .map(|m| {
            let (s, e) = (m["span"][0].as_u64().unwrap() as usize, m["span"][1].as_u64().unwrap() as usize);
            let by_chars: String = text.chars().skip(s).take(e - s).collect();
            (by_chars, m["canonical"].as_str().unwrap().to_string(), m["stage"].as_str().unwrap().to_string())
        })
        .collect();
    let want = [("Storm Shadow", "Storm Shadow"), ("HIMARS", "M142 HIMARS")]
        .map(|(s, c)| (s.to_string(), c.to_string(), "weapons".to_string()));
    assert_eq!(weapons, want, "WEAPON mentions in the annotations, spans in chars of the original text");
}
