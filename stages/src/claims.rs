//! `claims`: turns tagged sentences into the claims of CLAIMS.md.
//!
//! For each quantity in article text the stage decides whether it is a claim
//! ([`figure`]: category, object, subject, group from the loss, equipment and
//! personnel terms around it), then fills who asserts it and when
//! ([`attribution`]: report cues, quotes, roles resolved to officials,
//! statements carried over continuing sentences, list items and paragraphs),
//! and where (a place in the clause, else the statement's, else the article's
//! focal place). Mentions of one figure are merged into one claim.
//!
//! Everything domain-specific is data: the lexicon labels it reads, the
//! officials table (roles with validity dates), the pairs of opposing sides
//! that resolve "the enemy", and the verbs whose subject inflicts the loss.

/// Declares `fn $name(w: &str) -> bool`, true when `w` is one of the words:
/// a `match`, which compiles to a switch on length and a few comparisons
/// rather than a scan of the whole list.
macro_rules! word_list {
    ($(#[$attr:meta])* $name:ident = [$($w:literal),* $(,)?]) => {
        $(#[$attr])*
        fn $name(w: &str) -> bool {
            matches!(w, $($w)|*)
        }
    };
}

mod attribution;
mod figure;
mod text;

pub use figure::candidate;

use std::collections::BTreeMap;
use std::sync::Arc;

use aho_corasick::AhoCorasick;
use chrono::NaiveDate;
use claimex_pipeline::lexicon::Lexicon;
use claimex_pipeline::{
    Bound, BuildContext, Category, Claim, ConfigError, DateGranularity, DateMention, Document, Group, Layer, Mention,
    Object, Provenance, Quantity, SentenceKind, Span, Stage, StageError, StageParams,
};
use serde::Deserialize;

/// The lexicon labels claim assembly reads (configurable so a new domain can
/// rename them).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Labels {
    pub actor: String,
    pub claimant: String,
    pub role: String,
    pub location: String,
    pub loss: String,
    pub equipment: String,
    pub person: String,
    pub report: String,
    pub nonclaim: String,
}

impl Default for Labels {
    fn default() -> Self {
        Labels {
            actor: "ACTOR".into(),
            claimant: "CLAIMANT".into(),
            role: "ROLE".into(),
            location: "LOCATION".into(),
            loss: "LOSS".into(),
            equipment: "EQUIPMENT".into(),
            person: "PERSON_NOUN".into(),
            report: "REPORT".into(),
            nonclaim: "NONCLAIM".into(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    /// Lexicon of claimants with `role`, `side`, `valid_from`, `valid_to`:
    /// resolves "Ukraine's commander-in-chief" to the person at the time.
    officials: String,
    /// Pairs of opposing sides: "the enemy" in one side's words is the other.
    #[serde(default)]
    opponents: Vec<[String; 2]>,
    /// Loss cues whose grammatical subject inflicts the loss ("Ukraine captured
    /// 700 prisoners": the prisoners are the other side's).
    #[serde(default)]
    inflict_cues: Vec<String>,
    /// Words that refer back to the last named source ("according to the statement").
    #[serde(default)]
    statement_nouns: Vec<String>,
    /// Words that mark whole-war totals (location null).
    #[serde(default)]
    whole_war_cues: Vec<String>,
    /// Pronouns that refer to the last person named.
    #[serde(default)]
    pronouns: Vec<String>,
    /// Phrases after a report cue that disclaim the figure ("could not
    /// independently verify"): the cue is then no attribution.
    #[serde(default)]
    unverified_cues: Vec<String>,
    /// Nouns that make a side the agent of a loss ("Russian strikes", "Russian shelling").
    #[serde(default)]
    attack_nouns: Vec<String>,
    /// Nouns that make a preceding country word an unnamed-officials claimant
    /// ("Ukrainian officials", "Russian authorities").
    #[serde(default)]
    official_nouns: Vec<String>,
    /// Words that mark a sentence as continuing earlier figures ("12 officers
    /// were also killed"): a figure naming no side takes the side of the
    /// article's last claim a few paragraphs back, not only of the sentence before.
    #[serde(default)]
    continuation_cues: Vec<String>,
    /// Nouns after a side that make it a place ("Ukraine's border"), not the
    /// side a figure is about.
    #[serde(default)]
    place_nouns: Vec<String>,
    /// A place must be named at least this often to be the article's focal place.
    #[serde(default = "default_focal_min")]
    focal_min_mentions: usize,
    #[serde(default)]
    labels: Labels,
}

fn default_focal_min() -> usize {
    2
}

/// One official: who held a role for a side, when.
#[derive(Debug, Clone)]
pub struct Official {
    pub name: String,
    pub role: String,
    pub side: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Settings and tables shared by every document.
pub struct Settings {
    pub labels: Labels,
    pub officials: Vec<Official>,
    pub opponents: Vec<[String; 2]>,
    pub inflict_cues: Vec<String>,
    pub statement_nouns: Vec<String>,
    /// Found in the lowercased sentence.
    pub whole_war_cues: AhoCorasick,
    pub pronouns: Vec<String>,
    /// The unverified cues, matched ASCII-case-insensitively in the folded
    /// clause (so every apostrophe variant is `'`, as in lexicon matching).
    pub unverified_cues: text::PhraseSet,
    pub official_nouns: Vec<String>,
    pub attack_nouns: Vec<String>,
    pub continuation_cues: text::WordSet,
    pub place_nouns: Vec<String>,
    pub focal_min_mentions: usize,
}

impl Settings {
    /// The side opposing `side` (first configured pair that names it).
    pub fn opponent(&self, side: &str) -> Option<&str> {
        self.opponents.iter().find_map(|[a, b]| {
            if a == side {
                Some(b.as_str())
            } else if b == side {
                Some(a.as_str())
            } else {
                None
            }
        })
    }

    /// The person holding `role` for `side` on `date` (or the latest holder).
    pub fn official(&self, role: &str, side: &str, date: Option<NaiveDate>) -> Option<&str> {
        let mut candidates = self.officials.iter().filter(|o| o.role == role && o.side == side);
        match date {
            Some(d) => candidates
                .find(|o| o.from.is_none_or(|f| f <= d) && o.to.is_none_or(|t| d < t))
                .map(|o| o.name.as_str()),
            // No date known: the holder whose term has not ended.
            None => candidates.find(|o| o.to.is_none()).map(|o| o.name.as_str()),
        }
    }
}

pub struct Claims {
    name: Arc<str>,
    settings: Settings,
}

pub fn build(params: &StageParams, ctx: &BuildContext) -> Result<Box<dyn Stage>, ConfigError> {
    let p: Params = params.parse()?;
    let file = ctx.load(&p.officials).map_err(|e| params.error("officials", e))?;
    let lex = Lexicon::parse(&p.officials, &file.text).map_err(|e| params.error("officials", e.to_string()))?;
    let mut officials = Vec::new();
    for e in &lex.entries {
        let (Some(role), Some(side)) = (e.attrs.get("role"), e.attrs.get("side")) else { continue };
        let date = |k: &str| e.attrs.get(k).and_then(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok());
        if officials.iter().any(|o: &Official| o.name == *e.canonical && o.role == *role && o.side == *side) {
            continue;
        }
        officials.push(Official {
            name: e.canonical.to_string(),
            role: role.clone(),
            side: side.clone(),
            from: date("valid_from"),
            to: date("valid_to"),
        });
    }
    let lower = |v: Vec<String>| v.into_iter().map(|s| s.to_lowercase()).collect::<Vec<_>>();
    Ok(Box::new(Claims {
        name: Arc::from(params.name.as_str()),
        settings: Settings {
            labels: p.labels,
            officials,
            opponents: p.opponents,
            inflict_cues: lower(p.inflict_cues),
            statement_nouns: lower(p.statement_nouns),
            whole_war_cues: AhoCorasick::new(lower(p.whole_war_cues))
                .map_err(|e| params.error("whole_war_cues", e.to_string()))?,
            pronouns: lower(p.pronouns),
            unverified_cues: text::PhraseSet::new(lower(p.unverified_cues))
                .map_err(|e| params.error("unverified_cues", e))?,
            official_nouns: lower(p.official_nouns),
            attack_nouns: lower(p.attack_nouns),
            continuation_cues: text::WordSet::new(p.continuation_cues)
                .map_err(|e| params.error("continuation_cues", e))?,
            place_nouns: lower(p.place_nouns),
            focal_min_mentions: p.focal_min_mentions,
        },
    }))
}

/// Longest sentence read as one: figure reading looks at the sentence around
/// each figure, so a run-on "sentence" (a table without punctuation, hostile
/// input) would cost figures × length. Longer ones are read in pieces.
const MAX_SENTENCE_BYTES: usize = 2048;

/// `span` cut into pieces of at most [`MAX_SENTENCE_BYTES`], at whitespace
/// when there is some, always on char boundaries.
fn pieces_of(text: &str, span: Span) -> impl Iterator<Item = Span> + '_ {
    let mut start = span.start;
    std::iter::from_fn(move || {
        if start >= span.end {
            return None;
        }
        let mut end = span.end;
        if end - start > MAX_SENTENCE_BYTES {
            end = start + MAX_SENTENCE_BYTES;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            if let Some(ws) = text[start..end].rfind(char::is_whitespace).filter(|&i| i > 0) {
                end = start + ws;
            }
        }
        let piece = Span::new(start, end);
        start = end;
        Some(piece)
    })
}

/// Bits for the configured labels a mention carries ([`Tagged::kinds`]):
/// label tests become a mask test instead of two pointer hops and a string
/// comparison per mention per test.
pub mod kind {
    pub const ACTOR: u16 = 1 << 0;
    pub const CLAIMANT: u16 = 1 << 1;
    pub const ROLE: u16 = 1 << 2;
    pub const LOCATION: u16 = 1 << 3;
    pub const LOSS: u16 = 1 << 4;
    pub const EQUIPMENT: u16 = 1 << 5;
    pub const PERSON: u16 = 1 << 6;
    pub const REPORT: u16 = 1 << 7;
    pub const NONCLAIM: u16 = 1 << 8;
    /// A location whose `type` is not `country` (absent counts): a place a
    /// figure can be located in.
    pub const PLACE: u16 = 1 << 9;
}

impl Labels {
    /// The [`kind`] bits of a mention labelled `label` (several when labels
    /// are configured alike).
    fn kinds(&self, label: &str) -> u16 {
        let all = [
            (&self.actor, kind::ACTOR),
            (&self.claimant, kind::CLAIMANT),
            (&self.role, kind::ROLE),
            (&self.location, kind::LOCATION),
            (&self.loss, kind::LOSS),
            (&self.equipment, kind::EQUIPMENT),
            (&self.person, kind::PERSON),
            (&self.report, kind::REPORT),
            (&self.nonclaim, kind::NONCLAIM),
        ];
        all.iter().filter(|(l, _)| l.as_str() == label).fold(0, |k, (_, b)| k | b)
    }
}

/// A mention with its span and label bits stored inline, so the scans over a
/// sentence's mentions read one contiguous array.
#[derive(Clone, Copy, Debug)]
pub struct Tagged<'a> {
    pub span: Span,
    pub kinds: u16,
    pub m: &'a Mention,
}

impl<'a> Tagged<'a> {
    /// True when the mention carries one of the `kinds` bits.
    pub fn is(&self, kinds: u16) -> bool {
        self.kinds & kinds != 0
    }
}

impl std::ops::Deref for Tagged<'_> {
    type Target = Mention;
    fn deref(&self) -> &Mention {
        self.m
    }
}

/// A content sentence with the annotations inside it.
pub struct Sent<'a> {
    pub span: Span,
    pub kind: SentenceKind,
    pub paragraph: u32,
    /// Sorted by (start, end).
    pub mentions: &'a [Tagged<'a>],
    /// The longest mention's length, which bounds how far before a span an
    /// overlapping mention can start.
    pub longest_mention: usize,
    pub quants: &'a [&'a Quantity],
    pub dates: &'a [&'a DateMention],
}

