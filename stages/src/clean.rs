//! `clean`: marks (never deletes) regions of a scraped page that are not
//! article text, and reads the title, byline and date lines.
//!
//! Decisions are per line, so a real sentence is never cut in two:
//! 1. rules from the data file (`lexicons/clean/furniture.tsv`) match short
//!    lines: prompts, credits, bylines, datelines, share and related lists;
//! 2. detectors find what no phrase list can: runs of lines in another script
//!    than the document's (a sidebar in another language), a table of
//!    contents (a block of short lines that recur later as headings), short
//!    lines sandwiched between furniture of one kind, and a headline teaser
//!    that runs straight into a related-articles list;
//! 3. the title is the first heading-like line before the article body; it is
//!    marked `title` but not skipped (claims in titles count).
//!
//! Regions of the same kind separated only by blank lines are merged.

mod rules;
mod script;

use std::collections::HashMap;
use std::sync::Arc;

use claimex_pipeline::{
    BuildContext, CheckError, ConfigError, Document, Layer, Provenance, Region, Span, Stage, StageError, StageParams,
};
use serde::Deserialize;

pub use rules::Rules;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    #[serde(default = "default_rules")]
    rules: String,
    /// Rules only look at lines up to this many bytes; longer lines are article text.
    #[serde(default = "default_max_line")]
    max_rule_line_bytes: usize,
    /// Mark runs of lines written in another script than the document's.
    #[serde(default = "yes")]
    foreign_script: bool,
    /// Mark tables of contents.
    #[serde(default = "yes")]
    toc: bool,
}

fn default_rules() -> String {
    "lexicons/clean/furniture.tsv".into()
}
fn default_max_line() -> usize {
    200
}
fn yes() -> bool {
    true
}

/// A line whose length is at least this, or that ends a sentence and has this
/// many words, starts the article body: titles and metadata come before it.
const BODY_LINE_BYTES: usize = 120;
const BODY_LINE_WORDS: usize = 12;
/// Table-of-contents and sandwiched lines are at most this long.
const SHORT_LINE: usize = 100;

pub struct Clean {
    name: Arc<str>,
    rules: Rules,
    max_line: usize,
    foreign_script: bool,
    toc: bool,
    /// Provenance per rule and per detector, built once.
    rule_prov: Vec<Provenance>,
    detector_prov: HashMap<&'static str, Provenance>,
    /// Kinds assigned by detectors, built once.
    detector_kinds: HashMap<&'static str, Arc<str>>,
}

pub fn build(params: &StageParams, ctx: &BuildContext) -> Result<Box<dyn Stage>, ConfigError> {
    let p: Params = params.parse()?;
    let file = ctx.load(&p.rules).map_err(|e| params.error("rules", e))?;
    let rules = Rules::parse_in_background(&file.info.path, &file.text).map_err(|e| params.error("rules", e))?;
    let name: Arc<str> = Arc::from(params.name.as_str());
    let rule_prov = rules.rules.iter().map(|r| Provenance::new(&name, &r.origin)).collect();
    let detector_prov = ["script", "toc", "sandwich", "teaser", "title"]
        .into_iter()
        .map(|d| (d, Provenance::new(&name, &Arc::from(d))))
        .collect();
    let detector_kinds =
        ["foreign_language", "toc", "related", "title"].into_iter().map(|k| (k, Arc::from(k))).collect();
    Ok(Box::new(Clean {
        detector_kinds,
        name,
        rules,
        max_line: p.max_rule_line_bytes,
        foreign_script: p.foreign_script,
        toc: p.toc,
        rule_prov,
        detector_prov,
    }))
}

/// The pipeline check that waits for each clean stage's regex rules, compiled
/// while the other stages were built, and reports a rule set that did not
/// compile before the first document.
pub fn check(stages: &[Box<dyn Stage>]) -> Result<(), CheckError> {
    for (i, stage) in stages.iter().enumerate() {
        if let Some(clean) = stage.downcast::<Clean>() {
            clean.rules.ready().map_err(|message| CheckError { stage: i, key: "rules", message })?;
        }
    }
    Ok(())
}

