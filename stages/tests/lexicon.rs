//! The generic `lexicon` stage: matching rules (folding, apostrophes,
//! possessives, hyphens, word boundaries), overlap rules, a new entity type
//! through config and data only, and the default lexicons' contract.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use claimex_pipeline::lexicon::Lexicon;
use claimex_pipeline::{Config, DataRoot, Document, Pipeline, Provenance, Region, Span};
use claimex_stages::lexicon::{default_lexicons, LexiconParams, LexiconStage};

fn params(label: &str) -> LexiconParams {
    LexiconParams::new(vec!["t.tsv".into()], label)
}

fn stage_with(p: &LexiconParams, tsv: &str) -> LexiconStage {
    let lex = Lexicon::parse("t.tsv", tsv).unwrap_or_else(|e| panic!("fixture lexicon: {e}"));
    LexiconStage::from_lexicons("t", p, vec![lex]).unwrap_or_else(|e| panic!("fixture stage: {e}"))
}

/// `(matched text, canonical)` for every mention in `text`.
fn found(stage: &LexiconStage, text: &str) -> Vec<(String, String)> {
    stage.find(text).iter().map(|m| (text[m.span.start..m.span.end].to_string(), m.canonical.to_string())).collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

const NAMES: &str = "surface\tcanonical\ttype\n\
Zelensky\tVolodymyr Zelensky\tperson\n\
Zelenskyy\tVolodymyr Zelensky\tperson\n\
Зеленський\tVolodymyr Zelensky\tperson\n\
Ukraine\tUkraine\tcountry\n\
Ukraine's General Staff\tGeneral Staff of Ukraine\torg\n\
commander-in-chief\tcommander_in_chief\trole\n\
Kursk\tKursk Oblast\toblast\n\
Kursk region\tKursk Oblast\toblast\n\
Russians\tRussia\tdemonym\n";

/// (case name, text, expected (matched text, canonical) pairs).
type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

#[test]
fn table_of_matches() {
    let cases: &[Case] = &[
        (
            "case folding, ASCII",
            "ZELENSKY and zelenskyy",
            &[("ZELENSKY", "Volodymyr Zelensky"), ("zelenskyy", "Volodymyr Zelensky")],
        ),
        (
            "case folding, Cyrillic",
            "Президент ЗЕЛЕНСЬКИЙ і зеленський",
            &[("ЗЕЛЕНСЬКИЙ", "Volodymyr Zelensky"), ("зеленський", "Volodymyr Zelensky")],
        ),
        (
            "curly apostrophe equals straight",
            "Ukraine’s General Staff said",
            &[("Ukraine’s General Staff", "General Staff of Ukraine")],
        ),
        ("possessive: span covers the surface only", "Ukraine’s forces", &[("Ukraine", "Ukraine")]),
        ("plural possessive", "the Russians' losses", &[("Russians", "Russia")]),
        (
            "hyphen variants",
            "the commander‑in–chief and commander‐in‐chief",
            &[("commander‑in–chief", "commander_in_chief"), ("commander‐in‐chief", "commander_in_chief")],
        ),
        ("whole words only", "Ukrainex ZelenskyFan xKursk", &[]),
        ("Cyrillic letters are word chars", "Зеленськийович", &[]),
        ("digits are word chars", "Kursk2 Kursk", &[("Kursk", "Kursk Oblast")]),
        ("leftmost-longest", "in the Kursk region today", &[("Kursk region", "Kursk Oblast")]),
        ("shorter surface when the longest is cut mid-word", "Kursk regionally", &[("Kursk", "Kursk Oblast")]),
        ("punctuation is a boundary", "(Kursk), \"Ukraine\".", &[("Kursk", "Kursk Oblast"), ("Ukraine", "Ukraine")]),
        ("NBSP equals a space", "Kursk\u{a0}region", &[("Kursk\u{a0}region", "Kursk Oblast")]),
        ("a line break ends a surface", "Kursk\nregion", &[("Kursk", "Kursk Oblast")]),
    ];
    let stage = stage_with(&params("X"), NAMES);
    for (name, text, want) in cases {
        assert_eq!(found(&stage, text), pairs(want), "{name}: in {text:?}");
    }
}

#[test]
fn diacritic_folding_keeps_original_offsets() {
    let mut p = params("X");
    p.fold_diacritics = true;
    let stage = stage_with(&p, NAMES);
    let text = "Ми, «Zélensky» і ZÉLENSKY, Zelensky’s";
    let got = found(&stage, text);
    assert_eq!(
        got,
        pairs(&[
            ("Zélensky", "Volodymyr Zelensky"),
            ("ZÉLENSKY", "Volodymyr Zelensky"),
            ("Zelensky", "Volodymyr Zelensky")
        ])
    );
    // Without folding, the accented forms are different words.
    assert_eq!(found(&stage_with(&params("X"), NAMES), text).len(), 1, "fold_diacritics = false keeps é distinct");
}

#[test]
fn possessive_sets_attribute() {
    let stage = stage_with(&params("X"), NAMES);
    let m = stage.find("Ukraine’s army and Ukraine");
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].attr("possessive"), Some("true"), "Ukraine’s is possessive");
    assert_eq!(m[0].attr("type"), Some("country"), "entry attributes are kept");
    assert_eq!(m[1].attr("possessive"), None, "bare Ukraine is not");
}

