//! The furniture rules file (`lexicons/clean/furniture.tsv`): line, prefix,
//! contains and regex rules plus month names. The format is documented in the
//! file's header.

use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

// Looked up for every short line: a fast hasher for the short keys.
use foldhash::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind, StartKind};
use chrono::NaiveDate;
use regex::{RegexSet, RegexSetBuilder};
use regex_automata::meta;
use regex_syntax::hir::{Hir, HirKind};

/// One rule: the region kind it assigns and where it was written.
#[derive(Clone, Debug)]
pub struct Rule {
    pub kind: Arc<str>,
    /// `file:line`, the provenance of regions it marks.
    pub origin: Arc<str>,
}

/// What a line matched: the rule index and, for regex rules, captured metadata.
pub struct Hit<'t> {
    pub rule: usize,
    pub byline: Option<&'t str>,
    pub date: Option<&'t str>,
}

pub struct Rules {
    pub rules: Vec<Rule>,
    /// Whole-line phrases, lowercased → rule.
    exact: HashMap<String, usize>,
    /// Bytes of the longest whole-line phrase.
    exact_max: usize,
    /// Prefix phrases (ASCII case-insensitive) and, by pattern id, their rules.
    prefixes: Option<AhoCorasick>,
    prefix_rules: Vec<usize>,
    /// Bytes of the longest prefix phrase: only the line's first bytes up to
    /// it are searched.
    prefix_max: usize,
    /// Contains phrases (ASCII case-insensitive) and their rules: searched
    /// apart from the prefixes, so their automaton is small and its
    /// prefilter skips most of a line.
    contains: Option<AhoCorasick>,
    contains_rules: Vec<usize>,
    set: SetCell,
    /// Regex i of `set` → (rule, regex for its captures). Compiled on
    /// the first line whose metadata it is asked for: most never are, and
    /// compiling the Unicode classes of all of them took most of a run's
    /// start-up.
    regexes: Vec<(usize, LazyRegex)>,
    months: Vec<(String, u32)>,
}

/// The compiled-size limit of the rule automata (the default 10 MB is too
/// small for a few Unicode-class rules together).
const REGEX_SIZE_LIMIT: usize = 64 << 20;

/// A regex rule compiled when first needed.
struct LazyRegex {
    pattern: String,
    /// It names a `byline` or `date` group (the only captures read): others
    /// are never compiled.
    metadata: bool,
    compiled: OnceLock<meta::Regex>,
}

impl LazyRegex {
    fn get(&self) -> &meta::Regex {
        self.compiled.get_or_init(|| {
            meta::Regex::builder()
                // Captures of one short line: the NFA engines alone suffice,
                // and skipping the lazy DFA skips compiling the reverse NFA.
                .configure(meta::Config::new().nfa_size_limit(Some(REGEX_SIZE_LIMIT)).hybrid(false))
                .build(&self.pattern)
                .expect("a pattern of the rule set (compiled with the same limit) compiles alone")
        })
    }
}

/// Whether a pattern names a `byline` or `date` group.
fn names_metadata(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Capture(c) => matches!(c.name.as_deref(), Some("byline" | "date")) || names_metadata(&c.sub),
        HirKind::Concat(hs) | HirKind::Alternation(hs) => hs.iter().any(names_metadata),
        HirKind::Repetition(r) => names_metadata(&r.sub),
        _ => false,
    }
}

/// Parse a pattern (no compiling): the errors a rule writer makes.
fn check_syntax(pattern: &str) -> Result<Hir, String> {
    regex_syntax::Parser::new().parse(pattern).map_err(|e| e.to_string())
}

/// The regex rules' set: its Unicode classes make its compile most of a
/// pipeline's build, so [`Rules::parse_in_background`] compiles it on a thread
/// of its own while the other stages build; it is waited for on first use.
struct SetCell {
    compiling: Mutex<Option<JoinHandle<Result<RegexSet, String>>>>,
    set: OnceLock<Result<RegexSet, String>>,
}

