//! One scan for every lexicon stage of a pipeline.
//!
//! The stages built with one [`BuildContext`](claimex_pipeline::BuildContext)
//! join one [`LexiconGroup`]. On the first document the group compiles the
//! union of their surfaces into one part per fold setting (a word-token trie
//! for whole-word stages, automata for the others); a document is then folded
//! once per setting and scanned once per part, all overlapping surface
//! matches are dealt out to the stages, and each stage picks its mentions with
//! its own rules (leftmost, longest that passes the word and case tests). The
//! result per stage is exactly what a separate leftmost-longest scan with
//! shorter-surface retries would give. The first stage to run on a document
//! scans for all and leaves the others their mentions in the document's
//! scratch, where each takes its own.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{dfa, nfa, Anchored, MatchKind};
use claimex_pipeline::{Document, Intern, Mention, MentionEntry, Span};

use super::fold::{fold, FoldOptions, Folded};
use super::trie::{char_at, Scratch, WordTrie};

/// Unions up to this many distinct surfaces (and bytes) get a DFA (fastest
/// scan); larger ones a contiguous NFA, which builds in a fraction of the time
/// and memory.
const DFA_MAX_PATTERNS: usize = 20_000;
const DFA_MAX_BYTES: usize = 1 << 20;

/// What a match of one entry produces; built once per entry.
pub(crate) struct Compiled {
    /// Label, canonical, attributes and provenance (`lexicons/x.tsv:LINE`),
    /// shared by every mention of the entry.
    pub entry: Intern<MentionEntry>,
    /// The same with `possessive=true` among the attributes, built on the
    /// first possessive mention (most entries never have one).
    pub possessive: OnceLock<Intern<MentionEntry>>,
    /// For `case=sensitive` rows in a case-insensitive stage: the folded
    /// surface with ASCII case kept, compared with the matched text.
    pub exact: Option<Box<str>>,
}

impl Compiled {
    /// The entry with `possessive=true` among its attributes.
    fn possessive(&self) -> Intern<MentionEntry> {
        *self.possessive.get_or_init(|| {
            let mut attrs = (*self.entry.attrs).clone();
            attrs.insert("possessive".into(), "true".into());
            Intern::new(MentionEntry { attrs: Arc::new(attrs), ..(*self.entry).clone() })
        })
    }
}

/// One stage's compiled lexicon: its folded surfaces and what they stand for.
pub(crate) struct Matcher {
    /// Distinct folded surfaces (ASCII-lowercased when case-insensitive).
    pub patterns: Vec<String>,
    /// Pattern id → entries with that folded surface (case-sensitive rows first).
    pub groups: Vec<Box<[u32]>>,
    pub entries: Vec<Compiled>,
    pub opts: FoldOptions,
    pub whole_word: bool,
}

impl Matcher {
    fn case_insensitive(&self) -> bool {
        self.opts.lowercase
    }

    /// The entry a match of pattern `pid` at `[s, e)` stands for, if it passes
    /// the word-boundary (unless `bounded`: matched at word boundaries) and
    /// exact-case tests.
    fn accept(&self, view: &str, s: usize, e: usize, pid: u32, bounded: bool) -> Option<u32> {
        if self.whole_word && !bounded && !right_boundary(view, e) {
            return None;
        }
        let matched = &view[s..e];
        self.groups[pid as usize].iter().copied().find(|&id| match &self.entries[id as usize].exact {
            Some(exact) => **exact == *matched,
            None => true,
        })
    }

    /// The mention of entry `id` at folded `[s, e)`; `cursor` walks the
    /// offset map (mentions are made in order of their starts).
    fn mention(&self, f: &Folded<'_>, cursor: &mut usize, s: usize, e: usize, id: u32) -> Mention {
        let c = &self.entries[id as usize];
        let view: &str = &f.text;
        let rest = &view.as_bytes()[e..];
        // `'s` / `'` after a final s, not followed by a word char.
        let possessive = match rest {
            [b'\'', b's' | b'S', ..] => !starts_with_word_char(view, e + 2),
            [b'\'', ..] => matches!(view.as_bytes()[e - 1], b's' | b'S') && !starts_with_word_char(view, e + 1),
            _ => false,
        };
        let span = Span::new(f.orig_in_order(cursor, s, false), f.orig_in_order(cursor, e, true));
        Mention::new(span, if possessive { c.possessive() } else { c.entry })
    }

