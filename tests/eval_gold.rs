//! Accuracy floors on the gold sets: a change that lowers claim F1 below the
//! last measured level fails here. Raise the floors as extraction improves.

use std::path::Path;
use std::process::Command;

fn eval(args: &[&str]) -> (bool, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_claimex"))
        .args(["eval"])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run claimex eval");
    (o.status.success(), format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
}

#[test]
fn seed_gold_claim_f1_floor() {
    let (ok, out) = eval(&["--gold", "corpus/gold/seeds.jsonl", "--min-f1", "0.95"]);
    println!("{out}");
    assert!(ok, "claim F1 on the seed gold fell below its floor:\n{out}");
}

#[test]
fn dev_gold_claim_f1_floor_when_corpora_present() {
    let corpora = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    if !corpora.is_dir() {
        eprintln!("../shared/corpora not present: the dev gold eval needs the articles it references");
        return;
    }
    let (ok, out) = eval(&["--gold", "corpus/gold/dev", "--corpus", corpora.to_str().unwrap(), "--min-f1", "0.89"]);
    println!("{out}");
    assert!(ok, "claim F1 on the dev gold fell below its floor:\n{out}");
}
