//! Whole-word matching by word tokens: a trie whose edges are tokens, looked
//! up by hash.
//!
//! A whole-word match starts and ends at token boundaries, where a token is a
//! maximal run of word chars or a single other char: a word char next to the
//! match's edge would break the whole-word rule, and inside the match the text
//! is the surface, which splits into the same tokens. So the matches are the
//! token sequences of the text that spell a surface. The scan hashes each word
//! of the text once and looks it up among the surfaces' first tokens, so a
//! byte costs a table lookup per word instead of an automaton transition, and
//! the trie stays small enough for the cache however many lexicons are merged
//! (a union automaton of the default lexicons is 11 MB, and its transitions
//! missed the cache on almost every word).
//!
//! Hashes only guide the walk, and exactly: the scan computes the same keys
//! from the same tokens as the build, so it reaches the node of every surface
//! the text spells, and every surface listed at a node is compared with the
//! text byte for byte. A hash collision can only merge two edges (and cost a
//! comparison), never lose or invent a match.

use super::group::is_word_char;

/// ASCII bytes that are word chars.
const ASCII_WORD: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

const K: u64 = 0x9E37_79B9_7F4A_7C15;
/// Bits of the first-token filter (8 KB: stays in L1).
const ROOT_BITS: u32 = 16;
const ROOT: u32 = 0;

/// Per-thread scratch space of [`WordTrie::each_match`].
pub(crate) struct Scratch {
    /// Bytes of word chars.
    words: Vec<u64>,
    /// Bytes a non-word surface token may start at.
    others: Vec<u64>,
}

impl Scratch {
    pub const fn new() -> Scratch {
        Scratch { words: Vec::new(), others: Vec::new() }
    }
}

pub(crate) struct WordTrie {
    /// Word tokens are compared ASCII case-insensitively.
    case_insensitive: bool,
    /// (node, token) edges by key → child node.
    edges: Table,
    /// Surfaces spelled by the path to node `n`: `ends[end_starts[n]..end_starts[n + 1]]`.
    end_starts: Vec<u32>,
    ends: Vec<u32>,
    /// One bit per hash of a first word token: most words of a text are no
    /// surface's first token and are ruled out here without the edge table.
    root_words: Vec<u64>,
    /// First bytes of the single-char tokens that begin some surface.
    other_first: Vec<u8>,
}

/// Whether the char at `i` is a word char, and where it ends.
#[inline(always)]
pub(crate) fn char_at(text: &str, i: usize) -> (bool, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return (ASCII_WORD[b as usize], i + 1);
    }
    let c = text[i..].chars().next().expect("on a char boundary");
    (is_word_char(c), i + c.len_utf8())
}

/// Bit `i` set when byte `i` of `text` belongs to a word char: one pass,
/// eight ASCII bytes at a time without branches, chars decoded only where a
/// byte is not ASCII. Tokens are then found with bit operations, so word ends
/// cost no mispredicted branch per byte.
pub(crate) fn word_bits(text: &str, bits: &mut Vec<u64>) {
    let b = text.as_bytes();
    bits.clear();
    bits.resize(b.len() / 64 + 2, 0);
    let mut set = |i: usize, m: u64| {
        bits[i / 64] |= m << (i % 64);
        if i % 64 > 56 {
            bits[i / 64 + 1] |= m >> (64 - i % 64);
        }
    };
    let mut i = 0;
    while i < b.len() {
        if let Some(chunk) = b.get(i..i + 8) {
            if u64::from_le_bytes(chunk.try_into().expect("8 bytes")) & 0x8080_8080_8080_8080 == 0 {
                let mut m = 0u64;
                for (k, &c) in chunk.iter().enumerate() {
                    m |= u64::from(ASCII_WORD[c as usize]) << k;
                }
                set(i, m);
                i += 8;
                continue;
            }
        }
        let (word, end) = char_at(text, i);
        if word {
            set(i, (1u64 << (end - i)) - 1);
        }
        i = end;
    }
}

