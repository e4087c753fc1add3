//! Who asserts each sentence's figures, and when.
//!
//! A sentence's own attribution comes from a report cue ("said", "according
//! to", "wrote on Telegram") and the source next to it: a claimant from the
//! lexicon, a role resolved to the official holding it at the time, a country
//! ("Ukraine says", "Russian officials said"), a pronoun resolved to the last
//! person named, or a capitalised name no lexicon knows. Quoted sentences take
//! the attribution of their quote. Sentences without one continue the
//! statement before them: within a paragraph, into list items, and into the
//! next paragraph while the article keeps giving figures.

use std::sync::Arc;

use chrono::NaiveDate;
use claimex_pipeline::{Mention, SentenceKind, Span};

use super::text::{
    at_most_words, first_word, has_clause_break, has_double_quote, is_capitalised, is_word, last_raw_word, last_word,
    lower_words, starts_with_lower, words,
};
use super::{day_date, kind, Settings, Tagged, View};
use crate::lexicon::fold::{fold, FoldOptions};

/// The source and date a sentence's figures are stated with. The names are
/// shared (mostly the lexicon's own canonical names), as statements are
/// copied onto every sentence they carry over.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Statement {
    /// Canonical claimant; `None` when the article asserts the figure itself
    /// or names no source ("according to available information").
    pub claimant: Option<Arc<str>>,
    /// The side the claimant speaks for (resolves "the enemy").
    pub side: Option<Arc<str>>,
    pub as_of: Option<NaiveDate>,
    /// A place named in the sentence that introduces the statement.
    pub location: Option<Arc<str>>,
    /// True when the sentence itself holds a report cue.
    pub own: bool,
}

/// A resolved source.
#[derive(Clone, Debug)]
struct Source {
    name: Option<Arc<str>>,
    side: Option<Arc<str>>,
    outlet: bool,
}

