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
use super::text::{at_most_words, has_clause_break, last_word, words};
use super::{Settings, View};

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

fn category_of(m: &Mention) -> Option<Category> {
    Category::parse(&m.canonical)
}

/// A term inside a longer name of another kind ("area" in "Kursk area") is not a cue.
fn inside_other_name(view: &View<'_>, si: usize, m: &Mention, settings: &Settings) -> bool {
    let l = &settings.labels;
    view.sents[si].mentions.iter().any(|o| {
        o.span.overlaps(m.span)
            && (*o.label == *l.location || *o.label == *l.claimant || *o.label == *l.role)
            && o.span.len() > m.span.len()
    })
}

/// Read the figure `q` of sentence `si`; `None` when it is not a claim.
pub fn read(
    view: &View<'_>,
    si: usize,
    q: &Quantity,
    settings: &Settings,
    st: &Statement,
    head_subject: Option<&str>,
) -> Option<Figure> {
    let l = &settings.labels;
    let s = &view.sents[si];
    if q.value < 1.0 || q.value.fract() != 0.0 && q.unit.is_none() {
        return None;
    }
    // The clause after the figure: up to a clause break or the next figure.
    let next_q = s.quants.iter().map(|o| o.span.start).filter(|&st| st >= q.span.end).min().unwrap_or(s.span.end);
    let clause_end = {
        let after = view.gap(q.span.end, next_q);
        let cut = after.find([',', ';', ':', '.', '—', '–', '!', '?', '•']).unwrap_or(after.len());
        q.span.end + cut
    };
    let after: Vec<&Mention> = s
        .mentions
        .iter()
        .copied()
        .filter(|m| m.span.start >= q.span.end && m.span.end <= clause_end)
        .filter(|m| at_most_words(view.gap(q.span.end, m.span.start), HEAD_WORDS + 4))
        .collect();
    // Non-claims in the figure's clause: rates, exchanges, plans.
    let clause_start = {
        let before = view.gap(s.span.start, q.span.start);
        s.span.start + before.rfind([',', ';', ':', '—', '–']).map_or(0, |i| i + 1)
    };
    if s.mentions.iter().any(|m| {
        *m.label == *l.nonclaim
            && ((m.span.start >= q.span.end
                && m.span.end <= clause_end
                && at_most_words(view.gap(q.span.end, m.span.start), 6))
                || (m.span.end <= q.span.start
                    && m.span.start >= clause_start
                    && at_most_words(view.gap(m.span.end, q.span.start), 4)))
    }) {
        return None;
    }

    let head_equipment = after.iter().find(|m| *m.label == *l.equipment).copied();
    let head_person = after.iter().find(|m| *m.label == *l.person).copied();
    let loss_after = after
        .iter()
        .find(|m| *m.label == *l.loss && category_of(m).is_some() && !inside_other_name(view, si, m, settings))
        .copied();
    // Cues before the figure in the same sentence, nearest first.
    let loss_before = s
        .mentions
        .iter()
        .rev()
        .copied()
        .filter(|m| m.span.end <= q.span.start && *m.label == *l.loss && category_of(m).is_some())
        .filter(|m| !inside_other_name(view, si, m, settings))
        .find(|m| {
            let gap = view.gap(m.span.end, q.span.start);
            at_most_words(gap, CUE_BEFORE_WORDS) && !gap.contains([';', '.'])
        });

    let is_area = q.unit.as_ref().is_some_and(|u| u.kind == UnitKind::Area);
    let (category, object, rule, inflicted) = if is_area {
        let cue = loss_after.or(loss_before)?;
        let c = category_of(cue)?;
        if !matches!(c, Category::Territory | Category::Captured | Category::Settlements) {
            return None;
        }
        (Category::Territory, None, "area+territory-cue", loss_before.is_some())
    } else if let Some(eq) = head_equipment.filter(|e| head_person.is_none_or(|p| e.span.start < p.span.start)) {
        // Equipment counts only as a loss: a destroy/lose/capture cue must be present.
        let cue = loss_before.or(loss_after)?;
        if matches!(category_of(cue), Some(Category::Deployed) | None) {
            return None;
        }
        let object = Object::parse(&eq.canonical).unwrap_or(Object::Other);
        let inflicted = loss_before.is_some_and(|c| inflicts(view, c, settings));
        (Category::Equipment, Some(object), "equipment-head", inflicted)
    } else {
        // Personnel: a loss noun as head, or a personnel head with a cue around it.
        let head_loss = loss_after.filter(|m| {
            head_person.is_none_or(|p| m.span.start < p.span.start)
                && at_most_words(view.gap(q.span.end, m.span.start), 3)
        });
        let (cue, inflicted) = match (head_loss, loss_after, loss_before) {
            (Some(h), _, _) => (h, false),
            (None, Some(a), _) if head_person.is_some() => (a, false),
            (None, _, Some(b)) if head_person.is_some() || !has_clause_break(view.gap(b.span.end, q.span.start)) => {
                (b, inflicts(view, b, settings))
            }
            (None, Some(a), None) => (a, false),
            _ => return None,
        };
        let c = category_of(cue)?;
        if matches!(c, Category::Equipment | Category::Territory) {
            return None;
        }
        if c == Category::Settlements && head_person.is_some() {
            return None;
        }
        let rule = if head_loss.is_some() { "loss-head" } else { "personnel+cue" };
        (c, None, rule, inflicted)
    };

    let subject = subject(view, si, q, clause_end, settings, st, category, inflicted)
        .or_else(|| head_subject.map(String::from))?;
    let group = if category.is_personnel() { group(view, si, q, head_person, settings, category) } else { None };
    let confidence = match rule {
        "loss-head" | "equipment-head" => 0.9,
        _ => 0.75,
    };
    Some(Figure { category, object, subject, group, confidence, rule: Arc::from(rule) })
}