impl<'a> Sent<'a> {
    /// The mentions that may overlap `span` (a superset: every one that
    /// does), found by binary search, so list-like sentences with hundreds
    /// of mentions cost no scan per figure.
    pub fn overlapping(&self, span: Span) -> &'a [Tagged<'a>] {
        let lo = self.mentions.partition_point(|m| m.span.start + self.longest_mention <= span.start);
        let hi = self.mentions.partition_point(|m| m.span.start < span.end.max(span.start + 1));
        &self.mentions[lo..hi.max(lo)]
    }
}

/// A content sentence piece as [`Store`] finds it.
struct Piece {
    span: Span,
    kind: SentenceKind,
    paragraph: u32,
}

/// The annotations of a document grouped by content sentence piece, each
/// group one range of a flat array: three allocations per document rather
/// than three per sentence, and each sentence's annotations side by side.
pub struct Store<'a> {
    pieces: Vec<Piece>,
    mentions: Vec<Tagged<'a>>,
    quants: Vec<&'a Quantity>,
    dates: Vec<&'a DateMention>,
    /// Where each piece's group starts in `mentions`, `quants` and `dates`
    /// (one more entry than pieces).
    starts: Vec<[u32; 3]>,
    /// The pieces are disjoint and in text order (as the sentences layer
    /// writes them), which the binary searches over them need.
    ordered: bool,
}