impl SetCell {
    fn compiled(set: RegexSet) -> SetCell {
        SetCell { compiling: Mutex::new(None), set: OnceLock::from(Ok(set)) }
    }

    fn background(origin: &str, patterns: Vec<String>) -> SetCell {
        let origin = origin.to_string();
        let compile = move || compile_set(&origin, &patterns);
        match std::thread::Builder::new().name("claimex-rules".into()).spawn(compile) {
            Ok(handle) => SetCell { compiling: Mutex::new(Some(handle)), set: OnceLock::new() },
            Err(e) => {
                SetCell { compiling: Mutex::new(None), set: OnceLock::from(Err(format!("cannot start a thread: {e}"))) }
            }
        }
    }

    /// The set, or why it did not compile; waits for a compile in flight.
    fn get(&self) -> Result<&RegexSet, &str> {
        let done = self.set.get_or_init(|| {
            let handle = self.compiling.lock().unwrap_or_else(|e| e.into_inner()).take();
            match handle.map(JoinHandle::join) {
                Some(Ok(result)) => result,
                Some(Err(_)) => Err("compiling the regex rules panicked".into()),
                None => Err("the regex rules were never compiled".into()),
            }
        });
        done.as_ref().map_err(String::as_str)
    }
}

fn compile_set(origin: &str, patterns: &[String]) -> Result<RegexSet, String> {
    RegexSetBuilder::new(patterns)
        .size_limit(REGEX_SIZE_LIMIT)
        // A cache large enough that the lazy DFA does not give up on the
        // Unicode classes (it falls back to the much slower PikeVM).
        .dfa_size_limit(64 << 20)
        .build()
        .map_err(|e| format!("{origin}: regex set: {e}"))
}

impl Rules {
    /// Parse and compile a rules file.
    pub fn parse(origin: &str, text: &str) -> Result<Rules, String> {
        let rules = Rules::parse_with(origin, text, false)?;
        rules.ready()?;
        Ok(rules)
    }

    /// Parse a rules file and compile its regex set on a thread of its own:
    /// [`Rules::ready`] (a pipeline check) reports whether it compiled.
    pub fn parse_in_background(origin: &str, text: &str) -> Result<Rules, String> {
        Rules::parse_with(origin, text, true)
    }

    /// Waits for the regex set; its compile error, if any.
    pub fn ready(&self) -> Result<(), String> {
        self.set.get().map(|_| ()).map_err(str::to_string)
    }

