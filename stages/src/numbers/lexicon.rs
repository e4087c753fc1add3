//! The word lists of the `numbers` stage, parsed and validated once at build time.
//!
//! Every list is a tab-separated file under `lexicons/numbers/` (formats in each
//! file's header). Errors name `file:line`. Candidate words (number words and
//! vague phrases) go into one Aho-Corasick automaton; the short lists looked up
//! beside a figure (qualifiers, units, suffixes, months) go into [`PhraseTable`]s
//! indexed by first and last byte, so a lookup compares a handful of phrases.

use std::collections::BTreeMap;

use claimex_pipeline::{Bound, UnitKind};

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
}

/// A bucket entry: most candidates are rejected on their length and their
/// second (or second-to-last) byte, without reading the phrase itself.
#[derive(Clone, Copy)]
struct Key {
    id: u32,
    len: u32,
    /// The lowercased byte next to the bucket's byte (0 for one-byte phrases).
    next: u8,
}

impl Key {
    /// Whether `b[at]` (the byte next to the bucket's) may continue the phrase.
    #[inline(always)]
    fn next_agrees(&self, b: &[u8], at: usize) -> bool {
        self.len == 1 || b[at].to_ascii_lowercase() == self.next
    }
}

struct Phrase<T> {
    bytes: Box<[u8]>,
    case_sensitive: bool,
    value: T,
}

impl<T> Default for PhraseTable<T> {
    fn default() -> Self {
        PhraseTable { entries: Vec::new(), by_first: vec![Vec::new(); 256], by_last: vec![Vec::new(); 256] }
    }
}

pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// True when the char ending at `pos` is alphanumeric (any script).
pub(crate) fn alnum_before(text: &str, pos: usize) -> bool {
    text[..pos].chars().next_back().is_some_and(char::is_alphanumeric)
}