    /// The stage's mentions from its candidate matches, sorted by (start, end):
    /// at each start not inside the last mention, the longest that passes.
    /// `bounded`: every candidate starts and ends at word boundaries (the
    /// word-token trie finds no others), so they are not tested again.
    fn pick(&self, f: &Folded<'_>, cands: &[(usize, usize, u32)], bounded: bool, out: &mut Vec<Mention>) {
        let view: &str = &f.text;
        let mut at = 0;
        let mut cursor = 0;
        let mut i = 0;
        while i < cands.len() {
            let s = cands[i].0;
            let run = cands[i..].iter().take_while(|c| c.0 == s).count();
            let here = &cands[i..i + run];
            i += run;
            if s < at || self.whole_word && !bounded && !left_boundary(view, s) {
                continue;
            }
            for &(s, e, pid) in here.iter().rev() {
                if let Some(id) = self.accept(view, s, e, pid, bounded) {
                    out.push(self.mention(f, &mut cursor, s, e, id));
                    at = e;
                    break;
                }
            }
        }
    }
}

/// Letters and digits of any script, and combining marks (part of a word).
/// Basic Cyrillic and General Punctuation are answered without a table search.
pub(crate) fn is_word_char(c: char) -> bool {
    match c as u32 {
        0x400..=0x45F => true,
        0x2000..=0x206F => false,
        _ => c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c),
    }
}

/// Whether the char starting at byte `i` (if any) is a word char.
fn starts_with_word_char(view: &str, i: usize) -> bool {
    i < view.len() && char_at(view, i).0
}

/// Whether the char ending at byte `i` (if any) is a word char.
fn ends_with_word_char(view: &str, i: usize) -> bool {
    match i.checked_sub(1).map(|j| view.as_bytes()[j]) {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => view[..i].chars().next_back().is_some_and(is_word_char),
    }
}

fn left_boundary(view: &str, s: usize) -> bool {
    !starts_with_word_char(view, s) || !ends_with_word_char(view, s)
}

fn right_boundary(view: &str, e: usize) -> bool {
    !ends_with_word_char(view, e) || !starts_with_word_char(view, e)
}

/// How a part finds its surfaces: whole words by the word-token trie when
/// every member wants whole words, else an automaton (a DFA when small
/// enough, else a contiguous NFA).
enum Engine {
    Words(WordTrie),
    Dfa(dfa::DFA),
    Nfa(nfa::contiguous::NFA),
}

/// Call `f(end, pattern)` for every match of every pattern (overlapping), in
/// order of end, until it breaks. A plain loop over the automaton's
/// transitions: the matches are dense (short surfaces inside words), so no
/// iterator per match.
#[inline(always)]
fn each_match<A: Automaton>(
    aut: &A,
    hay: &[u8],
    mut f: impl FnMut(usize, usize) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let Ok(mut sid) = aut.start_state(Anchored::No) else { return ControlFlow::Continue(()) };
    let mut at = 0;
    loop {
        (at, sid) = walk(aut, hay, at, sid);
        if at == usize::MAX || aut.is_dead(sid) {
            return ControlFlow::Continue(());
        }
        for k in 0..aut.match_len(sid) {
            f(at, aut.match_pattern(sid, k).as_usize())?;
        }
    }
}

/// Follow transitions from `sid` over `hay[at..]` up to the next special
/// state: (the offset after its byte, the state), or `usize::MAX` at the end.
/// Kept apart so the state stays in a register.
#[inline(always)]
fn walk<A: Automaton>(aut: &A, hay: &[u8], at: usize, mut sid: StateID) -> (usize, StateID) {
    for (i, &b) in hay[at..].iter().enumerate() {
        sid = aut.next_state(Anchored::No, sid, b);
        if aut.is_special(sid) {
            return (at + i + 1, sid);
        }
    }
    (usize::MAX, sid)
}

