//! The document model: an immutable original text plus standoff annotation layers.
//!
//! No stage ever rewrites [`Document::text`]. Every annotation is a [`Span`] of
//! **byte** offsets into it (cheap to slice in Rust); writers convert to
//! **char** offsets on output (see [`CharIndex`]), as CLAIMS.md requires.
//!
//! Each layer is an `Option<Vec<_>>`: `None` means "the stage that produces it
//! did not run", `Some(vec![])` means "it ran and found none". Writers keep the
//! distinction (field absent vs `[]`).

use std::collections::BTreeMap;
use std::sync::Arc;

pub use internment::Intern;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A byte range `[start, end)` into [`Document::text`]. Always on char boundaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub const fn len(&self) -> usize {
        self.end - self.start
    }
    pub const fn is_empty(&self) -> bool {
        self.end <= self.start
    }
    /// True when `other` lies entirely inside `self`.
    pub const fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    /// True when the two spans share at least one byte.
    pub const fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
    /// The smallest span covering both.
    pub fn cover(&self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// Which stage and which rule or lexicon entry produced an annotation, so that
/// `claimex explain` can say why it is there.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Provenance {
    /// The configured stage name (e.g. `actors`, `numbers`).
    pub stage: Arc<str>,
    /// The rule name or lexicon entry (`lexicons/actors.tsv:12`).
    pub rule: Arc<str>,
}

impl Provenance {
    pub fn new(stage: &Arc<str>, rule: &Arc<str>) -> Self {
        Provenance { stage: Arc::clone(stage), rule: Arc::clone(rule) }
    }
}

/// Document-level metadata. Filled from the manifest or input record; the
/// `clean` stage may fill blanks from metadata lines in the text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byline: Option<String>,
}

/// A region of the text marked by the `clean` stage: page furniture that later
/// stages skip (`skip: true`), or article metadata lines such as the title.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub span: Span,
    /// What the region is: `title`, `byline`, `dateline`, `newsletter`, `related`, …
    pub kind: Arc<str>,
    /// Later stages ignore text inside skipped regions.
    pub skip: bool,
    pub prov: Provenance,
}

/// What kind of text unit a sentence is; claim assembly treats headlines and
/// list items differently from running text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentenceKind {
    #[default]
    Text,
    /// A line without final punctuation standing alone (title, subheading).
    Heading,
    /// A bullet or numbered list item.
    ListItem,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    pub span: Span,
    pub kind: SentenceKind,
    /// Index of the paragraph (blank-line separated block) holding the sentence.
    pub paragraph: u32,
}

/// Attributes carried by a lexicon entry (`role`, `side`, `object`, …), shared
/// by all mentions of the entry.
pub type Attrs = Arc<BTreeMap<String, String>>;

/// A lexicon match: where it is, and the entry it matched. Its fields read
/// through the mention (`mention.label`), which derefs to the entry.
///
/// The entry is interned ([`Intern`]): stored once per process, never freed,
/// and shared by every mention of it through a plain pointer. So a mention is
/// `Copy` and costs no reference count to make or drop: with one mention every
/// 30 bytes of news, the atomic increment and decrement of an `Arc` were a
/// measurable share of a lexicon scan, and on several threads the counts of
/// frequent entries ("Russia", "said") bounced between the cores' caches.
/// Interning dedupes, so building the same lexicons again adds nothing; what
/// stays is one copy of each distinct entry ever built.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub span: Span,
    #[serde(flatten)]
    pub entry: Intern<MentionEntry>,
}

/// What a lexicon entry says of every mention of it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MentionEntry {
    /// The entity type (`ACTOR`, `CLAIMANT`, `LOCATION`, `WEAPON`, …).
    pub label: Arc<str>,
    /// The canonical id of the entry (`Russia`, `Oleksandr Syrskyi`, `Kursk Oblast`).
    pub canonical: Arc<str>,
    pub attrs: Attrs,
    pub prov: Provenance,
}

impl Mention {
    pub fn new(span: Span, entry: Intern<MentionEntry>) -> Mention {
        Mention { span, entry }
    }

    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.get(key).map(String::as_str)
    }
}

impl std::ops::Deref for Mention {
    type Target = MentionEntry;
    fn deref(&self) -> &MentionEntry {
        &self.entry
    }
}

/// How a figure is qualified (CLAIMS.md "Bound").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    #[default]
    Exact,
    Approx,
    AtLeast,
    AtMost,
}

impl Bound {
    /// Precedence when mentions of one claim differ: at_least / at_most over
    /// approx over exact.
    pub fn strength(self) -> u8 {
        match self {
            Bound::Exact => 0,
            Bound::Approx => 1,
            Bound::AtLeast | Bound::AtMost => 2,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Bound::Exact => "exact",
            Bound::Approx => "approx",
            Bound::AtLeast => "at_least",
            Bound::AtMost => "at_most",
        }
    }
}

