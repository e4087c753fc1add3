//! Throughput of the date finder over real news, in MB/s.
//!
//! Reads `/work/shared/corpora/ukr_war_news_gdelt/articles.jsonl` when present
//! (each article with its publication date), else the bundled seed articles.
//! The expected count (dates found) is checked so a broken finder cannot look fast.

use std::hint::black_box;

use chrono::NaiveDate;
use claimex_stages::dates::DateExtractor;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const GDELT: &str = "/work/shared/corpora/ukr_war_news_gdelt/articles.jsonl";

fn corpus() -> (&'static str, Vec<(String, Option<NaiveDate>)>) {
    if let Ok(text) = std::fs::read_to_string(GDELT) {
        let docs = text
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .map(|v| {
                let published =
                    v["gdelt_seendate"].as_str().and_then(|d| NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok());
                (v["text"].as_str().unwrap_or_default().to_string(), published)
            })
            .collect();
        return ("gdelt", docs);
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/seeds");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("seed directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    let docs = paths
        .iter()
        .map(|p| (std::fs::read_to_string(p).expect("seed"), NaiveDate::from_ymd_opt(2025, 1, 1)))
        .collect();
    ("seeds", docs)
}

fn bench(c: &mut Criterion) {
    let (name, docs) = corpus();
    let extractor = DateExtractor::builtin();
    let bytes: usize = docs.iter().map(|(t, _)| t.len()).sum();
    let mut out = Vec::new();
    let run = |out: &mut Vec<_>| {
        out.clear();
        for (text, published) in &docs {
            extractor.extract_range(text, 0..text.len(), *published, out);
        }
        out.len()
    };
    let found = run(&mut out);
    // The gdelt corpus (1.9 MB) holds about 2,100 date expressions; the seeds about 40.
    let expected_min = if name == "gdelt" { 1_500 } else { 30 };
    assert!(found >= expected_min, "{name}: found {found} dates, expected at least {expected_min}");
    eprintln!("{name}: {} documents, {bytes} bytes, {found} dates", docs.len());
    // The machine is shared: also report throughput per CPU second of this
    // process (from /proc, 10 ms ticks), which other load does not distort.
    if let Some(start) = cpu_seconds() {
        let rounds = 100;
        for _ in 0..rounds {
            black_box(run(&mut out));
        }
        if let Some(end) = cpu_seconds() {
            let mb = (bytes * rounds) as f64 / 1e6;
            eprintln!("{name}: {:.0} MB per CPU second ({rounds} rounds)", mb / (end - start));
        }
    }

    let mut group = c.benchmark_group("dates");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(name, |b| b.iter(|| black_box(run(&mut out))));
    group.finish();
}

/// User + system CPU time of this process, in seconds (Linux only).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

criterion_group!(benches, bench);
criterion_main!(benches);