/// The statement behind every content sentence of the view, in order.
pub fn statements(view: &View<'_>, settings: &Settings) -> Vec<Statement> {
    let n = view.sents.len();
    let mut own: Vec<Option<Statement>> = Vec::with_capacity(n);
    // The last person named, for pronouns in later sentences.
    let mut last_person: Option<&Mention> = None;
    let mut last_side: Option<Arc<str>> = None;
    for si in 0..n {
        let st = own_statement(view, si, settings, last_person, &last_side);
        if let Some(s) = &st {
            if s.side.is_some() {
                last_side = s.side.clone();
            }
        }
        for m in view.sents[si].mentions {
            if m.is(kind::CLAIMANT) && m.attr("type") == Some("person") {
                last_person = Some(m.m);
            }
        }
        own.push(st);
    }

    // Quoted sentences without their own cue take the attribution of the quote,
    // found in the sentence where the quote closes or opens.
    // Only the sentences overlapping a quote can close, open or lie in it.
    for q in &view.quotes {
        let near = view.sents_overlapping(*q);
        let sents = &view.sents[near.clone()];
        let closing = sents.iter().position(|s| s.span.start < q.end && q.end <= s.span.end);
        let opening = sents.iter().position(|s| s.span.start <= q.start && q.start < s.span.end);
        let source = closing
            .and_then(|i| own[near.start + i].clone())
            .or_else(|| opening.and_then(|i| own[near.start + i].clone()));
        let Some(source) = source else { continue };
        for (si, s) in near.clone().zip(sents) {
            if own[si].is_none()
                && q.contains(Span::new(s.span.start.max(q.start), s.span.end.min(q.end)))
                && s.span.overlaps(*q)
            {
                let inside = s.span.start >= q.start || s.span.end <= q.end;
                if inside {
                    own[si] = Some(source.clone());
                }
            }
        }
    }

    // "X wrote that on Facebook.": a figure-less report of "that" covers the paragraph before.
    for si in 0..n {
        if own[si].is_some() && view.sents[si].quants.is_empty() && refers_back(view, si) {
            let para = view.sents[si].paragraph;
            let source = own[si].clone();
            for sj in (0..si).rev() {
                let p = view.sents[sj].paragraph;
                if p == para {
                    continue;
                }
                if own[sj].is_some() || view.sents[sj].kind == SentenceKind::Heading {
                    break;
                }
                own[sj] = source.clone();
                if sj > 0 && view.sents[sj - 1].paragraph != p {
                    break;
                }
            }
        }
    }

    // Carry statements over continuing sentences, list items and paragraphs.
    // A statement crosses into the next paragraph only from a sentence that names
    // its source, or from a list; an "As of" date stays with its sentence and list.
    let mut out = Vec::with_capacity(n);
    let mut current: Option<Statement> = None;
    let mut list_head: Option<Statement> = None;
    let mut last_as_of: Vec<(Arc<str>, NaiveDate)> = Vec::new();
    for si in 0..n {
        let s = &view.sents[si];
        let new_para = si == 0 || view.sents[si - 1].paragraph != s.paragraph;
        if new_para && si > 0 && s.kind != SentenceKind::ListItem {
            let prev = &view.sents[si - 1];
            let carries =
                own[si - 1].is_some() || prev.kind == SentenceKind::ListItem || prev.kind == SentenceKind::Heading;
            if !carries {
                current = None;
            }
        }
        let mut st = match (&own[si], s.kind) {
            (Some(o), _) => {
                let mut o = o.clone();
                if o.as_of.is_none() {
                    // "Syrskyi also said": the same source's last dated statement.
                    if let Some(name) = &o.claimant {
                        o.as_of = last_as_of.iter().rev().find(|(n, _)| n == name).map(|(_, d)| *d);
                    }
                }
                o
            }
            (None, SentenceKind::ListItem) => list_head.clone().or_else(|| current.clone()).unwrap_or_default(),
            (None, _) => current.clone().map(|c| Statement { own: false, ..c }).unwrap_or_default(),
        };
        if st.own {
            if let (Some(name), Some(d)) = (&st.claimant, st.as_of) {
                last_as_of.push((Arc::clone(name), d));
            }
        }
        let carried = st.clone();
        // "As of November 5th": the sentence's own reference date, for it and its list.
        if let Some(d) = as_of_date(view, si) {
            st.as_of = Some(d);
        }
        if st.location.is_none() {
            st.location = sentence_place(view, si);
        }
        if s.kind != SentenceKind::ListItem {
            let ends_with_colon = view.text(s.span).trim_end().ends_with(':');
            list_head = ends_with_colon.then(|| st.clone());
            if s.kind != SentenceKind::Heading || carried.own {
                current = Some(Statement { location: st.location.clone(), ..carried });
            }
        }
        out.push(st);
    }
    out
}

/// A place named in the sentence (outside quotes of other speakers), for the
/// statement's location.
fn sentence_place(view: &View<'_>, si: usize) -> Option<Arc<str>> {
    view.sents[si]
        .mentions
        .iter()
        .find(|m| m.is(kind::PLACE) && !super::figure::used_as_actor(view, si, m))
        .map(|m| Arc::clone(&m.canonical))
}

/// "As of DATE" anywhere in the sentence.
fn as_of_date(view: &View<'_>, si: usize) -> Option<NaiveDate> {
    let s = &view.sents[si];
    s.dates.iter().find_map(|d| {
        let mut back = words(view.gap(s.span.start, d.span.start)).rev();
        let lead_as_of = back.next().is_some_and(|w| is_word(w, "of")) && back.next().is_some_and(|w| is_word(w, "as"));
        (lead_as_of || starts_with_lower(view.text(d.span), "as of")).then(|| day_date(d)).flatten()
    })
}

/// After the cue only "that"/"this"/"it" and a place or channel: a report
/// about what came before.
fn refers_back(view: &View<'_>, si: usize) -> bool {
    let s = &view.sents[si];
    s.mentions.iter().filter(|m| m.is(kind::REPORT)).any(|cue| {
        let mut w = words(view.gap(cue.span.end, s.span.end));
        w.next().is_some_and(|w| ["that", "this", "it", "so"].iter().any(|c| is_word(w, c)))
            && w.next().is_none_or(|w| ["on", "in", "via"].iter().any(|c| is_word(w, c)))
    })
}

