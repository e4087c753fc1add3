//! Shared harness of the fuzz targets: the default pipeline built once, stages
//! run directly (so a panic reaches the fuzzer instead of becoming an error
//! record), the span invariants checked, and a time budget per input.

use std::io::Write;
use std::sync::OnceLock;
use std::time::Duration;

use claimex_pipeline::input::{self, InputItem};
use claimex_pipeline::output::{self, Format};
use claimex_pipeline::{Document, Needs, Pipeline};

#[path = "../../stages/tests/support/invariants.rs"]
mod invariants;

/// The default pipeline (embedded config and lexicons), built once per process.
pub fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(claimex_stages::default_pipeline)
}

/// Generous CPU-time budget for one document: a hang or a blow-up fails it.
fn budget(bytes: usize) -> Duration {
    Duration::from_secs(2) + Duration::from_micros(20 * bytes as u64)
}

/// CPU time of the calling thread. The budget is CPU time, not wall time: on
/// a shared machine a descheduled fuzzer saw 134 bytes "take" 2.3 s of wall
/// clock that re-ran in a millisecond.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// A document with a publication date, so relative dates resolve.
pub fn document(text: String) -> Document {
    let mut doc = Document::new("fuzz", text);
    doc.meta.published = chrono::NaiveDate::from_ymd_opt(2025, 1, 15);
    doc
}

/// Run every stage up to and including the last one of kind `upto` (all of
/// them for `None`), then check the invariants and the time budget.
pub fn run_stages(doc: &mut Document, upto: Option<&str>) {
    let stages = pipeline().stages();
    let last = match upto {
        Some(kind) => stages.iter().rposition(|s| s.kind() == kind).expect("stage kind in the default config"),
        None => stages.len() - 1,
    };
    let start = thread_cpu();
    for stage in &stages[..=last] {
        if let Err(e) = stage.process(doc) {
            // An error is a legitimate outcome (the runner records it); a panic is not.
            let _ = e;
            return;
        }
        if let Err(e) = invariants::check_spans(doc) {
            panic!("after stage `{}`: {e}", stage.name());
        }
    }
    let took = thread_cpu() - start;
    assert!(took < budget(doc.text.len()), "{} bytes took {took:?}", doc.text.len());
}

/// Text target: the bytes as (lossily decoded) text through the stages up to `upto`.
pub fn text_target(data: &[u8], upto: Option<&str>) {
    let mut doc = document(String::from_utf8_lossy(data).into_owned());
    let mut quick = upto.is_none().then(|| doc.clone());
    run_stages(&mut doc, upto);
    render(&doc);
    // A claims-only run skips the stages after `triage` for the documents it
    // settles: it must find the same claims as the full run.
    if let (Some(q), Some(full)) = (quick.as_mut(), doc.layers.claims.as_ref()) {
        if pipeline().process_for(q, Needs::Claims).is_ok() {
            assert_eq!(q.layers.claims.as_ref(), Some(full), "the claims-only run differs (settled: {})", q.settled);
        }
    }
}

/// Render the document's claims and annotations as the writers do.
fn render(doc: &Document) {
    let records = output::claim_records(doc, true);
    let mut buf = Vec::new();
    output::render_claims(&records, Format::Jsonl, &mut buf);
    output::render_claims(&records, Format::Csv, &mut buf);
    output::render_annotations(doc, &mut buf);
}

/// Bytes target: the first byte picks a reader (JSONL, txt, CSV), the rest is
/// the file; every document read goes through the whole pipeline.
pub fn bytes_target(data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else { return };
    let ext = ["jsonl", "txt", "csv", "jsonl.gz"][pick as usize % 4];
    let path = std::env::temp_dir().join(format!("claimex-fuzz-{}.{ext}", std::process::id()));
    std::fs::File::create(&path).and_then(|mut f| f.write_all(body)).expect("write the fuzz input file");
    let mut cfg = pipeline().config.input.clone();
    cfg.max_document_bytes = 1 << 20;
    let Ok(items) = input::open(&[path], &cfg) else { return };
    for item in items.take(64) {
        if let InputItem::Doc(mut doc) = item {
            run_stages(&mut doc, None);
            render(&doc);
        }
    }
}

/// Scaling target: the input repeated to about 16 KB and 8 times that; the
/// larger must not cost more than 24 times the smaller (linear is 8,
/// quadratic 64). Below ~16 KB fixed costs and timer noise blur the ratio.
pub fn scaling_target(data: &[u8]) {
    if data.is_empty() || data.len() > 512 {
        return;
    }
    let unit = String::from_utf8_lossy(data);
    // CLAIMEX_FUZZ_SMALL=bytes measures a crash input at other sizes.
    let small_bytes = std::env::var("CLAIMEX_FUZZ_SMALL").ok().and_then(|v| v.parse().ok()).unwrap_or(16 << 10);
    let small = unit.repeat(small_bytes / unit.len() + 1);
    let large = small.repeat(8);
    let time = |text: &str| {
        (0..3)
            .map(|_| {
                let mut doc = document(text.to_string());
                let start = thread_cpu();
                run_stages(&mut doc, None);
                thread_cpu() - start
            })
            .min()
            .expect("three runs")
    };
    let (t_small, t_large) = (time(&small), time(&large));
    if std::env::var_os("CLAIMEX_FUZZ_VERBOSE").is_some() {
        eprintln!("{} bytes {t_small:?}, {} bytes {t_large:?}", small.len(), large.len());
    }
    // Below a few milliseconds, timer and scheduler noise dominate.
    if t_large > Duration::from_millis(100) {
        let ratio = t_large.as_secs_f64() / t_small.as_secs_f64().max(1e-6);
        assert!(ratio < 24.0, "8x the input took {ratio:.1}x the time ({t_small:?} → {t_large:?}): super-linear");
    }
}
