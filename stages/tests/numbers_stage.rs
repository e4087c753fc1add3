//! The `numbers` stage in a pipeline: the seeds, skipped regions, config errors.

use claimex_pipeline::{Config, DataRoot, Document, Pipeline, Provenance, Region, Span};
use claimex_stages::{embedded_root, registry};

const CONFIG: &str = "[[stage]]\nkind = \"sentences\"\n\n[[stage]]\nkind = \"numbers\"\n";

fn pipeline(config: &str, root: DataRoot) -> Result<Pipeline, claimex_pipeline::ConfigError> {
    let c = Config::parse("test.toml", config, None)?;
    Pipeline::build(c, &registry(), root)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Why a figure would be part of a year, a date or a time (independent of the stage's own rules).
fn date_like(text: &str, s: usize, e: usize) -> Option<&'static str> {
    let fig = &text[s..e];
    let before = text[..s].trim_end_matches([' ', '.']);
    let after = text[e..].trim_start();
    if fig.len() == 4 && fig.bytes().all(|b| b.is_ascii_digit()) && (fig.starts_with("19") || fig.starts_with("20")) {
        return Some("year");
    }
    if MONTHS.iter().any(|m| before.ends_with(m) || before.ends_with(&m[..3]) || after.starts_with(m)) {
        return Some("day of a month");
    }
    if text[e..].starts_with(':')
        || text[..s].ends_with(':')
        || ["AM", "PM", "a.m.", "p.m."].iter().any(|t| after.starts_with(t))
    {
        return Some("time");
    }
    if ["st", "nd", "rd", "th"].iter().any(|t| text[e..].starts_with(t)) {
        return Some("ordinal");
    }
    None
}

#[test]
fn seeds_tag_figures_but_no_years_dates_or_times() {
    let p = pipeline(CONFIG, embedded_root()).expect("config builds");
    let dir = format!("{}/../corpus/seeds", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    names.retain(|p| p.extension().is_some_and(|x| x == "txt"));
    names.sort();
    assert_eq!(names.len(), 5, "five seeds");
    let mut all = Vec::new();
    let mut bad = Vec::new();
    for path in &names {
        let text = std::fs::read_to_string(path).unwrap();
        let mut doc = Document::new(path.file_stem().unwrap().to_string_lossy(), text);
        p.process(&mut doc).expect("stage runs");
        let qs = doc.layers.numbers.as_ref().expect("numbers layer");
        println!("{}: {} quantities", doc.id, qs.len());
        for q in qs {
            let (s, e) = (q.number_span.start, q.number_span.end);
            println!("  {:?} = {} {:?}{}", doc.slice(q.span), q.value, q.bound, if q.vague { " vague" } else { "" });
            if let Some(why) = date_like(&doc.text, s, e) {
                bad.push(format!("{}: {:?} tagged but is a {why}", doc.id, doc.slice(q.span)));
            }
            all.push((doc.id.clone(), doc.slice(q.number_span).to_string(), q.value));
        }
    }
    assert!(bad.is_empty(), "years, dates or times tagged:\n{}", bad.join("\n"));
    // The seeds' claim figures are all found.
    let want: &[(&str, &str, f64)] = &[
        ("000", "38,000", 38000.0),
        ("000", "1,000", 1000.0),
        ("000", "1,300", 1300.0),
        ("000", "12,000", 12000.0),
        ("000", "3,000", 3000.0),
        ("000", "700", 700.0),
        ("000", "50,000", 50000.0),
        ("000", "tens of thousands", 20000.0),
        ("001", "40,000", 40000.0),
        ("001", "16,000", 16000.0),
        ("001", "909", 909.0),
        ("001", "4,000", 4000.0),
        ("002", "20,842", 20842.0),
        ("002", "7905", 7905.0),
        ("002", "12,220", 12220.0),
        ("002", "717", 717.0),
        ("002", "1,101", 1101.0),
        ("002", "276", 276.0),
        ("002", "659", 659.0),
        ("002", "45,000", 45000.0),
        ("002", "594", 594.0),
        ("002", "1,294", 1294.0),
        ("002", "three", 3.0),
        ("002", "500", 500.0),
        ("003", "38,000", 38000.0),
        ("003", "700", 700.0),
        ("004", "62,400", 62400.0),
        ("004", "25,200", 25200.0),
        ("004", "36,200", 36200.0),
        ("004", "983", 983.0),
        ("004", "4,500", 4500.0),
    ];
    for (doc, fig, v) in want {
        assert!(
            all.iter().any(|(d, f, x)| d.starts_with(doc) && f == fig && x == v),
            "seed {doc}: expected the figure {fig:?} = {v}"
        );
    }
}

#[test]
fn skipped_regions_are_not_scanned() {
    let p = pipeline(CONFIG, embedded_root()).unwrap();
    let text = "Russia lost 500 tanks. Subscribe for 3 dollars a month.";
    let mut doc = Document::new("d", text);
    let cut = text.find("Subscribe").unwrap();
    let prov = Provenance::new(&"clean".into(), &"test".into());
    doc.layers.regions =
        Some(vec![Region { span: Span::new(cut, text.len()), kind: "newsletter".into(), skip: true, prov }]);
    p.process(&mut doc).unwrap();
    let qs = doc.layers.numbers.unwrap();
    assert_eq!(qs.len(), 1, "only the figure outside page furniture");
    assert_eq!(doc.text[qs[0].span.start..qs[0].span.end].to_string(), "500");
}

#[test]
fn bad_lexicon_line_is_reported_with_file_and_line() {
    let dir = std::env::temp_dir().join(format!("claimex-numbers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("words.tsv"), "# numbers\none\tsmall\t1\ntwo\tsmal\t2\n").unwrap();
    let cfg = "[[stage]]\nkind = \"sentences\"\n\n[[stage]]\nkind = \"numbers\"\nwords = \"words.tsv\"\n";
    let c = Config::parse("test.toml", cfg, Some(dir.clone())).unwrap();
    // Other files come from the repository.
    let repo = format!("{}/..", env!("CARGO_MANIFEST_DIR"));
    let cfg_all = cfg.replace("words.tsv", &dir.join("words.tsv").display().to_string());
    let c2 = Config::parse("test.toml", &cfg_all, None).unwrap();
    let err = Pipeline::build(c2, &registry(), DataRoot::Dir(repo.into())).err().expect("a bad kind is an error");
    let msg = err.to_string();
    assert!(msg.contains("words.tsv:3"), "names file and line: {msg}");
    assert!(msg.contains("smal"), "names the bad value: {msg}");
    assert_eq!(err.key.as_deref(), Some("stage[1].words"), "{msg}");
    drop(c);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_param_is_rejected() {
    let cfg = "[[stage]]\nkind = \"sentences\"\n\n[[stage]]\nkind = \"numbers\"\nwrods = \"x\"\n";
    let err = pipeline(cfg, embedded_root()).err().expect("unknown key");
    assert!(err.to_string().contains("wrods"), "{err}");
}

#[test]
fn default_config_builds_the_stage() {
    let p = claimex_stages::builtin_pipeline(claimex_stages::default_config()).expect("default config builds");
    assert!(p.data_files.iter().any(|f| f.path.ends_with("numbers/qualifiers.tsv")));
}
