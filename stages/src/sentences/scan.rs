//! Where the splitter must look: the bytes that may start a candidate or a
//! protected span ([`interesting`]), as a bitmap of each 64-byte block of
//! the text. A block is classified once and kept, so the next candidate
//! after a candidate costs a mask and a `trailing_zeros`, not another scan.
//!
//! With AVX2 (detected at run time, once per text) a block takes two nibble
//! table lookups (`vpshufb`) per 32 bytes; elsewhere a portable loop that
//! LLVM vectorizes with the baseline SSE2.

/// Bytes that may start a candidate or a protected span: `. ! ? " ( [ -` and
/// lead bytes of `… “ ‘ — ‼ 。 ！ ？ ．`. Written as plain compares joined by
/// `|` (not `matches!`, which becomes branches) so that the portable block
/// loop compiles to vector compares.
#[inline(always)]
pub(super) fn interesting(c: u8) -> bool {
    (c == b'.')
        | (c == b'!')
        | (c == b'?')
        | (c == b'"')
        | (c == b'(')
        | (c == b'[')
        | (c == b'-')
        | (c == 0xE2)
        | (c == 0xE3)
        | (c == 0xEF)
}

/// Bit `k` set where byte `k` of the block is [`interesting`], eight bytes
/// to a word: one flag (high bit) per byte, gathered into eight bits
/// ([`crate::swar::gather`]).
#[inline(always)]
fn mask_portable(v: &[u8; 64]) -> u64 {
    let mut mask = 0;
    for (k, w) in v.chunks_exact(8).enumerate() {
        let mut flags = [0u8; 8];
        for (f, &c) in flags.iter_mut().zip(w) {
            *f = u8::from(interesting(c)) << 7;
        }
        mask |= crate::swar::gather(u64::from_le_bytes(flags)) << (8 * k);
    }
    mask
}

/// [`mask_portable`] with AVX2: a byte is interesting when the table entry
/// of its low nibble and that of its high nibble share a bit (one bit per
/// high nibble that has interesting bytes: 2, 3, 5 and E).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn mask_avx2(v: &[u8; 64]) -> u64 {
    use std::arch::x86_64::{
        _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set1_epi8,
        _mm256_setr_epi8, _mm256_setzero_si256, _mm256_shuffle_epi8, _mm256_srli_epi16,
    };
    // Low nibbles: 0x2_ {1 2 8 D E} → 1, 0x3_ {F} → 2, 0x5_ {B} → 4, 0xE_ {2 3 F} → 8.
    #[rustfmt::skip]
    let lo = _mm256_setr_epi8(
        0, 1, 1 | 8, 8, 0, 0, 0, 0, 1, 0, 0, 4, 0, 1, 1, 2 | 8,
        0, 1, 1 | 8, 8, 0, 0, 0, 0, 1, 0, 0, 4, 0, 1, 1, 2 | 8,
    );
    #[rustfmt::skip]
    let hi = _mm256_setr_epi8(
        0, 0, 1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0,
        0, 0, 1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0,
    );
    let nibble = _mm256_set1_epi8(0x0F);
    let mut mask = 0;
    for (k, half) in v.chunks_exact(32).enumerate() {
        // SAFETY: `half` is 32 readable bytes and the load is unaligned.
        let x = unsafe { _mm256_loadu_si256(half.as_ptr().cast()) };
        let l = _mm256_shuffle_epi8(lo, _mm256_and_si256(x, nibble));
        let h = _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble));
        let none = _mm256_cmpeq_epi8(_mm256_and_si256(l, h), _mm256_setzero_si256());
        mask |= u64::from(!(_mm256_movemask_epi8(none) as u32)) << (32 * k);
    }
    mask
}

/// The next interesting byte, a block at a time; the last block classified is kept.
pub(super) struct Scan<'a> {
    b: &'a [u8],
    avx2: bool,
    /// Start of the block in `mask` (a multiple of 64; `usize::MAX`: none yet).
    base: usize,
    mask: u64,
}

impl<'a> Scan<'a> {
    pub(super) fn new(b: &'a [u8]) -> Self {
        #[cfg(target_arch = "x86_64")]
        let avx2 = std::is_x86_feature_detected!("avx2");
        #[cfg(not(target_arch = "x86_64"))]
        let avx2 = false;
        Scan { b, avx2, base: usize::MAX, mask: 0 }
    }