#[test]
fn provenance_names_file_and_line() {
    let stage = stage_with(&params("X"), NAMES);
    let m = stage.find("Kursk region");
    assert_eq!(&*m[0].prov.rule, "t.tsv:9");
    assert_eq!(&*m[0].prov.stage, "t");
}

#[test]
fn case_sensitive_rows_and_stages() {
    let tsv = "surface\tcanonical\tcase\nUS\tUnited States\tsensitive\nUnited States\tUnited States\t\n";
    let stage = stage_with(&params("X"), tsv);
    assert_eq!(
        found(&stage, "tell us; the US said; UNITED STATES"),
        pairs(&[("US", "United States"), ("UNITED STATES", "United States")])
    );
    let mut p = params("X");
    p.case_sensitive = true;
    assert_eq!(found(&stage_with(&p, NAMES), "zelensky Zelensky"), pairs(&[("Zelensky", "Volodymyr Zelensky")]));
}

#[test]
fn whole_word_off_and_min_length() {
    let mut p = params("X");
    p.whole_word = false;
    assert_eq!(found(&stage_with(&p, NAMES), "preKurskpost"), pairs(&[("Kursk", "Kursk Oblast")]));
    let mut p = params("X");
    p.min_length = 6;
    assert_eq!(found(&stage_with(&p, NAMES), "Kursk Ukraine"), pairs(&[("Ukraine", "Ukraine")]));
}

#[test]
fn row_label_overrides_stage_label() {
    let stage = stage_with(&params("ACTOR"), "surface\tcanonical\tlabel\nKyiv\tUkraine\t\nLviv\tLviv\tPLACE\n");
    let labels: Vec<String> = stage.find("Kyiv Lviv").iter().map(|m| m.label.to_string()).collect();
    assert_eq!(labels, vec!["ACTOR", "PLACE"]);
}

#[test]
fn folded_duplicates_across_rows_are_build_errors() {
    let lex = |name: &str, text: &str| Lexicon::parse(name, text).unwrap();
    let a = lex("a.tsv", "surface\tcanonical\nKursk\tKursk Oblast\n");
    let b = lex("b.tsv", "surface\tcanonical\n\nKURSK\tKursk\n");
    let err = LexiconStage::from_lexicons("t", &params("X"), vec![a, b]).err().expect("conflict is an error");
    assert!(err.contains("b.tsv:3") && err.contains("a.tsv:2"), "names both rows: {err}");
}

#[test]
fn mid_document_unicode_offsets_survive_arbitrary_prefixes() {
    let stage = stage_with(&params("X"), NAMES);
    for prefix in ["", "ё", "’’’", "Київ – ", "\u{ad}\u{a0}", "İ"] {
        let text = format!("{prefix} Ukraine’s General Staff and ЗЕЛЕНСЬКИЙ.");
        let got = found(&stage, &text);
        assert_eq!(
            got,
            pairs(&[("Ukraine’s General Staff", "General Staff of Ukraine"), ("ЗЕЛЕНСЬКИЙ", "Volodymyr Zelensky")]),
            "prefix {prefix:?}"
        );
    }
}

