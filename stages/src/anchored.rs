//! Phrases looked up where a word starts, by the first three letters of the
//! text there: the number words of `numbers`.
//!
//! Fit for short lists whose phrases mostly differ in their first three
//! letters. The date words of `dates` do not: many of their phrases share a
//! key ("last week", "last month", …) and an anchored Aho-Corasick search
//! tells them apart in one pass (tried: +17 % instructions for that stage).

use crate::prefix_masks::PrefixMasks;

/// The first three bytes as letters (1..=26) or 0 for anything else, packed in 15 bits.
#[inline(always)]
pub(crate) fn prefix_key(b: &[u8], pos: usize, hi: usize) -> usize {
    // Asked at every word start of every sentence: one bounds check, and no
    // branch per byte (`| 0x20` lowercases exactly the ASCII letters into a..=z).
    let code = |c: u8| {
        let k = (c | 0x20).wrapping_sub(b'a');
        usize::from(k < 26) * (usize::from(k) + 1)
    };
    if let Some(&[x, y, z]) = b.get(pos..pos + 3).filter(|_| pos + 3 <= hi) {
        // The common case, with one bounds check.
        return code(x) << 10 | code(y) << 5 | code(z);
    }
    // Near the end of the range: the missing letters count as 0.
    match b[pos..hi.min(pos + 3).max(pos)] {
        [x, y] => code(x) << 10 | code(y) << 5,
        [x] => code(x) << 10,
        _ => 0,
    }
}

/// A phrase found at a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhraseMatch {
    /// The phrase's index in the list given to [`AnchoredPhrases::new`].
    pub id: usize,
    pub start: usize,
    pub end: usize,
}

/// A list of phrases, looked up where a word starts: the longest phrase
/// written there, ASCII case ignored (an anchored leftmost-longest search).
///
/// The phrases are bucketed by their [`prefix_key`]: every phrase of three or
/// more bytes written at a position has that position's key, so only its
/// bucket (a phrase or two) is compared. Shorter phrases are compared
/// wherever no longer one matched. This replaced anchored Aho-Corasick
/// searches, whose set-up and table walk cost more than the few comparisons.
pub(crate) struct AnchoredPhrases {
    phrases: Vec<Box<[u8]>>,
    /// Bitset over the keys of every phrase: a word start whose key is
    /// absent cannot begin one of three or more bytes.
    prefixes: Vec<u64>,
    /// Set bits in `prefixes` before each of its words, to number the buckets.
    rank: Vec<u32>,
    /// Bucket `r` (the `r`-th set key) is `members[bucket_at[r]..bucket_at[r + 1]]`,
    /// phrases of three or more bytes, longest first.
    bucket_at: Vec<u32>,
    members: Vec<u32>,
    /// Phrases under three bytes by their first byte: `short[short_at[c]..short_at[c + 1]]`,
    /// longest first.
    short: Vec<u32>,
    short_at: Vec<u32>,
    /// The word-start filter, for a phrase that ends on a word boundary: the
    /// fourth byte rejects most words that only share a key ("for" against
    /// "forty").
    by_byte: PrefixMasks,
}

impl AnchoredPhrases {
    /// `phrases` are lowercased here: a text byte is compared lowercased.
    pub(crate) fn new(mut phrases: Vec<Box<[u8]>>) -> AnchoredPhrases {
        for p in &mut phrases {
            p.make_ascii_lowercase();
        }
        let mut prefixes = vec![0u64; 1 << 15 >> 6];
        for p in &phrases {
            let k = prefix_key(p, 0, p.len());
            prefixes[k >> 6] |= 1 << (k & 63);
        }
        let mut rank = Vec::with_capacity(prefixes.len());
        let mut set = 0u32;
        for w in &prefixes {
            rank.push(set);
            set += w.count_ones();
        }
        let mut buckets = vec![Vec::new(); set as usize];
        let mut short_by_first = vec![Vec::new(); 256];
        for (i, p) in phrases.iter().enumerate() {
            if p.len() < 3 {
                short_by_first[usize::from(p[0])].push(i as u32);
            } else {
                let k = prefix_key(p, 0, p.len());
                buckets[Self::bucket(&prefixes, &rank, k).expect("its key is set")].push(i as u32);
            }
        }
        let (members, bucket_at) = flatten_longest_first(buckets, &phrases);
        let (short, short_at) = flatten_longest_first(short_by_first, &phrases);
        let by_byte = PrefixMasks::new(phrases.iter().map(|p| &p[..]), |_, c| !c.is_ascii_alphanumeric());
        AnchoredPhrases { phrases, prefixes, rank, bucket_at, members, short, short_at, by_byte }
    }

