//! Small text measures claim assembly uses on the gaps between annotations.

use std::borrow::Cow;

use aho_corasick::AhoCorasick;

/// Number of words (runs of alphanumeric chars) in `s`.
#[cfg(test)]
pub fn word_count(s: &str) -> usize {
    words_beyond(s, usize::MAX)
}

/// True when `s` holds at most `max` words (runs of alphanumeric chars).
/// Stops reading at word `max + 1`: the gaps measured may span a whole
/// run-on sentence, and every figure measures several.
pub fn at_most_words(s: &str, max: usize) -> bool {
    words_beyond(s, max) <= max
}

/// The number of words in `s`, counting no further than `max + 1`.
fn words_beyond(s: &str, max: usize) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in s.chars() {
        let w = c.is_alphanumeric();
        if w && !in_word {
            n += 1;
            if n > max {
                break;
            }
        }
        in_word = w;
    }
    n
}

/// True when `s` holds punctuation that ends a clause (comma, semicolon,
/// colon, dash, bracket, sentence end). Scans bytes: the three non-ASCII
/// marks are E2 80 94/93/A2.
pub fn has_clause_break(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len()).any(|i| match b[i] {
        b',' | b';' | b':' | b'(' | b')' | b'.' | b'!' | b'?' => true,
        0xE2 => matches!(b.get(i + 1..i + 3), Some([0x80, 0x93 | 0x94 | 0xA2])),
        _ => false,
    })
}

/// True when `s` holds a double quote mark: `"`, `“` (E2 80 9C) or `”`
/// (E2 80 9D), found by a byte search.
pub fn has_double_quote(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr2_iter(b'"', 0xE2, b)
        .any(|i| b[i] == b'"' || matches!(b.get(i + 1..i + 3), Some([0x80, 0x9C | 0x9D])))
}

/// The offset of the first clause end in `s`: `,` `;` `:` `.` `!` `?` `—` `–`
/// `•`. Scans bytes (the three non-ASCII marks are E2 80 94/93/A2) rather
/// than decoding chars: it reads the rest of the sentence after every figure.
pub fn find_clause_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (0..b.len()).find(|&i| match b[i] {
        b',' | b';' | b':' | b'.' | b'!' | b'?' => true,
        0xE2 => matches!(b.get(i + 1..i + 3), Some([0x80, 0x93 | 0x94 | 0xA2])),
        _ => false,
    })
}

/// The offset of the last clause start mark in `s`: `,` `;` `:` `—` `–`, by
/// bytes from the end (a dash is E2 80 94/93, found by its last byte).
pub fn rfind_clause_start(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (0..b.len()).rev().find_map(|i| match b[i] {
        b',' | b';' | b':' => Some(i),
        0x93 | 0x94 if i >= 2 && b[i - 2..i] == [0xE2, 0x80] => Some(i - 2),
        _ => None,
    })
}

/// The words of `s`, lowercased ASCII, for cue checks.
pub fn words(s: &str) -> impl DoubleEndedIterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’').filter(|w| !w.is_empty())
}

/// `w` lowercased, borrowed when lowercasing changes nothing (ASCII without
/// capitals, as most words are), so reading a word allocates nothing.
pub fn lower(w: &str) -> Cow<'_, str> {
    if w.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(w)
    } else {
        Cow::Owned(w.to_lowercase())
    }
}

/// The last word of `s` (as [`words`] splits), lowercased. Reads `s` from the
/// end, so it costs the length of that word, not of `s`.
pub fn last_word(s: &str) -> Option<Cow<'_, str>> {
    last_raw_word(s).map(lower)
}