/// True when the char starting at `pos` is alphanumeric (any script).
pub(crate) fn alnum_at(text: &str, pos: usize) -> bool {
    text[pos..].chars().next().is_some_and(char::is_alphanumeric)
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
        self.by_first[f as usize].push(Key { id, len, next: second });
        self.by_last[l as usize].push(Key { id, len, next: before_last });
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
    pub fn fwd(&self, text: &str, pos: usize, hi: usize) -> Option<(usize, &T)> {
        let b = text.as_bytes();
        let first = *b.get(pos)?;
        for k in &self.by_first[first.to_ascii_lowercase() as usize] {
            let end = pos + k.len as usize;
            if end > hi || !k.next_agrees(b, pos + 1) {
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
    pub fn back(&self, text: &str, lo: usize, pos: usize) -> Option<(usize, &T)> {
        if pos == 0 || pos <= lo {
            return None;
        }
        let b = text.as_bytes();
        let last = b[pos - 1];
        for k in &self.by_last[last.to_ascii_lowercase() as usize] {
            if k.len as usize > pos - lo || !k.next_agrees(b, pos.wrapping_sub(2)) {
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

/// A candidate phrase found at a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WordMatch {
    /// Index into [`Lexicons::candidate_info`].
    pub id: usize,
    pub start: usize,
    pub end: usize,
}

/// The candidate phrases (number words and vague phrases), looked up where a
/// word starts: the longest phrase written there, ASCII case ignored.
///
/// The phrases are bucketed by their [`prefix_key`]: every phrase of three or
/// more bytes written at a position has that position's key, so only its
/// bucket (a phrase or two) is compared. Shorter phrases are compared
/// wherever no longer one matched. This replaced an anchored Aho-Corasick
/// search whose set-up and table walk cost more than the few comparisons.
struct Candidates {
    phrases: Vec<Box<[u8]>>,
    /// Bitset over the keys of every phrase: a word start whose key is
    /// absent cannot begin one of three or more bytes.
    prefixes: Vec<u64>,
    /// Set bits in `prefixes` before each of its words, to number the buckets.
    rank: Vec<u32>,
    /// Bucket `r` (the `r`-th set key) is `members[bucket_at[r]..bucket_at[r + 1]]`,
    /// phrases of three or more bytes, longest first.
    bucket_at: Vec<u32>,
    members: Vec<u32>,
    /// Phrases under three bytes, longest first, and their first bytes.
    short: Vec<u32>,
    short_first: [bool; 256],
}

impl Candidates {
    /// `phrases` are lowercased here: a text byte is compared lowercased.
    fn new(mut phrases: Vec<Box<[u8]>>) -> Candidates {
        for p in &mut phrases {
            p.make_ascii_lowercase();
        }
        let mut prefixes = vec![0u64; 1 << 15 >> 6];
        for p in &phrases {
            let k = prefix_key(p, 0, p.len());
            prefixes[k >> 6] |= 1 << (k & 63);
        }
        let mut rank = Vec::with_capacity(prefixes.len());
        let mut set = 0u32;
        for w in &prefixes {
            rank.push(set);
            set += w.count_ones();
        }
        let by_length = |ids: &mut Vec<u32>| ids.sort_by_key(|&i| (std::cmp::Reverse(phrases[i as usize].len()), i));
        let mut buckets = vec![Vec::new(); set as usize];
        let mut short = Vec::new();
        let mut short_first = [false; 256];
        for (i, p) in phrases.iter().enumerate() {
            if p.len() < 3 {
                short.push(i as u32);
                short_first[usize::from(p[0])] = true;
            } else {
                let k = prefix_key(p, 0, p.len());
                buckets[Self::bucket(&prefixes, &rank, k).expect("its key is set")].push(i as u32);
            }
        }
        by_length(&mut short);
        let mut bucket_at = vec![0u32];
        let mut members = Vec::new();
        for mut b in buckets {
            by_length(&mut b);
            members.extend(b);
            bucket_at.push(members.len() as u32);
        }
        Candidates { phrases, prefixes, rank, bucket_at, members, short, short_first }
    }

    #[inline(always)]
    fn bucket(prefixes: &[u64], rank: &[u32], k: usize) -> Option<usize> {
        let w = prefixes[k >> 6];
        let bit = 1u64 << (k & 63);
        (w & bit != 0).then(|| (rank[k >> 6] + (w & (bit - 1)).count_ones()) as usize)
    }

    #[inline(always)]
    fn may_start(&self, k: usize) -> bool {
        self.prefixes[k >> 6] & (1 << (k & 63)) != 0
    }

    /// The longest phrase written at `pos` and ending by `hi`.
    fn find(&self, b: &[u8], pos: usize, hi: usize) -> Option<WordMatch> {
        let at = |i: u32| {
            let p = &self.phrases[i as usize];
            let end = pos + p.len();
            let same = end <= hi && p.iter().zip(&b[pos..end]).all(|(&x, y)| x == y.to_ascii_lowercase());
            same.then_some(WordMatch { id: i as usize, start: pos, end })
        };
        let long = Self::bucket(&self.prefixes, &self.rank, prefix_key(b, pos, hi)).and_then(|r| {
            let members = &self.members[self.bucket_at[r] as usize..self.bucket_at[r + 1] as usize];
            members.iter().find_map(|&i| at(i))
        });
        long.or_else(|| {
            let first = b.get(pos)?.to_ascii_lowercase();
            self.short_first[usize::from(first)].then(|| self.short.iter().find_map(|&i| at(i))).flatten()
        })
    }
}

/// All lists, compiled.
pub struct Lexicons {
    candidates: Candidates,
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

/// The first three bytes as letters (1..=26) or 0 for anything else, packed in 15 bits.
#[inline(always)]
pub(crate) fn prefix_key(b: &[u8], pos: usize, hi: usize) -> usize {
    // Asked at every word start of every sentence: one bounds check, and no
    // branch per byte (`| 0x20` lowercases exactly the ASCII letters into a..=z).
    let code = |c: u8| {
        let k = (c | 0x20).wrapping_sub(b'a');
        usize::from(k < 26) * (usize::from(k) + 1)
    };
    if let Some(&[x, y, z]) = b.get(pos..pos + 3).filter(|_| pos + 3 <= hi) {
        // The common case, with one bounds check.
        return code(x) << 10 | code(y) << 5 | code(z);
    }
    // Near the end of the range: the missing letters count as 0.
    match b[pos..hi.min(pos + 3).max(pos)] {
        [x, y] => code(x) << 10 | code(y) << 5,
        [x] => code(x) << 10,
        _ => 0,
    }
}

impl Lexicons {
    /// True when a candidate phrase may start at `pos` (exact on the first three letters).
    #[inline(always)]
    pub fn may_start(&self, b: &[u8], pos: usize, hi: usize) -> bool {
        self.candidates.may_start(prefix_key(b, pos, hi))
    }

    /// The longest number word or vague phrase written at `pos` and ending by
    /// `hi` (not checked for a word boundary after it).
    #[inline]
    pub fn candidate_at(&self, b: &[u8], pos: usize, hi: usize) -> Option<WordMatch> {
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
        let candidates = Candidates::new(cands.keys().map(|p| p.as_bytes().into()).collect());
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
    use super::{prefix_key, Candidates, WordMatch};
    use proptest::prelude::*;

    /// Phrases of every length class: one and two bytes, three-byte keys shared
    /// by several phrases, non-letters inside the key, a non-ASCII byte.
    const PHRASES: &[&str] =
        &["a", "dz", "one", "ones", "onerous", "two", "a few", "a few dozen", "a-b", "thousand", "th", "caf\u{e9}s"];

    /// The longest phrase equal to the text at `pos` (ASCII case ignored), ending by `hi`.
    fn longest(pos: usize, hi: usize, b: &[u8]) -> Option<WordMatch> {
        PHRASES
            .iter()
            .enumerate()
            .filter(|(_, p)| pos + p.len() <= hi && p.as_bytes().eq_ignore_ascii_case(&b[pos..pos + p.len()]))
            .max_by_key(|(_, p)| p.len())
            .map(|(id, p)| WordMatch { id, start: pos, end: pos + p.len() })
    }

    proptest! {
        /// The bucketed lookup finds what a search of every phrase finds, at
        /// every position and every end of range, whatever the key of the text.
        #[test]
        fn candidates_find_the_longest_phrase(text in "[aAdDzZoOnNeEsStTwWhHfF -]{0,12}(caf\u{e9}s|caf\u{c9}S)?[a-z ]{0,4}") {
            let c = Candidates::new(PHRASES.iter().map(|p| p.as_bytes().into()).collect());
            let b = text.as_bytes();
            for hi in 0..=b.len() {
                for pos in 0..hi {
                    prop_assert_eq!(c.find(b, pos, hi), longest(pos, hi, b), "{:?} at {} by {}", text, pos, hi);
                }
            }
        }
    }

    /// The branch-free key agrees with lowercasing byte by byte, for every
    /// byte value in every position and every end of range.
    #[test]
    fn prefix_key_agrees_with_ascii_lowercasing() {
        let slow = |b: &[u8], pos: usize, hi: usize| {
            let code = |i: usize| {
                let c = if i < hi { b[i].to_ascii_lowercase() } else { 0 };
                if c.is_ascii_lowercase() {
                    usize::from(c - b'a' + 1)
                } else {
                    0
                }
            };
            code(pos) << 10 | code(pos + 1) << 5 | code(pos + 2)
        };
        for v in 0..=255u8 {
            for at in 0..3 {
                let mut b = *b"xQz!";
                b[at] = v;
                for hi in 0..=4 {
                    assert_eq!(prefix_key(&b, 0, hi), slow(&b, 0, hi), "byte {v:#x} at {at}, end {hi}");
                }
            }
        }
    }
}
