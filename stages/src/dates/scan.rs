//! Finding date expressions in one segment of text (a sentence).
//!
//! Two passes, both linear: the trigger automaton (month and weekday names,
//! relative phrases, cue words) and a scan for digit runs (numeric dates,
//! years after a cue). Each trigger parses forward from where it stands, and a
//! month also looks a few words back for a day written before it ("the 5th of
//! May" is found at "May"). Candidates are then merged left to right, the
//! earliest and longest first, so spans never overlap. Nothing is allocated
//! per token: lookups compare slices of the text against the word lists.

use aho_corasick::{Anchored, Input};
use claimex_pipeline::DateGranularity as G;

use super::lexicon::{Lexicons, Rel, Trigger, Unit};
use super::resolve::Expr;
use crate::swar::Starts;

/// How all-numeric dates with a two-part day/month are read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumericOrder {
    /// Resolve only when the order is clear (one part > 12, or both equal);
    /// otherwise keep the span with no date.
    #[default]
    Auto,
    /// Month first (US): 01/02/2025 is 2 January.
    Mdy,
    /// Day first: 01/02/2025 is 1 February.
    Dmy,
}

/// The grammar rule that produced a candidate (provenance for grammar rules;
/// relative phrases carry their lexicon line instead).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    Grammar(Gr),
    Relative(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gr {
    MonthDay,
    DayMonth,
    MonthYear,
    Month,
    Iso,
    Numeric,
    Year,
    Weekday,
    WeekdayDay,
    Modified,
    Part,
    Since,
    PastSpan,
    Ago,
}

impl Gr {
    pub(crate) const ALL: [Gr; 14] = [
        Gr::MonthDay,
        Gr::DayMonth,
        Gr::MonthYear,
        Gr::Month,
        Gr::Iso,
        Gr::Numeric,
        Gr::Year,
        Gr::Weekday,
        Gr::WeekdayDay,
        Gr::Modified,
        Gr::Part,
        Gr::Since,
        Gr::PastSpan,
        Gr::Ago,
    ];
    pub(crate) fn name(self) -> &'static str {
        match self {
            Gr::MonthDay => "month_day",
            Gr::DayMonth => "day_month",
            Gr::MonthYear => "month_year",
            Gr::Month => "month",
            Gr::Iso => "numeric_ymd",
            Gr::Numeric => "numeric_dmy_mdy",
            Gr::Year => "year",
            Gr::Weekday => "weekday",
            Gr::WeekdayDay => "weekday_date",
            Gr::Modified => "modified_weekday_month",
            Gr::Part => "part_of",
            Gr::Since => "since",
            Gr::PastSpan => "past_span",
            Gr::Ago => "ago",
        }
    }
}

/// A date expression found, not yet resolved.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cand {
    pub start: usize,
    pub end: usize,
    pub expr: Expr,
    pub gran: G,
    pub rule: Rule,
}

fn cand(start: usize, end: usize, expr: Expr, gran: G, rule: Gr) -> Cand {
    Cand { start, end, expr, gran, rule: Rule::Grammar(rule) }
}

/// What the context allows a following expression to be.
#[derive(Clone, Copy)]
struct Ctx {
    /// A month name may stand alone (after "since", "mid-", "last").
    bare_month: bool,
    /// A four-digit number may be a year without a cue word before it.
    bare_year: bool,
}

const FREE: Ctx = Ctx { bare_month: true, bare_year: true };
const CUED: Ctx = Ctx { bare_month: false, bare_year: false };

fn is_alnum_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// One segment `[lo, hi)` of a text.
pub(crate) struct Scan<'a> {
    pub lx: &'a Lexicons,
    pub text: &'a str,
    pub b: &'a [u8],
    pub lo: usize,
    pub hi: usize,
    pub order: NumericOrder,
}

impl<'a> Scan<'a> {
    pub(crate) fn new(lx: &'a Lexicons, text: &'a str, lo: usize, hi: usize, order: NumericOrder) -> Self {
        Scan { lx, text, b: text.as_bytes(), lo, hi, order }
    }