/// Whether byte `i` belongs to a word char.
#[inline(always)]
fn bit(bits: &[u64], i: usize) -> bool {
    bits[i / 64] >> (i % 64) & 1 != 0
}

/// The first byte at or after `i` that is not part of a word char (or `len`).
#[inline(always)]
fn run_end(bits: &[u64], i: usize, len: usize) -> usize {
    let mut w = i / 64;
    let x = !bits[w] >> (i % 64);
    if x != 0 {
        return (i + x.trailing_zeros() as usize).min(len);
    }
    loop {
        w += 1;
        match bits.get(w) {
            None => return len,
            Some(&b) if b != u64::MAX => return (w * 64 + (!b).trailing_zeros() as usize).min(len),
            Some(_) => {}
        }
    }
}

/// The end of the token starting at `i` (a word run or one char), and whether
/// it is a word, from the text's word bitmap.
#[inline(always)]
fn token_end(text: &str, bits: &[u64], i: usize) -> (usize, bool) {
    if bit(bits, i) {
        (run_end(bits, i, text.len()), true)
    } else {
        (char_at(text, i).1, false)
    }
}

/// Hash of a token. Word tokens get `| 0x20` on every byte when case-insensitive
/// (ASCII letters lowercase; other bytes change consistently on both sides,
/// and the final comparison is exact). Reads whole words of the token, the
/// last one overlapping, so no byte is copied.
#[inline(always)]
fn token_hash(b: &[u8], fold_case: bool) -> u64 {
    let fold = if fold_case { 0x2020_2020_2020_2020u64 } else { 0 };
    let n = b.len();
    let r8 = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes")) | fold;
    let r4 = |i: usize| u64::from(u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"))) | (fold >> 32);
    let mut h = (n as u64).wrapping_mul(K);
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            h = mix(h, r8(i));
            i += 8;
        }
        h = mix(h, r8(n - 8));
    } else if n >= 4 {
        h = mix(h, r4(0) << 32 | r4(n - 4));
    } else if n > 0 {
        let w = u64::from(b[0]) << 16 | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]);
        h = mix(h, w | (fold >> 40));
    }
    h ^ (h >> 29)
}

/// Open-addressing edge table: key (never 0) → child node; 0 marks an empty
/// slot. Grows by doubling at half load while the trie is built.
struct Table {
    keys: Vec<u64>,
    children: Vec<u32>,
    mask: usize,
    len: usize,
}

impl Table {
    fn new(slots: usize) -> Table {
        Table { keys: vec![0; slots], children: vec![0; slots], mask: slots - 1, len: 0 }
    }

    #[inline(always)]
    fn slot(&self, key: u64) -> usize {
        let mut slot = key as usize & self.mask;
        while self.keys[slot] != 0 && self.keys[slot] != key {
            slot = (slot + 1) & self.mask;
        }
        slot
    }

    #[inline(always)]
    fn get(&self, key: u64) -> Option<u32> {
        let slot = self.slot(key);
        (self.keys[slot] == key).then(|| self.children[slot])
    }

    fn insert(&mut self, key: u64, child: u32) {
        if (self.len + 1) * 2 > self.keys.len() {
            let old = std::mem::replace(self, Table::new(self.keys.len() * 2));
            for (i, &k) in old.keys.iter().enumerate().filter(|(_, &k)| k != 0) {
                self.insert(k, old.children[i]);
            }
        }
        let slot = self.slot(key);
        self.keys[slot] = key;
        self.children[slot] = child;
        self.len += 1;
    }
}

#[inline(always)]
fn mix(h: u64, w: u64) -> u64 {
    (h.rotate_left(23) ^ w).wrapping_mul(K)
}

/// The word and bit of the first-token filter for token hash `h`.
#[inline(always)]
fn root_bit(h: u64) -> (usize, u64) {
    let b = h >> (64 - ROOT_BITS);
    ((b / 64) as usize, 1 << (b % 64))
}

