//! Expected cleaning of the five seed articles: which lines are furniture of
//! which kind, and that article text is not marked.

#[path = "support/seeds.rs"]
mod seeds;

use claimex_pipeline::{BuildContext, Config, DataRoot, Document, Stage};
use seeds::root;

fn stage(toml: &str) -> Box<dyn Stage> {
    let config = Config::parse("test.toml", toml, Some(root())).unwrap();
    let ctx = BuildContext::new(DataRoot::Dir(root()));
    let params = &config.stages[0];
    let kind = claimex_stages::registry().get(&params.kind).copied().unwrap();
    (kind.build)(params, &ctx).unwrap_or_else(|e| panic!("{e}"))
}

fn seed(prefix: &str) -> Document {
    seeds::seed(prefix)
}

/// The kind of the region covering each non-blank line (`-` for none), with the line.
fn line_kinds(doc: &Document) -> Vec<(String, String)> {
    let regions = doc.layers.regions.as_ref().unwrap();
    let mut out = Vec::new();
    let mut pos = 0;
    for line in doc.text.split('\n') {
        let t = line.trim();
        if !t.is_empty() {
            let start = pos + (line.len() - line.trim_start().len());
            let span = claimex_pipeline::Span::new(start, start + t.len());
            let kind = regions.iter().find(|r| r.span.contains(span)).map_or("-".to_string(), |r| r.kind.to_string());
            out.push((kind, t.to_string()));
        }
        pos += line.len() + 1;
    }
    out
}

/// Built once: compiling the rules is the slow part in a debug build.
fn clean() -> &'static dyn Stage {
    static CLEAN: std::sync::OnceLock<Box<dyn Stage>> = std::sync::OnceLock::new();
    CLEAN.get_or_init(|| stage("[[stage]]\nkind = \"clean\"\n")).as_ref()
}

/// Runs the stage on a seed and compares every marked line (kind, line start)
/// with the expectation; every line not listed must be unmarked article text.
fn check(prefix: &str, expected: &[(&str, &str)]) -> Document {
    let mut doc = seed(prefix);
    clean().process(&mut doc).unwrap();
    let marked: Vec<(String, String)> = line_kinds(&doc).into_iter().filter(|(k, _)| k != "-").collect();
    for (i, (kind, start)) in expected.iter().enumerate() {
        let got = marked.get(i);
        assert!(
            got.is_some_and(|(k, l)| k == kind && l.starts_with(start)),
            "seed {prefix}: marked line {i}: expected {kind} `{start}…`, got {got:?}"
        );
    }
    assert_eq!(
        marked.len(),
        expected.len(),
        "seed {prefix}: extra marked lines: {:?}",
        &marked[expected.len().min(marked.len())..]
    );
    let regions = doc.layers.regions.as_ref().unwrap();
    for r in regions {
        assert_eq!(r.skip, &*r.kind != "title", "seed {prefix}: {} region skip flag", r.kind);
        assert!(!r.prov.rule.is_empty());
    }
    doc
}

#[test]
fn seed_000_share_credit_source_link() {
    let doc = check(
        "000",
        &[
            ("share", "Share"),
            ("title", "Kursk Incursion Caused 38,000"),
            ("credit", "Yuriy Mate/Getty Images"),
            ("source_link", "Source link"),
        ],
    );
    assert_eq!(doc.meta.title.as_deref(), Some("Kursk Incursion Caused 38,000 Russian Troop Losses, Says Ukraine"));
    assert_eq!(doc.meta.byline, None);
}

#[test]
fn seed_001_byline_dateline_credits_trending() {
    let doc = check(
        "001",
        &[
            ("title", "Ukraine Strikes Hard in Kursk"),
            ("byline", "Written by Camilla Jessen"),
            ("dateline", "Feb.06 - 2025 10:20 AM CET"),
            ("share", "News"),
            ("credit", "Photo: Wikimedia Commons"),
            ("credit", "Photo: Wikimedia Commons"),
            ("related", "Trending Now"),
            ("related", "TRENDING NOW"),
        ],
    );
    assert_eq!(doc.meta.byline.as_deref(), Some("Camilla Jessen"));
    assert_eq!(doc.meta.published, chrono::NaiveDate::from_ymd_opt(2025, 2, 6));
}

