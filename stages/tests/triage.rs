//! The `triage` stage: which documents it settles, and that settling never
//! loses a claim (the stages after it are skipped only for claims-only runs).

use claimex_pipeline::{Config, Document, Layer, Needs, Pipeline};

use claimex_stages::{builtin_pipeline, default_pipeline as pipeline};

fn run(p: &Pipeline, text: &str, needs: Needs) -> Document {
    let mut doc = Document::new("t", text);
    doc.meta.published = chrono::NaiveDate::from_ymd_opt(2025, 4, 26);
    p.process_for(&mut doc, needs).unwrap();
    doc
}

#[test]
fn a_figure_with_a_loss_cue_in_its_sentence_is_not_settled() {
    let p = pipeline();
    for text in [
        "Officials said 300 soldiers were killed near Bakhmut.",
        "Prices rose 4% last year.\n\nUkraine's General Staff said Russia lost 1,200 troops.",
        "Russia has captured 12 settlements since January, the ministry said.",
        "Ukraine captured about 500 square miles (1,295 km2) of territory.",
    ] {
        let doc = run(&p, text, Needs::Claims);
        assert!(!doc.settled, "settled {text:?}");
        assert!(doc.layers.mentions.is_some(), "the lexicon stages ran on {text:?}");
        assert!(!doc.layers.claims.as_ref().unwrap().is_empty(), "a claim in {text:?}");
    }
}

#[test]
fn documents_with_no_figure_beside_a_cue_are_settled_and_skip_the_later_stages() {
    let p = pipeline();
    for text in [
        // No figure at all.
        "Talks between the two sides resumed in Geneva on Monday.",
        // Figures, but no cue in their sentences; the cue stands alone.
        "The index rose 300 points on Monday. Many people were killed in the storm.",
        // A cue beside figures that cannot be claims: money, percentages, fractions.
        "The company lost $5 million in the quarter and 12% of its value.",
        "Turnout fell by 0.5 after voters lost interest.",
    ] {
        let doc = run(&p, text, Needs::Claims);
        assert!(doc.settled, "not settled: {text:?}");
        assert!(doc.layers.mentions.is_none() && doc.layers.dates.is_none(), "later stages ran on {text:?}");
        assert_eq!(doc.layers.claims.as_deref(), Some(&[][..]), "claims layer of {text:?}");
        // With every layer wanted, the same document runs every stage.
        let full = run(&p, text, Needs::Everything);
        assert!(full.settled && full.layers.mentions.is_some() && full.layers.dates.is_some());
        assert_eq!(full.layers.claims.as_deref(), Some(&[][..]), "a settled document held a claim: {text:?}");
    }
}

#[test]
fn claims_are_the_same_whether_or_not_the_later_stages_are_skipped() {
    // The seeds and a few hundred words of mixed news.
    let p = pipeline();
    let seeds = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/seeds")).unwrap();
    let mut held = 0;
    for entry in seeds {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let (quick, full) = (run(&p, &text, Needs::Claims), run(&p, &text, Needs::Everything));
        assert_eq!(quick.layers.claims, full.layers.claims, "{}", path.display());
        held += !full.settled as usize;
    }
    assert!(held >= 4, "the seeds hold claims, so triage settles none of them ({held} held)");
}

#[test]
fn the_cue_files_are_validated_with_their_location() {
    let config = Config::parse(
        "t.toml",
        "[[stage]]\nkind = \"sentences\"\n\n[[stage]]\nkind = \"numbers\"\n\n[[stage]]\nkind = \"triage\"\ncues = []\n",
        None,
    )
    .unwrap();
    let err = builtin_pipeline(config).err().unwrap();
    assert!(err.to_string().contains("cues"), "{err}");
    let config = Config::parse(
        "t.toml",
        "[[stage]]\nkind = \"sentences\"\n\n[[stage]]\nkind = \"triage\"\ncues = [\"lexicons/losses.tsv\"]\n",
        None,
    )
    .unwrap();
    let err = builtin_pipeline(config).err().unwrap();
    assert!(err.to_string().contains(Layer::Numbers.as_str()), "{err}");
}

/// A config with triage and the given lexicon stages (TOML `[[stage]]` bodies).
fn build_with(lexicon_stages: &[&str]) -> Result<Pipeline, String> {
    let mut text = String::from(
        "[[stage]]\nkind = \"sentences\"\n\n[[stage]]\nkind = \"numbers\"\n\n\
         [[stage]]\nkind = \"triage\"\ncues = [\"lexicons/losses.tsv\"]\n",
    );
    for body in lexicon_stages {
        text.push_str(&format!("\n[[stage]]\nkind = \"lexicon\"\n{body}\n"));
    }
    let config = Config::parse("t.toml", &text, None).map_err(|e| e.to_string())?;
    builtin_pipeline(config).map_err(|e| e.to_string())
}

#[test]
fn every_lexicon_with_the_loss_label_must_be_among_the_cues() {
    let losses = "name = \"losses\"\nlabel = \"LOSS\"\nfiles = [\"lexicons/losses.tsv\"]";
    let actors = "name = \"actors\"\nlabel = \"ACTOR\"\nfiles = [\"lexicons/actors.tsv\"]";
    assert!(build_with(&[losses, actors]).is_ok());
    // A second stage adding LOSS entries from a file triage does not scan.
    let more = "name = \"more\"\nlabel = \"LOSS\"\nfiles = [\"lexicons/equipment.tsv\"]";
    let err = build_with(&[losses, more]).err().expect("refused");
    assert!(err.contains("stage[2].cues") && err.contains("`more`") && err.contains("lexicons/equipment.tsv"), "{err}");
    assert!(!err.contains("  "), "one line, single-spaced: {err}");
    // The cue stage matching with other keys than triage.
    let folded = "name = \"losses\"\nlabel = \"LOSS\"\nfiles = [\"lexicons/losses.tsv\"]\nfold_diacritics = true";
    let err = build_with(&[folded]).err().expect("refused");
    assert!(err.contains("stage[2].cues") && err.contains("fold_diacritics"), "{err}");
    assert!(!err.contains("  "), "one line, single-spaced: {err}");
}
