//! Small invented documents and claim lines shared by the eval tests.
#![allow(dead_code)]

use claimex_eval::gold::{parse_gold, parse_predictions, ClaimFile, PredFormat};
use claimex_pipeline::Document;
use serde_json::{json, Value};

pub const TEXT_A: &str = "Kyiv says Russia lost 500 tanks and 1,300 square kilometres. \
    Officials said 120 soldiers were killed and 300 wounded. Moscow deployed 10,000 troops.";
pub const TEXT_B: &str = "Markets rose 3 percent on Monday.";

pub fn docs() -> Vec<Document> {
    vec![Document::new("a", TEXT_A), Document::new("b", TEXT_B)]
}

/// A claim as JSON with every field; `over` replaces fields.
pub fn claim(doc: &str, category: &str, subject: &str, value: i64, evidence: &str, over: Value) -> Value {
    let object = if category == "equipment" { json!("tank") } else { Value::Null };
    let personnel = !matches!(category, "equipment" | "territory" | "settlements");
    let mut v = json!({
        "doc_id": doc, "category": category, "subject": subject, "object": object,
        "group": if personnel { json!("military") } else { Value::Null },
        "value": value, "bound": "exact", "claimant": "Ukraine", "as_of": null,
        "location": null, "evidence": evidence,
    });
    if let (Some(map), Some(o)) = (v.as_object_mut(), over.as_object()) {
        for (k, val) in o {
            map.insert(k.clone(), val.clone());
        }
    }
    v
}

/// The five gold claims of document `a`.
pub fn gold_claims() -> Vec<Value> {
    vec![
        claim("a", "equipment", "Russia", 500, "Russia lost 500 tanks", json!({})),
        claim("a", "territory", "Russia", 1300, "1,300 square kilometres", json!({})),
        claim("a", "killed", "Russia", 120, "120 soldiers were killed", json!({"claimant": null})),
        claim("a", "wounded", "Russia", 300, "300 wounded", json!({"claimant": null})),
        claim("a", "deployed", "Russia", 10000, "Moscow deployed 10,000 troops", json!({"claimant": null})),
    ]
}

pub fn jsonl(lines: &[Value]) -> String {
    lines.iter().map(|v| v.to_string() + "\n").collect()
}

pub fn gold(lines: &[Value]) -> ClaimFile {
    parse_gold("gold.jsonl", &jsonl(lines), &docs()).expect("valid gold")
}

pub fn pred(lines: &[Value]) -> ClaimFile {
    parse_predictions("pred.jsonl", &jsonl(lines), PredFormat::Jsonl).expect("valid predictions")
}

/// Floats equal to 1e-9.
pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}