    /// The bucket of key `k`, when some phrase has it.
    #[inline(always)]
    fn bucket(prefixes: &[u64], rank: &[u32], k: usize) -> Option<usize> {
        let w = prefixes[k >> 6];
        let bit = 1u64 << (k & 63);
        (w & bit != 0).then(|| (rank[k >> 6] + (w & (bit - 1)).count_ones()) as usize)
    }

    /// False only where [`Self::find`] finds nothing at a word start whose
    /// first four bytes are `w` ([`crate::prefix_masks::window`]), or a phrase
    /// followed by an ASCII letter or digit (not a whole word): the scan
    /// skips such a word start. Exact up to 64 phrases; beyond, phrases
    /// share bits and more words get through.
    #[inline(always)]
    pub(crate) fn may_start(&self, w: [u8; 4]) -> bool {
        self.by_byte.admits(w)
    }

    /// The longest phrase written at `pos` and ending by `hi`.
    pub(crate) fn find(&self, b: &[u8], pos: usize, hi: usize) -> Option<PhraseMatch> {
        let at = |i: u32| {
            let p = &self.phrases[i as usize];
            let end = pos + p.len();
            let same = end <= hi && p.iter().zip(&b[pos..end]).all(|(&x, y)| x == y.to_ascii_lowercase());
            same.then_some(PhraseMatch { id: i as usize, start: pos, end })
        };
        let long = Self::bucket(&self.prefixes, &self.rank, prefix_key(b, pos, hi)).and_then(|r| {
            let members = &self.members[self.bucket_at[r] as usize..self.bucket_at[r + 1] as usize];
            members.iter().find_map(|&i| at(i))
        });
        long.or_else(|| {
            let first = b.get(pos)?.to_ascii_lowercase();
            let c = usize::from(first);
            self.short[self.short_at[c] as usize..self.short_at[c + 1] as usize].iter().find_map(|&i| at(i))
        })
    }
}

/// Lists of phrase ids as one array and the offsets of each list in it
/// (list `r` is `ids[at[r]..at[r + 1]]`), each list longest phrase first.
fn flatten_longest_first(lists: Vec<Vec<u32>>, phrases: &[Box<[u8]>]) -> (Vec<u32>, Vec<u32>) {
    let (mut ids, mut at) = (Vec::new(), vec![0u32]);
    for mut list in lists {
        list.sort_by_key(|&i| (std::cmp::Reverse(phrases[i as usize].len()), i));
        ids.extend(list);
        at.push(ids.len() as u32);
    }
    (ids, at)
}

#[cfg(test)]
mod tests {
    use super::{prefix_key, AnchoredPhrases, PhraseMatch};
    use crate::prefix_masks::window;
    use proptest::prelude::*;

    /// Phrases of every length class: one and two bytes, three-byte keys shared
    /// by several phrases, non-letters inside the key, a non-ASCII byte.
    const PHRASES: &[&str] =
        &["a", "dz", "one", "ones", "onerous", "two", "a few", "a few dozen", "a-b", "thousand", "th", "caf\u{e9}s"];

    /// The longest phrase equal to the text at `pos` (ASCII case ignored), ending by `hi`.
    fn longest(pos: usize, hi: usize, b: &[u8]) -> Option<PhraseMatch> {
        PHRASES
            .iter()
            .enumerate()
            .filter(|(_, p)| pos + p.len() <= hi && p.as_bytes().eq_ignore_ascii_case(&b[pos..pos + p.len()]))
            .max_by_key(|(_, p)| p.len())
            .map(|(id, p)| PhraseMatch { id, start: pos, end: pos + p.len() })
    }

