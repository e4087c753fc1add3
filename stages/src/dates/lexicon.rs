//! Loading and validating the word lists of `lexicons/dates/` (format in
//! `lexicons/dates/README.md`), and the one automaton over every trigger word.

use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind, StartKind};
use claimex_pipeline::DataFile;

use crate::prefix_masks::PrefixMasks;

/// Duration units of the date grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    Hour,
    Day,
    Week,
    Month,
    Year,
    Decade,
}

/// What a relative expression is counted from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Anchor {
    Day,
    Week,
    Month,
    Year,
    None,
}

/// How a modifier word shifts the weekday or month after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rel {
    /// Bare ("on Wednesday", "in August") or "past Monday".
    Plain,
    Last,
    This,
    Next,
}

/// A fixed relative expression (`relative.tsv`).
#[derive(Clone, Debug)]
pub(crate) struct Relative {
    pub granularity: claimex_pipeline::DateGranularity,
    pub anchor: Anchor,
    pub offset: i32,
    /// `lexicons/dates/relative.tsv:LINE`, for provenance.
    pub rule: Arc<str>,
}

/// What a match of the trigger automaton starts.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Trigger {
    Month { month: u32, abbr: bool, cap: bool },
    Weekday { day: u32, abbr: bool },
    Relative(usize),
    Since,
    Modifier(Rel),
    Part,
    Lead,
    Ago,
}

/// A count word ("six", "a few").
#[derive(Clone, Debug)]
pub(crate) struct Count {
    pub phrase: Box<str>,
    pub value: u32,
    pub vague: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct UnitWord {
    pub word: Box<str>,
    pub unit: Unit,
    pub plural: bool,
}

/// Every word list of the stage, validated, with the trigger automaton built.
pub(crate) struct Lexicons {
    pub ac: AhoCorasick,
    /// Which words can start a trigger: cheap to test at every word start,
    /// so the automaton only runs where a trigger may begin.
    pub starts: TriggerStarts,
    /// By automaton pattern id.
    pub triggers: Vec<Trigger>,
    pub relatives: Vec<Relative>,
    pub ordinals: Vec<Ordinal>,
    pub counts: Vec<Count>,
    pub units: Vec<UnitWord>,
    pub dayparts: Vec<Box<str>>,
    /// Whole words, and suffixes (stored without the leading apostrophe char).
    pub future_words: Vec<Box<str>>,
    pub future_suffixes: Vec<Box<str>>,
    /// Past-tense words that end the search for a future cue.
    pub past_words: Vec<Box<str>>,
    pub month_cues: Vec<Box<str>>,
    pub year_cues: Vec<Box<str>>,
}

/// The params key of the file a trigger came from, for duplicate errors.
fn source_key(t: &Trigger) -> &'static str {
    match t {
        Trigger::Month { .. } => "months",
        Trigger::Weekday { .. } => "weekdays",
        Trigger::Relative(_) => "relative",
        _ => "cues",
    }
}

/// An ordinal day word ("first", "twenty-first") with its day, and its first
/// two bytes lowercased: a word compares them before the whole word, since
/// most words asked start otherwise ("the", "of").
pub(crate) struct Ordinal {
    pub word: Box<str>,
    pub day: u32,
    /// The first two bytes, lowercased, little-endian, and which of them the word has.
    head: u16,
    head_mask: u16,
}

impl Ordinal {
    fn new(word: &str, day: u32) -> Self {
        let (mut head, mut head_mask) = (0, 0);
        for (k, c) in word.bytes().take(2).enumerate() {
            head |= u16::from(c.to_ascii_lowercase()) << (8 * k);
            head_mask |= 0xff << (8 * k);
        }
        Ordinal { word: Box::from(word), day, head, head_mask }
    }

    /// False only where the word is not written at text whose first two bytes,
    /// lowercased, are `head` (little-endian, NUL past the end).
    #[inline]
    pub(crate) fn may_start(&self, head: u16) -> bool {
        head & self.head_mask == self.head
    }
}

