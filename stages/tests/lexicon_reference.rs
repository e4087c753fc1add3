//! The lexicon stage against a naive reference matcher: for every default
//! lexicon stage, on the seeds (and the first GDELT articles when present) and
//! on tricky strings, the mentions of the pipeline's grouped scan and of a
//! stage built alone equal those of a position-by-position search written
//! straight from the rules in `lexicons/README.md`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use claimex_pipeline::lexicon::{CaseMode, LexEntry, Lexicon};
use claimex_pipeline::Mention;
use claimex_stages::lexicon::fold::{fold, fold_surface, FoldOptions};
use claimex_stages::lexicon::{default_lexicons, LexiconParams, LexiconStage};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// One stage's rows as the reference sees them.
struct Reference {
    name: String,
    label: String,
    opts: FoldOptions,
    whole_word: bool,
    /// (folded key, exact folded surface for case-sensitive rows, entry, file).
    rows: Vec<(String, Option<String>, LexEntry, String)>,
    /// Rows by the first byte of their key (ASCII-lowercased).
    by_first: HashMap<u8, Vec<usize>>,
}

fn word(c: char) -> bool {
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

impl Reference {
    fn new(name: &str, p: &LexiconParams, lexicons: &[Lexicon]) -> Reference {
        let opts = FoldOptions { lowercase: !p.case_sensitive, diacritics: p.fold_diacritics };
        let mut rows = Vec::new();
        for lex in lexicons {
            for e in &lex.entries {
                let key = fold_surface(&e.surface, opts);
                if e.surface.chars().count() < p.min_length.max(1) || key.is_empty() {
                    continue;
                }
                let exact = (!p.case_sensitive && e.case == CaseMode::Sensitive)
                    .then(|| fold(&e.surface, FoldOptions { lowercase: true, ..opts }).text.into_owned());
                rows.push((key, exact, e.clone(), lex.name.clone()));
            }
        }
        let mut by_first: HashMap<u8, Vec<usize>> = HashMap::new();
        for (i, r) in rows.iter().enumerate() {
            by_first.entry(r.0.as_bytes()[0].to_ascii_lowercase()).or_default().push(i);
        }
        Reference { name: name.into(), label: p.label.clone(), opts, whole_word: p.whole_word, rows, by_first }
    }

    /// Leftmost position first; there, the longest row first that passes the
    /// word test and, for case-sensitive rows, exact case; rows of one surface
    /// in file order with case-sensitive ones first.
    fn find(&self, text: &str) -> Vec<Mention> {
        let f = fold(text, self.opts);
        let view: &str = &f.text;
        let same = |a: &str, b: &str| if self.opts.lowercase { a.eq_ignore_ascii_case(b) } else { a == b };
        let mut out = Vec::new();
        let mut at = 0;
        for (s, c) in view.char_indices() {
            if s < at {
                continue;
            }
            let Some(rows) = self.by_first.get(&view.as_bytes()[s].to_ascii_lowercase()) else {
                continue;
            };
            let mut cands: Vec<usize> = rows
                .iter()
                .copied()
                .filter(|&i| view[s..].get(..self.rows[i].0.len()).is_some_and(|t| same(t, &self.rows[i].0)))
                .collect();
            if cands.is_empty() {
                continue;
            }
            if self.whole_word && word(c) && view[..s].chars().next_back().is_some_and(word) {
                continue;
            }
            cands.sort_by_key(|&i| (std::cmp::Reverse(self.rows[i].0.len()), self.rows[i].1.is_none(), i));
            for i in cands {
                let (key, exact, e, file) = &self.rows[i];
                let end = s + key.len();
                let right_ok =
                    !view[..end].chars().next_back().is_some_and(word) || !view[end..].chars().next().is_some_and(word);
                if self.whole_word && !right_ok || exact.as_ref().is_some_and(|x| *x != view[s..end]) {
                    continue;
                }
                let after = |n: usize| !view[end + n..].chars().next().is_some_and(word);
                let possessive = if view[end..].starts_with("'s") || view[end..].starts_with("'S") {
                    after(2)
                } else {
                    view[end..].starts_with('\'')
                        && (view[..end].ends_with('s') || view[..end].ends_with('S'))
                        && after(1)
                };
                let mut attrs = (*e.attrs).clone();
                if possessive {
                    attrs.insert("possessive".into(), "true".into());
                }
                let entry = claimex_pipeline::MentionEntry {
                    label: e.label.clone().unwrap_or_else(|| Arc::from(self.label.as_str())),
                    canonical: Arc::clone(&e.canonical),
                    attrs: Arc::new(attrs),
                    prov: claimex_pipeline::Provenance::new(
                        &Arc::from(self.name.as_str()),
                        &Arc::from(format!("{file}:{}", e.line)),
                    ),
                };
                out.push(Mention::new(
                    claimex_pipeline::Span::new(f.orig(s, false), f.orig(end, true)),
                    claimex_pipeline::Intern::new(entry),
                ));
                at = end;
                break;
            }
        }
        out
    }
}

/// The default config's lexicon stages: (name, params, parsed files).
fn default_params() -> Vec<(String, LexiconParams, Vec<Lexicon>)> {
    let config = claimex_stages::default_config();
    let file = |path: &str| claimex_stages::embedded::FILES.iter().find(|(n, _)| *n == path).unwrap().1;
    config
        .stages
        .iter()
        .filter(|s| s.kind == "lexicon")
        .map(|s| {
            let p: LexiconParams = s.parse().unwrap();
            let lexicons = p.files.iter().map(|f| Lexicon::parse(f, file(f)).unwrap()).collect();
            (s.name.clone(), p, lexicons)
        })
        .collect()
}

fn texts() -> Vec<String> {
    let mut paths: Vec<_> =
        std::fs::read_dir(root().join("corpus/seeds")).unwrap().flatten().map(|e| e.path()).collect();
    paths.sort();
    let mut texts: Vec<String> = paths
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(!texts.is_empty(), "the seeds are readable");
    if let Ok(jsonl) = std::fs::read_to_string(root().join("../../shared/corpora/ukr_war_news_gdelt/articles.jsonl")) {
        texts.extend(
            jsonl
                .lines()
                .take(25)
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .filter_map(|v| v["text"].as_str().map(String::from)),
        );
    }
    texts.extend(
        [
            "the US said; tell us, US-led, U.S. forces; USA",
            "Ukraine’s General Staff and Russians' losses, Kursk\u{a0}region\nKursk\tregion",
            "ЗЕЛЕНСЬКИЙ said Zélensky ZELENSKYY; the commander‑in–chief; Kyivstar",
            "pre-Kyiv Kyiv2 Kyiv’ s Kyiv's's «Donetsk» (Kharkiv) Mariupol—Zaporizhzhia",
            "",
            "\u{0301}Kyiv Kyiv\u{0301} Kyi\u{00AD}v ıstanbul İSTANBUL",
        ]
        .map(String::from),
    );
    texts
}

fn show(m: &[Mention]) -> Vec<String> {
    m.iter().map(|m| format!("{:?} {} {} {:?} {}", m.span, m.label, m.canonical, m.attrs, m.prov.rule)).collect()
}

#[test]
fn stages_equal_the_reference_matcher() {
    let grouped = default_lexicons().unwrap();
    let params = default_params();
    assert_eq!(grouped.len(), params.len(), "one compiled stage per config entry");
    let texts = texts();
    let mut total = 0;
    let mut answers = [0; 2];
    for ((name, p, lexicons), grouped) in params.iter().zip(&grouped) {
        let reference = Reference::new(name, p, lexicons);
        let alone = LexiconStage::from_lexicons(name, p, lexicons.clone()).unwrap();
        for (i, text) in texts.iter().enumerate() {
            let want = reference.find(text);
            total += want.len();
            assert_eq!(show(&grouped.find(text)), show(&want), "stage {name}, grouped, text {i}");
            assert_eq!(grouped.find(text), want, "stage {name}, grouped, text {i} (provenance)");
            assert_eq!(show(&alone.find(text)), show(&want), "stage {name}, alone, text {i}");
            // Line by line, so that both answers occur.
            for line in text.lines().chain([text.as_str()]) {
                let any = !reference.find(line).is_empty();
                assert_eq!(grouped.finds_any(line), any, "stage {name}, grouped finds_any, {line:?}");
                assert_eq!(alone.finds_any(line), any, "stage {name}, alone finds_any, {line:?}");
                answers[usize::from(any)] += 1;
            }
        }
    }
    assert!(total > texts.len() * 5, "the reference finds plenty of mentions: {total}");
    assert!(answers[0] > 50 && answers[1] > 50, "finds_any met both answers: {answers:?}");
    eprintln!("{total} mentions over {} texts equal the reference", texts.len());
}

#[test]
fn large_lexicon_uses_the_same_rules() {
    // More surfaces than a DFA takes: the stage falls back to an NFA.
    let mut tsv = String::from("surface\tcanonical\tcase\n");
    for i in 0..25_000 {
        tsv.push_str(&format!("Name{i} Surname{}\tPerson {i}\t\n", i % 97));
    }
    tsv.push_str("Kyiv\tUkraine\t\nKyiv region\tKyiv Oblast\t\nUS\tUnited States\tsensitive\n");
    let lex = Lexicon::parse("big.tsv", &tsv).unwrap();
    let p = LexiconParams::new(vec!["big.tsv".into()], "X");
    let reference = Reference::new("big", &p, std::slice::from_ref(&lex));
    let stage = LexiconStage::from_lexicons("big", &p, vec![lex]).unwrap();
    let text = "NAME17 SURNAME17 met name24999 surname70’s aide in the Kyiv region; Name17 Surname1 and us, the US. \
                Name17 Surname17x, xName5 Surname5.";
    let want = reference.find(text);
    assert_eq!(want.len(), 4, "the reference finds the fixture's names: {:?}", show(&want));
    assert_eq!(show(&stage.find(text)), show(&want), "large lexicon");
}