/// `items` grouped by `group` (`None`: dropped) into `n` groups, in their
/// order within a group (a stable counting sort); returns the items and the
/// start of each group (`n + 1` entries).
fn group_by<X>(items: &[X], n: usize, mut group: impl FnMut(&X) -> Option<usize>) -> (Vec<&X>, Vec<u32>) {
    let at: Vec<u32> = items.iter().map(|t| group(t).map_or(u32::MAX, |g| g as u32)).collect();
    let mut starts = vec![0u32; n + 1];
    for &g in &at {
        if g != u32::MAX {
            starts[g as usize + 1] += 1;
        }
    }
    for i in 0..n {
        starts[i + 1] += starts[i];
    }
    let Some(first) = items.first() else { return (Vec::new(), starts) };
    let mut next = starts.clone();
    let mut out = vec![first; starts[n] as usize];
    for (t, &g) in items.iter().zip(&at) {
        if g != u32::MAX {
            out[next[g as usize] as usize] = t;
            next[g as usize] += 1;
        }
    }
    (out, starts)
}

/// Finds the piece holding a span: the binary search of the first piece
/// ending after the span's start, answered without searching when that is
/// the piece of the previous span or the one after it (the layers come
/// mostly in text order). The shortcut needs pieces in text order.
struct PieceFinder<'p> {
    pieces: &'p [Piece],
    ordered: bool,
    hint: usize,
}

