//! Is a quantity a claim, and of what: category, object, subject and group
//! from the terms around it.
//!
//! The head of the figure is what follows it in its clause ("38,000
//! casualties", "54 tanks", "909 Russian soldiers", "25,200 were losses");
//! cues before it ("lost over 1,000 pieces", "a loss of 20,842 individuals")
//! give the category when the head is a plain personnel noun. The subject is
//! the side named inside the figure's noun phrase ("3,000 North Korean
//! soldiers", "troops from North Korea"), else the nearest side named before it
//! in the sentence; "the enemy" resolves against the speaker's side, and when
//! the sentence's subject inflicted the loss ("Ukraine captured 700") the
//! figure is the other side's.

use std::sync::Arc;

use claimex_pipeline::{Category, Group, Mention, Object, Quantity, UnitKind};

use super::attribution::{attributive, Statement};
use super::text::{
    at_most_words, find_clause_end, has_clause_break, last_word, lower_words, rfind_clause_start, words,
};
use super::{kind, Settings, Tagged, View};

/// What a figure inherits when its own sentence does not say: the head of the
/// list it belongs to ("…, including:") and the side of the figures just before
/// ("Of this number, 25,200 were losses").
#[derive(Clone, Debug, Default)]
pub struct Inherited {
    pub head_subject: Option<String>,
    pub head_category: Option<Category>,
    pub head_group: Option<Group>,
    pub recent_subject: Option<String>,
    pub recent_group: Option<Group>,
}

pub struct Figure {
    pub category: Category,
    pub object: Option<Object>,
    pub subject: String,
    pub group: Option<Group>,
    pub confidence: f32,
    pub rule: Arc<str>,
}

/// Most words between a figure and its head noun.
const HEAD_WORDS: usize = 6;
/// Most words between a cue before the figure and the figure.
const CUE_BEFORE_WORDS: usize = 12;
/// Equipment is often listed after the personnel figure of the same loss cue
/// ("losses reached 38,000, …, and over 1,000 pieces of equipment").
const EQUIPMENT_CUE_WORDS: usize = 18;

fn category_of(m: &Mention) -> Option<Category> {
    Category::parse(&m.canonical)
}

/// A term inside a longer name of another kind ("area" in "Kursk area") is not a cue.
fn inside_other_name(view: &View<'_>, si: usize, m: &Mention) -> bool {
    view.sents[si].overlapping(m.span).iter().any(|o| {
        o.span.overlaps(m.span) && o.is(kind::LOCATION | kind::CLAIMANT | kind::ROLE) && o.span.len() > m.span.len()
    })
}

/// Whether a quantity can be a claim's figure at all: a count (no unit, or an
/// area), at least one, and whole unless it has a unit. The `triage` stage
/// settles documents with this test, so the two can never disagree.
pub fn candidate(q: &Quantity) -> bool {
    q.unit.as_ref().is_none_or(|u| u.kind == UnitKind::Area)
        && q.value >= 1.0
        && (q.value.fract() == 0.0 || q.unit.is_some())
}