/// Which words may start a trigger, by their first four bytes
/// ([`PrefixMasks`]): after a three-byte trigger any byte but an ASCII letter
/// may follow (a digit may follow a month: "Oct2"), after a shorter one
/// anything (dates 46.1 → 34.5 M instructions on the mixed set against a key
/// looked up in a bitset).
pub(crate) struct TriggerStarts {
    masks: PrefixMasks,
}

impl TriggerStarts {
    fn new<'p>(patterns: impl Iterator<Item = &'p [u8]>) -> Self {
        TriggerStarts { masks: PrefixMasks::new(patterns, |len, c| len != 3 || !c.is_ascii_alphabetic()) }
    }

    /// Whether a trigger may start at a word whose first four bytes are `w`
    /// ([`crate::prefix_masks::window`]): false only where no trigger is
    /// written there, or a three-byte one is followed by an ASCII letter.
    #[inline(always)]
    pub(crate) fn may_start(&self, w: [u8; 4]) -> bool {
        self.masks.admits(w)
    }
}

/// The data files, loaded by the caller (config-relative or embedded).
pub(crate) struct Files<'a> {
    pub months: (&'a str, &'a DataFile),
    pub weekdays: (&'a str, &'a DataFile),
    pub ordinals: (&'a str, &'a DataFile),
    pub counts: (&'a str, &'a DataFile),
    pub relative: (&'a str, &'a DataFile),
    pub cues: (&'a str, &'a DataFile),
}

/// A load error: which params key the file came from, and `path:line: message`.
pub(crate) type LoadError = (&'static str, String);

/// The non-comment lines of a TSV file as (1-based line, columns), checking the
/// column count; phrases are lower-cased, single-spaced and non-empty.
fn rows<'t>(
    path: &str,
    text: &'t str,
    min: usize,
    max: usize,
) -> impl Iterator<Item = Result<(usize, Vec<&'t str>), String>> + 't {
    let path = path.to_string();
    text.lines().enumerate().filter_map(move |(i, line)| {
        let line_no = i + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            return None;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < min || cols.len() > max {
            return Some(Err(format!(
                "{path}:{line_no}: expected {min} to {max} tab-separated columns, found {}",
                cols.len()
            )));
        }
        let phrase = cols[0];
        if phrase.is_empty() || phrase != phrase.trim() || phrase.contains("  ") {
            return Some(Err(format!(
                "{path}:{line_no}: phrase {phrase:?} is empty or has stray spaces (write one space between words)"
            )));
        }
        if phrase.chars().any(|c| c.is_uppercase()) {
            return Some(Err(format!(
                "{path}:{line_no}: phrase {phrase:?} must be lower case (matching ignores ASCII case)"
            )));
        }
        Some(Ok((line_no, cols)))
    })
}

fn int<T: std::str::FromStr>(
    path: &str,
    line: usize,
    what: &str,
    s: &str,
    ok: impl Fn(&T) -> bool,
) -> Result<T, String> {
    let s = s.strip_prefix('+').unwrap_or(s);
    match s.parse::<T>() {
        Ok(v) if ok(&v) => Ok(v),
        _ => Err(format!("{path}:{line}: invalid {what} {s:?}")),
    }
}

fn flags<'t>(path: &str, line: usize, cols: &[&'t str], idx: usize, allowed: &[&str]) -> Result<Vec<&'t str>, String> {
    let Some(col) = cols.get(idx) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for f in col.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        if !allowed.contains(&f) {
            return Err(format!("{path}:{line}: unknown flag {f:?}, expected one of: {}", allowed.join(", ")));
        }
        out.push(f);
    }
    Ok(out)
}