/// The sentence's own attribution, from its report cues (outside quotes).
fn own_statement(
    view: &View<'_>,
    si: usize,
    settings: &Settings,
    last_person: Option<&Mention>,
    last_side: &Option<Arc<str>>,
) -> Option<Statement> {
    let s = &view.sents[si];
    let cues: Vec<Tagged<'_>> = s
        .mentions
        .iter()
        .copied()
        .filter(|m| m.is(kind::REPORT) && view.in_quote(m.span).is_none())
        .filter(|m| {
            !s.mentions.iter().any(|o| o.is(kind::LOSS) && o.span.overlaps(m.span) && o.span.len() > m.span.len())
        })
        // Last: the costliest test (it folds and searches the clause).
        .filter(|m| !disclaims(view, si, m, settings))
        .collect();
    // "according to the statement": a cue naming an earlier statement refers back to it.
    let (back_refs, cues): (Vec<Tagged<'_>>, Vec<Tagged<'_>>) = cues.into_iter().partition(|m| {
        let t = view.text(m.span);
        // An ASCII cue splits into the same words before and after lowercasing.
        m.attr("claimant").is_none()
            && if t.is_ascii() {
                words(t).any(|w| settings.statement_nouns.iter().any(|n| is_word(w, n)))
            } else {
                words(&t.to_lowercase()).any(|w| settings.statement_nouns.iter().any(|n| n == w))
            }
    });
    if cues.is_empty() {
        if !back_refs.is_empty() {
            return None;
        }
        return headline_dash(view, si, settings, last_side);
    }
    let mut best: Option<(Source, &Mention)> = None;
    let mut unnamed = false;
    for cue in &cues {
        let after_cue = cue.attr("claimant") == Some("after");
        let lead = view.gap(s.span.start, cue.span.start).trim_end();
        let inverted = lead.is_empty() || lead.ends_with([',', '—', '–', '-']) || lead.ends_with(['"', '”']);
        let heading = s.kind == SentenceKind::Heading;
        let found = if after_cue {
            source_after(view, si, cue, settings, last_side, !heading)
        } else if inverted {
            adjacent_after(view, si, cue, settings, last_side, heading)
                .or_else(|| source_before(view, si, cue, settings, last_person, last_side, !heading))
        } else {
            source_before(view, si, cue, settings, last_person, last_side, !heading).or_else(|| {
                let next = s.mentions.iter().find(|m| m.span.start >= cue.span.end)?;
                if !at_most_words(view.gap(cue.span.end, next.span.start), 0) {
                    return None;
                }
                adjacent_after(view, si, cue, settings, last_side, heading)
            })
        };
        match found {
            Some(src) => {
                let better = match &best {
                    None => true,
                    Some((b, _)) => (b.outlet && !src.outlet) || (b.name.is_none() && src.name.is_some()),
                };
                if better {
                    best = Some((src, cue));
                }
            }
            None => unnamed = true,
        }
    }
    let (src, cue) = match best {
        Some(b) => b,
        None if unnamed => {
            // A cue with no source we can name: "according to the statement" refers
            // back (handled by the caller's carry-over), anything else is unnamed.
            let cue = cues[0];
            let after = view.gap(cue.span.end, s.span.end);
            if lower_words(after).take(3).any(|w| settings.statement_nouns.iter().any(|n| *n == *w)) {
                return None;
            }
            return Some(Statement { own: true, ..Default::default() });
        }
        None => return None,
    };
    let as_of = statement_date(view, si, cue);
    Some(Statement { claimant: src.name, side: src.side, as_of, location: None, own: true })
}

/// "a figure Newsweek noted it could not independently verify": the cue
/// disclaims the figure rather than asserting it.
fn disclaims(view: &View<'_>, si: usize, cue: &Mention, settings: &Settings) -> bool {
    let s = &view.sents[si];
    let after = view.gap(cue.span.end, s.span.end);
    // ASCII marks: a byte search finds them.
    let clause = &after[..memchr::memchr3(b',', b';', b'.', after.as_bytes()).unwrap_or(after.len())];
    // Folding never lengthens a clause: one shorter than every cue holds none;
    // nor does it change letters or digits, which the needle test reads.
    if clause.len() < settings.unverified_cues.min_len() || !settings.unverified_cues.may_match(clause) {
        return false;
    }
    let folded = fold(clause, FoldOptions { lowercase: false, diacritics: false });
    settings.unverified_cues.is_match(folded.text.as_ref())
}

