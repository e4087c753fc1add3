//! `dates` stage: finds date expressions in content sentences and resolves
//! each against the publication date (`doc.meta.published`).
//!
//! Decisions (see also `lexicons/dates/README.md`):
//! - **Spans** cover the expression as written, without a leading "on", "in"
//!   or "as of" ("On February 5" → `February 5`), but with the words that
//!   change its meaning: "last Wednesday", "since August", "mid-January",
//!   "over the past six months", "two days ago", "Wednesday, January 1, 2025".
//!   Spans never overlap; times ("5:59 PM") and bare numbers are never dates;
//!   a bare year needs a cue word ("in 2024").
//! - **Resolution**: a date without a year, a bare month or a bare weekday is
//!   the latest one not after publication (the publication day counts), unless
//!   an explicit future cue ("will", "'ll", "shall") stands within
//!   `future_window` words before it in the same clause, with no past-tense
//!   cue ("said") between them: then the earliest one not before publication. "last Wednesday" is strictly before publication;
//!   "this Friday" is in the publication week (Monday–Sunday), "next Sunday" in
//!   the week after; "last August" is strictly before the publication month.
//! - **Granularity**: day for dates, weekdays, "today", "yesterday" and parts
//!   of one day ("this morning", "earlier today", "Tuesday night");
//!   month for "in August", "August 2024", "mid-January", "the end of August";
//!   year for "in 2024", "mid-2024"; period for "since …", "this week",
//!   "last month", "overnight", "over the past six months" (date = the period's
//!   start when computable, else `None`).
//! - **Numeric dates**: with `numeric_order = "auto"` (default) 01/02/2025 is
//!   tagged with no date (ambiguous), 02/22/2025 is 22 February and 22/02/2025
//!   is 22 February; `mdy` or `dmy` force an order. Dots need a four-digit year.
//! - Without a publication date, relative expressions keep their span with
//!   `date: None`. `relative` is true when the expression needs the publication
//!   date.

mod lexicon;
mod resolve;
mod scan;

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use claimex_pipeline::{
    BuildContext, ConfigError, DataFile, DateMention, Document, Layer, Provenance, Span, Stage, StageError, StageParams,
};
use serde::Deserialize;

use lexicon::{Files, Lexicons};
pub use scan::NumericOrder;
use scan::{Gr, Rule, Scan};

/// The stage's parameters (`[[stage]] kind = "dates"`); every key is optional.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatesParams {
    pub months: String,
    pub weekdays: String,
    pub ordinals: String,
    pub counts: String,
    pub relative: String,
    pub cues: String,
    /// How 01/02/2025 reads: `auto` (only when unambiguous), `mdy`, `dmy`.
    pub numeric_order: NumericOrder,
    /// How many words before a date are searched for a future cue.
    pub future_window: usize,
}

impl Default for DatesParams {
    fn default() -> Self {
        let f = |name: &str| format!("lexicons/dates/{name}.tsv");
        DatesParams {
            months: f("months"),
            weekdays: f("weekdays"),
            ordinals: f("ordinals"),
            counts: f("counts"),
            relative: f("relative"),
            cues: f("cues"),
            numeric_order: NumericOrder::Auto,
            future_window: 8,
        }
    }
}

/// The compiled date finder: word lists, trigger automaton and provenance
/// strings, built once and shared by all threads.
pub struct DateExtractor {
    lx: Lexicons,
    order: NumericOrder,
    window: usize,
    stage: Arc<str>,
    grammar_rules: Vec<Arc<str>>,
}

