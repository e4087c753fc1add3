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
//! scans for all and leaves the result in the document's scratch, one list
//! of every member's mentions in layer order; a run of members the pipeline
//! runs back to back goes into the layer at once, with one merge.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::{ControlFlow, Range};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{dfa, nfa, Anchored, MatchKind};
use claimex_pipeline::{Intern, Mention, MentionEntry, Scratch, Span};

use super::fold::{fold, FoldOptions, Folded};
use super::order;
use super::trie::{char_at, Scratch as TrieScratch, WordTrie};

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

/// A pattern with several entries, or one with an exact-case test.
const NO_SINGLE: u32 = u32::MAX;

/// One stage's compiled lexicon: its folded surfaces and what they stand for.
pub(crate) struct Matcher {
    /// Distinct folded surfaces (ASCII-lowercased when case-insensitive).
    pub patterns: Vec<String>,
    /// Pattern id → entries with that folded surface (case-sensitive rows first).
    pub groups: Vec<Box<[u32]>>,
    pub entries: Vec<Compiled>,
    /// Pattern id → its entry when it has one and no exact-case test (most
    /// patterns), else [`NO_SINGLE`]: a match is accepted with one read of
    /// a compact array, not three dependent ones through `groups` and `entries`.
    pub single: Vec<u32>,
    pub opts: FoldOptions,
    pub whole_word: bool,
    /// The stage's mentions replace shorter overlapping ones of earlier
    /// stages (see the `exclusive` rule in the module docs of `lexicon`).
    pub exclusive: bool,
}

impl Matcher {
    fn case_insensitive(&self) -> bool {
        self.opts.lowercase
    }

    /// The entry a match of pattern `pid` at `[s, e)` stands for, if it passes
    /// the word-boundary (unless `bounded`: matched at word boundaries) and
    /// exact-case tests.
    fn accept(&self, view: &str, s: usize, e: usize, pid: u32, bounded: bool) -> Option<u32> {
        if self.whole_word && !bounded && !(left_boundary(view, s) && right_boundary(view, e)) {
            return None;
        }
        let single = self.single[pid as usize];
        if single != NO_SINGLE {
            return Some(single);
        }
        let matched = &view[s..e];
        self.groups[pid as usize].iter().copied().find(|&id| match &self.entries[id as usize].exact {
            Some(exact) => **exact == *matched,
            None => true,
        })
    }

    /// A matcher of `patterns`, each standing for the entries `groups` lists.
    pub(crate) fn new(
        patterns: Vec<String>,
        groups: Vec<Box<[u32]>>,
        entries: Vec<Compiled>,
        opts: FoldOptions,
        whole_word: bool,
        exclusive: bool,
    ) -> Matcher {
        let single = groups
            .iter()
            .map(|g| match **g {
                [id] if entries[id as usize].exact.is_none() => id,
                _ => NO_SINGLE,
            })
            .collect();
        Matcher { patterns, groups, entries, single, opts, whole_word, exclusive }
    }
}

/// Whether a match ending at folded `e` is possessive: `'s` (or `'` after a
/// final s) follows, not followed by a word char.
fn possessive_at(view: &str, e: usize) -> bool {
    match &view.as_bytes()[e..] {
        [b'\'', b's' | b'S', ..] => !starts_with_word_char(view, e + 2),
        [b'\'', ..] => matches!(view.as_bytes()[e - 1], b's' | b'S') && !starts_with_word_char(view, e + 1),
        _ => false,
    }
}

