//! Eight bytes at a time in one machine word (SWAR: portable, no `unsafe`):
//! the byte tests several stages' scans make, and [`Starts`], where a scan over
//! a segment must stop: word starts (and, for the numbers scanner, every ASCII
//! digit), found 64 bytes at a time. A flag is the high bit of its byte.
//!
//! Both the `numbers` and the `dates` scanners look only at ASCII letters and
//! digits that begin a word. Walking the text byte by byte costs a mispredicted
//! branch at every word end; classifying a block into bitmasks first and then
//! jumping from set bit to set bit does not, and classifying eight bytes at a
//! time in a machine word is a handful of instructions.

/// Bitmasks of one block: bit `k` is byte `k` of the block.
#[derive(Clone, Copy)]
struct Classes {
    alnum: u64,
    digit: u64,
}

/// Every byte's high bit: SWAR flags live there.
pub(crate) const HIGH: u64 = 0x8080_8080_8080_8080;
const ONES: u64 = 0x0101_0101_0101_0101;

/// The eight bytes at `i` as one little-endian word (byte `k` in bits `8k..`).
#[inline(always)]
pub(crate) fn load(b: &[u8], i: usize) -> Option<u64> {
    b.get(i..i + 8).map(|w| u64::from_le_bytes(w.try_into().expect("8 bytes")))
}

/// Flags on the bytes of `x` that are not ASCII or are below `n` (`n <= 0x80`).
/// A borrow may flag a byte after a flagged one too; no such byte is missed.
#[inline(always)]
pub(crate) fn non_ascii_or_below(x: u64, n: u8) -> u64 {
    (x | x.wrapping_sub(ONES * u64::from(n)) & !x) & HIGH
}

/// High bit set in each byte of `x` that is an ASCII byte in `lo..=hi`. The
/// adds cannot carry across bytes: each byte is at most 0x7f before them.
#[inline(always)]
pub(crate) fn in_range(x: u64, low7: u64, lo: u8, hi: u8) -> u64 {
    let ge_lo = low7.wrapping_add(ONES * u64::from(0x80 - lo));
    let gt_hi = low7.wrapping_add(ONES * u64::from(0x7f - hi));
    ge_lo & !gt_hi & !x & HIGH
}

/// The eight high bits of `flags` as the low eight bits (byte `k` → bit `k`).
#[inline(always)]
pub(crate) fn gather(flags: u64) -> u64 {
    // Bit 8k lands on bit 56 + k; no two partial products share a bit, so nothing carries.
    (flags >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Bit `k` set where byte `k` of `x` is an ASCII letter or digit, and where
/// it is an ASCII digit.
#[inline(always)]
pub(crate) fn alnum_digit(x: u64) -> (u64, u64) {
    let low7 = x & !HIGH;
    let digit = in_range(x, low7, b'0', b'9');
    let letter = in_range(x, low7 | (ONES * 0x20), b'a', b'z');
    (gather(digit | letter), gather(digit))
}

/// Classify `chunk` (at most 64 bytes) as ASCII alphanumeric and ASCII digit.
#[inline]
fn classify(chunk: &[u8]) -> Classes {
    let (mut alnum, mut digit) = (0u64, 0u64);
    let mut words = chunk.chunks_exact(8);
    for (k, w) in words.by_ref().enumerate() {
        let (a, d) = alnum_digit(u64::from_le_bytes(w.try_into().expect("eight bytes")));
        alnum |= a << (8 * k);
        digit |= d << (8 * k);
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        // Pad the tail with NULs, which are neither.
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        let (a, d) = alnum_digit(u64::from_le_bytes(w));
        let k = chunk.len() - rest.len();
        alnum |= a << k;
        digit |= d << k;
    }
    Classes { alnum, digit }
}

/// The stopping points of one segment `[lo, hi)`, in order: ASCII letters or
/// digits whose previous byte is not an ASCII letter or digit (or that stand at
/// `lo`), plus, with `every_digit`, all ASCII digits. A start after a non-ASCII
/// byte may still continue a word in another script: the caller checks that.
///
/// `keep(bytes, i)` filters the starts that are not digits, a block at a time:
/// the numbers and dates scanners ask their prefix tables whether a number
/// word or a date word may start there, so most word starts are dropped in
/// this tight loop rather than one by one by the caller.
pub(crate) struct Starts<'a, F = fn(&[u8], usize) -> bool> {
    b: &'a [u8],
    lo: usize,
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
        Starts::filtered(b, lo, hi, every_digit, |_, _| true)
    }
}

