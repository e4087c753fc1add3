//! Compares the default lexicon stages' mentions on the seeds and the GDELT
//! corpus with a snapshot taken from another build (the implementation before
//! a rewrite): `LEXICON_SNAPSHOT=write` stores it under /tmp, a later run
//! without the variable compares. Skipped when no snapshot exists.
//!
//! `LEXICON_SNAPSHOT=write cargo test --release -p claimex-stages --test lexicon_baseline`

use std::path::{Path, PathBuf};

use claimex_pipeline::{Config, Document, Pipeline};
use claimex_stages::lexicon::default_lexicons;

const SNAPSHOT_DIR: &str = "/tmp/claimex-lexicon-snapshot";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// (name, text) of every seed and GDELT article.
fn corpora() -> Vec<(&'static str, Vec<String>)> {
    let mut seeds: Vec<_> =
        std::fs::read_dir(root().join("corpus/seeds")).unwrap().flatten().map(|e| e.path()).collect();
    seeds.sort();
    let seeds = seeds
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let mut out = vec![("seeds", seeds)];
    if let Ok(jsonl) = std::fs::read_to_string(root().join("../../shared/corpora/ukr_war_news_gdelt/articles.jsonl")) {
        let texts = jsonl
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["text"].as_str().map(String::from))
            .collect();
        out.push(("gdelt", texts));
    }
    out
}

/// One JSON line per document: every stage's `find` on the bare text, and the
/// mentions layer after running the default pipeline up to the last lexicon stage.
fn snapshot(texts: &[String]) -> String {
    let stages = default_lexicons().unwrap();
    let config = Config::parse("builtin:claimex.toml", claimex_stages::embedded::DEFAULT_CONFIG, None).unwrap();
    let pipeline = Pipeline::build(config, &claimex_stages::registry(), claimex_stages::embedded_root()).unwrap();
    let last_lexicon = pipeline.stages().iter().rposition(|s| s.kind() == "lexicon").unwrap();
    let mut out = String::new();
    for (i, text) in texts.iter().enumerate() {
        let found: Vec<_> = stages.iter().map(|s| s.find(text)).collect();
        let mut doc = Document::new(i.to_string(), text.as_str());
        for stage in &pipeline.stages()[..=last_lexicon] {
            stage.process(&mut doc).unwrap();
        }
        let line = serde_json::json!({ "doc": i, "find": found, "layer": doc.layers.mentions });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

#[test]
fn mentions_equal_the_snapshot() {
    let dir = Path::new(SNAPSHOT_DIR);
    let write = std::env::var("LEXICON_SNAPSHOT").is_ok_and(|v| v == "write");
    for (name, texts) in corpora() {
        let path = dir.join(format!("{name}.jsonl"));
        let now = snapshot(&texts);
        if write {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(&path, &now).unwrap();
            eprintln!("wrote {}", path.display());
            continue;
        }
        let Ok(before) = std::fs::read_to_string(&path) else {
            eprintln!("no snapshot {}: skipped", path.display());
            continue;
        };
        let mut lines = 0;
        for (i, (a, b)) in before.lines().zip(now.lines()).enumerate() {
            assert!(a == b, "{name} document {i} differs from the snapshot:\nbefore: {a}\nnow:    {b}");
            lines += 1;
        }
        assert_eq!(before.lines().count(), now.lines().count(), "{name}: document count");
        eprintln!("{name}: {lines} documents equal the snapshot");
    }
}
