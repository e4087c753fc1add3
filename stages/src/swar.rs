//! Byte tests several stages' scans make, eight bytes at a time in one
//! machine word (SWAR; a flag is the high bit of its byte); [`classify`], which
//! turns a 64-byte block into bitmasks (ASCII alphanumeric, digit, not ASCII),
//! and [`fold_specials`], which flags the bytes the lexicon's fold may change,
//! 16 bytes at a time with SSE2 on x86_64 (`unsafe` for the unaligned loads;
//! the crate's only other `unsafe` is the AVX2 kernel of `sentences/scan.rs`),
//! a word or a byte at a time elsewhere; and [`Starts`], where a scan
//! over a segment must stop: word starts (and, for the numbers scanner, every
//! ASCII digit).
//!
//! The `numbers` and `dates` scanners look only at ASCII letters and digits
//! that begin a word, and the lexicon's word bitmap marks word chars. Walking
//! the text byte by byte costs a mispredicted branch at every word end;
//! classifying a block into bitmasks first and then jumping from set bit to
//! set bit does not.

use crate::prefix_masks::window;

/// Bitmasks of one block: bit `k` is byte `k` of the block.
#[derive(Clone, Copy)]
pub(crate) struct Classes {
    pub alnum: u64,
    pub digit: u64,
    /// Bytes that are not ASCII (high bit set).
    pub high: u64,
}

/// Every byte's high bit: SWAR flags live there.
pub(crate) const HIGH: u64 = 0x8080_8080_8080_8080;
const ONES: u64 = 0x0101_0101_0101_0101;

/// The eight bytes at `i` as one little-endian word (byte `k` in bits `8k..`).
#[inline(always)]
pub(crate) fn load(b: &[u8], i: usize) -> Option<u64> {
    b.get(i..i + 8).map(|w| u64::from_le_bytes(w.try_into().expect("8 bytes")))
}

/// High bit set in each byte of `x` that is an ASCII byte in `lo..=hi`. The
/// adds cannot carry across bytes: each byte is at most 0x7f before them.
#[inline(always)]
pub(crate) fn in_range(x: u64, low7: u64, lo: u8, hi: u8) -> u64 {
    let ge_lo = low7.wrapping_add(ONES * u64::from(0x80 - lo));
    let gt_hi = low7.wrapping_add(ONES * u64::from(0x7f - hi));
    ge_lo & !gt_hi & !x & HIGH
}

/// `x` with its ASCII capitals lowercased (`in_range` flags them on their
/// high bit; two places down is their 0x20).
#[inline(always)]
pub(crate) fn lower(x: u64) -> u64 {
    x | in_range(x, x & !HIGH, b'A', b'Z') >> 2
}