impl DateExtractor {
    /// Build from parameters, loading the data files through `ctx`. Errors name
    /// the parameter key and `file:line`.
    pub fn new(params: &DatesParams, ctx: &BuildContext, stage: &str) -> Result<Self, (&'static str, String)> {
        let load = |key: &'static str, path: &str| -> Result<DataFile, (&'static str, String)> {
            ctx.load(path).map_err(|e| (key, e))
        };
        let months = load("months", &params.months)?;
        let weekdays = load("weekdays", &params.weekdays)?;
        let ordinals = load("ordinals", &params.ordinals)?;
        let counts = load("counts", &params.counts)?;
        let relative = load("relative", &params.relative)?;
        let cues = load("cues", &params.cues)?;
        let lx = Lexicons::load(&Files {
            months: (&params.months, &months),
            weekdays: (&params.weekdays, &weekdays),
            ordinals: (&params.ordinals, &ordinals),
            counts: (&params.counts, &counts),
            relative: (&params.relative, &relative),
            cues: (&params.cues, &cues),
        })?;
        if params.future_window > 64 {
            return Err(("future_window", format!("{} words is too wide (at most 64)", params.future_window)));
        }
        Ok(DateExtractor {
            lx,
            order: params.numeric_order,
            window: params.future_window,
            stage: Arc::from(stage),
            grammar_rules: Gr::ALL.iter().map(|g| Arc::from(g.name())).collect(),
        })
    }

    /// The extractor with the built-in lexicons and default parameters.
    pub fn builtin() -> &'static DateExtractor {
        static BUILTIN: OnceLock<DateExtractor> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let ctx = BuildContext::new(crate::embedded_root());
            DateExtractor::new(&DatesParams::default(), &ctx, "dates")
                .unwrap_or_else(|(key, e)| panic!("built-in date lexicons are invalid ({key}): {e}"))
        })
    }

    /// Append the dates found in `text[range]` (one sentence, or a whole text)
    /// to `out`, in text order.
    pub fn extract_range(
        &self,
        text: &str,
        range: Range<usize>,
        published: Option<NaiveDate>,
        out: &mut Vec<DateMention>,
    ) {
        let Range { start, end } = range;
        if start > end || end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return;
        }
        let scan = Scan::new(&self.lx, text, start, end, self.order);
        let mut cands = Vec::new();
        scan.run(&mut cands);
        for c in cands {
            let future = c.expr.takes_tense() && scan.future_before(c.start, self.window);
            let rule = match c.rule {
                Rule::Grammar(g) => &self.grammar_rules[g as usize],
                Rule::Relative(k) => &self.lx.relatives[k].rule,
            };
            out.push(DateMention {
                span: Span::new(c.start, c.end),
                date: c.expr.resolve(published, future),
                granularity: c.gran,
                relative: c.expr.is_relative(),
                prov: Provenance::new(&self.stage, rule),
            });
        }
    }
}

/// Every date in `text` with the built-in lexicons, resolved against
/// `published` (the whole text is one segment; the stage works per sentence).
///
/// ```
/// use chrono::NaiveDate;
/// let published = NaiveDate::from_ymd_opt(2025, 1, 1);
/// let found = claimex_stages::dates::extract("Syrskyi said on Wednesday that…", published);
/// assert_eq!(found[0].date, published);
/// ```
pub fn extract(text: &str, published: Option<NaiveDate>) -> Vec<DateMention> {
    let mut out = Vec::new();
    DateExtractor::builtin().extract_range(text, 0..text.len(), published, &mut out);
    out
}

pub struct Dates {
    name: Arc<str>,
    extractor: DateExtractor,
}

pub fn build(params: &StageParams, ctx: &BuildContext) -> Result<Box<dyn Stage>, ConfigError> {
    let p: DatesParams = params.parse()?;
    let extractor = DateExtractor::new(&p, ctx, &params.name).map_err(|(key, msg)| params.error(key, msg))?;
    Ok(Box::new(Dates { name: Arc::from(params.name.as_str()), extractor }))
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
        let published = doc.meta.published;
        let mut found = Vec::new();
        for s in doc.content_sentences() {
            self.extractor.extract_range(&doc.text, s.span.start..s.span.end, published, &mut found);
        }
        // Sentences are disjoint in practice; keep the layer sorted and overlap-free regardless.
        let key = |d: &DateMention| (d.span.start, std::cmp::Reverse(d.span.end));
        // Sentences come in text order, so this is nearly always sorted already.
        if !found.is_sorted_by_key(key) {
            found.sort_by_key(key);
        }
        let mut last_end = 0;
        found.retain(|d| {
            let keep = d.span.start >= last_end;
            if keep {
                last_end = d.span.end;
            }
            keep
        });
        doc.layers.dates.get_or_insert_with(Vec::new).extend(found);
        Ok(())
    }
}