/// The unit family of a quantity. Claim assembly only takes counts (no unit)
/// and areas; percentages and money are tagged so they can be skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Area, value converted to km².
    Area,
    Percent,
    Currency,
    Length,
    Mass,
    Duration,
    Other,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub kind: UnitKind,
    /// Normalised unit name (`km2`, `percent`, `USD`, `km`, …).
    pub name: Arc<str>,
    /// The value as written, before conversion (`500` for "500 square miles").
    pub raw_value: f64,
}

/// Both ends of a range ("between 3,000 and 5,000", "3,000-5,000").
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct NumRange {
    pub low: f64,
    pub high: f64,
}

/// A cardinal quantity found by the `numbers` stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    /// The whole expression: qualifier, figure and unit ("more than 1,000 km²").
    pub span: Span,
    /// The figure alone ("1,000").
    pub number_span: Span,
    /// Normalised value: 1.5 million → 1500000; areas in km²; the low end of a range;
    /// the lower value a vague quantity implies (hundreds → 200).
    pub value: f64,
    pub bound: Bound,
    /// Vague quantities (dozens, hundreds, tens of thousands).
    pub vague: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<NumRange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    /// A bracketed equivalent linked to this figure ("(500 square miles)").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equivalent: Option<Span>,
    pub prov: Provenance,
}

/// How precise a date mention is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateGranularity {
    Day,
    Month,
    Year,
    /// A stretch of time ("over the past six months", "since August", "this week").
    Period,
}

/// A date expression found by the `dates` stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DateMention {
    pub span: Span,
    /// The resolved date (first day for months and years), or `None` when it
    /// cannot be resolved (no publication date for a relative expression).
    pub date: Option<NaiveDate>,
    pub granularity: DateGranularity,
    /// Resolved against the publication date ("on Wednesday", "yesterday").
    pub relative: bool,
    pub prov: Provenance,
}

/// Claim categories (CLAIMS.md "Categories").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Casualties,
    Killed,
    Wounded,
    Captured,
    Missing,
    Equipment,
    Deployed,
    Territory,
    Settlements,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Casualties,
        Category::Killed,
        Category::Wounded,
        Category::Captured,
        Category::Missing,
        Category::Equipment,
        Category::Deployed,
        Category::Territory,
        Category::Settlements,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Casualties => "casualties",
            Category::Killed => "killed",
            Category::Wounded => "wounded",
            Category::Captured => "captured",
            Category::Missing => "missing",
            Category::Equipment => "equipment",
            Category::Deployed => "deployed",
            Category::Territory => "territory",
            Category::Settlements => "settlements",
        }
    }
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
    /// Personnel categories carry a `group`; the others never do.
    pub fn is_personnel(self) -> bool {
        !matches!(self, Category::Equipment | Category::Territory | Category::Settlements)
    }
}

/// Equipment types (CLAIMS.md `object`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Object {
    All,
    Tank,
    ArmoredVehicle,
    Artillery,
    Mlrs,
    AirDefense,
    Aircraft,
    Helicopter,
    Drone,
    Vehicle,
    Ship,
    Missile,
    Other,
}

impl Object {
    pub const ALL: [Object; 13] = [
        Object::All,
        Object::Tank,
        Object::ArmoredVehicle,
        Object::Artillery,
        Object::Mlrs,
        Object::AirDefense,
        Object::Aircraft,
        Object::Helicopter,
        Object::Drone,
        Object::Vehicle,
        Object::Ship,
        Object::Missile,
        Object::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Object::All => "all",
            Object::Tank => "tank",
            Object::ArmoredVehicle => "armored_vehicle",
            Object::Artillery => "artillery",
            Object::Mlrs => "mlrs",
            Object::AirDefense => "air_defense",
            Object::Aircraft => "aircraft",
            Object::Helicopter => "helicopter",
            Object::Drone => "drone",
            Object::Vehicle => "vehicle",
            Object::Ship => "ship",
            Object::Missile => "missile",
            Object::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Object> {
        Object::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Military,
    Civilian,
}

impl Group {
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Military => "military",
            Group::Civilian => "civilian",
        }
    }
    pub fn parse(s: &str) -> Option<Group> {
        match s {
            "military" => Some(Group::Military),
            "civilian" => Some(Group::Civilian),
            _ => None,
        }
    }
}

/// An extracted claim (CLAIMS.md "Record"), with its spans in the document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub category: Category,
    pub subject: String,
    pub object: Option<Object>,
    pub group: Option<Group>,
    pub value: i64,
    pub bound: Bound,
    pub claimant: Option<String>,
    pub as_of: Option<NaiveDate>,
    pub location: Option<String>,
    /// The evidence: the sentence holding the first mention of the figure.
    pub evidence: Span,
    /// Every mention of the figure (title, lead, quote…), in text order.
    pub mentions: Vec<Span>,
    pub vague: bool,
    /// Heuristic confidence in [0, 1].
    pub confidence: f32,
    pub prov: Provenance,
}

/// All annotation layers of a document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Layers {
    pub regions: Option<Vec<Region>>,
    pub sentences: Option<Vec<Sentence>>,
    pub mentions: Option<Vec<Mention>>,
    pub numbers: Option<Vec<Quantity>>,
    pub dates: Option<Vec<DateMention>>,
    pub claims: Option<Vec<Claim>>,
}

