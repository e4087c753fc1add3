//! Small text measures claim assembly uses on the gaps between annotations.

/// Number of words (runs of alphanumeric chars) in `s`.
pub fn word_count(s: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in s.chars() {
        let w = c.is_alphanumeric();
        if w && !in_word {
            n += 1;
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

/// True when `s` starts with a capital letter.
pub fn is_capitalised(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words_of_any_script() {
        assert_eq!(word_count(" North Korean  soldiers "), 3);
        assert_eq!(word_count("Київ і Харків"), 3);
        assert_eq!(word_count(" , "), 0);
    }

    #[test]
    fn clause_breaks() {
        assert!(has_clause_break(" troops, "));
        assert!(!has_clause_break(" Russian "));
    }
}
