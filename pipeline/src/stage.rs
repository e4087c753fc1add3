//! The stage interface and the registry of stage kinds.
//!
//! A stage is a small trait object: a name, the layers it needs and produces,
//! and one method over a document. Built-in stages are registered by kind name
//! in a [`Registry`]; the config lists stages as `{kind, name, params…}` and the
//! pipeline checks, before the first document, that every stage's inputs are
//! produced by an earlier one. Everything a stage needs (automata, tables) is
//! built once in its builder, never per document.

use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{ConfigError, StageParams};
use crate::document::Document;

/// The annotation layers of [`crate::document::Layers`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    Regions,
    Sentences,
    Mentions,
    Numbers,
    Dates,
    Claims,
}

impl Layer {
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Regions => "regions",
            Layer::Sentences => "sentences",
            Layer::Mentions => "mentions",
            Layer::Numbers => "numbers",
            Layer::Dates => "dates",
            Layer::Claims => "claims",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stage failed on one document. The runner records it and goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageError {
    pub message: String,
}

impl StageError {
    pub fn new(message: impl Into<String>) -> Self {
        StageError { message: message.into() }
    }
}

impl fmt::Display for StageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StageError {}

/// One processing step over a document.
pub trait Stage: Send + Sync {
    /// The configured name (unique in a pipeline; defaults to the kind).
    fn name(&self) -> &str;
    /// The registered kind (`lexicon`, `numbers`, …).
    fn kind(&self) -> &'static str;
    /// Layers that must exist before this stage runs.
    fn requires(&self) -> &'static [Layer];
    /// Layers this stage creates or appends to.
    fn produces(&self) -> &'static [Layer];
    /// Annotate one document. Must not modify `doc.text`.
    fn process(&self, doc: &mut Document) -> Result<(), StageError>;

    /// The stage as `Any`, for [`PipelineCheck`]s that read the settings of
    /// stages of their kind; `None` for stages no check reads.
    fn as_any(&self) -> Option<&dyn Any> {
        None
    }
}

impl dyn Stage {
    /// The stage as its concrete type, for [`PipelineCheck`]s; `None` for
    /// stages of another type or that do not expose themselves by `as_any`.
    pub fn downcast<T: Any>(&self) -> Option<&T> {
        self.as_any().and_then(|a| a.downcast_ref::<T>())
    }
}

/// A rule one stage kind needs the other stages of a pipeline to keep (the
/// `triage` cues must cover every lexicon of the loss label), checked once
/// every stage is built; the error names a stage (by index) and its key.
pub type PipelineCheck = fn(&[Box<dyn Stage>]) -> Result<(), CheckError>;

/// A broken [`PipelineCheck`] rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckError {
    /// Index of the stage whose setting must change.
    pub stage: usize,
    pub key: &'static str,
    pub message: String,
}

/// Builds a stage from its config entry.
pub type StageBuilder = fn(&StageParams, &BuildContext) -> Result<Box<dyn Stage>, ConfigError>;

/// A registered stage kind.
#[derive(Clone, Copy)]
pub struct StageKind {
    pub kind: &'static str,
    /// One line for `claimex stages` and error messages.
    pub summary: &'static str,
    pub build: StageBuilder,
}

/// The table of stage kinds a config may name.
#[derive(Default, Clone)]
pub struct Registry {
    kinds: Vec<StageKind>,
    checks: Vec<PipelineCheck>,
}

impl Registry {
    pub fn new() -> Self {
        Registry::default()
    }

    /// Register a kind; a later registration of the same name replaces the earlier.
    pub fn register(&mut self, kind: StageKind) -> &mut Self {
        self.kinds.retain(|k| k.kind != kind.kind);
        self.kinds.push(kind);
        self
    }

    /// Add a rule across stages, checked by [`crate::Pipeline::build`].
    pub fn check(&mut self, check: PipelineCheck) -> &mut Self {
        self.checks.push(check);
        self
    }

    pub fn checks(&self) -> &[PipelineCheck] {
        &self.checks
    }

    pub fn get(&self, kind: &str) -> Option<&StageKind> {
        self.kinds.iter().find(|k| k.kind == kind)
    }

    pub fn kinds(&self) -> impl Iterator<Item = &StageKind> {
        self.kinds.iter()
    }

