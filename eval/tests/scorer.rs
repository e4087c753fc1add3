//! Scorer tests with hand-computed expectations (CLAIMS.md "Scoring").

mod common;

use claimex_eval::score::{evaluate, max_weight_matching, values_match, Counts, Field};
use claimex_pipeline::Category;
use common::*;
use serde_json::{json, Value};

/// Expected (tp, fp, fn, precision, recall, f1).
type Expect = (usize, usize, usize, f64, f64, f64);

fn check(name: &str, got: &Counts, want: Expect) {
    let (tp, fp, fn_, p, r, f) = want;
    assert_eq!((got.tp, got.fp, got.fn_), (tp, fp, fn_), "{name}: tp/fp/fn");
    assert!(close(got.precision(), p), "{name}: precision {} expected {p}", got.precision());
    assert!(close(got.recall(), r), "{name}: recall {} expected {r}", got.recall());
    assert!(close(got.f1(), f), "{name}: f1 {} expected {f}", got.f1());
}

fn with(mut v: Value, over: Value) -> Value {
    for (k, val) in over.as_object().unwrap() {
        v[k] = val.clone();
    }
    v
}

/// Table of prediction sets against the five gold claims of `a`:
/// (name, predictions, claim counts, strict counts).
#[test]
fn claim_and_strict_scores() {
    let g = gold_claims();
    let extra = claim("a", "missing", "Russia", 7, "Kyiv says", json!({}));
    let cases: Vec<(&str, Vec<Value>, Expect, Expect)> = vec![
        ("perfect prediction", g.clone(), (5, 0, 0, 1.0, 1.0, 1.0), (5, 0, 0, 1.0, 1.0, 1.0)),
        ("empty prediction", vec![], (0, 0, 5, 0.0, 0.0, 0.0), (0, 0, 5, 0.0, 0.0, 0.0)),
        (
            "one false positive",
            [g.clone(), vec![extra.clone()]].concat(),
            (5, 1, 0, 5.0 / 6.0, 1.0, 10.0 / 11.0),
            (5, 1, 0, 5.0 / 6.0, 1.0, 10.0 / 11.0),
        ),
        ("one false negative", g[..4].to_vec(), (4, 0, 1, 1.0, 0.8, 8.0 / 9.0), (4, 0, 1, 1.0, 0.8, 8.0 / 9.0)),
        (
            // Lenient: all five match. Strict: the pair with a wrong claimant counts as one FP and one FN.
            "field mismatch",
            vec![
                with(g[0].clone(), json!({"claimant": "Russia"})),
                g[1].clone(),
                g[2].clone(),
                g[3].clone(),
                g[4].clone(),
            ],
            (5, 0, 0, 1.0, 1.0, 1.0),
            (4, 1, 1, 0.8, 0.8, 0.8),
        ),
        (
            "vague prediction dropped before matching",
            [g[..4].to_vec(), vec![with(g[4].clone(), json!({"vague": true}))]].concat(),
            (4, 0, 1, 1.0, 0.8, 8.0 / 9.0),
            (4, 0, 1, 1.0, 0.8, 8.0 / 9.0),
        ),
        (
            "duplicate prediction of a matched claim is a false positive",
            [g.clone(), vec![g[2].clone()]].concat(),
            (5, 1, 0, 5.0 / 6.0, 1.0, 10.0 / 11.0),
            (5, 1, 0, 5.0 / 6.0, 1.0, 10.0 / 11.0),
        ),
        (
            "wrong value is a false positive and a false negative",
            vec![with(g[2].clone(), json!({"value": 121}))],
            (0, 1, 5, 0.0, 0.0, 0.0),
            (0, 1, 5, 0.0, 0.0, 0.0),
        ),
        (
            "wrong subject does not match",
            vec![with(g[2].clone(), json!({"subject": "Ukraine"})), g[3].clone()],
            (1, 1, 4, 0.5, 0.2, 2.0 * 0.5 * 0.2 / 0.7),
            (1, 1, 4, 0.5, 0.2, 2.0 * 0.5 * 0.2 / 0.7),
        ),
        (
            "wrong object does not match",
            vec![with(g[0].clone(), json!({"object": "artillery"}))],
            (0, 1, 5, 0.0, 0.0, 0.0),
            (0, 1, 5, 0.0, 0.0, 0.0),
        ),
    ];
    let gold_file = gold(&g);
    for (name, preds, claims, strict) in cases {
        let pred_file = pred(&preds);
        let eval = evaluate(&docs(), &gold_file, &pred_file);
        check(name, &eval.claims, claims);
        check(&format!("{name} (strict)"), &eval.strict, strict);
    }
}