/// Read the figure `q` (a [`candidate`]) of sentence `si`; `None` when it is not a claim.
pub fn read(
    view: &View<'_>,
    si: usize,
    q: &Quantity,
    settings: &Settings,
    st: &Statement,
    inherited: &Inherited,
) -> Option<Figure> {
    let s = &view.sents[si];
    debug_assert!(candidate(q), "claims reads candidate figures only");
    // The clause after the figure: up to a clause break or the next figure,
    // reading past an appositive ("198 civilians, including three children, had
    // been killed").
    let rest = view.gap(q.span.end, s.span.end);
    let first_break = find_clause_end(rest).unwrap_or(rest.len());
    let appositive = rest[first_break..]
        .strip_prefix(", including ")
        .and_then(|tail| tail.find(',').map(|close| (first_break, first_break + ", including ".len() + close + 1)));
    // The nearest later figure that is not an age; the age test reads the
    // sentence's mentions, so it runs on the nearest candidates only.
    let mut from = q.span.end;
    let next_q = loop {
        let Some(st) = s
            .quants
            .iter()
            .map(|o| o.span.start)
            .filter(|&st| st >= from)
            .filter(|&st| appositive.is_none_or(|(a, b)| !(q.span.end + a <= st && st < q.span.end + b)))
            .min()
        else {
            break s.span.end;
        };
        if !after_age_cue(view, si, st) {
            break st;
        }
        from = st + 1;
    };
    let clause_end = match appositive {
        Some((_, b)) if q.span.end + b <= next_q => {
            let after = view.gap(q.span.end + b, next_q);
            q.span.end + b + find_clause_end(after).unwrap_or(after.len())
        }
        _ => {
            let after = view.gap(q.span.end, next_q);
            q.span.end + find_clause_end(after).unwrap_or(after.len())
        }
    };
    let in_appositive =
        |m: &Mention| appositive.is_some_and(|(a, b)| q.span.end + a <= m.span.start && m.span.end <= q.span.end + b);
    // Mentions are sorted by start: those after the figure are a suffix.
    let after_q = s.mentions.partition_point(|m| m.span.start < q.span.end);
    let after: Vec<&Tagged<'_>> = s.mentions[after_q..]
        .iter()
        .filter(|m| m.span.end <= clause_end && !in_appositive(m))
        .filter(|m| {
            let gap = view.gap(q.span.end, m.span.start);
            at_most_words(gap, HEAD_WORDS + 4) || appositive.is_some() && at_most_words(gap, HEAD_WORDS + 14)
        })
        .collect();
    // Non-claims in the figure's clause: rates, exchanges, plans.
    let clause_start = {
        let before = view.gap(s.span.start, q.span.start);
        s.span.start + rfind_clause_start(before).map_or(0, |i| i + 1)
    };
    // Ages stand before the figure ("aged 50"), rates after it ("a day"); other
    // reasons (exchanges, plans) on either side.
    if s.mentions.iter().any(|m| {
        if !m.is(kind::NONCLAIM) {
            return false;
        }
        let reason = m.canonical.as_ref();
        // "for nearly a month", "in a day": a duration, not a rate.
        if reason == "rate"
            && matches!(
                last_word(view.gap(s.span.start, m.span.start)).as_deref(),
                Some("for" | "nearly" | "almost" | "within" | "in" | "about" | "over")
            )
        {
            return false;
        }
        let after_ok = reason != "age";
        let before_ok = reason != "rate";
        (after_ok
            && m.span.start >= q.span.end
            && m.span.end <= clause_end
            && at_most_words(view.gap(q.span.end, m.span.start), 6))
            || (before_ok
                && m.span.end <= q.span.start
                && m.span.start >= clause_start
                && at_most_words(
                    view.gap(m.span.end, q.span.start),
                    match reason {
                        "age" => 3,
                        // "the average daily number of Russian losses is 899"
                        "average" => 10,
                        _ => 4,
                    },
                ))
    }) {
        return None;
    }

    let head_equipment = after.iter().find(|m| m.is(kind::EQUIPMENT)).copied();
    let head_person = after.iter().find(|m| m.is(kind::PERSON)).copied();
    // A loss after a deployment word is what happened to the counted people
    // ("500 soldiers who took part in the assault were killed"): it wins.
    let loss_cues = || {
        after
            .iter()
            .copied()
            .filter(|m| m.is(kind::LOSS) && category_of(m).is_some() && !inside_other_name(view, si, m))
    };
    let loss_after = loss_cues().find(|m| category_of(m) != Some(Category::Deployed)).or_else(|| loss_cues().next());
    // Cues before the figure in the same sentence, nearest first, within a
    // limit that depends on the figure's head (read once, when first needed).
    let mut limit = None;
    let loss_before = s
        .mentions
        .iter()
        .rev()
        // Mentions starting earlier end before `start + longest`: once the
        // text from there to the figure is too long for any limit, so is every
        // remaining gap (a list sentence stops here, not at its start). Only
        // worth testing in sentences with many mentions.
        .take_while(|m| {
            if s.mentions.len() <= 32 {
                return true;
            }
            let reach = view.doc.text.ceil_char_boundary(m.span.start + s.longest_mention).min(q.span.start);
            let gap = view.gap(reach, q.span.start);
            at_most_words(gap, EQUIPMENT_CUE_WORDS.max(CUE_BEFORE_WORDS))
                && memchr::memchr2(b';', b'.', gap.as_bytes()).is_none()
        })
        .filter(|m| m.span.end <= q.number_span.start && m.span.start < q.span.start.max(q.number_span.start))
        .filter(|m| m.is(kind::LOSS) && category_of(m).is_some())
        .filter(|m| !inside_other_name(view, si, m))
        .find(|m| {
            let gap = view.gap(m.span.end.min(q.span.start), q.span.start);
            let limit = *limit.get_or_insert_with(|| {
                if head_equipment_present(view, si, q) {
                    EQUIPMENT_CUE_WORDS
                } else {
                    CUE_BEFORE_WORDS
                }
            });
            at_most_words(gap, limit) && memchr::memchr2(b';', b'.', gap.as_bytes()).is_none()
        });
    // The cue right before the figure decides whether its subject inflicted the
    // loss ("captured 700 prisoners", "killed eight people").
    let inflicted_here = loss_before
        .is_some_and(|c| at_most_words(view.gap(c.span.end, q.span.start), 3) && inflicts(view, c, settings));

    let is_area = q.unit.as_ref().is_some_and(|u| u.kind == UnitKind::Area);
    if q.value == 1.0 && words(view.gap(q.span.end, s.span.end)).next() == Some("of") {
        return None;
    }
    if !is_area && unknown_head(view, si, q) {
        return None;
    }
    let (category, object, rule, inflicted) = if is_area {
        let cue = loss_after.or(loss_before)?;
        let c = category_of(cue)?;
        if !matches!(c, Category::Territory | Category::Captured | Category::Settlements) {
            return None;
        }
        (Category::Territory, None, "area+territory-cue", loss_before.is_some())
    } else if let Some(eq) = head_equipment.filter(|e| {
        head_person.is_none_or(|p| e.span.start < p.span.start)
            && loss_after
                .is_none_or(|la| e.span.start < la.span.start || !at_most_words(view.gap(q.span.end, la.span.start), 3))
    }) {
        // Equipment counts only as a loss: a destroy/lose/capture cue must be present,
        // here or in the head of the list the figure belongs to.
        let cue_category = match loss_before.or(loss_after) {
            Some(cue) => category_of(cue),
            None => inherited.head_category,
        };
        if matches!(cue_category, Some(Category::Deployed) | None) {
            return None;
        }
        let object = Object::parse(&eq.canonical).unwrap_or(Object::Other);
        (Category::Equipment, Some(object), "equipment-head", inflicted_here)
    } else {
        // Personnel: a loss noun as head, or a personnel head with a cue around it.
        let head_loss = loss_after.filter(|m| {
            head_person.is_none_or(|p| m.span.start < p.span.start)
                && at_most_words(view.gap(q.span.end, m.span.start), 3)
        });
        let personnel_cue = |m: &&Tagged<'_>| category_of(m).is_some_and(|c| c.is_personnel());
        let loss_after = loss_after.filter(|a| head_person.is_none() || personnel_cue(a) || loss_before.is_none());
        // A verb right before the figure governs it ("killed two diners and a
        // worker and wounded nine"): a later verb belongs to the next clause.
        let governed = loss_before.is_some_and(|b| {
            let gap = view.gap(b.span.end, q.span.start);
            at_most_words(gap, 2) && !has_clause_break(gap) && b.attr("pos") == Some("verb")
        });
        let cue = match (head_loss, loss_after, loss_before) {
            (Some(h), _, _) => h,
            (None, Some(a), _) if head_person.is_some() && !governed => a,
            (None, _, Some(b)) if head_person.is_some() || !has_clause_break(view.gap(b.span.end, q.span.start)) => b,
            (None, Some(a), None) => a,
            _ => {
                // A list item or "including N children" under a personnel figure.
                let c = inherited.head_category.filter(|c| c.is_personnel())?;
                head_person?;
                let subject = subject(view, si, q, clause_end, settings, st, c, false)
                    .or_else(|| inherited.head_subject.clone())?;
                let group = group(view, si, q, head_person, settings, c).or(inherited.head_group);
                return Some(Figure {
                    category: c,
                    object: None,
                    subject,
                    group,
                    confidence: 0.7,
                    rule: Arc::from("inherited-head"),
                });
            }
        };
        let inflicted = inflicted_here
            && (cue.span.start < q.span.start || head_loss.is_some_and(|h| category_of(h) == Some(Category::Captured)));
        let c = category_of(cue)?;
        if matches!(c, Category::Equipment | Category::Territory) {
            return None;
        }
        if c == Category::Settlements {
            let taken = loss_before
                .or(loss_after)
                .is_some_and(|m| matches!(category_of(m), Some(Category::Territory | Category::Captured)))
                || inherited.head_category == Some(Category::Settlements);
            if head_person.is_some() || !taken {
                return None;
            }
        }
        let rule = if head_loss.is_some() { "loss-head" } else { "personnel+cue" };
        (c, None, rule, inflicted)
    };

    // Last, the speaker's own side: an official reporting a loss that names no
    // side ("According to the governor, … leaving one woman injured").
    let subject = subject(view, si, q, clause_end, settings, st, category, inflicted)
        .or_else(|| inherited.head_subject.clone())
        .or_else(|| inherited.recent_subject.clone())
        .or_else(|| st.side.as_deref().filter(|_| category.is_personnel() && !inflicted).map(String::from))?;
    let group = if category.is_personnel() {
        group(view, si, q, head_person, settings, category).or(inherited.head_group).or(inherited.recent_group)
    } else {
        None
    };
    let confidence = match rule {
        "loss-head" | "equipment-head" => 0.9,
        _ => 0.75,
    };
    Some(Figure { category, object, subject, group, confidence, rule: Arc::from(rule) })
}