#[test]
fn seed_002_foreign_language_sidebar() {
    let mut expected = vec![("title", "Russia has lost over 20,000 soldiers"), ("foreign_language", "Свіжі дописи")];
    let items = ["Зеленський", "У Тернополі", "У Нідерландах", "Підприємства", "В Україні", "Дитячі суміші"];
    for (i, head) in items.iter().enumerate() {
        if i > 0 {
            expected.push(("dateline", "Sunday March 9th, 2025"));
        }
        expected.extend([("foreign_language", "• Новини"), ("foreign_language", *head), ("foreign_language", "")]);
    }
    expected.extend([("dateline", "Sunday March 9th, 2025"), ("foreign_language", "Цей сайт використовує Cookies.")]);
    let doc = check("002", &expected);
    // The sidebar's dates come after the article body: they are not the publication date.
    assert_eq!(doc.meta.published, None);
}

#[test]
fn seed_003_table_of_contents() {
    let toc = [
        "Ukraine's top general reveals all",
        "The invasion of Kursk",
        "Heading off Russia",
        "Still in Kharkiv",
        "Avoiding an attack",
        "Creating a security zone",
        "Other reason to invade",
        "The invasion of Kursk",
        "Still holding territory",
        "A successful attack",
        "Russia lost a lot",
        "Casualties and equipment losses",
        "The losses will continue",
        "Maintaining a presence in Kursk",
        "What will happen next?",
        "Things could get worse or better",
    ];
    let mut expected = vec![("title", "Russia has lost a lot of troops")];
    expected.extend(toc.iter().map(|t| ("toc", *t)));
    expected.extend([
        ("credit", "Photo Credit: Telegram @osirskiy"),
        ("newsletter", "Never miss a story!"),
        ("related", "More for you"),
    ]);
    let doc = check("003", &expected);
    // The headings themselves, after the table, stay article text.
    let heading = doc.text.rfind("\nThe invasion of Kursk\n").unwrap() + 1;
    assert!(!doc.is_skipped(claimex_pipeline::Span::new(heading, heading + 21)));
}

#[test]
fn seed_004_prompts_byline_caption_teaser_newsletter() {
    let mut expected = vec![
        ("newsletter", "The Power Within"),
        ("share", "pre-order now"),
        ("share", "Skip to content"),
        ("share", "Edit post"),
        ("title", "Russia lost over 62,400 soldiers"),
        ("byline", "by Natalia Yermak April 26, 2025"),
        ("credit", "A view in the city after the Ukrainian Army entered"),
        ("share", "This audio is created with AI assistance"),
        ("related", "Kyiv denies Russia’s claim"),
        ("related", "Russian forces have fully retaken"),
        ("related", "News Feed"),
        ("related", "MORE NEWS"),
        ("related", "Editors' Picks"),
    ];
    let doc = seed("004");
    let newsletter_lines =
        doc.text[doc.text.find("Enter your email").unwrap()..].lines().filter(|l| !l.trim().is_empty()).count();
    expected.extend(std::iter::repeat_n(("newsletter", ""), newsletter_lines));
    let doc = check("004", &expected);
    assert_eq!(doc.meta.byline.as_deref(), Some("Natalia Yermak"));
    assert_eq!(doc.meta.published, chrono::NaiveDate::from_ymd_opt(2025, 4, 26));
    // One merged newsletter region at the end of the page.
    let regions = doc.layers.regions.as_ref().unwrap();
    assert_eq!(regions.last().map(|r| &*r.kind), Some("newsletter"));
    assert!(doc.slice(regions.last().unwrap().span).starts_with("Enter your email"));
}

#[test]
fn manifest_metadata_is_kept() {
    let mut doc = seed("004");
    doc.meta.title = Some("Given".into());
    doc.meta.published = chrono::NaiveDate::from_ymd_opt(2020, 1, 1);
    clean().process(&mut doc).unwrap();
    assert_eq!(doc.meta.title.as_deref(), Some("Given"));
    assert_eq!(doc.meta.published, chrono::NaiveDate::from_ymd_opt(2020, 1, 1));
}

