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
//! A surface is looked up from its rarest-looking word, its *anchor*: the
//! longest word that is not a common function word ("the Kremlin" from
//! "kremlin", "in a statement" from "statement", "-year-old" from "year").
//! Half the words of English text are function words, and surfaces starting
//! with "the", "in" or "a" made every one of them a walk into the trie. The
//! tokens after the anchor are walked in the trie; the bytes before it are
//! checked with the final comparison, which covers the whole surface, and the
//! match must start at a token boundary.
//!
//! Hashes only guide the walk, and exactly: the scan computes the same keys
//! from the same tokens as the build, so it reaches the node of every surface
//! the text spells, and every surface listed at a node is compared with the
//! text byte for byte. A hash collision can only merge two edges (and cost a
//! comparison), never lose or invent a match.
//!
//! Most first tokens are words of up to eight bytes, one machine word: those
//! are looked up by their bytes in a table of their own (`Root`), which
//! compares them exactly. A surface that is such a word alone (most
//! surfaces: "Kyiv", "killed", "tanks") is then found without an end list or
//! a comparison with the surface.

use std::ops::ControlFlow;

use foldhash::HashMap;

use super::group::is_word_char;
use crate::swar;

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
/// Bits of the filter of edges past the root (16 KB).
const EDGE_BITS: u32 = 17;

/// Frequent English function words, never a surface's anchor while it has
/// another word. Only the speed depends on this list, not what is found.
const COMMON_WORDS: [&str; 40] = [
    "a", "an", "the", "of", "in", "on", "at", "to", "by", "for", "with", "from", "into", "as", "is", "are", "was",
    "were", "be", "been", "and", "or", "but", "s", "it", "its", "that", "this", "will", "would", "could", "has",
    "have", "had", "not", "who", "which", "out", "up", "no",
];

/// Byte offset of the anchor of a surface (see the module docs): its word
/// token with the most chars that is not a common word, the first on a tie;
/// 0 when it has no word.
fn anchor(p: &str, bits: &[u64]) -> usize {
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < p.len() {
        let (end, word) = token_end(p, bits, i);
        if word {
            let w = &p[i..end];
            let weight = if COMMON_WORDS.iter().any(|c| c.eq_ignore_ascii_case(w)) { 0 } else { w.chars().count() };
            if best.is_none_or(|(_, most)| weight > most) {
                best = Some((i, weight));
            }
        }
        i = end;
    }
    best.map_or(0, |(at, _)| at)
}

/// Per-thread scratch space of [`WordTrie::each_match`].
pub(crate) struct Scratch {
    /// Bytes of word chars.
    words: Vec<u64>,
    /// Bytes a non-word surface token may start at.
    others: Vec<u64>,
    /// Words that passed the first-token filter: (start, end).
    passed: Vec<(usize, usize)>,
    /// Where the filter holds passing words before copying them to `passed`
    /// (made once: zeroing it per text cost more than the copies).
    held: Option<Box<[(usize, usize); HELD]>>,
}

impl Scratch {
    pub const fn new() -> Scratch {
        Scratch { words: Vec::new(), others: Vec::new(), passed: Vec::new(), held: None }
    }
}

/// Passing words the first-token filter holds at most (see [`Scratch::held`]).
const HELD: usize = 256;

pub(crate) struct WordTrie {
    /// Word tokens are compared ASCII case-insensitively.
    case_insensitive: bool,
    /// (node, token) edges by key → child node.
    edges: Table,
    /// Surfaces spelled by the path to node `n`: `ends[end_starts[n]..end_starts[n + 1]]`.
    end_starts: Vec<u32>,
    ends: Vec<End>,
    /// One bit per [`filter_key`] of a first word token: most words of a
    /// text are no surface's first token and are ruled out here without the
    /// edge table.
    root_words: Box<[u64; 1 << (ROOT_BITS - 6)]>,
    /// The first word tokens of up to eight bytes, by their bytes (see
    /// [`Root`]), in an open-addressed table; `roots.len() - 1` is its mask.
    roots: Vec<Root>,
    /// One bit per edge key out of a node other than the root: most steps
    /// past an anchor lead nowhere, and are ruled out here (16 KB, in the
    /// first-level cache) without a probe of the edge table.
    deep_edges: Box<[u64; 1 << (EDGE_BITS - 6)]>,
    /// First bytes of the single-char tokens that begin some surface.
    other_first: Vec<u8>,
    /// The surfaces (ASCII-lowercased when case-insensitive), one after the
    /// other. Kept here rather than read through the lexicons, so that
    /// checking a candidate touches two arrays and no scattered strings.
    surfaces: String,
}

