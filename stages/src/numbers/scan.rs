//! The quantity scanner: one left-to-right pass over a window of text.
//!
//! It stops only at ASCII digits and at matches of the number-word automaton;
//! everything else (qualifiers, units, months, suffixes) is looked up in small
//! phrase tables right next to a figure. No allocation happens per token: the
//! only allocations are the pushed [`Quantity`]s.

use std::sync::Arc;

use claimex_pipeline::{Bound, NumRange, Provenance, Quantity, Span, Unit, UnitKind};

use super::lexicon::{alnum_at, alnum_before, DateWord, Lexicons, RangeMid, UnitDef, WordKind};
use crate::anchored::PhraseMatch;
use crate::prefix_masks::window;
use crate::swar::Starts;

/// The provenance rule names, built once.
struct Rules {
    digits: Arc<str>,
    digits_scale: Arc<str>,
    words: Arc<str>,
    vague: Arc<str>,
    range: Arc<str>,
    area: Arc<str>,
}

/// A compiled scanner: lexicons plus settings. Shared by all threads.
pub struct Scanner {
    lx: Lexicons,
    year_min: f64,
    year_max: f64,
    stage: Arc<str>,
    rules: Rules,
}

/// A parsed figure, before qualifiers and units.
#[derive(Clone, Copy, Debug)]
struct Num {
    start: usize,
    end: usize,
    value: f64,
    /// The multiplier of a trailing scale word or suffix ("5 million" → 1e6), else 1.
    scale: f64,
    /// Plain digits: no separators, decimals, sign, suffix or words (year and day candidates).
    plain: bool,
    digits: usize,
    words: bool,
    scaled: bool,
}

/// What the scanner found at a position.
enum Found {
    Num(Num),
    /// Not a quantity; resume scanning here.
    Skip(usize),
}

fn is_digit(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(u8::is_ascii_digit)
}

/// Byte length of a horizontal space at `pos` (space, tab, no-break, narrow or thin space).
fn space_len(text: &str, pos: usize) -> usize {
    let b = text.as_bytes();
    match b.get(pos) {
        Some(b' ' | b'\t') => 1,
        Some(0xC2) if b.get(pos + 1) == Some(&0xA0) => 2,
        Some(0xE2) if b.get(pos + 1) == Some(&0x80) && matches!(b.get(pos + 2), Some(0xAF | 0x89)) => 3,
        _ => 0,
    }
}

#[inline(always)]
fn skip_ws(text: &str, pos: usize, hi: usize) -> usize {
    // Most figures are followed by a plain space and a letter, or by punctuation.
    match text.as_bytes().get(pos) {
        Some(&c) if pos < hi && matches!(c, b' ' | b'\t' | 0xC2 | 0xE2) => skip_ws_from(text, pos, hi),
        _ => pos,
    }
}

#[inline(never)]
fn skip_ws_from(text: &str, mut pos: usize, hi: usize) -> usize {
    while pos < hi {
        let n = space_len(text, pos);
        if n == 0 || pos + n > hi {
            break;
        }
        pos += n;
    }
    pos
}

#[inline(always)]
fn skip_ws_back(text: &str, lo: usize, pos: usize) -> usize {
    // The last byte of every space this skips is one of these.
    if pos > lo && matches!(text.as_bytes()[pos - 1], b' ' | b'\t' | 0xA0 | 0xAF | 0x89) {
        skip_ws_back_from(text, lo, pos)
    } else {
        pos
    }
}

#[inline(never)]
fn skip_ws_back_from(text: &str, lo: usize, mut pos: usize) -> usize {
    let b = text.as_bytes();
    while pos > lo {
        let n = match b[pos - 1] {
            b' ' | b'\t' => 1,
            0xA0 if pos >= lo + 2 && b[pos - 2] == 0xC2 => 2,
            0xAF | 0x89 if pos >= lo + 3 && b[pos - 3] == 0xE2 && b[pos - 2] == 0x80 => 3,
            _ => 0,
        };
        if n == 0 {
            break;
        }
        pos -= n;
    }
    pos
}

