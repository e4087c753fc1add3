//! Lines written in another script than the document's: a sidebar or footer
//! in another language (a Ukrainian "latest posts" list under an English
//! article). Script, not language: two languages in one script are not told
//! apart, which keeps the detector cheap and free of word lists.

use super::{Kind, Line, Mark};
use crate::swar;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Greek,
    Arabic,
    Hebrew,
    Cjk,
    Other,
}

const SCRIPTS: usize = 7;

fn script(c: char) -> Option<Script> {
    if c.is_ascii_alphabetic() {
        return Some(Script::Latin);
    }
    // Ranges first: the Unicode alphabetic lookup is only needed outside them.
    let script = match c as u32 {
        0x00C0..=0x024F | 0x1E00..=0x1EFF => Script::Latin,
        0x0400..=0x052F => Script::Cyrillic,
        0x0370..=0x03FF => Script::Greek,
        0x0590..=0x05FF => Script::Hebrew,
        0x0600..=0x06FF | 0x0750..=0x077F => Script::Arabic,
        0x3040..=0x30FF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF => Script::Cjk,
        0..=0x7F | 0x2000..=0x2BFF => return None, // ASCII non-letters, punctuation, symbols
        _ => Script::Other,
    };
    is_alphabetic(c).then_some(script)
}

/// `char::is_alphabetic` without its table search for the letters news in
/// Latin and Cyrillic script are made of (blocks where every char is a letter).
fn is_alphabetic(c: char) -> bool {
    matches!(c as u32, 0x00C0..=0x00D6 | 0x00D8..=0x00F6 | 0x00F8..=0x024F | 0x0400..=0x0481 | 0x048A..=0x052F)
        || c.is_alphabetic()
}

fn counts(s: &str) -> [usize; SCRIPTS] {
    let b = s.as_bytes();
    let mut n = [0; SCRIPTS];
    // Bytes of other chars are never ASCII letters: one branch-free pass.
    // Counted in u8 lanes per 255-byte chunk, so the compiler uses 16 lanes, not 2.
    n[Script::Latin as usize] = b
        .chunks(255)
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, c| n + u8::from(c.is_ascii_alphabetic()))))
        .sum();
    // Only the other chars are decoded, found a word of bytes at a time.
    let mut i = 0;
    while let Some(j) = next_non_ascii(b, i) {
        let c = s[j..].chars().next().expect("a non-ASCII byte after whole chars starts a char");
        if let Some(sc) = script(c) {
            n[sc as usize] += 1;
        }
        i = j + c.len_utf8();
    }
    n
}

/// The first byte at or after `i` that is not ASCII.
fn next_non_ascii(b: &[u8], mut i: usize) -> Option<usize> {
    while let Some(word) = swar::load(b, i) {
        if word & swar::HIGH != 0 {
            return Some(i + (word & swar::HIGH).trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    b[i..].iter().position(|&c| c >= 0x80).map(|k| i + k)
}

/// Mark unmarked lines whose letters are mostly not in the document's main
/// script (the script with most letters over the whole text).
pub(super) fn mark_foreign(text: &str, lines: &mut [Line]) {
    if text.is_ascii() {
        return;
    }
    // The lines are the text's trimmed non-blank lines: the bytes between
    // them are whitespace, never letters, so the lines' counts add up to the
    // text's and each char is counted once.
    let per_line: Vec<[usize; SCRIPTS]> = lines.iter().map(|l| counts(&text[l.span.start..l.span.end])).collect();
    let mut total = [0; SCRIPTS];
    for n in &per_line {
        total.iter_mut().zip(n).for_each(|(t, n)| *t += n);
    }
    if total.iter().filter(|&&n| n > 0).count() < 2 {
        return; // one script only: nothing can be foreign
    }
    let main = (0..SCRIPTS).max_by_key(|&i| total[i]).unwrap_or(0);
    for (line, n) in lines.iter_mut().zip(&per_line).filter(|(l, _)| l.mark == Mark::None) {
        let letters: usize = n.iter().sum();
        if letters >= 3 && n[main] * 2 < letters {
            line.mark = Mark::Detector("script", Kind::Named("foreign_language"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_alphabetic_agrees_with_unicode() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "alphabetic {c:?} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn whitespace_is_no_letter() {
        // What `str::trim` strips and blank lines hold: `mark_foreign` counts
        // only the lines.
        for c in (0..=0x10FFFF).filter_map(char::from_u32).filter(|c| c.is_whitespace()) {
            assert_eq!(script(c).map(|s| s as usize), None, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn lines_hold_every_letter() {
        let mut texts = crate::seed_texts();
        texts.push("\u{3000}Київ\u{a0}\n\u{2028}\n \t\r\n\u{85}ab ж\u{2029}\n\n  é \u{200b}x\u{feff}".into());
        for text in &texts {
            let lines = crate::clean::Clean::lines(text);
            let mut sum = [0; SCRIPTS];
            for l in &lines {
                let n = counts(&text[l.span.start..l.span.end]);
                sum.iter_mut().zip(n).for_each(|(s, n)| *s += n);
            }
            assert_eq!(sum, counts(text), "{:?}", &text[..text.len().min(40)]);
        }
    }

    #[test]
    fn counts_every_letter_once() {
        for (text, latin, cyrillic, other) in [
            ("", 0, 0, 0),
            ("abc DEF 123", 6, 0, 0),
            ("Київ — “capital” of Україна, ª", 9, 11, 1),
            ("ééééééééé x ж", 10, 1, 0),
            ("1234567890123456789ж", 0, 1, 0),
        ] {
            let n = counts(text);
            let got = (n[Script::Latin as usize], n[Script::Cyrillic as usize], n[Script::Other as usize]);
            assert_eq!(got, (latin, cyrillic, other), "letters of {text:?} (Latin, Cyrillic, other)");
            let mut each = [0; SCRIPTS];
            text.chars().filter_map(script).for_each(|sc| each[sc as usize] += 1);
            assert_eq!(n, each, "counts of {text:?} char by char");
        }
    }
}