/// A surface that ends at a node, with what checking it takes, in one record
/// (a walk reads the records of a node one after the other).
#[derive(Clone, Copy, Debug)]
struct End {
    pattern: u32,
    /// `surfaces[at..at + len]` is the surface.
    at: u32,
    len: u32,
    /// Byte offset of its anchor (0: looked up from its first token).
    back: u32,
}

/// A first word token of up to eight bytes: looked up by its bytes, which the
/// lookup compares (so it needs no hash of the token, no edge probe, and for a
/// surface that is the token alone, no comparison with the surface).
#[derive(Clone, Copy, Debug, Default)]
struct Root {
    /// The token's bytes (lowercase when case-insensitive), NUL-padded.
    token: u64,
    /// Its length (0: an empty slot).
    len: u32,
    /// The root's child by the token, with its flags.
    node: u32,
    /// The surface that is the token alone, if any, else [`NO_PATTERN`]: it
    /// is reported here and is in no end list.
    pattern: u32,
}

/// No surface (see [`Root::pattern`]).
const NO_PATTERN: u32 = u32::MAX;

/// The longest first token kept in [`WordTrie::roots`].
const ROOT_TOKEN: usize = 8;

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
/// 64 bytes classified at a time ([`swar::classify`]), chars decoded only
/// where a byte is not ASCII. Tokens are then found with bit operations, so
/// word ends cost no mispredicted branch per byte.
pub(crate) fn word_bits(text: &str, bits: &mut Vec<u64>) {
    let b = text.as_bytes();
    bits.clear();
    bits.resize(b.len() / 64 + 2, 0);
    // Chars are decoded from here on: the bytes before it in a block continue
    // a char that began in the block before.
    let mut next = 0;
    for (k, chunk) in b.chunks(64).enumerate() {
        let c = match <&[u8; 64]>::try_from(chunk) {
            Ok(v) => swar::classify(v),
            Err(_) => swar::classify(&swar::padded(chunk)),
        };
        bits[k] |= c.alnum;
        let base = 64 * k;
        let mut high = c.high & u64::MAX.checked_shl((next.max(base) - base) as u32).unwrap_or(0);
        while high != 0 {
            let i = base + high.trailing_zeros() as usize;
            let (word, end) = char_at(text, i);
            if word {
                // A char of up to four bytes, perhaps running into the next word of bits.
                let m = (1u64 << (end - i)) - 1;
                bits[k] |= m << (i % 64);
                if i % 64 > 60 {
                    bits[k + 1] |= m >> (64 - i % 64);
                }
            }
            next = end;
            high &= u64::MAX.checked_shl((end - base) as u32).unwrap_or(0);
        }
    }
}

/// Whether byte `i` belongs to a word char.
#[inline(always)]
fn bit(bits: &[u64], i: usize) -> bool {
    bits[i / 64] >> (i % 64) & 1 != 0
}

