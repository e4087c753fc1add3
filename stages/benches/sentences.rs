//! Sentence splitting throughput over real news (MB/s).

use criterion::{criterion_group, criterion_main, Criterion};

mod corpus;

fn bench(c: &mut Criterion) {
    corpus::bench_stage(
        c,
        "sentences",
        |d| d.layers.sentences.as_ref().map_or(0, Vec::len),
        // News sentences average 100-200 bytes.
        |n, bytes, _| n > bytes / 400 && n < bytes / 40,
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
