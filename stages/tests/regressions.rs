//! Regressions found by the hostile-input tests and fuzzing (tests/hostile.rs,
//! fuzz/): each was a crash, a hang or a super-linear blow-up.

use std::time::{Duration, Instant};

use claimex_pipeline::{Document, Pipeline};

use claimex_stages::default_pipeline;

/// The fastest of three runs of the whole pipeline over `text`.
fn time(p: &Pipeline, text: &str) -> Duration {
    (0..3)
        .map(|_| {
            let mut doc = Document::new("t", text);
            let start = Instant::now();
            p.process(&mut doc).unwrap();
            start.elapsed()
        })
        .min()
        .unwrap()
}

/// 8 times the input may cost at most 24 times the time (linear is 8, quadratic 64).
fn assert_linear(name: &str, unit: &str, small_bytes: usize) {
    let p = default_pipeline();
    let small = unit.repeat(small_bytes / unit.len());
    let large = unit.repeat(8 * small_bytes / unit.len());
    let (ts, tl) = (time(&p, &small), time(&p, &large));
    let ratio = tl.as_secs_f64() / ts.as_secs_f64().max(1e-6);
    eprintln!("{name}: {} KB {ts:?}, {} KB {tl:?}, ratio {ratio:.1}", small.len() >> 10, large.len() >> 10);
    assert!(ratio < 24.0 || tl < Duration::from_millis(50), "{name}: 8x the text took {ratio:.1}x the time");
}

/// Was quadratic: every figure of a sentence read the whole sentence around
/// it (and checked every other figure for a bracketed equivalent), so a
/// run-on "sentence" of 100 KB of figures took minutes.
#[test]
fn claims_are_linear_in_a_run_on_sentence_of_figures() {
    assert_linear("grouped figures without spaces", "1,000,", 32 << 10);
    assert_linear("figures and loss words without a full stop", "Russia lost 1,250 soldiers, ", 32 << 10);
}

/// Was quadratic: merging mentions of the same figure scanned every claim
/// kept so far, so an article listing many different figures slowed down.
#[test]
fn claims_merge_is_linear_in_distinct_figures() {
    let p = default_pipeline();
    let text =
        |n: usize| -> String { (0..n).map(|i| format!("Russia lost {} soldiers, Kyiv said. ", 10_000 + i)).collect() };
    let (small, large) = (text(500), text(4000));
    let (ts, tl) = (time(&p, &small), time(&p, &large));
    let ratio = tl.as_secs_f64() / ts.as_secs_f64().max(1e-6);
    eprintln!("distinct figures: 500 {ts:?}, 4000 {tl:?}, ratio {ratio:.1}");
    let mut doc = Document::new("t", large.as_str());
    p.process(&mut doc).unwrap();
    assert_eq!(doc.layers.claims.as_ref().map(Vec::len), Some(4000), "one claim per distinct figure");
    assert!(ratio < 24.0 || tl < Duration::from_millis(50), "8x the figures took {ratio:.1}x the time");
}

/// A sentence cut into pieces for claim reading keeps every piece on char
/// boundaries, however the multibyte characters fall.
#[test]
fn long_sentences_of_multibyte_text_are_cut_on_char_boundaries() {
    let p = default_pipeline();
    for unit in ["Россия потеряла 1 200 военных, ", "乌克兰称俄军损失了3万人，", "é", "😀 40 killed "]
    {
        let mut doc = Document::new("t", unit.repeat(20_000 / unit.len() + 1));
        p.process(&mut doc).unwrap_or_else(|f| panic!("{unit:?}: {} {}", f.stage, f.message));
        for c in doc.layers.claims.iter().flatten() {
            assert!(doc.text.is_char_boundary(c.evidence.start) && doc.text.is_char_boundary(c.evidence.end));
        }
    }
}
