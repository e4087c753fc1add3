//! `clean`: marks (never deletes) regions that are not article text.
//! STUB: marks nothing yet.

use std::sync::Arc;

use claimex_pipeline::{BuildContext, ConfigError, Document, Layer, Stage, StageError, StageParams};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {}

pub struct Clean {
    name: Arc<str>,
}

pub fn build(params: &StageParams, _ctx: &BuildContext) -> Result<Box<dyn Stage>, ConfigError> {
    let _p: Params = params.parse()?;
    Ok(Box::new(Clean { name: Arc::from(params.name.as_str()) }))
}

impl Stage for Clean {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "clean"
    }
    fn requires(&self) -> &'static [Layer] {
        &[]
    }
    fn produces(&self) -> &'static [Layer] {
        &[Layer::Regions]
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        doc.layers.regions.get_or_insert_with(Vec::new);
        Ok(())
    }
}
