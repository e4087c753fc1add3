//! A built pipeline: the configured stages, compiled once and shared by all
//! worker threads.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::config::{Config, ConfigError};
use crate::document::Document;
use crate::stage::{BuildContext, DataFileInfo, DataRoot, Layer, Registry, Stage};

/// A document on which a stage failed (error or panic). The batch goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocFailure {
    pub stage: String,
    pub message: String,
}

pub struct Pipeline {
    stages: Vec<Box<dyn Stage>>,
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
        Ok(Pipeline { stages, config, data_files: ctx.loaded() })
    }

    pub fn stages(&self) -> &[Box<dyn Stage>] {
        &self.stages
    }

    /// Run every stage over one document. A stage error or panic stops this
    /// document only and is returned for the errors file.
    pub fn process(&self, doc: &mut Document) -> Result<(), DocFailure> {
        for stage in &self.stages {
            let result = catch_unwind(AssertUnwindSafe(|| stage.process(doc)));
            match result {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(DocFailure { stage: stage.name().to_string(), message: e.message }),
                Err(panic) => {
                    let message = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "stage panicked".to_string());
                    return Err(DocFailure { stage: stage.name().to_string(), message: format!("panic: {message}") });
                }
            }
        }
        Ok(())
    }
}
