//! Throughput of the quantity scanner over real news, in MB/s.
//! Reads `/work/shared/corpora/ukr_war_news_gdelt/articles.jsonl` when present,
//! else the bundled seeds. Run: `cargo bench -p claimex-stages --bench numbers`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

fn articles() -> Vec<String> {
    let corpus = "/work/shared/corpora/ukr_war_news_gdelt/articles.jsonl";
    if let Ok(text) = std::fs::read_to_string(corpus) {
        return text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["text"].as_str().map(str::to_string))
            .collect();
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/seeds");
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "txt") {
            out.push(std::fs::read_to_string(e.path()).unwrap());
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let docs = articles();
    let bytes: usize = docs.iter().map(String::len).sum();
    let scanner = claimex_stages::numbers::default_scanner();
    let count: usize = docs.iter().map(|d| scanner.extract(d).len()).sum();
    println!("{} articles, {bytes} bytes, {count} quantities", docs.len());
    // Real news carries figures: at least one per 4 KB on average.
    assert!(count >= bytes / 4096, "implausibly few quantities: {count} in {bytes} bytes");
    let mut g = c.benchmark_group("numbers");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(20);
    g.bench_function("extract", |b| {
        b.iter(|| {
            let mut n = 0;
            for d in &docs {
                n += scanner.extract(black_box(d)).len();
            }
            assert_eq!(n, count);
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
