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
    /// Abbreviations of up to seven bytes, lowercased and [`pack`]ed: one
    /// word to hash and compare at each lookup.
    short: HashMap<u64, AbbrevClass>,
    /// Longer abbreviations, lowercased.
    long: HashMap<Box<[u8]>, AbbrevClass>,
    starters: HashMap<Box<[u8]>, ()>,
    /// Longest abbreviation in bytes: longer tokens are not looked up.
    max_len: usize,
    /// One bit per [`filter_bit`] of an abbreviation: most tokens asked
    /// about (the last word of a sentence) miss here, before any hashing.
    filter: [u64; 32],
}

/// A token's length, first and last byte, a few bits of each. Case folds
/// away (`A` and `a` share their low four bits), as it does in the lookup.
fn filter_bit(token: &[u8]) -> usize {
    let (first, last) = (token[0], token[token.len() - 1]);
    (token.len() & 7) << 8 | usize::from(first & 15) << 4 | usize::from(last & 15)
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

/// A token of at most seven bytes, lowercased, as one word: its bytes, then
/// its length in the top byte (so `ab` and `ab\0` differ).
fn pack(token: &[u8]) -> Option<u64> {
    if token.len() >= 8 {
        return None;
    }
    let mut w: [u8; 8] = crate::swar::padded(token);
    w.make_ascii_lowercase();
    w[7] = token.len() as u8;
    Some(u64::from_le_bytes(w))
}

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
                    let duplicate = match pack(word.as_bytes()) {
                        Some(key) => out.short.insert(key, class).is_some(),
                        None => out.long.insert(word.to_ascii_lowercase().into_bytes().into(), class).is_some(),
                    };
                    if duplicate {
                        return Err(err(format!("duplicate abbreviation {word:?} (matching ignores case)")));
                    }
                    out.max_len = out.max_len.max(word.len());
                    let bit = filter_bit(word.as_bytes());
                    out.filter[bit / 64] |= 1 << (bit % 64);
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
        let bit = filter_bit(token);
        if self.filter[bit / 64] & 1 << (bit % 64) == 0 {
            return None;
        }
        self.lookup(token)
    }

    /// [`Abbreviations::class`] without the filter.
    fn lookup(&self, token: &[u8]) -> Option<AbbrevClass> {
        if let Some(key) = pack(token) {
            return self.short.get(&key).copied();
        }
        let mut buf = [0u8; MAX_ABBREV];
        let lower = &mut buf[..token.len()];
        lower.copy_from_slice(token);
        lower.make_ascii_lowercase();
        self.long.get(&*lower).copied()
    }

    /// True when `word` typically begins a sentence.
    pub fn is_starter(&self, word: &[u8]) -> bool {
        self.starters.contains_key(word)
    }

    /// The longest abbreviation in bytes (no longer token is one).
    pub fn longest(&self) -> usize {
        self.max_len
    }

    pub fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    pub fn is_empty(&self) -> bool {
        self.short.is_empty() && self.long.is_empty()
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

    /// Short (packed) and long abbreviations are both found, in any case,
    /// and a token is never taken for a shorter or longer one.
    #[test]
    fn short_and_long_abbreviations() {
        let a =
            Abbreviations::parse("x", "Mr\ttitle\nApprox\tgeneral\nApproxim\tnumber\nDepartmnt\tgeneral\n").unwrap();
        assert_eq!(a.len(), 4);
        assert_eq!(a.class(b"mR"), Some(AbbrevClass::Title));
        assert_eq!(a.class(b"APPROX"), Some(AbbrevClass::General));
        assert_eq!(a.class(b"Approxim"), Some(AbbrevClass::Number));
        assert_eq!(a.class(b"departmnt"), Some(AbbrevClass::General));
        for miss in [&b"M"[..], b"Mr\0", b"Mrs", b"Appro", b"Approxi", b"Approxima", b"Departmn", b"", b"Mr."] {
            assert_eq!(a.class(miss), None, "{:?}", String::from_utf8_lossy(miss));
        }
        assert_eq!(a.longest(), 9);
        let err = Abbreviations::parse("x", "Approxim\tnumber\napproxIM\tgeneral\n").unwrap_err();
        assert!(err.contains("duplicate"), "{err}");
    }

    /// The filter drops no token the lookup would find: every word and
    /// dotted token of the seed articles and of the lexicon itself (in three
    /// cases, and cut short or extended by a byte) gets the same class with
    /// the filter as without it.
    #[test]
    fn filter_agrees_with_the_lookup() {
        let lexicon =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../lexicons/abbreviations/en.txt")).unwrap();
        let a = Abbreviations::parse("en.txt", &lexicon).unwrap();
        let mut tokens: Vec<Vec<u8>> = Vec::new();
        let mut texts = crate::seed_texts();
        texts.push(lexicon);
        for text in &texts {
            for word in text.split(|c: char| !(c.is_ascii_alphabetic() || c == '.')) {
                let word = word.trim_end_matches('.').as_bytes();
                for w in [word.to_vec(), word.to_ascii_lowercase(), word.to_ascii_uppercase()] {
                    if let Some((_, short)) = w.split_last() {
                        tokens.push(short.to_vec());
                    }
                    tokens.push([&w[..], b"s"].concat());
                    tokens.push(w);
                }
            }
        }
        let (mut found, mut checked) = (0, 0);
        for t in &tokens {
            let want = if t.is_empty() || t.len() > a.longest() { None } else { a.lookup(t) };
            assert_eq!(a.class(t), want, "{:?}", String::from_utf8_lossy(t));
            found += usize::from(want.is_some());
            checked += 1;
        }
        assert!(found > 3 * a.len() && checked > 10_000, "{found} abbreviations in {checked} tokens");
    }
}
