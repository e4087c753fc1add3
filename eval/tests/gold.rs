//! Gold validation and prediction reading: every problem names file:line.

mod common;

use claimex_eval::gold::{parse_gold, parse_predictions, PredFormat};
use claimex_pipeline::ClaimRecord;
use common::*;
use serde_json::json;

/// Each case: a bad second line after a valid first line, and the message
/// expected at `gold.jsonl:2`.
#[test]
fn each_validation_error_names_file_line_and_problem() {
    let good = claim("a", "killed", "Russia", 120, "120 soldiers were killed", json!({}));
    let bad = |over: serde_json::Value| {
        // A different value, so only the problem under test is reported.
        let mut v = good.clone();
        v["value"] = json!(300);
        for (k, val) in over.as_object().unwrap() {
            v[k] = val.clone();
        }
        v.to_string()
    };
    let missing = {
        let mut v = good.clone();
        v.as_object_mut().unwrap().remove("claimant");
        v.as_object_mut().unwrap().remove("as_of");
        v["value"] = json!(300);
        v.to_string()
    };
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "unknown category",
            bad(json!({"category": "kiled"})),
            "unknown category `kiled`, expected one of: casualties",
        ),
        (
            "unknown object",
            bad(json!({"category": "equipment", "object": "tanks", "group": null})),
            "unknown object `tanks`, expected one of: all, tank",
        ),
        (
            "unknown bound",
            bad(json!({"bound": "over"})),
            "unknown bound `over`, expected one of: exact, approx, at_least, at_most",
        ),
        ("value with decimals", bad(json!({"value": 300.5})), "value is not an integer: 300.5"),
        ("value as a string", bad(json!({"value": "300"})), "value is not an integer: \"300\""),
        (
            "evidence not in document",
            bad(json!({"evidence": "300 killed"})),
            "evidence not found verbatim in document `a`: \"300 killed\"",
        ),
        (
            "doc_id outside corpus",
            bad(json!({"doc_id": "zz"})),
            "doc_id `zz` is not a document of the evaluated corpus",
        ),
        (
            "duplicate claim",
            bad(json!({"value": 120, "bound": "approx"})),
            "duplicate claim: same doc_id, category, subject, object and value as line 1",
        ),
        ("malformed JSON", "{\"doc_id\": \"a\", ".to_string(), "malformed JSON: EOF while parsing"),
        ("not an object", "[1, 2]".to_string(), "expected a JSON object (one claim per line), found [1,2]"),
        ("missing fields", missing, "missing fields `claimant`, `as_of`"),
        (
            "unknown group",
            bad(json!({"group": "soldiers"})),
            "unknown group `soldiers`, expected one of: military, civilian",
        ),
        (
            "bad date",
            bad(json!({"as_of": "2024-13-01"})),
            "`as_of` must be a YYYY-MM-DD date or null, found \"2024-13-01\"",
        ),
        (
            "equipment without object",
            bad(json!({"category": "equipment", "group": null})),
            "`object` is null but category is `equipment`",
        ),
        ("object on a personnel claim", bad(json!({"object": "tank"})), "`object` must be null for category `killed`"),
        ("group on territory", bad(json!({"category": "territory"})), "`group` must be null for category `territory`"),
        ("negative value", bad(json!({"value": -3})), "value must not be negative, found -3"),
        ("empty subject", bad(json!({"subject": " "})), "`subject` is empty"),
    ];
    for (name, line, want) in cases {
        let text = format!("{good}\n{line}\n");
        let issues = parse_gold("gold.jsonl", &text, &docs()).expect_err(name);
        let shown: Vec<String> = issues.iter().map(ToString::to_string).collect();
        assert!(
            shown.iter().any(|s| s.starts_with(&format!("gold.jsonl:2: {want}"))),
            "{name}: expected `gold.jsonl:2: {want}…`, got {shown:#?}"
        );
        assert!(issues.iter().all(|i| i.line == 2), "{name}: only line 2 is wrong, got {shown:#?}");
    }
}

