//! `numbers` stage. STUB: produces an empty layer until the real stage lands.

use std::sync::Arc;

use claimex_pipeline::{
    BuildContext, ConfigError, Document, Layer, Stage, StageError, StageParams,
};

pub struct Numbers {
    name: Arc<str>,
}

pub fn build(params: &StageParams, _ctx: &BuildContext) -> Result<Box<dyn Stage>, ConfigError> {
    Ok(Box::new(Numbers {
        name: Arc::from(params.name.as_str()),
    }))
}

impl Stage for Numbers {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "numbers"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences]
    }
    fn produces(&self) -> &'static [Layer] {
        &[Layer::Numbers]
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        doc.layers.numbers.get_or_insert_with(Vec::new);
        Ok(())
    }
}
