//! Throughput of the `triage` stage over real news (MB/s, and per CPU
//! second: the machine is shared), on documents annotated by the stages
//! before it (clean, sentences, numbers), as it runs in the default pipeline.
//!
//! Reads `/work/shared/corpora/ukr_war_news_gdelt/articles.jsonl` when present,
//! else the bundled seed articles. The count of documents left unsettled is
//! checked, so a triage that settles everything (or nothing) cannot look fast.

use std::hint::black_box;

use claimex_pipeline::Document;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

mod corpus;

fn bench(c: &mut Criterion) {
    let news = corpus::news();
    let bytes: usize = news.iter().map(|a| a.text.len()).sum();
    let pipeline = corpus::default_pipeline();
    let (mut docs, stage) = corpus::annotated_before(&pipeline, "triage", &news);
    let run =
        |docs: &mut Vec<Document>| corpus::run_stage(stage, docs, |d| d.settled = false, |d| usize::from(!d.settled));
    let held = run(&mut docs);
    // The war articles: about 90 of 487 hold claims, and triage keeps the 169 it
    // cannot rule out; every seed holds claims.
    let (lo, hi) = if bytes > 1_000_000 { (90, docs.len() / 2) } else { (docs.len() - 1, docs.len()) };
    assert!(
        (lo..=hi).contains(&held),
        "triage left {held} of {} documents unsettled, expected {lo}..={hi}",
        docs.len()
    );
    eprintln!("{} documents, {bytes} bytes, {held} not settled", docs.len());

    let mut group = c.benchmark_group("triage");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("stage", |b| b.iter(|| assert_eq!(run(&mut docs), held)));
    group.finish();
    corpus::report_cpu_throughput("triage/stage", bytes, 3.0, || {
        black_box(run(&mut docs));
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