    fn byte(&self, i: usize) -> u8 {
        if i < self.hi {
            self.b[i]
        } else {
            0
        }
    }

    fn digit(&self, i: usize) -> bool {
        self.byte(i).is_ascii_digit()
    }

    /// True when a letter or digit ends just before `i` (inside the segment).
    fn word_before(&self, i: usize) -> bool {
        i > self.lo && self.text[self.lo..i].chars().next_back().is_some_and(is_alnum_char)
    }

    /// True when a letter or digit starts at `i` (inside the segment).
    fn word_at(&self, i: usize) -> bool {
        i < self.hi && self.text[i..self.hi].chars().next().is_some_and(is_alnum_char)
    }

    /// Skip spaces, tabs and no-break spaces (not line breaks).
    fn spaces(&self, mut i: usize) -> usize {
        loop {
            match self.byte(i) {
                b' ' | b'\t' => i += 1,
                0xC2 if self.byte(i + 1) == 0xA0 => i += 2,
                _ => return i,
            }
        }
    }

    fn digits_end(&self, mut i: usize) -> usize {
        while self.digit(i) {
            i += 1;
        }
        i
    }

    fn number(&self, i: usize, j: usize) -> u32 {
        self.b[i..j].iter().fold(0u32, |n, d| n.saturating_mul(10).saturating_add(u32::from(d - b'0')))
    }

    /// The end of `phrase` when it is written at `i` as a whole word.
    fn phrase_at(&self, i: usize, phrase: &str) -> Option<usize> {
        let end = i.checked_add(phrase.len())?;
        (end <= self.hi && self.b[i..end].eq_ignore_ascii_case(phrase.as_bytes()) && !self.word_at(end)).then_some(end)
    }

    /// Whether `text[i..j]` is exactly `phrase` (ASCII case-insensitive).
    fn is_phrase(&self, i: usize, j: usize, phrase: &str) -> bool {
        self.b[i..j].eq_ignore_ascii_case(phrase.as_bytes())
    }

    /// The trigger written at `i`, anchored there, with its end.
    fn trigger_at(&self, i: usize) -> Option<(Trigger, usize)> {
        if i >= self.hi || self.word_before(i) {
            return None;
        }
        let m = self.lx.ac.find(Input::new(self.text).span(i..self.hi).anchored(Anchored::Yes))?;
        let t = self.lx.triggers[m.pattern().as_usize()];
        self.trigger_ok(t, m.end()).then_some((t, m.end()))
    }

    /// Word boundary after a trigger: a month may run into its day ("Oct2").
    fn trigger_ok(&self, t: Trigger, end: usize) -> bool {
        !self.word_at(end) || (matches!(t, Trigger::Month { .. }) && self.digit(end))
    }

    /// The start of the word ending just before `i` (after spaces and the given
    /// separators), walking back inside the segment.
    fn prev_word(&self, i: usize, seps: &[u8]) -> Option<usize> {
        let mut j = i;
        while j > self.lo && (self.b[j - 1] == b' ' || self.b[j - 1] == b'\t' || seps.contains(&self.b[j - 1])) {
            j -= 1;
        }
        let end = j;
        while j > self.lo && (self.b[j - 1].is_ascii_alphanumeric() || self.b[j - 1] == b'-') {
            j -= 1;
        }
        (j < end && !self.word_before(j)).then_some(j)
    }

    /// The previous whole word, as a span.
    fn prev_word_span(&self, i: usize) -> Option<(usize, usize)> {
        let ws = self.prev_word(i, &[])?;
        let mut we = ws;
        while we < i && (self.b[we].is_ascii_alphanumeric() || self.b[we] == b'-') {
            we += 1;
        }
        Some((ws, we))
    }

    fn prev_word_in(&self, i: usize, list: &[Box<str>]) -> bool {
        self.prev_word_span(i).is_some_and(|(s, e)| list.iter().any(|w| self.is_phrase(s, e, w)))
    }

