//! The word lists of the `numbers` stage, parsed and validated once at build time.
//!
//! Every list is a tab-separated file under `lexicons/numbers/` (formats in each
//! file's header). Errors name `file:line`. Candidate words (number words and
//! vague phrases) go into one Aho-Corasick automaton; the short lists looked up
//! beside a figure (qualifiers, units, suffixes, months) go into [`PhraseTable`]s
//! indexed by first and last byte, so a lookup compares a handful of phrases.

use std::collections::BTreeMap;

use claimex_pipeline::{Bound, UnitKind};

use crate::anchored::{AnchoredPhrases, PhraseMatch};

/// One data file's text and the name used in its errors.
pub struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// Non-comment lines split on tabs, with their 1-based line numbers.
fn rows<'a>(src: &Source<'a>, min: usize, max: usize) -> Result<Vec<(usize, Vec<&'a str>)>, String> {
    let mut out = Vec::new();
    for (i, line) in src.text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        if cols.len() < min || cols.len() > max {
            return Err(format!(
                "{}:{}: expected {} tab-separated columns, found {}: {line:?}",
                src.name,
                i + 1,
                if min == max { min.to_string() } else { format!("{min} to {max}") },
                cols.len()
            ));
        }
        if cols[0].is_empty() {
            return Err(format!("{}:{}: empty phrase", src.name, i + 1));
        }
        out.push((i + 1, cols));
    }
    Ok(out)
}

fn number(src: &Source, line: usize, s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("{}:{line}: expected a number, found {s:?}", src.name)),
    }
}

fn bad(src: &Source, line: usize, what: &str, found: &str, expected: &str) -> String {
    format!("{}:{line}: unknown {what} {found:?}, expected one of: {expected}", src.name)
}

/// Phrases looked up next to a figure, longest first, without allocation.
pub struct PhraseTable<T> {
    entries: Vec<Phrase<T>>,
    by_first: Vec<Vec<Key>>,
    by_last: Vec<Vec<Key>>,
    /// `second[c]`: bit `n & 63` set when a phrase beginning with byte `c`
    /// (lowercased) may have `n` (lowercased) as its second byte, all bits for
    /// a one-byte phrase. Most lookups beside a figure find nothing; this
    /// rejects them on two bytes before a bucket is walked.
    second: [u64; 256],
    /// The same for the last byte and the one before it, for [`Self::back`].
    before_last: [u64; 256],
}

/// The bit of byte `c` (lowercased) in a [`PhraseTable`] byte mask. Digits
/// share bits with letters: the mask only rejects, a bucket decides.
#[inline(always)]
fn mask_bit(c: u8) -> u64 {
    1 << (c.to_ascii_lowercase() & 63)
}

/// A bucket entry: most candidates are rejected on their length and their
/// second (or second-to-last) byte, without reading the phrase itself.
#[derive(Clone, Copy)]
struct Key {
    id: u32,
    len: u32,
    /// The lowercased byte next to the bucket's byte (0 for one-byte phrases).
    next: u8,
    /// Up to eight bytes of the phrase from the bucket's end, lowercased, where
    /// they stand in the eight text bytes read there ([`Self::word_agrees`]),
    /// and the mask of those bytes: a phrase is compared only where all agree
    /// ("less than" and "more than" share a bucket and a next byte).
    word: u64,
    mask: u64,
}

impl Key {
    /// Whether `b[at]` (the byte next to the bucket's) may continue the phrase.
    #[inline(always)]
    fn next_agrees(&self, b: &[u8], at: usize) -> bool {
        self.len == 1 || b[at].to_ascii_lowercase() == self.next
    }

    /// Whether the eight text bytes `w` (lowercased, see [`lower8`]) may hold the phrase.
    #[inline(always)]
    fn word_agrees(&self, w: u64) -> bool {
        w & self.mask == self.word
    }
}

/// The eight bytes at `at` as a little-endian word with ASCII letters lowercased.
#[inline(always)]
fn lower8(b: &[u8], at: usize) -> Option<u64> {
    crate::swar::load(b, at).map(crate::swar::lower)
}