#[test]
fn arbitrary_input_never_panics() {
    let stage = stage_with(&params("X"), NAMES);
    let nasty = ["", "'", "’s", "\u{0}\u{ad}\u{ad}", "İİİ Kursk", "ß\u{301}Kursk\u{301}", "a\u{2028}Kursk", "Ukraine'"];
    for text in nasty {
        for m in stage.find(text) {
            assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end), "{text:?}");
        }
    }
}

// ---- pipeline-level behaviour: config entries, files, layers ----

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn pipeline(dir: &Path, toml: &str) -> Pipeline {
    let config = Config::parse("test.toml", toml, Some(dir.to_path_buf())).unwrap_or_else(|e| panic!("{e}"));
    Pipeline::build(config, &claimex_stages::registry(), DataRoot::Dir(dir.to_path_buf()))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn new_entity_type_through_config_and_data_only() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "weapons.tsv",
        "# weapon systems\nsurface\tcanonical\tcategory\nHIMARS\tM142 HIMARS\trocket_artillery\nStorm Shadow\tStorm Shadow\tcruise_missile\n\
         SCALP\tStorm Shadow\tcruise_missile\nLeopard 2\tLeopard 2\ttank\n@match\tGermany sent Leopard 2 tanks.\n",
    );
    let toml = "[[stage]]\nkind = \"lexicon\"\nname = \"weapons\"\nlabel = \"WEAPON\"\nfiles = [\"weapons.tsv\"]\n";
    let p = pipeline(dir.path(), toml);
    let mut doc = Document::new("d", "Ukraine fired Storm Shadow and SCALP missiles; HIMARS strikes continued.");
    p.process(&mut doc).unwrap();
    let got: Vec<(String, String, Option<String>)> = doc
        .mentions_labelled("WEAPON")
        .map(|m| (doc.slice(m.span).to_string(), m.canonical.to_string(), m.attr("category").map(String::from)))
        .collect();
    let want = [
        ("Storm Shadow", "Storm Shadow", "cruise_missile"),
        ("SCALP", "Storm Shadow", "cruise_missile"),
        ("HIMARS", "M142 HIMARS", "rocket_artillery"),
    ];
    assert_eq!(
        got,
        want.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), Some(c.to_string()))).collect::<Vec<_>>()
    );
    assert!(p.data_files.iter().any(|f| f.path.ends_with("weapons.tsv")), "the file is recorded with its hash");
    assert!(doc
        .mentions_labelled("WEAPON")
        .all(|m| &*m.prov.stage == "weapons" && m.prov.rule.starts_with("weapons.tsv:")));
}

#[test]
fn bad_lexicon_fails_the_build_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bad.tsv", "surface\tcanonical\tvalid_from\nSyrskyi\tOleksandr Syrskyi\t2024-13-01\n");
    let toml = "[[stage]]\nkind = \"lexicon\"\nname = \"bad\"\nlabel = \"X\"\nfiles = [\"bad.tsv\"]\n";
    let config = Config::parse("test.toml", toml, Some(dir.path().to_path_buf())).unwrap();
    let err = Pipeline::build(config, &claimex_stages::registry(), DataRoot::Dir(dir.path().into())).err().unwrap();
    let msg = err.to_string();
    assert!(msg.contains("bad.tsv:2") && msg.contains("valid_from"), "{msg}");
    assert_eq!(err.line, Some(5), "located at the `files` key of the config: {msg}");
}

#[test]
fn unknown_parameter_is_a_config_error() {
    let dir = tempfile::tempdir().unwrap();
    let toml = "[[stage]]\nkind = \"lexicon\"\nlabel = \"X\"\nfiles = []\nwhole_words = true\n";
    let config = Config::parse("test.toml", toml, Some(dir.path().to_path_buf())).unwrap();
    let err = Pipeline::build(config, &claimex_stages::registry(), DataRoot::Dir(dir.path().into())).err().unwrap();
    assert_eq!(err.line, Some(5), "{err}");
}

const TWO_STAGES: &str =
    "[[stage]]\nkind = \"lexicon\"\nname = \"places\"\nlabel = \"LOCATION\"\nfiles = [\"places.tsv\"]\n\n\
[[stage]]\nkind = \"lexicon\"\nname = \"orgs\"\nlabel = \"CLAIMANT\"\nfiles = [\"orgs.tsv\"]\nEXCLUSIVE\n";