impl<'a, F: Fn(&[u8], usize) -> bool> Starts<'a, F> {
    /// The starts in `b[lo..hi]`; `keep` sees `b[..hi]`.
    pub(crate) fn filtered(b: &'a [u8], lo: usize, hi: usize, every_digit: bool, keep: F) -> Self {
        let b = &b[..hi];
        let mut s = Starts { b, lo, every_digit, keep, base: lo, mask: 0 };
        s.mask = s.block(lo);
        s
    }

    /// The stopping points of the block at `at`.
    fn block(&self, at: usize) -> u64 {
        if at >= self.b.len() {
            return 0;
        }
        let c = classify(&self.b[at..self.b.len().min(at + 64)]);
        let prev = at > self.lo && self.b[at - 1].is_ascii_alphanumeric();
        let after_alnum = c.alnum << 1 | u64::from(prev);
        let mut at_start = c.alnum & !after_alnum;
        let mut words = at_start & !c.digit;
        while words != 0 {
            let k = words.trailing_zeros();
            words &= words - 1;
            if !(self.keep)(self.b, at + k as usize) {
                at_start &= !(1 << k);
            }
        }
        if self.every_digit {
            at_start | c.digit
        } else {
            at_start
        }
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
            if self.base >= self.b.len() {
                return None;
            }
            self.mask = self.block(self.base);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{alnum_digit, non_ascii_or_below, Starts, HIGH};

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
    fn non_ascii_or_below_misses_no_byte() {
        for c in 0..=255u8 {
            for k in 0..8 {
                for fill in [b'a', b' ', 0x0d] {
                    let mut w = [fill; 8];
                    w[k] = c;
                    let flags = non_ascii_or_below(u64::from_le_bytes(w), 0x0d);
                    if !(0x0d..0x80).contains(&c) {
                        assert_ne!(flags >> (8 * k) & HIGH & 0xff, 0, "byte {c:#x} at {k} among {fill:#x}");
                    }
                    if w.iter().all(|&b| (0x0d..0x80).contains(&b)) {
                        assert_eq!(flags, 0, "{w:?} has no byte to flag");
                    }
                }
            }
        }
    }

    #[test]
    fn filtered_drops_only_the_word_starts_it_rejects() {
        let text = "Five 5 fives x9 ab12 Seven-seven 70 ".repeat(9) + "zz";
        let b = text.as_bytes();
        // Keep word starts whose letter is in the first half of the alphabet.
        let keep = |b: &[u8], i: usize| b[i].to_ascii_lowercase() <= b'm';
        for (lo, hi) in [(0, b.len()), (3, b.len() - 1), (60, 70), (64, 200)] {
            let mut s = Starts::filtered(b, lo, hi, true, keep);
            let mut got = Vec::new();
            let mut i = lo;
            while let Some(p) = s.next(i) {
                got.push(p);
                i = p + 1;
            }
            let want: Vec<usize> =
                naive(b, lo, hi, true).into_iter().filter(|&i| b[i].is_ascii_digit() || keep(b, i)).collect();
            assert_eq!(got, want, "{lo}..{hi}");
        }
    }

    #[test]
    fn matches_a_byte_walk() {
        let mut text = String::new();
        for k in 0..40 {
            text.push_str(&format!("Word{k} 12,345 x9 ‘ü’ Ünïcode_{}-{k}. ", "ab".repeat(k % 7)));
        }
        let b = text.as_bytes();
        for (lo, hi) in [(0, b.len()), (1, b.len() - 1), (5, 70), (63, 200), (64, 64), (10, 11), (0, 0)] {
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
