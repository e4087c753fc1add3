//! Throughput of the claims stage alone over real news (MB/s), on documents
//! annotated once by every stage before it in the default pipeline.
//!
//! `cargo bench -p claimex-stages --bench claims`

use claimex_pipeline::Document;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

mod corpus;

fn bench(c: &mut Criterion) {
    let news = corpus::news();
    let bytes: usize = news.iter().map(|a| a.text.len()).sum();
    let pipeline = corpus::default_pipeline();
    let (mut docs, claims) = corpus::annotated_before(&pipeline, "claims", &news);
    let run = |docs: &mut Vec<Document>| {
        corpus::run_stage(claims, docs, |d| d.layers.claims = None, |d| d.layers.claims.as_ref().map_or(0, Vec::len))
    };
    run(&mut docs);
    let n = corpus::checked_claims("claims", &docs, bytes);
    eprintln!("claims: {} articles, {bytes} bytes, {n} claims", docs.len());
    let mut g = c.benchmark_group("claims");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("news", |b| b.iter(|| run(&mut docs)));
    g.finish();
    corpus::report_cpu_throughput("claims", bytes, 5.0, || {
        run(&mut docs);
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
