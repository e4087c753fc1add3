//! One scan for every lexicon stage of a pipeline.
//!
//! The stages built with one [`BuildContext`](claimex_pipeline::BuildContext)
//! join one [`LexiconGroup`]. On the first document the group compiles the
//! union of their surfaces into as few automata as their fold settings allow;
//! a document is then folded once and scanned once, all overlapping surface
//! matches are dealt out to the stages, and each stage picks its mentions with
//! its own rules (leftmost, longest that passes the word and case tests). The
//! result per stage is exactly what a separate leftmost-longest scan with
//! shorter-surface retries would give; it is a pure function of the text, so
//! the stages after the first take theirs from a per-thread cache keyed by the
//! text itself.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind, StartKind};
use claimex_pipeline::{Attrs, Mention, Provenance, Span};

use super::fold::{fold, FoldOptions, Folded};

/// Unions up to this many distinct surfaces (and bytes) get a DFA (fastest
/// scan); larger ones a contiguous NFA, which builds in a fraction of the time
/// and memory.
const DFA_MAX_PATTERNS: usize = 20_000;
const DFA_MAX_BYTES: usize = 1 << 20;

/// What a match of one entry produces; built once per entry.
pub(crate) struct Compiled {
    pub label: Arc<str>,
    pub canonical: Arc<str>,
    pub attrs: Attrs,
    /// `attrs` plus `possessive=true`.
    pub attrs_poss: Attrs,
    /// `lexicons/x.tsv:LINE`.
    pub rule: Arc<str>,
    /// For `case=sensitive` rows in a case-insensitive stage: the folded
    /// surface with ASCII case kept, compared with the matched text.
    pub exact: Option<Box<str>>,
}

/// One stage's compiled lexicon: its folded surfaces and what they stand for.
pub(crate) struct Matcher {
    pub name: Arc<str>,
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
    /// the word-boundary and exact-case tests.
    fn accept(&self, view: &str, s: usize, e: usize, pid: u32) -> Option<u32> {
        if self.whole_word && !right_boundary(view, e) {
            return None;
        }
        let matched = &view[s..e];
        self.groups[pid as usize].iter().copied().find(|&id| match &self.entries[id as usize].exact {
            Some(exact) => **exact == *matched,
            None => true,
        })
    }

    fn mention(&self, f: &Folded<'_>, s: usize, e: usize, id: u32) -> Mention {
        let c = &self.entries[id as usize];
        let view: &str = &f.text;
        let rest = &view.as_bytes()[e..];
        // `'s` / `'` after a final s, not followed by a word char.
        let possessive = match rest {
            [b'\'', b's' | b'S', ..] => !starts_with_word_char(view, e + 2),
            [b'\'', ..] => matches!(view.as_bytes()[e - 1], b's' | b'S') && !starts_with_word_char(view, e + 1),
            _ => false,
        };
        Mention {
            span: Span::new(f.orig(s, false), f.orig(e, true)),
            label: Arc::clone(&c.label),
            canonical: Arc::clone(&c.canonical),
            attrs: Arc::clone(if possessive { &c.attrs_poss } else { &c.attrs }),
            prov: Provenance::new(&self.name, &c.rule),
        }
    }

    /// The stage's mentions from its candidate matches, sorted by (start, longest first).
    fn pick(&self, f: &Folded<'_>, cands: &[(usize, usize, u32)], out: &mut Vec<Mention>) {
        let view: &str = &f.text;
        let mut at = 0;
        let mut i = 0;
        while i < cands.len() {
            let s = cands[i].0;
            let run = cands[i..].iter().take_while(|c| c.0 == s).count();
            let here = &cands[i..i + run];
            i += run;
            if s < at || self.whole_word && !left_boundary(view, s) {
                continue;
            }
            for &(s, e, pid) in here {
                if let Some(id) = self.accept(view, s, e, pid) {
                    out.push(self.mention(f, s, e, id));
                    at = e;
                    break;
                }
            }
        }
    }
}