    fn parse_with(origin: &str, text: &str, background: bool) -> Result<Rules, String> {
        let mut rules = Vec::new();
        let mut exact = HashMap::default();
        let (mut prefix_pats, mut prefix_rules) = (Vec::new(), Vec::new());
        let (mut contains_pats, mut contains_rules) = (Vec::new(), Vec::new());
        let mut regexes = Vec::new();
        let mut macros: Vec<(String, String)> = Vec::new();
        let mut months = Vec::new();
        for (line_no, line) in crate::sentences::data_lines(text) {
            let err = |msg: String| format!("{origin}:{line_no}: {msg}");
            let cols: Vec<&str> = line.split('\t').collect();
            let [kind, how, pattern] = cols[..] else {
                return Err(err(format!(
                    "expected 3 TAB-separated columns `<kind> <match> <pattern>`, found {}",
                    cols.len()
                )));
            };
            let (kind, how, pattern) = (kind.trim(), how.trim(), pattern.trim());
            if pattern.is_empty() {
                return Err(err("empty pattern".into()));
            }
            match kind {
                "define" => {
                    if !how.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') || how.is_empty() {
                        return Err(err(format!("macro name must be alphanumeric, found {how:?}")));
                    }
                    let expanded = expand(pattern, &macros).map_err(err)?;
                    check_syntax(&expanded).map_err(|e| err(format!("macro `{how}` is not a valid regex: {e}")))?;
                    macros.push((how.to_string(), expanded));
                    continue;
                }
                "month" => {
                    let n: u32 = how
                        .parse()
                        .ok()
                        .filter(|n| (1..=12).contains(n))
                        .ok_or_else(|| err(format!("month number must be 1-12, found {how:?}")))?;
                    months.extend(pattern.split('|').map(|m| (m.trim().to_lowercase(), n)));
                    continue;
                }
                _ => {}
            }
            if kind.is_empty() || !kind.bytes().all(|c| c.is_ascii_lowercase() || c == b'_') {
                return Err(err(format!("region kind must be lowercase letters and `_`, found {kind:?}")));
            }
            let rule = rules.len();
            match how {
                "line" => {
                    if exact.insert(pattern.to_lowercase(), rule).is_some() {
                        return Err(err(format!("duplicate line rule {pattern:?}")));
                    }
                }
                "prefix" | "contains" => {
                    if !pattern.is_ascii() {
                        return Err(err(format!("{how} patterns are ASCII (use `line` or `regex`): {pattern:?}")));
                    }
                    if how == "prefix" {
                        prefix_pats.push(pattern.to_string());
                        prefix_rules.push(rule);
                    } else {
                        contains_pats.push(pattern.to_string());
                        contains_rules.push(rule);
                    }
                }
                "regex" => {
                    let expanded = format!("^(?:{})$", expand(pattern, &macros).map_err(err)?);
                    let hir = check_syntax(&expanded).map_err(|e| err(format!("invalid regex: {e}")))?;
                    let metadata = names_metadata(&hir);
                    regexes.push((rule, LazyRegex { pattern: expanded, metadata, compiled: OnceLock::new() }));
                }
                other => return Err(err(format!("unknown match {other:?}: expected line, prefix, contains or regex"))),
            }
            rules.push(Rule { kind: Arc::from(kind), origin: Arc::from(format!("{origin}:{line_no}")) });
        }
        let phrases = |pats: &[String], start| -> Result<Option<AhoCorasick>, String> {
            if pats.is_empty() {
                return Ok(None);
            }
            AhoCorasickBuilder::new()
                // A few dozen short phrases: the full DFA is small and the fastest to run.
                .kind(Some(AhoCorasickKind::DFA))
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .start_kind(start)
                .build(pats)
                .map(Some)
                .map_err(|e| format!("{origin}: {e}"))
        };
        let prefixes = phrases(&prefix_pats, StartKind::Both)?;
        let prefix_max = prefix_pats.iter().map(String::len).max().unwrap_or(0);
        let contains = phrases(&contains_pats, StartKind::Unanchored)?;
        let patterns: Vec<String> = regexes.iter().map(|(_, r)| r.pattern.clone()).collect();
        let set = if background {
            SetCell::background(origin, patterns)
        } else {
            SetCell::compiled(compile_set(origin, &patterns)?)
        };
        let exact_max = exact.keys().map(String::len).max().unwrap_or(0);
        Ok(Rules {
            rules,
            exact,
            exact_max,
            prefixes,
            prefix_rules,
            prefix_max,
            contains,
            contains_rules,
            set,
            regexes,
            months,
        })
    }

    /// The first rule (in file order) matching a trimmed line. `lower` is a
    /// scratch buffer reused across lines; `metadata`: the caller reads the
    /// byline and date captured (only then are they captured).
    pub fn find<'t>(&self, line: &'t str, lower: &mut String, metadata: bool) -> Option<Hit<'t>> {
        let mut best = None;
        // Lowercase has at least a third of a char's bytes (the Kelvin sign K
        // becomes k), so a longer line is no whole-line phrase: most lines are
        // neither lowercased nor hashed.
        if line.len() <= 3 * self.exact_max {
            lower.clear();
            if line.is_ascii() {
                lower.push_str(line);
                lower.make_ascii_lowercase();
            } else {
                lowercase_chars(line, lower);
            }
            best = self.exact.get(lower.as_str()).copied();
        }
        if let Some(rule) = self.phrase(line) {
            best = Some(best.map_or(rule, |b: usize| b.min(rule)));
        }
        let mut hit = best.map(|rule| Hit { rule, byline: None, date: None });
        // Regex rules: the set reports matches in rule order; only the first
        // counts (and, as for the phrases, `is_match` first).
        let set = self.set.get().expect("the regex set compiled: `Rules::ready` is a pipeline check");
        if !set.is_match(line) {
            return hit;
        }
        if let Some(i) = set.matches(line).iter().next() {
            let (rule, re) = &self.regexes[i];
            if hit.as_ref().is_none_or(|h| *rule < h.rule) {
                hit = Some(Hit { rule: *rule, byline: None, date: None });
                if metadata && re.metadata {
                    let re = re.get();
                    let mut caps = re.create_captures();
                    re.captures(line, &mut caps);
                    let group = |name| caps.get_group_by_name(name).map(|s| &line[s.range()]);
                    hit = Some(Hit { rule: *rule, byline: group("byline"), date: group("date") });
                }
            }
        }
        hit
    }

    /// The first prefix or contains rule matching a line.
    fn phrase(&self, line: &str) -> Option<usize> {
        let mut best: Option<usize> = None;
        let mut keep = |rule: usize| best = Some(best.map_or(rule, |b| b.min(rule)));
        // Most lines match no phrase: `is_match` (anchored for the prefixes)
        // answers that for less than a full (overlapping) search, which only
        // lines that match then pay for.
        if let Some(ac) = &self.prefixes {
            let head = &line.as_bytes()[..line.len().min(self.prefix_max)];
            if ac.is_match(aho_corasick::Input::new(head).anchored(aho_corasick::Anchored::Yes)) {
                for m in ac.find_overlapping_iter(head).filter(|m| m.start() == 0) {
                    keep(self.prefix_rules[m.pattern().as_usize()]);
                }
            }
        }
        if let Some(ac) = self.contains.as_ref().filter(|ac| ac.is_match(line)) {
            for m in ac.find_overlapping_iter(line) {
                keep(self.contains_rules[m.pattern().as_usize()]);
            }
        }
        best
    }

    /// Read a date such as "April 26, 2025", "Feb.06 - 2025", "Sunday March 9th, 2025",
    /// "2025-04-26" or "26.04.2025".
    pub fn parse_date(&self, text: &str) -> Option<NaiveDate> {
        let mut month = None;
        let mut numbers = Vec::new();
        for token in text.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()) {
            let digits = token.trim_end_matches(|c: char| c.is_alphabetic());
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                numbers.push(digits);
            } else if month.is_none() {
                let t = token.to_lowercase();
                month = self.months.iter().find(|(name, _)| *name == t).map(|&(_, n)| n);
            }
        }
        let year = numbers.iter().find(|n| n.len() == 4)?.parse().ok()?;
        let small: Vec<u32> = numbers.iter().filter(|n| n.len() <= 2).filter_map(|n| n.parse().ok()).collect();
        let (m, d) = match month {
            Some(m) => (m, *small.first()?),
            // Numeric: ISO (year first) is month-day; otherwise day.month.year.
            None if numbers.first()?.len() == 4 => (*small.first()?, *small.get(1)?),
            None => (*small.get(1)?, *small.first()?),
        };
        NaiveDate::from_ymd_opt(year, m, d)
    }
}