/// The compiled surfaces of members with the same fold settings.
struct Part {
    opts: FoldOptions,
    engine: Engine,
    /// Byte length of each union surface.
    lens: Vec<u32>,
    /// Union surface `u` belongs to `owners[starts[u]..starts[u + 1]]`:
    /// (member index in the group, the member's pattern id).
    starts: Vec<u32>,
    owners: Vec<(u32, u32)>,
    /// Every owner of the surface needs whole words: a match starting
    /// mid-word is dropped early.
    whole_word: Vec<bool>,
}

/// The compiled union of a group's members (those that had joined when it was built).
struct Merged {
    members: Vec<Arc<Matcher>>,
    parts: Vec<Part>,
}

impl Merged {
    fn build(members: &[Arc<Matcher>], force_automaton: bool) -> Result<Merged, String> {
        // Members by fold settings and word rule. Whole-word members of one
        // fold setting share one trie (one scan, whatever their size); the
        // others share automata, where a member too large for a DFA stays
        // alone, so the small lexicons keep their DFA next to a million-entry one.
        let mut order: Vec<usize> = (0..members.len()).collect();
        let key = |m: &Matcher| (m.opts.lowercase, m.opts.diacritics, !m.whole_word);
        order.sort_by_key(|&i| (key(&members[i]), members[i].patterns.len()));
        let mut parts = Vec::new();
        let mut i = 0;
        while i < order.len() {
            let first = &members[order[i]];
            let trie = first.whole_word && !force_automaton;
            let mut size = first.patterns.len();
            let mut j = i + 1;
            while j < order.len()
                && key(&members[order[j]]) == key(first)
                && (trie || size + members[order[j]].patterns.len() <= DFA_MAX_PATTERNS)
            {
                size += members[order[j]].patterns.len();
                j += 1;
            }
            parts.push(Part::build(members, &order[i..j], force_automaton)?);
            i = j;
        }
        Ok(Merged { members: members.to_vec(), parts })
    }
}

impl Part {
    /// Whether every match starts and ends at word boundaries: a whole-word
    /// match of the word-token trie starts and ends a token, and tokens are
    /// maximal runs of word chars or single other chars.
    fn bounded(&self) -> bool {
        matches!(self.engine, Engine::Words(_))
    }

    /// (member, the member's pattern id) of every member with union surface `u`.
    fn owners_of(&self, u: usize) -> &[(u32, u32)] {
        &self.owners[self.starts[u] as usize..self.starts[u + 1] as usize]
    }

    /// Call `f(start, end, union surface)` for every match in the folded
    /// `view`, until it breaks.
    #[inline(always)]
    fn each_match(
        &self,
        view: &str,
        trie: &mut Scratch,
        mut f: impl FnMut(usize, usize, usize) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let mut from_end = |e: usize, p: usize| f(e - self.lens[p] as usize, e, p);
        match &self.engine {
            Engine::Words(t) => t.each_match(view, trie, f),
            Engine::Dfa(a) => each_match(a, view.as_bytes(), &mut from_end),
            Engine::Nfa(a) => each_match(a, view.as_bytes(), &mut from_end),
        }
    }

