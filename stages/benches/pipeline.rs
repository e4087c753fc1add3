//! Throughput of the whole default pipeline (one document at a time, as a
//! runner thread does) over real news (MB/s): `pipeline/news` runs every
//! stage on every document (as with `--annotations`), `pipeline/claims_only`
//! skips the stages after `triage` for the documents it settles (as a run
//! writing only claims). Reading input and writing output are not included:
//! `scripts/bench-corpus` measures those.
//!
//! `cargo bench -p claimex-stages --bench pipeline`

use claimex_pipeline::{Document, Layers, Metadata, Needs};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

mod corpus;

fn bench(c: &mut Criterion) {
    let news = corpus::news();
    let bytes: usize = news.iter().map(|a| a.text.len()).sum();
    let pipeline = corpus::default_pipeline();
    let mut docs = corpus::documents(&news);
    let run_for = |docs: &mut Vec<Document>, needs: Needs| {
        for d in docs.iter_mut() {
            // Start each round as read: no layers, only the input's metadata
            // (the clean stage fills in the rest).
            d.layers = Layers::default();
            d.meta = Metadata { published: d.meta.published, ..Metadata::default() };
            d.settled = false;
            pipeline.process_for(d, needs).unwrap();
        }
    };
    let run = |docs: &mut Vec<Document>| run_for(docs, Needs::Everything);
    let quick = |docs: &mut Vec<Document>| run_for(docs, Needs::Claims);
    quick(&mut docs);
    let claims_only: Vec<_> = docs.iter().map(|d| d.layers.claims.clone()).collect();
    let settled = docs.iter().filter(|d| d.settled).count();
    run(&mut docs);
    let n = corpus::checked_claims("pipeline", &docs, bytes);
    assert!(
        docs.iter().map(|d| &d.layers.claims).eq(claims_only.iter()),
        "pipeline: the claims-only run found other claims"
    );
    let sentences: usize = docs.iter().map(|d| d.layers.sentences.as_ref().map_or(0, Vec::len)).sum();
    // Sentences show every stage ran: news has more than one per KB.
    assert!(sentences >= bytes / 1_000, "pipeline: implausibly few sentences ({sentences}) for {bytes} bytes");
    eprintln!(
        "pipeline: {} stages, {} articles ({settled} settled by triage), {bytes} bytes, {sentences} sentences, \
         {n} claims",
        pipeline.stages().len(),
        docs.len()
    );
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("news", |b| b.iter(|| run(&mut docs)));
    g.bench_function("claims_only", |b| b.iter(|| quick(&mut docs)));
    g.finish();
    corpus::report_cpu_throughput("pipeline", bytes, 5.0, || run(&mut docs));
    corpus::report_cpu_throughput("pipeline/claims_only", bytes, 5.0, || quick(&mut docs));
}

criterion_group!(benches, bench);
criterion_main!(benches);
