//! Reports of an [`Evaluation`]: the terminal table, the JSON summary and the
//! per-document error list.
//!
//! # JSON (`--json`), schema `claimex-eval/1`
//!
//! Field names are stable; new fields may be added, none renamed.
//!
//! | field | meaning |
//! |---|---|
//! | `schema` | `"claimex-eval/1"` |
//! | `gold`, `pred` | the gold file; the prediction file or `"pipeline"` |
//! | `documents`, `documents_with_gold` | documents of the evaluated corpus; those with gold claims |
//! | `gold_claims`, `predicted_claims` | gold claims; scored predictions (non-vague, in the corpus) |
//! | `vague_dropped` | vague predictions dropped before matching |
//! | `outside_corpus` | `{claims, documents: {doc_id: count}}`: predictions for doc_ids outside the corpus, not scored |
//! | `claims`, `strict` | `{tp, fp, fn, precision, recall, f1}` micro-averaged over all documents |
//! | `categories` | array in CLAIMS.md order of `{category, tp, fp, fn, precision, recall, f1}` |
//! | `fields` | `{bound, group, claimant, as_of, location}` each `{correct, total, accuracy}` (accuracy null with no matched pairs) |
//! | `errors` | with `--errors`: per document `{doc_id, false_positives, false_negatives, field_mismatches}` |
//! | `compare` | with `--compare`: `[{metric, baseline, current, change}]` |
//!
//! Precision with no predictions is 1.0 when there is nothing to find, else 0.0;
//! recall with no gold claims is 1.0 when nothing was predicted, else 0.0; F1 is
//! 0.0 when precision + recall = 0.

use std::collections::BTreeMap;
use std::fmt::Write;

use claimex_pipeline::ClaimRecord;
use serde::Serialize;

use crate::compare::Delta;
use crate::score::{Accuracy, Counts, Evaluation, Field};

pub const SCHEMA: &str = "claimex-eval/1";

#[derive(Serialize)]
pub struct Rates {
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl From<Counts> for Rates {
    fn from(c: Counts) -> Self {
        Rates {
            tp: c.tp,
            fp: c.fp,
            fn_: c.fn_,
            precision: round(c.precision()),
            recall: round(c.recall()),
            f1: round(c.f1()),
        }
    }
}

/// Six decimals: stable text across platforms, ample for comparisons.
fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[derive(Serialize)]
pub struct CategoryRates {
    pub category: &'static str,
    #[serde(flatten)]
    pub rates: Rates,
}

#[derive(Serialize)]
pub struct FieldAccuracy {
    pub correct: usize,
    pub total: usize,
    pub accuracy: Option<f64>,
}

impl From<Accuracy> for FieldAccuracy {
    fn from(a: Accuracy) -> Self {
        FieldAccuracy { correct: a.correct, total: a.total, accuracy: a.accuracy().map(round) }
    }
}

#[derive(Serialize)]
pub struct Fields {
    pub bound: FieldAccuracy,
    pub group: FieldAccuracy,
    pub claimant: FieldAccuracy,
    pub as_of: FieldAccuracy,
    pub location: FieldAccuracy,
}

#[derive(Serialize)]
pub struct Outside {
    pub claims: usize,
    pub documents: BTreeMap<String, usize>,
}

/// A claim as listed in errors: its line in its file and its record.
#[derive(Serialize)]
pub struct ClaimRef<'a> {
    pub line: u64,
    #[serde(flatten)]
    pub record: &'a ClaimRecord,
}

#[derive(Serialize)]
pub struct FieldDiff {
    pub field: &'static str,
    pub gold: String,
    pub pred: String,
}

#[derive(Serialize)]
pub struct Mismatch<'a> {
    pub gold: ClaimRef<'a>,
    pub pred: ClaimRef<'a>,
    pub fields: Vec<FieldDiff>,
}

#[derive(Serialize)]
pub struct DocErrors<'a> {
    pub doc_id: &'a str,
    pub false_positives: Vec<ClaimRef<'a>>,
    pub false_negatives: Vec<ClaimRef<'a>>,
    pub field_mismatches: Vec<Mismatch<'a>>,
}