word_list! {
    /// Words that may follow a figure without being its head noun.
    not_head = [
        "were", "was", "are", "is", "have", "had", "has", "been", "of", "in", "and", "or", "more", "other",
        "additional", "extra", "new", "who", "which", "that", "to", "from", "at", "on", "as", "by", "during",
        "since", "so", "including", "plus", "total", "a", "an", "the", "per", "for", "with", "over", "among",
        "such", "out", "than", "will", "would", "could", "may", "might", "according", "people", "persons",
        "individuals", "each", "every", "all", "some", "last", "this", "these", "those", "there", "their",
        "its", "his", "her", "our", "while", "but", "after", "before", "when", "cases", "individual",
        "documented", "confirmed", "reported", "known", "recorded", "registered", "others", "units",
        "pieces", "items", "sets", "kinds", "types",
    ]
}

/// The figure is followed directly by a noun no lexicon knows ("two brigades",
/// "three months"): it counts something else.
fn unknown_head(view: &View<'_>, si: usize, q: &Quantity) -> bool {
    let s = &view.sents[si];
    let after = view.gap(q.span.end, s.span.end);
    let lead = after.len() - after.trim_start().len();
    if after[..lead].contains(['\n']) {
        return false;
    }
    let Some(word) = words(after).next() else { return false };
    // `word` is a slice of `after`, and nothing before it can start a match of
    // it (only separators precede it): its offset is where `find` would put it.
    let word_start = q.span.end + (word.as_ptr() as usize - after.as_ptr() as usize);
    if word_start != q.span.end + lead || !word.chars().next().is_some_and(|c| c.is_lowercase()) {
        return false;
    }
    // Mentions are sorted by start: those starting at the word are one run.
    let from = s.mentions.partition_point(|m| m.span.start < word_start);
    let known = s.mentions[from..].iter().take_while(|m| m.span.start == word_start).any(|m| !m.is(kind::NONCLAIM));
    !known && !not_head(word)
}