#[test]
fn field_accuracy_counts_matched_pairs_only() {
    let g = gold_claims();
    let preds = vec![
        with(g[0].clone(), json!({"claimant": "Russia", "bound": "approx"})),
        with(g[1].clone(), json!({"location": "Kursk Oblast"})),
        g[2].clone(),
        // Unmatched (wrong value): its fields do not count.
        with(g[3].clone(), json!({"value": 3000, "as_of": "2024-01-01"})),
    ];
    let (gf, pf) = (gold(&g), pred(&preds));
    let eval = evaluate(&docs(), &gf, &pf);
    let acc = |f: Field| {
        let a = eval.fields[&f];
        (a.correct, a.total)
    };
    assert_eq!(acc(Field::Bound), (2, 3), "bound: one of three matched pairs differs");
    assert_eq!(acc(Field::Claimant), (2, 3), "claimant");
    assert_eq!(acc(Field::Location), (2, 3), "location");
    assert_eq!(acc(Field::AsOf), (3, 3), "as_of: the unmatched prediction's date is not counted");
    assert_eq!(acc(Field::Group), (3, 3), "group");
    assert_eq!(
        eval.docs[0].pairs.iter().find(|p| p.gold == 0).unwrap().mismatched,
        vec![Field::Bound, Field::Claimant]
    );
}

#[test]
fn territory_tolerance_is_one_percent_of_gold_inclusive() {
    let cases = [
        (Category::Territory, 1300, 1313, true, "+1 % exactly"),
        (Category::Territory, 1300, 1287, true, "-1 % exactly"),
        (Category::Territory, 1300, 1314, false, "just over +1 %"),
        (Category::Territory, 1300, 1286, false, "just under -1 %"),
        (Category::Territory, 50, 50, true, "small area, exact"),
        (Category::Territory, 50, 51, false, "small area: 1 km² is 2 %"),
        (Category::Territory, 0, 0, true, "zero"),
        (Category::Killed, 1300, 1301, false, "other categories need equal values"),
        (Category::Territory, i64::MAX, i64::MIN, false, "no overflow"),
    ];
    for (cat, gold, pred, want, why) in cases {
        assert_eq!(values_match(cat, gold, pred), want, "{why}: gold {gold} pred {pred}");
    }
    // End to end: within 1 % matches, outside is an FP plus an FN.
    let g = gold_claims();
    let gf = gold(&g);
    for (value, tp) in [(1313, 1), (1314, 0)] {
        let pf = pred(&[with(g[1].clone(), json!({"value": value}))]);
        let eval = evaluate(&docs(), &gf, &pf);
        assert_eq!(eval.categories[&Category::Territory].tp, tp, "territory predicted {value} for gold 1300");
        assert_eq!(eval.categories[&Category::Territory].fp, 1 - tp, "territory {value} fp");
    }
}

#[test]
fn false_positive_in_document_without_gold_and_outside_corpus() {
    let g = gold_claims();
    let preds = [
        g.clone(),
        vec![
            claim("b", "killed", "Russia", 3, "Markets rose", json!({})),
            claim("elsewhere", "killed", "Russia", 3, "x", json!({})),
            claim("elsewhere", "killed", "Russia", 4, "x", json!({})),
        ],
    ]
    .concat();
    let (gf, pf) = (gold(&g), pred(&preds));
    let eval = evaluate(&docs(), &gf, &pf);
    check("doc without gold", &eval.claims, (5, 1, 0, 5.0 / 6.0, 1.0, 10.0 / 11.0));
    assert_eq!(eval.docs.len(), 2, "both corpus documents are scored");
    assert_eq!(eval.docs[1].false_positives, vec![5], "the prediction on `b` is its FP");
    assert_eq!(eval.outside.get("elsewhere"), Some(&2), "predictions outside the corpus are reported apart");
    assert_eq!(eval.docs_with_gold(), 1);
}

