//! The clean stage's regex rules compile on a thread of their own while the
//! other stages build: a rule set that does not compile still fails the
//! pipeline's build, before the first document, naming the file and the key.

use claimex_pipeline::{Config, DataRoot, Document, Pipeline};
use claimex_stages::registry;

fn build(rules: &str) -> (tempfile::TempDir, Result<Pipeline, claimex_pipeline::ConfigError>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("furniture.tsv"), rules).unwrap();
    // The rules from the temporary directory; the sentence stage's data from the repository.
    let rules = dir.path().join("furniture.tsv").display().to_string();
    let config = format!("[[stage]]\nkind = \"clean\"\nrules = {rules:?}\n\n[[stage]]\nkind = \"sentences\"\n");
    let config = Config::parse("test.toml", &config, None).unwrap();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let built = Pipeline::build(config, &registry(), DataRoot::Dir(repo));
    (dir, built)
}

#[test]
fn a_regex_set_over_the_size_limit_fails_the_build() {
    // Valid syntax, but a Unicode class repeated 40,000 times is far over
    // the compiled-size limit: only compiling finds that.
    let (_dir, built) = build("ok\tline\tsubscribe now\nhuge\tregex\t(?:\\w{200}){200}\n");
    let err = built.err().expect("the set does not compile");
    let msg = err.to_string();
    assert!(msg.contains("furniture.tsv") && msg.contains("regex set"), "{msg}");
    assert_eq!(err.key.as_deref(), Some("stage[0].rules"), "{msg}");
}

#[test]
fn regex_rules_compiled_in_the_background_mark_their_lines() {
    let rules = "ad\tregex\t(?i:advertisement)\\s*\\d+\nnav\tline\thome\n";
    let (_dir, built) = build(rules);
    let pipeline = built.unwrap_or_else(|e| panic!("{e}"));
    let mut doc = Document::new("d", "Home\nAdvertisement 12\nTroops advanced on Monday.\n");
    pipeline.process(&mut doc).unwrap();
    let kinds: Vec<(&str, &str)> =
        doc.layers.regions.as_ref().unwrap().iter().map(|r| (&doc.text[r.span.start..r.span.end], &*r.kind)).collect();
    assert_eq!(kinds, [("Home", "nav"), ("Advertisement 12", "ad")]);
}