impl PieceFinder<'_> {
    fn find(&mut self, span: Span) -> Option<usize> {
        let p = self.pieces;
        let is_first_ending_after =
            |i: usize| (i == 0 || p[i - 1].span.end <= span.start) && (i == p.len() || p[i].span.end > span.start);
        let near = self.hint..(self.hint + 2).min(p.len() + 1);
        let i = match near.filter(|_| self.ordered).find(|&i| is_first_ending_after(i)) {
            Some(i) => i,
            None => p.partition_point(|s| s.span.end <= span.start),
        };
        self.hint = i;
        (i < p.len() && p[i].span.contains(span)).then_some(i)
    }
}

/// The [`kind`] bits of mentions' labels, remembered for the few label
/// allocations a document's mentions share (one per lexicon label).
struct KindCache<'s> {
    labels: &'s Labels,
    seen: [(*const u8, usize, u16); 8],
    len: usize,
    next: usize,
    /// The entry the last mention hit, tried first (mentions come in runs).
    last: usize,
}

impl KindCache<'_> {
    fn kinds(&mut self, m: &Mention) -> u16 {
        let key = (m.label.as_ptr(), m.label.len());
        let hit = |e: &(*const u8, usize, u16)| (e.0, e.1) == key;
        let found = if self.last < self.len && hit(&self.seen[self.last]) {
            Some(self.last)
        } else {
            self.seen[..self.len].iter().position(hit)
        };
        let k = match found {
            Some(i) => {
                self.last = i;
                self.seen[i].2
            }
            None => {
                let k = self.labels.kinds(&m.label);
                self.last = self.next;
                self.seen[self.next] = (key.0, key.1, k);
                self.next = (self.next + 1) % self.seen.len();
                self.len = (self.len + 1).min(self.seen.len());
                k
            }
        };
        // The place bit reads the entry's attributes, not the label.
        if k & kind::LOCATION != 0 && m.attr("type").is_none_or(|t| t != "country") {
            k | kind::PLACE
        } else {
            k
        }
    }
}

impl<'a> Store<'a> {
    fn new(doc: &'a Document, settings: &Settings) -> Store<'a> {
        // The skipped regions, gathered once: `Document::content_sentences`
        // scans every region (skipped or not) for every sentence.
        let skipped: Vec<Span> = doc.skipped().collect();
        let sentences = doc.layers.sentences.as_deref().unwrap_or_default();
        let mut pieces = Vec::with_capacity(sentences.len());
        for s in sentences.iter().filter(|s| !skipped.iter().any(|r| r.overlaps(s.span))) {
            pieces.extend(pieces_of(&doc.text, s.span).map(|span| Piece {
                span,
                kind: s.kind,
                paragraph: s.paragraph,
            }));
        }
        let n = pieces.len();
        let ordered = pieces.windows(2).all(|w| w[0].span.end <= w[1].span.start);
        let mut finder = PieceFinder { pieces: &pieces, ordered, hint: 0 };
        let all_mentions = doc.layers.mentions.as_deref().unwrap_or_default();
        let (grouped, m_starts) = group_by(all_mentions, n, |m| finder.find(m.span));
        let mut cache =
            KindCache { labels: &settings.labels, seen: [(std::ptr::null(), 0, 0); 8], len: 0, next: 0, last: 0 };
        let mut mentions: Vec<Tagged<'a>> = grouped
            .into_iter()
            .map(|m| {
                let kinds = cache.kinds(m);
                Tagged { span: m.span, kinds, m }
            })
            .collect();
        for i in 0..n {
            mentions[m_starts[i] as usize..m_starts[i + 1] as usize].sort_by_key(|m| (m.span.start, m.span.end));
        }
        finder.hint = 0;
        let (quants, q_starts) =
            group_by(doc.layers.numbers.as_deref().unwrap_or_default(), n, |q| finder.find(q.span));
        finder.hint = 0;
        let (dates, d_starts) = group_by(doc.layers.dates.as_deref().unwrap_or_default(), n, |d| finder.find(d.span));
        let starts = (0..=n).map(|i| [m_starts[i], q_starts[i], d_starts[i]]).collect();
        Store { pieces, mentions, quants, dates, starts, ordered }
    }
}

/// The document as claim assembly sees it: content sentences with their
/// annotations, quote regions, and the focal place.
pub struct View<'a> {
    pub doc: &'a Document,
    pub sents: Vec<Sent<'a>>,
    /// Spans between matching quote marks.
    pub quotes: Vec<Span>,
    pub focal: Option<Arc<str>>,
    /// True when the sentences are disjoint and in text order (the sentence
    /// layer's contract, checked once), so spans find theirs by binary search.
    pub ordered: bool,
}

