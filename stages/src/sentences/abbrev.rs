//! The abbreviation lexicon of one language (`lexicons/abbreviations/<lang>.txt`).
//! The file format is documented in the header of `en.txt`.

// Looked up at every full stop: a fast hasher for the short keys.
use foldhash::HashMap;

/// What a full stop after an abbreviation means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbbrevClass {
    /// Precedes a name or figure: never a boundary before a letter or digit.
    Title,
    /// Precedes a figure: never a boundary before a digit, else `General`.
    Number,
    /// A month: like `Number`.
    Month,
    /// May end a sentence: a boundary only before a sentence starter.
    General,
}

/// Abbreviations (matched case-insensitively) and sentence starters (exact).
#[derive(Clone, Debug, Default)]
pub struct Abbreviations {
    abbrevs: HashMap<Box<[u8]>, AbbrevClass>,
    starters: HashMap<Box<[u8]>, ()>,
    /// Longest abbreviation in bytes: longer tokens are not looked up.
    max_len: usize,
}

/// The content lines of a data file with their 1-based numbers: blank lines
/// and `#` comment lines are left out, a trailing `\r` is dropped.
pub(crate) fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, raw)| (i + 1, raw.trim_end_matches('\r')))
        .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
}

/// Tokens longer than this are never abbreviations (keeps the lookup on the stack).
const MAX_ABBREV: usize = 24;

impl Abbreviations {
    /// Parse a lexicon file; errors name `origin:line`.
    pub fn parse(origin: &str, text: &str) -> Result<Abbreviations, String> {
        let mut out = Abbreviations::default();
        for (line_no, line) in data_lines(text) {
            let err = |msg: String| format!("{origin}:{line_no}: {msg}");
            let mut cols = line.split('\t');
            let (Some(word), Some(class), None) = (cols.next(), cols.next(), cols.next()) else {
                return Err(err(format!("expected `<word><TAB><class>`, found {line:?}")));
            };
            let word = word.trim();
            if word.is_empty() || word.contains(char::is_whitespace) {
                return Err(err(format!("the word must be one token without spaces, found {word:?}")));
            }
            if word.ends_with('.') {
                return Err(err(format!("write {word:?} without its final full stop")));
            }
            let class = match class.trim() {
                "title" => Some(AbbrevClass::Title),
                "number" => Some(AbbrevClass::Number),
                "month" => Some(AbbrevClass::Month),
                "general" => Some(AbbrevClass::General),
                "starter" => None,
                other => {
                    return Err(err(format!(
                        "unknown class {other:?}: expected title, number, month, general or starter"
                    )))
                }
            };
            match class {
                Some(class) => {
                    if word.len() > MAX_ABBREV || !word.is_ascii() {
                        return Err(err(format!("abbreviations are ASCII of at most {MAX_ABBREV} bytes: {word:?}")));
                    }
                    let key: Box<[u8]> = word.to_ascii_lowercase().into_bytes().into();
                    if out.abbrevs.insert(key, class).is_some() {
                        return Err(err(format!("duplicate abbreviation {word:?} (matching ignores case)")));
                    }
                    out.max_len = out.max_len.max(word.len());
                }
                None => {
                    if out.starters.insert(word.as_bytes().into(), ()).is_some() {
                        return Err(err(format!("duplicate starter {word:?}")));
                    }
                }
            }
        }
        Ok(out)
    }

    /// The class of an abbreviation token (without its final full stop).
    pub fn class(&self, token: &[u8]) -> Option<AbbrevClass> {
        if token.is_empty() || token.len() > self.max_len {
            return None;
        }
        let mut buf = [0u8; MAX_ABBREV];
        let lower = &mut buf[..token.len()];
        lower.copy_from_slice(token);
        lower.make_ascii_lowercase();
        self.abbrevs.get(&*lower).copied()
    }

    /// True when `word` typically begins a sentence.
    pub fn is_starter(&self, word: &[u8]) -> bool {
        self.starters.contains_key(word)
    }

    pub fn len(&self) -> usize {
        self.abbrevs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.abbrevs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_line() {
        let err = Abbreviations::parse("x.txt", "# c\nMr\ttitle\nDr\tbogus\n").unwrap_err();
        assert!(err.starts_with("x.txt:3:"), "{err}");
        let err = Abbreviations::parse("x.txt", "Mr\ttitle\nmr\ttitle\n").unwrap_err();
        assert!(err.starts_with("x.txt:2:") && err.contains("duplicate"), "{err}");
        let err = Abbreviations::parse("x.txt", "Mr.\ttitle\n").unwrap_err();
        assert!(err.contains("final full stop"), "{err}");
    }

    #[test]
    fn lookup_ignores_case_for_abbreviations_only() {
        let a = Abbreviations::parse("x", "No\tnumber\nThe\tstarter\n").unwrap();
        assert_eq!(a.class(b"NO"), Some(AbbrevClass::Number));
        assert!(a.is_starter(b"The"));
        assert!(!a.is_starter(b"the"));
    }
}
