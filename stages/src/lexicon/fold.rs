//! The folded view of a text that lexicon surfaces are matched against, with a
//! map from folded byte offsets back to the original ones.
//!
//! Folding makes typographic variants equal: curly and straight apostrophes,
//! the hyphen family (‐ ‑ ‒ – −), any horizontal whitespace (tab, NBSP, thin
//! space) and a space; soft hyphens vanish. Optionally Unicode lowercase (ASCII
//! case is left to aho-corasick's `ascii_case_insensitive`, so ASCII letters
//! are copied as they are) and diacritic removal (NFD, combining marks dropped).
//! Line breaks are kept: a surface never spans lines.
//!
//! Most replacements keep the byte length (`З`→`з`), so offsets only need
//! correcting where the length changes; the map records just those places.

use std::borrow::Cow;

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use crate::swar;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoldOptions {
    /// Unicode lowercase of non-ASCII letters.
    pub lowercase: bool,
    /// Strip diacritics (é → e, й → и).
    pub diacritics: bool,
}

/// One char whose folded form has a different byte length.
#[derive(Clone, Copy, Debug)]
struct Shift {
    fold_start: usize,
    fold_end: usize,
    orig_start: usize,
    orig_end: usize,
}

/// A text folded for matching. Borrowed (no copy, identity offsets) when
/// folding changes nothing, which is the common case for ASCII text.
pub struct Folded<'a> {
    pub text: Cow<'a, str>,
    shifts: Vec<Shift>,
}

impl Folded<'_> {
    /// The original offset of a folded offset: `start` of a match maps to the
    /// start of the original char it falls in, an end to that char's end.
    pub fn orig(&self, pos: usize, is_end: bool) -> usize {
        let n = self.shifts.partition_point(|s| s.fold_start < pos + usize::from(!is_end));
        self.orig_by(n, pos, is_end)
    }

    /// [`orig`](Self::orig) for offsets asked in order (a start, its end, the
    /// next start, …): `cursor` (0 at first) keeps the place in the map, so
    /// a document's mentions cost one pass over it instead of a search each.
    /// Offsets out of order are answered too, by a search.
    #[inline]
    pub fn orig_in_order(&self, cursor: &mut usize, pos: usize, is_end: bool) -> usize {
        let bound = pos + usize::from(!is_end);
        let mut n = *cursor;
        if n > 0 && self.shifts[n - 1].fold_start >= bound {
            n = self.shifts.partition_point(|s| s.fold_start < bound);
        }
        while n < self.shifts.len() && self.shifts[n].fold_start < bound {
            n += 1;
        }
        *cursor = n;
        self.orig_by(n, pos, is_end)
    }

    /// The original offset of `pos`, given the number `n` of shifts that start before it.
    #[inline(always)]
    fn orig_by(&self, n: usize, pos: usize, is_end: bool) -> usize {
        let Some(s) = n.checked_sub(1).map(|i| self.shifts[i]) else {
            return pos;
        };
        if pos >= s.fold_end {
            s.orig_end + (pos - s.fold_end)
        } else if is_end {
            s.orig_end
        } else {
            s.orig_start
        }
    }
}

/// Fold one non-ASCII char into `out`; returns false when it stays as it is.
fn fold_char(c: char, opts: FoldOptions, out: &mut String) -> bool {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{2032}' | '\u{FF07}' | '\u{201B}' => out.push('\''),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => out.push('-'),
        '\u{00AD}' => {}
        c if c.is_whitespace() && c != '\u{2028}' && c != '\u{2029}' && c != '\u{85}' => out.push(' '),
        c if !opts.diacritics => {
            if !opts.lowercase {
                return false;
            }
            // Shortcuts for the commonest non-ASCII chars in news: Cyrillic
            // letters and punctuation (checked against `to_lowercase` in tests).
            match c as u32 {
                0x430..=0x45F | 0x2000..=0x206F => return false,
                0x410..=0x42F => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
                0x400..=0x40F => out.push(char::from_u32(c as u32 + 0x50).unwrap_or(c)),
                _ => return lowercase(c, out),
            }
        }
        c => {
            let start = out.len();
            if opts.lowercase {
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
            if opts.diacritics {
                let lowered: String = out.drain(start..).collect();
                for l in lowered.chars() {
                    match l {
                        'ł' => out.push('l'),
                        'Ł' => out.push('L'),
                        'đ' => out.push('d'),
                        'Đ' => out.push('D'),
                        'ø' => out.push('o'),
                        'Ø' => out.push('O'),
                        _ => decompose_canonical(l, |d| {
                            if !is_combining_mark(d) {
                                out.push(d)
                            }
                        }),
                    }
                }
            }
            let mut buf = [0u8; 4];
            if out[start..] == *c.encode_utf8(&mut buf) {
                out.truncate(start);
                return false;
            }
        }
    }
    true
}