impl Lexicons {
    pub(crate) fn load(files: &Files<'_>) -> Result<Lexicons, LoadError> {
        let mut patterns: Vec<(String, Trigger, String)> = Vec::new();

        let (path, file) = files.months;
        for row in rows(path, &file.text, 2, 3) {
            let (line, cols) = row.map_err(|e| ("months", e))?;
            let month =
                int::<u32>(path, line, "month number", cols[1], |m| (1..=12).contains(m)).map_err(|e| ("months", e))?;
            let f = flags(path, line, &cols, 2, &["abbr", "cap"]).map_err(|e| ("months", e))?;
            let t = Trigger::Month { month, abbr: f.contains(&"abbr"), cap: f.contains(&"cap") };
            patterns.push((cols[0].to_string(), t, format!("{path}:{line}")));
        }

        let (path, file) = files.weekdays;
        for row in rows(path, &file.text, 2, 3) {
            let (line, cols) = row.map_err(|e| ("weekdays", e))?;
            let day =
                int::<u32>(path, line, "weekday number (1 = Monday … 7 = Sunday)", cols[1], |d| (1..=7).contains(d))
                    .map_err(|e| ("weekdays", e))?;
            let f = flags(path, line, &cols, 2, &["abbr"]).map_err(|e| ("weekdays", e))?;
            patterns.push((
                cols[0].to_string(),
                Trigger::Weekday { day, abbr: !f.is_empty() },
                format!("{path}:{line}"),
            ));
        }

        let (path, file) = files.relative;
        let mut relatives = Vec::new();
        for row in rows(path, &file.text, 4, 4) {
            let (line, cols) = row.map_err(|e| ("relative", e))?;
            let e = |msg: String| ("relative", format!("{path}:{line}: {msg}"));
            use claimex_pipeline::DateGranularity as G;
            let granularity = match cols[1] {
                "day" => G::Day,
                "month" => G::Month,
                "year" => G::Year,
                "period" => G::Period,
                g => return Err(e(format!("unknown granularity {g:?}, expected day, month, year or period"))),
            };
            let anchor = match cols[2] {
                "day" => Anchor::Day,
                "week" => Anchor::Week,
                "month" => Anchor::Month,
                "year" => Anchor::Year,
                "none" => Anchor::None,
                a => return Err(e(format!("unknown anchor {a:?}, expected day, week, month, year or none"))),
            };
            let offset = int::<i32>(path, line, "offset", cols[3], |o| o.abs() <= 1000).map_err(|m| ("relative", m))?;
            patterns.push((cols[0].to_string(), Trigger::Relative(relatives.len()), format!("{path}:{line}")));
            relatives.push(Relative { granularity, anchor, offset, rule: Arc::from(format!("{path}:{line}")) });
        }

        let (path, file) = files.ordinals;
        let mut ordinals = Vec::new();
        for row in rows(path, &file.text, 2, 2) {
            let (line, cols) = row.map_err(|e| ("ordinals", e))?;
            let day = int::<u32>(path, line, "day of month", cols[1], |d| (1..=31).contains(d))
                .map_err(|e| ("ordinals", e))?;
            ordinals.push(Ordinal::new(cols[0], day));
        }

        let (path, file) = files.counts;
        let mut counts = Vec::new();
        for row in rows(path, &file.text, 2, 3) {
            let (line, cols) = row.map_err(|e| ("counts", e))?;
            let value =
                int::<u32>(path, line, "count", cols[1], |v| (1..=10_000).contains(v)).map_err(|e| ("counts", e))?;
            let f = flags(path, line, &cols, 2, &["vague"]).map_err(|e| ("counts", e))?;
            counts.push(Count { phrase: Box::from(cols[0]), value, vague: !f.is_empty() });
        }
        // Longest first, so "a few" is tried before "few" and "a".
        counts.sort_by_key(|c| std::cmp::Reverse(c.phrase.len()));

        let (path, file) = files.cues;
        let mut units = Vec::new();
        let (mut dayparts, mut future_words, mut future_suffixes) = (Vec::new(), Vec::new(), Vec::new());
        let (mut past_words, mut month_cues, mut year_cues) = (Vec::new(), Vec::new(), Vec::new());
        for row in rows(path, &file.text, 2, 4) {
            let (line, cols) = row.map_err(|e| ("cues", e))?;
            let e = |msg: String| ("cues", format!("{path}:{line}: {msg}"));
            let phrase = cols[0];
            let role = cols[1];
            if role != "unit" && cols.len() > 2 {
                return Err(e(format!("role {role:?} takes no value column")));
            }
            let trigger = match role {
                "since" => Some(Trigger::Since),
                "last" => Some(Trigger::Modifier(Rel::Last)),
                "past" => Some(Trigger::Modifier(Rel::Plain)),
                "this" => Some(Trigger::Modifier(Rel::This)),
                "next" => Some(Trigger::Modifier(Rel::Next)),
                "part" => Some(Trigger::Part),
                "lead" => Some(Trigger::Lead),
                "ago" => Some(Trigger::Ago),
                "unit" => {
                    let unit = match cols.get(2).copied() {
                        Some("hour") => Unit::Hour,
                        Some("day") => Unit::Day,
                        Some("week") => Unit::Week,
                        Some("month") => Unit::Month,
                        Some("year") => Unit::Year,
                        Some("decade") => Unit::Decade,
                        other => {
                            return Err(e(format!(
                                "unit needs a value hour, day, week, month, year or decade, found {other:?}"
                            )))
                        }
                    };
                    let plural = match cols.get(3).copied() {
                        None => false,
                        Some("plural") => true,
                        Some(f) => return Err(e(format!("unknown flag {f:?}, expected plural"))),
                    };
                    units.push(UnitWord { word: Box::from(phrase), unit, plural });
                    None
                }
                "daypart" | "future" | "past_cue" | "month_cue" | "year_cue" => {
                    if phrase.contains(' ') {
                        return Err(e(format!("a {role} cue is one word, found {phrase:?}")));
                    }
                    let list = match role {
                        "daypart" => &mut dayparts,
                        "past_cue" => &mut past_words,
                        "month_cue" => &mut month_cues,
                        "year_cue" => &mut year_cues,
                        _ if phrase.starts_with(['\'', '’']) => {
                            let mut chars = phrase.chars();
                            chars.next();
                            future_suffixes.push(Box::from(chars.as_str()));
                            continue;
                        }
                        _ => &mut future_words,
                    };
                    list.push(Box::from(phrase));
                    None
                }
                other => {
                    return Err(e(format!(
                        "unknown role {other:?}, expected since, last, past, this, next, part, lead, ago, unit, \
                         daypart, future, past_cue, month_cue or year_cue"
                    )))
                }
            };
            if let Some(t) = trigger {
                patterns.push((phrase.to_string(), t, format!("{path}:{line}")));
            }
        }

        // One trigger per phrase: the same phrase in two lists would be ambiguous.
        let mut order: Vec<usize> = (0..patterns.len()).collect();
        order.sort_by(|&a, &b| patterns[a].0.cmp(&patterns[b].0).then(a.cmp(&b)));
        for w in order.windows(2) {
            let (first, second) = (&patterns[w[0]], &patterns[w[1]]);
            if first.0 == second.0 {
                let key = source_key(&second.1);
                return Err((key, format!("{}: phrase {:?} is also defined at {}", second.2, second.0, first.2)));
            }
        }

        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .kind(Some(AhoCorasickKind::DFA))
            .build(patterns.iter().map(|(p, _, _)| p.as_str()))
            .map_err(|e| ("cues", format!("cannot build the date trigger automaton: {e}")))?;
        let starts = TriggerStarts::new(patterns.iter().map(|(p, _, _)| p.as_bytes()));
        Ok(Lexicons {
            ac,
            starts,
            triggers: patterns.into_iter().map(|(_, t, _)| t).collect(),
            relatives,
            ordinals,
            counts,
            units,
            dayparts,
            future_words,
            future_suffixes,
            past_words,
            month_cues,
            year_cues,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::TriggerStarts;
    use crate::prefix_masks::window;

    /// An ordinal's head filter lets through every text the word is written
    /// at (ASCII case ignored) and rejects the texts whose first two bytes differ.
    #[test]
    fn ordinal_head_drops_only_texts_without_the_word() {
        let words = ["first", "Twenty first", "x", "\u{e9}me", ""];
        let texts = [
            "first",
            "FIRST of",
            "fi",
            "f",
            "",
            "fx",
            "twenty First",
            "TW",
            "x",
            "X.",
            "xy",
            "\u{c9}me",
            "\u{e9}m",
            "the",
        ];
        for w in words {
            let o = super::Ordinal::new(w, 1);
            for t in texts {
                let b = t.as_bytes();
                let lower = |j: usize| u16::from(b.get(j).map_or(0, u8::to_ascii_lowercase));
                let got = o.may_start(lower(0) | lower(1) << 8);
                let written = b.len() >= w.len() && b[..w.len()].eq_ignore_ascii_case(w.as_bytes());
                let n = w.len().min(2);
                let same_head = b.len() >= n && b[..n].eq_ignore_ascii_case(&w.as_bytes()[..n]);
                assert!(got || !written, "{w:?} is written at {t:?}");
                assert_eq!(got, same_head, "{w:?} against {t:?}");
            }
        }
    }

    /// The filter asked at the start of `w`, the rest of the range.
    fn starts(t: &TriggerStarts, w: &[u8]) -> bool {
        t.may_start(window(w, 0, w.len()))
    }

    /// Whether `p` is written at the start of `w` as far as four bytes show
    /// (ASCII case ignored; the end of `w` reads as a space), followed, when
    /// it is three bytes long, by anything but an ASCII letter.
    fn written(p: &[u8], w: &[u8]) -> bool {
        let at = |i: usize| w.get(i).copied().unwrap_or(b' ');
        let n = p.len().min(4);
        (0..n).all(|i| at(i).eq_ignore_ascii_case(&p[i])) && (p.len() != 3 || !at(3).is_ascii_alphabetic())
    }

    /// Every word of up to four bytes over letters (both cases), a space, a
    /// digit, a hyphen and non-ASCII bytes.
    fn words(mut f: impl FnMut(&[u8])) {
        let mut alphabet: Vec<u8> = (b'a'..=b'z').chain(b"AOJMS -7.".iter().copied()).collect();
        alphabet.extend([0xC3, 0xA9]);
        let mut w = Vec::new();
        fn rec(alphabet: &[u8], w: &mut Vec<u8>, f: &mut dyn FnMut(&[u8])) {
            f(w);
            if w.len() < 4 {
                for &c in alphabet {
                    w.push(c);
                    rec(alphabet, w, f);
                    w.pop();
                }
            }
        }
        rec(&alphabet, &mut w, &mut f);
    }

    /// Up to 64 prefixes the filter is exact: it lets through a word just when
    /// some trigger is written at its start (the automaton finds nothing
    /// elsewhere, and a three-byte trigger before a letter fails its check).
    #[test]
    fn may_start_is_exact_up_to_64_prefixes() {
        let patterns: [&[u8]; 12] = [
            b"oct",
            b"October",
            b"mid",
            b"in the",
            b"so far",
            b"a",
            b"by",
            b"d\xc3\xa9c",
            b"tmrw",
            b"end ",
            b"Ago",
            b"oct.",
        ];
        let t = TriggerStarts::new(patterns.iter().copied());
        words(|w| {
            let want = patterns.iter().any(|p| written(p, w));
            assert_eq!(starts(&t, w), want, "{w:?}");
        });
        assert!(starts(&t, b"Oct2") && starts(&t, b"OCT ") && !starts(&t, b"Octa") && starts(&t, b"octo"));
    }

    /// Beyond 64 prefixes bits are shared: more words get through, never fewer.
    #[test]
    fn may_start_never_drops_a_trigger_beyond_64_prefixes() {
        let patterns: Vec<Vec<u8>> = (0..300u32)
            .map(|n| {
                let l = |k: u32| b'a' + (n / k % 26) as u8;
                let mut p = vec![l(1), l(7), l(3)];
                if n % 3 != 0 {
                    p.push(l(11));
                }
                p
            })
            .collect();
        let t = TriggerStarts::new(patterns.iter().map(|p| p.as_slice()));
        words(|w| {
            if patterns.iter().any(|p| written(p, w)) {
                assert!(starts(&t, w), "{w:?}");
            }
        });
    }
}