/// What a line was found to be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    None,
    Rule(usize),
    /// A detector (its name, for provenance) and the kind it assigns.
    Detector(&'static str, Kind),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Named(&'static str),
    /// The kind of a rule (a sandwiched line takes its neighbours' kind).
    OfRule(usize),
}

struct Line {
    span: Span,
    /// Index of the paragraph (run of non-blank lines).
    para: usize,
    mark: Mark,
}

impl Clean {
    fn kind_of(&self, mark: Mark) -> Option<&str> {
        match mark {
            Mark::None => None,
            Mark::Rule(r) => Some(&self.rules.rules[r].kind),
            Mark::Detector(_, Kind::Named(kind)) => Some(kind),
            Mark::Detector(_, Kind::OfRule(r)) => Some(&self.rules.rules[r].kind),
        }
    }

    /// The non-blank lines, trimmed, with their paragraph index.
    fn lines(text: &str) -> Vec<Line> {
        let mut lines = Vec::new();
        let mut para = 0;
        let mut prev_blank = false;
        let mut pos = 0;
        while pos <= text.len() {
            let end = memchr::memchr(b'\n', &text.as_bytes()[pos..]).map_or(text.len(), |i| pos + i);
            let raw = &text[pos..end];
            let trimmed = raw.trim();
            if trimmed.is_empty() {
                prev_blank = true;
            } else {
                if prev_blank && !lines.is_empty() {
                    para += 1;
                }
                prev_blank = false;
                let start = pos + (raw.len() - raw.trim_start().len());
                lines.push(Line { span: Span::new(start, start + trimmed.len()), para, mark: Mark::None });
            }
            pos = end + 1;
        }
        lines
    }
}

impl Stage for Clean {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "clean"
    }
    fn requires(&self) -> &'static [Layer] {
        &[]
    }
    fn produces(&self) -> &'static [Layer] {
        &[Layer::Regions]
    }
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let mut lines = Clean::lines(&doc.text);
        let text = doc.text.as_str();
        let mut lower = String::new();
        let mut byline = None;
        let mut date = None;
        let mut in_header = true;
        let mut title: Option<usize> = None;
        for (i, line) in lines.iter_mut().enumerate() {
            let s = &text[line.span.start..line.span.end];
            if s.len() <= self.max_line {
                let metadata = in_header && (byline.is_none() || date.is_none());
                if let Some(hit) = self.rules.find(s, &mut lower, metadata) {
                    line.mark = Mark::Rule(hit.rule);
                    if in_header {
                        byline = byline.or(hit.byline);
                        date = date.or(hit.date);
                    }
                    continue;
                }
            }
            if in_header && (s.len() >= BODY_LINE_BYTES || is_sentence_line(s)) {
                in_header = false;
            }
            if in_header && title.is_none() && is_heading(s) {
                title = Some(i);
            }
        }
        if self.foreign_script {
            script::mark_foreign(text, &mut lines);
        }
        if self.toc {
            mark_toc(text, &mut lines);
        }
        self.mark_sandwiched(text, &mut lines);
        self.mark_teasers(text, &mut lines);
        if let Some(t) = title.filter(|&t| lines[t].mark == Mark::None) {
            lines[t].mark = Mark::Detector("title", Kind::Named("title"));
        }

        // Metadata the manifest did not give.
        if let Some(t) = title.filter(|&t| lines[t].mark == Mark::Detector("title", Kind::Named("title"))) {
            let span = lines[t].span;
            doc.meta.title.get_or_insert_with(|| doc.text[span.start..span.end].to_string());
        }
        if doc.meta.byline.is_none() {
            doc.meta.byline = byline.map(|b| b.trim().to_string());
        }
        if doc.meta.published.is_none() {
            doc.meta.published = date.and_then(|d| self.rules.parse_date(d));
        }

        let mut regions: Vec<Region> = Vec::new();
        for line in &lines {
            let Some(kind) = self.kind_of(line.mark) else {
                continue;
            };
            let skip = kind != "title";
            if let Some(last) = regions.last_mut() {
                let gap = &doc.text[last.span.end..line.span.start];
                if &*last.kind == kind && last.skip && skip && gap.trim().is_empty() {
                    last.span.end = line.span.end;
                    continue;
                }
            }
            let prov = match line.mark {
                Mark::Rule(r) => self.rule_prov[r].clone(),
                Mark::Detector(d, _) => self.detector_prov[d].clone(),
                Mark::None => unreachable!(),
            };
            let kind: Arc<str> = match line.mark {
                Mark::Rule(r) | Mark::Detector(_, Kind::OfRule(r)) => Arc::clone(&self.rules.rules[r].kind),
                _ => self.detector_kinds.get(kind).cloned().unwrap_or_else(|| Arc::from(kind)),
            };
            regions.push(Region { span: line.span, kind, skip, prov });
        }
        doc.layers.regions = Some(regions);
        Ok(())
    }
}

