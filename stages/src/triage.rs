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
//! cues = ["lexicons/losses.tsv"]   # the files of the lexicon stages with `label` entries
//! # label = "LOSS", case_sensitive = false, whole_word = true, fold_diacritics = false,
//! # min_length = 0: the matching keys must be those of the cue stages
//! ```
//!
//! The pipeline refuses a config where a lexicon stage has entries of the
//! label from a file missing from `cues`, or matches with other keys
//! ([`check`]): triage would then miss cues that stage finds.
//!
//! Only the sentences holding a candidate figure are scanned, each on its own,
//! and each scan stops at its first cue ([`LexiconStage::finds_any`], which
//! builds no mention). That finds a cue whenever the cue stage finds one
//! inside such a sentence: a match inside the sentence is also a candidate in
//! the sentence alone, and is only passed over there for another cue of the
//! same sentence.

use claimex_pipeline::{BuildContext, CheckError, ConfigError, Document, Layer, Stage, StageError, StageParams};
use serde::Deserialize;

use crate::claims::candidate;
use crate::lexicon::{LexiconParams, LexiconStage};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    /// Lexicon files of the cue words (the `LOSS` stage's).
    cues: Vec<String>,
    /// The label claims read categories from.
    #[serde(default = "loss_label")]
    label: String,
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

fn loss_label() -> String {
    "LOSS".into()
}

pub struct Triage {
    name: String,
    params: Params,
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
    Ok(Box::new(Triage { name: params.name.clone(), params: p, cues }))
}

impl Triage {
    /// Whether some sentence holds a candidate figure and a cue.
    fn may_hold_claim(&self, doc: &Document) -> bool {
        let mut figures: Vec<usize> =
            doc.layers.numbers.iter().flatten().filter(|q| candidate(q)).map(|q| q.span.start).collect();
        // `numbers` writes them in order; a stage of another kind may not.
        if !figures.is_sorted() {
            figures.sort_unstable();
        }
        if figures.is_empty() {
            return false;
        }
        doc.layers.sentences.iter().flatten().any(|s| {
            let i = figures.partition_point(|&f| f < s.span.start);
            i < figures.len() && figures[i] < s.span.end && self.cues.finds_any(doc.slice(s.span))
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
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        if !self.may_hold_claim(doc) {
            doc.settled = true;
        }
        Ok(())
    }
}

/// Every lexicon stage with entries of a triage stage's label must match
/// through its cues: all of its files listed, with the same matching keys.
/// Registered as a [`claimex_pipeline::PipelineCheck`].
pub fn check(stages: &[Box<dyn Stage>]) -> Result<(), CheckError> {
    for (ti, t) in stages.iter().enumerate() {
        let Some(t) = t.downcast::<Triage>() else { continue };
        let tp = &t.params;
        let same = |a: &str, b: &str| a.trim_start_matches("./") == b.trim_start_matches("./");
        for l in stages.iter().filter_map(|s| s.downcast::<LexiconStage>()) {
            if !l.has_label(&tp.label) {
                continue;
            }
            let lp = l.params();
            let missing: Vec<&str> =
                lp.files.iter().filter(|f| !tp.cues.iter().any(|c| same(c, f))).map(String::as_str).collect();
            let fail = |message: String| Err(CheckError { stage: ti, key: "cues", message });
            if !missing.is_empty() {
                return fail(format!(
                    "lexicon stage `{}` has `{}` entries, and its {} not among the cues: add {} to `cues`, \
                     or claims-only runs may settle documents that hold claims",
                    Stage::name(l),
                    tp.label,
                    if missing.len() == 1 { "file is" } else { "files are" },
                    missing.join(", ")
                ));
            }
            if (lp.case_sensitive, lp.whole_word, lp.fold_diacritics, lp.min_length)
                != (tp.case_sensitive, tp.whole_word, tp.fold_diacritics, tp.min_length)
            {
                return fail(format!(
                    "lexicon stage `{}` has `{}` entries but matches with other keys: set case_sensitive, \
                     whole_word, fold_diacritics and min_length as in that stage",
                    Stage::name(l),
                    tp.label
                ));
            }
        }
    }
    Ok(())
}