/// Append the chars of `line` lowercased one by one (no final-sigma rule,
/// unlike `str::to_lowercase`); ASCII chars without the case-mapping iterator.
fn lowercase_chars(line: &str, lower: &mut String) {
    for c in line.chars() {
        if c.is_ascii() {
            lower.push(c.to_ascii_lowercase());
        } else {
            lower.extend(c.to_lowercase());
        }
    }
}

/// Expand `{name}` macros.
fn expand(pattern: &str, macros: &[(String, String)]) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|c| open + c);
        let name = close.map(|c| &rest[open + 1..c]);
        match (close, name.and_then(|n| macros.iter().find(|(m, _)| m == n))) {
            (Some(close), Some((_, body))) => {
                out.push_str(&rest[..open]);
                out.push_str("(?:");
                out.push_str(body);
                out.push(')');
                rest = &rest[close + 1..];
            }
            // Repetitions `{2,5}` and classes `\p{Lu}` stay as they are.
            (Some(close), None)
                if name.is_some_and(|n| n.bytes().all(|c| c.is_ascii_digit() || c == b','))
                    || rest[..open].ends_with("\\p")
                    || rest[..open].ends_with("\\P") =>
            {
                out.push_str(&rest[..=close]);
                rest = &rest[close + 1..];
            }
            (_, None) => return Err(format!("unknown macro `{}`", name.unwrap_or(&rest[open..]))),
            (None, Some(_)) => unreachable!(),
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_file_and_line() {
        for (text, line, needle) in [
            ("share\tline\tShare\nshare\tbogus\tx\n", 2, "unknown match"),
            ("share\tline\n", 1, "3 TAB-separated"),
            ("x\tregex\t(unclosed\n", 1, "invalid regex"),
            ("x\tregex\t{nope}\n", 1, "unknown macro"),
            ("month\t13\tfoo\n", 1, "1-12"),
            ("Share\tline\tShare\n", 1, "lowercase"),
        ] {
            let err = Rules::parse("f.tsv", text).err().unwrap_or_default();
            assert!(err.starts_with(&format!("f.tsv:{line}:")) && err.contains(needle), "{text:?}: {err}");
        }
    }

    #[test]
    fn lowercase_keeps_a_third_of_the_bytes() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let lower: usize = c.to_lowercase().map(char::len_utf8).sum();
            assert!(3 * lower >= c.len_utf8(), "{c:?} lowercases to {lower} bytes");
        }
        let r = Rules::parse("f", "a\tline\tkkk\n").unwrap();
        let mut buf = String::new();
        assert_eq!(
            r.find("\u{212A}\u{212A}\u{212A}", &mut buf, true).map(|h| h.rule),
            Some(0),
            "Kelvin signs lowercase to kkk"
        );
    }

    fn furniture() -> (String, Rules) {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../lexicons/clean/furniture.tsv");
        let text = std::fs::read_to_string(path).unwrap();
        let rules = Rules::parse("furniture.tsv", &text).unwrap();
        (text, rules)
    }

    /// The seed articles' lines, their prefixes and suffixes, and lines made
    /// of each rule's phrase.
    fn test_lines(text: &str) -> Vec<String> {
        let mut lines = Vec::new();
        for article in crate::seed_texts() {
            for line in article.lines().map(str::trim) {
                let cut = line.floor_char_boundary(200);
                let line = &line[..cut];
                for (i, _) in line.char_indices() {
                    lines.push(line[i..].to_string());
                    lines.push(line[..i].to_string());
                }
                lines.push(line.to_string());
            }
        }
        for (_, l) in crate::sentences::data_lines(text) {
            let p = l.split('\t').nth(2).unwrap_or("").trim();
            for s in [p.to_string(), p.to_uppercase(), format!("x{p}"), format!("{p} and more"), format!("Ж {p}.")] {
                lines.push(s);
            }
            lines.extend(p.char_indices().map(|(i, _)| p[..i].to_string()));
        }
        lines.extend(
            [
                "",
                "By John Smith",
                "By Jane Doe and Tom Lee | April 26, 2025 · 5 min read",
                "Written by Ana García, 26.04.2025",
                "Published: March 9th, 2025 at 10:30 AM EST",
                "Updated on 2025-04-26 · 3 min read",
                "Author: Ann Lee",
                "Reporting by Max Mustermann and Jo Ng",
                "Photo: Reuters",
                "John Smith/Reuters",
                "A view of the city (Photo: AFP)",
                "Getty Images",
                "Source: BBC",
                "Ünïcödé Ὀδυσσεύς Київ \u{212A}",
            ]
            .map(String::from),
        );
        lines
    }

    #[test]
    fn phrases_as_one_overlapping_search() {
        // The rules as one automaton, searched overlapping over the whole
        // line: prefix phrases count at offset 0, contains phrases anywhere.
        let (text, rules) = furniture();
        let (mut pats, mut kinds, mut rule) = (Vec::new(), Vec::new(), 0);
        for (_, l) in crate::sentences::data_lines(&text) {
            let cols: Vec<&str> = l.split('\t').map(str::trim).collect();
            if cols[0] == "define" || cols[0] == "month" {
                continue;
            }
            if cols[1] == "prefix" || cols[1] == "contains" {
                pats.push(cols[2]);
                kinds.push((rule, cols[1] == "prefix"));
            }
            rule += 1;
        }
        assert!(kinds.iter().any(|k| k.1) && kinds.iter().any(|k| !k.1), "both kinds are tested");
        let ac = AhoCorasickBuilder::new().ascii_case_insensitive(true).build(&pats).unwrap();
        for line in test_lines(&text) {
            let mut want: Option<usize> = None;
            for m in ac.find_overlapping_iter(&line) {
                let (rule, prefix) = kinds[m.pattern().as_usize()];
                if !prefix || m.start() == 0 {
                    want = Some(want.map_or(rule, |w| w.min(rule)));
                }
            }
            assert_eq!(rules.phrase(&line), want, "{line:?}");
        }
    }

    #[test]
    fn metadata_as_the_regex_crate_captures_it() {
        let (text, rules) = furniture();
        assert_eq!(rules.regexes.iter().filter(|(_, r)| r.metadata).count(), 3, "two byline rules and a dateline");
        let compiled: Vec<regex::Regex> =
            rules.regexes.iter().map(|(_, r)| regex::Regex::new(&r.pattern).unwrap()).collect();
        let mut buf = String::new();
        let mut captured = 0;
        for line in test_lines(&text) {
            let with = rules.find(&line, &mut buf, true);
            let without = rules.find(&line, &mut buf, false);
            assert_eq!(with.as_ref().map(|h| h.rule), without.as_ref().map(|h| h.rule), "{line:?}");
            assert!(without.is_none_or(|h| h.byline.is_none() && h.date.is_none()), "{line:?}");
            let Some(hit) = with else { continue };
            let Some(i) = rules.regexes.iter().position(|(r, _)| *r == hit.rule) else { continue };
            let caps = compiled[i].captures(&line).unwrap();
            let group = |name| caps.name(name).map(|m| m.as_str());
            if rules.regexes[i].1.metadata {
                assert_eq!((hit.byline, hit.date), (group("byline"), group("date")), "{line:?}");
                captured += usize::from(hit.byline.is_some() || hit.date.is_some());
            } else {
                assert_eq!((group("byline"), group("date")), (None, None), "{line:?}");
            }
        }
        assert!(captured >= 5, "{captured} lines captured");
    }

    #[test]
    fn lowercase_char_by_char() {
        for line in ["Ünïcödé ΣΑΣ Київ \u{212A} İx ABC", "ǅ ß ẞ"] {
            let mut got = String::new();
            lowercase_chars(line, &mut got);
            assert_eq!(got, line.chars().flat_map(char::to_lowercase).collect::<String>());
        }
    }

    #[test]
    fn first_rule_in_file_order_wins() {
        let r = Rules::parse("f", "a\tprefix\tSubscribe\nb\tline\tsubscribe now\nc\tregex\t.*now\n").unwrap();
        let mut buf = String::new();
        assert_eq!(r.find("Subscribe now", &mut buf, true).map(|h| h.rule), Some(0));
        assert_eq!(r.find("do it now", &mut buf, true).map(|h| h.rule), Some(2));
        assert!(r.find("I subscribe", &mut buf, true).is_none());
    }
}