fn overlap_run(exclusive: bool, text: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "places.tsv", "surface\tcanonical\nKyiv\tKyiv\nKyiv Independent\tKyiv Independent Street\n");
    write(
        dir.path(),
        "orgs.tsv",
        "surface\tcanonical\nThe Kyiv Independent\tThe Kyiv Independent\nKyiv Independent\tThe Kyiv Independent\n",
    );
    let p = pipeline(dir.path(), &TWO_STAGES.replace("EXCLUSIVE", if exclusive { "exclusive = true" } else { "" }));
    let mut doc = Document::new("d", text);
    p.process(&mut doc).unwrap();
    doc.layers
        .mentions
        .unwrap()
        .iter()
        .map(|m| (m.label.to_string(), doc.text[m.span.start..m.span.end].to_string()))
        .collect()
}

#[test]
fn overlap_rules_across_stages() {
    let text = "The Kyiv Independent reported from Kyiv.";
    let s = |v: &[(&str, &str)]| pairs(v);
    assert_eq!(
        overlap_run(false, text),
        s(&[("CLAIMANT", "The Kyiv Independent"), ("LOCATION", "Kyiv Independent"), ("LOCATION", "Kyiv")]),
        "by default both stages' mentions are kept, sorted by (start, end, label)"
    );
    assert_eq!(
        overlap_run(true, text),
        s(&[("CLAIMANT", "The Kyiv Independent"), ("LOCATION", "Kyiv")]),
        "an exclusive stage's longer mention removes the overlapping shorter one"
    );
    assert_eq!(
        overlap_run(true, "Kyiv Independent reported."),
        s(&[("LOCATION", "Kyiv Independent")]),
        "equal spans: the earlier stage wins"
    );
}

#[test]
fn skipped_regions_are_ignored_and_layer_appends() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "places.tsv", "surface\tcanonical\nKyiv\tKyiv\n");
    let toml = "[[stage]]\nkind = \"lexicon\"\nname = \"places\"\nlabel = \"LOCATION\"\nfiles = [\"places.tsv\"]\n";
    let p = pipeline(dir.path(), toml);
    let text = "Kyiv news. Subscribe to Kyiv Daily! Kyiv again.";
    let mut doc = Document::new("d", text);
    let furniture = Span::new(11, 35);
    let prov = Provenance::new(&Arc::from("clean"), &Arc::from("test"));
    doc.layers.regions = Some(vec![Region { span: furniture, kind: Arc::from("newsletter"), skip: true, prov }]);
    p.process(&mut doc).unwrap();
    let spans: Vec<Span> = doc.layers.mentions.as_ref().unwrap().iter().map(|m| m.span).collect();
    assert_eq!(spans, vec![Span::new(0, 4), Span::new(36, 40)], "the mention inside the newsletter is dropped");
    let mut empty = Document::new("e", "nothing here");
    p.process(&mut empty).unwrap();
    assert_eq!(empty.layers.mentions, Some(vec![]), "ran and found none: Some(empty)");
}

// ---- the default lexicons ----

fn default_stages() -> Vec<LexiconStage> {
    default_lexicons().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn default_lexicon_examples_pass() {
    let stages = default_stages();
    assert_eq!(stages.len(), 9, "one lexicon stage per default file");
    let failures: Vec<String> = stages.iter().flat_map(|s| s.check_examples()).map(|f| f.to_string()).collect();
    let total: usize = stages.iter().flat_map(|s| s.files()).map(|f| f.examples.len()).sum();
    println!("{total} examples, {} failed", failures.len());
    assert!(stages.iter().all(|s| s.files().iter().all(|f| !f.examples.is_empty())), "every file carries examples");
    assert!(failures.is_empty(), "broken examples:\n{}", failures.join("\n"));
}

fn lexicon_canonicals(files: &[&str]) -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut out = BTreeSet::new();
    for f in files {
        let path = format!("lexicons/{f}");
        let text = std::fs::read_to_string(root.join(&path)).unwrap();
        out.extend(Lexicon::parse(&path, &text).unwrap().canonicals().into_iter().map(String::from));
    }
    out
}

