//! Reading gold files (validated against the evaluated documents) and
//! prediction files (claimex JSONL or CSV output).
//!
//! Every problem names its file and line; all problems of a file are collected
//! before failing, so one run shows everything to fix.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use claimex_pipeline::{Bound, Category, ClaimRecord, Document, Group, Object};
use serde_json::{Map, Value};

use crate::Issue;

/// One claim read from a file, with the line it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Labelled {
    pub line: u64,
    pub record: ClaimRecord,
}

/// The claims of one file, in file order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClaimFile {
    /// The file's path as given (or a description such as `pipeline`).
    pub path: String,
    pub claims: Vec<Labelled>,
}

/// The fields every gold line must have (CLAIMS.md "Record").
pub const GOLD_FIELDS: [&str; 11] =
    ["doc_id", "category", "subject", "object", "group", "value", "bound", "claimant", "as_of", "location", "evidence"];

const BOUNDS: [Bound; 4] = [Bound::Exact, Bound::Approx, Bound::AtLeast, Bound::AtMost];

fn parse_bound(s: &str) -> Option<Bound> {
    BOUNDS.into_iter().find(|b| b.as_str() == s)
}

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> String {
    all.iter().map(|&v| name(v)).collect::<Vec<_>>().join(", ")
}

/// A short, single-line rendering of a JSON value for messages.
fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

/// Read a gold file and validate it against `docs` (the evaluated corpus).
pub fn load_gold(path: &Path, docs: &[Document]) -> Result<ClaimFile, Vec<Issue>> {
    let name = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| vec![Issue::new(&name, 0, format!("cannot read gold file: {e}"))])?;
    parse_gold(&name, &text, docs)
}

/// Parse and validate gold JSONL text. `file` names the file in issues.
///
/// Checks: well-formed JSON object per line; every field of the record present;
/// known category, object, group and bound; integer, non-negative value; date
/// `as_of`; `object` set exactly for `equipment`; `group` null outside personnel
/// categories; `doc_id` in the corpus; evidence verbatim in its document; no two
/// lines with the same doc_id, category, subject, object and value.
pub fn parse_gold(file: &str, text: &str, docs: &[Document]) -> Result<ClaimFile, Vec<Issue>> {
    let by_id: HashMap<&str, &Document> = docs.iter().map(|d| (d.id.as_str(), d)).collect();
    let mut issues = Vec::new();
    let mut claims = Vec::new();
    let mut seen: HashMap<(String, Category, String, Option<Object>, i64), u64> = HashMap::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index as u64 + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let mut err = |message: String| issues.push(Issue::new(file, line, message));
        let value: Value = match serde_json::from_str(raw) {
            Ok(v) => v,
            Err(e) => {
                err(format!("malformed JSON: {e}"));
                continue;
            }
        };
        let Some(obj) = value.as_object() else {
            err(format!("expected a JSON object (one claim per line), found {}", show(&value)));
            continue;
        };
        let before = issues.len();
        let mut err = |message: String| issues.push(Issue::new(file, line, message));
        let missing: Vec<&str> = GOLD_FIELDS.iter().copied().filter(|f| !obj.contains_key(*f)).collect();
        if !missing.is_empty() {
            err(format!(
                "missing field{} {}",
                if missing.len() > 1 { "s" } else { "" },
                missing.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
            ));
        }
        let checked = check_gold_fields(obj, &by_id, &mut err);
        if issues.len() > before {
            continue;
        }
        let Some(key) = checked else { continue };
        match serde_json::from_value::<ClaimRecord>(value) {
            Ok(record) => {
                if let Some(first) = seen.get(&key) {
                    issues.push(Issue::new(
                        file,
                        line,
                        format!("duplicate claim: same doc_id, category, subject, object and value as line {first}"),
                    ));
                    continue;
                }
                seen.insert(key, line);
                claims.push(Labelled { line, record });
            }
            Err(e) => issues.push(Issue::new(file, line, format!("invalid claim record: {e}"))),
        }
    }
    if issues.is_empty() {
        Ok(ClaimFile { path: file.to_string(), claims })
    } else {
        Err(issues)
    }
}

type ClaimKey = (String, Category, String, Option<Object>, i64);