/// Set bit `i` of a bitmap.
#[inline(always)]
fn set_bit(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

/// The bit of [`WordTrie::deep_edges`] for edge key `key`.
#[inline(always)]
fn deep_bit(key: u32) -> usize {
    (key >> (32 - EDGE_BITS)) as usize
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

/// Where the step of a walk at `at` ends, and its hash: a single space and
/// the token after it make one step, so the space between two words costs no
/// edge of its own; any other token is a step alone. Surfaces (which neither
/// start nor end with a space) and texts split into the same steps.
#[inline(always)]
fn step(text: &str, bits: &[u64], at: usize, case_insensitive: bool) -> (usize, u64) {
    let hay = text.as_bytes();
    let spaced = hay[at] == b' ' && at + 1 < hay.len();
    let from = at + usize::from(spaced);
    let (end, word) = token_end(text, bits, from);
    let h = token_hash(hay, from, end, word && case_insensitive);
    (end, if spaced { h ^ SPACED } else { h })
}

/// `KEEP[n]` keeps the first `n` bytes of a word (a load, where computing
/// it took two shifts by a variable count, three micro-ops each on x86).
const KEEP: [u64; 9] = {
    let mut t = [0u64; 9];
    let mut n = 1;
    while n <= 8 {
        t[n] = u64::MAX >> (64 - 8 * n);
        n += 1;
    }
    t
};

/// Mixed into the hash of a step that starts with a space.
const SPACED: u64 = 0x5851_F42D_4C95_7F2D;

/// Hash of the token `hay[from..end]`. Word tokens get `| 0x20` on every
/// byte when case-insensitive (ASCII letters lowercase; other bytes change
/// consistently on both sides, and the final comparison is exact). A token of
/// up to eight bytes is one load, masked to its length (most words: the
/// bytes after it are read but masked off, or copied when the text ends);
/// longer ones are read in whole words, the last one overlapping.
#[inline(always)]
fn token_hash(hay: &[u8], from: usize, end: usize, fold_case: bool) -> u64 {
    let fold = if fold_case { 0x2020_2020_2020_2020u64 } else { 0 };
    let n = end - from;
    let h = (n as u64).wrapping_mul(K);
    let h = if n <= 8 {
        debug_assert!(n > 0, "tokens are never empty");
        let keep = KEEP[n];
        let x = swar::load(hay, from).unwrap_or_else(|| u64::from_le_bytes(swar::padded(&hay[from..end])));
        mix(h, (x | fold) & keep)
    } else {
        let b = &hay[from..end];
        let r8 = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes")) | fold;
        let mut h = h;
        let mut i = 0;
        while i + 8 < n {
            h = mix(h, r8(i));
            i += 8;
        }
        mix(h, r8(n - 8))
    };
    h ^ (h >> 29)
}

/// Open-addressing edge table. A slot packs the key's tag (its high 32 bits,
/// never 0) and the child node in one word, so a probe touches one cache line;
/// 0 marks an empty slot. The tag also picks the first slot, so the table can
/// grow (doubling at half load while the trie is built) from what it stores.
/// Two keys with one tag share an edge: that merges two paths of the trie,
/// which costs comparisons but loses nothing (see the module docs).
struct Table {
    slots: Vec<u64>,
    mask: usize,
    len: usize,
}

/// Bit of a child id set when surfaces end at the child (so a walk reads the
/// end lists only where there are some).
const HAS_ENDS: u32 = 1 << 31;
/// Bit of a child id set when the child has children of its own (so a walk
/// hashes the next token only where some surface goes on).
const HAS_CHILDREN: u32 = 1 << 30;
/// The node id without its flags.
const NODE: u32 = !(HAS_ENDS | HAS_CHILDREN);

impl Table {
    fn new(slots: usize) -> Table {
        Table { slots: vec![0; slots], mask: slots - 1, len: 0 }
    }

    /// The slot holding `tag`, or the empty slot where it would go.
    #[inline(always)]
    fn slot(&self, tag: u32) -> usize {
        let mut slot = tag as usize & self.mask;
        loop {
            let e = self.slots[slot];
            if e == 0 || (e >> 32) as u32 == tag {
                return slot;
            }
            slot = (slot + 1) & self.mask;
        }
    }

    #[inline(always)]
    fn get(&self, tag: u32) -> Option<u32> {
        let e = self.slots[self.slot(tag)];
        (e != 0).then_some(e as u32)
    }

    fn insert(&mut self, tag: u32, child: u32) {
        if (self.len + 1) * 2 > self.slots.len() {
            let old = std::mem::replace(self, Table::new(self.slots.len() * 2));
            for &e in old.slots.iter().filter(|&&e| e != 0) {
                self.insert((e >> 32) as u32, e as u32);
            }
        }
        let slot = self.slot(tag);
        self.slots[slot] = u64::from(tag) << 32 | u64::from(child);
        self.len += 1;
    }

    /// Give every child its flags: `flags(child)` is the child with them.
    fn flag(&mut self, flags: impl Fn(u32) -> u32) {
        for e in self.slots.iter_mut().filter(|e| **e != 0) {
            *e = *e >> 32 << 32 | u64::from(flags(*e as u32 & NODE));
        }
    }
}

/// Whether `found` equals `want` (as long), up to ASCII case when `fold_case`
/// (then `want` is lowercase): eight bytes at a time, the last load
/// overlapping, instead of a byte loop. The text's bytes are not lowercased:
/// they are or-ed with the surface's [`letter_case`] mask, which makes either
/// case of its letters match and leaves its other bytes to match exactly.
#[inline(always)]
fn same(found: &[u8], want: &[u8], fold_case: bool) -> bool {
    let n = want.len();
    debug_assert_eq!(found.len(), n);
    let eq = |f: u64, w: u64| f | if fold_case { letter_case(w) } else { 0 } == w;
    let r8 = |b: &[u8], i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
    let r4 = |b: &[u8], i: usize| u64::from(u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes")));
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if !eq(r8(found, i), r8(want, i)) {
                return false;
            }
            i += 8;
        }
        eq(r8(found, n - 8), r8(want, n - 8))
    } else if n >= 4 {
        let r = |b: &[u8]| r4(b, 0) | r4(b, n - 4) << 32;
        eq(r(found), r(want))
    } else if fold_case {
        found.eq_ignore_ascii_case(want)
    } else {
        found == want
    }
}

#[inline(always)]
fn mix(h: u64, w: u64) -> u64 {
    (h.rotate_left(23) ^ w).wrapping_mul(K)
}

/// The bit of the first-token filter for the word `hay[from..end]`: a hash
/// of its length and first eight bytes (case-folded like [`token_hash`]).
/// Cheaper than the token's hash, and enough to rule out most words; the
/// hash is computed for the few that pass.
#[inline(always)]
fn filter_key(hay: &[u8], from: usize, end: usize, fold_case: bool) -> usize {
    let x = swar::load(hay, from).unwrap_or_else(|| u64::from_le_bytes(swar::padded(&hay[from..end.min(from + 8)])));
    (root_hash_of(x, end - from, fold_case) >> (64 - ROOT_BITS)) as usize
}

/// [`filter_key`] of a word of `n` bytes whose first eight (and what follows,
/// masked off here) are `x`.
#[inline(always)]
fn key_of<const FOLD_CASE: bool>(x: u64, n: usize) -> usize {
    (root_hash::<FOLD_CASE>(x, n) >> (64 - ROOT_BITS)) as usize
}

/// The hash behind [`key_of`], whose high bits also pick a word's first slot
/// in [`WordTrie::roots`].
#[inline(always)]
fn root_hash<const FOLD_CASE: bool>(x: u64, n: usize) -> u64 {
    let fold = if FOLD_CASE { 0x2020_2020_2020_2020u64 } else { 0 };
    let keep = KEEP[n.min(8)];
    ((x | fold) & keep).wrapping_add(n as u64).wrapping_mul(K)
}

/// [`root_hash`] with the case setting known at run time.
#[inline(always)]
fn root_hash_of(x: u64, n: usize, case_insensitive: bool) -> u64 {
    if case_insensitive {
        root_hash::<true>(x, n)
    } else {
        root_hash::<false>(x, n)
    }
}

/// 0x20 at the ASCII lowercase letters of `x`, else 0: or-ed into a text's
/// bytes, it makes either case of them match the lowercase ones.
#[inline(always)]
fn letter_case(x: u64) -> u64 {
    swar::in_range(x, x & !swar::HIGH, b'a', b'z') >> 2
}

/// The edge tag of token hash `h` out of `node`; never 0 (the empty mark).
#[inline(always)]
fn edge_key(node: u32, h: u64) -> u32 {
    let k = (h ^ (node as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93)).wrapping_mul(K);
    ((k >> 32) as u32).max(1)
}

impl WordTrie {
    /// The trie of `patterns` (folded surfaces, ASCII-lowercased when case-insensitive).
    pub fn build(patterns: &[&str], case_insensitive: bool) -> WordTrie {
        let mut edges = Table::new(1024);
        let mut bits = Vec::new();
        let mut node_count = 1u32;
        let mut parents = vec![false];
        let mut ends_of: Vec<(u32, End)> = Vec::new();
        let mut other_first = Vec::new();
        let mut root_words = Box::new([0u64; 1 << (ROOT_BITS - 6)]);
        let mut deep_edges = Box::new([0u64; 1 << (EDGE_BITS - 6)]);
        // First word tokens of up to eight bytes (bytes, length) → (the
        // root's child by them, the surface that is the token alone).
        let mut firsts: HashMap<(u64, u32), (u32, u32)> = HashMap::default();
        let mut at = 0u32;
        for (pid, p) in patterns.iter().enumerate() {
            // Tokenised exactly as texts are, through the word bitmap.
            word_bits(p, &mut bits);
            debug_assert!(!p.starts_with(' ') && !p.ends_with(' '), "surfaces are trimmed: {p:?}");
            let mut node = ROOT;
            let mut i = anchor(p, &bits);
            let end = End { pattern: pid as u32, at, len: p.len() as u32, back: i as u32 };
            at = at.checked_add(end.len).expect("a word trie's surfaces hold fewer than 4 GB");
            let mut first = None;
            while i < p.len() {
                let (end, h) = step(p, &bits, i, case_insensitive);
                let from_root = node == ROOT;
                if from_root {
                    if bit(&bits, i) {
                        let k = filter_key(p.as_bytes(), i, end, case_insensitive);
                        set_bit(&mut root_words[..], k);
                        if end - i <= ROOT_TOKEN {
                            let token = u64::from_le_bytes(swar::padded(&p.as_bytes()[i..end]));
                            first = Some((if case_insensitive { swar::lower(token) } else { token }, (end - i) as u32));
                        }
                    } else if !other_first.contains(&p.as_bytes()[i]) {
                        other_first.push(p.as_bytes()[i]);
                    }
                }
                let key = edge_key(node, h);
                if node != ROOT {
                    set_bit(&mut deep_edges[..], deep_bit(key));
                }
                node = match edges.get(key) {
                    Some(child) => child,
                    None => {
                        edges.insert(key, node_count);
                        parents[node as usize] = true;
                        parents.push(false);
                        node_count += 1;
                        node_count - 1
                    }
                };
                if let Some(token) = first.filter(|_| from_root) {
                    firsts.entry(token).or_insert((node, NO_PATTERN));
                }
                i = end;
            }
            match first {
                // The token alone: found by its root entry, in no end list.
                Some(token) if end.back == 0 && token.1 == end.len => {
                    firsts.get_mut(&token).expect("entered above").1 = pid as u32;
                }
                _ => ends_of.push((node, end)),
            }
        }
        assert!(node_count < HAS_CHILDREN, "a word trie holds fewer than 2^30 nodes");
        ends_of.sort_unstable_by_key(|&(node, end)| (node, end.pattern));
        let mut end_starts = Vec::with_capacity(node_count as usize + 1);
        for (i, &(node, _)) in ends_of.iter().enumerate() {
            while end_starts.len() <= node as usize {
                end_starts.push(i as u32);
            }
        }
        end_starts.resize(node_count as usize + 1, ends_of.len() as u32);
        let ends = ends_of.into_iter().map(|(_, end)| end).collect();
        let flags = |n: u32| {
            let ends = if end_starts[n as usize] < end_starts[n as usize + 1] { HAS_ENDS } else { 0 };
            n | ends | if parents[n as usize] { HAS_CHILDREN } else { 0 }
        };
        let mut roots = vec![Root::default(); (2 * firsts.len().max(8)).next_power_of_two()];
        let root_bits = roots.len().trailing_zeros();
        // In a fixed order, so that the table is the same in every run.
        let mut firsts: Vec<_> = firsts.into_iter().collect();
        firsts.sort_unstable();
        for ((token, len), (node, pattern)) in firsts {
            let mut slot = (root_hash_of(token, len as usize, case_insensitive) >> (64 - root_bits)) as usize;
            while roots[slot].len != 0 {
                slot = (slot + 1) & (roots.len() - 1);
            }
            roots[slot] = Root { token, len, node: flags(node), pattern };
        }
        edges.flag(flags);
        let mut surfaces = patterns.concat();
        if case_insensitive {
            surfaces.make_ascii_lowercase();
        }
        WordTrie { case_insensitive, edges, end_starts, ends, root_words, roots, deep_edges, other_first, surfaces }
    }

    /// Bit `i` of `out` set where byte `i` is one a non-word surface token
    /// starts with (such bytes are ASCII or UTF-8 lead bytes, so char starts).
    fn other_starts(&self, hay: &[u8], out: &mut Vec<u64>) {
        out.clear();
        if self.other_first.is_empty() {
            return;
        }
        out.resize(hay.len() / 64 + 1, 0);
        let mut set = |i: usize| set_bit(out, i);
        match self.other_first[..] {
            [a] => memchr::memchr_iter(a, hay).for_each(&mut set),
            [a, b] => memchr::memchr2_iter(a, b, hay).for_each(&mut set),
            [a, b, c] => memchr::memchr3_iter(a, b, c, hay).for_each(&mut set),
            _ => hay.iter().enumerate().filter(|(_, b)| self.other_first.contains(b)).for_each(|(i, _)| set(i)),
        }
    }

    /// The root entry of the word of `n` bytes (at most [`ROOT_TOKEN`])
    /// whose first eight bytes (and what follows, masked off) are `x`.
    #[inline(always)]
    fn root(&self, x: u64, n: usize) -> Option<&Root> {
        let mask = self.roots.len() - 1;
        let mut slot = (root_hash_of(x, n, self.case_insensitive) >> (64 - mask.count_ones())) as usize;
        let x = x & KEEP[n];
        loop {
            let r = &self.roots[slot];
            if r.len == 0 {
                return None;
            }
            let case = if self.case_insensitive { letter_case(r.token) } else { 0 };
            if r.len as usize == n && x | case == r.token {
                return Some(r);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The child of `node` (without its flags) by a step hashed `h`, with its flags.
    #[inline(always)]
    fn child(&self, node: u32, h: u64) -> Option<u32> {
        self.edges.get(edge_key(node & NODE, h))
    }

    /// The words of `text` that pass the first-token filter, as (start,
    /// end), in order. Most words are no surface's first token, and which
    /// ones pass is unpredictable: so every word is keyed and filtered
    /// without a branch, in a loop of its own (few enough live values to stay
    /// in registers), and only the few that pass are hashed and looked up.
    #[inline(never)]
    fn passing_words(
        &self,
        hay: &[u8],
        bits: &[u64],
        held: &mut Option<Box<[(usize, usize); HELD]>>,
        out: &mut Vec<(usize, usize)>,
    ) {
        out.clear();
        let held = held.get_or_insert_with(|| Box::new([(0, 0); HELD]));
        if self.case_insensitive {
            self.passing::<true>(hay, bits, held, out);
        } else {
            self.passing::<false>(hay, bits, held, out);
        }
    }

    /// [`passing_words`](Self::passing_words) with the case setting fixed.
    #[inline(always)]
    fn passing<const FOLD_CASE: bool>(
        &self,
        hay: &[u8],
        bits: &[u64],
        held: &mut [(usize, usize); HELD],
        out: &mut Vec<(usize, usize)>,
    ) {
        let mut carry = 0;
        // The words that pass, held here and copied to `out` a few blocks at
        // a time (a copy per block cost more than the block's few words). A
        // block adds at most 64, so the words held never reach `HELD`.
        let mut n = 0;
        for (w, &word) in bits.iter().enumerate() {
            let mut words = word & !(word << 1 | carry);
            carry = word >> 63;
            let base = w * 64;
            if words == 0 {
                continue;
            }
            // The block's bytes and the eight after it: a word's first eight
            // bytes are read from here without a bounds test. The text's last
            // block or two lack them, and are read from a NUL-padded copy.
            let padded: [u8; 72];
            let chunk: &[u8; 72] = match hay.get(base..base + 72) {
                Some(chunk) => chunk.try_into().expect("72 bytes"),
                None => {
                    padded = swar::padded(hay.get(base..).unwrap_or_default());
                    &padded
                }
            };
            // A word's end is found in `!word` unless it runs on into the next block.
            let not_word = !word;
            while words != 0 {
                let at = words.trailing_zeros() as usize;
                words &= words - 1;
                let x = not_word >> at;
                let len =
                    if x != 0 { x.trailing_zeros() as usize } else { run_end(bits, base + at, hay.len()) - base - at };
                let v = u64::from_le_bytes(chunk[at..at + 8].try_into().expect("8 bytes"));
                let k = key_of::<FOLD_CASE>(v, len);
                held[n % HELD] = (base + at, base + at + len);
                n += usize::from(bit(&self.root_words[..], k));
            }
            if n > HELD - 64 {
                out.extend_from_slice(&held[..n]);
                n = 0;
            }
        }
        out.extend_from_slice(&held[..n]);
    }

    /// Call `f(start, end, pattern)` for every whole-word match in `text` (the
    /// folded view), until it breaks: first those found from word starts, then
    /// those from other chars, each in order of the anchor's position. The
    /// surface `pattern` equals the matched text, up to ASCII case when
    /// case-insensitive (candidates are checked here).
    #[inline(always)]
    pub fn each_match(
        &self,
        text: &str,
        scratch: &mut Scratch,
        mut f: impl FnMut(usize, usize, usize) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let hay = text.as_bytes();
        word_bits(text, &mut scratch.words);
        let bits = &scratch.words[..];
        // Word starts: the step is the word alone (no space before it).
        self.passing_words(hay, bits, &mut scratch.held, &mut scratch.passed);
        self.walk_words(text, bits, &scratch.passed, &mut f)?;
        self.other_starts(hay, &mut scratch.others);
        // The (non-word) chars other surfaces start with (none, for most tries).
        for (w, (&other, &word)) in scratch.others.iter().zip(bits).enumerate() {
            let mut others = other & !word;
            while others != 0 {
                let i = w * 64 + others.trailing_zeros() as usize;
                others &= others - 1;
                let (end, h) = step(text, bits, i, self.case_insensitive);
                if let Some(node) = self.child(ROOT, h) {
                    self.walk(text, bits, i, end, node, &mut f)?;
                }
            }
        }
        ControlFlow::Continue(())
    }

    /// [`walk`](Self::walk) from each of the `words` (start, end) that is a
    /// first token: one call for all, so that what a walk reads of the trie
    /// and of `f` is loaded once per text, not once per word.
    #[inline(never)]
    fn walk_words(
        &self,
        text: &str,
        bits: &[u64],
        words: &[(usize, usize)],
        f: &mut impl FnMut(usize, usize, usize) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let hay = text.as_bytes();
        for &(i, end) in words {
            let n = end - i;
            if n <= ROOT_TOKEN {
                let x = swar::load(hay, i).unwrap_or_else(|| u64::from_le_bytes(swar::padded(&hay[i..end])));
                let Some(root) = self.root(x, n) else { continue };
                if root.pattern != NO_PATTERN {
                    f(i, end, root.pattern as usize)?;
                }
                self.walk(text, bits, i, end, root.node, f)?;
            } else {
                let h = token_hash(hay, i, end, self.case_insensitive);
                if let Some(node) = self.child(ROOT, h) {
                    self.walk(text, bits, i, end, node, f)?;
                }
            }
        }
        ControlFlow::Continue(())
    }

    /// From `node`, reached by the tokens of `text[root..at]` (a surface's
    /// anchor and what follows it), report the surfaces ending there and
    /// follow the next tokens while the trie has them.
    #[inline(always)]
    fn walk(
        &self,
        text: &str,
        bits: &[u64],
        root: usize,
        mut at: usize,
        mut node: u32,
        f: &mut impl FnMut(usize, usize, usize) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let hay = text.as_bytes();
        loop {
            if node & HAS_ENDS != 0 {
                let n = (node & NODE) as usize;
                let (a, b) = (self.end_starts[n] as usize, self.end_starts[n + 1] as usize);
                for end in &self.ends[a..b] {
                    let back = end.back as usize;
                    let Some(start) = root.checked_sub(back) else { continue };
                    if start + end.len as usize != at {
                        continue;
                    }
                    let surface = &self.surfaces.as_bytes()[end.at as usize..(end.at + end.len) as usize];
                    let equal = same(&hay[start..at], surface, self.case_insensitive);
                    // Bytes before the anchor: the match starts a token.
                    if equal && (back == 0 || start == 0 || !(bit(bits, start) && bit(bits, start - 1))) {
                        f(start, at, end.pattern as usize)?;
                    }
                }
            }
            if node & HAS_CHILDREN == 0 || at >= hay.len() {
                return ControlFlow::Continue(());
            }
            let (end, h) = step(text, bits, at, self.case_insensitive);
            let key = edge_key(node & NODE, h);
            if !bit(&self.deep_edges[..], deep_bit(key)) {
                return ControlFlow::Continue(());
            }
            match self.edges.get(key) {
                Some(next) => {
                    node = next;
                    at = end;
                }
                None => return ControlFlow::Continue(()),
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
        let _ = trie.each_match(text, &mut Scratch::new(), |s, e, p| {
            assert_eq!(e - s, patterns[p].len(), "the span is the surface's");
            out.push((s, e, p));
            ControlFlow::Continue(())
        });
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
    fn same_agrees_with_the_byte_comparison() {
        let pool: Vec<u8> = "aZ@[`{ 09ÀàЗз'-".bytes().collect();
        let mut seed = 7u64;
        for n in 0..24 {
            for _ in 0..400 {
                let mut pick = || {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    pool[(seed >> 33) as usize % pool.len()]
                };
                let found: Vec<u8> = (0..n).map(|_| pick()).collect();
                // Mostly near-equal pairs: the same bytes in other case, one byte changed.
                let mut want = found.to_ascii_lowercase();
                if n > 0 && pick() % 3 == 0 {
                    let k = pick() as usize % n;
                    want[k] = pick();
                }
                let lower = want.to_ascii_lowercase();
                assert_eq!(same(&found, &lower, true), found.eq_ignore_ascii_case(&lower), "{found:?} {lower:?}");
                assert_eq!(same(&found, &want, false), found == want, "{found:?} {want:?}");
            }
        }
    }

    /// A token's hash is the same wherever it stands: mid-text (one load,
    /// masked), at the very end (copied into a padded word), or as a whole
    /// surface; and the bytes after it never change it.
    #[test]
    fn token_hash_ignores_what_follows() {
        let word = "Abcdefghijklmnopqrstu";
        for n in 1..word.len() {
            let token = &word[..n];
            for fold in [false, true] {
                let alone = token_hash(token.as_bytes(), 0, n, fold);
                for tail in ["", " ", "xyz", "\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}", "ZZZZZZZZZZZZ"] {
                    let text = format!("..{token}{tail}");
                    assert_eq!(token_hash(text.as_bytes(), 2, 2 + n, fold), alone, "{token:?} before {tail:?}");
                }
                let other = token_hash(&word.as_bytes()[1..=n], 0, n, fold);
                assert_ne!(other, alone, "{token:?}: a different token of the same length");
            }
        }
    }

    /// The block-wise bitmap is the char-by-char definition: a multi-byte
    /// char at every offset across block edges, word chars or not, at the
    /// text's end and before it.
    #[test]
    fn word_bits_agree_with_a_char_walk() {
        let naive = |text: &str| {
            let mut bits = vec![0u64; text.len() / 64 + 2];
            for (i, c) in text.char_indices() {
                if is_word_char(c) {
                    (i..i + c.len_utf8()).for_each(|j| bits[j / 64] |= 1 << (j % 64));
                }
            }
            bits
        };
        let mut bits = Vec::new();
        for c in ['é', 'ж', '’', '€', '𝐀', '😀', '\u{301}', 'a', '-'] {
            for at in 0..140 {
                for len in [at + c.len_utf8(), at + c.len_utf8() + 1, 130, 200] {
                    let mut text: String = "ab c1 ".chars().cycle().take(at).collect();
                    text.push(c);
                    while text.len() < len {
                        text.push(if text.len().is_multiple_of(5) { ' ' } else { 'Z' });
                    }
                    word_bits(&text, &mut bits);
                    assert_eq!(bits, naive(&text), "{c:?} at {at} in {} bytes", text.len());
                }
            }
        }
    }

    /// Short first tokens are looked up by their bytes with ASCII letters
    /// folded: bytes that differ only in 0x20 elsewhere (here a UTF-8
    /// continuation byte: Р is D0 A0, Ѐ is D0 80)
    /// hash alike but must not match.
    #[test]
    fn short_tokens_fold_only_ascii_letters() {
        let p = ["р1", "Р2", "kyiv"];
        let text = "Ѐ2 Р2 р1 ѐ1 KyIv kYiV1 Р2x";
        let got: Vec<&str> = matches(&p, true, text).iter().map(|&(s, e, _)| &text[s..e]).collect();
        assert_eq!(got, ["Р2", "р1", "KyIv"]);
        let got: Vec<&str> = matches(&p, false, text).iter().map(|&(s, e, _)| &text[s..e]).collect();
        assert_eq!(got, ["Р2", "р1"]);
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
    fn surfaces_found_from_a_later_word_start_a_token() {
        let p = ["the kremlin", "kremlin", "in a statement", "-year-old", "\"irreversible\" losses", "the un"];
        let trie = WordTrie::build(&p, true);
        // A surface that is one short word is found by its root entry, from its start.
        let alone = trie.roots.iter().filter(|r| r.len != 0 && r.pattern != NO_PATTERN).map(|r| (r.pattern, 0));
        let mut anchors = trie.ends.iter().map(|e| (e.pattern, e.back)).chain(alone).collect::<Vec<_>>();
        anchors.sort_unstable();
        assert_eq!(anchors, [(0, 4), (1, 0), (2, 5), (3, 1), (4, 1), (5, 4)]);
        let text = "Kremlin: the Kremlin, xthe kremlin, the the KREMLIN in a statement, a 5-year-old \
                    \"irreversible\" losses; the un, theun";
        let got: Vec<(&str, usize)> = matches(&p, true, text).iter().map(|&(s, e, p)| (&text[s..e], p)).collect();
        assert_eq!(
            got,
            [
                ("Kremlin", 1),
                ("the Kremlin", 0),
                ("Kremlin", 1),
                ("kremlin", 1),
                ("the KREMLIN", 0),
                ("KREMLIN", 1),
                ("in a statement", 2),
                ("-year-old", 3),
                ("\"irreversible\" losses", 4),
                ("the un", 5)
            ]
        );
        // The anchor at the very start of the text: nothing before it to compare.
        assert_eq!(matches(&p, true, "kremlin"), [(0, 7, 1)]);
    }

    #[test]
    fn combining_marks_and_non_ascii_words() {
        // "é" written as e + U+0301 is one word with its mark.
        let text = "Cafe\u{301} cafe";
        let got = matches(&["cafe"], true, text);
        assert_eq!(got, [(7, 11, 0)]);
    }
}