#[test]
fn every_gold_subject_claimant_and_location_is_a_lexicon_canonical() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let sides = lexicon_canonicals(&["actors.tsv"]);
    let claimants = lexicon_canonicals(&["claimants.tsv"]);
    let places = lexicon_canonicals(&["locations.tsv"]);
    let mut missing = Vec::new();
    let mut checked = 0;
    for gold in ["corpus/gold/seeds.jsonl", "corpus/gold/dev/gold.jsonl"] {
        let Ok(text) = std::fs::read_to_string(root.join(gold)) else {
            continue;
        };
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let rec: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{gold}:{}: {e}", i + 1));
            for (field, known) in [("subject", &sides), ("claimant", &claimants), ("location", &places)] {
                if let Some(name) = rec[field].as_str() {
                    checked += 1;
                    if !known.contains(name) {
                        missing.push(format!("{gold}:{}: {field} `{name}`", i + 1));
                    }
                }
            }
        }
    }
    println!("{checked} gold names checked");
    assert!(checked > 100, "gold files found and read ({checked} names)");
    missing.dedup();
    assert!(missing.is_empty(), "gold names no lexicon knows:\n{}", missing.join("\n"));
}

#[test]
fn seed_phrases_resolve_to_gold_names() {
    let stages = default_stages();
    let find = |stage: &str, text: &str| -> Vec<String> {
        let s = stages.iter().find(|s| claimex_pipeline::Stage::name(*s) == stage).unwrap();
        s.find(text).iter().map(|m| m.canonical.to_string()).collect()
    };
    let cases = [
        ("claimants", "according to a new report from Ukraine’s General Staff, cited by The Kyiv Independent", vec!["General Staff of Ukraine", "The Kyiv Independent"]),
        ("claimants", "the Commander-in-Chief of Ukraine's armed forces, Oleksandr Syrskyi, reported", vec!["Ukraine", "Oleksandr Syrskyi"]),
        ("locations", "in Kyiv’s incursion into the Kursk region", vec!["Kyiv", "Kursk Oblast"]),
        ("locations", "in the Kursk area, on the Kursk direction, into Russia's Kursk Oblast", vec!["Kursk Oblast", "Kursk Oblast", "Russia", "Kursk Oblast"]),
        ("actors", "Moscow’s forces, Pyongyang's troops, the DPRK and the enemy's losses", vec!["Russia", "North Korea", "North Korea", "enemy"]),
        ("equipment", "54 tanks; 276 combat armored vehicles; 107 guns and mortars; 5 MLRS systems; 659 units of automotive equipment", vec!["tank", "armored_vehicle", "artillery", "mlrs", "vehicle"]),
    ];
    for (stage, text, want) in cases {
        assert_eq!(find(stage, text), want, "{stage}: {text}");
    }
}

/// `finds_any` answers whether `find` returns anything, stopping at the first
/// mention: rows that only match in exact case, whole words and shorter
/// surfaces behind a longer one that fails are all taken into account.
#[test]
fn finds_any_agrees_with_find() {
    let tsv = "surface\tcanonical\ttype\tcase\nUS\tUnited States\tcountry\tsensitive\n\
               Kursk\tKursk Oblast\toblast\t\nKursk region\tKursk Oblast\toblast\t\n";
    let whole = stage_with(&params("X"), tsv);
    let parts = stage_with(&LexiconParams { whole_word: false, ..params("X") }, tsv);
    let cases = [
        ("tell us more", false),
        ("the US said", true),
        ("USA", false),
        ("Kurskaya", false),
        ("in Kursk", true),
        ("the KURSK REGION.", true),
        ("", false),
    ];
    for (text, want) in cases {
        assert_eq!(whole.finds_any(text), want, "whole words: {text:?}");
        assert_eq!(whole.finds_any(text), !whole.find(text).is_empty(), "whole words agree with find: {text:?}");
        assert_eq!(parts.finds_any(text), !parts.find(text).is_empty(), "substrings agree with find: {text:?}");
    }
    assert!(parts.finds_any("Kurskaya") && parts.finds_any("USA"), "without whole words, parts of words match");

    // Long texts are scanned a few lines at a time: a mention anywhere, on
    // either side of a chunk's edge, after CRLF or none, is found.
    for filler in ["no cue on this line at all\n", "x\r\n", "é\u{301}—”\n", "Kursk-"] {
        for pad in 0..70 {
            let mut text = filler.repeat(4096 / filler.len()) + &"y".repeat(pad);
            assert_eq!(whole.finds_any(&text), !whole.find(&text).is_empty(), "filler {filler:?}");
            text.push_str(" Kursk region\n");
            text.push_str(&filler.repeat(200));
            assert!(whole.finds_any(&text), "a late mention, filler {filler:?}, pad {pad}");
        }
    }
}

