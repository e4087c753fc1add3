//! The run record: a small JSON file written beside the output so two runs can
//! be compared and reproduced (version, resolved config and its hash, each data
//! file's hash, the inputs, the counts and timings).

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::output::AtomicFile;
use crate::pipeline::Pipeline;
use crate::runner::Summary;
use crate::stage::DataFileInfo;

#[derive(Serialize)]
struct StageInfo<'a> {
    name: &'a str,
    kind: &'a str,
}

#[derive(Serialize)]
struct ConfigInfo<'a> {
    name: &'a str,
    hash: String,
    text: &'a str,
}

#[derive(Serialize)]
pub struct RunRecord<'a> {
    claimex_version: &'a str,
    schema_version: u32,
    /// Seconds since the Unix epoch when the run finished.
    finished_at: u64,
    config: ConfigInfo<'a>,
    stages: Vec<StageInfo<'a>>,
    data_files: &'a [DataFileInfo],
    inputs: &'a [String],
    output: Option<String>,
    annotations: Option<String>,
    format: &'a str,
    summary: &'a Summary,
}

impl<'a> RunRecord<'a> {
    pub fn new(
        version: &'a str,
        pipeline: &'a Pipeline,
        inputs: &'a [String],
        output: Option<&Path>,
        annotations: Option<&Path>,
        format: &'a str,
        summary: &'a Summary,
    ) -> Self {
        RunRecord {
            claimex_version: version,
            schema_version: crate::record::SCHEMA_VERSION,
            finished_at: std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
            config: ConfigInfo {
                name: &pipeline.config.source.name,
                hash: pipeline.config.hash(),
                text: pipeline.config.text(),
            },
            stages: pipeline.stages().iter().map(|s| StageInfo { name: s.name(), kind: s.kind() }).collect(),
            data_files: &pipeline.data_files,
            inputs,
            output: output.map(|p| p.display().to_string()),
            annotations: annotations.map(|p| p.display().to_string()),
            format,
            summary,
        }
    }

    /// Write the record atomically as pretty JSON.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let mut f = AtomicFile::create(path)?;
        serde_json::to_writer_pretty(&mut f, self).map_err(std::io::Error::other)?;
        f.write_all(b"\n")?;
        f.commit()
    }
}