struct Phrase<T> {
    bytes: Box<[u8]>,
    case_sensitive: bool,
    value: T,
}

impl<T> Default for PhraseTable<T> {
    fn default() -> Self {
        PhraseTable {
            entries: Vec::new(),
            by_first: vec![Vec::new(); 256],
            by_last: vec![Vec::new(); 256],
            second: [0; 256],
            before_last: [0; 256],
        }
    }
}

pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// True when the char ending at `pos` is alphanumeric (any script).
#[inline]
pub(crate) fn alnum_before(text: &str, pos: usize) -> bool {
    match pos.checked_sub(1).map(|i| text.as_bytes()[i]) {
        Some(c) if c < 0x80 => c.is_ascii_alphanumeric(),
        _ => text[..pos].chars().next_back().is_some_and(char::is_alphanumeric),
    }
}

/// True when the char starting at `pos` is alphanumeric (any script).
#[inline]
pub(crate) fn alnum_at(text: &str, pos: usize) -> bool {
    match text.as_bytes().get(pos) {
        Some(&c) if c < 0x80 => c.is_ascii_alphanumeric(),
        _ => text[pos..].chars().next().is_some_and(char::is_alphanumeric),
    }
}

impl<T> PhraseTable<T> {
    pub fn push(&mut self, phrase: &str, case_sensitive: bool, value: T) {
        let id = self.entries.len() as u32;
        let bytes: Box<[u8]> = phrase.as_bytes().into();
        let n = bytes.len();
        let lower = |i: usize| bytes[i].to_ascii_lowercase();
        let (f, l) = (lower(0), lower(n - 1));
        let len = n as u32;
        let (second, before_last) = if n > 1 { (lower(1), lower(n - 2)) } else { (0, 0) };
        // The first eight bytes read forward, the last eight ending at the text's position.
        let m = n.min(8);
        let low = bytes.to_ascii_lowercase();
        let (mut head, mut tail) = ([0u8; 8], [0u8; 8]);
        head[..m].copy_from_slice(&low[..m]);
        tail[8 - m..].copy_from_slice(&low[n - m..]);
        let (head_mask, tail_mask) = if m == 8 { (!0, !0) } else { ((1u64 << (8 * m)) - 1, !0u64 << (8 * (8 - m))) };
        let word = u64::from_le_bytes;
        self.by_first[f as usize].push(Key { id, len, next: second, word: word(head), mask: head_mask });
        self.by_last[l as usize].push(Key { id, len, next: before_last, word: word(tail), mask: tail_mask });
        let (s, b) = if n > 1 { (mask_bit(second), mask_bit(before_last)) } else { (u64::MAX, u64::MAX) };
        self.second[f as usize] |= s;
        self.before_last[l as usize] |= b;
        self.entries.push(Phrase { bytes, case_sensitive, value });
    }

    /// Sort each bucket longest first; call once after the last `push`.
    pub fn finish(&mut self) {
        for bucket in self.by_first.iter_mut().chain(self.by_last.iter_mut()) {
            bucket.sort_by_key(|k| std::cmp::Reverse(k.len));
        }
    }

    fn eq(p: &Phrase<T>, hay: &[u8]) -> bool {
        if p.case_sensitive {
            *p.bytes == *hay
        } else {
            p.bytes.eq_ignore_ascii_case(hay)
        }
    }

    /// The longest phrase starting at `pos` and ending by `hi` on a word boundary.
    #[inline(always)]
    pub fn fwd(&self, text: &str, pos: usize, hi: usize) -> Option<(usize, &T)> {
        let b = text.as_bytes();
        if pos >= hi {
            // No phrase is empty.
            return None;
        }
        if let (Some(&x), Some(&y)) = (b.get(pos), b.get(pos + 1)) {
            if pos + 1 < hi && self.second[usize::from(x.to_ascii_lowercase())] & mask_bit(y) == 0 {
                return None;
            }
        }
        self.fwd_walk(text, pos, hi)
    }

