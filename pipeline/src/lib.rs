//! claimex core: the document model, annotation layers, the [`Stage`] trait and
//! its registry, the config file, corpus readers and writers, and the batch runner.
//!
//! Stages live in `claimex-stages`; this crate knows none of them by name.

pub mod config;
pub mod document;
pub mod input;
pub mod lexicon;
pub mod stage;

pub use config::{Config, ConfigError, StageParams};
pub use document::*;
pub use input::{BadRecord, InputError, InputItem, Inputs, RawItem};
pub use stage::{
    BuildContext, CheckError, DataFile, DataFileInfo, DataRoot, Layer, PipelineCheck, Registry, Stage, StageError,
    StageKind,
};
pub mod pipeline;
pub use pipeline::{DocFailure, Needs, Pipeline, StageTime};
pub mod record;
pub use record::{ClaimRecord, SCHEMA_VERSION};
pub mod output;
pub mod runner;
pub use runner::{run, FailureRecord, RunError, RunOptions, Summary};
pub mod run_record;
