//! Throughput of the default lexicon stages over real news, and the build time
//! of a million-entry lexicon.
//!
//! `cargo bench -p claimex-stages --bench lexicon`

use std::time::{Duration, Instant};

use claimex_pipeline::lexicon::Lexicon;
use claimex_pipeline::{BuildContext, Document, Stage};
use claimex_stages::lexicon::{default_lexicons, link_runs, LexiconParams, LexiconStage};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

mod corpus;

/// One-shot timing: parse + compile a synthetic lexicon of a million rows.
fn million_entries() {
    let mut text = String::from("surface\tcanonical\ttype\n");
    for i in 0..1_000_000u32 {
        text.push_str(&format!("Person{i} Surname{}\tPerson {i}\tperson\n", i % 977));
    }
    let t = Instant::now();
    let lex = Lexicon::parse("big.tsv", &text).unwrap();
    let parsed = t.elapsed();
    let p = LexiconParams::new(vec!["big.tsv".into()], "X");
    let stage = LexiconStage::from_lexicons("big", &p, vec![lex]).unwrap();
    let built = t.elapsed();
    let found = stage.find(&format!("Yesterday PERSON123456 Surname{} said so.", 123_456 % 977));
    assert_eq!(found.len(), 1, "the big lexicon matches");
    eprintln!(
        "million-entry lexicon ({:.0} MB): parsed in {:.2}s, parsed+compiled in {:.2}s",
        text.len() as f64 / 1e6,
        parsed.as_secs_f64(),
        built.as_secs_f64()
    );
}

/// CPU time this thread has run, from the kernel's scheduler statistics.
fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(s.split_whitespace().next()?.parse().ok()?))
}

/// Run `f` over the corpus for about two seconds; print MB/s by wall clock and
/// MB per CPU-second (the machine is shared: the second is the honest one).
fn wall_and_cpu(name: &str, bytes: usize, mut f: impl FnMut() -> usize) {
    let (wall, cpu) = (Instant::now(), thread_cpu());
    let mut rounds = 0;
    while wall.elapsed() < Duration::from_secs(2) {
        std::hint::black_box(f());
        rounds += 1;
    }
    let mb = (bytes * rounds) as f64 / 1e6;
    let cpu = cpu.zip(thread_cpu()).map(|(a, b)| format!("{:.0} MB per CPU-second", mb / (b - a).as_secs_f64()));
    eprintln!("{name}: {:.0} MB/s wall, {}", mb / wall.elapsed().as_secs_f64(), cpu.unwrap_or_default());
}

fn bench(c: &mut Criterion) {
    // `LEXICON_BENCH_QUICK=1` skips the million-entry build; `=all` also the
    // single stages and criterion (to profile the nine stages together).
    let quick = std::env::var("LEXICON_BENCH_QUICK").ok();
    if quick.is_none() {
        million_entries();
    }
    let texts = corpus::articles();
    let bytes: usize = texts.iter().map(String::len).sum();
    let stages = default_lexicons().unwrap();
    // Linked as the pipeline links them: they run back to back.
    link_runs(&stages.iter().collect::<Vec<_>>());
    let docs: Vec<Document> = texts.iter().enumerate().map(|(i, t)| Document::new(i.to_string(), t.as_str())).collect();

    // The count the bench relies on: plenty of mentions over the corpus.
    let mut count = 0;
    for d in &docs {
        let mut d = d.clone();
        for s in &stages {
            s.process(&mut d).unwrap();
        }
        count += d.layers.mentions.map_or(0, |m| m.len());
    }
    eprintln!(
        "{} documents, {:.1} MB, {count} mentions from {} lexicon stages",
        docs.len(),
        bytes as f64 / 1e6,
        stages.len()
    );
    assert!(count > docs.len() * 5, "implausibly few mentions: {count}");

    let all_stages = || {
        let mut n = 0;
        for d in &docs {
            let mut d = Document::new(String::new(), d.text.as_str());
            for s in &stages {
                s.process(&mut d).unwrap();
            }
            n += d.layers.mentions.map_or(0, |m| m.len());
        }
        n
    };
    // `LEXICON_BENCH_ROUNDS=n`: exactly n passes and no timing (for callgrind).
    if let Some(n) = std::env::var("LEXICON_BENCH_ROUNDS").ok().and_then(|n| n.parse::<usize>().ok()) {
        let found: usize = (0..n).map(|_| all_stages()).sum();
        eprintln!("{n} passes, {found} mentions");
        return;
    }
    wall_and_cpu("all default lexicon stages", bytes, all_stages);
    if quick.as_deref() == Some("all") {
        return;
    }
    // Each stage built alone (a pipeline of one lexicon stage), so it scans for itself.
    let config = claimex_stages::default_config();
    let alone: Vec<LexiconStage> = config
        .stages
        .iter()
        .filter(|p| p.kind == "lexicon")
        .map(|p| LexiconStage::compile(p, &BuildContext::new(claimex_stages::embedded_root())).unwrap())
        .collect();
    for s in &alone {
        wall_and_cpu(&format!("stage {}", s.name()), bytes, || docs.iter().map(|d| s.find(&d.text).len()).sum());
    }

    let mut g = c.benchmark_group("lexicon");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("all_default_stages", |b| b.iter(all_stages));
    for s in &alone {
        g.bench_function(format!("stage_{}", s.name()), |b| {
            b.iter(|| docs.iter().map(|d| s.find(&d.text).len()).sum::<usize>())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