/// The eight high bits of `flags` as the low eight bits (byte `k` → bit `k`).
#[inline(always)]
pub(crate) fn gather(flags: u64) -> u64 {
    // Bit 8k lands on bit 56 + k; no two partial products share a bit, so nothing carries.
    (flags >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Bit `k` set where byte `k` of `x` is an ASCII letter or digit, and where
/// it is an ASCII digit.
#[cfg(any(test, not(target_arch = "x86_64")))]
#[inline(always)]
fn alnum_digit(x: u64) -> (u64, u64) {
    let low7 = x & !HIGH;
    let digit = in_range(x, low7, b'0', b'9');
    let letter = in_range(x, low7 | (ONES * 0x20), b'a', b'z');
    (gather(digit | letter), gather(digit))
}

/// The bytes a block reads: its 64, and the three after its last for the
/// filter's four-byte window (one more so that an index up to 64 needs no check).
const VIEW: usize = 64 + 4;

/// Classify 64 bytes as ASCII alphanumeric, ASCII digit and not ASCII, 16
/// at a time: SSE2 is part of every x86_64, so no detection is needed.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn classify(v: &[u8; 64]) -> Classes {
    use std::arch::x86_64::{
        _mm_add_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    let (mut alnum, mut digit, mut high) = (0u64, 0u64, 0u64);
    for (k, chunk) in v.chunks_exact(16).enumerate() {
        // SAFETY: `chunk` is 16 readable bytes and the load is unaligned; the
        // rest are SSE2 register operations, always available on x86_64.
        let (a, d, h) = unsafe {
            let x = _mm_loadu_si128(chunk.as_ptr().cast());
            // `c - lo < n` (wrapping) as a signed compare: shift the range to start at -128.
            let below = |x, lo: u8, n: u8| {
                _mm_cmplt_epi8(
                    _mm_add_epi8(x, _mm_set1_epi8(0x80u8.wrapping_sub(lo) as i8)),
                    _mm_set1_epi8((0x80 + n) as i8),
                )
            };
            let d = below(x, b'0', 10);
            let l = below(_mm_or_si128(x, _mm_set1_epi8(0x20)), b'a', 26);
            (_mm_movemask_epi8(_mm_or_si128(d, l)), _mm_movemask_epi8(d), _mm_movemask_epi8(x))
        };
        alnum |= u64::from(a as u16) << (16 * k);
        digit |= u64::from(d as u16) << (16 * k);
        high |= u64::from(h as u16) << (16 * k);
    }
    Classes { alnum, digit, high }
}

/// Whether a byte is one the lexicon's fold may change: not ASCII, or a tab,
/// vertical tab or form feed (which fold to a space).
#[inline(always)]
pub(crate) fn is_fold_special(b: u8) -> bool {
    b >= 0x80 || matches!(b, b'\t' | 0x0b | 0x0c)
}

/// Bit `k` set where byte `k` of `v` [`is_fold_special`]: 16 bytes a compare,
/// where a word-at-a-time test needed a byte loop to confirm each hit.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn fold_specials(v: &[u8; 32]) -> u32 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    let mut mask = 0u32;
    for (k, chunk) in v.chunks_exact(16).enumerate() {
        // SAFETY: `chunk` is 16 readable bytes and the load is unaligned; the
        // rest are SSE2 register operations, always available on x86_64.
        let m = unsafe {
            let x = _mm_loadu_si128(chunk.as_ptr().cast());
            let eq = |b: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(b as i8));
            // Non-ASCII bytes have their high bit set already; a blank's compare sets all of it.
            _mm_movemask_epi8(_mm_or_si128(x, _mm_or_si128(eq(b'\t'), _mm_or_si128(eq(0x0b), eq(0x0c)))))
        };
        mask |= u32::from(m as u16) << (16 * k);
    }
    mask
}

/// [`fold_specials`] a byte at a time, where SSE2 is not at hand.
#[cfg(any(test, not(target_arch = "x86_64")))]
#[inline(always)]
pub(crate) fn fold_specials_bytes(v: &[u8; 32]) -> u32 {
    v.iter().enumerate().fold(0, |m, (k, &b)| m | u32::from(is_fold_special(b)) << k)
}

#[cfg(not(target_arch = "x86_64"))]
pub(crate) use fold_specials_bytes as fold_specials;

/// Classify 64 bytes as ASCII alphanumeric, ASCII digit and not ASCII, eight at a time.
#[cfg(any(test, not(target_arch = "x86_64")))]
#[inline(always)]
pub(crate) fn classify_swar(v: &[u8; 64]) -> Classes {
    let (mut alnum, mut digit, mut high) = (0u64, 0u64, 0u64);
    for (k, w) in v.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(w.try_into().expect("eight bytes"));
        let (a, d) = alnum_digit(x);
        alnum |= a << (8 * k);
        digit |= d << (8 * k);
        high |= gather(x & HIGH) << (8 * k);
    }
    Classes { alnum, digit, high }
}

#[cfg(not(target_arch = "x86_64"))]
pub(crate) use classify_swar as classify;