/// Letters and digits of any script, and combining marks (part of a word).
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// Whether the char starting at byte `i` (if any) is a word char.
fn starts_with_word_char(view: &str, i: usize) -> bool {
    match view.as_bytes().get(i) {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => view[i..].chars().next().is_some_and(is_word_char),
    }
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

/// A union surface and the stages that have it.
struct Union {
    /// (member index in the group, the member's pattern id).
    owners: Box<[(u32, u32)]>,
    /// Every owner needs whole words: drop the match early when it starts mid-word.
    whole_word: bool,
}

/// One automaton over the surfaces of members with the same fold settings.
struct Part {
    opts: FoldOptions,
    ac: AhoCorasick,
    unions: Vec<Union>,
}

/// The compiled union of a group's members (those that had joined when it was built).
struct Merged {
    members: Vec<Arc<Matcher>>,
    parts: Vec<Part>,
}

impl Merged {
    fn build(members: &[Arc<Matcher>]) -> Result<Merged, String> {
        // Members by fold settings; a member too large for a DFA stays alone, so
        // the small lexicons keep their DFA next to a million-entry one.
        let mut order: Vec<usize> = (0..members.len()).collect();
        order.sort_by_key(|&i| (members[i].opts.lowercase, members[i].opts.diacritics, members[i].patterns.len()));
        let mut parts = Vec::new();
        let mut i = 0;
        while i < order.len() {
            let first = &members[order[i]];
            let mut size = first.patterns.len();
            let mut j = i + 1;
            while j < order.len()
                && members[order[j]].opts == first.opts
                && size + members[order[j]].patterns.len() <= DFA_MAX_PATTERNS
            {
                size += members[order[j]].patterns.len();
                j += 1;
            }
            parts.push(Part::build(members, &order[i..j])?);
            i = j;
        }
        Ok(Merged { members: members.to_vec(), parts })
    }
}

impl Part {
    fn build(members: &[Arc<Matcher>], which: &[usize]) -> Result<Part, String> {
        let mut patterns: Vec<&str> = Vec::new();
        let mut unions: Vec<(Vec<(u32, u32)>, bool)> = Vec::new();
        let mut ids: HashMap<&str, usize> = HashMap::new();
        for &m in which {
            for (pid, p) in members[m].patterns.iter().enumerate() {
                let u = *ids.entry(p).or_insert_with(|| {
                    patterns.push(p);
                    unions.push((Vec::new(), true));
                    patterns.len() - 1
                });
                unions[u].0.push((m as u32, pid as u32));
                unions[u].1 &= members[m].whole_word;
            }
        }
        let opts = members[which[0]].opts;
        let dfa = patterns.len() <= DFA_MAX_PATTERNS && patterns.iter().map(|p| p.len()).sum::<usize>() <= DFA_MAX_BYTES;
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(members[which[0]].case_insensitive())
            .start_kind(StartKind::Unanchored)
            .kind(dfa.then_some(AhoCorasickKind::DFA))
            .build(&patterns)
            .map_err(|e| format!("cannot build the automaton: {e}"))?;
        let unions =
            unions.into_iter().map(|(owners, whole_word)| Union { owners: owners.into(), whole_word }).collect();
        Ok(Part { opts, ac, unions })
    }
}

/// The lexicon stages of one pipeline. Shared through the build context.
pub struct LexiconGroup {
    id: u64,
    members: Mutex<Vec<Arc<Matcher>>>,
    merged: RwLock<Option<Arc<Merged>>>,
}

impl Default for LexiconGroup {
    fn default() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        LexiconGroup {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            members: Mutex::new(Vec::new()),
            merged: RwLock::new(None),
        }
    }
}

/// The last text scanned on this thread and every member's mentions in it.
struct Cache {
    group: u64,
    members: usize,
    text: String,
    found: Vec<Option<Vec<Mention>>>,
    /// Scratch: candidate matches per member.
    cands: Vec<Vec<(usize, usize, u32)>>,
}

thread_local! {
    static CACHE: RefCell<Cache> =
        const { RefCell::new(Cache { group: u64::MAX, members: 0, text: String::new(), found: Vec::new(), cands: Vec::new() }) };
}

impl LexiconGroup {
    /// Add a stage's matcher; returns its index in the group.
    pub(crate) fn join(&self, m: Matcher) -> usize {
        let mut members = self.members.lock().unwrap_or_else(|e| e.into_inner());
        members.push(Arc::new(m));
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
        let m = Arc::new(Merged::build(&members)?);
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
        let n = merged.members.len();
        CACHE.with(|cache| {
            let mut c = cache.borrow_mut();
            if c.group == self.id && c.members == n && c.text == text {
                if let Some(found) = c.found.get_mut(index).and_then(Option::take) {
                    return Ok(found);
                }
            }
            let c = &mut *c;
            c.group = self.id;
            c.members = n;
            c.text.clear();
            c.text.push_str(text);
            c.found.clear();
            c.found.resize_with(n, || Some(Vec::new()));
            c.cands.resize_with(n, Vec::new);
            scan(&merged, text, &mut c.cands, &mut c.found);
            Ok(c.found[index].take().unwrap_or_default())
        })
    }
}

/// Fold `text` once per fold setting, scan each part, deal out the matches and
/// let every member pick its mentions.
fn scan(merged: &Merged, text: &str, cands: &mut [Vec<(usize, usize, u32)>], found: &mut [Option<Vec<Mention>>]) {
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
        for m in part.ac.find_overlapping_iter(view) {
            let (s, e) = (m.start(), m.end());
            let u = &part.unions[m.pattern().as_usize()];
            if u.whole_word && !left_boundary(view, s) {
                continue;
            }
            for &(member, pid) in u.owners.iter() {
                cands[member as usize].push((s, e, pid));
            }
        }
        for (i, list) in cands.iter_mut().enumerate() {
            if list.is_empty() {
                continue;
            }
            list.sort_unstable_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
            let out = found[i].get_or_insert_with(Vec::new);
            merged.members[i].pick(f, list, out);
        }
    }
}
