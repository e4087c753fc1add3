//! Matching predictions to gold claims and the metrics of CLAIMS.md "Scoring".
//!
//! Per document, vague predictions are dropped, then predictions and gold claims
//! with equal `category`, `subject` and `object` are matched one-to-one when
//! their values match (equal; territory within 1 %, see [`values_match`]). The
//! matching has maximum size; among those, the most strictly equal pairs, then
//! the most agreeing fields, so an arbitrary pairing never understates the strict
//! score. Unmatched predictions (including duplicates of a matched claim) are
//! false positives, unmatched gold claims false negatives.

use std::collections::BTreeMap;

use claimex_pipeline::{Category, ClaimRecord, Document, Object};
use serde::Serialize;

use crate::gold::{ClaimFile, Labelled};

/// The fields compared on matched pairs (CLAIMS.md "Scoring" 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Bound,
    Group,
    Claimant,
    AsOf,
    Location,
}

impl Field {
    pub const ALL: [Field; 5] = [Field::Bound, Field::Group, Field::Claimant, Field::AsOf, Field::Location];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Bound => "bound",
            Field::Group => "group",
            Field::Claimant => "claimant",
            Field::AsOf => "as_of",
            Field::Location => "location",
        }
    }

    /// The field's value as shown in reports (`null` for none).
    pub fn show(self, r: &ClaimRecord) -> String {
        let opt = |s: Option<&str>| s.map_or_else(|| "null".to_string(), str::to_string);
        match self {
            Field::Bound => r.bound.as_str().to_string(),
            Field::Group => opt(r.group.map(|g| g.as_str())),
            Field::Claimant => opt(r.claimant.as_deref()),
            Field::AsOf => r.as_of.map_or_else(|| "null".to_string(), |d| d.to_string()),
            Field::Location => opt(r.location.as_deref()),
        }
    }

    pub fn equal(self, a: &ClaimRecord, b: &ClaimRecord) -> bool {
        match self {
            Field::Bound => a.bound == b.bound,
            Field::Group => a.group == b.group,
            Field::Claimant => a.claimant == b.claimant,
            Field::AsOf => a.as_of == b.as_of,
            Field::Location => a.location == b.location,
        }
    }
}

/// Whether a predicted value matches a gold value of `category`: equal, or for
/// territory within 1 % of the gold value (`100 × |pred − gold| ≤ |gold|`).
pub fn values_match(category: Category, gold: i64, pred: i64) -> bool {
    if category == Category::Territory {
        let (g, p) = (i128::from(gold), i128::from(pred));
        100 * (p - g).abs() <= g.abs()
    } else {
        gold == pred
    }
}

/// True positives, false positives and false negatives, with the derived rates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
}

impl Counts {
    /// tp / (tp + fp); with no predictions: 1.0 when there is nothing to find, else 0.0.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp, self.fn_ == 0)
    }
    /// tp / (tp + fn); with no gold claims: 1.0 when nothing was predicted, else 0.0.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_, self.fp == 0)
    }
    /// Harmonic mean of precision and recall; 0.0 when both are 0.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    /// True when nothing was expected and nothing predicted.
    pub fn is_empty(&self) -> bool {
        self.tp + self.fp + self.fn_ == 0
    }
    fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
}

fn ratio(num: usize, den: usize, vacuous_ok: bool) -> f64 {
    if den == 0 {
        if vacuous_ok {
            1.0
        } else {
            0.0
        }
    } else {
        num as f64 / den as f64
    }
}

/// Correct / total over matched pairs for one field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Accuracy {
    pub correct: usize,
    pub total: usize,
}

impl Accuracy {
    /// `None` when there are no matched pairs.
    pub fn accuracy(&self) -> Option<f64> {
        (self.total > 0).then(|| self.correct as f64 / self.total as f64)
    }
}

/// A matched pair: indices into the gold and prediction files' claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    pub gold: usize,
    pub pred: usize,
    /// The compared fields that differ (empty: a strict match).
    pub mismatched: Vec<Field>,
}

/// The outcome for one document of the evaluated corpus.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocResult {
    pub doc_id: String,
    pub pairs: Vec<Pair>,
    /// Unmatched non-vague predictions (indices into the prediction file).
    pub false_positives: Vec<usize>,
    /// Unmatched gold claims (indices into the gold file).
    pub false_negatives: Vec<usize>,
    /// Vague predictions dropped before matching.
    pub vague: Vec<usize>,
}