/// A figure right after an age cue ("aged 50 and 48") is an age, not a count
/// that ends the clause before it.
fn after_age_cue(view: &View<'_>, si: usize, start: usize) -> bool {
    view.sents[si].mentions.iter().any(|m| {
        m.is(kind::NONCLAIM)
            && m.canonical.as_ref() == "age"
            && m.span.end <= start
            && at_most_words(view.gap(m.span.end, start), 3)
    })
}

/// True when an equipment term heads the figure.
fn head_equipment_present(view: &View<'_>, si: usize, q: &Quantity) -> bool {
    view.sents[si].mentions.iter().any(|m| {
        m.is(kind::EQUIPMENT)
            && m.span.start >= q.span.end
            && at_most_words(view.gap(q.span.end, m.span.start), HEAD_WORDS)
            && !has_clause_break(view.gap(q.span.end, m.span.start))
    })
}

/// True when the subject of this cue inflicts the loss ("captured", "killed",
/// "destroyed") rather than suffers it ("lost", "suffered").
fn inflicts(view: &View<'_>, cue: &Mention, settings: &Settings) -> bool {
    let t = view.text(cue.span).to_lowercase();
    settings.inflict_cues.contains(&t)
}

/// The side the figure is about.
#[allow(clippy::too_many_arguments)]
fn subject(
    view: &View<'_>,
    si: usize,
    q: &Quantity,
    clause_end: usize,
    settings: &Settings,
    st: &Statement,
    category: Category,
    inflicted: bool,
) -> Option<String> {
    let s = &view.sents[si];
    let speaker = st.side.as_deref();
    let resolve = |m: &Mention| -> Option<String> {
        if m.canonical.as_ref() == "enemy" {
            speaker.and_then(|sp| settings.opponent(sp)).map(String::from)
        } else {
            Some(m.canonical.to_string())
        }
    };
    // Inside the figure's noun phrase: before its head noun ("3,000 North Korean
    // soldiers"), or right after it with "of"/"from" ("troops from North Korea").
    // Territory and settlements belong to the side that took them, never to the
    // side named in "of Russian territory".
    let territorial = matches!(category, Category::Territory | Category::Settlements);
    let head_end = s
        .mentions
        .iter()
        .filter(|m| {
            m.span.start >= q.span.end && m.span.end <= clause_end && m.is(kind::PERSON | kind::EQUIPMENT | kind::LOSS)
        })
        .map(|m| m.span.end)
        .next();
    let in_np =
        s.mentions.iter().filter(|m| m.is(kind::ACTOR) && m.span.start >= q.span.end && m.span.end <= clause_end).find(
            |m| {
                if territorial {
                    return false;
                }
                match head_end {
                    Some(h) if m.span.end <= h => at_most_words(view.gap(q.span.end, m.span.start), HEAD_WORDS),
                    Some(h) => {
                        let gap = view.gap(h, m.span.start);
                        at_most_words(gap, 3) && words(&gap.to_lowercase()).any(|w| matches!(w, "of" | "from"))
                    }
                    None => {
                        let gap = view.gap(q.span.end, m.span.start);
                        at_most_words(gap, 2) && matches!(words(&gap.to_lowercase()).next(), Some("of" | "from"))
                    }
                }
            },
        );
    if let Some(m) = in_np {
        return resolve(m);
    }
    if !territorial {
        // The side named as the agent of the loss ("killed by Russian forces",
        // "in Russian strikes", "Russian shelling killed"): the figure is the other side's.
        if let Some(a) = agent_actor(view, si, q, settings) {
            return resolve(a).and_then(|side| settings.opponent(&side).map(String::from));
        }
    }
    // Before the figure: the nearest side that is not part of another name, the
    // object of a verb ("invade Ukraine"), or another figure's noun phrase.
    let mut other_nps: Vec<usize> =
        s.quants.iter().filter(|o| o.span.end <= q.span.start).map(|o| o.span.end).collect();
    other_nps.sort_unstable();
    // Within two words after another figure: the gap from the nearest figure
    // end before the mention is the shortest, so it alone decides.
    let in_other_np = |m: &Mention| {
        let n = other_nps.partition_point(|&e| e <= m.span.start);
        n > 0 && at_most_words(view.gap(other_nps[n - 1], m.span.start), 2)
    };
    let before = s.mentions.iter().rev().filter(|m| m.is(kind::ACTOR) && m.span.end <= q.span.start).find(|m| {
        !attributive(view, si, m)
            && !object_of_verb(view, si, m)
            && !names_place(view, si, m, settings)
            && !((territorial || inflicted) && in_other_np(m))
    });
    // "… the General Staff announced that it had lost 74 servicemen": a pronoun
    // after the last named side speaks for the source.
    let pronoun_after = |from: usize| {
        let gap = view.gap(from, q.span.start).to_lowercase();
        // The pronoun must govern the figure: a few words before it, in its clause.
        let tail: Vec<&str> = words(&gap).rev().take(4).collect();
        let clause = gap.rfind([',', ';', ':']).map_or(gap.as_str(), |i| &gap[i..]);
        let found = tail.iter().any(|w| matches!(*w, "we" | "it" | "our"))
            && !clause.is_empty()
            && words(clause).any(|w| matches!(w, "we" | "it" | "our"));
        found
    };
    if let Some(sp) = speaker {
        let from = before.map_or(s.span.start, |m| m.span.end);
        if !territorial && !inflicted && pronoun_after(from) {
            return Some(sp.to_string());
        }
    }
    let side = match before {
        Some(m) => resolve(m)?,
        // "they seized …": the side the previous sentence was about.
        None if starts_with_pronoun(view, si, q) && si > 0 => {
            let prev = &view.sents[si - 1];
            let m = prev.mentions.iter().find(|m| m.is(kind::ACTOR) && !attributive(view, si - 1, m))?;
            resolve(m)?
        }
        None if inflicted && !territorial && (speaker.is_some() || !category.is_personnel()) => {
            return speaker.and_then(|sp| settings.opponent(sp)).map(String::from);
        }
        // No agent and no speaker ("a missile strike killed three people in the
        // Russian-held city of …"): the victims are where the text puts them.
        None if !territorial => {
            // After the figure: "… killed in explosions at a Russian airbase".
            let after = s
                .mentions
                .iter()
                .find(|m| m.is(kind::ACTOR) && m.span.start >= q.span.end && !object_of_verb(view, si, m));
            if let Some(m) = after {
                return resolve(m);
            }
            // A personnel loss in a named place: the place's country ("… in Donetsk province").
            if !category.is_personnel() {
                return None;
            }
            return s
                .mentions
                .iter()
                .find(|m| m.is(kind::LOCATION) && m.attr("type").is_some_and(|t| t != "country"))
                .and_then(|m| m.attr("country"))
                .map(String::from);
        }
        None => return None,
    };
    if inflicted && !territorial {
        // "Ukrainian forces captured 700 prisoners": the prisoners are the other side's.
        return settings.opponent(&side).map(String::from);
    }
    Some(side)
}

