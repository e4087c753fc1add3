//! `sentences`: sentence, heading and list-item boundaries for scraped news.
//!
//! UAX #29 (unicode-segmentation) decides the boundaries the news corrections
//! leave open; the corrections handle what UAX #29 gets wrong on news:
//! abbreviations and initials (a per-language lexicon), lowercase
//! continuations after `!`/`?`, multi-sentence quotations, ellipses, and line
//! structure (headlines, bullets and blank lines end sentences; wrapped lines
//! do not). Text inside skipped regions (page furniture) is left out and no
//! sentence crosses into one. See `sentences/split.rs` for the algorithm.

mod abbrev;
mod scan;
mod split;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use claimex_pipeline::{BuildContext, ConfigError, Document, Layer, Sentence, Span, Stage, StageError, StageParams};
use serde::Deserialize;

pub(crate) use abbrev::data_lines;
pub use abbrev::{AbbrevClass, Abbreviations};
pub(crate) use split::ends_terminal;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    /// Abbreviation lexicons, one per language; the file stem is the language (`en.txt`).
    #[serde(default = "default_abbreviations")]
    abbreviations: Vec<String>,
    /// The language used when a document's language has no lexicon.
    #[serde(default = "default_language")]
    default_language: String,
}

fn default_abbreviations() -> Vec<String> {
    vec!["lexicons/abbreviations/en.txt".into()]
}

fn default_language() -> String {
    "en".into()
}

/// The sentence splitter with its lexicons; usable without a pipeline.
#[derive(Clone, Debug)]
pub struct Splitter {
    by_language: BTreeMap<String, Abbreviations>,
    default_language: String,
}

impl Splitter {
    /// A splitter with one lexicon per language and the fallback language.
    pub fn new(by_language: BTreeMap<String, Abbreviations>, default_language: &str) -> Result<Splitter, String> {
        if !by_language.contains_key(default_language) {
            return Err(format!(
                "no abbreviation lexicon for the default language `{default_language}` (have: {})",
                by_language.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        Ok(Splitter { by_language, default_language: default_language.to_string() })
    }

    fn lexicon(&self, language: Option<&str>) -> &Abbreviations {
        let lang = language.map(|l| l.split(['-', '_']).next().unwrap_or(l).to_ascii_lowercase());
        lang.and_then(|l| self.by_language.get(&l)).unwrap_or_else(|| &self.by_language[&self.default_language])
    }

    /// Sentences of `text` outside `skipped` (any order, may overlap).
    pub fn split(&self, text: &str, skipped: &[Span], language: Option<&str>) -> Vec<Sentence> {
        let mut spans: Vec<Span> = skipped.iter().copied().filter(|s| !s.is_empty()).collect();
        spans.sort_unstable();
        let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
        for s in spans {
            match merged.last_mut() {
                Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
                _ => merged.push(s),
            }
        }
        let mut out = Vec::with_capacity(text.len() / 96 + 1);
        split::split(text, &merged, self.lexicon(language), &mut out);
        out
    }
}

pub struct Sentences {
    name: Arc<str>,
    splitter: Splitter,
}

pub fn build(params: &StageParams, ctx: &BuildContext) -> Result<Box<dyn Stage>, ConfigError> {
    let p: Params = params.parse()?;
    let mut by_language = BTreeMap::new();
    for path in &p.abbreviations {
        let lang = Path::new(path)
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| params.error("abbreviations", format!("cannot tell the language of {path:?}")))?
            .to_string();
        let file = ctx.load(path).map_err(|e| params.error("abbreviations", e))?;
        let lexicon =
            Abbreviations::parse(&file.info.path, &file.text).map_err(|e| params.error("abbreviations", e))?;
        if by_language.insert(lang.clone(), lexicon).is_some() {
            return Err(params.error("abbreviations", format!("two lexicons for language `{lang}`")));
        }
    }
    let splitter = Splitter::new(by_language, &p.default_language).map_err(|e| params.error("default_language", e))?;
    Ok(Box::new(Sentences { name: Arc::from(params.name.as_str()), splitter }))
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
        let skipped: Vec<Span> = doc.skipped().collect();
        let sentences = self.splitter.split(&doc.text, &skipped, doc.meta.language.as_deref());
        doc.layers.sentences = Some(sentences);
        Ok(())
    }
}