/// Letters and digits of any script, and combining marks (part of a word).
/// The Latin letters past ASCII, basic Cyrillic and General Punctuation are
/// answered without a table search.
pub(crate) fn is_word_char(c: char) -> bool {
    match c as u32 {
        0xD7 | 0xF7 => false,
        0xC0..=0x24F | 0x400..=0x45F => true,
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

/// A member that has a union surface, as its pattern `pid`.
#[derive(Clone, Copy)]
struct Owner {
    member: u32,
    pid: u32,
    /// The member's entry for the pattern (and what its mentions point to),
    /// when it is the only one and has no exact-case test.
    single: Option<(u32, Intern<MentionEntry>)>,
}

/// The compiled surfaces of members with the same fold settings.
struct Part {
    opts: FoldOptions,
    engine: Engine,
    /// Byte length of each union surface.
    lens: Vec<u32>,
    /// Union surface `u` belongs to the members `owners[starts[u]..starts[u + 1]]`.
    starts: Vec<u32>,
    owners: Vec<Owner>,
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

    /// The members with union surface `u`.
    fn owners_of(&self, u: usize) -> &[Owner] {
        &self.owners[self.starts[u] as usize..self.starts[u + 1] as usize]
    }

    /// Call `f(start, end, union surface)` for every match in the folded
    /// `view`, until it breaks.
    #[inline(always)]
    fn each_match(
        &self,
        view: &str,
        trie: &mut TrieScratch,
        mut f: impl FnMut(usize, usize, usize) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let mut from_end = |e: usize, p: usize| f(e - self.lens[p] as usize, e, p);
        match &self.engine {
            Engine::Words(t) => t.each_match(view, trie, f),
            Engine::Dfa(a) => each_match(a, view.as_bytes(), &mut from_end),
            Engine::Nfa(a) => each_match(a, view.as_bytes(), &mut from_end),
        }
    }

    /// Every member's mentions from the part's matches `cands` (sorted by
    /// (start, end)), added to `out` in layer order: for each member, at each
    /// start not inside its last mention (`at[member]`), the longest of its
    /// surfaces there that passes its tests. One pass for all members: a
    /// match is tried for each member that owns its surface.
    fn pick(
        &self,
        members: &[Arc<Matcher>],
        f: &Folded<'_>,
        cands: &[(usize, usize, u32)],
        at: &mut [usize],
        out: &mut Found,
    ) {
        let view: &str = &f.text;
        let bounded = self.bounded();
        // Cursors in the offset map, for starts and for ends.
        let (mut starts, mut ends) = (0, 0);
        let mut i = 0;
        while i < cands.len() {
            let s = cands[i].0;
            let run = cands[i..].iter().take_while(|c| c.0 == s).count();
            let here = &cands[i..i + run];
            i += run;
            let first = out.len();
            // Made longest first, each surface's owners last first: in
            // reverse layer order, unless an owner of several entries made
            // one (its label is known only now).
            let mut reversed = true;
            for &(_, e, p) in here.iter().rev() {
                let mut possessive = None;
                for o in self.owners_of(p as usize).iter().rev() {
                    let m = o.member as usize;
                    if s < at[m] {
                        continue;
                    }
                    // Most owners of a whole-word surface need no test and
                    // no read of their matcher.
                    let (id, entry) = match o.single {
                        Some(single) if bounded => single,
                        _ => {
                            reversed &= o.single.is_some();
                            let member = &members[m];
                            match member.accept(view, s, e, o.pid, bounded) {
                                Some(id) => (id, member.entries[id as usize].entry),
                                None => continue,
                            }
                        }
                    };
                    at[m] = e;
                    let entry = match *possessive.get_or_insert_with(|| possessive_at(view, e)) {
                        true => members[m].entries[id as usize].possessive(),
                        false => entry,
                    };
                    out.push((Mention::new(Span::new(s, e), entry), o.member));
                }
            }
            let here = &mut out[first..];
            if here.is_empty() {
                continue;
            }
            // A member makes one mention at a start.
            if reversed {
                here.reverse();
                debug_assert!(here.is_sorted_by(|a, b| layer_order(a, b).is_lt()), "owners in layer order");
            } else {
                here.sort_unstable_by(layer_order);
            }
            let start = f.orig_in_order(&mut starts, s, false);
            for (mention, _) in here {
                mention.span = Span::new(start, f.orig_in_order(&mut ends, mention.span.end, true));
            }
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
        // A surface's owners in the layer's order of their mentions of it
        // (label, then stage), so that `pick` makes them in order; the label
        // is their first entry's (the only one, for most).
        let label = |&(_, m, pid): &(u32, u32, u32)| {
            let matcher = &members[m as usize];
            Arc::clone(&matcher.entries[matcher.groups[pid as usize][0] as usize].entry.label)
        };
        owned.sort_by_cached_key(|o| (o.0, label(o), o.1));
        let mut starts = Vec::with_capacity(patterns.len() + 1);
        let mut whole_word = vec![true; patterns.len()];
        for (i, &(u, m, _)) in owned.iter().enumerate() {
            while starts.len() <= u as usize {
                starts.push(i as u32);
            }
            whole_word[u as usize] &= members[m as usize].whole_word;
        }
        starts.resize(patterns.len() + 1, owned.len() as u32);
        let owners = owned
            .into_iter()
            .map(|(_, m, pid)| {
                let matcher = &members[m as usize];
                let single = matcher.single[pid as usize];
                let single = (single != NO_SINGLE).then(|| (single, matcher.entries[single as usize].entry));
                Owner { member: m, pid, single }
            })
            .collect();
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
    /// Candidate matches: (start, end, union surface).
    cands: Vec<(usize, usize, u32)>,
    /// Per member: the end of its last mention.
    at: Vec<usize>,
    /// Scratch of the word-token scan.
    trie: TrieScratch,
}

/// Groups whose compiled union a thread keeps a handle to (the last ones it used).
const HELD_GROUPS: usize = 4;

thread_local! {
    /// This thread's handles to the compiled unions of the groups it last
    /// used, by group id (see [`LexiconGroup::with_merged`]).
    static MERGED: RefCell<Vec<(u64, Arc<Merged>)>> = const { RefCell::new(Vec::new()) };
    static BUFFERS: RefCell<Buffers> = const { RefCell::new(Buffers { cands: Vec::new(), at: Vec::new(), trie: TrieScratch::new() }) };
}

/// Every member's mentions in one text, each with its member, in layer order
/// (start, end, label, member): one list for all members, rather than one
/// per member to be merged into the layer one after the other.
type Found = Vec<(Mention, u32)>;

/// Every member's mentions in a document's text, left in the document's
/// scratch by the first member to run, for the members after it.
pub(crate) struct GroupFound {
    group: u64,
    /// Address and length of the text scanned. A document's text is never
    /// rewritten; this guards the cache against a stage that would.
    text: (usize, usize),
    found: Found,
    /// Per member (of those the scan was for): whether it is an `exclusive`
    /// stage, and the member that added its mentions to the layer, if one has.
    members: Vec<(bool, Option<usize>)>,
}

impl GroupFound {
    /// The mentions of the members in `members`, in layer order.
    pub(crate) fn mentions(&self, members: Range<usize>) -> impl Iterator<Item = Mention> + '_ {
        self.found.iter().filter(move |(_, m)| members.contains(&(*m as usize))).map(|&(mention, _)| mention)
    }

    /// Whether member `m` is an `exclusive` stage.
    pub(crate) fn exclusive(&self, m: usize) -> bool {
        self.members[m].0
    }

    /// The scan result [`LexiconGroup::take`] left in a document's scratch.
    pub(crate) fn left_in(scratch: &mut Scratch) -> &GroupFound {
        scratch.get_mut::<GroupFound>().expect("left by LexiconGroup::take")
    }
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

    /// `f` of the compiled union, from this thread's copy of its handle when
    /// it has a current one. Every document asks for the union (and `triage`
    /// asks for it per sentence): through the group's locks, each ask wrote
    /// two locks and the handle's count, cache lines all workers share; the
    /// thread's own copy is read without a write.
    fn with_merged<R>(&self, f: impl FnOnce(&Merged) -> R) -> Result<R, String> {
        let count = self.joined.load(Ordering::Acquire);
        let mut f = Some(f);
        let held = MERGED.try_with(|held| {
            let held = held.borrow();
            let m = held.iter().find(|(id, m)| *id == self.id && m.members.len() == count)?;
            f.take().map(|f| f(&m.1))
        });
        if let Ok(Some(r)) = held {
            return Ok(r);
        }
        let m = self.merged()?;
        let _ = MERGED.try_with(|held| {
            let mut held = held.borrow_mut();
            held.retain(|(id, _)| *id != self.id);
            held.truncate(HELD_GROUPS - 1);
            held.insert(0, (self.id, Arc::clone(&m)));
        });
        Ok(f.take().expect("not called yet")(&m))
    }

    /// Build the automaton now rather than on the first document.
    pub(crate) fn prepare(&self) -> Result<(), String> {
        self.merged().map(drop)
    }

    /// Member `index`'s mentions in `text`, in order, without region filtering.
    /// Fails only when the union automaton cannot be built (a size limit).
    pub(crate) fn find(&self, index: usize, text: &str) -> Result<Vec<Mention>, String> {
        let index = index as u32;
        self.with_merged(|merged| {
            scan_all(merged, text).into_iter().filter(|&(_, m)| m == index).map(|(mention, _)| mention).collect()
        })
    }

    /// The members whose mentions member `index` adds to a document's
    /// layer: itself, and the members after it up to `index + run` (the
    /// stages that run right after it, see `lexicon::link_runs`) that no
    /// member has added. Empty when an earlier member of its run added its
    /// mentions.
    ///
    /// The first member to run scans the text for every member and leaves
    /// the result in the document's scratch ([`GroupFound::left_in`]), where
    /// the later ones find it without touching the group's locks. A member
    /// asked again on the same text (a document run twice) scans again, as a
    /// stage alone would.
    pub(crate) fn take(
        &self,
        index: usize,
        run: usize,
        text: &str,
        scratch: &mut Scratch,
    ) -> Result<Range<usize>, String> {
        let key = (text.as_ptr() as usize, text.len());
        let cached = scratch.get_mut::<GroupFound>().is_some_and(|g| {
            (g.group, g.members.len(), g.text) == (self.id, self.joined.load(Ordering::Acquire), key)
                && g.members[index].1 != Some(index)
        });
        if !cached {
            let (found, members) = self.with_merged(|merged| {
                (scan_all(merged, text), merged.members.iter().map(|m| (m.exclusive, None)).collect())
            })?;
            scratch.put(GroupFound { group: self.id, text: key, found, members });
        }
        let g = scratch.get_mut::<GroupFound>().expect("put above");
        if g.members[index].1.is_some() {
            return Ok(index..index);
        }
        let end = (index + run.max(1)).min(g.members.len());
        let end = (index..end).find(|&m| g.members[m].1.is_some()).unwrap_or(end);
        g.members[index..end].iter_mut().for_each(|m| m.1 = Some(index));
        Ok(index..end)
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
        self.with_merged(|merged| {
            let mut rest = text;
            while !rest.is_empty() {
                let cut = match memchr::memchr(b'\n', rest.as_bytes().get(CHUNK..).unwrap_or_default()) {
                    Some(i) => CHUNK + i + 1,
                    None => rest.len(),
                };
                let (chunk, after) = rest.split_at(cut);
                if finds_any_in(merged, index, chunk) {
                    return true;
                }
                rest = after;
            }
            false
        })
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
                let found = part
                    .owners_of(p)
                    .iter()
                    .any(|o| o.member == index && member.accept(view, s, e, o.pid, bounded).is_some());
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
fn scan_all(merged: &Merged, text: &str) -> Found {
    let mut found = Found::new();
    BUFFERS.with(|buffers| {
        let b = &mut *buffers.borrow_mut();
        scan(merged, text, &mut b.cands, &mut b.at, &mut found, &mut b.trie);
    });
    found
}

/// Fold `text` once per fold setting, scan each part, and let every member
/// pick its mentions from the part's matches.
fn scan(
    merged: &Merged,
    text: &str,
    cands: &mut Vec<(usize, usize, u32)>,
    at: &mut Vec<usize>,
    found: &mut Found,
    trie: &mut TrieScratch,
) {
    let mut folded: Option<(FoldOptions, Folded<'_>)> = None;
    at.clear();
    at.resize(merged.members.len(), 0);
    let mut parts_found = 0;
    for part in &merged.parts {
        if folded.as_ref().is_none_or(|(o, _)| *o != part.opts) {
            folded = Some((part.opts, fold(text, part.opts)));
        }
        let f = &folded.as_ref().expect("set above").1;
        let view: &str = &f.text;
        cands.clear();
        let bounded = part.bounded();
        // Kept sorted as they come: the trie reports them in order of their
        // anchors, so a match moves back only past the few that start
        // between its start and its anchor (where a sort of the list cost
        // a comparison sort's every time).
        let on_match = |s: usize, e: usize, p: usize| {
            if bounded || !part.whole_word[p] || left_boundary(view, s) {
                let c = (s, e, p as u32);
                let mut k = cands.len();
                cands.push(c);
                while k > 0 && cands[k - 1] > c {
                    cands[k] = cands[k - 1];
                    k -= 1;
                }
                cands[k] = c;
            }
            ControlFlow::Continue(())
        };
        let _ = part.each_match(view, trie, on_match);
        debug_assert!(cands.is_sorted());
        let before = found.len();
        part.pick(&merged.members, f, cands, at, found);
        parts_found += usize::from(found.len() > before);
    }
    if parts_found > 1 {
        found.sort_unstable_by(layer_order);
    }
}

/// The layer's order of mentions ([`order`]), then the stage order for
/// mentions that tie.
fn layer_order(a: &(Mention, u32), b: &(Mention, u32)) -> std::cmp::Ordering {
    order(&a.0, &b.0).then(a.1.cmp(&b.1))
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
                let found = scan_all(m, text);
                (0..n as u32)
                    .map(|k| {
                        found.iter().filter(|f| f.1 == k).map(|(m, _)| (m.span, m.canonical.to_string())).collect()
                    })
                    .collect::<Vec<Vec<_>>>()
            };
            let (a, b) = (run(&trie), run(&automaton));
            assert!(a.iter().map(Vec::len).sum::<usize>() > 0 || text.len() < 200, "mentions found");
            assert_eq!(a, b, "trie vs automaton on {:?}", &text[..text.len().min(80)]);
        }
    }
}
