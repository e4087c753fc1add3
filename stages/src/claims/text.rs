//! Small text measures claim assembly uses on the gaps between annotations.

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
/// colon, dash, bracket, sentence end).
pub fn has_clause_break(s: &str) -> bool {
    s.chars().any(|c| matches!(c, ',' | ';' | ':' | '(' | ')' | '—' | '–' | '.' | '!' | '?' | '•'))
}

/// The words of `s`, lowercased ASCII, for cue checks.
pub fn words(s: &str) -> impl DoubleEndedIterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’').filter(|w| !w.is_empty())
}

/// The last word of `s` (as [`words`] splits), lowercased. Reads `s` from the
/// end, so it costs the length of that word, not of `s`.
pub fn last_word(s: &str) -> Option<String> {
    s.rsplit(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’').find(|w| !w.is_empty()).map(str::to_lowercase)
}

/// The words of `s` (as [`words`] splits), each lowercased, lazily from either
/// end: reading the first or last few costs only those words, not all of `s`.
pub fn lower_words(s: &str) -> impl DoubleEndedIterator<Item = String> + '_ {
    words(s).map(str::to_lowercase)
}

/// True when one of the words of `s`, lowercased, is in `cues` (lowercase).
/// Runs on every sentence with a figure: ASCII words (nearly all) are
/// compared without lowercasing them into new strings.
pub fn any_word_in(s: &str, cues: &[String]) -> bool {
    !cues.is_empty() && words(s).any(|w| cues.iter().any(|c| lowercases_to(w, c)))
}

/// Whether `w` lowercased (as `str::to_lowercase`) is `lower`.
fn lowercases_to(w: &str, lower: &str) -> bool {
    if w.is_ascii() {
        w.len() == lower.len() && w.bytes().zip(lower.bytes()).all(|(a, b)| a.to_ascii_lowercase() == b)
    } else {
        w.to_lowercase() == lower
    }
}

/// The first word of `s`, lowercased.
pub fn first_word(s: &str) -> Option<String> {
    lower_words(s).next()
}

/// True when `s` starts with a capital letter.
pub fn is_capitalised(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cue_words_in_any_case() {
        let cues = ["also".to_string(), "ещё".to_string()];
        assert!(any_word_in("12 officers were ALSO killed", &cues));
        assert!(any_word_in("Также ЕЩЁ 12", &cues));
        assert!(any_word_in("an also-ran", &cues), "a hyphen splits words");
        assert!(!any_word_in("alsoo, als, lso", &cues));
        assert!(!any_word_in("also", &[]));
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
        for s in ["", " , ", "In", "troops moved into ", "the enemy’s ", "forces OF", "Київ і "] {
            let want = words(&s.to_lowercase()).last().map(String::from);
            assert_eq!(last_word(s), want, "{s:?}");
        }
    }

    #[test]
    fn clause_breaks() {
        assert!(has_clause_break(" troops, "));
        assert!(!has_clause_break(" Russian "));
    }
}
