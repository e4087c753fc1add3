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
    let stages = pipeline.stages();
    let at = stages.iter().position(|s| s.kind() == "claims").expect("the default pipeline has a claims stage");
    let (before, claims) = (&stages[..at], &stages[at]);
    let mut docs = corpus::documents(&news);
    for d in &mut docs {
        for s in before {
            s.process(d).unwrap();
        }
    }
    let run = |docs: &mut Vec<Document>| {
        for d in docs.iter_mut() {
            // The stage sets the layer; a stale one must not leak into the next round.
            d.layers.claims = None;
            claims.process(d).unwrap();
        }
    };
    run(&mut docs);
    let n = corpus::checked_claims("claims", &docs, bytes);
    eprintln!("claims: {} articles, {bytes} bytes, {n} claims", docs.len());
    let mut g = c.benchmark_group("claims");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("news", |b| b.iter(|| run(&mut docs)));
    g.finish();
    corpus::report_cpu_throughput("claims", bytes, 5.0, || run(&mut docs));
}

criterion_group!(benches, bench);
criterion_main!(benches);
