//! `--compare BASELINE.json`: the change of every metric against a previous
//! `--json` output.
//!
//! Both summaries are flattened into dotted metric names (`claims.f1`,
//! `categories.killed.recall`, `fields.bound.accuracy`), so a metric added or
//! removed since the baseline shows up as such instead of breaking the comparison.

use std::fmt::Write;

use serde::Serialize;
use serde_json::Value;

/// Keys that are not metrics.
const SKIP: &[&str] = &["schema", "gold", "pred", "errors", "compare", "outside_corpus.documents"];

/// One metric in both runs. `None`: absent (or null) in that run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Delta {
    pub metric: String,
    pub baseline: Option<f64>,
    pub current: Option<f64>,
    /// current − baseline, when both are present.
    pub change: Option<f64>,
    /// `new`: not in the baseline; `gone`: only in the baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

/// Object keys in reading order (serde_json maps are sorted by key); others follow alphabetically.
const ORDER: &[&str] = &[
    "documents",
    "documents_with_gold",
    "gold_claims",
    "predicted_claims",
    "vague_dropped",
    "outside_corpus",
    "claims",
    "strict",
    "categories",
    "fields",
    "tp",
    "fp",
    "fn",
    "precision",
    "recall",
    "f1",
    "bound",
    "group",
    "claimant",
    "as_of",
    "location",
    "correct",
    "total",
    "accuracy",
];

/// Parse a baseline file's text (a previous `--json` output).
pub fn parse_baseline(name: &str, text: &str) -> Result<Value, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("{name}: not a claimex eval --json output: {e}"))?;
    match value.get("schema").and_then(Value::as_str) {
        Some(s) if s.starts_with("claimex-eval/") => Ok(value),
        _ => Err(format!("{name}: not a claimex eval --json output (no \"schema\": \"claimex-eval/…\")")),
    }
}

/// Numeric leaves of a summary as `(dotted name, value)`, in document order.
/// Array elements are named by their `category` field when they have one.
pub fn flatten(value: &Value) -> Vec<(String, Option<f64>)> {
    fn walk(prefix: &str, v: &Value, out: &mut Vec<(String, Option<f64>)>) {
        if SKIP.contains(&prefix) {
            return;
        }
        let join = |key: &str| {
            if prefix.is_empty() {
                key.to_string()
            } else {
                format!("{prefix}.{key}")
            }
        };
        match v {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort_by_key(|k| (ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()), k.as_str()));
                for k in keys {
                    let v = &map[k];
                    if k != "category" {
                        walk(&join(k), v, out);
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let name =
                        item.get("category").and_then(Value::as_str).map_or_else(|| i.to_string(), str::to_string);
                    walk(&join(&name), item, out);
                }
            }
            Value::Number(n) => out.push((prefix.to_string(), n.as_f64())),
            Value::Null => out.push((prefix.to_string(), None)),
            Value::String(_) | Value::Bool(_) => {}
        }
    }
    let mut out = Vec::new();
    walk("", value, &mut out);
    out
}

/// Every metric of `current` and `baseline`: current's order, then metrics only
/// in the baseline.
pub fn diff(baseline: &Value, current: &Value) -> Vec<Delta> {
    let base = flatten(baseline);
    let cur = flatten(current);
    let mut out: Vec<Delta> = cur
        .iter()
        .map(|(metric, c)| {
            let found = base.iter().find(|(m, _)| m == metric);
            let b = found.and_then(|(_, v)| *v);
            let note = found.is_none().then_some("new");
            Delta { metric: metric.clone(), baseline: b, current: *c, change: b.zip(*c).map(|(b, c)| c - b), note }
        })
        .collect();
    for (metric, b) in base {
        if !cur.iter().any(|(m, _)| *m == metric) {
            out.push(Delta { metric, baseline: b, current: None, change: None, note: Some("gone") });
        }
    }
    out
}

/// Rates print with three decimals, counts as integers.
fn is_rate(metric: &str) -> bool {
    ["precision", "recall", "f1", "accuracy"].iter().any(|r| metric.ends_with(r))
}

fn num(rate: bool, v: Option<f64>) -> String {
    match v {
        None => "-".to_string(),
        Some(x) if rate => format!("{x:.3}"),
        Some(x) => format!("{x:.0}"),
    }
}

/// The comparison as aligned text, one metric per line with its signed change.
pub fn render(baseline_name: &str, deltas: &[Delta]) -> String {
    let width = deltas.iter().map(|d| d.metric.len()).max().unwrap_or(6).max(6);
    let mut out = format!("\nchange against {baseline_name}\n");
    let _ = writeln!(out, "{:<width$}  {:>10}  {:>10}  {:>9}", "metric", "baseline", "current", "change");
    for d in deltas {
        let rate = is_rate(&d.metric);
        let change = match (d.change, d.note) {
            (Some(0.0), _) => "±0".to_string(),
            (Some(c), _) if rate => format!("{c:+.3}"),
            (Some(c), _) => format!("{c:+.0}"),
            (None, Some(note)) => note.to_string(),
            (None, None) => "n/a".to_string(),
        };
        let (b, c) = (num(rate, d.baseline), num(rate, d.current));
        let _ = writeln!(out, "{:<width$}  {b:>10}  {c:>10}  {change:>9}", d.metric);
    }
    out
}