#[test]
fn all_errors_are_collected_not_just_the_first() {
    let lines = [
        claim("a", "kiled", "Russia", 1, "Kyiv says", json!({})).to_string(),
        "not json".to_string(),
        claim("a", "killed", "Russia", 120, "120 soldiers were killed", json!({})).to_string(),
        String::new(),
        claim("zz", "killed", "Russia", 2, "nowhere", json!({"bound": "roughly"})).to_string(),
    ];
    let issues = parse_gold("g.jsonl", &lines.join("\n"), &docs()).expect_err("three bad lines");
    let located: Vec<(u64, &str)> = issues.iter().map(|i| (i.line, i.message.split(' ').next().unwrap())).collect();
    assert_eq!(
        located,
        vec![(1, "unknown"), (2, "malformed"), (5, "doc_id"), (5, "unknown")],
        "every bad line, and every problem of line 5, in order: {issues:#?}"
    );
}

#[test]
fn valid_gold_loads_every_claim_with_its_line() {
    let text = format!("\n{}", jsonl(&gold_claims()));
    let file = parse_gold("g.jsonl", &text, &docs()).expect("valid");
    assert_eq!(file.claims.len(), 5);
    assert_eq!(file.claims[0].line, 2, "blank lines are skipped but counted");
}

#[test]
fn malformed_prediction_lines_name_file_and_line() {
    let good = claim("a", "killed", "Russia", 120, "x", json!({"start": 3, "end": 9, "confidence": 0.5, "extra": 1}));
    let text = format!("{good}\n{{oops\n{}\n", json!({"doc_id": "a"}));
    let issues = parse_predictions("p.jsonl", &text, PredFormat::Jsonl).expect_err("two bad lines");
    let shown: Vec<String> = issues.iter().map(ToString::to_string).collect();
    assert_eq!(issues.len(), 2, "{shown:#?}");
    assert!(shown[0].starts_with("p.jsonl:2: invalid claim record:"), "{shown:#?}");
    assert!(shown[1].starts_with("p.jsonl:3: invalid claim record: missing field `category`"), "{shown:#?}");
}

#[test]
fn csv_predictions_read_like_jsonl() {
    let records: Vec<ClaimRecord> = gold_claims()
        .into_iter()
        .map(|mut v| {
            v["start"] = json!(0);
            v["end"] = json!(5);
            v["mentions"] = json!([[0, 5], [7, 9]]);
            serde_json::from_value(v).unwrap()
        })
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(ClaimRecord::CSV_HEADER).unwrap();
    for r in &records {
        w.write_record(r.csv_fields()).unwrap();
    }
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let file = parse_predictions("p.csv", &text, PredFormat::Csv).expect("claimex CSV output reads back");
    let got: Vec<ClaimRecord> =
        file.claims.iter().map(|c| ClaimRecord { confidence: None, ..c.record.clone() }).collect();
    assert_eq!(got, records, "CSV round trip, empty cells as null");
    assert_eq!(file.claims[1].line, 3, "line numbers count the header");

    let bad = "doc_id,category,subject,object,group,value,bound,claimant,as_of,location,evidence\n\
               a,killed,Russia,,,12.5,exact,,,,x\n\
               a,kiled,Russia,,,12,exact,,,,x\n";
    let issues = parse_predictions("p.csv", bad, PredFormat::Csv).expect_err("bad rows");
    let shown: Vec<String> = issues.iter().map(ToString::to_string).collect();
    assert_eq!(shown[0], "p.csv:2: `value` is not an integer: \"12.5\"");
    assert!(shown[1].starts_with("p.csv:3: invalid claim record: unknown variant `kiled`"), "{shown:#?}");

    let issues = parse_predictions("p.csv", "doc_id,value\na,1\n", PredFormat::Csv).expect_err("missing columns");
    assert!(issues[0].to_string().starts_with("p.csv:1: CSV header lacks column(s) category, subject"), "{issues:?}");
}