/// "Russia has lost over 20,000 soldiers – Ukraine's commander-in-chief": a
/// headline whose source follows a dash at its end.
fn headline_dash(view: &View<'_>, si: usize, settings: &Settings, last_side: &Option<Arc<str>>) -> Option<Statement> {
    let s = &view.sents[si];
    if s.kind != SentenceKind::Heading {
        return None;
    }
    let text = view.text(s.span);
    let dash = last_dash(text)?;
    let tail_start = s.span.start + dash;
    let source = s
        .mentions
        .iter()
        .filter(|m| m.span.start > tail_start && at_most_words(view.gap(tail_start, m.span.start), 2))
        .filter(|m| at_most_words(view.gap(m.span.end, s.span.end), 1))
        .find_map(|m| source_of(view, si, m, settings, last_side))?;
    Some(Statement { claimant: source.name, side: source.side, as_of: None, location: None, own: true })
}

/// Where the last spaced dash (" – ", " — ", " - ") of `text` starts: every
/// one starts with a space, so only spaces are tried, from the end.
fn last_dash(text: &str) -> Option<usize> {
    memchr::memrchr_iter(b' ', text.as_bytes())
        .find(|&i| [" – ", " — ", " - "].iter().any(|d| text[i..].starts_with(d)))
}

/// The date attached to the statement: right after the cue ("said on
/// Wednesday"), or opening the sentence ("On November 5, …", "In a January 1st,
/// 2025, Telegram post, …").
fn statement_date(view: &View<'_>, si: usize, cue: &Mention) -> Option<NaiveDate> {
    let s = &view.sents[si];
    for d in s.dates {
        let Some(date) = day_date(d) else { continue };
        if d.span.start >= cue.span.end {
            let gap = view.gap(cue.span.end, d.span.start);
            if at_most_words(gap, 3) && !gap.contains(['.', ';', ':']) {
                return Some(date);
            }
        } else {
            let lead = view.gap(s.span.start, d.span.start);
            if at_most_words(lead, 2) {
                return Some(date);
            }
        }
    }
    None
}

/// An actor written as part of another name ("Ukraine's General Staff",
/// "Russia's Kursk Oblast", "the Kursk region of Russia").
pub fn attributive(view: &View<'_>, si: usize, m: &Mention) -> bool {
    let s = &view.sents[si];
    let followed = s.mentions.iter().any(|o| {
        o.span.start >= m.span.end && o.is(kind::LOCATION | kind::ROLE | kind::CLAIMANT) && {
            let gap = view.gap(m.span.end, o.span.start);
            gap.chars().count() <= 3 && !has_clause_break(gap)
        }
    });
    let inside = s
        .mentions
        .iter()
        .any(|o| !std::ptr::eq(o.m, m) && o.span.contains(m.span) && o.span != m.span && !o.is(kind::ACTOR));
    let before = last_word(view.gap(s.span.start, m.span.start));
    let preposition = matches!(before.as_deref(), Some("of" | "into" | "in"));
    followed || inside || preposition
}