/// The stopping points of one segment `[lo, hi)`, in order: ASCII letters or
/// digits whose previous byte is not an ASCII letter or digit (or that stand at
/// `lo`), plus, with `every_digit`, all ASCII digits. A start after a non-ASCII
/// byte may still continue a word in another script: the caller checks that.
///
/// `keep(w)` filters the starts that are not digits, a block at a time, by
/// the four bytes `w` there (those past `hi` read as spaces, as
/// [`crate::prefix_masks::window`] reads them): the numbers and dates
/// scanners ask their prefix tables whether a number word or a date word may
/// start there, so most word starts are dropped in this tight loop rather
/// than one by one by the caller.
pub(crate) struct Starts<'a, F = fn([u8; 4]) -> bool> {
    /// The whole text: a block reads past `hi` (and masks what it read there)
    /// rather than copying a segment's last bytes.
    b: &'a [u8],
    lo: usize,
    hi: usize,
    every_digit: bool,
    keep: F,
    /// The current block starts here …
    base: usize,
    /// … and these are its stopping points not yet passed.
    mask: u64,
}

impl<'a> Starts<'a> {
    /// Every start, unfiltered.
    #[cfg(test)]
    pub(crate) fn new(b: &'a [u8], lo: usize, hi: usize, every_digit: bool) -> Self {
        Starts::filtered(b, lo, hi, every_digit, |_| true)
    }
}

impl<'a, F: Fn([u8; 4]) -> bool> Starts<'a, F> {
    /// The starts in `b[lo..hi]`.
    pub(crate) fn filtered(b: &'a [u8], lo: usize, hi: usize, every_digit: bool, keep: F) -> Self {
        assert!(hi <= b.len(), "segment end {hi} past the text ({})", b.len());
        let mut s = Starts { b, lo, hi, every_digit, keep, base: lo, mask: 0 };
        s.mask = s.block(lo);
        s
    }

    /// The stopping points of the block at `at`.
    fn block(&self, at: usize) -> u64 {
        if at >= self.hi {
            return 0;
        }
        let len = self.hi - at;
        let tail: [u8; VIEW];
        let v: &[u8; VIEW] = match self.b.get(at..at + VIEW) {
            Some(v) => v.try_into().expect("VIEW bytes"),
            None => {
                // The end of the text (once a document).
                tail = padded(&self.b[at..]);
                &tail
            }
        };
        let c = classify(v[..64].try_into().expect("64 bytes"));
        let valid = if len >= 64 { u64::MAX } else { (1 << len) - 1 };
        let (alnum, digit) = (c.alnum & valid, c.digit & valid);
        let prev = at > self.lo && self.b[at - 1].is_ascii_alphanumeric();
        let at_start = alnum & !(alnum << 1 | u64::from(prev));
        let words = at_start & !digit;
        let at = |k: usize| [v[k], v[k + 1], v[k + 2], v[k + 3]];
        // Most blocks lie inside their segment: their word starts need no end check.
        let kept = if len >= VIEW {
            self.kept(words, at)
        } else {
            self.kept(words, |k| if k + 4 <= len { at(k) } else { window(v, k, len) })
        };
        kept | if self.every_digit { digit } else { at_start & digit }
    }

    /// The word starts of `words` that `keep` keeps, given the four bytes at each.
    #[inline(always)]
    fn kept(&self, mut words: u64, at: impl Fn(usize) -> [u8; 4]) -> u64 {
        let mut kept = 0;
        while words != 0 {
            let k = words.trailing_zeros() as usize;
            words &= words - 1;
            kept |= u64::from((self.keep)(at(k))) << k;
        }
        kept
    }

    /// The first stopping point at or after `i`; `i` never decreases between calls.
    #[inline]
    pub(crate) fn next(&mut self, i: usize) -> Option<usize> {
        if i >= self.base + 64 {
            self.base = i;
            self.mask = self.block(i);
        } else if i > self.base {
            self.mask &= u64::MAX << (i - self.base);
        }
        loop {
            if self.mask != 0 {
                return Some(self.base + self.mask.trailing_zeros() as usize);
            }
            self.base += 64;
            if self.base >= self.hi {
                return None;
            }
            self.mask = self.block(self.base);
        }
    }
}

