//! `triage`: settles the documents that cannot hold a claim, so that a run
//! writing only claims skips the costly stages after it for them.
//!
//! A claim's first figure needs a cue of its category (a loss word) in its own
//! sentence: `claims` reads every category from a `LOSS` mention in the
//! figure's sentence, or from an earlier claim of the document. So a document
//! with no sentence holding both a [candidate figure](crate::claims::candidate)
//! and a cue yields no claim, and most news (prices, scores, percentages,
//! dates) is settled here after `numbers`, before the lexicon, date and claim
//! stages. With `--annotations` (or `explain`) every stage still runs.
//!
//! ```toml
//! [[stage]]
//! kind = "triage"
//! cues = ["lexicons/losses.tsv"]   # the cue stage's files
//! # case_sensitive = false, whole_word = true, fold_diacritics = false, min_length = 0:
//! # set them as in the cue stage, or triage may settle a document that has a cue
//! ```
//!
//! Only the sentences holding a candidate figure are scanned, each on its own.
//! That finds a cue whenever the cue stage finds one inside such a sentence: a
//! match inside the sentence is also a candidate in the sentence alone, and is
//! only passed over there for another cue of the same sentence.

use claimex_pipeline::{BuildContext, ConfigError, Document, Layer, Stage, StageError, StageParams};
use serde::Deserialize;

use crate::claims::candidate;
use crate::lexicon::{LexiconParams, LexiconStage};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    /// Lexicon files of the cue words (the `LOSS` stage's).
    cues: Vec<String>,
    #[serde(default)]
    case_sensitive: bool,
    #[serde(default = "yes")]
    whole_word: bool,
    #[serde(default)]
    fold_diacritics: bool,
    #[serde(default)]
    min_length: usize,
}

fn yes() -> bool {
    true
}

pub struct Triage {
    name: String,
    /// The cue lexicons as a stage of their own (not in the pipeline's lexicon
    /// group, whose first scan would tag every lexicon at once).
    cues: LexiconStage,
}

pub fn build(params: &StageParams, ctx: &BuildContext) -> Result<Box<dyn Stage>, ConfigError> {
    let p: Params = params.parse()?;
    if p.cues.is_empty() {
        return Err(params.error("cues", "no cue lexicons: list at least one file"));
    }
    let lexicons = crate::lexicon::load(params, ctx, "cues", &p.cues)?;
    let settings = LexiconParams {
        case_sensitive: p.case_sensitive,
        whole_word: p.whole_word,
        fold_diacritics: p.fold_diacritics,
        min_length: p.min_length,
        ..LexiconParams::new(p.cues.clone(), "CUE")
    };
    let cues = LexiconStage::from_lexicons(&params.name, &settings, lexicons).map_err(|e| params.error("cues", e))?;
    Ok(Box::new(Triage { name: params.name.clone(), cues }))
}

impl Triage {
    /// Whether some sentence holds a candidate figure and a cue.
    fn may_hold_claim(&self, doc: &Document) -> bool {
        let figures: Vec<usize> =
            doc.layers.numbers.iter().flatten().filter(|q| candidate(q)).map(|q| q.span.start).collect();
        if figures.is_empty() {
            return false;
        }
        doc.layers.sentences.iter().flatten().any(|s| {
            let i = figures.partition_point(|&f| f < s.span.start);
            i < figures.len() && figures[i] < s.span.end && !self.cues.find(doc.slice(s.span)).is_empty()
        })
    }
}

impl Stage for Triage {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "triage"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences, Layer::Numbers]
    }
    fn produces(&self) -> &'static [Layer] {
        &[]
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        if !self.may_hold_claim(doc) {
            doc.settled = true;
        }
        Ok(())
    }
}