/// The last word of `s` as written (as [`words`] splits). Reads bytes from
/// the end while they are ASCII; a non-ASCII char next to the word or
/// between it and the end (it may be a letter or `’`) takes the char path.
pub fn last_raw_word(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'\'';
    let mut end = b.len();
    while end > 0 && b[end - 1] < 0x80 && !word(b[end - 1]) {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && b[start - 1] < 0x80 && word(b[start - 1]) {
        start -= 1;
    }
    if start > 0 && b[start - 1] >= 0x80 {
        return words(s).next_back();
    }
    (start < end).then(|| &s[start..end])
}

/// The words of `s` (as [`words`] splits), each lowercased, lazily from either
/// end: reading the first or last few costs only those words, not all of `s`.
pub fn lower_words(s: &str) -> impl DoubleEndedIterator<Item = Cow<'_, str>> + '_ {
    words(s).map(lower)
}

/// Single words looked for in sentences, whatever their case: one of the
/// [`words`] of a text, lowercased, is in the set. Asked of every sentence
/// with a figure, so the ASCII entries (all of the defaults) are searched
/// with one automaton instead of splitting and lowercasing word by word.
pub struct WordSet {
    /// The ASCII entries, found ASCII-case-insensitively.
    ascii: AhoCorasick,
    /// Every entry, lowercase, for the word-by-word path.
    all: Vec<String>,
    /// Whether some entry is not ASCII (the automaton cannot find it).
    non_ascii: bool,
}

/// Phrases found ASCII-case-insensitively, with a run of letters and digits
/// every phrase holds: a text without it (in any case) holds none of them,
/// which a byte search settles for most texts before the automaton runs.
pub struct PhraseSet {
    ac: AhoCorasick,
    /// Lowercase ASCII letters and digits.
    needle: Option<Vec<u8>>,
}

/// True when `hay` holds `needle` (lowercase) ignoring ASCII case.
fn holds_ignoring_case(hay: &[u8], needle: &[u8]) -> bool {
    let first = needle[0];
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), hay)
        .any(|i| hay.get(i..i + needle.len()).is_some_and(|w| w.eq_ignore_ascii_case(needle)))
}

/// The longest run of ASCII letters and digits (lowercase) that every phrase
/// holds ignoring case, the first of the first phrase's when several are.
fn common_run(phrases: &[String]) -> Option<Vec<u8>> {
    let first = phrases.first()?.to_ascii_lowercase().into_bytes();
    (1..=first.len()).rev().find_map(|len| {
        first
            .windows(len)
            .find(|w| {
                w.iter().all(u8::is_ascii_alphanumeric) && phrases.iter().all(|p| holds_ignoring_case(p.as_bytes(), w))
            })
            .map(<[u8]>::to_vec)
    })
}

impl PhraseSet {
    pub fn new(phrases: Vec<String>) -> Result<PhraseSet, String> {
        let needle = common_run(&phrases);
        let ac = AhoCorasick::builder().ascii_case_insensitive(true).build(&phrases).map_err(|e| e.to_string())?;
        Ok(PhraseSet { ac, needle })
    }

    /// The shortest phrase's length in bytes.
    pub fn min_len(&self) -> usize {
        self.ac.min_pattern_len()
    }

    /// False when `s` (or its folded view) cannot hold a phrase. The needle
    /// is letters and digits, so a text that differs from `s` only in other
    /// chars (apostrophes, dashes, spaces, as folding changes them) answers
    /// alike; but folding drops soft hyphens, which may split the needle
    /// ("veri\u{AD}fy"), so a text holding one is not ruled out.
    pub fn may_match(&self, s: &str) -> bool {
        self.needle.as_deref().is_none_or(|n| holds_ignoring_case(s.as_bytes(), n) || s.contains('\u{AD}'))
    }

    /// True when `s` holds a phrase (the automaton alone: callers test
    /// [`Self::may_match`] first, on the text before folding).
    pub fn is_match(&self, s: &str) -> bool {
        self.ac.is_match(s)
    }
}

/// The Kelvin sign: the one non-ASCII char whose lowercase is ASCII (`k`).
const KELVIN: &str = "\u{212A}";

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '’'
}

impl WordSet {
    /// The set of `entries`, lowercased; an entry [`words`] can never yield
    /// (empty, or holding a space or other separator) never matches.
    pub fn new(entries: impl IntoIterator<Item = String>) -> Result<WordSet, String> {
        let all: Vec<String> = entries
            .into_iter()
            .map(|w| w.to_lowercase())
            .filter(|w| !w.is_empty() && w.chars().all(is_word_char))
            .collect();
        let ascii = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(all.iter().filter(|w| w.is_ascii()))
            .map_err(|e| e.to_string())?;
        let non_ascii = all.iter().any(|w| !w.is_ascii());
        Ok(WordSet { ascii, all, non_ascii })
    }