/// Push the Unicode lowercase of `c`; false (nothing pushed) when it is `c`.
fn lowercase(c: char, out: &mut String) -> bool {
    let mut lower = c.to_lowercase();
    if lower.len() != 1 {
        out.extend(lower);
        return true;
    }
    match lower.next() {
        Some(l) if l != c => {
            out.push(l);
            true
        }
        _ => false,
    }
}

/// The first byte at or after `from` that needs folding. Most news text is
/// long ASCII runs, ruled out 32 bytes at a time.
fn next_special(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(v) = bytes.get(i..i + 32) {
        let m = swar::fold_specials(v.try_into().expect("32 bytes"));
        if m != 0 {
            return Some(i + m.trailing_zeros() as usize);
        }
        i += 32;
    }
    bytes[i..].iter().position(|&b| swar::is_fold_special(b)).map(|k| i + k)
}

/// Whether `c` (not ASCII) surely folds to itself, answered without folding
/// it: lowercase Cyrillic (without diacritic folding) and the General
/// Punctuation other than the apostrophes, hyphens and spaces that fold
/// (quotes, dashes, ellipses). Most non-ASCII chars of news are these. False
/// tells nothing: [`fold_char`] decides.
#[inline(always)]
fn unchanged(c: char, opts: FoldOptions) -> bool {
    match c as u32 {
        0x430..=0x45F => !opts.diacritics,
        0x2014..=0x2017 | 0x201A | 0x201C..=0x2027 | 0x2030 | 0x2031 | 0x2033..=0x205E | 0x2060..=0x206F => true,
        _ => false,
    }
}

/// Fold `text` for matching. Chars that fold to themselves are not copied
/// one by one: `out` catches up with the text only where a char changes (and
/// is never made when none does).
pub fn fold(text: &str, opts: FoldOptions) -> Folded<'_> {
    let bytes = text.as_bytes();
    let Some(mut at) = next_special(bytes, 0) else {
        return Folded { text: Cow::Borrowed(text), shifts: Vec::new() };
    };
    let mut out = String::new();
    let mut shifts = Vec::new();
    // `text[..done]` is folded into `out`; `at` is the next byte that may need folding.
    let mut done = 0;
    // Bring `out` up to `at` (made on the first char that changes).
    let catch_up = |out: &mut String, done: usize, at: usize| {
        if out.capacity() == 0 {
            out.reserve(text.len());
        }
        out.push_str(&text[done..at]);
    };
    loop {
        let len = if bytes[at] < 0x80 {
            catch_up(&mut out, done, at);
            out.push(' ');
            done = at + 1;
            1
        } else {
            let c = text[at..].chars().next().expect("at is on a char boundary");
            let len = c.len_utf8();
            if !unchanged(c, opts) {
                catch_up(&mut out, done, at);
                let fold_start = out.len();
                if !fold_char(c, opts, &mut out) {
                    out.push_str(&text[at..at + len]);
                } else if out.len() - fold_start != len {
                    shifts.push(Shift { fold_start, fold_end: out.len(), orig_start: at, orig_end: at + len });
                }
                done = at + len;
            }
            len
        };
        let next = match bytes.get(at + len) {
            Some(&b) if swar::is_fold_special(b) => Some(at + len),
            _ => next_special(bytes, at + len),
        };
        match next {
            Some(next) => at = next,
            None => break,
        }
    }
    if out.capacity() == 0 {
        // No char changed.
        return Folded { text: Cow::Borrowed(text), shifts };
    }
    out.push_str(&text[done..]);
    Folded { text: Cow::Owned(out), shifts }
}