    /// [`Self::fwd`] past its two-byte filter: the bucket of the first byte.
    #[inline(never)]
    fn fwd_walk(&self, text: &str, pos: usize, hi: usize) -> Option<(usize, &T)> {
        let b = text.as_bytes();
        let first = *b.get(pos)?;
        let w = lower8(b, pos);
        for k in &self.by_first[first.to_ascii_lowercase() as usize] {
            let end = pos + k.len as usize;
            if end > hi || !w.map_or_else(|| k.next_agrees(b, pos + 1), |w| k.word_agrees(w)) {
                continue;
            }
            let p = &self.entries[k.id as usize];
            if !Self::eq(p, &b[pos..end]) || !text.is_char_boundary(end) {
                continue;
            }
            if is_word_byte(p.bytes[p.bytes.len() - 1]) && end < hi && alnum_at(text, end) {
                continue;
            }
            return Some((end, &p.value));
        }
        None
    }

    /// The longest phrase ending at `pos`, starting at or after `lo` on a word boundary.
    #[inline(always)]
    pub fn back(&self, text: &str, lo: usize, pos: usize) -> Option<(usize, &T)> {
        if pos == 0 || pos <= lo {
            return None;
        }
        let b = text.as_bytes();
        if pos - lo >= 2 && self.before_last[usize::from(b[pos - 1].to_ascii_lowercase())] & mask_bit(b[pos - 2]) == 0 {
            return None;
        }
        self.back_walk(text, lo, pos)
    }