/// Where a document came from, for error messages and the run summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The input file (or `-` for stdin).
    pub path: String,
    /// 1-based line for JSONL/CSV records; `None` for whole files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.path, line),
            None => f.write_str(&self.path),
        }
    }
}

/// One article and its annotations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    pub id: String,
    /// The original text, never rewritten.
    pub text: String,
    pub meta: Metadata,
    pub origin: Origin,
    /// Set when the input bytes were not valid UTF-8 and were decoded lossily.
    pub lossy: bool,
    /// Set by a stage that has found the document cannot hold a claim (a
    /// `triage` stage): when only claims are wanted, the stages after it are
    /// skipped ([`crate::Needs::Claims`]).
    pub settled: bool,
    pub layers: Layers,
    /// What a stage worked out for later stages of this document.
    pub scratch: Scratch,
}

/// Values a stage leaves in a document for later stages, one per type: the
/// lexicon stages scan a text once for all of them, and each takes its share
/// from here. A cache, not an annotation: a clone starts empty, and two
/// documents compare equal whatever their scratch holds.
#[derive(Default)]
pub struct Scratch(Vec<Box<dyn std::any::Any + Send + Sync>>);

impl Scratch {
    /// The value of type `T`, if one was put.
    pub fn get_mut<T: std::any::Any>(&mut self) -> Option<&mut T> {
        self.0.iter_mut().find_map(|v| v.downcast_mut::<T>())
    }

    /// Put `value`, replacing the value of its type.
    pub fn put<T: std::any::Any + Send + Sync>(&mut self, value: T) {
        match self.get_mut::<T>() {
            Some(slot) => *slot = value,
            None => self.0.push(Box::new(value)),
        }
    }
}

impl Clone for Scratch {
    fn clone(&self) -> Self {
        Scratch::default()
    }
}

impl PartialEq for Scratch {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Scratch({} values)", self.0.len())
    }
}

impl Document {
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Document { id: id.into(), text: text.into(), ..Default::default() }
    }

    /// The text of a span.
    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }

    /// Spans of text that later stages skip (page furniture), sorted.
    pub fn skipped(&self) -> impl Iterator<Item = Span> + '_ {
        self.layers.regions.iter().flatten().filter(|r| r.skip).map(|r| r.span)
    }

    /// True when `span` overlaps a skipped region.
    pub fn is_skipped(&self, span: Span) -> bool {
        self.skipped().any(|r| r.overlaps(span))
    }

    /// Sentences outside skipped regions.
    pub fn content_sentences(&self) -> impl Iterator<Item = &Sentence> + '_ {
        self.layers.sentences.iter().flatten().filter(move |s| !self.is_skipped(s.span))
    }

    /// Mentions with the given label, in text order.
    pub fn mentions_labelled<'a>(&'a self, label: &'a str) -> impl Iterator<Item = &'a Mention> + 'a {
        self.layers.mentions.iter().flatten().filter(move |m| &*m.label == label)
    }
}

/// Converts byte offsets into char offsets for output. Built once per document;
/// ASCII-only texts take a fast path with no table.
pub struct CharIndex<'a> {
    text: &'a str,
    /// Sorted byte offsets of every non-ASCII char with the char offset it starts at.
    multibyte: Vec<(usize, usize)>,
}

impl<'a> CharIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut multibyte = Vec::new();
        if !text.is_ascii() {
            for (chars, (byte, ch)) in text.char_indices().enumerate() {
                if ch.len_utf8() > 1 {
                    multibyte.push((byte, chars));
                }
            }
        }
        CharIndex { text, multibyte }
    }

    /// The char offset of a byte offset (which must be on a char boundary).
    pub fn char_offset(&self, byte: usize) -> usize {
        debug_assert!(self.text.is_char_boundary(byte));
        // Number of multibyte chars starting before `byte`, and the char offset of the last one.
        let n = self.multibyte.partition_point(|&(b, _)| b < byte);
        if n == 0 {
            return byte;
        }
        let (b, c) = self.multibyte[n - 1];
        let len = self.text[b..].chars().next().map_or(1, char::len_utf8);
        c + 1 + (byte - (b + len))
    }

    /// A span as `[start, end]` char offsets.
    pub fn chars(&self, span: Span) -> [usize; 2] {
        [self.char_offset(span.start), self.char_offset(span.end)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_matches_naive_count() {
        let text = "Ukraine’s forces — Київ 38,000 … done";
        let idx = CharIndex::new(text);
        for (byte, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            assert_eq!(idx.char_offset(byte), text[..byte].chars().count(), "byte {byte}");
        }
    }

    #[test]
    fn ascii_text_is_identity() {
        let idx = CharIndex::new("plain ascii");
        assert_eq!(idx.chars(Span::new(2, 7)), [2, 7]);
    }

    #[test]
    fn bound_strength_orders_qualified_over_exact() {
        assert!(Bound::AtLeast.strength() > Bound::Approx.strength());
        assert!(Bound::Approx.strength() > Bound::Exact.strength());
    }
}
