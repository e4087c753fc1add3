//! `numbers`: finds every cardinal quantity in content sentences and normalises
//! it into a [`Quantity`] (value, bound, unit, range, vague flag).
//!
//! ```
//! let q = claimex_stages::numbers::extract("Russia lost over 1,000 pieces of equipment.");
//! assert_eq!(q.len(), 1);
//! assert_eq!(q[0].value, 1000.0);
//! assert_eq!(q[0].bound, claimex_pipeline::Bound::AtLeast);
//! ```
//!
//! What it reads, all data files under `lexicons/numbers/` (formats in each header):
//! `words.tsv` (number words), `suffixes.tsv` (38k, 2.3bn), `qualifiers.tsv` (bounds and
//! range words), `vague.tsv` (dozens → 24…), `units.tsv` (with conversion factors),
//! `dates.tsv` (months, clock markers, ordinal suffixes, fraction words), `context.tsv`
//! (when "one" is a pronoun).
//!
//! Decisions:
//! - Thousands separators: `,` and a space (normal, no-break, narrow no-break, thin),
//!   groups of exactly three digits. A dot groups thousands only when unambiguous
//!   ("1.234.567", "1.300,5"); a single "1.300" is the decimal 1.3, as English news writes it.
//! - Not quantities: years (a plain four-digit number in `year_min..=year_max` with no
//!   qualifier, currency or unit), days next to a month, clock times, ordinals, digits
//!   glued to letters ("M777", "2S19", "1990s") or joined to letters by a hyphen ("Su-34",
//!   "COVID-19"), chains of three or more digit groups (dates, phones, addresses),
//!   numbers inside URLs and emails, fractions ("3/4", "one third").
//! - One bound per figure: at_least / at_most beat approx beat exact; the span covers
//!   every qualifier taken. A range keeps the qualifier's bound (exact without one).
//! - A bracketed equivalent with a unit of the same kind is linked, not a second quantity.

mod lexicon;
mod scan;

use std::sync::{Arc, OnceLock};

use claimex_pipeline::{BuildContext, ConfigError, Document, Layer, Quantity, Stage, StageError, StageParams};
use serde::Deserialize;

pub use scan::Scanner;

use lexicon::{Lexicons, Source, FILES};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Params {
    words: String,
    suffixes: String,
    qualifiers: String,
    vague: String,
    units: String,
    dates: String,
    context: String,
    /// Plain four-digit numbers in this range are years.
    year_min: u32,
    year_max: u32,
}

impl Default for Params {
    fn default() -> Self {
        let f = |n: &str| format!("lexicons/numbers/{n}.tsv");
        Params {
            words: f("words"),
            suffixes: f("suffixes"),
            qualifiers: f("qualifiers"),
            vague: f("vague"),
            units: f("units"),
            dates: f("dates"),
            context: f("context"),
            year_min: 1800,
            year_max: 2100,
        }
    }
}

pub struct Numbers {
    name: Arc<str>,
    scanner: Scanner,
}

pub fn build(params: &StageParams, ctx: &BuildContext) -> Result<Box<dyn Stage>, ConfigError> {
    let p: Params = params.parse()?;
    if p.year_min > p.year_max {
        return Err(params.error("year_min", format!("year_min {} is above year_max {}", p.year_min, p.year_max)));
    }
    let paths = [&p.words, &p.suffixes, &p.qualifiers, &p.vague, &p.units, &p.dates, &p.context];
    let mut files = Vec::with_capacity(FILES.len());
    for (key, path) in FILES.iter().zip(paths) {
        let f = ctx.load(path).map_err(|e| params.error(key, e))?;
        files.push((f.info.path, f.text));
    }
    let lx = parse(&files).map_err(|e| {
        // Point at the key naming the file the error is in.
        let key = FILES.iter().zip(&files).find(|(_, f)| e.starts_with(f.0.as_str())).map_or("words", |(k, _)| *k);
        params.error(key, e)
    })?;
    Ok(Box::new(Numbers {
        name: Arc::from(params.name.as_str()),
        scanner: Scanner::new(lx, p.year_min, p.year_max, &params.name),
    }))
}

/// A scanner over the built-in lexicons (stage name `numbers`).
pub fn default_scanner() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(|| {
        let files: Vec<(String, Arc<str>)> = FILES
            .iter()
            .map(|n| {
                let key = format!("lexicons/numbers/{n}.tsv");
                let text = crate::embedded::FILES.iter().find(|(k, _)| *k == key).map_or("", |(_, t)| *t);
                (key, Arc::from(text))
            })
            .collect();
        let lx = parse(&files).expect("the built-in number lexicons are valid (tested)");
        let d = Params::default();
        Scanner::new(lx, d.year_min, d.year_max, "numbers")
    })
}

/// Parse the seven files (name, text), in the order of [`FILES`].
fn parse(files: &[(String, Arc<str>)]) -> Result<Lexicons, String> {
    let src = |i: usize| Source { name: &files[i].0, text: &files[i].1 };
    Lexicons::parse(&[src(0), src(1), src(2), src(3), src(4), src(5), src(6)])
}

/// Every quantity in `text` (scanned as one sentence) with the built-in lexicons.
pub fn extract(text: &str) -> Vec<Quantity> {
    default_scanner().extract(text)
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
        if doc.layers.sentences.is_none() {
            return Err(StageError::new("numbers: the sentences layer is missing"));
        }
        let mut out = Vec::new();
        for s in doc.content_sentences() {
            self.scanner.scan(&doc.text, s.span.start, s.span.end, &mut out);
        }
        doc.layers.numbers = Some(out);
        Ok(())
    }
}