/// The full result of scoring predictions against gold.
#[derive(Clone, Debug)]
pub struct Evaluation<'a> {
    pub gold: &'a ClaimFile,
    pub pred: &'a ClaimFile,
    /// One entry per document of the corpus, in corpus order.
    pub docs: Vec<DocResult>,
    /// Predictions whose doc_id is outside the evaluated corpus: doc_id → count. Not scored.
    pub outside: BTreeMap<String, usize>,
    pub claims: Counts,
    pub strict: Counts,
    /// Every category, in CLAIMS.md order.
    pub categories: BTreeMap<Category, Counts>,
    pub fields: BTreeMap<Field, Accuracy>,
    pub vague_dropped: usize,
}

impl Evaluation<'_> {
    pub fn gold_claim(&self, i: usize) -> &Labelled {
        &self.gold.claims[i]
    }
    pub fn pred_claim(&self, i: usize) -> &Labelled {
        &self.pred.claims[i]
    }
    /// Documents of the corpus holding at least one gold claim.
    pub fn docs_with_gold(&self) -> usize {
        self.docs.iter().filter(|d| !d.pairs.is_empty() || !d.false_negatives.is_empty()).count()
    }
}

/// Score `pred` against `gold` over the documents `docs` (the evaluated corpus).
/// Gold claims are assumed validated (their doc_ids are in `docs`).
pub fn evaluate<'a>(docs: &[Document], gold: &'a ClaimFile, pred: &'a ClaimFile) -> Evaluation<'a> {
    let mut gold_by_doc: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in gold.claims.iter().enumerate() {
        gold_by_doc.entry(c.record.doc_id.as_str()).or_default().push(i);
    }
    let mut pred_by_doc: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in pred.claims.iter().enumerate() {
        pred_by_doc.entry(c.record.doc_id.as_str()).or_default().push(i);
    }
    let corpus: std::collections::HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    let mut outside = BTreeMap::new();
    for (id, preds) in &pred_by_doc {
        if !corpus.contains(id) {
            outside.insert(id.to_string(), preds.len());
        }
    }
    let mut eval = Evaluation {
        gold,
        pred,
        docs: Vec::with_capacity(docs.len()),
        outside,
        claims: Counts::default(),
        strict: Counts::default(),
        categories: Category::ALL.iter().map(|&c| (c, Counts::default())).collect(),
        fields: Field::ALL.iter().map(|&f| (f, Accuracy::default())).collect(),
        vague_dropped: 0,
    };
    let none = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for doc in docs {
        // A corpus listing the same id twice is scored once.
        if !seen.insert(doc.id.as_str()) {
            continue;
        }
        let g = gold_by_doc.get(doc.id.as_str()).unwrap_or(&none);
        let p = pred_by_doc.get(doc.id.as_str()).unwrap_or(&none);
        let result = score_document(&doc.id, gold, g, pred, p);
        eval.tally(&result);
        eval.docs.push(result);
    }
    eval
}

impl Evaluation<'_> {
    fn tally(&mut self, doc: &DocResult) {
        let gold = |i: usize| &self.gold.claims[i].record;
        let pred = |i: usize| &self.pred.claims[i].record;
        let mut cats: BTreeMap<Category, Counts> = BTreeMap::new();
        let mut strict = Counts::default();
        for pair in &doc.pairs {
            let g = gold(pair.gold);
            cats.entry(g.category).or_default().tp += 1;
            for f in Field::ALL {
                let acc = self.fields.entry(f).or_default();
                acc.total += 1;
                acc.correct += usize::from(!pair.mismatched.contains(&f));
            }
            if pair.mismatched.is_empty() {
                strict.tp += 1;
            } else {
                strict.fp += 1;
                strict.fn_ += 1;
            }
        }
        for &i in &doc.false_positives {
            cats.entry(pred(i).category).or_default().fp += 1;
        }
        for &i in &doc.false_negatives {
            cats.entry(gold(i).category).or_default().fn_ += 1;
        }
        let mut total = Counts::default();
        for (c, counts) in cats {
            total.add(counts);
            self.categories.entry(c).or_default().add(counts);
        }
        strict.fp += doc.false_positives.len();
        strict.fn_ += doc.false_negatives.len();
        self.claims.add(total);
        self.strict.add(strict);
        self.vague_dropped += doc.vague.len();
    }
}

/// Gold and prediction indices of one (category, subject, object) group.
type Sides = (Vec<usize>, Vec<usize>);