    /// Every candidate of the segment, merged into non-overlapping spans in text order.
    pub(crate) fn run(&self, out: &mut Vec<Cand>) {
        let first = out.len();
        // One pass over word starts: digits start numeric dates, letters are
        // checked against the trigger table (a block at a time, in `Starts`)
        // before the automaton runs.
        let mut stops = Starts::filtered(self.b, self.lo, self.hi, false, |w| self.lx.starts.may_start(w));
        let mut i = self.lo;
        while let Some(p) = stops.next(i) {
            i = p;
            // An ASCII letter or digit after a non-ASCII letter continues a word.
            let word_start = i == self.lo || self.b[i - 1] < 0x80 || !self.word_before(i);
            if word_start {
                let found = if self.b[i].is_ascii_digit() { self.numeric(i, CUED) } else { self.at_word(i) };
                if let Some(cand) = found {
                    i = cand.end.max(i + 1);
                    out.push(cand);
                    continue;
                }
            }
            i += 1;
        }
        let found = &mut out[first..];
        let key = |c: &Cand| (c.start, std::cmp::Reverse(c.end));
        // Mostly found in order already: a stable sort would leave them as they are.
        if !found.is_sorted_by_key(key) {
            found.sort_by_key(key);
        }
        let mut last_end = self.lo;
        let mut keep = first;
        for k in first..out.len() {
            if out[k].start >= last_end {
                last_end = out[k].end;
                out[keep] = out[k];
                keep += 1;
            }
        }
        out.truncate(keep);
    }

    /// A trigger at the word starting at `i`, parsed.
    fn at_word(&self, i: usize) -> Option<Cand> {
        let m = self.lx.ac.find(Input::new(self.text).span(i..self.hi).anchored(Anchored::Yes))?;
        let (t, e) = (self.lx.triggers[m.pattern().as_usize()], m.end());
        if !self.trigger_ok(t, e) {
            return None;
        }
        match t {
            Trigger::Month { .. } => self.month_with_day_before(i, e).or_else(|| self.trigger(t, i, e, CUED)),
            Trigger::Ago => self.ago(i, e),
            _ => self.trigger(t, i, e, CUED),
        }
    }

    /// True when `i` continues a word or a number ("6,107.31", "1.2.3", "x12").
    fn glued_to_number(&self, i: usize) -> bool {
        self.word_before(i)
            || (i >= self.lo + 2
                && matches!(self.b[i - 1], b'.' | b',' | b'/' | b'-' | b':')
                && self.b[i - 2].is_ascii_digit())
    }

    /// Parse a date expression starting exactly at `i`.
    fn parse_at(&self, i: usize, ctx: Ctx) -> Option<Cand> {
        if let Some((t, e)) = self.trigger_at(i) {
            return self.trigger(t, i, e, ctx);
        }
        if self.digit(i) {
            return self.numeric(i, ctx).or_else(|| self.day_month(i));
        }
        self.day_month(i)
    }

    fn trigger(&self, t: Trigger, s: usize, e: usize, ctx: Ctx) -> Option<Cand> {
        match t {
            Trigger::Month { month, abbr, cap } => self.month_forward(s, e, month, abbr, cap, ctx.bare_month),
            Trigger::Weekday { day, abbr } => self.weekday_forward(s, e, day, abbr),
            Trigger::Relative(k) => {
                let r = &self.lx.relatives[k];
                let end = if r.granularity == G::Day { self.daypart_after(e) } else { e };
                Some(Cand {
                    start: s,
                    end,
                    expr: Expr::Offset(r.anchor, r.offset),
                    gran: r.granularity,
                    rule: Rule::Relative(k),
                })
            }
            Trigger::Since => {
                let p = self.spaces(e);
                let c = (p > e).then(|| self.parse_at(p, FREE))??;
                Some(cand(s, c.end, c.expr, G::Period, Gr::Since))
            }
            Trigger::Modifier(rel) => {
                let p = self.spaces(e);
                match (p > e).then(|| self.trigger_at(p))?? {
                    (Trigger::Weekday { day, abbr: false }, we) => {
                        Some(cand(s, self.daypart_after(we), Expr::Weekday(day, rel), G::Day, Gr::Modified))
                    }
                    (Trigger::Month { month, abbr: false, cap }, me) if !cap || self.b[p].is_ascii_uppercase() => {
                        Some(cand(s, me, Expr::Month(month, rel), G::Month, Gr::Modified))
                    }
                    _ => None,
                }
            }
            Trigger::Part => {
                let p = if self.byte(e) == b'-' { e + 1 } else { self.spaces(e) };
                let c = (p > e).then(|| self.parse_at(p, FREE))??;
                Some(Cand { start: s, rule: Rule::Grammar(Gr::Part), ..c })
            }
            Trigger::Lead => self.past_span(s, e),
            Trigger::Ago => None,
        }
    }