impl Clean {
    /// A short line between two furniture lines of the same kind takes that kind
    /// (a newsletter's name between its prompts, a date between sidebar items).
    fn mark_sandwiched(&self, text: &str, lines: &mut [Line]) {
        for i in 1..lines.len().saturating_sub(1) {
            let s = &text[lines[i].span.start..lines[i].span.end];
            if lines[i].mark != Mark::None || s.len() > SHORT_LINE || is_sentence_line(s) {
                continue;
            }
            let (before, after) = (lines[i - 1].mark, lines[i + 1].mark);
            let (Some(a), Some(b)) = (self.kind_of(before), self.kind_of(after)) else {
                continue;
            };
            if a == b && a != "title" {
                let kind = match before {
                    Mark::Rule(r) | Mark::Detector(_, Kind::OfRule(r)) => Kind::OfRule(r),
                    Mark::Detector(_, named) => named,
                    Mark::None => continue,
                };
                lines[i].mark = Mark::Detector("sandwich", kind);
            }
        }
    }

    /// A paragraph that opens with a headline and is directly followed by a
    /// related-articles or newsletter line is a teaser for another article.
    fn mark_teasers(&self, text: &str, lines: &mut [Line]) {
        let mut i = lines.len();
        while i > 0 {
            i -= 1;
            let para = lines[i].para;
            let first = lines[..=i].iter().rposition(|l| l.para != para).map_or(0, |p| p + 1);
            let next_kind = lines.get(i + 1).and_then(|l| self.kind_of(l.mark));
            let unmarked = lines[first..=i].iter().all(|l| l.mark == Mark::None);
            let s = &text[lines[first].span.start..lines[first].span.end];
            if matches!(next_kind, Some("related" | "newsletter")) && unmarked && i > first && is_heading(s) {
                for l in &mut lines[first..=i] {
                    l.mark = Mark::Detector("teaser", Kind::Named("related"));
                }
            }
            i = first;
        }
    }
}

/// A headline: no final full stop, at least two words, not too long.
fn is_heading(s: &str) -> bool {
    let words = s.split_whitespace().count();
    (2..=30).contains(&words) && !s.ends_with(['.', ',', ';', ':']) && s.len() <= 300
}

/// A line of running text: ends a sentence and has many words.
fn is_sentence_line(s: &str) -> bool {
    crate::sentences::ends_terminal(s) && s.split_whitespace().count() >= BODY_LINE_WORDS
}

/// A block of at least three short lines in one paragraph that recur later in
/// the document is a table of contents.
fn mark_toc(text: &str, lines: &mut [Line]) {
    let line_text = |l: &Line| &text[l.span.start..l.span.end];
    let mut last_seen: HashMap<&str, usize> = HashMap::new();
    for (i, l) in lines.iter().enumerate() {
        if l.span.len() <= SHORT_LINE {
            last_seen.insert(line_text(l), i);
        }
    }
    let recurs = |i: usize, l: &Line| l.span.len() <= SHORT_LINE && last_seen.get(line_text(l)).is_some_and(|&j| j > i);
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        while i < lines.len()
            && lines[i].para == lines[start].para
            && lines[i].mark == Mark::None
            && recurs(i, &lines[i])
        {
            i += 1;
        }
        if i - start >= 3 {
            for l in &mut lines[start..i] {
                l.mark = Mark::Detector("toc", Kind::Named("toc"));
            }
        }
        i = i.max(start + 1);
    }
}
