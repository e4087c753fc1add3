//! Properties of the whole default pipeline on generated text: every span of
//! every layer is a char range of the text, processing is deterministic, and
//! a figure written in any supported format reads back as its value.

use std::sync::OnceLock;

use claimex_pipeline::output;
use claimex_pipeline::{Config, Document, Needs, Pipeline};
use claimex_stages::{embedded_root, registry};
use proptest::prelude::*;

#[path = "support/invariants.rs"]
mod invariants;

fn default_pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(claimex_stages::default_pipeline)
}

fn numbers_pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| {
        let config =
            Config::parse("numbers.toml", "[[stage]]\nkind = \"sentences\"\n\n[[stage]]\nkind = \"numbers\"\n", None)
                .unwrap();
        Pipeline::build(config, &registry(), embedded_root()).unwrap()
    })
}

/// Pieces that exercise the stages: claim words, figures in many formats,
/// dates, furniture, quotes, punctuation, other scripts, odd whitespace and
/// control characters, and arbitrary chars.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Russia lost ".to_string()),
        Just(" soldiers were killed".into()),
        Just(" tanks destroyed".into()),
        Just("Ukraine's General Staff said on Monday".into()),
        Just("according to Oleksandr Syrskyi, ".into()),
        Just(" in the Kursk region".into()),
        Just("more than ".into()),
        Just("between 3,000 and 5,000".into()),
        Just("hundreds of".into()),
        Just("1.5 million".into()),
        Just("500 square miles (1,295 km2)".into()),
        Just("January 15, 2025".into()),
        Just("yesterday".into()),
        Just("Subscribe to our newsletter\n".into()),
        Just("\"We lost 40 men,\" he said. ".into()),
        Just("Mr. ".into()),
        Just(". ".into()),
        Just("\n\n".into()),
        Just("\r\n".into()),
        Just("- ".into()),
        Just("\u{feff}\u{200b}\u{0}\u{2028}".into()),
        Just("Россия потеряла 1 200 военных. ".into()),
        Just("乌克兰称俄军损失了3万人。".into()),
        (0u64..10_000_000).prop_map(|n| n.to_string()),
        "[0-9,. ]{1,12}",
        "\\PC{0,8}",
        any::<char>().prop_map(String::from),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
}

fn document(text: &str) -> Document {
    let mut doc = Document::new("prop", text);
    doc.meta.published = chrono::NaiveDate::from_ymd_opt(2025, 1, 15);
    doc
}

fn processed(text: &str) -> Document {
    let mut doc = document(text);
    if let Err(f) = default_pipeline().process(&mut doc) {
        panic!("stage {} failed on {text:?}: {}", f.stage, f.message);
    }
    doc
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_span_is_a_char_range_of_the_text(text in text()) {
        let doc = processed(&text);
        if let Err(e) = invariants::check_spans(&doc) {
            return Err(TestCaseError::fail(format!("{e} in {text:?}")));
        }
    }

    #[test]
    fn triage_never_settles_a_document_that_holds_a_claim(text in text()) {
        let full = processed(&text);
        let mut quick = document(&text);
        default_pipeline().process_for(&mut quick, Needs::Claims).map_err(|f| TestCaseError::fail(f.message))?;
        prop_assert!(!full.settled || full.layers.claims.as_ref().is_none_or(|c| c.is_empty()), "settled, but holds claims: {:?}", text);
        prop_assert_eq!(&full.layers.claims, &quick.layers.claims, "claims differ when the later stages are skipped: {:?}", text);
    }

    #[test]
    fn processing_is_deterministic(text in text()) {
        let (a, b) = (processed(&text), processed(&text));
        prop_assert_eq!(&a.layers, &b.layers, "two runs over {:?} differ", text);
        let (mut ra, mut rb) = (Vec::new(), Vec::new());
        output::render_annotations(&a, &mut ra);
        output::render_annotations(&b, &mut rb);
        prop_assert!(ra == rb, "rendered annotations differ for {:?}", text);
    }

    #[test]
    fn a_figure_in_any_format_reads_back_as_its_value((written, value) in figure()) {
        let text = format!("Officials said {written} soldiers were killed.");
        let mut doc = document(&text);
        numbers_pipeline().process(&mut doc).map_err(|f| TestCaseError::fail(f.message))?;
        let start = text.find(&written).unwrap();
        let found = doc.layers.numbers.iter().flatten().find(|q| q.number_span.start <= start && start < q.number_span.end);
        let Some(q) = found else {
            return Err(TestCaseError::fail(format!("no quantity at {written:?} in {text:?}: {:?}", doc.layers.numbers)));
        };
        let span = &text[q.number_span.start..q.number_span.end];
        prop_assert!(span.contains(written.split(' ').next().unwrap()), "span {:?} covers the figure {:?}", span, written);
        prop_assert!((q.value - value).abs() <= value.abs() * 1e-9, "{:?} read as {} (span {:?}), expected {}", written, q.value, span, value);
    }
}

const SMALL: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 8] = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/// `n` with a comma between groups of three digits.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A figure as written in news, and the value it stands for. Four-digit
/// plain numbers that could be years are avoided (they are dates, not figures).
fn figure() -> impl Strategy<Value = (String, f64)> {
    let not_year = |n: &u64| !(1800..=2100).contains(n);
    prop_oneof![
        (0u64..1_000_000_000).prop_filter("year-like", not_year).prop_map(|n| (n.to_string(), n as f64)),
        (1_000u64..1_000_000_000_000).prop_map(|n| (grouped(n), n as f64)),
        (1u64..1000, 1u64..10, prop::sample::select(vec![("million", 1e6), ("billion", 1e9), ("thousand", 1e3)]))
            .prop_map(|(a, b, (word, scale))| (format!("{a}.{b} {word}"), (a as f64 + b as f64 / 10.0) * scale)),
        (1u64..1000, prop::sample::select(vec![("k", 1e3), ("bn", 1e9), ("mln", 1e6)]))
            .prop_map(|(a, (suffix, scale))| (format!("{a}{suffix}"), a as f64 * scale)),
        (0usize..20).prop_map(|i| (SMALL[i].to_string(), i as f64)),
        (0usize..8, 1usize..10).prop_map(|(t, u)| (format!("{}-{}", TENS[t], SMALL[u]), (20 + 10 * t + u) as f64)),
        (1u64..1000).prop_map(|n| (format!("{n} 000").replace(' ', "\u{a0}"), n as f64 * 1000.0)),
    ]
}
