//! `sentences`: sentence boundaries on UAX #29 with news corrections.
//! STUB: plain UAX #29 boundaries only.

use std::sync::Arc;

use claimex_pipeline::{
    BuildContext, ConfigError, Document, Layer, Sentence, SentenceKind, Span, Stage, StageError, StageParams,
};
use serde::Deserialize;
use unicode_segmentation::UnicodeSegmentation;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {}

pub struct Sentences {
    name: Arc<str>,
}

pub fn build(params: &StageParams, _ctx: &BuildContext) -> Result<Box<dyn Stage>, ConfigError> {
    let _p: Params = params.parse()?;
    Ok(Box::new(Sentences { name: Arc::from(params.name.as_str()) }))
}

impl Stage for Sentences {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "sentences"
    }
    fn requires(&self) -> &'static [Layer] {
        &[]
    }
    fn produces(&self) -> &'static [Layer] {
        &[Layer::Sentences]
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let mut out = Vec::new();
        for (start, s) in doc.text.split_sentence_bound_indices() {
            let trimmed = s.trim_end();
            let lead = trimmed.len() - trimmed.trim_start().len();
            if trimmed.trim().is_empty() {
                continue;
            }
            out.push(Sentence {
                span: Span::new(start + lead, start + trimmed.len()),
                kind: SentenceKind::Text,
                paragraph: 0,
            });
        }
        doc.layers.sentences = Some(out);
        Ok(())
    }
}
