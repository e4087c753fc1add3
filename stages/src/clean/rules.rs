//! The furniture rules file (`lexicons/clean/furniture.tsv`): line, prefix,
//! contains and regex rules plus month names. The format is documented in the
//! file's header.

use std::sync::{Arc, OnceLock};

// Looked up for every short line: a fast hasher for the short keys.
use foldhash::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use chrono::NaiveDate;
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

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
    /// Prefix and contains phrases (ASCII case-insensitive), pattern id → (rule, is_prefix).
    phrases: Option<AhoCorasick>,
    phrase_rules: Vec<(usize, bool)>,
    set: RegexSet,
    /// Regex i of `set` → (rule, regex for its captures). Compiled on the
    /// first line it matches: most never do, and compiling the Unicode
    /// classes of all of them took most of a run's start-up.
    regexes: Vec<(usize, LazyRegex)>,
    months: Vec<(String, u32)>,
}

/// The compiled-size limit of the rule automata (the default 10 MB is too
/// small for a few Unicode-class rules together).
const REGEX_SIZE_LIMIT: usize = 64 << 20;

/// A regex rule compiled when first needed.
struct LazyRegex {
    pattern: String,
    compiled: OnceLock<Regex>,
}

impl LazyRegex {
    fn get(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            RegexBuilder::new(&self.pattern)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
                .expect("a pattern of the rule set (compiled with the same limit) compiles alone")
        })
    }
}

/// Parse a pattern (no compiling): the errors a rule writer makes.
fn check_syntax(pattern: &str) -> Result<(), String> {
    regex_syntax::Parser::new().parse(pattern).map(drop).map_err(|e| e.to_string())
}

impl Rules {
    pub fn parse(origin: &str, text: &str) -> Result<Rules, String> {
        let mut rules = Vec::new();
        let mut exact = HashMap::default();
        let mut phrase_pats = Vec::new();
        let mut phrase_rules = Vec::new();
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
                    phrase_pats.push(pattern.to_string());
                    phrase_rules.push((rule, how == "prefix"));
                }
                "regex" => {
                    let expanded = format!("^(?:{})$", expand(pattern, &macros).map_err(err)?);
                    check_syntax(&expanded).map_err(|e| err(format!("invalid regex: {e}")))?;
                    regexes.push((rule, LazyRegex { pattern: expanded, compiled: OnceLock::new() }));
                }
                other => return Err(err(format!("unknown match {other:?}: expected line, prefix, contains or regex"))),
            }
            rules.push(Rule { kind: Arc::from(kind), origin: Arc::from(format!("{origin}:{line_no}")) });
        }
        let phrases = if phrase_pats.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    // A few dozen short phrases: the full DFA is small and the fastest to run.
                    .kind(Some(AhoCorasickKind::DFA))
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&phrase_pats)
                    .map_err(|e| format!("{origin}: {e}"))?,
            )
        };
        let set = RegexSetBuilder::new(regexes.iter().map(|(_, r)| &r.pattern))
            .size_limit(REGEX_SIZE_LIMIT)
            // A cache large enough that the lazy DFA does not give up on the
            // Unicode classes (it falls back to the much slower PikeVM).
            .dfa_size_limit(64 << 20)
            .build()
            .map_err(|e| format!("{origin}: regex set: {e}"))?;
        let exact_max = exact.keys().map(String::len).max().unwrap_or(0);
        Ok(Rules { rules, exact, exact_max, phrases, phrase_rules, set, regexes, months })
    }

    /// The first rule (in file order) matching a trimmed line.
    /// `lower` is a scratch buffer reused across lines.
    pub fn find<'t>(&self, line: &'t str, lower: &mut String) -> Option<Hit<'t>> {
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
                lower.extend(line.chars().flat_map(char::to_lowercase));
            }
            best = self.exact.get(lower.as_str()).copied();
        }
        // Most lines match no rule: `is_match` answers that for less than a
        // full (overlapping) search, which only lines that match then pay for.
        if let Some(ac) = self.phrases.as_ref().filter(|ac| ac.is_match(line)) {
            for m in ac.find_overlapping_iter(line) {
                let (rule, prefix) = self.phrase_rules[m.pattern().as_usize()];
                if (!prefix || m.start() == 0) && best.is_none_or(|b| rule < b) {
                    best = Some(rule);
                }
            }
        }
        let mut hit = best.map(|rule| Hit { rule, byline: None, date: None });
        // Regex rules: the set reports matches in rule order; only the first
        // counts (and, as above, `is_match` first).
        if !self.set.is_match(line) {
            return hit;
        }
        if let Some(i) = self.set.matches(line).iter().next() {
            let (rule, re) = &self.regexes[i];
            if hit.as_ref().is_none_or(|h| *rule < h.rule) {
                let caps = re.get().captures(line);
                let group = |name| caps.as_ref().and_then(|c| c.name(name)).map(|m| m.as_str());
                hit = Some(Hit { rule: *rule, byline: group("byline"), date: group("date") });
            }
        }
        hit
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
            r.find("\u{212A}\u{212A}\u{212A}", &mut buf).map(|h| h.rule),
            Some(0),
            "Kelvin signs lowercase to kkk"
        );
    }

    #[test]
    fn first_rule_in_file_order_wins() {
        let r = Rules::parse("f", "a\tprefix\tSubscribe\nb\tline\tsubscribe now\nc\tregex\t.*now\n").unwrap();
        let mut buf = String::new();
        assert_eq!(r.find("Subscribe now", &mut buf).map(|h| h.rule), Some(0));
        assert_eq!(r.find("do it now", &mut buf).map(|h| h.rule), Some(2));
        assert!(r.find("I subscribe", &mut buf).is_none());
    }
}