word_list! {
    /// Words after which a side's name is not a verb's object.
    not_verb = [
        "the", "a", "an", "that", "and", "but", "while", "as", "of", "to", "for", "by", "with", "from", "at",
        "on", "in", "into", "since", "after", "before", "when", "where", "because", "although", "though",
        "if", "so", "then", "also", "both", "all", "said", "says", "which", "who", "whose", "meanwhile",
        "however", "according", "including", "than", "against", "between", "among", "whereas", "or", "nor",
        "yet", "once", "until", "amid", "despite", "over", "under", "eastern", "western", "northern",
        "southern", "central", "northeastern", "northwestern", "southeastern", "southwestern", "occupied",
        "neighbouring", "neighboring", "mainland", "independent", "wartime",
    ]
}

/// A side written right after a verb ("invade Ukraine", "drawn North Korea")
/// is that verb's object, not the sentence's subject.
pub fn object_of_verb(view: &View<'_>, si: usize, m: &Mention) -> bool {
    let s = &view.sents[si];
    let before = view.gap(s.span.start, m.span.start).trim_end();
    if before.is_empty() || before.ends_with([',', ';', ':', '(', '"', '“', '”', '—', '–', '-', '.', '!', '?'])
    {
        return false;
    }
    // "four Russian generals": a count, not a verb.
    if s.quants.iter().any(|q| q.span.end <= m.span.start && at_most_words(view.gap(q.span.end, m.span.start), 0)) {
        return false;
    }
    let Some(last) = words(before).next_back() else { return false };
    last.chars().next().is_some_and(char::is_lowercase) && !not_verb(last)
}