    /// `force_automaton`: no word-token trie even for whole-word members (for tests).
    fn build(members: &[Arc<Matcher>], which: &[usize], force_automaton: bool) -> Result<Part, String> {
        // (union id, member, pattern id); a member's own surfaces are distinct,
        // so only several members need a map to find shared ones.
        let mut patterns: Vec<&str> = Vec::new();
        let mut owned: Vec<(u32, u32, u32)> = Vec::new();
        let mut ids: HashMap<&str, u32> = HashMap::new();
        for &m in which {
            for (pid, p) in members[m].patterns.iter().enumerate() {
                let u = if which.len() == 1 {
                    patterns.push(p);
                    patterns.len() as u32 - 1
                } else {
                    *ids.entry(p).or_insert_with(|| {
                        patterns.push(p);
                        patterns.len() as u32 - 1
                    })
                };
                owned.push((u, m as u32, pid as u32));
            }
        }
        owned.sort_unstable();
        let mut starts = Vec::with_capacity(patterns.len() + 1);
        let mut whole_word = vec![true; patterns.len()];
        for (i, &(u, m, _)) in owned.iter().enumerate() {
            while starts.len() <= u as usize {
                starts.push(i as u32);
            }
            whole_word[u as usize] &= members[m as usize].whole_word;
        }
        starts.resize(patterns.len() + 1, owned.len() as u32);
        let owners = owned.into_iter().map(|(_, m, pid)| (m, pid)).collect();
        let opts = members[which[0]].opts;
        let dfa =
            patterns.len() <= DFA_MAX_PATTERNS && patterns.iter().map(|p| p.len()).sum::<usize>() <= DFA_MAX_BYTES;
        let ci = members[which[0]].case_insensitive();
        // Members of a part agree on the word rule (see `Merged::build`).
        let engine = if members[which[0]].whole_word && !force_automaton {
            Ok(Engine::Words(WordTrie::build(&patterns, ci)))
        } else if dfa {
            dfa::Builder::new()
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(ci)
                .prefilter(false)
                .build(&patterns)
                .map(Engine::Dfa)
        } else {
            nfa::contiguous::Builder::new()
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(ci)
                .prefilter(false)
                .build(&patterns)
                .map(Engine::Nfa)
        }
        .map_err(|e| format!("cannot build the automaton: {e}"))?;
        let lens = patterns.iter().map(|p| p.len() as u32).collect();
        Ok(Part { opts, engine, lens, starts, owners, whole_word })
    }
}

/// The lexicon stages of one pipeline. Shared through the build context.
pub struct LexiconGroup {
    id: u64,
    members: Mutex<Vec<Arc<Matcher>>>,
    /// `members.len()`, read without the lock by each member on each document.
    joined: AtomicUsize,
    merged: RwLock<Option<Arc<Merged>>>,
}

impl Default for LexiconGroup {
    fn default() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        LexiconGroup {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            members: Mutex::new(Vec::new()),
            joined: AtomicUsize::new(0),
            merged: RwLock::new(None),
        }
    }
}

/// Per-thread scratch space of a scan.
struct Buffers {
    /// Candidate matches per member.
    cands: Vec<Vec<(usize, usize, u32)>>,
    /// Scratch of the word-token scan.
    trie: Scratch,
}

thread_local! {
    static BUFFERS: RefCell<Buffers> = const { RefCell::new(Buffers { cands: Vec::new(), trie: Scratch::new() }) };
}

/// Every member's mentions in a document's text, left in the document's
/// scratch by the first member to run; each later member takes its own.
struct GroupFound {
    group: u64,
    members: usize,
    /// Address and length of the text scanned. A document's text is never
    /// rewritten; this guards the cache against a stage that would.
    text: (usize, usize),
    /// Per member; `None` once taken.
    found: Vec<Option<Vec<Mention>>>,
}

impl LexiconGroup {
    /// Add a stage's matcher; returns its index in the group.
    pub(crate) fn join(&self, m: Matcher) -> usize {
        let mut members = self.members.lock().unwrap_or_else(|e| e.into_inner());
        members.push(Arc::new(m));
        self.joined.store(members.len(), Ordering::Release);
        members.len() - 1
    }

    /// The compiled union of every member so far (rebuilt after a member joins).
    fn merged(&self) -> Result<Arc<Merged>, String> {
        let count = self.members.lock().unwrap_or_else(|e| e.into_inner()).len();
        if let Some(m) = &*self.merged.read().unwrap_or_else(|e| e.into_inner()) {
            if m.members.len() == count {
                return Ok(Arc::clone(m));
            }
        }
        let mut slot = self.merged.write().unwrap_or_else(|e| e.into_inner());
        if let Some(m) = &*slot {
            if m.members.len() == count {
                return Ok(Arc::clone(m));
            }
        }
        let members = self.members.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let m = Arc::new(Merged::build(&members, false)?);
        *slot = Some(Arc::clone(&m));
        Ok(m)
    }