/// The first lexicon stage to run on a document scans for all of them and
/// leaves the others their mentions in the document's scratch: the layer is
/// the same whether the scratch is kept, lost half way (a clone starts
/// empty), or emptied before every stage (each scans for itself).
#[test]
fn stages_share_one_scan_per_document() {
    use claimex_pipeline::{Scratch, Stage};
    let stages = default_lexicons().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/seeds");
    let mut seeds: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    seeds.retain(|p| p.extension().is_some_and(|x| x == "txt"));
    seeds.sort();
    assert!(!seeds.is_empty(), "the seeds are readable");
    for path in seeds {
        let text = std::fs::read_to_string(&path).unwrap();
        let run = |how: usize| {
            let mut doc = Document::new("d", text.as_str());
            for (i, s) in stages.iter().enumerate() {
                match how {
                    1 if i == stages.len() / 2 => doc = doc.clone(),
                    2 => doc.scratch = Scratch::default(),
                    _ => {}
                }
                s.process(&mut doc).unwrap();
            }
            doc.layers.mentions.unwrap()
        };
        let (kept, cloned, alone) = (run(0), run(1), run(2));
        assert!(kept.len() > 20, "{}: plenty of mentions", path.display());
        assert_eq!(kept, alone, "{}: shared scan vs each stage alone", path.display());
        assert_eq!(cloned, alone, "{}: scratch lost half way", path.display());
    }
}

/// The mentions layer as (span, label, canonical, stage).
fn layer(doc: &Document) -> Vec<(Span, String, String, String)> {
    let mentions = doc.layers.mentions.as_deref().unwrap_or_default();
    mentions.iter().map(|m| (m.span, m.label.to_string(), m.canonical.to_string(), m.prov.stage.to_string())).collect()
}

/// Linked stages (the pipeline links consecutive lexicon stages, and the
/// first adds every one's mentions at once) leave exactly the layer that the
/// same stages leave run one at a time, unlinked: on every seed article, with
/// the page furniture the `clean` stage marks skipped.
#[test]
fn linked_stages_leave_the_layer_of_stages_run_one_by_one() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/seeds");
    let mut texts: Vec<String> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    texts.sort();
    assert!(texts.len() >= 5, "the seed articles are read");
    let pipeline = claimex_stages::default_pipeline();
    let alone = default_lexicons().unwrap();
    let mut skipped = 0;
    for text in &texts {
        let mut linked = Document::new("d", text.as_str());
        pipeline.process(&mut linked).unwrap();
        let mut one_by_one = Document::new("d", text.as_str());
        one_by_one.layers.regions = linked.layers.regions.clone();
        for stage in &alone {
            claimex_pipeline::Stage::process(stage, &mut one_by_one).unwrap();
        }
        skipped += linked.skipped().count();
        let got = layer(&linked);
        assert!(got.len() > 20, "plenty of mentions: {}", got.len());
        assert_eq!(got, layer(&one_by_one), "in {:?}", &text[..60]);
    }
    assert!(skipped > 0, "some page furniture was skipped");
}