/// The edge key of token hash `h` out of `node`; never 0 (the empty mark).
#[inline(always)]
fn edge_key(node: u32, h: u64) -> u64 {
    let k = (h ^ (node as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93)).wrapping_mul(K);
    let k = k ^ (k >> 32);
    k.max(1)
}

impl WordTrie {
    /// The trie of `patterns` (folded surfaces, ASCII-lowercased when case-insensitive).
    pub fn build(patterns: &[&str], case_insensitive: bool) -> WordTrie {
        let mut edges = Table::new(1024);
        let mut bits = Vec::new();
        let mut node_count = 1u32;
        let mut ends_of: Vec<(u32, u32)> = Vec::new();
        let mut other_first = Vec::new();
        let mut root_words = vec![0u64; 1 << (ROOT_BITS - 6)];
        for (pid, p) in patterns.iter().enumerate() {
            // Tokenised exactly as texts are, through the word bitmap.
            word_bits(p, &mut bits);
            let mut node = ROOT;
            let mut i = 0;
            while i < p.len() {
                let (end, word) = token_end(p, &bits, i);
                let tok = &p.as_bytes()[i..end];
                let fold = word && case_insensitive;
                let h = token_hash(tok, fold);
                if node == ROOT {
                    if word {
                        let (w, bit) = root_bit(h);
                        root_words[w] |= bit;
                    } else if !other_first.contains(&tok[0]) {
                        other_first.push(tok[0]);
                    }
                }
                let key = edge_key(node, h);
                node = match edges.get(key) {
                    Some(child) => child,
                    None => {
                        edges.insert(key, node_count);
                        node_count += 1;
                        node_count - 1
                    }
                };
                i = end;
            }
            ends_of.push((node, pid as u32));
        }
        ends_of.sort_unstable();
        let mut end_starts = Vec::with_capacity(node_count as usize + 1);
        for (i, &(node, _)) in ends_of.iter().enumerate() {
            while end_starts.len() <= node as usize {
                end_starts.push(i as u32);
            }
        }
        end_starts.resize(node_count as usize + 1, ends_of.len() as u32);
        let ends = ends_of.into_iter().map(|(_, p)| p).collect();
        WordTrie { case_insensitive, edges, end_starts, ends, root_words, other_first }
    }

    /// Bit `i` of `out` set where byte `i` is one a non-word surface token
    /// starts with (such bytes are ASCII or UTF-8 lead bytes, so char starts).
    fn other_starts(&self, hay: &[u8], out: &mut Vec<u64>) {
        out.clear();
        if self.other_first.is_empty() {
            return;
        }
        out.resize(hay.len() / 64 + 1, 0);
        let mut set = |i: usize| out[i / 64] |= 1 << (i % 64);
        match self.other_first[..] {
            [a] => memchr::memchr_iter(a, hay).for_each(&mut set),
            [a, b] => memchr::memchr2_iter(a, b, hay).for_each(&mut set),
            [a, b, c] => memchr::memchr3_iter(a, b, c, hay).for_each(&mut set),
            _ => hay.iter().enumerate().filter(|(_, b)| self.other_first.contains(b)).for_each(|(i, _)| set(i)),
        }
    }

    #[inline(always)]
    fn child(&self, node: u32, h: u64) -> Option<u32> {
        self.edges.get(edge_key(node, h))
    }

    #[inline(always)]
    fn hash(&self, tok: &[u8], word: bool) -> u64 {
        token_hash(tok, word && self.case_insensitive)
    }

