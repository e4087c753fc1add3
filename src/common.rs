//! What the subcommands share: loading the config and building the pipeline,
//! opening inputs, locating the bundled corpus.

use std::path::{Path, PathBuf};

use claimex_pipeline::input::{self, BadRecord, InputItem, RawItem};
use claimex_pipeline::{Config, Origin, Pipeline};

/// The config named by `-c`, or the embedded default.
pub fn load_config(path: Option<&Path>) -> Result<Config, String> {
    match path {
        Some(p) => Config::from_file(p).map_err(|e| e.to_string()),
        None => Ok(claimex_stages::default_config()),
    }
}

/// Build the pipeline of a config; relative data paths resolve against the
/// config's directory (falling back to the built-in copy of the same path),
/// or the embedded lexicons for the default config.
pub fn build_pipeline(config: Config) -> Result<Pipeline, String> {
    let root = match &config.base_dir {
        Some(dir) => claimex_pipeline::DataRoot::DirThenEmbedded(dir.clone(), claimex_stages::embedded::FILES),
        None => claimex_stages::embedded_root(),
    };
    Pipeline::build(config, &claimex_stages::registry(), root).map_err(|e| e.to_string())
}

pub fn load_pipeline(path: Option<&Path>) -> Result<Pipeline, String> {
    build_pipeline(load_config(path)?)
}

/// The bundled corpus (the five seed articles): `corpus/seeds` under the
/// working directory, else in the source tree the binary was built from.
pub fn bundled_corpus() -> PathBuf {
    let local = PathBuf::from("corpus/seeds");
    if local.is_dir() {
        local
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds")
    }
}

/// Documents (or bad records) from the inputs, in order, JSONL records not
/// yet parsed ([`RawItem::parse`]).
pub type InputStream = Box<dyn Iterator<Item = RawItem> + Send>;

/// Open every input path. An unreadable path becomes a bad record (so it is
/// accounted for in the summary) unless no path can be read at all.
pub fn open_inputs(
    paths: &[PathBuf],
    cfg: &claimex_pipeline::config::InputConfig,
) -> Result<(InputStream, Option<u64>), String> {
    let mut streams: Vec<InputStream> = Vec::new();
    let mut total = Some(0u64);
    let mut errors = Vec::new();
    for p in paths {
        match input::open(std::slice::from_ref(p), cfg) {
            Ok(inputs) => {
                total = match (total, inputs.total_bytes()) {
                    (Some(a), Some(b)) => Some(a + b),
                    _ => None,
                };
                streams.push(Box::new(inputs.into_raw()));
            }
            Err(e) => {
                errors.push(e.to_string());
                let bad = BadRecord {
                    origin: Origin { path: p.display().to_string(), line: None },
                    id: None,
                    message: e.message.clone(),
                };
                streams.push(Box::new(std::iter::once(InputItem::Bad(bad).into())));
            }
        }
    }
    if errors.len() == paths.len() && !paths.is_empty() {
        return Err(format!("no input can be read:\n  {}", errors.join("\n  ")));
    }
    for e in &errors {
        eprintln!("claimex: warning: {e}");
    }
    Ok((Box::new(streams.into_iter().flatten()), total))
}