/// The side named as the agent of the loss: after "by" ("by Russian forces"),
/// or before an attack noun ("Russian strikes", "Russian missile strike").
fn agent_actor<'a>(view: &View<'a>, si: usize, q: &Quantity, settings: &Settings) -> Option<&'a Tagged<'a>> {
    let s = &view.sents[si];
    s.mentions.iter().find(|m| {
        if !m.is(kind::ACTOR) || m.canonical.as_ref() == "enemy" {
            return false;
        }
        let mut back = lower_words(view.gap(s.span.start, m.span.start)).rev();
        let by =
            matches!((back.next().as_deref(), back.next().as_deref()), (Some("by"), _) | (Some("the"), Some("by")));
        // "Russia hits …" is an agent; "… Ukraine were targeted" is not (passive).
        let mut attack = false;
        for w in lower_words(view.gap(m.span.end, s.span.end)).take(3) {
            if matches!(&*w, "was" | "were" | "is" | "are" | "been" | "be" | "being") {
                break;
            }
            if settings.attack_nouns.iter().any(|a| *a == *w) {
                attack = true;
                break;
            }
        }
        (by || attack) && !m.span.overlaps(q.span)
    })
}

/// A side followed by a place noun ("Ukraine's border", "Russian territory")
/// names where, not who.
fn names_place(view: &View<'_>, si: usize, m: &Mention, settings: &Settings) -> bool {
    let mut next = lower_words(view.gap(m.span.end, view.sents[si].span.end))
        .take(2)
        .filter(|w| !matches!(&**w, "'s" | "’s" | "s" | "'" | "’"));
    next.next().is_some_and(|w| settings.place_nouns.iter().any(|p| *p == *w))
}