/// The JSON summary (see the module docs for the fields).
#[derive(Serialize)]
pub struct Summary<'a> {
    pub schema: &'static str,
    pub gold: &'a str,
    pub pred: &'a str,
    pub documents: usize,
    pub documents_with_gold: usize,
    pub gold_claims: usize,
    pub predicted_claims: usize,
    pub vague_dropped: usize,
    pub outside_corpus: Outside,
    pub claims: Rates,
    pub strict: Rates,
    pub categories: Vec<CategoryRates>,
    pub fields: Fields,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<DocErrors<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compare: Option<Vec<Delta>>,
}

impl<'a> Summary<'a> {
    pub fn new(eval: &'a Evaluation<'a>, with_errors: bool) -> Summary<'a> {
        let field = |f: Field| FieldAccuracy::from(eval.fields.get(&f).copied().unwrap_or_default());
        Summary {
            schema: SCHEMA,
            gold: &eval.gold.path,
            pred: &eval.pred.path,
            documents: eval.docs.len(),
            documents_with_gold: eval.docs_with_gold(),
            gold_claims: eval.claims.tp + eval.claims.fn_,
            predicted_claims: eval.claims.tp + eval.claims.fp,
            vague_dropped: eval.vague_dropped,
            outside_corpus: Outside { claims: eval.outside.values().sum(), documents: eval.outside.clone() },
            claims: eval.claims.into(),
            strict: eval.strict.into(),
            categories: eval
                .categories
                .iter()
                .map(|(c, counts)| CategoryRates { category: c.as_str(), rates: (*counts).into() })
                .collect(),
            fields: Fields {
                bound: field(Field::Bound),
                group: field(Field::Group),
                claimant: field(Field::Claimant),
                as_of: field(Field::AsOf),
                location: field(Field::Location),
            },
            errors: with_errors.then(|| doc_errors(eval)),
            compare: None,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("summary serialises")
    }
}

/// The errors of every document that has any, in corpus order.
pub fn doc_errors<'a>(eval: &'a Evaluation<'a>) -> Vec<DocErrors<'a>> {
    let gold = |i: usize| {
        let c = eval.gold_claim(i);
        ClaimRef { line: c.line, record: &c.record }
    };
    let pred = |i: usize| {
        let c = eval.pred_claim(i);
        ClaimRef { line: c.line, record: &c.record }
    };
    eval.docs
        .iter()
        .map(|d| DocErrors {
            doc_id: &d.doc_id,
            false_positives: d.false_positives.iter().map(|&i| pred(i)).collect(),
            false_negatives: d.false_negatives.iter().map(|&i| gold(i)).collect(),
            field_mismatches: d
                .pairs
                .iter()
                .filter(|p| !p.mismatched.is_empty())
                .map(|p| Mismatch {
                    gold: gold(p.gold),
                    pred: pred(p.pred),
                    fields: p
                        .mismatched
                        .iter()
                        .map(|&f| FieldDiff {
                            field: f.as_str(),
                            gold: f.show(&eval.gold_claim(p.gold).record),
                            pred: f.show(&eval.pred_claim(p.pred).record),
                        })
                        .collect(),
                })
                .collect(),
        })
        .filter(|d| !d.false_positives.is_empty() || !d.false_negatives.is_empty() || !d.field_mismatches.is_empty())
        .collect()
}

/// `category[/object] · subject · value`: how a claim is named in reports.
pub fn claim_label(r: &ClaimRecord) -> String {
    match r.object {
        Some(o) => format!("{}/{} · {} · {}", r.category.as_str(), o.as_str(), r.subject, r.value),
        None => format!("{} · {} · {}", r.category.as_str(), r.subject, r.value),
    }
}

/// The other fields of a claim on one line.
pub fn claim_fields(r: &ClaimRecord) -> String {
    Field::ALL.iter().map(|f| format!("{}={}", f.as_str(), f.show(r))).collect::<Vec<_>>().join(" ")
}

fn fmt_rate(counts: &Counts, value: f64) -> String {
    if counts.is_empty() {
        "-".to_string()
    } else {
        format!("{value:.3}")
    }
}

