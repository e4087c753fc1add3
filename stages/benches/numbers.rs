//! Throughput of the quantity scanner over real news, in MB/s: once over whole
//! texts (`numbers/extract`), once as the stage runs in the default pipeline,
//! sentence by sentence on documents annotated by the stages before it
//! (`numbers/stage`, also reported per CPU second: the machine is shared).
//! Reads `/work/shared/corpora/ukr_war_news_gdelt/articles.jsonl` when present,
//! else the bundled seeds. Run: `cargo bench -p claimex-stages --bench numbers`.

use claimex_pipeline::Document;
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

mod corpus;

fn bench(c: &mut Criterion) {
    let news = corpus::news();
    let bytes: usize = news.iter().map(|a| a.text.len()).sum();
    let scanner = claimex_stages::numbers::default_scanner();
    let count: usize = news.iter().map(|a| scanner.extract(&a.text).len()).sum();
    println!("{} articles, {bytes} bytes, {count} quantities", news.len());
    // Real news carries figures: at least one per 4 KB on average.
    assert!(count >= bytes / 4096, "implausibly few quantities: {count} in {bytes} bytes");

    let pipeline = corpus::default_pipeline();
    let (mut docs, stage) = corpus::annotated_before(&pipeline, "numbers", &news);
    let run = |docs: &mut Vec<Document>| {
        corpus::run_stage(stage, docs, |d| d.layers.numbers = None, |d| d.layers.numbers.as_ref().map_or(0, Vec::len))
    };
    let in_stage = run(&mut docs);
    // Content sentences only: page furniture is skipped, so fewer than in whole texts.
    assert!(in_stage >= count / 2 && in_stage <= count, "stage found {in_stage} quantities, whole texts {count}");

    let mut g = c.benchmark_group("numbers");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(20);
    g.bench_function("extract", |b| {
        b.iter(|| {
            let n: usize = news.iter().map(|a| scanner.extract(black_box(&a.text)).len()).sum();
            assert_eq!(n, count);
        })
    });
    g.bench_function("stage", |b| b.iter(|| assert_eq!(run(&mut docs), in_stage)));
    g.finish();
    corpus::report_cpu_throughput("numbers/extract", bytes, 3.0, || {
        black_box(news.iter().map(|a| scanner.extract(&a.text).len()).sum::<usize>());
    });
    corpus::report_cpu_throughput("numbers/stage", bytes, 3.0, || {
        black_box(run(&mut docs));
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