fn source_of(
    view: &View<'_>,
    si: usize,
    m: &Tagged<'_>,
    settings: &Settings,
    last_side: &Option<Arc<str>>,
) -> Option<Source> {
    if m.is(kind::CLAIMANT) {
        let ty = m.attr("type").unwrap_or("organisation");
        if ty == "country" && (attributive(view, si, m) || super::figure::object_of_verb(view, si, m)) {
            return None;
        }
        if m.attr("ambiguous") == Some("true") {
            // "the General Staff": the document's "General Staff of Ukraine", or the speaker side's.
            let prefix = format!("{} of ", m.canonical);
            let named = view
                .doc
                .layers
                .mentions
                .iter()
                .flatten()
                .find(|o| *o.label == *settings.labels.claimant && o.canonical.starts_with(&prefix))
                .map(|o| (Arc::clone(&o.canonical), o.attr("side").map(Arc::from)));
            let (name, side) = match (role_side(view, si, m), named) {
                (Some(side), _) => (Some(Arc::from(format!("{prefix}{side}"))), Some(side)),
                (None, Some((name, side))) => (Some(name), side),
                (None, None) => match last_side.clone() {
                    Some(side) => (Some(Arc::from(format!("{prefix}{side}"))), Some(side)),
                    None => (None, None),
                },
            };
            return name.map(|n| Source { name: Some(n), side, outlet: false });
        }
        // "a senior White House official", "Pentagon officials": unnamed officials
        // of a body speak for its country (CLAIMS.md "Unnamed officials").
        if ty == "organisation" {
            if let Some(side) = m.attr("side").filter(|_| official_noun_after(view, si, m, settings)) {
                let side: Arc<str> = Arc::from(side);
                return Some(Source { name: Some(Arc::clone(&side)), side: Some(side), outlet: false });
            }
        }
        return Some(Source {
            name: Some(Arc::clone(&m.canonical)),
            side: m.attr("side").map(Arc::from),
            outlet: ty == "outlet",
        });
    }
    if m.is(kind::ROLE) {
        let side = role_side(view, si, m).or_else(|| last_side.clone());
        let date = view.doc.meta.published;
        let name = side.as_deref().and_then(|sd| settings.official(&m.canonical, sd, date).map(Arc::from));
        // An unresolvable role of a known side speaks for that side.
        let name = name.or_else(|| side.clone());
        return Some(Source { name, side, outlet: false });
    }
    if m.is(kind::ACTOR) && !attributive(view, si, m) && !super::figure::object_of_verb(view, si, m) {
        let ty = m.attr("type").unwrap_or("country");
        if m.canonical.as_ref() == "enemy" {
            return None;
        }
        let official = official_noun_after(view, si, m, settings);
        if matches!(ty, "country" | "metonym") || official {
            return Some(Source {
                name: Some(Arc::clone(&m.canonical)),
                side: Some(Arc::clone(&m.canonical)),
                outlet: false,
            });
        }
    }
    None
}

/// True when an official noun follows the mention ("Ukrainian officials",
/// "White House official").
fn official_noun_after(view: &View<'_>, si: usize, m: &Mention, settings: &Settings) -> bool {
    let next = first_word(view.gap(m.span.end, view.sents[si].span.end));
    next.is_some_and(|w| settings.official_nouns.iter().any(|n| *n == *w))
}

/// The side of a role: an actor just before it ("Ukraine's commander-in-chief",
/// "Ukrainian President") or just after ("Commander-in-Chief of Ukraine's armed forces").
fn role_side(view: &View<'_>, si: usize, role: &Mention) -> Option<Arc<str>> {
    let s = &view.sents[si];
    s.mentions
        .iter()
        .filter(|a| a.is(kind::ACTOR) && a.canonical.as_ref() != "enemy")
        .find(|a| {
            if a.span.end <= role.span.start {
                let gap = view.gap(a.span.end, role.span.start);
                at_most_words(gap, 2) && !has_clause_break(gap)
            } else if a.span.start >= role.span.end {
                let gap = view.gap(role.span.end, a.span.start);
                at_most_words(gap, 2) && words(gap).next() == Some("of")
            } else {
                false
            }
        })
        .map(|a| Arc::clone(&a.canonical))
}

/// The source written before a "said"-type cue, nearest first.
fn source_before(
    view: &View<'_>,
    si: usize,
    cue: &Mention,
    settings: &Settings,
    last_person: Option<&Mention>,
    last_side: &Option<Arc<str>>,
    unknown_names: bool,
) -> Option<Source> {
    let s = &view.sents[si];
    let before = view.gap(s.span.start, cue.span.start);
    // A pronoun right before the cue: "he said", "he added in the message".
    if let Some(w) = last_raw_word(before) {
        if settings.pronouns.iter().any(|p| is_word(w, p)) {
            if let Some(p) = last_person {
                return Some(Source {
                    name: Some(Arc::clone(&p.canonical)),
                    side: p.attr("side").map(Arc::from),
                    outlet: false,
                });
            }
        }
    }
    // "Ukraine launched its incursion …, claiming that …": a participle reports
    // for the sentence's subject.
    if view.text(cue.span).ends_with("ing") {
        return s
            .mentions
            .iter()
            .filter(|m| m.span.end <= cue.span.start && view.in_quote(m.span).is_none())
            .find_map(|m| source_of(view, si, m, settings, last_side));
    }
    for m in s.mentions.iter().rev().filter(|m| m.span.end <= cue.span.start) {
        if view.in_quote(m.span).is_some() {
            continue;
        }
        let gap = view.gap(m.span.end, cue.span.start);
        if !at_most_words(gap, 14)
            || has_double_quote(gap)
            || (!at_most_words(gap, 0) && memchr::memchr2(b',', b';', gap.as_bytes()).is_some())
        {
            break;
        }
        // A person in apposition to a role wins over the role.
        if let Some(src) = source_of(view, si, m, settings, last_side) {
            return Some(src);
        }
    }
    if unknown_names {
        unknown_name_before(view, si, cue)
    } else {
        None
    }
}