/// End of a run of digits joined by separators ("192.168.1.2", "+1-222-2222", "5:59").
fn chain_end(b: &[u8], mut i: usize, hi: usize) -> usize {
    while i < hi {
        let joined = matches!(b[i], b',' | b'.' | b'-' | b'/' | b':' | b'+' | b'_')
            && i + 1 < hi
            && b[i + 1].is_ascii_alphanumeric();
        if b[i].is_ascii_alphanumeric() || joined {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// End of the word (letters and digits) starting at `i`.
fn word_end(text: &str, mut i: usize, hi: usize) -> usize {
    while i < hi {
        match text[i..].chars().next() {
            Some(c) if c.is_alphanumeric() => i += c.len_utf8(),
            _ => break,
        }
    }
    i
}

/// A three-digit group after a separator at `i`, not followed by another digit.
#[inline(always)]
fn group_at(b: &[u8], i: usize, hi: usize, sep: &[u8]) -> bool {
    let g = i + sep.len();
    g + 3 <= hi && b[i..].starts_with(sep) && b[g..g + 3].iter().all(u8::is_ascii_digit) && !is_digit(&b[..hi], g + 3)
}

fn digits_value(b: &[u8]) -> f64 {
    b.iter().filter(|c| c.is_ascii_digit()).fold(0.0, |acc, &d| acc * 10.0 + f64::from(d - b'0'))
}

fn fraction_value(b: &[u8]) -> f64 {
    let mut v = 0.0;
    let mut f = 0.1;
    for &d in b {
        v += f64::from(d - b'0') * f;
        f /= 10.0;
    }
    v
}

const SPACE_SEPS: [&[u8]; 4] = [b" ", "\u{a0}".as_bytes(), "\u{202f}".as_bytes(), "\u{2009}".as_bytes()];

/// The last accepted token of a written number.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Last {
    None,
    Small,
    Tens,
    Digits,
    Hundred,
    Scale,
    Multiplier,
    Fraction,
}

enum Tok {
    Digits(Num),
    Word { kind: WordKind, value: f64, end: usize },
}

/// Running state of a written number ("three hundred and two thousand").
#[derive(Clone, Copy)]
struct Compound {
    total: f64,
    hundreds: f64,
    small: f64,
    sign: f64,
    last: Last,
    last_big: f64,
    end: usize,
    words: bool,
    scaled: bool,
    scale: f64,
}

impl Compound {
    fn value(&self) -> f64 {
        self.sign * (self.total + self.hundreds + self.small)
    }
    fn complete(&self) -> bool {
        !matches!(self.last, Last::None | Last::Fraction)
    }
}

/// A qualifier or unit found next to a figure.
#[derive(Clone, Copy)]
struct Qual {
    start: usize,
    end: usize,
    bound: Bound,
}

impl Scanner {
    pub fn new(lx: Lexicons, year_min: u32, year_max: u32, stage: &str) -> Scanner {
        let r = |s: &str| Arc::<str>::from(s);
        Scanner {
            lx,
            year_min: f64::from(year_min),
            year_max: f64::from(year_max),
            stage: Arc::from(stage),
            rules: Rules {
                digits: r("digits"),
                digits_scale: r("digits+scale"),
                words: r("words"),
                vague: r("vague"),
                range: r("range"),
                area: r("area"),
            },
        }
    }

    /// Every quantity in `text`, scanned as one window.
    pub fn extract(&self, text: &str) -> Vec<Quantity> {
        let mut out = Vec::new();
        self.scan(text, 0, text.len(), &mut out);
        out
    }

    /// Append the quantities of `text[lo..hi]` (one sentence) to `out`, in text order.
    ///
    /// One pass over the bytes: a digit is a candidate; a word start is one only when
    /// its first four bytes may begin a whole number word or vague phrase (table tests),
    /// and then one anchored automaton search decides.
    pub fn scan(&self, text: &str, lo: usize, hi: usize, out: &mut Vec<Quantity>) {
        let b = text.as_bytes();
        // Digits anywhere (a digit glued to a word is rejected in `at_digit`)
        // and the word starts where a number word or phrase may begin.
        let mut stops = Starts::filtered(b, lo, hi, true, |w| self.lx.may_start(w));
        let mut i = lo;
        let mut floor = lo;
        while let Some(p) = stops.next(i) {
            i = p;
            let found = if b[i].is_ascii_digit() {
                self.at_digit(text, i, lo, hi, floor)
            } else {
                // An ASCII letter after a non-ASCII letter continues a word.
                let start = i == lo || b[i - 1] < 0x80 || !alnum_before(text, i);
                let m = if start { self.lx.candidate_at(b, i, hi) } else { None };
                match m {
                    Some(m) if !(m.end < hi && alnum_at(text, m.end)) => self.at_word(text, m, lo, hi, floor),
                    _ => {
                        i += 1;
                        continue;
                    }
                }
            };
            // Stops are ASCII bytes, so resuming at any position lands on a char boundary.
            match found {
                Ok((q, resume)) => {
                    floor = q.span.end.max(resume);
                    out.push(q);
                    i = resume.max(i + 1);
                }
                Err(resume) => i = resume.max(i + 1),
            }
        }
    }

    /// A candidate at a digit: decide whether it can start a figure.
    fn at_digit(&self, text: &str, d: usize, lo: usize, hi: usize, floor: usize) -> Result<(Quantity, usize), usize> {
        let b = text.as_bytes();
        let mut start = d;
        if d > lo {
            match b[d - 1] {
                b'.' => {
                    if d - 1 > lo && (alnum_before(text, d - 1) || is_digit(b, d - 2)) {
                        return Err(chain_end(b, d, hi));
                    }
                    start = d - 1;
                }
                b'-' => {
                    if d - 1 > lo && alnum_before(text, d - 1) {
                        // "Su-34", "COVID-19", "mid-2024": part of a name.
                        return Err(chain_end(b, d, hi));
                    }
                    start = d - 1;
                }
                b'/' | b'_' | b'@' | b'#' | b'=' | b'&' | b'\\' | b':' | b'+' => {
                    return Err(chain_end(b, d, hi));
                }
                c if c.is_ascii_alphanumeric() => return Err(chain_end(b, d, hi)),
                c if c >= 0x80 => {
                    if alnum_before(text, d) {
                        return Err(chain_end(b, d, hi));
                    }
                    if text[..d].ends_with('\u{2212}') && !(d - 3 > lo && alnum_before(text, d - 3)) {
                        start = d - 3;
                    }
                }
                _ => {}
            }
        }
        self.quantity_at(text, start, lo, hi, floor)
    }

    /// A candidate at a number word or vague phrase.
    fn at_word(
        &self,
        text: &str,
        m: PhraseMatch,
        lo: usize,
        hi: usize,
        floor: usize,
    ) -> Result<(Quantity, usize), usize> {
        let info = self.lx.candidate_info[m.id];
        if info.word.is_some() {
            match self.quantity_at(text, m.start, lo, hi, floor) {
                Ok(q) => return Ok(q),
                Err(resume) if info.vague.is_none() => return Err(resume),
                Err(_) => {}
            }
        }
        let Some(v) = info.vague else {
            return Err(m.end);
        };
        if v.need_of {
            let p = skip_ws(text, m.end, hi);
            let ok = p > m.end
                && text[p..hi].get(..2).is_some_and(|s| s.eq_ignore_ascii_case("of"))
                && !(p + 2 < hi && alnum_at(text, p + 2));
            if !ok {
                return Err(m.end);
            }
        }
        let num = Num {
            start: m.start,
            end: m.end,
            value: v.value,
            scale: 1.0,
            plain: false,
            digits: 0,
            words: true,
            scaled: false,
        };
        self.assemble(text, num, None, lo, hi, floor, true)
    }

    /// Parse a figure at `start` and everything around it.
    fn quantity_at(
        &self,
        text: &str,
        start: usize,
        lo: usize,
        hi: usize,
        floor: usize,
    ) -> Result<(Quantity, usize), usize> {
        let b = text.as_bytes();
        let cur = self.currency_before(text, floor, start);
        let num = match self.compound(text, start, lo, hi, cur.is_some()) {
            Found::Num(n) => n,
            Found::Skip(k) => return Err(k),
        };
        // Dates and times: "April 26", "26 April", "Feb.06", "10:20 AM", "5 p.m.".
        if num.plain && num.digits <= 2 && num.value <= 31.0 {
            let mut p = num.start;
            if p > lo && b[p - 1] == b'.' {
                p -= 1;
            }
            let p = skip_ws_back(text, lo, p);
            let after = skip_ws(text, num.end, hi);
            let month_before = matches!(self.lx.dates.back(text, lo, p), Some((_, DateWord::Month)));
            let month_after =
                after > num.end && matches!(self.lx.dates.fwd(text, after, hi), Some((_, DateWord::Month)));
            if month_before || month_after {
                return Err(num.end);
            }
        }
        if num.plain {
            let after = skip_ws(text, num.end, hi);
            if after - num.end <= 1 {
                if let Some((e, DateWord::Time)) = self.lx.dates.fwd(text, after, hi) {
                    return Err(e);
                }
            }
        }
        self.assemble(text, num, cur, lo, hi, floor, false)
    }

    /// A currency sign right before `pos` ("$5", "US$ 1MM").
    fn currency_before(&self, text: &str, floor: usize, pos: usize) -> Option<(usize, &UnitDef)> {
        self.lx.unit_pre.back(text, floor, pos).or_else(|| {
            let p = skip_ws_back(text, floor, pos);
            if p < pos {
                self.lx.unit_pre.back(text, floor, p)
            } else {
                None
            }
        })
    }

    fn is_year(&self, n: &Num) -> bool {
        n.plain && n.digits == 4 && n.value >= self.year_min && n.value <= self.year_max
    }

    /// The figure plus its unit; returns (num, unit, unit end).
    fn with_unit<'a>(
        &'a self,
        text: &str,
        num: Num,
        cur: Option<(usize, &'a UnitDef)>,
        hi: usize,
    ) -> (Option<&'a UnitDef>, usize) {
        if let Some((_, u)) = cur {
            return (Some(u), num.end);
        }
        let b = text.as_bytes();
        // Each position once: after no space, the second is the first.
        let ws = skip_ws(text, num.end, hi);
        let mut tries = [num.end, if ws > num.end { ws } else { usize::MAX }, usize::MAX];
        if b.get(num.end) == Some(&b'-') {
            tries[2] = num.end + 1;
        }
        for p in tries {
            if p == usize::MAX || p > hi {
                continue;
            }
            if let Some((e, u)) = self.lx.unit_post.fwd(text, p, hi) {
                return (Some(u), e);
            }
        }
        (None, num.end)
    }

    /// The strongest pre-qualifier ending right before `pos`.
    fn pre_qualifier(&self, text: &str, floor: usize, pos: usize) -> Option<Qual> {
        let b = text.as_bytes();
        let ws = skip_ws_back(text, floor, pos);
        for p in [pos, ws] {
            if let Some((s, &bound)) = self.lx.pre.back(text, floor, p) {
                let symbolic = !b[s].is_ascii_alphanumeric();
                if symbolic && s > floor && matches!(b[s - 1], b'<' | b'>' | b'=') {
                    return None;
                }
                if p == pos && !symbolic && pos > s && b[pos - 1].is_ascii_alphanumeric() {
                    continue;
                }
                return Some(Qual { start: s, end: p, bound });
            }
            if ws == pos {
                break;
            }
        }
        None
    }

    /// A post-qualifier at `pos` ("or more", "-plus", "+") not followed by another number.
    fn post_qualifier(&self, text: &str, pos: usize, lo: usize, hi: usize) -> Option<Qual> {
        let ws = skip_ws(text, pos, hi);
        for p in [pos, ws] {
            if let Some((e, &bound)) = self.lx.post.fwd(text, p, hi) {
                let after = skip_ws(text, e, hi);
                // "200 or greater than 190", "less than 10 and more than 40": the phrase
                // belongs to the next figure.
                let than = text[after..hi].get(..4).is_some_and(|w| w.eq_ignore_ascii_case("than"));
                if after < hi && (than || self.starts_number(text, after, lo, hi)) {
                    return None;
                }
                return Some(Qual { start: p, end: e, bound });
            }
            if ws == pos {
                break;
            }
        }
        None
    }

    fn starts_number(&self, text: &str, pos: usize, lo: usize, hi: usize) -> bool {
        let b = text.as_bytes();
        is_digit(b, pos)
            || (matches!(b[pos], b'-' | b'.') && is_digit(b, pos + 1))
            || self.word_at(text, pos, lo, hi).is_some()
    }

    /// A number word starting at `pos` on word boundaries.
    fn word_at(&self, text: &str, pos: usize, lo: usize, hi: usize) -> Option<(WordKind, f64, usize)> {
        // The table filter of the scan: most words after a figure start no number word.
        if !self.lx.may_start(window(text.as_bytes(), pos, hi)) {
            return None;
        }
        if pos > lo && alnum_before(text, pos) {
            return None;
        }
        let m = self.lx.candidate_at(text.as_bytes(), pos, hi)?;
        if m.end < hi && alnum_at(text, m.end) {
            return None;
        }
        let w = self.lx.candidate_info[m.id].word?;
        Some((w.kind, w.value, m.end))
    }

    /// Figures written in digits: separators, decimals, a sign and a scale suffix.
    fn digits(&self, text: &str, start: usize, hi: usize, money: bool) -> Found {
        let b = text.as_bytes();
        let mut i = start;
        let mut neg = false;
        if b[i] == b'-' {
            neg = true;
            i += 1;
        } else if text[i..].starts_with('\u{2212}') {
            neg = true;
            i += 3;
        }
        let int_start = i;
        while i < hi && b[i].is_ascii_digit() {
            i += 1;
        }
        let n0 = i - int_start;
        let mut value = digits_value(&b[int_start..i]);
        let mut grouped = false;
        let mut decimal = false;
        if (1..=3).contains(&n0) {
            // "1,300,000"
            while group_at(b, i, hi, b",") {
                value = value * 1000.0 + digits_value(&b[i + 1..i + 4]);
                i += 4;
                grouped = true;
            }
            // "1 300", "40 000" with a no-break or narrow space
            // (Every separator starts with one of these bytes: most figures are
            // followed by none and try no separator.)
            if !grouped && matches!(b.get(i), Some(b' ' | 0xC2 | 0xE2)) {
                if let Some(sep) = SPACE_SEPS.iter().find(|s| group_at(b, i, hi, s)) {
                    while group_at(b, i, hi, sep) {
                        value = value * 1000.0 + digits_value(&b[i + sep.len()..i + sep.len() + 3]);
                        i += sep.len() + 3;
                        grouped = true;
                    }
                }
            }
            // European grouping only when unambiguous: "1.234.567" or "1.111,11".
            if !grouped {
                let (mut j, mut k) = (i, 0);
                while group_at(b, j, hi, b".") {
                    j += 4;
                    k += 1;
                }
                let more_dots = b.get(j) == Some(&b'.') && is_digit(b, j + 1);
                let comma_dec = b.get(j) == Some(&b',') && is_digit(b, j + 1);
                if !more_dots && (k >= 2 || (k == 1 && comma_dec)) {
                    value = digits_value(&b[int_start..j]);
                    i = j;
                    grouped = true;
                    if comma_dec {
                        let f = i + 1;
                        let mut e = f;
                        while e < hi && b[e].is_ascii_digit() {
                            e += 1;
                        }
                        value += fraction_value(&b[f..e]);
                        i = e;
                        decimal = true;
                    }
                }
            }
        }
        if !decimal && i < hi && b[i] == b'.' && is_digit(b, i + 1) {
            let f = i + 1;
            let mut e = f;
            while e < hi && b[e].is_ascii_digit() {
                e += 1;
            }
            if b.get(e) == Some(&b'.') && is_digit(b, e + 1) {
                // "192.168.1.2", "v1.2.3": an address or version, not a figure.
                return Found::Skip(chain_end(b, e, hi));
            }
            value += fraction_value(&b[f..e]);
            i = e;
            decimal = true;
        }
        if n0 == 0 && !decimal {
            return Found::Skip(i + 1);
        }
        // Chains: "5:59", "5/17/2018", "+1-222-2222", "3-2-1".
        if i + 1 < hi && is_digit(b, i + 1) {
            match b[i] {
                b':' | b'/' => return Found::Skip(chain_end(b, i, hi)),
                b'-' => {
                    let mut j = i + 1;
                    while j < hi && b[j].is_ascii_digit() {
                        j += 1;
                    }
                    if j + 1 < hi && matches!(b[j], b'-' | b'/' | b'.' | b':') && is_digit(b, j + 1) {
                        return Found::Skip(chain_end(b, j, hi));
                    }
                }
                _ => {}
            }
        }
        if neg {
            value = -value;
        }
        let mut num = Num {
            start,
            end: i,
            value,
            scale: 1.0,
            plain: !grouped && !decimal && !neg,
            digits: n0,
            words: false,
            scaled: false,
        };
        // Scale suffix, glued or after one space: "38k", "2.3bn", "5.93 mln", "£5m".
        for p in [i, if b.get(i) == Some(&b' ') { i + 1 } else { usize::MAX }] {
            if p == usize::MAX || p >= hi {
                continue;
            }
            if let Some((e, s)) = self.lx.suffixes.fwd(text, p, hi) {
                if s.money_only && !money {
                    continue;
                }
                num.value *= s.value;
                num.scale = s.value;
                num.end = e;
                num.plain = false;
                num.scaled = true;
                return Found::Num(num);
            }
        }
        if i < hi && alnum_at(text, i) {
            if matches!(self.lx.dates.fwd(text, i, hi), Some((_, DateWord::Ordinal))) {
                return Found::Skip(word_end(text, i, hi));
            }
            if self.lx.unit_post.fwd(text, i, hi).is_none() {
                // "2S19", "1990s", "4x4": an identifier.
                return Found::Skip(word_end(text, i, hi));
            }
        }
        if i < hi && matches!(b[i], b'@' | b'_') {
            return Found::Skip(chain_end(b, i, hi));
        }
        Found::Num(num)
    }

    fn token(&self, text: &str, pos: usize, lo: usize, hi: usize, money: bool) -> Option<Result<Tok, usize>> {
        let b = text.as_bytes();
        if is_digit(b, pos)
            || (matches!(b[pos], b'.' | b'-') && is_digit(b, pos + 1))
            || text[pos..].starts_with('\u{2212}')
        {
            return Some(match self.digits(text, pos, hi, money) {
                Found::Num(n) => Ok(Tok::Digits(n)),
                Found::Skip(k) => Err(k),
            });
        }
        self.word_at(text, pos, lo, hi).map(|(kind, value, end)| Ok(Tok::Word { kind, value, end }))
    }

    /// A figure in digits, words or both ("4 thousand 3 hundred and 21", "half a million").
    fn compound(&self, text: &str, start: usize, lo: usize, hi: usize, money: bool) -> Found {
        let b = text.as_bytes();
        let mut st = Compound {
            total: 0.0,
            hundreds: 0.0,
            small: 0.0,
            sign: 1.0,
            last: Last::None,
            last_big: f64::INFINITY,
            end: start,
            words: false,
            scaled: false,
            scale: 1.0,
        };
        let mut good: Option<Compound> = None;
        let mut and_snap: Option<Compound> = None;
        let mut first_digits: Option<Num> = None;
        let mut first_kind: Option<WordKind> = None;
        let mut tokens = 0;
        let mut pos = start;
        let mut after_and = false;
        let mut hyphen = false;
        loop {
            let tok = match self.token(text, pos, lo, hi, money) {
                None => break,
                Some(Err(skip)) => {
                    if tokens == 0 {
                        return Found::Skip(skip);
                    }
                    break;
                }
                Some(Ok(t)) => t,
            };
            let (kind, value, end, num) = match tok {
                Tok::Digits(n) => (None, n.value, n.end, Some(n)),
                Tok::Word { kind, value, end } => (Some(kind), value, end, None),
            };
            let last = st.last;
            let sep_ok = matches!(last, Last::None | Last::Hundred | Last::Scale);
            let mut conflict = false;
            let ok = match (kind, num) {
                (None, Some(n)) => match last {
                    Last::None => true,
                    Last::Hundred | Last::Scale => {
                        !n.scaled
                            && n.plain
                            && n.value < if last == Last::Hundred { 100.0 } else { 1000.0 }
                            && !(after_and && n.value == 0.0)
                    }
                    _ => false,
                },
                (Some(WordKind::Small), _) => match last {
                    Last::None => !hyphen,
                    Last::Tens => (1.0..=9.0).contains(&value) && !after_and,
                    Last::Hundred | Last::Scale => !hyphen && (!after_and || value != 0.0),
                    _ => false,
                },
                (Some(WordKind::Tens), _) => sep_ok && !hyphen,
                (Some(WordKind::Hundred), _) => {
                    let fits = matches!(last, Last::None | Last::Small | Last::Tens | Last::Digits | Last::Fraction);
                    conflict = fits && st.hundreds > 0.0;
                    fits && !conflict && !hyphen
                }
                (Some(WordKind::Scale), _) => {
                    let multiply = last == Last::Scale && value > st.last_big;
                    let fits = matches!(
                        last,
                        Last::None
                            | Last::Small
                            | Last::Tens
                            | Last::Digits
                            | Last::Hundred
                            | Last::Fraction
                            | Last::Multiplier
                    );
                    conflict = fits && value >= st.last_big;
                    !hyphen && (multiply || (fits && !conflict))
                }
                (Some(WordKind::Multiplier), _) => {
                    !hyphen && matches!(last, Last::None | Last::Small | Last::Tens | Last::Digits | Last::Fraction)
                }
                (Some(WordKind::MultiplierPlural), _) => {
                    !hyphen && matches!(last, Last::Small | Last::Tens | Last::Digits)
                }
                (Some(WordKind::Fraction), _) => last == Last::None,
                (Some(WordKind::Sign), _) => last == Last::None && st.sign > 0.0,
                (None, None) => false,
            };
            if !ok {
                if conflict && and_snap.is_some() {
                    good = and_snap;
                }
                break;
            }
            // A figure with a suffix ("38k") takes no more words.
            let stop = num.is_some_and(|n| n.scaled);
            match (kind, num) {
                (None, Some(n)) => {
                    st.small += n.value;
                    st.last = Last::Digits;
                    if tokens == 0 {
                        first_digits = Some(n);
                    }
                    if n.scaled {
                        st.scaled = true;
                        st.scale = n.scale;
                    }
                }
                (Some(k), _) => {
                    st.words = true;
                    if tokens == 0 {
                        first_kind = Some(k);
                    }
                    match k {
                        WordKind::Small => {
                            st.small += value;
                            st.last = Last::Small;
                        }
                        WordKind::Tens => {
                            st.small += value;
                            st.last = Last::Tens;
                        }
                        WordKind::Hundred => {
                            st.hundreds = if st.small == 0.0 { 1.0 } else { st.small } * value;
                            st.small = 0.0;
                            st.last = Last::Hundred;
                            st.scaled = true;
                            st.scale = value;
                        }
                        WordKind::Scale => {
                            if last == Last::Scale {
                                st.total *= value;
                            } else {
                                let seg = st.hundreds + st.small;
                                st.total += if seg == 0.0 { 1.0 } else { seg } * value;
                            }
                            st.hundreds = 0.0;
                            st.small = 0.0;
                            st.last_big = value;
                            st.last = Last::Scale;
                            st.scaled = true;
                            st.scale = value;
                        }
                        WordKind::Multiplier | WordKind::MultiplierPlural => {
                            st.small = if st.small == 0.0 { 1.0 } else { st.small } * value;
                            st.last = Last::Multiplier;
                            st.scaled = true;
                            st.scale = value;
                        }
                        WordKind::Fraction => {
                            st.small = value;
                            st.last = Last::Fraction;
                        }
                        WordKind::Sign => {
                            // A sign leaves the figure to come: the next token starts it.
                            st.sign = value.signum();
                        }
                    }
                }
                (None, None) => unreachable!("a token is digits or a word"),
            }
            tokens += 1;
            st.end = end;
            if st.complete() {
                good = Some(st);
            }
            if stop {
                break;
            }
            // Connectors to the next token.
            after_and = false;
            hyphen = false;
            let ws = skip_ws(text, end, hi);
            let mut next = ws;
            if st.last == Last::Tens {
                let h = if b.get(ws) == Some(&b'-') { Some(ws + 1) } else { None };
                if let Some(h) = h {
                    next = skip_ws(text, h, hi);
                    hyphen = true;
                }
            }
            if !hyphen {
                if ws == end {
                    break;
                }
                if matches!(st.last, Last::Hundred | Last::Scale)
                    && text[ws..hi].get(..3).is_some_and(|s| s.eq_ignore_ascii_case("and"))
                {
                    let a = skip_ws(text, ws + 3, hi);
                    if a > ws + 3 {
                        and_snap = good;
                        after_and = true;
                        next = a;
                    }
                } else if st.last == Last::Fraction && matches!(b.get(ws), Some(b'a' | b'A')) {
                    let a = skip_ws(text, ws + 1, hi);
                    if a > ws + 1 {
                        next = a;
                    }
                }
            }
            if next >= hi {
                break;
            }
            pos = next;
        }
        let Some(st) = good else {
            return Found::Skip(st.end.max(start + 1));
        };
        // "one third", "twenty-first": a fraction or an ordinal, not a count.
        if st.words {
            let mut p = skip_ws(text, st.end, hi);
            if b.get(p) == Some(&b'-') {
                p = skip_ws(text, p + 1, hi);
            }
            if p > st.end {
                if let Some((e, DateWord::FractionWord)) = self.lx.dates.fwd(text, p, hi) {
                    return Found::Skip(e);
                }
            }
        }
        if let Some(n) = first_digits.filter(|n| n.end == st.end) {
            return Found::Num(n);
        }
        let mut num_start = start;
        // "a dozen", "a million": the article is part of the figure.
        if matches!(first_kind, Some(WordKind::Hundred | WordKind::Scale | WordKind::Multiplier)) {
            let p = skip_ws_back(text, lo, start);
            if p < start && p > lo && matches!(b[p - 1], b'a' | b'A') && !(p - 1 > lo && alnum_before(text, p - 1)) {
                num_start = p - 1;
            }
        }
        // "the one", "which one", "one another": a pronoun.
        if first_kind == Some(WordKind::Small) && st.value() == 1.0 && !st.scaled && st.total == 0.0 {
            let before = skip_ws_back(text, lo, start);
            let after = skip_ws(text, st.end, hi);
            if (before < start && self.lx.one_after.back(text, lo, before).is_some())
                || (after > st.end && self.lx.one_before.fwd(text, after, hi).is_some())
            {
                return Found::Skip(st.end);
            }
        }
        let scale = if matches!(st.last, Last::Scale | Last::Multiplier | Last::Hundred)
            || st.scaled && st.last == Last::Digits
        {
            st.scale
        } else {
            1.0
        };
        Found::Num(Num {
            start: num_start,
            end: st.end,
            value: st.value(),
            scale,
            plain: false,
            digits: 0,
            // "1.5 million" is digits+scale; "two million" is words.
            words: first_kind.is_some(),
            scaled: st.scaled,
        })
    }

    /// Qualifiers, unit, range and bracketed equivalent around a figure.
    #[allow(clippy::too_many_arguments)]
    fn assemble(
        &self,
        text: &str,
        num: Num,
        cur: Option<(usize, &UnitDef)>,
        lo: usize,
        hi: usize,
        floor: usize,
        vague: bool,
    ) -> Result<(Quantity, usize), usize> {
        let b = text.as_bytes();
        let (unit, unit_end) = if vague { (None, num.end) } else { self.with_unit(text, num, cur, hi) };
        let pre_start = cur.map_or(num.start, |(s, _)| s);
        let pre = self.pre_qualifier(text, floor, pre_start);
        // Range: "between 3,000 and 5,000", "3,000-5,000", "from 3,000 to 5,000".
        let range_pre = {
            let p = skip_ws_back(text, floor, pre.map_or(pre_start, |q| q.start));
            if p < pre.map_or(pre_start, |q| q.start) {
                self.lx.range_pre.back(text, floor, p).map(|(s, _)| s)
            } else {
                None
            }
        };
        let between = range_pre.is_some_and(|s| b[s].eq_ignore_ascii_case(&b'b'));
        if self.is_year(&num) && pre.is_none() && unit.is_none() && cur.is_none() {
            // "in 2024", "2022-2023": a year; skip a glued range of years too.
            let e = if b.get(num.end) == Some(&b'-') { chain_end(b, num.end, hi) } else { num.end };
            return Err(e);
        }
        if !vague {
            if let Some(r) = self.range_after(text, &num, unit, unit_end, between, lo, hi) {
                let (n2, u2, end2, glued) = r;
                let mut low = num.value;
                if n2.scale > 1.0 && num.scale == 1.0 && low < n2.value / n2.scale {
                    low *= n2.scale;
                } else if num.scale == 1.0 && low < 1000.0 && low.fract() == 0.0 && n2.value >= 1000.0 {
                    // "70 to 80,000": the low end is written short for thousands
                    // when that puts it in the same order of magnitude as the high end.
                    let thousands = low * 1000.0;
                    if thousands <= n2.value && thousands * 10.0 > n2.value && n2.value % 1000.0 == 0.0 {
                        low = thousands;
                    }
                }
                let u = unit.or(u2);
                let valid = low < n2.value
                    && (unit.is_none() || u2.is_none() || unit.map(|x| x.kind) == u2.map(|x| x.kind))
                    && !self.is_year(&n2);
                if valid {
                    let start = range_pre.or(pre.map(|q| q.start)).unwrap_or(pre_start);
                    let factor = u.map_or(1.0, |u| u.factor);
                    let q = Quantity {
                        span: Span::new(start, end2),
                        number_span: Span::new(num.start, n2.end),
                        value: low * factor,
                        bound: pre.map_or(Bound::Exact, |q| q.bound),
                        vague: false,
                        range: Some(NumRange { low: low * factor, high: n2.value * factor }),
                        unit: u.map(|u| Unit { kind: u.kind, name: Arc::clone(&u.name), raw_value: low }),
                        equivalent: None,
                        prov: Provenance::new(&self.stage, &self.rules.range),
                    };
                    return Ok(self.with_equivalent(text, q, lo, hi));
                }
                if glued {
                    // "3-1", "10-3": a score or an identifier.
                    return Err(n2.end);
                }
            }
        }
        let post = self.post_qualifier(text, unit_end, lo, hi);
        let bound = match (pre, post) {
            (Some(a), Some(p)) if p.bound.strength() > a.bound.strength() => p.bound,
            (Some(a), _) => a.bound,
            (None, Some(p)) => p.bound,
            (None, None) => Bound::Exact,
        };
        let start = pre.map_or(pre_start, |q| q.start);
        let end = post.map_or(unit_end, |q| q.end);
        let factor = unit.map_or(1.0, |u| u.factor);
        let rule = if vague {
            &self.rules.vague
        } else if unit.is_some_and(|u| u.kind == UnitKind::Area) {
            &self.rules.area
        } else if num.words {
            &self.rules.words
        } else if num.scaled {
            &self.rules.digits_scale
        } else {
            &self.rules.digits
        };
        let q = Quantity {
            span: Span::new(start, end),
            number_span: Span::new(num.start, num.end),
            value: num.value * factor,
            bound,
            vague,
            range: None,
            unit: unit.map(|u| Unit { kind: u.kind, name: Arc::clone(&u.name), raw_value: num.value }),
            equivalent: None,
            prov: Provenance::new(&self.stage, rule),
        };
        Ok(self.with_equivalent(text, q, lo, hi))
    }

    /// The high end of a range after a figure: (figure, unit, end, glued hyphen).
    #[allow(clippy::too_many_arguments)]
    fn range_after(
        &self,
        text: &str,
        num: &Num,
        unit: Option<&UnitDef>,
        unit_end: usize,
        between: bool,
        lo: usize,
        hi: usize,
    ) -> Option<(Num, Option<&UnitDef>, usize, bool)> {
        let b = text.as_bytes();
        // The connector follows the unit ("10%-20%") or the bare figure ("3,000-5,000 km2").
        let at = if unit.is_some() && unit_end > num.end { [unit_end, num.end] } else { [num.end, num.end] };
        for (n, c) in at.into_iter().enumerate() {
            if n == 1 && c == at[0] {
                // The same connector again: it found nothing there.
                continue;
            }
            let ws = skip_ws(text, c, hi);
            let (mid_end, glued) = match self.lx.range_mid.fwd(text, ws, hi) {
                Some((e, m)) => {
                    if *m == RangeMid::BetweenOnly && !between {
                        continue;
                    }
                    (e, ws == c && !b[ws].is_ascii_alphanumeric())
                }
                None => continue,
            };
            let mut p = skip_ws(text, mid_end, hi);
            if p >= hi {
                return None;
            }
            let money = self.lx.unit_pre.fwd(text, p, hi);
            if let Some((e, _)) = money {
                p = skip_ws(text, e, hi);
            }
            if p >= hi || !self.starts_number(text, p, lo, hi) {
                return None;
            }
            let n2 = match self.compound(
                text,
                p,
                lo,
                hi,
                money.is_some() || unit.is_some_and(|u| u.kind == UnitKind::Currency),
            ) {
                Found::Num(n) => n,
                Found::Skip(_) => return None,
            };
            let (u2, end2) = self.with_unit(text, n2, money, hi);
            let glued = glued && n2.start == mid_end;
            if glued && (num.words || !is_digit(b, n2.start)) {
                // "three-nought-four": words joined by hyphens are not a range.
                return None;
            }
            return Some((n2, u2, end2, glued));
        }
        None
    }

    /// Link a bracketed equivalent ("(500 square miles)") to `q`; it is not a second quantity.
    fn with_equivalent(&self, text: &str, mut q: Quantity, lo: usize, hi: usize) -> (Quantity, usize) {
        let end = q.span.end;
        let Some(unit) = q.unit.as_ref() else {
            return (q, end);
        };
        let b = text.as_bytes();
        let open = skip_ws(text, end, hi);
        if b.get(open) != Some(&b'(') {
            return (q, end);
        }
        let mut p = skip_ws(text, open + 1, hi);
        let start = p;
        let money = self.lx.unit_pre.fwd(text, p, hi);
        if let Some((e, _)) = money {
            p = skip_ws(text, e, hi);
        }
        if p >= hi || !self.starts_number(text, p, lo, hi) {
            return (q, end);
        }
        let Found::Num(n) = self.compound(text, p, lo, hi, money.is_some()) else {
            return (q, end);
        };
        let (u, uend) = self.with_unit(text, n, money, hi);
        let close = skip_ws(text, uend, hi);
        if u.is_some_and(|u| u.kind == unit.kind) && b.get(close) == Some(&b')') {
            q.equivalent = Some(Span::new(start, uend));
            return (q, close + 1);
        }
        (q, end)
    }
}