    /// True when a word of `s` is in the set.
    pub fn any_in(&self, s: &str) -> bool {
        let word_by_word = || words(s).any(|w| self.all.contains(&w.to_lowercase()));
        if s.contains(KELVIN) {
            return word_by_word();
        }
        // An ASCII word lowercases to an ASCII entry exactly when it equals it
        // ignoring ASCII case, and no other word lowercases to ASCII.
        let ascii_hit = self.ascii.find_overlapping_iter(s).any(|m| {
            !s[..m.start()].chars().next_back().is_some_and(is_word_char)
                && !s[m.end()..].chars().next().is_some_and(is_word_char)
        });
        ascii_hit || self.non_ascii && !s.is_ascii() && word_by_word()
    }
}

/// True when `w` lowercases to `lower` (itself lowercase), without building
/// the lowercase `String` for an ASCII word: an ASCII word lowercases byte for
/// byte; other words take the general path.
pub fn is_word(w: &str, lower: &str) -> bool {
    if w.is_ascii() {
        w.eq_ignore_ascii_case(lower)
    } else {
        w.to_lowercase() == lower
    }
}

/// True when `s.to_lowercase()` starts with `prefix` (lowercase ASCII),
/// reading only the first chars of `s` and allocating nothing. Chars lowercase
/// one by one; the one context rule of `str::to_lowercase` (final sigma)
/// only picks between two non-ASCII letters, neither in an ASCII prefix.
pub fn starts_with_lower(s: &str, prefix: &str) -> bool {
    debug_assert!(prefix.is_ascii());
    let mut lowered = s.chars().flat_map(char::to_lowercase);
    prefix.chars().all(|p| lowered.next() == Some(p))
}

/// The first word of `s`, lowercased.
pub fn first_word(s: &str) -> Option<Cow<'_, str>> {
    lower_words(s).next()
}