    /// Call `f(end, pattern)` for every whole-word match in `text` (the folded
    /// view): `surface(pattern)` equals the matched text, up to ASCII case when
    /// case-insensitive (candidates are checked here).
    #[inline(always)]
    pub fn each_match<'p>(
        &self,
        text: &str,
        scratch: &mut Scratch,
        surface: impl Fn(usize) -> &'p str,
        mut f: impl FnMut(usize, usize),
    ) {
        let hay = text.as_bytes();
        word_bits(text, &mut scratch.words);
        self.other_starts(hay, &mut scratch.others);
        let bits = &scratch.words[..];
        let mut carry = 0;
        for (w, &word) in bits.iter().enumerate() {
            // Word starts, and the (non-word) chars other surfaces start with.
            let mut starts = word & !(word << 1 | carry) | scratch.others.get(w).copied().unwrap_or(0) & !word;
            carry = word >> 63;
            while starts != 0 {
                let i = w * 64 + starts.trailing_zeros() as usize;
                starts &= starts - 1;
                let (end, is_word) = token_end(text, bits, i);
                let tok = &hay[i..end];
                let h = self.hash(tok, is_word);
                if is_word {
                    let (w, bit) = root_bit(h);
                    if self.root_words[w] & bit == 0 {
                        continue;
                    }
                }
                if let Some(node) = self.child(ROOT, h) {
                    self.walk(text, bits, &surface, i, end, node, &mut f);
                }
            }
        }
    }

    /// From `node`, reached by the tokens of `text[start..at]`, report the
    /// surfaces ending there and follow the next tokens while the trie has them.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn walk<'p>(
        &self,
        text: &str,
        bits: &[u64],
        surface: &impl Fn(usize) -> &'p str,
        start: usize,
        mut at: usize,
        mut node: u32,
        f: &mut impl FnMut(usize, usize),
    ) {
        let hay = text.as_bytes();
        loop {
            let (a, b) = (self.end_starts[node as usize] as usize, self.end_starts[node as usize + 1] as usize);
            for &p in &self.ends[a..b] {
                let want = surface(p as usize).as_bytes();
                let found = &hay[start..at];
                let equal = if self.case_insensitive { found.eq_ignore_ascii_case(want) } else { found == want };
                if equal {
                    f(at, p as usize);
                }
            }
            if at >= hay.len() {
                return;
            }
            let (end, word) = token_end(text, bits, at);
            match self.child(node, self.hash(&hay[at..end], word)) {
                Some(next) => {
                    node = next;
                    at = end;
                }
                None => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(patterns: &[&str], ci: bool, text: &str) -> Vec<(usize, usize, usize)> {
        let trie = WordTrie::build(patterns, ci);
        let mut out = Vec::new();
        trie.each_match(text, &mut Scratch::new(), |p| patterns[p], |e, p| out.push((e - patterns[p].len(), e, p)));
        out.sort_unstable();
        out
    }

    #[test]
    fn whole_words_only_in_any_script() {
        let p = ["kyiv", "ukraine", "armed forces of ukraine", "зсу", "u.s.", "-"];
        let text = "Kyiv, Kyivstar, UKRAINE's Armed Forces of Ukraine; ЗСУ зсу зсуx U.S. x-y";
        let got: Vec<&str> = matches(&p, true, text).iter().map(|&(s, e, _)| &text[s..e]).collect();
        assert_eq!(got, ["Kyiv", "UKRAINE", "Armed Forces of Ukraine", "Ukraine", "зсу", "U.S.", "-"]);
    }

    #[test]
    fn case_sensitive_compares_bytes() {
        let got = matches(&["US", "Kyiv"], false, "US us Kyiv KYIV");
        assert_eq!(got, [(0, 2, 0), (6, 10, 1)]);
    }

    #[test]
    fn overlapping_surfaces_at_one_start_are_all_reported() {
        let got =
            matches(&["general staff", "general", "general staff of ukraine"], true, "the General Staff of Ukraine");
        assert_eq!(got, [(4, 11, 1), (4, 17, 0), (4, 28, 2)]);
    }

    #[test]
    fn combining_marks_and_non_ascii_words() {
        // "é" written as e + U+0301 is one word with its mark.
        let text = "Cafe\u{301} cafe";
        let got = matches(&["cafe"], true, text);
        assert_eq!(got, [(7, 11, 0)]);
    }
}
