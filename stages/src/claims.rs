//! `claims` stage. STUB: produces an empty layer until the real stage lands.

use std::sync::Arc;

use claimex_pipeline::{
    BuildContext, ConfigError, Document, Layer, Stage, StageError, StageParams,
};

pub struct Claims {
    name: Arc<str>,
}

pub fn build(params: &StageParams, _ctx: &BuildContext) -> Result<Box<dyn Stage>, ConfigError> {
    Ok(Box::new(Claims {
        name: Arc::from(params.name.as_str()),
    }))
}

impl Stage for Claims {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "claims"
    }
    fn requires(&self) -> &'static [Layer] {
        &[
            Layer::Sentences,
            Layer::Mentions,
            Layer::Numbers,
            Layer::Dates,
        ]
    }
    fn produces(&self) -> &'static [Layer] {
        &[Layer::Claims]
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        doc.layers.claims.get_or_insert_with(Vec::new);
        Ok(())
    }
}
