//! Reports: JSON field names, the error list, the HTML page, baseline comparison.

mod common;

use claimex_eval::compare::{diff, parse_baseline, render};
use claimex_eval::gold::parse_gold;
use claimex_eval::report::{errors_text, table, Summary};
use claimex_eval::score::evaluate;
use claimex_eval::{html, write_atomic};
use claimex_pipeline::Document;
use common::*;
use serde_json::{json, Value};

/// Gold of `a` with one FN (deployed), one FP (missing), one field mismatch (killed claimant).
fn flawed_predictions() -> Vec<Value> {
    let g = gold_claims();
    let mut killed = g[2].clone();
    killed["claimant"] = json!("Russia");
    vec![g[0].clone(), g[1].clone(), killed, g[3].clone(), claim("a", "missing", "Russia", 7, "Kyiv says", json!({}))]
}

#[test]
fn json_summary_has_stable_field_names() {
    let (gf, pf) = (gold(&gold_claims()), pred(&flawed_predictions()));
    let eval = evaluate(&docs(), &gf, &pf);
    let v: Value = serde_json::from_str(&Summary::new(&eval, true).to_json()).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let documented = "schema gold pred documents documents_with_gold gold_claims predicted_claims vague_dropped \
                      outside_corpus claims strict categories fields errors";
    for k in documented.split_whitespace() {
        assert!(keys.contains(&k), "summary lacks `{k}`: {keys:?}");
    }
    assert_eq!(v["schema"], "claimex-eval/1");
    assert_eq!(v["claims"], json!({"tp": 4, "fp": 1, "fn": 1, "precision": 0.8, "recall": 0.8, "f1": 0.8}));
    assert_eq!(v["strict"]["tp"], 3);
    assert_eq!(v["categories"][1]["category"], "killed", "categories in CLAIMS.md order");
    assert_eq!(v["fields"]["claimant"], json!({"correct": 3, "total": 4, "accuracy": 0.75}));
    let errors = &v["errors"][0];
    assert_eq!(errors["doc_id"], "a");
    assert_eq!(errors["false_negatives"][0]["category"], "deployed");
    assert_eq!(errors["false_negatives"][0]["line"], 5);
    assert_eq!(errors["false_positives"][0]["category"], "missing");
    assert_eq!(
        errors["field_mismatches"][0]["fields"],
        json!([{"field": "claimant", "gold": "null", "pred": "Russia"}])
    );
}

#[test]
fn table_and_errors_text_show_what_went_wrong() {
    let (gf, pf) = (gold(&gold_claims()), pred(&flawed_predictions()));
    let eval = evaluate(&docs(), &gf, &pf);
    let t = table(&eval);
    for want in ["claims", "strict", "killed", "settlements", "claimant", "0.800"] {
        assert!(t.contains(want), "table lacks {want:?}:\n{t}");
    }
    // Aligned: every row of the first block has the same width.
    let widths: Vec<usize> =
        t.lines().filter(|l| l.starts_with("claims") || l.starts_with("strict")).map(str::len).collect();
    assert!(widths.windows(2).all(|w| w[0] == w[1]), "rows aligned: {widths:?}");
    let e = errors_text(&eval);
    for want in [
        "== a: 1 FN, 1 FP, 1 field mismatch(es)",
        "FN  deployed · Russia · 10000  (gold.jsonl:5)",
        "evidence: \"Moscow deployed 10,000 troops\"",
        "FP  missing · Russia · 7  (pred.jsonl:5)",
        "claimant: gold null · predicted Russia",
    ] {
        assert!(e.contains(want), "errors lack {want:?}:\n{e}");
    }
}