#[test]
fn per_category_figures() {
    let g = gold_claims();
    let preds = vec![
        g[0].clone(),                                       // equipment tp
        g[2].clone(),                                       // killed tp
        with(g[3].clone(), json!({"value": 30})),           // wounded fp + fn
        claim("a", "killed", "Ukraine", 9, "x", json!({})), // killed fp
        with(g[4].clone(), json!({"vague": true})),         // dropped; deployed fn
    ];
    let (gf, pf) = (gold(&g), pred(&preds));
    let eval = evaluate(&docs(), &gf, &pf);
    let cat = |c: Category| eval.categories[&c];
    check("equipment", &cat(Category::Equipment), (1, 0, 0, 1.0, 1.0, 1.0));
    check("killed", &cat(Category::Killed), (1, 1, 0, 0.5, 1.0, 2.0 / 3.0));
    check("wounded", &cat(Category::Wounded), (0, 1, 1, 0.0, 0.0, 0.0));
    check("territory", &cat(Category::Territory), (0, 0, 1, 0.0, 0.0, 0.0));
    check("deployed", &cat(Category::Deployed), (0, 0, 1, 0.0, 0.0, 0.0));
    // Nothing expected and nothing predicted: vacuous 1.0 by convention.
    check("missing", &cat(Category::Missing), (0, 0, 0, 1.0, 1.0, 1.0));
    check("overall", &eval.claims, (2, 2, 3, 0.5, 0.4, 2.0 * 0.5 * 0.4 / 0.9));
    assert_eq!(eval.vague_dropped, 1);
    assert_eq!(eval.categories.len(), 9, "every category is listed");
}

#[test]
fn matching_prefers_strictly_equal_pairs() {
    let g = gold_claims();
    // Two predictions of the killed claim; the second agrees on every field.
    let preds = vec![with(g[2].clone(), json!({"claimant": "Russia"})), g[2].clone()];
    let (gf, pf) = (gold(&g), pred(&preds));
    let eval = evaluate(&docs(), &gf, &pf);
    assert_eq!(eval.docs[0].pairs.len(), 1);
    assert_eq!(eval.docs[0].pairs[0].pred, 1, "the strictly equal prediction is paired");
    assert_eq!(eval.strict.tp, 1, "strict is not understated by the pairing");
    assert_eq!(eval.docs[0].false_positives, vec![0]);
}

#[test]
fn matching_is_maximum_when_territory_tolerances_overlap() {
    // Gold 1000 and 1020; predicted 1010 is within 1 % of both, 995 only of 1000.
    // Greedy in file order would pair 1000–1010 and leave 1020 unmatched.
    let gold_lines = vec![
        claim("a", "territory", "Russia", 1000, "1,300 square kilometres", json!({})),
        claim("a", "territory", "Russia", 1020, "1,300 square", json!({})),
    ];
    let preds = vec![
        claim("a", "territory", "Russia", 1010, "x", json!({})),
        claim("a", "territory", "Russia", 995, "x", json!({})),
    ];
    let (gf, pf) = (gold(&gold_lines), pred(&preds));
    let eval = evaluate(&docs(), &gf, &pf);
    check("overlapping tolerances", &eval.claims, (2, 0, 0, 1.0, 1.0, 1.0));
}

/// (left, right, edges, expected pairs, why)
type MatchCase = (usize, usize, Vec<(usize, usize, i64)>, Vec<(usize, usize)>, &'static str);

#[test]
fn weighted_matching_table() {
    // (left, right, edges, expected pairs)
    let cases: Vec<MatchCase> = vec![
        (1, 2, vec![(0, 0, 1), (0, 1, 5)], vec![(0, 1)], "heavier edge wins"),
        (1, 2, vec![(0, 0, 3), (0, 1, 3)], vec![(0, 0)], "ties go to the earlier prediction"),
        (2, 2, vec![(0, 0, 9), (0, 1, 1), (1, 0, 1)], vec![(0, 1), (1, 0)], "cardinality before weight"),
        (2, 1, vec![], vec![], "no edges"),
        (3, 3, vec![(0, 0, 1), (1, 1, 1), (2, 2, 1)], vec![(0, 0), (1, 1), (2, 2)], "diagonal"),
    ];
    for (l, r, edges, want, why) in cases {
        let mut got = max_weight_matching(l, r, &edges);
        got.sort_unstable();
        assert_eq!(got, want, "{why}");
    }
}
