//! Real news for the benches: the GDELT war-news articles when the shared
//! corpora are present, else the bundled seeds.
// Each bench compiles this module on its own and uses only some of it.
#![allow(dead_code)]

use std::path::Path;

use chrono::NaiveDate;
use claimex_pipeline::{Document, Pipeline};

/// The allocator of the `claimex` binary, so that the benches measure the
/// stages as they run in it (glibc's malloc costs a few percent more on the
/// lexicon stages' per-document vectors).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// An article and its publication date, which the dates and claims stages
/// resolve relative dates ("on Tuesday") against.
pub struct Article {
    pub text: String,
    pub published: Option<NaiveDate>,
}

pub fn news() -> Vec<Article> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let gdelt = root.join("../shared/corpora/ukr_war_news_gdelt/articles.jsonl");
    let gdelt = if gdelt.exists() {
        gdelt
    } else {
        Path::new("/work/shared/corpora/ukr_war_news_gdelt/articles.jsonl").to_path_buf()
    };
    if let Ok(text) = std::fs::read_to_string(&gdelt) {
        return text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| {
                let published = v["gdelt_seendate"].as_str().and_then(claimex_pipeline::input::parse_published);
                Some(Article { text: v["text"].as_str()?.to_string(), published })
            })
            .collect();
    }
    std::fs::read_dir(root.join("corpus/seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| Article { text: std::fs::read_to_string(p).unwrap(), published: None })
        .collect()
}

pub fn articles() -> Vec<String> {
    news().into_iter().map(|a| a.text).collect()
}

/// Documents as the runner reads them: id, text and publication date, no layers.
pub fn documents(news: &[Article]) -> Vec<Document> {
    news.iter()
        .enumerate()
        .map(|(i, a)| {
            let mut d = Document::new(i.to_string(), a.text.as_str());
            d.meta.published = a.published;
            d
        })
        .collect()
}

/// The pipeline `claimex run` builds without `-c`: the embedded default config
/// and lexicons.
pub fn default_pipeline() -> Pipeline {
    claimex_stages::default_pipeline()
}

/// The claims found in `docs`, checked to be plausible for real war news:
/// between one per 50 KB and one per KB (the GDELT set has about one per 10 KB),
/// so a broken pipeline cannot look fast.
pub fn checked_claims(name: &str, docs: &[Document], bytes: usize) -> usize {
    let n: usize = docs.iter().map(|d| d.layers.claims.as_ref().map_or(0, Vec::len)).sum();
    assert!(
        n >= bytes / 50_000 && n <= bytes / 1_000,
        "{name}: implausible count of {n} claims for {} articles, {bytes} bytes",
        docs.len()
    );
    n
}

pub fn build(kind: &str) -> Box<dyn claimex_pipeline::Stage> {
    use claimex_pipeline::{BuildContext, Config, DataRoot};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let config =
        Config::parse("bench.toml", &format!("[[stage]]\nkind = \"{kind}\"\n"), Some(root.to_path_buf())).unwrap();
    let ctx = BuildContext::new(DataRoot::Dir(root.to_path_buf()));
    let registry = claimex_stages::registry();
    (registry.get(kind).unwrap().build)(&config.stages[0], &ctx).unwrap()
}

/// CPU seconds used by this process so far (Linux `/proc/self/stat`), so the
/// throughput per core can be reported on a loaded machine where wall time
/// overstates the cost.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Run `f` over the corpus for about `secs` CPU seconds; print MB per CPU second.
pub fn report_cpu_throughput(name: &str, bytes: usize, secs: f64, mut f: impl FnMut()) {
    let Some(start) = cpu_seconds() else { return };
    let mut rounds = 0usize;
    let mut used = 0.0;
    while used < secs {
        f();
        rounds += 1;
        used = cpu_seconds().unwrap_or(start) - start;
    }
    eprintln!(
        "{name}: {:.0} MB per CPU second ({rounds} rounds, {used:.1} CPU s)",
        (rounds * bytes) as f64 / used / 1e6
    );
}

/// Benchmark one stage over the corpus: annotate once, check the count the
/// stage produced with `plausible(count, bytes, docs)`, then measure MB/s.
pub fn bench_stage(
    c: &mut criterion::Criterion,
    kind: &str,
    count: fn(&claimex_pipeline::Document) -> usize,
    plausible: fn(usize, usize, usize) -> bool,
) {
    use claimex_pipeline::Document;
    let articles = articles();
    let bytes: usize = articles.iter().map(String::len).sum();
    let stage = build(kind);
    let mut docs: Vec<Document> =
        articles.iter().enumerate().map(|(i, t)| Document::new(i.to_string(), t.as_str())).collect();
    let run = |docs: &mut Vec<Document>| {
        for d in docs.iter_mut() {
            // Metadata the clean stage fills in must not carry over between runs.
            d.meta = Default::default();
            stage.process(d).unwrap();
        }
    };
    run(&mut docs);
    let n: usize = docs.iter().map(count).sum();
    assert!(
        plausible(n, bytes, docs.len()),
        "{kind}: implausible count {n} for {} articles, {bytes} bytes",
        docs.len()
    );
    eprintln!("{kind}: {} articles, {bytes} bytes, count {n}", docs.len());
    let mut g = c.benchmark_group(kind);
    g.throughput(criterion::Throughput::Bytes(bytes as u64));
    g.bench_function("news", |b| b.iter(|| run(&mut docs)));
    g.finish();
    report_cpu_throughput(kind, bytes, 5.0, || run(&mut docs));
}

/// `news` as documents annotated by every stage of `pipeline` before the first
/// one of `kind`, and that stage: the input a single stage sees in a run.
pub fn annotated_before<'p>(
    pipeline: &'p Pipeline,
    kind: &str,
    news: &[Article],
) -> (Vec<Document>, &'p dyn claimex_pipeline::Stage) {
    let stages = pipeline.stages();
    let at = stages.iter().position(|s| s.kind() == kind).unwrap_or_else(|| panic!("no {kind} stage"));
    let mut docs = documents(news);
    for d in &mut docs {
        for s in &stages[..at] {
            s.process(d).unwrap();
        }
    }
    (docs, stages[at].as_ref())
}

/// Run `stage` once over `docs` as a run would, after `reset` clears the layer
/// it writes (a stale one must not grow or leak between rounds); the sum of
/// `count` over the documents.
pub fn run_stage(
    stage: &dyn claimex_pipeline::Stage,
    docs: &mut [Document],
    reset: fn(&mut Document),
    count: fn(&Document) -> usize,
) -> usize {
    docs.iter_mut()
        .map(|d| {
            reset(d);
            stage.process(d).unwrap();
            count(d)
        })
        .sum()
}