fn rates_row(out: &mut String, name: &str, c: &Counts) {
    let _ = writeln!(
        out,
        "{name:<14}{:>6}{:>6}{:>6}{:>11}{:>9}{:>9}",
        c.tp,
        c.fp,
        c.fn_,
        fmt_rate(c, c.precision()),
        fmt_rate(c, c.recall()),
        fmt_rate(c, c.f1())
    );
}

/// The terminal table: overall and strict scores, per category, field accuracy.
pub fn table(eval: &Evaluation<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "gold {} · predictions {}\n{} documents ({} with gold claims) · {} gold claims · {} predicted · {} vague dropped",
        eval.gold.path,
        eval.pred.path,
        eval.docs.len(),
        eval.docs_with_gold(),
        eval.claims.tp + eval.claims.fn_,
        eval.claims.tp + eval.claims.fp,
        eval.vague_dropped,
    );
    let header = |out: &mut String, first: &str| {
        let _ = writeln!(
            out,
            "\n{first:<14}{:>6}{:>6}{:>6}{:>11}{:>9}{:>9}",
            "tp", "fp", "fn", "precision", "recall", "f1"
        );
    };
    header(&mut out, "");
    rates_row(&mut out, "claims", &eval.claims);
    rates_row(&mut out, "strict", &eval.strict);
    header(&mut out, "category");
    for (c, counts) in &eval.categories {
        rates_row(&mut out, c.as_str(), counts);
    }
    let _ = writeln!(out, "\n{:<14}{:>8}{:>7}{:>10}", "field", "correct", "total", "accuracy");
    for (f, acc) in &eval.fields {
        let a = acc.accuracy().map_or_else(|| "-".to_string(), |a| format!("{a:.3}"));
        let _ = writeln!(out, "{:<14}{:>8}{:>7}{:>10}", f.as_str(), acc.correct, acc.total, a);
    }
    if !eval.outside.is_empty() {
        let n: usize = eval.outside.values().sum();
        let ids: Vec<&str> = eval.outside.keys().map(String::as_str).take(10).collect();
        let more = if eval.outside.len() > ids.len() { ", …" } else { "" };
        let _ = writeln!(
            out,
            "\nnot scored: {n} prediction(s) for {} doc_id(s) outside the evaluated corpus: {}{more}",
            eval.outside.len(),
            ids.join(", ")
        );
    }
    out
}

/// The `--errors` listing: per document, each FN and FP with its evidence, and
/// gold vs predicted values of matched pairs whose fields differ.
pub fn errors_text(eval: &Evaluation<'_>) -> String {
    let mut out = String::new();
    let (gold_file, pred_file) = (&eval.gold.path, &eval.pred.path);
    for d in doc_errors(eval) {
        let _ = writeln!(
            out,
            "\n== {}: {} FN, {} FP, {} field mismatch(es)",
            d.doc_id,
            d.false_negatives.len(),
            d.false_positives.len(),
            d.field_mismatches.len()
        );
        for c in &d.false_negatives {
            let _ = writeln!(out, "  FN  {}  ({gold_file}:{})", claim_label(c.record), c.line);
            let _ = writeln!(out, "      {}", claim_fields(c.record));
            let _ = writeln!(out, "      evidence: {:?}", c.record.evidence);
        }
        for c in &d.false_positives {
            let _ = writeln!(out, "  FP  {}  ({pred_file}:{})", claim_label(c.record), c.line);
            let _ = writeln!(out, "      {}", claim_fields(c.record));
            let _ = writeln!(out, "      evidence: {:?}", c.record.evidence);
        }
        for m in &d.field_mismatches {
            let _ = writeln!(
                out,
                "  FIELDS  {}  ({gold_file}:{} vs {pred_file}:{})",
                claim_label(m.gold.record),
                m.gold.line,
                m.pred.line
            );
            for f in &m.fields {
                let _ = writeln!(out, "      {}: gold {} · predicted {}", f.field, f.gold, f.pred);
            }
            let _ = writeln!(out, "      evidence: {:?}", m.gold.record.evidence);
        }
    }
    if out.is_empty() {
        out.push_str("\nno errors: every gold claim matched, no false positives, all fields equal\n");
    }
    out
}