    /// [`Self::back`] past its two-byte filter: the bucket of the last byte.
    #[inline(never)]
    fn back_walk(&self, text: &str, lo: usize, pos: usize) -> Option<(usize, &T)> {
        let b = text.as_bytes();
        let last = b[pos - 1];
        let w = pos.checked_sub(8).and_then(|s| lower8(b, s));
        for k in &self.by_last[last.to_ascii_lowercase() as usize] {
            if k.len as usize > pos - lo
                || !w.map_or_else(|| k.next_agrees(b, pos.wrapping_sub(2)), |w| k.word_agrees(w))
            {
                continue;
            }
            let p = &self.entries[k.id as usize];
            let start = pos - p.bytes.len();
            if !text.is_char_boundary(start) || !Self::eq(p, &b[start..pos]) {
                continue;
            }
            if is_word_byte(p.bytes[0]) && start > lo && alnum_before(text, start) {
                continue;
            }
            return Some((start, &p.value));
        }
        None
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WordKind {
    Small,
    Tens,
    Hundred,
    Scale,
    Multiplier,
    MultiplierPlural,
    Fraction,
    Sign,
}

#[derive(Clone, Copy, Debug)]
pub struct Word {
    pub kind: WordKind,
    pub value: f64,
}

#[derive(Clone, Copy, Debug)]
pub struct Vague {
    pub value: f64,
    pub need_of: bool,
}

/// What a candidate phrase of the automaton can be.
#[derive(Clone, Copy, Debug, Default)]
pub struct Candidate {
    pub word: Option<Word>,
    pub vague: Option<Vague>,
}

#[derive(Clone, Copy, Debug)]
pub struct Suffix {
    pub value: f64,
    pub money_only: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeMid {
    Any,
    BetweenOnly,
}

#[derive(Clone, Debug)]
pub struct UnitDef {
    pub kind: UnitKind,
    pub name: std::sync::Arc<str>,
    pub factor: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateWord {
    Month,
    Time,
    Ordinal,
    FractionWord,
}

/// All lists, compiled.
pub struct Lexicons {
    candidates: AnchoredPhrases,
    pub candidate_info: Vec<Candidate>,
    pub suffixes: PhraseTable<Suffix>,
    pub pre: PhraseTable<Bound>,
    pub post: PhraseTable<Bound>,
    pub range_pre: PhraseTable<()>,
    pub range_mid: PhraseTable<RangeMid>,
    pub unit_pre: PhraseTable<UnitDef>,
    pub unit_post: PhraseTable<UnitDef>,
    pub dates: PhraseTable<DateWord>,
    pub one_after: PhraseTable<()>,
    pub one_before: PhraseTable<()>,
}

/// The data files, keyed by their config parameter, in the order [`Lexicons::parse`] takes them.
struct Named<'a, 'b> {
    words: &'b Source<'a>,
    suffixes: &'b Source<'a>,
    qualifiers: &'b Source<'a>,
    vague: &'b Source<'a>,
    units: &'b Source<'a>,
    dates: &'b Source<'a>,
    context: &'b Source<'a>,
}

pub const FILES: [&str; 7] = ["words", "suffixes", "qualifiers", "vague", "units", "dates", "context"];

fn bound(src: &Source, line: usize, s: &str) -> Result<Bound, String> {
    Ok(match s {
        "at_least" => Bound::AtLeast,
        "at_most" => Bound::AtMost,
        "approx" => Bound::Approx,
        "exact" => Bound::Exact,
        _ => return Err(bad(src, line, "bound", s, "at_least, at_most, approx, exact")),
    })
}

impl Lexicons {
    /// False where no candidate phrase starts as a whole word at a word start
    /// whose first four bytes are `w` ([`crate::prefix_masks::window`]).
    #[inline(always)]
    pub fn may_start(&self, w: [u8; 4]) -> bool {
        self.candidates.may_start(w)
    }

    /// The longest number word or vague phrase written at `pos` and ending by
    /// `hi` (not checked for a word boundary after it).
    #[inline]
    pub fn candidate_at(&self, b: &[u8], pos: usize, hi: usize) -> Option<PhraseMatch> {
        self.candidates.find(b, pos, hi)
    }

    /// Parse the files named by [`FILES`], in that order.
    pub fn parse(files: &[Source; 7]) -> Result<Lexicons, String> {
        let [words, suffixes_src, qualifiers, vague, units, dates_src, context] = files;
        let s = Named { words, suffixes: suffixes_src, qualifiers, vague, units, dates: dates_src, context };
        // Candidate phrases, deduplicated (a phrase may be both a word and vague: "dozens").
        let mut cands: BTreeMap<String, Candidate> = BTreeMap::new();
        for (line, c) in rows(s.words, 3, 3)? {
            let kind = match c[1] {
                "small" => WordKind::Small,
                "tens" => WordKind::Tens,
                "hundred" => WordKind::Hundred,
                "scale" => WordKind::Scale,
                "multiplier" => WordKind::Multiplier,
                "multiplier_plural" => WordKind::MultiplierPlural,
                "fraction" => WordKind::Fraction,
                "sign" => WordKind::Sign,
                k => {
                    return Err(bad(
                        s.words,
                        line,
                        "kind",
                        k,
                        "small, tens, hundred, scale, multiplier, multiplier_plural, fraction, sign",
                    ))
                }
            };
            let value = number(s.words, line, c[2])?;
            if c[0].contains(char::is_whitespace) {
                return Err(format!("{}:{line}: a number word is one word, found {:?}", s.words.name, c[0]));
            }
            let e = cands.entry(c[0].to_ascii_lowercase()).or_default();
            if e.word.is_some() {
                return Err(format!("{}:{line}: duplicate word {:?}", s.words.name, c[0]));
            }
            e.word = Some(Word { kind, value });
        }
        for (line, c) in rows(s.vague, 3, 3)? {
            let value = number(s.vague, line, c[1])?;
            let need_of = match c[2] {
                "-" => false,
                "of" => true,
                f => return Err(bad(s.vague, line, "follow", f, "-, of")),
            };
            let e = cands.entry(c[0].to_ascii_lowercase()).or_default();
            if e.vague.is_some() {
                return Err(format!("{}:{line}: duplicate vague phrase {:?}", s.vague.name, c[0]));
            }
            e.vague = Some(Vague { value, need_of });
        }
        let candidates = AnchoredPhrases::new(cands.keys().map(|p| p.as_bytes().into()).collect());
        let candidate_info = cands.values().copied().collect();

        let mut suffixes = PhraseTable::default();
        for (line, c) in rows(s.suffixes, 4, 4)? {
            let value = number(s.suffixes, line, c[1])?;
            let cs = match c[2] {
                "cs" => true,
                "ci" => false,
                x => return Err(bad(s.suffixes, line, "case", x, "cs, ci")),
            };
            let money_only = match c[3] {
                "any" => false,
                "money" => true,
                x => return Err(bad(s.suffixes, line, "context", x, "any, money")),
            };
            suffixes.push(c[0], cs, Suffix { value, money_only });
        }

        let (mut pre, mut post, mut range_pre, mut range_mid) =
            (PhraseTable::default(), PhraseTable::default(), PhraseTable::default(), PhraseTable::default());
        for (line, c) in rows(s.qualifiers, 3, 3)? {
            match c[1] {
                "pre" => pre.push(c[0], false, bound(s.qualifiers, line, c[2])?),
                "post" => post.push(c[0], false, bound(s.qualifiers, line, c[2])?),
                "range_pre" => range_pre.push(c[0], false, ()),
                "range_mid" => {
                    let m = match c[2] {
                        "any" => RangeMid::Any,
                        "between" => RangeMid::BetweenOnly,
                        x => return Err(bad(s.qualifiers, line, "range_mid argument", x, "any, between")),
                    };
                    range_mid.push(c[0], false, m)
                }
                x => return Err(bad(s.qualifiers, line, "position", x, "pre, post, range_pre, range_mid")),
            }
        }

        let (mut unit_pre, mut unit_post) = (PhraseTable::default(), PhraseTable::default());
        for (line, c) in rows(s.units, 5, 5)? {
            let kind = match c[2] {
                "area" => UnitKind::Area,
                "percent" => UnitKind::Percent,
                "currency" => UnitKind::Currency,
                "length" => UnitKind::Length,
                "mass" => UnitKind::Mass,
                "duration" => UnitKind::Duration,
                "other" => UnitKind::Other,
                k => {
                    return Err(bad(s.units, line, "kind", k, "area, percent, currency, length, mass, duration, other"))
                }
            };
            let factor = number(s.units, line, c[4])?;
            if factor <= 0.0 {
                return Err(format!("{}:{line}: factor must be positive, found {factor}", s.units.name));
            }
            let def = UnitDef { kind, name: c[3].into(), factor };
            match c[1] {
                "pre" => unit_pre.push(c[0], false, def),
                "post" => unit_post.push(c[0], false, def),
                x => return Err(bad(s.units, line, "position", x, "pre, post")),
            }
        }

        let mut dates = PhraseTable::default();
        for (line, c) in rows(s.dates, 2, 2)? {
            let (kind, cs) = match c[1] {
                // Months must be capitalised ("may" is a verb); the rest ignore case.
                "month" => (DateWord::Month, true),
                "time" => (DateWord::Time, false),
                "ordinal" => (DateWord::Ordinal, false),
                "fraction_word" => (DateWord::FractionWord, false),
                x => return Err(bad(s.dates, line, "kind", x, "month, time, ordinal, fraction_word")),
            };
            dates.push(c[0], cs, kind);
        }

        let (mut one_after, mut one_before) = (PhraseTable::default(), PhraseTable::default());
        for (line, c) in rows(s.context, 2, 2)? {
            match c[1] {
                "one_after" => one_after.push(c[0], false, ()),
                "one_before" => one_before.push(c[0], false, ()),
                x => return Err(bad(s.context, line, "kind", x, "one_after, one_before")),
            }
        }

        let mut lx = Lexicons {
            candidates,
            candidate_info,
            suffixes,
            pre,
            post,
            range_pre,
            range_mid,
            unit_pre,
            unit_post,
            dates,
            one_after,
            one_before,
        };
        lx.suffixes.finish();
        lx.pre.finish();
        lx.post.finish();
        lx.range_pre.finish();
        lx.range_mid.finish();
        lx.unit_pre.finish();
        lx.unit_post.finish();
        lx.dates.finish();
        lx.one_after.finish();
        lx.one_before.finish();
        Ok(lx)
    }
}

#[cfg(test)]
mod tests {
    use super::{alnum_at, alnum_before, is_word_byte, PhraseTable};
    use proptest::prelude::*;

    /// One-byte, case-sensitive, digit-led, spaced and non-ASCII phrases.
    fn table() -> PhraseTable<usize> {
        let mut t = PhraseTable::default();
        let phrases = [("%", false), ("M", true), ("MM", true), ("per cent", false), ("pc", false), ("km2", false)];
        let more =
            [("sq. km", false), ("km²", false), ("£", false), ("or more", false), ("9x", false), ("up to", false)];
        let long = [("more than", false), ("no more than", false), ("square kilometres", false), ("Per Cent", true)];
        for (i, (p, cs)) in phrases.iter().chain(&more).chain(&long).enumerate() {
            t.push(p, *cs, i);
        }
        t.finish();
        t
    }

    /// The phrases longest first (the first pushed first among equals), as the buckets hold them.
    fn longest_first<T>(t: &PhraseTable<T>) -> Vec<&super::Phrase<T>> {
        let mut all: Vec<_> = t.entries.iter().enumerate().collect();
        all.sort_by_key(|(i, p)| (std::cmp::Reverse(p.bytes.len()), *i));
        all.into_iter().map(|(_, p)| p).collect()
    }

    /// [`PhraseTable::fwd`] by comparing every phrase.
    fn fwd_reference<'t, T>(t: &'t PhraseTable<T>, text: &str, pos: usize, hi: usize) -> Option<(usize, &'t T)> {
        longest_first(t).into_iter().find_map(|p| {
            let end = pos + p.bytes.len();
            let fits = end <= hi && PhraseTable::eq(p, &text.as_bytes()[pos..end]) && text.is_char_boundary(end);
            let whole = || !(is_word_byte(p.bytes[p.bytes.len() - 1]) && end < hi && alnum_at(text, end));
            (fits && whole()).then_some((end, &p.value))
        })
    }

    /// [`PhraseTable::back`] by comparing every phrase.
    fn back_reference<'t, T>(t: &'t PhraseTable<T>, text: &str, lo: usize, pos: usize) -> Option<(usize, &'t T)> {
        longest_first(t).into_iter().find_map(|p| {
            let start = pos.checked_sub(p.bytes.len()).filter(|&s| s >= lo)?;
            let fits = text.is_char_boundary(start) && PhraseTable::eq(p, &text.as_bytes()[start..pos]);
            let whole = || !(is_word_byte(p.bytes[0]) && start > lo && alnum_before(text, start));
            (fits && whole()).then_some((start, &p.value))
        })
    }

    proptest! {
        /// The byte filters and eight-byte keys reject only where comparing every phrase finds nothing,
        /// at every position and every end of range.
        #[test]
        fn lookups_agree_with_comparing_every_phrase(text in "[pPeErRcCnNtTkKmMsSqQuUhHaAlLiIoO2²£%.9xo ]{0,16}") {
            let t = table();
            let b = text.as_bytes();
            for lo in 0..=b.len() {
                for hi in lo..=b.len() {
                    for pos in lo..=hi {
                        if !text.is_char_boundary(pos) || !text.is_char_boundary(hi) || !text.is_char_boundary(lo) {
                            continue;
                        }
                        prop_assert_eq!(t.fwd(&text, pos, hi), fwd_reference(&t, &text, pos, hi), "fwd {:?} at {} by {}", text, pos, hi);
                        prop_assert_eq!(t.back(&text, lo, pos), back_reference(&t, &text, lo, pos), "back {:?} at {} from {}", text, pos, lo);
                    }
                }
            }
        }
    }
}
