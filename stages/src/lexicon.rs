//! `lexicon` stage. STUB: produces an empty layer until the real stage lands.

use std::sync::Arc;

use claimex_pipeline::{
    BuildContext, ConfigError, Document, Layer, Stage, StageError, StageParams,
};

pub struct Lexicon {
    name: Arc<str>,
}

pub fn build(params: &StageParams, _ctx: &BuildContext) -> Result<Box<dyn Stage>, ConfigError> {
    Ok(Box::new(Lexicon {
        name: Arc::from(params.name.as_str()),
    }))
}

impl Stage for Lexicon {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "lexicon"
    }
    fn requires(&self) -> &'static [Layer] {
        &[]
    }
    fn produces(&self) -> &'static [Layer] {
        &[Layer::Mentions]
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        doc.layers.mentions.get_or_insert_with(Vec::new);
        Ok(())
    }
}