#[test]
fn html_is_escaped_and_marks_false_negatives_and_positives() {
    let text = "Raid <script>alert('x')</script> & \"quotes\": 40 civilians were killed. Kyiv said 9 tanks were lost.";
    let docs = vec![Document::new("h<1>", text)];
    let gold_lines =
        vec![claim("h<1>", "killed", "Ukraine", 40, "40 civilians were killed", json!({"group": "civilian"}))];
    let gf = parse_gold("gold.jsonl", &jsonl(&gold_lines), &docs).unwrap();
    // The FP carries char offsets of its sentence.
    let start = text.find("Kyiv said").unwrap();
    let fp = claim(
        "h<1>",
        "equipment",
        "Russia",
        9,
        "Kyiv said 9 tanks were lost.",
        json!({"start": start, "end": text.len()}),
    );
    let pf = pred(&[fp]);
    let eval = evaluate(&docs, &gf, &pf);
    let page = html::render(&eval, &docs);

    assert!(page.starts_with("<!DOCTYPE html>"), "doctype");
    assert!(!page.contains("<script>"), "article text is escaped");
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"), "escaped text");
    assert!(page.contains("id=\"h&lt;1&gt;\""), "ids escaped in attributes");
    assert!(
        !page.contains("http://") && !page.contains("https://") && !page.contains("<link"),
        "no external resources"
    );
    assert!(page.contains("<style>"), "inline CSS");
    assert!(
        page.contains("class=\"g-fn\" title=\"FN killed · Ukraine · 40 (gold)\">40 civilians were killed</span>"),
        "FN highlighted:\n{page}"
    );
    assert!(
        page.contains(
            "class=\"p-fp\" title=\"FP equipment/tank · Russia · 9 (predicted)\">Kyiv said 9 tanks were lost.</span>"
        ),
        "FP highlighted"
    );
    assert!(page.contains("<sup class=\"tag t-fn\"") && page.contains("<sup class=\"tag t-fp\""), "FN and FP tags");
    assert!(page.contains("missed (FN)") && page.contains("false positive (FP)"), "legend");
    for tag in ["span", "table", "tr", "details", "summary", "div", "sup", "style", "body", "html"] {
        let open = page.matches(&format!("<{tag}>")).count() + page.matches(&format!("<{tag} ")).count();
        let close = page.matches(&format!("</{tag}>")).count();
        assert_eq!(open, close, "<{tag}> opened {open} times, closed {close}");
    }
}

#[test]
fn html_places_predicted_evidence_by_char_offsets_in_non_ascii_text() {
    // The evidence occurs twice; offsets choose the second occurrence, past multibyte chars.
    let text = "Київ: 5 tanks lost. Again — 5 tanks lost.";
    let docs = vec![Document::new("u", text)];
    let gf = parse_gold("g", "", &docs).unwrap();
    let chars: Vec<char> = text.chars().collect();
    let start = text.rfind("5 tanks").map(|b| text[..b].chars().count()).unwrap();
    let end = start + "5 tanks lost".chars().count();
    assert_eq!(chars[start..end].iter().collect::<String>(), "5 tanks lost");
    let pf = pred(&[claim("u", "equipment", "Russia", 5, "5 tanks lost", json!({"start": start, "end": end}))]);
    let eval = evaluate(&docs, &gf, &pf);
    let page = html::render(&eval, &docs);
    assert!(page.contains("Again — <sup class=\"tag t-fp\""), "FP tag before the second occurrence:\n{page}");
}

#[test]
fn compare_prints_every_metric_change() {
    let gf = gold(&gold_claims());
    let (worse, better) = (pred(&flawed_predictions()), pred(&gold_claims()));
    let e1 = evaluate(&docs(), &gf, &worse);
    let e2 = evaluate(&docs(), &gf, &better);
    let base_text = Summary::new(&e1, false).to_json();
    let base = parse_baseline("base.json", &base_text).unwrap();
    let current = serde_json::to_value(Summary::new(&e2, false)).unwrap();
    let deltas = diff(&base, &current);
    let get = |m: &str| deltas.iter().find(|d| d.metric == m).unwrap_or_else(|| panic!("no metric {m}"));
    assert!(close(get("claims.f1").change.unwrap(), 0.2), "claims f1 0.8 → 1.0");
    assert_eq!(get("claims.fn").change, Some(-1.0));
    assert!(close(get("categories.deployed.recall").change.unwrap(), 1.0));
    assert!(close(get("fields.claimant.accuracy").change.unwrap(), 0.25));
    assert_eq!(deltas[0].metric, "documents", "reading order, not alphabetical");
    assert!(deltas.len() > 70, "every metric: {}", deltas.len());
    let text = render("base.json", &deltas);
    assert!(text.contains("claims.f1") && text.contains("+0.200"), "{text}");
    assert!(text.contains("claims.fn") && text.contains("-1"), "{text}");
    assert!(text.contains("±0"), "unchanged metrics are listed too");

    // A metric absent from the baseline is `new`.
    let mut old = base.clone();
    old.as_object_mut().unwrap().remove("vague_dropped");
    let d = diff(&old, &current);
    assert_eq!(d.iter().find(|d| d.metric == "vague_dropped").unwrap().note, Some("new"));

    for bad in ["{", "{\"claims\": {}}", "[]"] {
        let err = parse_baseline("b.json", bad).expect_err(bad);
        assert!(err.starts_with("b.json: not a claimex eval --json output"), "{err}");
    }
}

#[test]
fn reports_are_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.html");
    write_atomic(&path, b"one").unwrap();
    write_atomic(&path, b"two").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "no temporary file left behind: {names:?}");
    assert!(write_atomic(&dir.path().join("missing/r.html"), b"x").is_err(), "unwritable directory is an error");
}
