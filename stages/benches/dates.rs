//! Throughput of the date finder over real news, in MB/s: once over whole texts
//! (`dates/extract`), once as the stage runs in the default pipeline, sentence
//! by sentence on documents annotated by the stages before it (`dates/stage`,
//! also reported per CPU second: the machine is shared).
//!
//! Reads `/work/shared/corpora/ukr_war_news_gdelt/articles.jsonl` when present
//! (each article with its publication date), else the bundled seed articles.
//! The expected count (dates found) is checked so a broken finder cannot look fast.

use std::hint::black_box;

use claimex_pipeline::Document;
use claimex_stages::dates::DateExtractor;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

mod corpus;

fn bench(c: &mut Criterion) {
    let news = corpus::news();
    let extractor = DateExtractor::builtin();
    let bytes: usize = news.iter().map(|a| a.text.len()).sum();
    let mut out = Vec::new();
    let extract = |out: &mut Vec<_>| {
        out.clear();
        for a in &news {
            extractor.extract_range(&a.text, 0..a.text.len(), a.published, out);
        }
        out.len()
    };
    let found = extract(&mut out);
    // The gdelt corpus (1.9 MB) holds about 2,100 date expressions; the seeds about 40.
    let expected_min = if bytes > 1_000_000 { 1_500 } else { 30 };
    assert!(found >= expected_min, "found {found} dates, expected at least {expected_min}");
    eprintln!("{} documents, {bytes} bytes, {found} dates", news.len());

    let pipeline = corpus::default_pipeline();
    let (mut docs, stage) = corpus::annotated_before(&pipeline, "dates", &news);
    let run = |docs: &mut Vec<Document>| {
        corpus::run_stage(stage, docs, |d| d.layers.dates = None, |d| d.layers.dates.as_ref().map_or(0, Vec::len))
    };
    let in_stage = run(&mut docs);
    // Content sentences only: page furniture is skipped, so fewer than in whole texts.
    assert!(in_stage >= found / 2 && in_stage <= found, "stage found {in_stage} dates, whole texts {found}");

    let mut group = c.benchmark_group("dates");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("extract", |b| b.iter(|| black_box(extract(&mut out))));
    group.bench_function("stage", |b| b.iter(|| assert_eq!(run(&mut docs), in_stage)));
    group.finish();
    corpus::report_cpu_throughput("dates/extract", bytes, 3.0, || {
        black_box(extract(&mut out));
    });
    corpus::report_cpu_throughput("dates/stage", bytes, 3.0, || {
        black_box(run(&mut docs));
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
