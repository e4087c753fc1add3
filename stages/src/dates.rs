//! `dates` stage. STUB: produces an empty layer until the real stage lands.

use std::sync::Arc;

use claimex_pipeline::{
    BuildContext, ConfigError, Document, Layer, Stage, StageError, StageParams,
};

pub struct Dates {
    name: Arc<str>,
}

pub fn build(params: &StageParams, _ctx: &BuildContext) -> Result<Box<dyn Stage>, ConfigError> {
    Ok(Box::new(Dates {
        name: Arc::from(params.name.as_str()),
    }))
}

impl Stage for Dates {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "dates"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences]
    }
    fn produces(&self) -> &'static [Layer] {
        &[Layer::Dates]
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        doc.layers.dates.get_or_insert_with(Vec::new);
        Ok(())
    }
}