    /// Build the automaton now rather than on the first document.
    pub(crate) fn prepare(&self) -> Result<(), String> {
        self.merged().map(drop)
    }

    /// Member `index`'s mentions in `text`, in order, without region filtering.
    /// Fails only when the union automaton cannot be built (a size limit).
    pub(crate) fn find(&self, index: usize, text: &str) -> Result<Vec<Mention>, String> {
        let merged = self.merged()?;
        Ok(scan_all(&merged, text).swap_remove(index))
    }

    /// [`find`](Self::find) in a document's text: the first member to run
    /// scans for every member and leaves the others their mentions in the
    /// document's scratch (where they take them without touching the
    /// group's locks).
    pub(crate) fn find_in(&self, index: usize, doc: &mut Document) -> Result<Vec<Mention>, String> {
        let text = (doc.text.as_ptr() as usize, doc.text.len());
        if let Some(g) = doc.scratch.get_mut::<GroupFound>() {
            if (g.group, g.members, g.text) == (self.id, self.joined.load(Ordering::Acquire), text) {
                if let Some(mine) = g.found[index].take() {
                    return Ok(mine);
                }
            }
        }
        let merged = self.merged()?;
        let members = merged.members.len();
        let mut found: Vec<Option<Vec<Mention>>> = scan_all(&merged, &doc.text).into_iter().map(Some).collect();
        // Room in the layer for every member's mentions at once, rather than a
        // reallocation per member.
        let total = found.iter().flatten().map(Vec::len).sum();
        doc.layers.mentions.get_or_insert_with(Vec::new).reserve(total);
        let mine = found[index].take().unwrap_or_default();
        doc.scratch.put(GroupFound { group: self.id, members, text, found });
        Ok(mine)
    }

    /// Whether member `index` finds a mention in `text`, without building any:
    /// the scan stops at the first match the member accepts (its word and case
    /// tests), which `pick` always keeps or passes over for an earlier one. So
    /// it answers `!find(index, text).is_empty()` at a fraction of the cost.
    ///
    /// A long text is scanned a few lines at a time, so that a cue near its
    /// start costs no pass over the rest: no surface spans a line break (the
    /// fold keeps them), so a match lies inside one chunk, and the line break
    /// beside a chunk's edge is a word boundary either way.
    pub(crate) fn finds_any(&self, index: usize, text: &str) -> Result<bool, String> {
        let merged = self.merged()?;
        let mut rest = text;
        while !rest.is_empty() {
            let cut = match memchr::memchr(b'\n', rest.as_bytes().get(CHUNK..).unwrap_or_default()) {
                Some(i) => CHUNK + i + 1,
                None => rest.len(),
            };
            let (chunk, after) = rest.split_at(cut);
            if finds_any_in(&merged, index, chunk) {
                return Ok(true);
            }
            rest = after;
        }
        Ok(false)
    }
}

/// Bytes a [`LexiconGroup::finds_any`] chunk holds at least (it ends at a line break).
const CHUNK: usize = 2048;