/// `rest` (at most `N` bytes) NUL-padded to `N`: the last block or word of a
/// text, read as a whole one (NUL is neither a letter, a digit, non-ASCII
/// nor any scan's candidate).
#[inline]
pub(crate) fn padded<const N: usize>(rest: &[u8]) -> [u8; N] {
    let mut v = [0; N];
    v[..rest.len()].copy_from_slice(rest);
    v
}

#[cfg(test)]
mod tests {
    use super::{alnum_digit, classify, classify_swar, fold_specials, fold_specials_bytes, Starts};
    use crate::prefix_masks::window;

    /// The stopping points by a plain byte walk, for comparison.
    fn naive(b: &[u8], lo: usize, hi: usize, every_digit: bool) -> Vec<usize> {
        (lo..hi)
            .filter(|&i| {
                let c = b[i];
                let start = c.is_ascii_alphanumeric() && (i == lo || !b[i - 1].is_ascii_alphanumeric());
                start || (every_digit && c.is_ascii_digit())
            })
            .collect()
    }

    fn all(b: &[u8], lo: usize, hi: usize, every_digit: bool) -> Vec<usize> {
        let mut s = Starts::new(b, lo, hi, every_digit);
        let mut out = Vec::new();
        let mut i = lo;
        while let Some(p) = s.next(i) {
            out.push(p);
            i = p + 1;
        }
        out
    }

    #[test]
    fn classifies_every_byte_value() {
        for c in 0..=255u8 {
            for k in 0..8 {
                let mut w = [b'.'; 8];
                w[k] = c;
                let (alnum, digit) = alnum_digit(u64::from_le_bytes(w));
                let expect = |yes: bool| if yes { 1u64 << k } else { 0 };
                assert_eq!(alnum, expect(c.is_ascii_alphanumeric()), "alnum flag of byte {c:#x} at {k}");
                assert_eq!(digit, expect(c.is_ascii_digit()), "digit flag of byte {c:#x} at {k}");
            }
        }
    }

    #[test]
    fn alnum_flags_whatever_the_neighbours() {
        for b in 0..128u8 {
            for k in 0..8 {
                // `b` at byte `k` among neighbours that are words and not.
                for fill in [b'a', b' ', b'Z', b'0', 0x7f, 0] {
                    let mut chunk = [fill; 8];
                    chunk[k] = b;
                    let want =
                        chunk.iter().enumerate().map(|(j, &c)| u64::from(c.is_ascii_alphanumeric()) << j).sum::<u64>();
                    assert_eq!(alnum_digit(u64::from_le_bytes(chunk)).0, want, "{chunk:?}");
                }
            }
        }
    }

    #[test]
    fn fold_specials_flag_exactly_the_special_bytes() {
        for c in 0..=255u8 {
            for k in 0..32 {
                for fill in [b'a', b' ', b'\n', 0x0d, 0x80] {
                    let mut v = [fill; 32];
                    v[k] = c;
                    let want = v
                        .iter()
                        .enumerate()
                        .fold(0u32, |m, (i, &b)| m | u32::from(b >= 0x80 || matches!(b, 9 | 11 | 12)) << i);
                    assert_eq!(fold_specials(&v), want, "byte {c:#x} at {k} among {fill:#x}");
                    assert_eq!(fold_specials_bytes(&v), want, "byte {c:#x} at {k} among {fill:#x}");
                }
            }
        }
    }