/// Check the present fields of one gold line; returns the duplicate key when
/// the identifying fields are valid.
fn check_gold_fields(
    obj: &Map<String, Value>,
    docs: &HashMap<&str, &Document>,
    err: &mut impl FnMut(String),
) -> Option<ClaimKey> {
    let text_field = |key: &str, nullable: bool, err: &mut dyn FnMut(String)| -> Option<Option<String>> {
        match obj.get(key)? {
            Value::Null if nullable => Some(None),
            Value::String(s) if !s.trim().is_empty() => Some(Some(s.clone())),
            Value::String(_) => {
                err(format!("`{key}` is empty{}", if nullable { "; write null when unknown" } else { "" }));
                None
            }
            other => {
                let want = if nullable { "a string or null" } else { "a string" };
                err(format!("`{key}` must be {want}, found {}", show(other)));
                None
            }
        }
    };
    let doc_id = text_field("doc_id", false, err).flatten();
    let doc = doc_id.as_deref().and_then(|id| {
        let found = docs.get(id).copied();
        if found.is_none() {
            err(format!("doc_id `{id}` is not a document of the evaluated corpus"));
        }
        found
    });
    let category = match obj.get("category") {
        None => None,
        Some(Value::String(s)) => Category::parse(s).or_else(|| {
            err(format!("unknown category `{s}`, expected one of: {}", names(&Category::ALL, Category::as_str)));
            None
        }),
        Some(other) => {
            err(format!("`category` must be a string, found {}", show(other)));
            None
        }
    };
    let subject = text_field("subject", false, err).flatten();
    let object = match obj.get("object") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) => match Object::parse(s) {
            Some(o) => Some(Some(o)),
            None => {
                err(format!("unknown object `{s}`, expected one of: {}", names(&Object::ALL, Object::as_str)));
                None
            }
        },
        Some(other) => {
            err(format!("`object` must be a string or null, found {}", show(other)));
            None
        }
    };
    if let (Some(c), Some(o)) = (category, object) {
        if c == Category::Equipment && o.is_none() {
            err("`object` is null but category is `equipment`; use `all` when the type is unspecified".into());
        } else if c != Category::Equipment && o.is_some() {
            err(format!("`object` must be null for category `{}` (only `equipment` has one)", c.as_str()));
        }
    }
    match obj.get("group") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => match (Group::parse(s), category) {
            (None, _) => err(format!("unknown group `{s}`, expected one of: military, civilian")),
            (Some(_), Some(c)) if !c.is_personnel() => {
                err(format!("`group` must be null for category `{}`", c.as_str()))
            }
            _ => {}
        },
        Some(other) => err(format!("`group` must be a string or null, found {}", show(other))),
    }
    let value = match obj.get("value") {
        None => None,
        Some(v) => match v.as_i64() {
            Some(n) if n >= 0 => Some(n),
            Some(n) => {
                err(format!("value must not be negative, found {n}"));
                None
            }
            None => {
                err(format!("value is not an integer: {}", show(v)));
                None
            }
        },
    };
    match obj.get("bound") {
        None => {}
        Some(Value::String(s)) if parse_bound(s).is_some() => {}
        Some(Value::String(s)) => {
            err(format!("unknown bound `{s}`, expected one of: {}", names(&BOUNDS, Bound::as_str)))
        }
        Some(other) => err(format!("`bound` must be a string, found {}", show(other))),
    }
    text_field("claimant", true, err);
    text_field("location", true, err);
    match obj.get("as_of") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() && s.len() == 10 => {}
        Some(other) => err(format!("`as_of` must be a YYYY-MM-DD date or null, found {}", show(other))),
    }
    if let Some(evidence) = text_field("evidence", false, err).flatten() {
        if let Some(doc) = doc {
            if !doc.text.contains(&evidence) {
                err(format!(
                    "evidence not found verbatim in document `{}`: {}",
                    doc.id,
                    show(&Value::String(evidence))
                ));
            }
        }
    }
    Some((doc_id?, category?, subject?, object?, value?))
}

/// The format of a prediction file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PredFormat {
    Jsonl,
    Csv,
}

impl PredFormat {
    /// `.csv` files are CSV; everything else is read as JSONL.
    pub fn from_path(path: &Path) -> PredFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => PredFormat::Csv,
            _ => PredFormat::Jsonl,
        }
    }
}

/// Read a prediction file (claimex output), JSONL or CSV by extension.
pub fn load_predictions(path: &Path) -> Result<ClaimFile, Vec<Issue>> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| vec![Issue::new(&name, 0, format!("cannot read predictions: {e}"))])?;
    parse_predictions(&name, &text, PredFormat::from_path(path))
}