    proptest! {
        /// The bucketed lookup finds what a search of every phrase finds, at
        /// every position and every end of range, whatever the key of the text.
        #[test]
        fn candidates_find_the_longest_phrase(text in "[aAdDzZoOnNeEsStTwWhHfF -]{0,12}(caf\u{e9}s|caf\u{c9}S)?[a-z ]{0,4}") {
            let c = AnchoredPhrases::new(PHRASES.iter().map(|p| p.as_bytes().into()).collect());
            let b = text.as_bytes();
            for hi in 0..=b.len() {
                for pos in 0..hi {
                    prop_assert_eq!(c.find(b, pos, hi), longest(pos, hi, b), "{:?} at {} by {}", text, pos, hi);
                }
            }
        }
    }

    /// A whole phrase found at a position: followed by no ASCII letter or digit.
    fn whole(c: &AnchoredPhrases, b: &[u8], pos: usize, hi: usize) -> bool {
        c.find(b, pos, hi).is_some_and(|m| m.end == hi || !b[m.end].is_ascii_alphanumeric())
    }

    /// 26 * 9 three-letter phrases plus the list: patterns share bits.
    fn many() -> AnchoredPhrases {
        let mut many: Vec<Box<[u8]>> = PHRASES.iter().map(|p| p.as_bytes().into()).collect();
        for x in b'a'..=b'z' {
            for y in (b'a'..=b'z').step_by(3) {
                many.push(vec![x, y, b'q' - (x % 5)].into());
            }
        }
        AnchoredPhrases::new(many)
    }

    /// Every four bytes from a set that spells the phrases, in both cases,
    /// with word ends, digits and non-ASCII bytes: the byte masks let
    /// through every whole phrase, and (up to 64 patterns) nothing else.
    #[test]
    fn may_start_lets_through_exactly_the_whole_phrases() {
        let few = AnchoredPhrases::new(PHRASES.iter().map(|p| p.as_bytes().into()).collect());
        let many = many();
        let mut bytes: Vec<u8> = b"adzonerustwhfq -5,\xc3\xa9".to_vec();
        bytes.extend(b"ADZONERUSTWHF");
        // Would a phrase pattern admit these bytes (some phrase, cut at four bytes,
        // equal to them, then a word end)?
        let pattern = |b: &[u8], hi: usize| {
            PHRASES.iter().any(|p| {
                let p = p.as_bytes();
                (0..4).all(|i| match p.get(i) {
                    Some(&c) => i < hi && b[i].to_ascii_lowercase() == c,
                    None => i > p.len() || i >= hi || !b[i].is_ascii_alphanumeric(),
                })
            })
        };
        for &w in &bytes {
            for &x in &bytes {
                for &y in &bytes {
                    for &z in &bytes {
                        let b = [w, x, y, z, b'!'];
                        for hi in 1..=5 {
                            let got = few.may_start(window(&b, 0, hi));
                            assert_eq!(got, pattern(&b, hi), "{b:?} by {hi}");
                            assert!(got || !whole(&few, &b, 0, hi), "{b:?} by {hi}");
                            assert!(many.may_start(window(&b, 0, hi)) || !whole(&many, &b, 0, hi), "{b:?} by {hi}");
                        }
                    }
                }
            }
        }
        assert!(few.may_start(window(b"Thousands", 0, 9)) && !few.may_start(window(b"those", 0, 5)));
        assert!(few.may_start(window(b"one-off", 0, 7)) && !few.may_start(window(b"onex", 0, 4)));
    }

    /// The branch-free key agrees with lowercasing byte by byte, for every
    /// byte value in every position and every end of range.
    #[test]
    fn prefix_key_agrees_with_ascii_lowercasing() {
        let slow = |b: &[u8], pos: usize, hi: usize| {
            let code = |i: usize| {
                let c = if i < hi { b[i].to_ascii_lowercase() } else { 0 };
                if c.is_ascii_lowercase() {
                    usize::from(c - b'a' + 1)
                } else {
                    0
                }
            };
            code(pos) << 10 | code(pos + 1) << 5 | code(pos + 2)
        };
        for v in 0..=255u8 {
            for at in 0..3 {
                let mut b = *b"xQz!";
                b[at] = v;
                for hi in 0..=4 {
                    assert_eq!(prefix_key(&b, 0, hi), slow(&b, 0, hi), "byte {v:#x} at {at}, end {hi}");
                }
            }
        }
    }
}