    #[test]
    fn filtered_drops_only_the_word_starts_it_rejects() {
        let text = "Five 5 fives x9 ab12 Seven-seven 70 ".repeat(9) + "zz";
        let b = text.as_bytes();
        // Keep word starts whose letter is in the first half of the alphabet
        // and whose fourth byte (a space past the range) is not an `e`.
        let keep = |w: [u8; 4]| w[0].to_ascii_lowercase() <= b'm' && w[3] != b'e';
        for (lo, hi) in [(0, b.len()), (3, b.len() - 1), (60, 70), (64, 200), (0, 62), (0, 66), (5, 69), (1, 8)] {
            let mut s = Starts::filtered(b, lo, hi, true, keep);
            let mut got = Vec::new();
            let mut i = lo;
            while let Some(p) = s.next(i) {
                got.push(p);
                i = p + 1;
            }
            let want: Vec<usize> = naive(b, lo, hi, true)
                .into_iter()
                .filter(|&i| b[i].is_ascii_digit() || keep(window(b, i, hi)))
                .collect();
            assert_eq!(got, want, "{lo}..{hi}");
        }
    }

    /// The SSE2 classification (on x86_64) agrees with the SWAR one for every
    /// byte value at every position of a block, among neighbours of each kind.
    #[test]
    fn classify_agrees_with_swar() {
        for c in 0..=255u8 {
            for k in 0..64 {
                for fill in [b'a', b' ', b'Z', b'0', 0x7f, 0, 0xc3, b'9', b'@', b'['] {
                    let mut v = [fill; 64];
                    v[k] = c;
                    let (fast, slow) = (classify(&v), classify_swar(&v));
                    let want =
                        |f: fn(&u8) -> bool| v.iter().enumerate().map(|(j, c)| u64::from(f(c)) << j).sum::<u64>();
                    assert_eq!(
                        slow.alnum,
                        want(u8::is_ascii_alphanumeric),
                        "SWAR alnum, byte {c:#x} at {k} in {fill:#x}"
                    );
                    assert_eq!(slow.digit, want(u8::is_ascii_digit), "SWAR digit, byte {c:#x} at {k} in {fill:#x}");
                    assert_eq!(fast.alnum, slow.alnum, "alnum, byte {c:#x} at {k} in {fill:#x}");
                    assert_eq!(fast.digit, slow.digit, "digit, byte {c:#x} at {k} in {fill:#x}");
                    assert_eq!(slow.high, want(|c| !c.is_ascii()), "SWAR high, byte {c:#x} at {k} in {fill:#x}");
                    assert_eq!(fast.high, slow.high, "high, byte {c:#x} at {k} in {fill:#x}");
                }
            }
        }
    }

    #[test]
    fn matches_a_byte_walk() {
        let mut text = String::new();
        for k in 0..40 {
            text.push_str(&format!("Word{k} 12,345 x9 ‘ü’ Ünïcode_{}-{k}. ", "ab".repeat(k % 7)));
        }
        let b = text.as_bytes();
        let n = b.len();
        for (lo, hi) in [(0, n), (1, n - 1), (5, 70), (63, 200), (64, 64), (10, 11), (0, 0), (n - 70, n), (n - 3, n)] {
            for every_digit in [false, true] {
                assert_eq!(all(b, lo, hi, every_digit), naive(b, lo, hi, every_digit), "{lo}..{hi} {every_digit}");
            }
        }
    }

    #[test]
    fn jumps_ahead_across_blocks() {
        let text =
            "one two three, 4 five six seven eight nine ten eleven twelve thirteen fourteen 15 sixteen ".repeat(4);
        let b = text.as_bytes();
        let expected = naive(b, 0, b.len(), true);
        let mut s = Starts::new(b, 0, b.len(), true);
        // Resume points as a scanner makes them: inside words, past whole blocks.
        for i in [0, 1, 2, 30, 63, 64, 65, 130, 131, 200, 333, b.len() - 1, b.len()] {
            let want = expected.iter().copied().find(|&p| p >= i);
            assert_eq!(s.next(i), want, "first stopping point at or after {i}");
        }
    }
}