/// Parse predictions: claimex JSONL (extra fields allowed) or CSV with the
/// columns of [`ClaimRecord::CSV_HEADER`] (nulls as empty cells).
pub fn parse_predictions(file: &str, text: &str, format: PredFormat) -> Result<ClaimFile, Vec<Issue>> {
    let mut issues = Vec::new();
    let mut claims = Vec::new();
    match format {
        PredFormat::Jsonl => {
            for (index, raw) in text.lines().enumerate() {
                let line = index as u64 + 1;
                if raw.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<ClaimRecord>(raw) {
                    Ok(record) => claims.push(Labelled { line, record }),
                    Err(e) => issues.push(Issue::new(file, line, format!("invalid claim record: {e}"))),
                }
            }
        }
        PredFormat::Csv => parse_csv(file, text, &mut claims, &mut issues),
    }
    if issues.is_empty() {
        Ok(ClaimFile { path: file.to_string(), claims })
    } else {
        Err(issues)
    }
}

/// The CSV columns that must be present; the other columns of the header are optional.
const CSV_REQUIRED: [&str; 11] = GOLD_FIELDS;

fn parse_csv(file: &str, text: &str, claims: &mut Vec<Labelled>, issues: &mut Vec<Issue>) {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            issues.push(Issue::new(file, 1, format!("malformed CSV header: {e}")));
            return;
        }
    };
    let columns: BTreeMap<&str, usize> = header.iter().enumerate().map(|(i, h)| (h, i)).collect();
    let missing: Vec<&str> = CSV_REQUIRED.iter().copied().filter(|c| !columns.contains_key(c)).collect();
    if !missing.is_empty() {
        issues.push(Issue::new(
            file,
            1,
            format!(
                "CSV header lacks column(s) {}; expected {}",
                missing.join(", "),
                ClaimRecord::CSV_HEADER.join(",")
            ),
        ));
        return;
    }
    for row in reader.records() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                issues.push(Issue::new(file, line, format!("malformed CSV row: {e}")));
                continue;
            }
        };
        let line = row.position().map_or(0, |p| p.line());
        match csv_row_to_json(&columns, &row) {
            Ok(value) => match serde_json::from_value::<ClaimRecord>(Value::Object(value)) {
                Ok(record) => claims.push(Labelled { line, record }),
                Err(e) => issues.push(Issue::new(file, line, format!("invalid claim record: {e}"))),
            },
            Err(message) => issues.push(Issue::new(file, line, message)),
        }
    }
}

/// Convert one CSV row into the JSON form of a record, so JSONL and CSV share
/// the same deserialisation and error messages.
fn csv_row_to_json(columns: &BTreeMap<&str, usize>, row: &csv::StringRecord) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    for name in ClaimRecord::CSV_HEADER {
        let Some(cell) = columns.get(name).and_then(|&i| row.get(i)) else {
            continue;
        };
        let value = if cell.is_empty() && name != "evidence" && name != "subject" && name != "doc_id" {
            match name {
                "mentions" => continue,
                "vague" => Value::Bool(false),
                _ => Value::Null,
            }
        } else {
            match name {
                "value" | "start" | "end" | "schema_version" => cell
                    .trim()
                    .parse::<i64>()
                    .map(Value::from)
                    .map_err(|_| format!("`{name}` is not an integer: {cell:?}"))?,
                "confidence" => cell
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
                    .ok_or_else(|| format!("`confidence` is not a number: {cell:?}"))?,
                "vague" => match cell.trim() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => return Err(format!("`vague` must be true or false, found {cell:?}")),
                },
                "mentions" => {
                    let mut spans = Vec::new();
                    for part in cell.split(';') {
                        let pair = part
                            .split_once('-')
                            .and_then(|(s, e)| Some((s.parse::<u64>().ok()?, e.parse::<u64>().ok()?)));
                        let (s, e) =
                            pair.ok_or_else(|| format!("`mentions` must be start-end;start-end, found {cell:?}"))?;
                        spans.push(Value::from(vec![s, e]));
                    }
                    Value::Array(spans)
                }
                _ => Value::String(cell.to_string()),
            }
        };
        out.insert(name.to_string(), value);
    }
    Ok(out)
}