impl<'a> View<'a> {
    fn new(doc: &'a Document, store: &'a Store<'a>, settings: &Settings) -> View<'a> {
        let sents: Vec<Sent<'a>> = store
            .pieces
            .iter()
            .zip(store.starts.windows(2))
            .map(|(p, w)| {
                let mentions = &store.mentions[w[0][0] as usize..w[1][0] as usize];
                Sent {
                    span: p.span,
                    kind: p.kind,
                    paragraph: p.paragraph,
                    mentions,
                    longest_mention: mentions.iter().map(|m| m.span.len()).max().unwrap_or(0),
                    quants: &store.quants[w[0][1] as usize..w[1][1] as usize],
                    dates: &store.dates[w[0][2] as usize..w[1][2] as usize],
                }
            })
            .collect();
        // The sentences are the store's pieces, in its order.
        let ordered = store.ordered;
        let quotes = quote_regions(doc, &sents, ordered);
        let focal = focal_place(&sents, settings);
        View { doc, sents, quotes, focal, ordered }
    }

    pub fn text(&self, span: Span) -> &'a str {
        &self.doc.text[span.start..span.end]
    }

    /// Text between two byte offsets (empty when reversed).
    pub fn gap(&self, a: usize, b: usize) -> &'a str {
        if a < b {
            &self.doc.text[a..b]
        } else {
            ""
        }
    }

    /// The quote holding `span`. When the sentences are in text order so are
    /// the quote regions (disjoint, starts and ends both ascending), and the
    /// first region that could hold `span` is the first ending at or after
    /// it: a binary search. Otherwise they come in sentence order: a scan.
    pub fn in_quote(&self, span: Span) -> Option<Span> {
        if !self.ordered {
            return self.quotes.iter().copied().find(|q| q.contains(span));
        }
        quote_holding(&self.quotes, span)
    }

    /// The range of sentences overlapping `span` (sentences are disjoint and
    /// in text order).
    pub fn sents_overlapping(&self, span: Span) -> std::ops::Range<usize> {
        if !self.ordered {
            return 0..self.sents.len();
        }
        let lo = self.sents.partition_point(|s| s.span.end <= span.start);
        let hi = self.sents.partition_point(|s| s.span.start < span.end);
        lo..hi.max(lo)
    }
}

/// The first of `quotes` (disjoint, in text order) that contains `span`.
fn quote_holding(quotes: &[Span], span: Span) -> Option<Span> {
    let i = quotes.partition_point(|q| q.end < span.end);
    quotes.get(i).copied().filter(|q| q.contains(span))
}