    /// "January 1, 2025", "Jan. 1", "Feb.06 - 2025", "May 2024", "in August".
    fn month_forward(&self, s: usize, e: usize, month: u32, abbr: bool, cap: bool, bare: bool) -> Option<Cand> {
        let p = if self.byte(e) == b'.' { e + 1 } else { e };
        if let Some((day, de)) = self.day_after_month(p) {
            return Some(match self.year_after(de, 1000..=2999) {
                Some((y, ye)) => cand(s, ye, Expr::Ymd(y, month, day), G::Day, Gr::MonthDay),
                None => cand(s, de, month_day(month, day), G::Day, Gr::MonthDay),
            });
        }
        if let Some((y, ye)) = self.year_after(p, 1900..=2099) {
            return Some(cand(s, ye, Expr::Ym(y, month), G::Month, Gr::MonthYear));
        }
        if abbr || (cap && !self.b[s].is_ascii_uppercase()) {
            return None;
        }
        (bare || self.prev_word_in(s, &self.lx.month_cues))
            .then(|| cand(s, e, Expr::Month(month, Rel::Plain), G::Month, Gr::Month))
    }

    /// A day written before the month at `[ms, me)`: "1 January", "1st Jan",
    /// "16. Nov. 2016", "the second of August", "twenty second of June".
    fn month_with_day_before(&self, ms: usize, me: usize) -> Option<Cand> {
        let mut starts = [None; 3];
        let mut at = ms;
        for slot in &mut starts {
            let Some(ws) = self.prev_word(at, b"-.,") else {
                break;
            };
            *slot = Some(ws);
            at = ws;
        }
        starts.iter().rev().flatten().find_map(|&ws| self.day_month(ws).filter(|c| c.end >= me && c.start == ws))
    }

    /// A day then a month at `i` ("5 December 1391", "4th of march", "1-jan").
    fn day_month(&self, i: usize) -> Option<Cand> {
        if self.glued_to_number(i) {
            return None;
        }
        let (day, mut p) = self.day_at(i)?;
        if self.digit(i) && self.byte(p) == b'.' {
            p += 1;
        }
        let q = if self.byte(p) == b'-' { p + 1 } else { self.spaces(p) };
        if q == p {
            return None;
        }
        let q = match self.phrase_at(q, "of") {
            Some(of) if self.spaces(of) > of => self.spaces(of),
            _ => q,
        };
        let (Trigger::Month { month, .. }, me) = self.trigger_at(q)? else {
            return None;
        };
        if self.digit(me) {
            return None;
        }
        let after = if self.byte(me) == b'.' { me + 1 } else { me };
        Some(match self.year_after(after, 1000..=2999) {
            Some((y, ye)) => cand(i, ye, Expr::Ymd(y, month, day), G::Day, Gr::DayMonth),
            None => cand(i, me, month_day(month, day), G::Day, Gr::DayMonth),
        })
    }