/// True when `s` starts with a capital letter.
pub fn is_capitalised(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The allocation-free word tests agree with lowercasing first.
        #[test]
        fn word_tests_match_lowercasing(s in "[aAsSoOfF İKΣσ'’\u{212A}x]{0,8}") {
            for lower in ["as of", "of", "as", "so", "k", "i"] {
                prop_assert_eq!(starts_with_lower(&s, lower), s.to_lowercase().starts_with(lower), "{:?} {:?}", s, lower);
                prop_assert_eq!(is_word(&s, lower), s.to_lowercase() == lower, "{:?} {:?}", s, lower);
            }
        }
    }

    #[test]
    fn finds_cue_words_in_any_case() {
        let cues = WordSet::new(["Also".to_string(), "ещё".to_string(), "two words".to_string()]).unwrap();
        assert!(cues.any_in("12 officers were ALSO killed"));
        assert!(cues.any_in("Также ЕЩЁ 12"));
        assert!(cues.any_in("12 officers — also killed"), "non-ASCII text, ASCII cue");
        assert!(cues.any_in("an also-ran"), "a hyphen splits words");
        assert!(!cues.any_in("alsoo, als, lso, also's, 'also"), "apostrophes are part of words");
        assert!(!cues.any_in("two words"), "an entry of two words can never be a word");
        assert!(!WordSet::new(Vec::new()).unwrap().any_in("also"));
        let kelvin = WordSet::new(["killed".to_string()]).unwrap();
        assert!(kelvin.any_in("\u{212A}illed"), "the Kelvin sign lowercases to k");
    }

    /// The automaton on ASCII text agrees with splitting and lowercasing
    /// every word, wherever the cue stands and whatever surrounds it.
    #[test]
    fn ascii_search_agrees_with_the_word_split() {
        let cues = WordSet::new(["also".to_string(), "a".to_string()]).unwrap();
        let around = ["", " ", "x", "'", "-", "9", ".", "’", "é", "—", "\u{301}", "я"];
        for pre in around {
            for post in around {
                for cue in ["also", "ALSO", "a", "A", "als"] {
                    let s = format!("{pre}{cue}{post}");
                    let slow = words(&s).any(|w| ["also", "a"].contains(&w.to_lowercase().as_str()));
                    assert_eq!(cues.any_in(&s), slow, "{s:?}");
                }
            }
        }
    }

    /// The needle test never rejects a text the automaton matches.
    #[test]
    fn phrase_needle_rejects_only_texts_without_phrases() {
        let cues = ["could not independently verify", "Unable to verify", "not been independently verified"];
        let set = PhraseSet::new(cues.iter().map(|c| c.to_string()).collect()).unwrap();
        assert_eq!(set.needle.as_deref(), Some(&b"verif"[..]), "the longest run all cues hold");
        // What the caller asks: the needle test on the clause, then the
        // automaton on its folded view, which drops soft hyphens and makes
        // apostrophe and dash variants plain.
        use crate::lexicon::fold::{fold, FoldOptions};
        let plain = FoldOptions { lowercase: false, diacritics: false };
        for clause in
            ["we were unable to veri\u{AD}fy it", "unable to verify", "could not ver\u{AD}ify", "unable to check"]
        {
            let folded = set.ac.is_match(fold(clause, plain).text.as_ref());
            assert_eq!(set.may_match(clause) && folded, folded, "{clause:?}");
        }
        for (phrases, needle) in [
            (vec!["could not verify", "UNABLE to Verify", "no v here"], Some(&b"er"[..])),
            (vec!["ab", "cd"], None),
            (vec!["it's", "it’s"], Some(&b"it"[..])),
            (vec![], None),
        ] {
            let phrases: Vec<String> = phrases.into_iter().map(String::from).collect();
            let set = PhraseSet::new(phrases.clone()).unwrap();
            assert_eq!(set.needle.as_deref(), needle, "{phrases:?}");
            let ac = AhoCorasick::builder().ascii_case_insensitive(true).build(&phrases).unwrap();
            for s in [
                "",
                "we could NOT VERIFY it",
                "unable to verify",
                "No V HERE",
                "could not vet",
                "xCDx",
                "IT'S",
                "nothing",
            ] {
                // The caller's test: the needle, then the automaton.
                assert_eq!(set.may_match(s) && set.is_match(s), ac.is_match(s), "{phrases:?} in {s:?}");
            }
        }
    }

    #[test]
    fn counts_words_of_any_script() {
        assert_eq!(word_count(" North Korean  soldiers "), 3);
        assert_eq!(word_count("Київ і Харків"), 3);
        assert_eq!(word_count(" , "), 0);
    }

    #[test]
    fn at_most_words_agrees_with_word_count() {
        for s in ["", " , ", "one", "one two", " North Korean  soldiers ", "a b c d e f g h"] {
            for max in 0..10 {
                assert_eq!(at_most_words(s, max), word_count(s) <= max, "{s:?} at most {max}");
            }
        }
    }

    #[test]
    fn last_word_agrees_with_words() {
        for s in [
            "",
            " , ",
            "In",
            "troops moved into ",
            "the enemy’s ",
            "forces OF",
            "Київ і ",
            "café ",
            "x é",
            "don't",
            "’s",
            "a—",
        ] {
            assert_eq!(last_raw_word(s), words(s).next_back(), "{s:?}");
            let want = words(&s.to_lowercase()).last().map(String::from);
            assert_eq!(last_word(s).map(Cow::into_owned), want, "{s:?}");
            let all: Vec<String> = lower_words(s).map(Cow::into_owned).collect();
            let want: Vec<String> = words(&s.to_lowercase()).map(String::from).collect();
            assert_eq!(all, want, "{s:?}");
        }
    }

    #[test]
    fn clause_marks_agree_with_char_search() {
        for s in ["", "a", "x, y", "a — b; c", "a – b • c", "“quote” … end.", "Київ: 5", "no marks here", "•", "—x,"]
        {
            let end = [',', ';', ':', '.', '—', '–', '!', '?', '•'];
            assert_eq!(find_clause_end(s), s.find(end), "{s:?}");
            assert_eq!(rfind_clause_start(s), s.rfind([',', ';', ':', '—', '–']), "{s:?}");
        }
    }

    #[test]
    fn byte_searches_agree_with_char_searches() {
        for s in
            ["", "a", "x, y", "a — b; c", "a – b • c", "“quote” … end.", "„x“", "Київ: 5", "(a)", "say \"x\"", "é‘’"]
        {
            let breaks = [',', ';', ':', '(', ')', '—', '–', '.', '!', '?', '•'];
            assert_eq!(has_clause_break(s), s.contains(breaks), "{s:?}");
            assert_eq!(has_double_quote(s), s.contains(['"', '“', '”']), "{s:?}");
            let chars = s
                .chars()
                .fold((0, false), |(n, was), c| (n + usize::from(c.is_alphanumeric() && !was), c.is_alphanumeric()));
            assert_eq!(word_count(s), chars.0, "{s:?}");
        }
    }

    #[test]
    fn clause_breaks() {
        assert!(has_clause_break(" troops, "));
        assert!(!has_clause_break(" Russian "));
    }
}