    /// The valid kind names, for error messages.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<_> = self.kinds.iter().map(|k| k.kind).collect();
        names.sort_unstable();
        names
    }
}

/// A data file (lexicon, rule list) a stage loaded, recorded in the run record.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DataFileInfo {
    /// The path as resolved (`builtin:lexicons/actors.tsv` for embedded copies).
    pub path: String,
    /// BLAKE3 hash of the contents.
    pub hash: String,
    pub bytes: usize,
}

/// A loaded data file.
#[derive(Clone, Debug)]
pub struct DataFile {
    pub info: DataFileInfo,
    pub text: Arc<str>,
}

/// Where relative data-file paths in a config resolve.
#[derive(Clone, Debug)]
pub enum DataRoot {
    /// Relative to this directory (the config file's directory).
    Dir(PathBuf),
    /// The embedded copies shipped in the binary (for the embedded default config).
    Embedded(&'static [(&'static str, &'static str)]),
    /// Relative to the directory, falling back to the embedded copy of the same
    /// path: a user config can name the built-in lexicons from anywhere.
    DirThenEmbedded(PathBuf, &'static [(&'static str, &'static str)]),
}

/// What a stage builder gets besides its parameters.
pub struct BuildContext {
    pub root: DataRoot,
    loaded: RefCell<Vec<DataFileInfo>>,
    /// Build-time state shared by the stages of one pipeline, one value per type.
    shared: RefCell<Vec<Arc<dyn Any + Send + Sync>>>,
}

impl BuildContext {
    pub fn new(root: DataRoot) -> Self {
        BuildContext { root, loaded: RefCell::new(Vec::new()), shared: RefCell::new(Vec::new()) }
    }

    /// The value of type `T` shared by every stage built with this context,
    /// created on first use: lets stages of one kind pool work (the lexicon
    /// stages compile one automaton for all of them).
    pub fn shared<T: Any + Send + Sync + Default>(&self) -> Arc<T> {
        let mut shared = self.shared.borrow_mut();
        if let Some(found) = shared.iter().find_map(|s| Arc::clone(s).downcast::<T>().ok()) {
            return found;
        }
        let value = Arc::new(T::default());
        shared.push(Arc::clone(&value) as Arc<dyn Any + Send + Sync>);
        value
    }

    /// Load a data file named in the config, recording its hash for the run record.
    pub fn load(&self, path: &str) -> Result<DataFile, String> {
        let (display, text): (String, Arc<str>) = match &self.root {
            DataRoot::DirThenEmbedded(dir, files) => {
                let full = if Path::new(path).is_absolute() { PathBuf::from(path) } else { dir.join(path) };
                let key = path.trim_start_matches("./");
                match std::fs::read_to_string(&full) {
                    Ok(text) => (full.display().to_string(), Arc::from(text)),
                    Err(e) => match files.iter().find(|(name, _)| *name == key) {
                        Some((_, text)) => (format!("builtin:{key}"), Arc::from(*text)),
                        None => return Err(format!("cannot read data file {}: {e}", full.display())),
                    },
                }
            }
            DataRoot::Dir(dir) => {
                let full = if Path::new(path).is_absolute() { PathBuf::from(path) } else { dir.join(path) };
                let text = std::fs::read_to_string(&full)
                    .map_err(|e| format!("cannot read data file {}: {e}", full.display()))?;
                (full.display().to_string(), Arc::from(text))
            }
            DataRoot::Embedded(files) => {
                let key = path.trim_start_matches("./");
                match files.iter().find(|(name, _)| *name == key) {
                    Some((_, text)) => (format!("builtin:{key}"), Arc::from(*text)),
                    None => {
                        // Not shipped in the binary: fall back to the working directory.
                        let text = std::fs::read_to_string(path)
                            .map_err(|e| format!("data file {path} is neither built in nor readable: {e}"))?;
                        (path.to_string(), Arc::from(text))
                    }
                }
            }
        };
        let info =
            DataFileInfo { path: display, hash: blake3::hash(text.as_bytes()).to_hex().to_string(), bytes: text.len() };
        self.loaded.borrow_mut().push(info.clone());
        Ok(DataFile { info, text })
    }

    /// Every data file loaded so far, in load order.
    pub fn loaded(&self) -> Vec<DataFileInfo> {
        self.loaded.borrow().clone()
    }
}
