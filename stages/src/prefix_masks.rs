//! Which word starts may begin one of a set of phrases, by their first four
//! bytes: the filter the numbers and dates scanners ask at every word start
//! (through [`crate::swar::Starts`]), so it must cost a few instructions.
//!
//! `masks[i][c]` holds the bits of the phrase prefixes (a phrase's first four
//! bytes, or all of it) that byte `c` may stand at offset `i` of, bit `n % 64`
//! for the `n`-th distinct prefix. A word start is then four table loads
//! ANDed, instead of a key computed and looked up in a bitset. Exact up to 64
//! prefixes; beyond, prefixes share bits and more words get through, never
//! fewer (the caller's lookup still decides).

/// The four byte masks of a set of phrase prefixes.
pub(crate) struct PrefixMasks {
    masks: Box<[[u64; 256]; 4]>,
}

impl PrefixMasks {
    /// Offset `i` of a prefix admits the bytes equal to its byte ignoring
    /// ASCII case; at the end of a phrase shorter than four bytes, the bytes
    /// `may_follow(phrase length, byte)` admits; after that, anything.
    pub(crate) fn new<'p>(phrases: impl Iterator<Item = &'p [u8]>, may_follow: impl Fn(usize, u8) -> bool) -> Self {
        let mut prefixes: Vec<Vec<u8>> = phrases.map(|p| p[..p.len().min(4)].to_ascii_lowercase()).collect();
        prefixes.sort_unstable();
        prefixes.dedup();
        let mut masks = Box::new([[0u64; 256]; 4]);
        for (id, p) in prefixes.iter().enumerate() {
            for (i, row) in masks.iter_mut().enumerate() {
                for c in 0..=255u8 {
                    let admits = match p.get(i) {
                        Some(&want) => c.to_ascii_lowercase() == want,
                        None if i == p.len() => may_follow(p.len(), c),
                        None => true,
                    };
                    if admits {
                        row[usize::from(c)] |= 1 << (id % 64);
                    }
                }
            }
        }
        PrefixMasks { masks }
    }

    /// Whether some prefix admits the four bytes `w` (see [`window`]).
    #[inline(always)]
    pub(crate) fn admits(&self, [w, x, y, z]: [u8; 4]) -> bool {
        let t = &*self.masks;
        t[0][usize::from(w)] & t[1][usize::from(x)] & t[2][usize::from(y)] & t[3][usize::from(z)] != 0
    }
}

/// The four bytes of `b[pos..hi]` a filter reads, the end of the range read as a space.
#[inline(always)]
pub(crate) fn window(b: &[u8], pos: usize, hi: usize) -> [u8; 4] {
    let at = |i: usize| if i < hi { b[i] } else { b' ' };
    [at(pos), at(pos + 1), at(pos + 2), at(pos + 3)]
}