/// True when a pronoun ("they", "it") stands before the figure in its sentence.
fn starts_with_pronoun(view: &View<'_>, si: usize, q: &Quantity) -> bool {
    let before = view.gap(view.sents[si].span.start, q.span.start).to_lowercase();
    let found = words(&before).any(|w| matches!(w, "they" | "it" | "we"));
    found
}

/// military / civilian, from the head noun, else the sentence's personnel words.
fn group(
    view: &View<'_>,
    si: usize,
    q: &Quantity,
    head_person: Option<&Tagged<'_>>,
    settings: &Settings,
    category: Category,
) -> Option<Group> {
    let s = &view.sents[si];
    if let Some(g) = head_person.and_then(|p| Group::parse(&p.canonical)) {
        return Some(g);
    }
    let nearest = s
        .mentions
        .iter()
        .filter(|m| m.is(kind::PERSON) && Group::parse(&m.canonical).is_some())
        .min_by_key(|m| if m.span.start >= q.span.end { m.span.start - q.span.end } else { q.span.start - m.span.end });
    if let Some(g) = nearest.and_then(|m| Group::parse(&m.canonical)) {
        return Some(g);
    }
    let forces = s.mentions.iter().any(|m| m.is(kind::ACTOR) && m.attr("type") == Some("force"));
    if forces || matches!(category, Category::Captured | Category::Deployed) {
        return Some(Group::Military);
    }
    // People killed or injured in an attack are civilians (CLAIMS.md "Group").
    let people = head_person.is_none_or(|p| p.canonical.as_ref() == "person");
    let text = view.text(s.span).to_lowercase();
    let attacked = words(&text).any(|w| settings.attack_nouns.iter().any(|a| a == w));
    if people && attacked && matches!(category, Category::Killed | Category::Wounded | Category::Casualties) {
        return Some(Group::Civilian);
    }
    None
}

/// A place named in the figure's own clause.
pub fn location(view: &View<'_>, si: usize, q: &Quantity) -> Option<String> {
    let s = &view.sents[si];
    let places: Vec<&Tagged<'_>> =
        s.mentions.iter().filter(|m| m.is(kind::PLACE)).filter(|m| !used_as_actor(view, si, m)).collect();
    // Prefer a place after the figure ("… troops to the Kursk region"), then before it.
    places
        .iter()
        .find(|m| m.span.start >= q.span.end && !has_clause_break(view.gap(q.span.end, m.span.start)))
        .or_else(|| places.iter().rev().find(|m| m.span.end <= q.span.start))
        .or_else(|| places.first())
        .map(|m| m.canonical.to_string())
}

/// A place name used for its government or forces: it is also an actor and no
/// spatial preposition stands before it ("Moscow's forces", "Pyongyang deployed").
pub fn used_as_actor(view: &View<'_>, si: usize, m: &Mention) -> bool {
    let s = &view.sents[si];
    let actor = s.mentions.iter().any(|a| a.is(kind::ACTOR) && a.span == m.span);
    if !actor {
        return false;
    }
    let before = last_word(view.gap(s.span.start, m.span.start));
    let spatial = matches!(
        before.as_deref(),
        Some(
            "in" | "near"
                | "at"
                | "around"
                | "into"
                | "to"
                | "outside"
                | "across"
                | "over"
                | "of"
                | "towards"
                | "toward"
        )
    );
    !spatial || m.attr("possessive") == Some("true")
}

/// "since the start of the full-scale invasion": a whole-war total has no place.
pub fn whole_war(view: &View<'_>, si: usize, settings: &Settings) -> bool {
    let t = view.text(view.sents[si].span).to_lowercase();
    settings.whole_war_cues.is_match(&t)
}