    /// A day of the month at `i`: digits with an optional ordinal suffix, or an
    /// ordinal word. Rejects times ("5:59"), decimals, thousands ("5,000").
    fn day_at(&self, i: usize) -> Option<(u32, usize)> {
        if self.digit(i) {
            let de = self.digits_end(i);
            if de - i > 2 {
                return None;
            }
            let day = self.number(i, de);
            let mut end = de;
            for suffix in ["st", "nd", "rd", "th"] {
                if let Some(se) = self.phrase_at(de, suffix) {
                    end = se;
                }
            }
            let next = self.byte(end);
            let bad_next = self.word_at(end)
                || matches!(next, b'%' | b'/')
                || (matches!(next, b':' | b'.' | b'-') && self.digit(end + 1))
                || (next == b',' && self.digits_end(end + 1) == end + 4);
            return ((1..=31).contains(&day) && !bad_next).then_some((day, end));
        }
        if !self.b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            return None;
        }
        let lower = |j: usize| u16::from(if j < self.hi { self.b[j].to_ascii_lowercase() } else { 0 });
        let head = lower(i) | lower(i + 1) << 8;
        self.lx
            .ordinals
            .iter()
            .filter(|o| o.may_start(head))
            .find_map(|o| self.phrase_at(i, &o.word).map(|e| (o.day, e)))
    }

    /// The day after a month name: "January 1", "Jan-1", "Oct/2", "Oct2",
    /// "October, 1st", "May the eleventh".
    fn day_after_month(&self, p: usize) -> Option<(u32, usize)> {
        let mut q = match self.byte(p) {
            b'-' | b'/' => p + 1,
            b',' => self.spaces(p + 1),
            _ => self.spaces(p),
        };
        if q == p && !self.digit(q) {
            return None;
        }
        if let Some(the) = self.phrase_at(q, "the") {
            let after = self.spaces(the);
            if after == the {
                return None;
            }
            q = after;
        }
        self.day_at(q)
    }

    /// A four-digit year after a day or month: " 2025", ", 2025", " - 2025", " of 2016".
    fn year_after(&self, p: usize, range: std::ops::RangeInclusive<i32>) -> Option<(i32, usize)> {
        let mut q = self.spaces(p);
        if let Some(of) = self.phrase_at(q, "of") {
            q = self.spaces(of);
        } else if matches!(self.byte(q), b',' | b'-') {
            q = self.spaces(q + 1);
        } else if self.text[q.min(self.hi)..self.hi].starts_with('–') {
            q = self.spaces(q + '–'.len_utf8());
        }
        if q == p || !self.digit(q) {
            // "October2"-style joins apply to days only.
            return None;
        }
        let ye = self.digits_end(q);
        let y = self.number(q, ye) as i32;
        (ye - q == 4 && range.contains(&y) && !self.continues_number(ye)).then_some((y, ye))
    }

    /// True when the number ending at `i` goes on ("2025,000", "2024.5", "2022-23", "20%").
    fn continues_number(&self, i: usize) -> bool {
        self.word_at(i)
            || self.byte(i) == b'%'
            || (matches!(self.byte(i), b',' | b'.' | b'-' | b'/' | b':') && self.digit(i + 1))
    }

    /// "Wednesday", "Wednesday, January 1, 2025", "Thursday the 21st", "Tuesday night".
    fn weekday_forward(&self, s: usize, e: usize, day: u32, abbr: bool) -> Option<Cand> {
        let mut p = e;
        if self.byte(p) == b'.' {
            p += 1;
        }
        if self.byte(p) == b',' {
            p += 1;
        }
        let q = self.spaces(p);
        if q > e {
            if let Some(c) = self.parse_at(q, CUED).filter(|c| matches!(c.expr, Expr::Ymd(..) | Expr::Md(..))) {
                return Some(Cand { start: s, rule: Rule::Grammar(Gr::WeekdayDay), ..c });
            }
            if let Some(the) = self.phrase_at(q, "the") {
                let after = self.spaces(the);
                if let Some((d, de)) = (after > the).then(|| self.day_at(after)).flatten() {
                    return Some(cand(s, de, Expr::Dom(Some(day), d), G::Day, Gr::WeekdayDay));
                }
            }
        }
        if abbr {
            return None;
        }
        Some(cand(s, self.daypart_after(e), Expr::Weekday(day, Rel::Plain), G::Day, Gr::Weekday))
    }

    /// Extend over "morning", "night" … after a day expression.
    fn daypart_after(&self, e: usize) -> usize {
        let p = self.spaces(e);
        if p == e {
            return e;
        }
        self.lx.dayparts.iter().find_map(|w| self.phrase_at(p, w)).unwrap_or(e)
    }

    /// A count at `i`: digits or a count phrase; (value, vague, end).
    fn count_at(&self, i: usize) -> Option<(u32, bool, usize)> {
        if self.digit(i) {
            let de = self.digits_end(i);
            return (de - i <= 4 && !self.continues_number(de)).then(|| (self.number(i, de), false, de));
        }
        self.lx.counts.iter().find_map(|c| self.phrase_at(i, &c.phrase).map(|e| (c.value, c.vague, e)))
    }

    fn unit_at(&self, i: usize) -> Option<(Unit, bool, usize)> {
        self.lx.units.iter().find_map(|u| self.phrase_at(i, &u.word).map(|e| (u.unit, u.plural, e)))
    }

    /// "over the past six months", "in the last 24 hours", "over the past week".
    fn past_span(&self, s: usize, e: usize) -> Option<Cand> {
        let p = self.spaces(e);
        if p == e {
            return None;
        }
        let (n, q) = match self.count_at(p) {
            Some((v, vague, ce)) if self.spaces(ce) > ce => (Some((v, vague)), self.spaces(ce)),
            _ => (None, p),
        };
        let (unit, plural, ue) = self.unit_at(q)?;
        let n = match n {
            Some((v, false)) => Some(v),
            Some((_, true)) => None,
            None if plural => None,
            None => Some(1),
        };
        Some(cand(s, ue, Expr::Back(unit, n), G::Period, Gr::PastSpan))
    }

    /// "two days ago", "a month ago", "nearly five months ago" (from "five").
    fn ago(&self, s: usize, e: usize) -> Option<Cand> {
        let (us, ue) = self.prev_word_span(s)?;
        let (unit, plural, _) = self.unit_at(us).filter(|&(_, _, end)| end == ue)?;
        // The count ends right before the unit: try up to three words back, longest first.
        let mut starts = [None; 3];
        let mut at = us;
        for slot in &mut starts {
            let Some(ws) = self.prev_word(at, &[]) else {
                break;
            };
            *slot = Some(ws);
            at = ws;
        }
        let count = starts.iter().rev().flatten().find_map(|&ws| {
            self.count_at(ws).filter(|&(_, _, ce)| self.spaces(ce) == us && ce < us).map(|(v, vague, _)| (ws, v, vague))
        });
        let (start, n) = match count {
            Some((ws, v, false)) => (ws, Some(v)),
            Some((ws, _, true)) => (ws, None),
            None if plural => (us, None),
            None => return None,
        };
        let gran = if unit == Unit::Day && n.is_some() { G::Day } else { G::Period };
        Some(cand(start, e, Expr::Back(unit, n), gran, Gr::Ago))
    }

    /// All-numeric dates at `i` ("2025-01-01", "21/04/2016", "2015.5.13",
    /// "2019-sep-1") and years after a cue word ("in 2024").
    fn numeric(&self, i: usize, ctx: Ctx) -> Option<Cand> {
        if self.glued_to_number(i) {
            return None;
        }
        let e1 = self.digits_end(i);
        let sep = self.byte(e1);
        let is_sep = matches!(sep, b'-' | b'/' | b'.');
        if e1 - i == 4 {
            if is_sep {
                if let Some(c) = self.ymd(i, e1, sep) {
                    return Some(c);
                }
            }
            let y = self.number(i, e1) as i32;
            let cued = ctx.bare_year || self.prev_word_in(i, &self.lx.year_cues);
            return ((1900..=2099).contains(&y) && cued && !self.continues_number(e1))
                .then(|| cand(i, e1, Expr::Year(y), G::Year, Gr::Year));
        }
        if !(1..=2).contains(&(e1 - i)) || !is_sep || !self.digit(e1 + 1) {
            return None;
        }
        let e2 = self.digits_end(e1 + 1);
        if e2 - (e1 + 1) > 2 || self.byte(e2) != sep || !self.digit(e2 + 1) {
            return None;
        }
        let e3 = self.digits_end(e2 + 1);
        let ylen = e3 - (e2 + 1);
        if !(ylen == 4 || (ylen == 2 && sep != b'.')) || self.continues_number(e3) {
            return None;
        }
        let (a, b) = (self.number(i, e1), self.number(e1 + 1, e2));
        let mut y = self.number(e2 + 1, e3) as i32;
        if ylen == 2 {
            y += if y < 50 { 2000 } else { 1900 };
        }
        let (m, d) = match self.order {
            NumericOrder::Mdy => (a, b),
            NumericOrder::Dmy => (b, a),
            NumericOrder::Auto if a == b || b > 12 => (a, b),
            NumericOrder::Auto if a > 12 => (b, a),
            NumericOrder::Auto => {
                return (a >= 1 && b >= 1).then(|| cand(i, e3, Expr::Unresolvable, G::Day, Gr::Numeric));
            }
        };
        chrono::NaiveDate::from_ymd_opt(y, m, d).map(|_| cand(i, e3, Expr::Ymd(y, m, d), G::Day, Gr::Numeric))
    }

    /// "2025-01-01", "2015/08/12", "2015.5.13", "2019-sep-1".
    fn ymd(&self, i: usize, e1: usize, sep: u8) -> Option<Cand> {
        let y = self.number(i, e1) as i32;
        let p = e1 + 1;
        let (m, e2) = if self.digit(p) {
            let e2 = self.digits_end(p);
            (e2 - p <= 2).then(|| (self.number(p, e2), e2))?
        } else if sep != b'.' {
            match self.trigger_at_loose(p)? {
                (Trigger::Month { month, .. }, me) => (month, me),
                _ => return None,
            }
        } else {
            return None;
        };
        if self.byte(e2) != sep || !self.digit(e2 + 1) {
            return None;
        }
        let e3 = self.digits_end(e2 + 1);
        if e3 - (e2 + 1) > 2 || self.continues_number(e3) {
            return None;
        }
        let d = self.number(e2 + 1, e3);
        chrono::NaiveDate::from_ymd_opt(y, m, d).map(|_| cand(i, e3, Expr::Ymd(y, m, d), G::Day, Gr::Iso))
    }

    /// A month word right after a separator inside a numeric date ("2019-sep-1").
    fn trigger_at_loose(&self, i: usize) -> Option<(Trigger, usize)> {
        let m = self.lx.ac.find(Input::new(self.text).span(i..self.hi).anchored(Anchored::Yes))?;
        Some((self.lx.triggers[m.pattern().as_usize()], m.end()))
    }

    /// Whether an explicit future cue stands in the `window` words before `start`,
    /// within the same clause.
    pub(crate) fn future_before(&self, start: usize, window: usize) -> bool {
        let mut from = start.saturating_sub(240).max(self.lo);
        while !self.text.is_char_boundary(from) {
            from += 1;
        }
        let before = &self.text[from..start];
        let breaks = ['.', '!', '?', ';', '\n', ':', '–', '—'];
        let clause = before.rfind(breaks).map_or(before, |k| before[k..].trim_start_matches(breaks));
        for w in clause.split_whitespace().rev().take(window) {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’');
            let is = |list: &[Box<str>]| list.iter().any(|f| w.eq_ignore_ascii_case(f));
            if is(&self.lx.past_words) {
                return false;
            }
            let suffix = self.lx.future_suffixes.iter().any(|f| {
                w.len() > f.len()
                    && w.is_char_boundary(w.len() - f.len())
                    && w[w.len() - f.len()..].eq_ignore_ascii_case(f)
                    && w[..w.len() - f.len()].ends_with(['\'', '’'])
            });
            if suffix || is(&self.lx.future_words) {
                return true;
            }
        }
        false
    }
}

/// A month and day without a year; an impossible day ("Feb 30") keeps its span
/// but resolves to nothing.
fn month_day(month: u32, day: u32) -> Expr {
    const MAX: [u32; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if day <= MAX[month as usize - 1] {
        Expr::Md(month, day)
    } else {
        Expr::Unresolvable
    }
}