/// Fold a lexicon surface the way texts are folded, plus ASCII lowercase when
/// case-insensitive (the key under which surfaces are compared for duplicates).
pub fn fold_surface(surface: &str, opts: FoldOptions) -> String {
    let mut s = fold(surface, opts).text.into_owned();
    if opts.lowercase {
        s.make_ascii_lowercase();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: FoldOptions = FoldOptions { lowercase: true, diacritics: true };

    #[test]
    fn offsets_map_back_through_length_changes() {
        let text = "Kyiv’s Zélensky – ЗЕЛЕНСЬКИЙ";
        let f = fold(text, ALL);
        assert_eq!(f.text, "Kyiv's Zelensky - зеленськии");
        for (needle, orig) in [("zelensky", "Zélensky"), ("зеленськии", "ЗЕЛЕНСЬКИЙ"), ("'s", "’s")]
        {
            let fs = f.text.to_lowercase().find(needle).unwrap();
            let (s, e) = (f.orig(fs, false), f.orig(fs + needle.len(), true));
            assert_eq!(&text[s..e], orig, "folded `{needle}` maps back to `{orig}`");
        }
    }

    /// The cursor walk answers exactly what the search does, for offsets in
    /// order (every start and end of the folded text) and out of order.
    #[test]
    fn offsets_in_order_agree_with_the_search() {
        let text = "’’a – b ЗЁ’s ‐x\u{00AD}y’ zé";
        let f = fold(text, ALL);
        assert!(f.shifts.len() > 4, "the text shifts offsets");
        let n = f.text.len();
        let mut cursor = 0;
        for pos in 0..=n {
            for is_end in [false, true] {
                assert_eq!(f.orig_in_order(&mut cursor, pos, is_end), f.orig(pos, is_end), "{pos} {is_end}");
            }
        }
        let mut cursor = 0;
        for pos in (0..=n).rev().chain([3, n, 0]) {
            assert_eq!(f.orig_in_order(&mut cursor, pos, true), f.orig(pos, true), "backwards {pos}");
        }
    }

    #[test]
    fn lowercase_shortcuts_agree_with_unicode() {
        let opts = FoldOptions { lowercase: true, diacritics: false };
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            let (mut fast, mut slow) = (String::new(), String::new());
            fold_char(c, opts, &mut fast);
            let special = "\u{2019}\u{2018}\u{02BC}\u{2032}\u{FF07}\u{201B}\u{2010}\u{2011}\u{2012}\u{2013}\u{2212}\u{FE63}\u{FF0D}\u{00AD}";
            if special.contains(c) || c.is_whitespace() {
                continue;
            }
            if !lowercase(c, &mut slow) {
                slow.clear();
            }
            assert_eq!(fast, slow, "fold of {c:?} U+{:04X}", c as u32);
        }
    }

    /// The shortcut never calls a char unchanged that folding changes.
    #[test]
    fn unchanged_chars_fold_to_themselves() {
        for opts in [
            ALL,
            FoldOptions { lowercase: true, diacritics: false },
            FoldOptions { lowercase: false, diacritics: true },
        ] {
            for c in (0x80..=0x10FFFF).filter_map(char::from_u32).filter(|&c| unchanged(c, opts)) {
                let mut out = String::new();
                assert!(!fold_char(c, opts, &mut out), "{c:?} U+{:04X} folds to {out:?} ({opts:?})", c as u32);
            }
        }
        let text = "“Це” — ‘війна’…";
        assert_eq!(fold(text, FoldOptions { lowercase: true, diacritics: false }).text, "“це” — 'війна'…");
        assert!(matches!(fold("“це” — …", FoldOptions { lowercase: true, diacritics: false }).text, Cow::Borrowed(_)));
    }

    #[test]
    fn next_special_finds_every_special_byte() {
        for b in 0..=255u8 {
            for at in 0..20 {
                let mut bytes = vec![b'a'; 20];
                bytes[at] = b;
                let want = if swar::is_fold_special(b) { Some(at) } else { None };
                assert_eq!(next_special(&bytes, 0), want, "byte {b:#x} at {at}");
                assert_eq!(next_special(&bytes, at.min(3)), want, "byte {b:#x} at {at} from {}", at.min(3));
            }
        }
    }

    #[test]
    fn ascii_without_tabs_is_borrowed() {
        assert!(matches!(fold("plain text\nline", ALL).text, Cow::Borrowed(_)));
        assert_eq!(fold("a\tb", ALL).text, "a b");
    }
}