/// "…, said Syrskyi", "…, says Ukraine": the source right after the cue.
fn adjacent_after(
    view: &View<'_>,
    si: usize,
    cue: &Mention,
    settings: &Settings,
    last_side: &Option<Arc<str>>,
    heading: bool,
) -> Option<Source> {
    let s = &view.sents[si];
    let after = first_word(view.gap(cue.span.end, s.span.end));
    if matches!(after.as_deref(), Some("that" | "in" | "on" | "it" | "this")) {
        return None;
    }
    let first = s.mentions.iter().find(|m| m.span.start >= cue.span.end)?;
    if !at_most_words(view.gap(cue.span.end, first.span.start), 2) {
        return None;
    }
    source_of(view, si, first, settings, last_side).or_else(|| {
        if heading {
            None
        } else {
            unknown_name_after(view, si, cue)
        }
    })
}

/// The source written after an "according to"-type cue (or "…, said X").
fn source_after(
    view: &View<'_>,
    si: usize,
    cue: &Mention,
    settings: &Settings,
    last_side: &Option<Arc<str>>,
    unknown_names: bool,
) -> Option<Source> {
    let s = &view.sents[si];
    for m in s.mentions.iter().filter(|m| m.span.start >= cue.span.end) {
        let gap = view.gap(cue.span.end, m.span.start);
        if !at_most_words(gap, 8)
            || memchr::memchr3(b',', b';', b'.', gap.as_bytes()).is_some()
            || has_double_quote(gap)
        {
            break;
        }
        if let Some(src) = source_of(view, si, m, settings, last_side) {
            // "according to a report from Ukraine's General Staff, cited by The Kyiv
            // Independent": the source, not the relay, is what the cue names first.
            return Some(src);
        }
    }
    if unknown_names {
        unknown_name_after(view, si, cue)
    } else {
        None
    }
}

word_list! {
    /// Stop words that start capitalised sequences but are not names.
    not_name = [
        "The", "A", "An", "In", "On", "At", "As", "But", "And", "He", "She", "It", "They", "This", "That",
    ]
}

/// A run of capitalised words, as written, for sources no lexicon knows.
fn name_run<'t>(tokens: impl Iterator<Item = &'t str>) -> Option<String> {
    let mut run: Vec<&str> = Vec::new();
    for t in tokens {
        if is_capitalised(t)
            && !not_name(t)
            && t.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '’')
        {
            run.push(t);
        } else {
            break;
        }
    }
    (run.len() >= 2 && run.len() <= 4).then(|| run.join(" "))
}

fn unknown_name_before(view: &View<'_>, si: usize, cue: &Mention) -> Option<Source> {
    let s = &view.sents[si];
    let before = view.gap(s.span.start, cue.span.start).trim_end().trim_end_matches(',').trim_end();
    // Read from the cue backwards, only as far as the run goes.
    let name = name_run(before.split_whitespace().rev()).map(|n| n.split(' ').rev().collect::<Vec<_>>().join(" "))?;
    Some(Source { name: Some(Arc::from(name)), side: None, outlet: false })
}

fn unknown_name_after(view: &View<'_>, si: usize, cue: &Mention) -> Option<Source> {
    let s = &view.sents[si];
    let after = view.gap(cue.span.end, s.span.end);
    let name = name_run(after.split(|c: char| c.is_whitespace() || c == ',' || c == '.').filter(|t| !t.is_empty()))?;
    Some(Source { name: Some(Arc::from(name)), side: None, outlet: false })
}
