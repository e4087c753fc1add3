//! Page cleaning throughput over real news (MB/s).

use criterion::{criterion_group, criterion_main, Criterion};

mod corpus;

fn bench(c: &mut Criterion) {
    corpus::bench_stage(
        c,
        "clean",
        |d| d.layers.regions.as_ref().map_or(0, Vec::len),
        // Some furniture and titles, but far fewer regions than lines.
        |n, _, docs| n > 0 && n < docs * 20,
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