/// Pair quote marks across the article's content sentences: curly quotes by
/// direction, straight ones by alternation.
fn quote_regions(doc: &Document, sents: &[Sent<'_>], ordered: bool) -> Vec<Span> {
    let mut pairing = QuotePairing::default();
    match (ordered, sents.first(), sents.last()) {
        // One search over the text the sentences cover, keeping the marks
        // inside a sentence: the same marks in the same order as a search
        // per sentence, without a search set up for every sentence.
        (true, Some(first), Some(last)) => {
            let (from, to) = (first.span.start, last.span.end);
            let mut k = 0;
            for i in memchr::memchr3_iter(b'"', 0xE2, 0xC2, &doc.text.as_bytes()[from..to]) {
                let at = from + i;
                while sents[k].span.end <= at {
                    k += 1;
                }
                if sents[k].span.start <= at {
                    pairing.mark(&doc.text[at..sents[k].span.end], at);
                }
            }
        }
        _ => {
            for s in sents {
                let text = &doc.text[s.span.start..s.span.end];
                for i in memchr::memchr3_iter(b'"', 0xE2, 0xC2, text.as_bytes()) {
                    pairing.mark(&text[i..], s.span.start + i);
                }
            }
        }
    }
    pairing.out
}

/// The quote marks read so far: the open one, and the regions closed.
#[derive(Default)]
struct QuotePairing {
    open: Option<usize>,
    out: Vec<Span>,
}

impl QuotePairing {
    /// Reads the candidate mark starting `rest` (at byte `at`). Quote marks
    /// are `"` or start with byte E2 (“ „ ”) or C2 (« »): only those bytes
    /// are decoded.
    fn mark(&mut self, rest: &str, at: usize) {
        let Some(c) = rest.chars().next() else { return };
        match c {
            '“' | '«' | '„' => self.open = Some(at),
            '”' | '»' => {
                if let Some(o) = self.open.take() {
                    self.out.push(Span::new(o, at + c.len_utf8()));
                }
            }
            '"' => match self.open.take() {
                Some(o) => self.out.push(Span::new(o, at + 1)),
                None => self.open = Some(at),
            },
            _ => {}
        }
    }
}

/// The article's single focal place: the sub-national place named most often,
/// when it is named at least `focal_min_mentions` times and more than any other.
fn focal_place(sents: &[Sent<'_>], settings: &Settings) -> Option<Arc<str>> {
    let mut counts: BTreeMap<Arc<str>, usize> = BTreeMap::new();
    for s in sents {
        for m in s.mentions {
            if m.is(kind::PLACE) {
                *counts.entry(Arc::clone(&m.canonical)).or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<_> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    match ranked.as_slice() {
        [(place, n), rest @ ..] if *n >= settings.focal_min_mentions && rest.first().is_none_or(|r| r.1 < *n) => {
            Some(Arc::clone(place))
        }
        _ => None,
    }
}

impl Stage for Claims {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "claims"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences, Layer::Mentions, Layer::Numbers, Layer::Dates]
    }
    fn produces(&self) -> &'static [Layer] {
        &[Layer::Claims]
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        if doc.layers.numbers.as_ref().is_none_or(|n| n.is_empty()) {
            doc.layers.claims = Some(Vec::new());
            return Ok(());
        }
        let claims = {
            let store = Store::new(doc, &self.settings);
            let view = View::new(doc, &store, &self.settings);
            let statements = attribution::statements(&view, &self.settings);
            let mut raw: Vec<Claim> = Vec::new();
            // What list items inherit from their head ("…, including:").
            let mut head = figure::Inherited::default();
            // (sentence index, subject) of the last claim, for "Of this number, …".
            let mut recent: Option<(usize, String, Option<Group>)> = None;
            for (si, sent) in view.sents.iter().enumerate() {
                if sent.kind != SentenceKind::ListItem {
                    head = figure::Inherited::default();
                }
                let first_claim = raw.len();
                if sent.quants.is_empty() {
                    continue;
                }
                // Read at most once per sentence (pieces are bounded), and only
                // when a recent claim is too far back to be close without it.
                let mut continues = None;
                // Whether the sentence speaks of the whole war: also once per sentence, when asked.
                let mut whole_war = None;
                let equivalents = Equivalents::of(sent.quants);
                for q in sent.quants {
                    if equivalents.contains(q.number_span) || !figure::candidate(q) {
                        continue;
                    }
                    let close = recent.as_ref().filter(|(at, _, _)| {
                        let back = sent.paragraph - view.sents[*at].paragraph.min(sent.paragraph);
                        si - at <= 1 && back <= 1
                            || back <= CONTINUATION_PARAGRAPHS
                                && *continues
                                    .get_or_insert_with(|| self.settings.continuation_cues.any_in(view.text(sent.span)))
                    });
                    let mut inherited = figure::Inherited {
                        recent_subject: close.map(|(_, s, _)| s.clone()),
                        recent_group: close.and_then(|(_, _, g)| *g),
                        ..head.clone()
                    };
                    // "…, including three children": details the figure just before.
                    let lead = text::last_word(view.gap(sent.span.start, q.span.start));
                    if lead.as_deref() == Some("including") {
                        if let Some(c) = raw[first_claim..].last() {
                            inherited.head_subject = Some(c.subject.clone());
                            inherited.head_category = Some(c.category);
                            inherited.head_group = c.group;
                        }
                    }
                    let Some(fig) = figure::read(&view, si, q, &self.settings, &statements[si], &inherited) else {
                        continue;
                    };
                    let st = &statements[si];
                    let location = figure::location(&view, si, q)
                        .or_else(|| st.location.as_deref().map(String::from))
                        .or_else(|| {
                            (!*whole_war.get_or_insert_with(|| figure::whole_war(&view, si, &self.settings)))
                                .then(|| view.focal.as_deref().map(String::from))
                                .flatten()
                        });
                    let as_of = st.as_of.or_else(|| event_date(&view, si, q));
                    let mut push = |value: f64, bound: Bound| {
                        raw.push(Claim {
                            category: fig.category,
                            subject: fig.subject.clone(),
                            object: fig.object,
                            group: fig.group,
                            value: value.round() as i64,
                            bound,
                            claimant: st.claimant.as_deref().map(String::from),
                            as_of,
                            location: location.clone(),
                            evidence: sent.span,
                            mentions: vec![q.span],
                            vague: q.vague,
                            confidence: fig.confidence * if st.claimant.is_some() { 1.0 } else { 0.85 },
                            prov: Provenance::new(&self.name, &fig.rule),
                        });
                    };
                    match q.range {
                        Some(r) => {
                            push(r.low, Bound::AtLeast);
                            push(r.high, Bound::AtMost);
                        }
                        None => push(q.value, q.bound),
                    }
                }
                if let Some(c) = raw[first_claim..].last() {
                    recent = Some((si, c.subject.clone(), c.group));
                }
                if sent.kind != SentenceKind::ListItem && view.text(sent.span).trim_end().ends_with(':') {
                    if let Some(c) = raw[first_claim..].last() {
                        head = figure::Inherited {
                            head_subject: Some(c.subject.clone()),
                            head_category: Some(c.category),
                            head_group: c.group,
                            ..Default::default()
                        };
                    }
                }
            }
            merge(raw)
        };
        doc.layers.claims = Some(claims);
        Ok(())
    }
}

/// The bracketed equivalents ("(500 square miles)") of a sentence's
/// quantities, sorted by start with the running maximum end, so whether one
/// contains a span is a binary search rather than a scan of every quantity.
struct Equivalents(Vec<(usize, usize)>);

impl Equivalents {
    fn of(quants: &[&Quantity]) -> Equivalents {
        let mut spans: Vec<Span> = quants.iter().filter_map(|q| q.equivalent).collect();
        spans.sort_unstable();
        let mut max_end = 0;
        Equivalents(
            spans
                .into_iter()
                .map(|e| {
                    max_end = max_end.max(e.end);
                    (e.start, max_end)
                })
                .collect(),
        )
    }

    /// True when an equivalent span contains `span`.
    fn contains(&self, span: Span) -> bool {
        let n = self.0.partition_point(|&(start, _)| start <= span.start);
        n > 0 && self.0[n - 1].1 >= span.end
    }
}

/// One claim per figure per document: mentions with the same category,
/// subject, object and value merge; the qualified bound wins, a named source
/// wins over a country, and the first date and place found are kept.
fn merge(raw: Vec<Claim>) -> Vec<Claim> {
    let mut out: Vec<Claim> = Vec::new();
    // Index of the merged claim of each key (a scan of `out` would be quadratic in figures).
    let mut index: std::collections::HashMap<(Category, String, Option<Object>, i64, bool), usize> =
        std::collections::HashMap::new();
    for c in raw {
        let key = (c.category, c.subject.clone(), c.object, c.value, c.vague);
        match index.get(&key) {
            None => {
                index.insert(key, out.len());
                out.push(c);
            }
            Some(&i) => {
                let o = &mut out[i];
                if c.bound.strength() > o.bound.strength() {
                    o.bound = c.bound;
                }
                let better_claimant = match (&o.claimant, &c.claimant) {
                    (None, Some(_)) => true,
                    (Some(a), Some(b)) => claimant_rank(b) > claimant_rank(a),
                    _ => false,
                };
                if better_claimant {
                    o.claimant = c.claimant.clone();
                    if c.as_of.is_some() {
                        o.as_of = c.as_of;
                    }
                }
                o.as_of = o.as_of.or(c.as_of);
                o.location = o.location.take().or(c.location);
                o.group = o.group.or(c.group);
                o.mentions.extend(c.mentions);
                o.confidence = o.confidence.max(c.confidence);
            }
        }
    }
    out
}

/// Named people and bodies outrank bare country names as claimants.
fn claimant_rank(name: &str) -> u8 {
    if name.contains(' ') {
        2
    } else {
        1
    }
}

/// A day named in the figure's own sentence with no report cue between them
/// ("five people were killed on Monday"): when the figure holds.
fn event_date(view: &View<'_>, si: usize, q: &Quantity) -> Option<NaiveDate> {
    let s = &view.sents[si];
    s.dates.iter().find_map(|d| {
        let date = day_date(d)?;
        let (a, b) = if d.span.end <= q.span.start { (d.span.end, q.span.start) } else { (q.span.end, d.span.start) };
        let cue_between = s.mentions.iter().any(|m| m.is(kind::REPORT) && m.span.start >= a && m.span.end <= b);
        let lead = text::last_word(view.gap(s.span.start, d.span.start));
        let since = matches!(lead.as_deref(), Some("since" | "from" | "until" | "before" | "after"));
        (!cue_between && !since).then_some(date)
    })
}

/// Dates that can be an `as_of`: a day, not a period.
pub fn day_date(d: &DateMention) -> Option<NaiveDate> {
    (d.granularity == DateGranularity::Day).then_some(d.date).flatten()
}

/// How many paragraphs back a continuing sentence ("were also killed") looks
/// for the side of the last claim.
const CONTINUATION_PARAGRAPHS: u32 = 3;

/// True for personnel categories where a group applies.
pub fn personnel(c: Category) -> bool {
    c.is_personnel()
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimex_pipeline::MentionEntry;
    use proptest::prelude::*;

    /// Disjoint spans in text order, each `(gap, len)` after the one before.
    fn spans_in_order(gaps: &[(usize, usize)]) -> Vec<Span> {
        let mut at = 0;
        gaps.iter()
            .map(|&(gap, len)| {
                let span = Span::new(at + gap, at + gap + len);
                at = span.end;
                span
            })
            .collect()
    }

    #[test]
    fn label_kinds_follow_the_configured_labels() {
        let mut labels = Labels::default();
        assert_eq!(labels.kinds("ACTOR"), kind::ACTOR);
        assert_eq!(labels.kinds("REPORT"), kind::REPORT);
        assert_eq!(labels.kinds("WEAPON"), 0, "an unconfigured label has no kind");
        labels.claimant = "ACTOR".into();
        assert_eq!(labels.kinds("ACTOR"), kind::ACTOR | kind::CLAIMANT, "labels configured alike: both kinds");
    }

    proptest! {
        /// The binary search for a span's quote finds what a scan finds, on
        /// disjoint quotes in text order (touching ones included).
        #[test]
        fn quote_holding_matches_scan(
            gaps in prop::collection::vec((0..4usize, 1..6usize), 0..12),
            start in 0..60usize,
            len in 0..8usize,
        ) {
            let quotes = spans_in_order(&gaps);
            let span = Span::new(start, start + len);
            prop_assert_eq!(quote_holding(&quotes, span), quotes.iter().copied().find(|q| q.contains(span)));
        }

        /// The counting sort groups as a stable sort by group does, dropping
        /// the items of no group.
        #[test]
        fn group_by_matches_stable_sort(groups in prop::collection::vec(prop::option::of(0..5usize), 0..40)) {
            let items: Vec<(usize, Option<usize>)> = groups.iter().copied().enumerate().collect();
            let (out, starts) = group_by(&items, 5, |&(_, g)| g);
            let out: Vec<(usize, Option<usize>)> = out.into_iter().copied().collect();
            let mut want: Vec<(usize, Option<usize>)> = items.iter().copied().filter(|t| t.1.is_some()).collect();
            want.sort_by_key(|t| t.1);
            prop_assert_eq!(&out, &want);
            for g in 0..5 {
                let group = &out[starts[g] as usize..starts[g + 1] as usize];
                prop_assert!(group.iter().all(|t| t.1 == Some(g)), "group {} holds {:?}", g, group);
            }
        }

        /// The one search over ordered sentences pairs the same quotes as a
        /// search per sentence, whatever lies between the sentences.
        #[test]
        fn quote_search_over_text_matches_per_sentence(
            text in "[a \"“”«»„€é—]{0,40}",
            cuts in prop::collection::vec(0..40usize, 0..8),
        ) {
            let doc = Document::new("t", text.clone());
            let mut bounds: Vec<usize> = cuts.iter().map(|&c| c.min(text.len())).filter(|&c| text.is_char_boundary(c)).collect();
            bounds.sort_unstable();
            bounds.dedup();
            // Every other gap between bounds is a sentence, the rest lies outside.
            let sents: Vec<Sent<'_>> = bounds
                .chunks_exact(2)
                .map(|w| Sent {
                    span: Span::new(w[0], w[1]),
                    kind: SentenceKind::Text,
                    paragraph: 0,
                    mentions: &[],
                    longest_mention: 0,
                    quants: &[],
                    dates: &[],
                })
                .collect();
            prop_assert_eq!(quote_regions(&doc, &sents, true), quote_regions(&doc, &sents, false), "{:?} {:?}", text, bounds);
        }

        /// The piece finder's shortcut answers as the binary search does,
        /// for spans in any order (touching and empty pieces included).
        #[test]
        fn piece_finder_matches_binary_search(
            gaps in prop::collection::vec((0..3usize, 0..6usize), 0..10),
            spans in prop::collection::vec((0..50usize, 0..6usize), 0..30),
        ) {
            let pieces: Vec<Piece> = spans_in_order(&gaps)
                .into_iter()
                .map(|span| Piece { span, kind: SentenceKind::Text, paragraph: 0 })
                .collect();
            let mut finder = PieceFinder { pieces: &pieces, ordered: true, hint: 0 };
            for &(start, len) in &spans {
                let span = Span::new(start, start + len);
                let i = pieces.partition_point(|s| s.span.end <= span.start);
                let want = (i < pieces.len() && pieces[i].span.contains(span)).then_some(i);
                prop_assert_eq!(finder.find(span), want, "{:?} in {:?}", span, pieces.iter().map(|p| p.span).collect::<Vec<_>>());
            }
        }

        /// `overlapping` returns every mention that overlaps the span.
        #[test]
        fn overlapping_misses_no_mention(
            spans in prop::collection::vec((0..200usize, 1..30usize), 0..40),
            start in 0..230usize,
            len in 0..30usize,
        ) {
            let a: Arc<str> = Arc::from("x");
            let mentions: Vec<Mention> = spans
                .iter()
                .map(|&(s, l)| Mention::new(Span::new(s, s + l), claimex_pipeline::Intern::new(MentionEntry {
                    label: Arc::clone(&a),
                    canonical: Arc::clone(&a),
                    attrs: Arc::new(Default::default()),
                    prov: Provenance::new(&a, &a),
                })))
                .collect();
            let mut refs: Vec<Tagged<'_>> = mentions.iter().map(|m| Tagged { span: m.span, kinds: 0, m }).collect();
            refs.sort_by_key(|m| (m.span.start, m.span.end));
            let sent = Sent {
                span: Span::new(0, 300),
                kind: SentenceKind::Text,
                paragraph: 0,
                longest_mention: refs.iter().map(|m| m.span.len()).max().unwrap_or(0),
                mentions: &refs,
                quants: &[],
                dates: &[],
            };
            let span = Span::new(start, start + len);
            let found = sent.overlapping(span);
            for m in sent.mentions.iter().filter(|m| m.span.overlaps(span)) {
                prop_assert!(found.iter().any(|f| std::ptr::eq(f.m, m.m)), "{:?} overlaps {:?}", m.span, span);
            }
        }
    }
}