/// A stage between two lexicon stages of one pipeline sees the mentions of
/// the stages before it only: the run of linked stages ends at it.
#[test]
fn a_stage_between_lexicon_stages_sees_only_the_earlier_ones() {
    use claimex_pipeline::{BuildContext, ConfigError, Layer, Stage, StageError, StageKind, StageParams};
    use std::sync::atomic::{AtomicUsize, Ordering};
    static SEEN: AtomicUsize = AtomicUsize::new(usize::MAX);
    struct Probe;
    impl Stage for Probe {
        fn name(&self) -> &str {
            "probe"
        }
        fn kind(&self) -> &'static str {
            "probe"
        }
        fn requires(&self) -> &'static [Layer] {
            &[]
        }
        fn produces(&self) -> &'static [Layer] {
            &[]
        }
        fn process(&self, doc: &mut Document) -> Result<(), StageError> {
            SEEN.store(doc.mentions_labelled("CLAIMANT").count(), Ordering::SeqCst);
            Ok(())
        }
    }
    fn build(_: &StageParams, _: &BuildContext) -> Result<Box<dyn Stage>, ConfigError> {
        Ok(Box::new(Probe))
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "places.tsv", "surface\tcanonical\nKyiv\tKyiv\n");
    write(dir.path(), "orgs.tsv", "surface\tcanonical\nGeneral Staff\tGeneral Staff of Ukraine\n");
    let toml = TWO_STAGES.replace("EXCLUSIVE", "").replace(
        "\n\n[[stage]]\nkind = \"lexicon\"\nname = \"orgs\"",
        "\n\n[[stage]]\nkind = \"probe\"\n\n[[stage]]\nkind = \"lexicon\"\nname = \"orgs\"",
    );
    assert!(toml.contains("probe"), "{toml}");
    let mut registry = claimex_stages::registry();
    registry.register(StageKind { kind: "probe", summary: "counts CLAIMANT mentions", build });
    let config = Config::parse("test.toml", &toml, Some(dir.path().to_path_buf())).unwrap();
    let p = Pipeline::build(config, &registry, DataRoot::Dir(dir.path().to_path_buf())).unwrap();
    let mut doc = Document::new("d", "The General Staff in Kyiv said.");
    p.process(&mut doc).unwrap();
    assert_eq!(SEEN.load(Ordering::SeqCst), 0, "the probe ran before the orgs stage added its mention");
    let labels: Vec<String> = layer(&doc).into_iter().map(|m| m.1).collect();
    assert_eq!(labels, ["CLAIMANT", "LOCATION"], "both stages' mentions end in the layer");
}

/// Linked and one by one agree too when the stages scan in several parts (a
/// case-sensitive stage, one matching inside words) and one in the middle of
/// the run is `exclusive`.
#[test]
fn linked_stages_agree_across_fold_settings_and_exclusive_stages() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.tsv", "surface\tcanonical\nKyiv\tKyiv\nUS\tUnited States\nKyiv Independent\tStreet\n");
    write(dir.path(), "b.tsv", "surface\tcanonical\nUS\tUnited States\nThe Kyiv Independent\tOutlet\n");
    write(dir.path(), "c.tsv", "surface\tcanonical\nkyiv\tKyiv-stem\nind\tind\n");
    let stage = |name: &str, label: &str, extra: &str| {
        format!("[[stage]]\nkind = \"lexicon\"\nname = \"{name}\"\nlabel = \"{label}\"\nfiles = [\"{name}.tsv\"]\n{extra}\n")
    };
    let toml = stage("a", "LOCATION", "")
        + &stage("b", "CLAIMANT", "case_sensitive = true\nexclusive = true")
        + &stage("c", "STEM", "whole_word = false")
        + &stage("a", "LOCATION", "").replace("name = \"a\"", "name = \"a2\"");
    let text = "The Kyiv Independent: US us Kyivstar, Kyiv's Independence Square. The Kyiv Independent.";
    let p = pipeline(dir.path(), &toml);
    let mut linked = Document::new("d", text);
    p.process(&mut linked).unwrap();
    let config = Config::parse("test.toml", &toml, Some(dir.path().to_path_buf())).unwrap();
    let alone = claimex_stages::lexicon::config_lexicons(&config, DataRoot::Dir(dir.path().to_path_buf())).unwrap();
    let mut one_by_one = Document::new("d", text);
    for stage in &alone {
        claimex_pipeline::Stage::process(stage, &mut one_by_one).unwrap();
    }
    let got = layer(&linked);
    let stages: BTreeSet<&str> = got.iter().map(|m| m.3.as_str()).collect();
    assert_eq!(stages.len(), 4, "every stage has mentions: {got:?}");
    assert_eq!(got, layer(&one_by_one));
}
