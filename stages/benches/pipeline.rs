//! Throughput of the whole default pipeline (every stage, one document at a
//! time, as a runner thread does) over real news (MB/s). Reading input and
//! writing output are not included: `scripts/bench-corpus` measures those.
//!
//! `cargo bench -p claimex-stages --bench pipeline`

use claimex_pipeline::{Document, Layers, Metadata};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

mod corpus;

fn bench(c: &mut Criterion) {
    let news = corpus::news();
    let bytes: usize = news.iter().map(|a| a.text.len()).sum();
    let pipeline = corpus::default_pipeline();
    let mut docs = corpus::documents(&news);
    let run = |docs: &mut Vec<Document>| {
        for d in docs.iter_mut() {
            // Start each round as read: no layers, only the input's metadata
            // (the clean stage fills in the rest).
            d.layers = Layers::default();
            d.meta = Metadata { published: d.meta.published, ..Metadata::default() };
            pipeline.process(d).unwrap();
        }
    };
    run(&mut docs);
    let n = corpus::checked_claims("pipeline", &docs, bytes);
    let sentences: usize = docs.iter().map(|d| d.layers.sentences.as_ref().map_or(0, Vec::len)).sum();
    // Sentences show every stage ran: news has more than one per KB.
    assert!(sentences >= bytes / 1_000, "pipeline: implausibly few sentences ({sentences}) for {bytes} bytes");
    eprintln!(
        "pipeline: {} stages, {} articles, {bytes} bytes, {sentences} sentences, {n} claims",
        pipeline.stages().len(),
        docs.len()
    );
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("news", |b| b.iter(|| run(&mut docs)));
    g.finish();
    corpus::report_cpu_throughput("pipeline", bytes, 5.0, || run(&mut docs));
}

criterion_group!(benches, bench);
criterion_main!(benches);