    /// The portable classifier whatever the machine has (for the tests).
    #[cfg(test)]
    fn portable(b: &'a [u8]) -> Self {
        Scan { b, avx2: false, base: usize::MAX, mask: 0 }
    }

    /// The first interesting byte in `i..limit`, or `limit` (`limit <= b.len()`).
    #[inline]
    pub(super) fn next(&mut self, mut i: usize, limit: usize) -> usize {
        while i < limit {
            let base = i & !63;
            if base != self.base {
                self.mask = self.block(base);
                self.base = base;
            }
            let m = self.mask & (u64::MAX << (i - base));
            if m != 0 {
                return limit.min(base + m.trailing_zeros() as usize);
            }
            i = base + 64;
        }
        limit
    }

    fn block(&self, base: usize) -> u64 {
        #[cfg(target_arch = "x86_64")]
        if self.avx2 {
            // SAFETY: `avx2` is set only when the CPU has AVX2.
            return unsafe { block_avx2(self.b, base) };
        }
        block_with(self.b, base, mask_portable)
    }
}

/// The mask of the block at `base`, one call per block with the classifier inlined.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline(never)]
fn block_avx2(b: &[u8], base: usize) -> u64 {
    block_with(b, base, |v| mask_avx2(v))
}

/// `mask` of the block of `b` at `base`; past the end of `b`, NULs (not interesting).
#[inline(always)]
fn block_with(b: &[u8], base: usize, mask: impl Fn(&[u8; 64]) -> u64) -> u64 {
    match b.get(base..base + 64) {
        Some(v) => mask(v.try_into().expect("64 bytes")),
        None => mask(&crate::swar::padded(&b[base..])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTED: &[u8] = b".!?\"([-\xE2\xE3\xEF";

    /// Both classifiers flag exactly the listed bytes: every byte value at
    /// every position of a block, among every kind of neighbour.
    #[test]
    fn block_masks_flag_the_listed_bytes() {
        for fill in [b'a', b'.', 0xE2, 0x00, 0xFF] {
            for v in 0..=255u8 {
                for at in 0..64 {
                    let mut block = [fill; 64];
                    block[at] = v;
                    let want = (0..64).filter(|&k| LISTED.contains(&block[k])).fold(0u64, |m, k| m | 1 << k);
                    assert_eq!(mask_portable(&block), want, "portable: byte {v:#x} at {at} among {fill:#x}");
                    #[cfg(target_arch = "x86_64")]
                    if std::is_x86_feature_detected!("avx2") {
                        // SAFETY: AVX2 was just detected.
                        assert_eq!(unsafe { mask_avx2(&block) }, want, "avx2: byte {v:#x} at {at} among {fill:#x}");
                    }
                }
            }
        }
    }

    /// The scan stops where a byte-by-byte walk over the listed bytes does:
    /// every byte value, at every offset, with every start and limit, in the
    /// last (padded) block and before it, with the block kept between calls.
    #[test]
    fn next_agrees_with_a_byte_walk() {
        let slow = |b: &[u8], mut i: usize, limit: usize| {
            while i < limit && !LISTED.contains(&b[i]) {
                i += 1;
            }
            i
        };
        for len in [70, 150] {
            for v in 0..=255u8 {
                for at in (0..len).step_by(7).chain([63, 64, 127, 128, len - 1]).filter(|&at| at < len) {
                    let mut b = vec![b'a'; len];
                    b[at] = v;
                    let mut kept = Scan::new(&b);
                    let mut portable = Scan::portable(&b);
                    for from in (0..len).step_by(5).chain([at.saturating_sub(1), at, at + 1]) {
                        for limit in [from, at, at + 1, (from + 64).min(len), len] {
                            let limit = limit.clamp(from, len);
                            let want = slow(&b, from, limit);
                            assert_eq!(kept.next(from, limit), want, "byte {v:#x} at {at}, {from}..{limit}");
                            assert_eq!(portable.next(from, limit), want, "byte {v:#x} at {at}, {from}..{limit}");
                            assert_eq!(Scan::new(&b).next(from, limit), want, "fresh: {v:#x} at {at}");
                        }
                    }
                }
            }
        }
    }
}