/// [`LexiconGroup::finds_any`] in one chunk.
fn finds_any_in(merged: &Merged, index: usize, text: &str) -> bool {
    let member = &merged.members[index];
    let index = index as u32;
    BUFFERS.with(|buffers| {
        let trie = &mut buffers.borrow_mut().trie;
        let mut folded: Option<Folded<'_>> = None;
        for part in merged.parts.iter().filter(|p| p.opts == member.opts) {
            let f = folded.get_or_insert_with(|| fold(text, member.opts));
            let view: &str = &f.text;
            let bounded = part.bounded();
            let accepted = |s: usize, e: usize, p: usize| {
                let found = part.owners_of(p).iter().any(|&(m, pid)| {
                    m == index
                        && (!member.whole_word || bounded || left_boundary(view, s))
                        && member.accept(view, s, e, pid, bounded).is_some()
                });
                if found {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            };
            if part.each_match(view, trie, accepted).is_break() {
                return true;
            }
        }
        false
    })
}

/// Every member's mentions in `text`.
fn scan_all(merged: &Merged, text: &str) -> Vec<Vec<Mention>> {
    let n = merged.members.len();
    let mut found = vec![Vec::new(); n];
    BUFFERS.with(|buffers| {
        let b = &mut *buffers.borrow_mut();
        b.cands.resize_with(n, Vec::new);
        scan(merged, text, &mut b.cands[..n], &mut found, &mut b.trie);
    });
    found
}

/// Fold `text` once per fold setting, scan each part, deal out the matches and
/// let every member pick its mentions.
fn scan(
    merged: &Merged,
    text: &str,
    cands: &mut [Vec<(usize, usize, u32)>],
    found: &mut [Vec<Mention>],
    trie: &mut Scratch,
) {
    let mut folded: Option<(FoldOptions, Folded<'_>)> = None;
    for part in &merged.parts {
        if folded.as_ref().is_none_or(|(o, _)| *o != part.opts) {
            folded = Some((part.opts, fold(text, part.opts)));
        }
        let f = &folded.as_ref().expect("set above").1;
        let view: &str = &f.text;
        for list in cands.iter_mut() {
            list.clear();
        }
        let bounded = part.bounded();
        let on_match = |s: usize, e: usize, p: usize| {
            if bounded || !part.whole_word[p] || left_boundary(view, s) {
                for &(member, pid) in part.owners_of(p) {
                    cands[member as usize].push((s, e, pid));
                }
            }
            ControlFlow::Continue(())
        };
        let _ = part.each_match(view, trie, on_match);
        for (i, list) in cands.iter_mut().enumerate() {
            if list.is_empty() {
                continue;
            }
            // The trie reports them mostly in order already.
            if !list.is_sorted() {
                list.sort_unstable();
            }
            found[i].reserve(list.len());
            merged.members[i].pick(f, list, bounded, &mut found[i]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_char_shortcuts_agree_with_unicode() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let unicode = c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c);
            assert_eq!(is_word_char(c), unicode, "is_word_char({c:?} U+{:04X})", c as u32);
        }
    }

    /// The word-token trie finds exactly what the automaton finds, for every
    /// default lexicon, on the seed articles and on hostile text.
    #[test]
    fn trie_and_automaton_agree() {
        let stages = crate::lexicon::default_lexicons().unwrap();
        let group = &stages[0].group;
        let members = group.members.lock().unwrap().clone();
        let (trie, automaton) = (Merged::build(&members, false).unwrap(), Merged::build(&members, true).unwrap());
        assert!(trie.parts.iter().all(|p| matches!(p.engine, Engine::Words(_))), "the defaults use the trie");
        let mut texts = crate::seed_texts();
        texts.push("Kyiv’s ZSU—ЗСУ said: “irretrievable” losses,Russia's 5-year-old U.S.-made e\u{301} Kyiv".into());
        texts.push("-".repeat(70) + "Ukraine" + &"é".repeat(40) + " Russia-Ukraine-");
        let n = members.len();
        for text in &texts {
            let run = |m: &Merged| {
                let mut cands = vec![Vec::new(); n];
                let mut found = vec![Vec::new(); n];
                scan(m, text, &mut cands, &mut found, &mut Scratch::new());
                found
                    .iter()
                    .map(|f| f.iter().map(|m| (m.span, m.canonical.to_string())).collect::<Vec<_>>())
                    .collect::<Vec<_>>()
            };
            let (a, b) = (run(&trie), run(&automaton));
            assert!(a.iter().map(Vec::len).sum::<usize>() > 0 || text.len() < 200, "mentions found");
            assert_eq!(a, b, "trie vs automaton on {:?}", &text[..text.len().min(80)]);
        }
    }
}
