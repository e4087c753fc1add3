//! Lines written in another script than the document's: a sidebar or footer
//! in another language (a Ukrainian "latest posts" list under an English
//! article). Script, not language: two languages in one script are not told
//! apart, which keeps the detector cheap and free of word lists.

use super::{Kind, Line, Mark};

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
    c.is_alphabetic().then_some(script)
}

fn counts(s: &str) -> [usize; SCRIPTS] {
    let mut n = [0; SCRIPTS];
    if s.is_ascii() {
        n[Script::Latin as usize] = s.bytes().filter(u8::is_ascii_alphabetic).count();
        return n;
    }
    // ASCII bytes counted directly; only the others are decoded.
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] < 0x80 {
            n[Script::Latin as usize] += usize::from(b[i].is_ascii_alphabetic());
            i += 1;
            continue;
        }
        let c = s[i..].chars().next().expect("on a char boundary");
        if let Some(sc) = script(c) {
            n[sc as usize] += 1;
        }
        i += c.len_utf8();
    }
    n
}

/// Mark unmarked lines whose letters are mostly not in the document's main
/// script (the script with most letters over the whole text).
pub(super) fn mark_foreign(text: &str, lines: &mut [Line]) {
    if text.is_ascii() {
        return;
    }
    let total = counts(text);
    if total.iter().filter(|&&n| n > 0).count() < 2 {
        return; // one script only: nothing can be foreign
    }
    let main = (0..SCRIPTS).max_by_key(|&i| total[i]).unwrap_or(0);
    for line in lines.iter_mut().filter(|l| l.mark == Mark::None) {
        let n = counts(&text[line.span.start..line.span.end]);
        let letters: usize = n.iter().sum();
        if letters >= 3 && n[main] * 2 < letters {
            line.mark = Mark::Detector("script", Kind::Named("foreign_language"));
        }
    }
}
