//! A built pipeline: the configured stages, compiled once and shared by all
//! worker threads.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use crate::config::{Config, ConfigError};
use crate::document::Document;
use crate::stage::{BuildContext, DataFileInfo, DataRoot, Layer, Registry, Stage};

/// A document on which a stage failed (error or panic). The batch goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocFailure {
    pub stage: String,
    pub message: String,
}

/// A counter on a cache line of its own, so threads adding to neighbouring
/// counters do not contend.
#[derive(Default)]
#[repr(align(64))]
struct Counter(AtomicU64);

/// Stage times are added to one of this many sets of counters, by thread: a
/// set shared by all threads moved its cache lines from core to core for
/// every stage of every document.
const SHARDS: usize = 8;

/// This thread's set of stage counters.
fn shard() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SHARD: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
    }
    SHARD.with(|s| *s)
}

/// Time spent in one stage over a run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StageTime {
    pub stage: String,
    pub seconds: f64,
}

/// What a caller reads from a processed document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// Every layer (annotations output, `explain`): every stage runs.
    Everything,
    /// Claims only: documents settled early skip the stages left.
    Claims,
}

pub struct Pipeline {
    stages: Vec<Box<dyn Stage>>,
    /// Nanoseconds spent in each stage, summed over threads: the run's profile.
    /// Nanoseconds per stage, [`SHARDS`] sets of them: set `k` is
    /// `stage_nanos[k * stages.len()..][..stages.len()]`.
    stage_nanos: Vec<Counter>,
    pub config: Config,
    /// Every data file the stages loaded, with hashes, for the run record.
    pub data_files: Vec<DataFileInfo>,
}

impl Pipeline {
    /// Build every stage of `config` with the kinds of `registry`, checking that
    /// each stage's required layers are produced by an earlier stage.
    pub fn build(config: Config, registry: &Registry, root: DataRoot) -> Result<Pipeline, ConfigError> {
        let ctx = BuildContext::new(root);
        let mut produced: Vec<Layer> = Vec::new();
        let mut stages = Vec::with_capacity(config.stages.len());
        for params in &config.stages {
            let kind = registry.get(&params.kind).ok_or_else(|| {
                params.kind_error(format!(
                    "unknown stage kind `{}`, expected one of: {}",
                    params.kind,
                    registry.names().join(", ")
                ))
            })?;
            let stage = (kind.build)(params, &ctx)?;
            for need in stage.requires() {
                if !produced.contains(need) {
                    return Err(params.kind_error(format!(
                        "stage `{}` needs the `{need}` layer, which no earlier stage produces; \
                         put a stage that produces it before this one",
                        params.name
                    )));
                }
            }
            produced.extend_from_slice(stage.produces());
            stages.push(stage);
        }
        for check in registry.checks() {
            check(&stages).map_err(|e| config.stages[e.stage].error(e.key, e.message))?;
        }
        let stage_nanos = (0..stages.len() * SHARDS).map(|_| Counter::default()).collect();
        Ok(Pipeline { stages, stage_nanos, config, data_files: ctx.loaded() })
    }

    /// Seconds spent in each stage so far (summed over threads), in stage order.
    pub fn stage_seconds(&self) -> Vec<StageTime> {
        let n = self.stages.len();
        self.stages
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let nanos: u64 = (0..SHARDS).map(|k| self.stage_nanos[k * n + i].0.load(Ordering::Relaxed)).sum();
                StageTime { stage: s.name().to_string(), seconds: nanos as f64 / 1e9 }
            })
            .collect()
    }

    pub fn stages(&self) -> &[Box<dyn Stage>] {
        &self.stages
    }

    /// Run every stage over one document. A stage error or panic stops this
    /// document only and is returned for the errors file.
    pub fn process(&self, doc: &mut Document) -> Result<(), DocFailure> {
        self.process_for(doc, Needs::Everything)
    }

    /// Run the stages `needs` calls for: with [`Needs::Claims`], a document
    /// a stage has `settled` (it cannot hold a claim) skips the stages after
    /// that one and gets an empty claims layer.
    pub fn process_for(&self, doc: &mut Document, needs: Needs) -> Result<(), DocFailure> {
        let counters = &self.stage_nanos[shard() * self.stages.len()..][..self.stages.len()];
        // One clock read per stage: a stage's end is the next one's start.
        let mut start = Instant::now();
        for (stage, nanos) in self.stages.iter().zip(counters) {
            let result = catch_unwind(AssertUnwindSafe(|| stage.process(doc)));
            let end = Instant::now();
            nanos.0.fetch_add((end - start).as_nanos() as u64, Ordering::Relaxed);
            start = end;
            match result {
                Ok(Ok(())) if needs == Needs::Claims && doc.settled => {
                    doc.layers.claims.get_or_insert_with(Vec::new);
                    break;
                }
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(DocFailure { stage: stage.name().to_string(), message: e.message }),
                Err(panic) => {
                    let message = format!("panic: {}", panic_message(&*panic));
                    return Err(DocFailure { stage: stage.name().to_string(), message });
                }
            }
        }
        Ok(())
    }
}

/// What a panic said (its `&str` or `String` payload).
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}