/// Article text that looks like furniture must stay unmarked.
#[test]
fn article_text_is_not_marked() {
    let cases = [
        "Officials urged residents to subscribe to emergency alerts, the ministry said on Tuesday.",
        "Share prices fell 3% after the announcement.",
        "By Tuesday, Russian forces had lost more than 500 tanks in the region, according to the General Staff.",
        "by Natalia Yermak April 26, 2025 5:59 PM Russian forces lost 62,400 soldiers in Kursk, the General Staff said.",
        "Source: the General Staff said 1,200 soldiers were killed in the attack on the city of Kursk last week.",
        "The photo showed destroyed tanks near the village, and officials said 20 vehicles were hit.",
    ];
    for case in cases {
        let mut doc = Document::new(
            "t",
            format!("Headline about the war\n\n{case}\n\nAnother paragraph of the article follows here.\n"),
        );
        clean().process(&mut doc).unwrap();
        let start = doc.text.find(case).unwrap();
        assert!(!doc.is_skipped(claimex_pipeline::Span::new(start, start + case.len())), "marked as furniture: {case}");
    }
}

/// Synthetic furniture lines each get the expected kind.
#[test]
fn furniture_lines_get_their_kind() {
    let cases = [
        ("Subscribe to our weekly email newsletter", "newsletter"),
        ("CLICK HERE TO GET THE FOX NEWS APP", "newsletter"),
        ("Advertisement", "ad"),
        ("Read more: Ukraine says it hit a Russian ship", "related"),
        ("We use cookies to improve your experience", "cookie"),
        ("Photo: Reuters", "credit"),
        ("Kira Lisitskaya/RBTH", "credit"),
        ("Written by John Smith and Jane Doe", "byline"),
        ("By Natalia Yermak, 26 April 2025", "byline"),
        ("Published: Monday, March 3, 2025 at 10:15 AM", "dateline"),
        ("2025-04-26 10:00", "dateline"),
        ("5 min read", "dateline"),
        ("Source: PAP", "source_link"),
        ("Skip to main content", "share"),
    ];
    for (line, kind) in cases {
        let mut doc = Document::new("t", format!("A headline for the article\n\n{line}\n\nThe Russian army lost 1,000 soldiers in the battle for the town, officials in Kyiv said on Monday.\n"));
        clean().process(&mut doc).unwrap();
        let start = doc.text.find(line).unwrap();
        let regions = doc.layers.regions.as_ref().unwrap();
        let got = regions.iter().find(|r| r.span.start == start).map(|r| r.kind.to_string());
        assert_eq!(got.as_deref(), Some(kind), "{line:?}");
    }
}

#[test]
fn bad_rules_file_is_reported_with_line() {
    let dir = std::env::temp_dir().join(format!("claimex-clean-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("r.tsv"), "# ok\nshare\tline\tShare\nshare\tregex\t(\n").unwrap();
    let config =
        Config::parse("t.toml", "[[stage]]\nkind = \"clean\"\nrules = \"r.tsv\"\n", Some(dir.clone())).unwrap();
    let ctx = BuildContext::new(DataRoot::Dir(dir.clone()));
    let kind = claimex_stages::registry().get("clean").copied().unwrap();
    let err = (kind.build)(&config.stages[0], &ctx).err().expect("invalid regex must fail");
    assert!(err.to_string().contains("r.tsv:3:"), "{err}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn no_panic_and_empty_layer_on_odd_input() {
    for text in ["", "\n\n", "\u{feff}", "Share", "a\r\nb\rc", "\u{0}\u{7f}\u{2028}", "Київ\nKyiv"] {
        let mut doc = Document::new("t", text);
        clean().process(&mut doc).unwrap();
        assert!(doc.layers.regions.is_some());
    }
}

/// Lists every region found in the shared GDELT corpus, for reviewing rules:
/// `cargo test -p claimex-stages --test clean_seeds -- --ignored --nocapture`.
#[test]
#[ignore]
fn dump_corpus_regions() {
    let path = root().join("../shared/corpora/ukr_war_news_gdelt/articles.jsonl");
    let Ok(text) = std::fs::read_to_string(&path)
        .or_else(|_| std::fs::read_to_string("/work/shared/corpora/ukr_war_news_gdelt/articles.jsonl"))
    else {
        return;
    };
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let mut doc = Document::new(v["id"].as_str().unwrap(), v["text"].as_str().unwrap());
        clean().process(&mut doc).unwrap();
        for r in doc.layers.regions.as_ref().unwrap() {
            let t: String = doc.slice(r.span).chars().take(100).collect();
            println!("{:>16} {:<40} {t:?}", r.kind, r.prov.rule.rsplit('/').next().unwrap_or(""));
        }
    }
}