/// Match one document's claims.
fn score_document(doc_id: &str, gold: &ClaimFile, g: &[usize], pred: &ClaimFile, p: &[usize]) -> DocResult {
    let (vague, kept): (Vec<usize>, Vec<usize>) = p.iter().partition(|&&i| pred.claims[i].record.vague);
    // Group by (category, subject, object): values only match within a group.
    let key = |r: &ClaimRecord| (r.category, r.subject.clone(), r.object);
    let mut groups: BTreeMap<(Category, String, Option<Object>), Sides> = BTreeMap::new();
    for &i in g {
        groups.entry(key(&gold.claims[i].record)).or_default().0.push(i);
    }
    for &i in &kept {
        groups.entry(key(&pred.claims[i].record)).or_default().1.push(i);
    }
    let mut pairs = Vec::new();
    for (gs, ps) in groups.values() {
        if gs.is_empty() || ps.is_empty() {
            continue;
        }
        let strict_weight = 7 * (gs.len().min(ps.len()) as i64 + 1);
        let mut edges = Vec::new();
        for (a, &gi) in gs.iter().enumerate() {
            let gr = &gold.claims[gi].record;
            for (b, &pi) in ps.iter().enumerate() {
                let pr = &pred.claims[pi].record;
                if !values_match(gr.category, gr.value, pr.value) {
                    continue;
                }
                let agree = Field::ALL.iter().filter(|f| f.equal(gr, pr)).count() as i64;
                let strict = i64::from(agree == Field::ALL.len() as i64);
                let weight = strict * strict_weight + agree + i64::from(gr.value == pr.value);
                edges.push((a, b, weight));
            }
        }
        for (a, b) in max_weight_matching(gs.len(), ps.len(), &edges) {
            let (gi, pi) = (gs[a], ps[b]);
            let (gr, pr) = (&gold.claims[gi].record, &pred.claims[pi].record);
            let mismatched = Field::ALL.into_iter().filter(|f| !f.equal(gr, pr)).collect();
            pairs.push(Pair { gold: gi, pred: pi, mismatched });
        }
    }
    pairs.sort_by_key(|p| (p.gold, p.pred));
    let matched_gold: std::collections::BTreeSet<usize> = pairs.iter().map(|p| p.gold).collect();
    let matched_pred: std::collections::BTreeSet<usize> = pairs.iter().map(|p| p.pred).collect();
    DocResult {
        doc_id: doc_id.to_string(),
        false_positives: kept.iter().copied().filter(|i| !matched_pred.contains(i)).collect(),
        false_negatives: g.iter().copied().filter(|i| !matched_gold.contains(i)).collect(),
        pairs,
        vague,
    }
}

/// A maximum-cardinality bipartite matching of maximum total weight among those
/// (min-cost max-flow by successive shortest paths, Bellman-Ford). `edges` are
/// `(left, right, weight)`; the result pairs `(left, right)`. Deterministic:
/// edges are relaxed in the given order and only strictly better paths replace
/// earlier ones, so ties go to earlier indices. Groups are small (one document's
/// claims with one category, subject and object), so O(V·E) per augmentation is fine.
pub fn max_weight_matching(left: usize, right: usize, edges: &[(usize, usize, i64)]) -> Vec<(usize, usize)> {
    struct Arc {
        to: usize,
        cap: i32,
        cost: i64,
    }
    let (source, sink) = (0, left + right + 1);
    let n = left + right + 2;
    let mut arcs: Vec<Arc> = Vec::new();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut add = |arcs: &mut Vec<Arc>, from: usize, to: usize, cost: i64| {
        out[from].push(arcs.len());
        arcs.push(Arc { to, cap: 1, cost });
        out[to].push(arcs.len());
        arcs.push(Arc { to: from, cap: 0, cost: -cost });
    };
    for a in 0..left {
        add(&mut arcs, source, 1 + a, 0);
    }
    let first_edge = arcs.len();
    for &(a, b, w) in edges {
        add(&mut arcs, 1 + a, 1 + left + b, -w);
    }
    let last_edge = arcs.len();
    for b in 0..right {
        add(&mut arcs, 1 + left + b, sink, 0);
    }
    loop {
        let mut dist: Vec<Option<i64>> = vec![None; n];
        let mut via: Vec<Option<usize>> = vec![None; n];
        dist[source] = Some(0);
        for _ in 0..n {
            let mut changed = false;
            for u in 0..n {
                let Some(du) = dist[u] else { continue };
                for &e in &out[u] {
                    let arc = &arcs[e];
                    if arc.cap > 0 && dist[arc.to].is_none_or(|dv| du + arc.cost < dv) {
                        dist[arc.to] = Some(du + arc.cost);
                        via[arc.to] = Some(e);
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        if dist[sink].is_none() {
            break;
        }
        let mut v = sink;
        while let Some(e) = via[v] {
            arcs[e].cap -= 1;
            arcs[e ^ 1].cap += 1;
            v = arcs[e ^ 1].to;
            if v == source {
                break;
            }
        }
    }
    (first_edge..last_edge)
        .step_by(2)
        .filter(|&e| arcs[e].cap == 0)
        .map(|e| (arcs[e ^ 1].to - 1, arcs[e].to - 1 - left))
        .collect()
}