/// True when the subject of this cue inflicts the loss ("captured", "killed",
/// "destroyed") rather than suffers it ("lost", "suffered").
fn inflicts(view: &View<'_>, cue: &Mention, settings: &Settings) -> bool {
    let t = view.text(cue.span).to_lowercase();
    settings.inflict_cues.iter().any(|c| *c == t)
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
    let l = &settings.labels;
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
            m.span.start >= q.span.end
                && m.span.end <= clause_end
                && (*m.label == *l.person || *m.label == *l.equipment || *m.label == *l.loss)
        })
        .map(|m| m.span.end)
        .next();
    let in_np = s
        .mentions
        .iter()
        .copied()
        .filter(|m| *m.label == *l.actor && m.span.start >= q.span.end && m.span.end <= clause_end)
        .find(|m| {
            if territorial {
                return false;
            }
            match head_end {
                Some(h) if m.span.end <= h => at_most_words(view.gap(q.span.end, m.span.start), HEAD_WORDS),
                Some(h) => {
                    let gap = view.gap(h, m.span.start).to_lowercase();
                    at_most_words(&gap, 3) && matches!(words(&gap).next(), Some("of" | "from"))
                }
                None => {
                    let gap = view.gap(q.span.end, m.span.start).to_lowercase();
                    at_most_words(&gap, 2) && matches!(words(&gap).next(), Some("of" | "from"))
                }
            }
        });
    if let Some(m) = in_np {
        return resolve(m);
    }
    // Before the figure: the nearest side that is not part of another name or
    // another figure's noun phrase.
    let mut other_nps: Vec<usize> =
        s.quants.iter().filter(|o| o.span.end <= q.span.start).map(|o| o.span.end).collect();
    other_nps.sort_unstable();
    // Within two words after another figure: the gap from the nearest figure
    // end before the mention is the shortest, so it alone decides.
    let in_other_np = |m: &Mention| {
        let n = other_nps.partition_point(|&e| e <= m.span.start);
        n > 0 && at_most_words(view.gap(other_nps[n - 1], m.span.start), 2)
    };
    let before = s
        .mentions
        .iter()
        .rev()
        .copied()
        .filter(|m| *m.label == *l.actor && m.span.end <= q.span.start)
        .find(|m| !in_other_np(m) && !attributive(view, si, m, settings));
    let side = match before {
        Some(m) => resolve(m)?,
        // "they seized …": the side the previous sentence was about.
        None if starts_with_pronoun(view, si, q) && si > 0 => {
            let prev = &view.sents[si - 1];
            let m = prev
                .mentions
                .iter()
                .copied()
                .find(|m| *m.label == *l.actor && !attributive(view, si - 1, m, settings))?;
            resolve(m)?
        }
        None => return None,
    };
    if inflicted && !territorial {
        // "Ukrainian forces captured 700 prisoners": the prisoners are the other side's.
        return settings.opponent(&side).map(String::from);
    }
    Some(side)
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
    head_person: Option<&Mention>,
    settings: &Settings,
    category: Category,
) -> Option<Group> {
    let l = &settings.labels;
    let s = &view.sents[si];
    if let Some(g) = head_person.and_then(|p| Group::parse(&p.canonical)) {
        return Some(g);
    }
    let nearest = s
        .mentions
        .iter()
        .copied()
        .filter(|m| *m.label == *l.person && Group::parse(&m.canonical).is_some())
        .min_by_key(|m| if m.span.start >= q.span.end { m.span.start - q.span.end } else { q.span.start - m.span.end });
    if let Some(g) = nearest.and_then(|m| Group::parse(&m.canonical)) {
        return Some(g);
    }
    let forces = s.mentions.iter().any(|m| *m.label == *l.actor && m.attr("type") == Some("force"));
    if forces || matches!(category, Category::Captured | Category::Deployed) {
        return Some(Group::Military);
    }
    None
}

/// A place named in the figure's own clause.
pub fn location(view: &View<'_>, si: usize, q: &Quantity, settings: &Settings) -> Option<String> {
    let s = &view.sents[si];
    let places: Vec<&Mention> = s
        .mentions
        .iter()
        .copied()
        .filter(|m| *m.label == *settings.labels.location && m.attr("type").is_none_or(|t| t != "country"))
        .filter(|m| !used_as_actor(view, si, m, settings))
        .collect();
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
pub fn used_as_actor(view: &View<'_>, si: usize, m: &Mention, settings: &Settings) -> bool {
    let s = &view.sents[si];
    let actor = s.mentions.iter().any(|a| *a.label == *settings.labels.actor && a.span == m.span);
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
    settings.whole_war_cues.iter().any(|c| t.contains(c.as_str()))
}
