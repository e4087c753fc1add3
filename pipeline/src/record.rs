//! The claim record of CLAIMS.md as written to JSONL and CSV, and read back by
//! `claimex eval` (gold files use the same fields without offsets).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::document::{Bound, CharIndex, Claim, Document, Group, Object};
use crate::Category;

/// Version of the output records; bumped when a field changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// One claim as a flat record. Field order is the order of CLAIMS.md, then the
/// extras (offsets, mentions, vague, confidence, schema version).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClaimRecord {
    pub doc_id: String,
    pub category: Category,
    pub subject: String,
    pub object: Option<Object>,
    pub group: Option<Group>,
    pub value: i64,
    pub bound: Bound,
    pub claimant: Option<String>,
    pub as_of: Option<NaiveDate>,
    pub location: Option<String>,
    pub evidence: String,
    /// Char offsets of the evidence in the original text (end exclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
    /// Char spans of every mention of the figure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<[usize; 2]>,
    #[serde(default)]
    pub vague: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<u32>,
}

impl ClaimRecord {
    /// The output record of one claim of `doc`.
    pub fn from_claim(doc: &Document, claim: &Claim, index: &CharIndex<'_>) -> ClaimRecord {
        let [start, end] = index.chars(claim.evidence);
        ClaimRecord {
            doc_id: doc.id.clone(),
            category: claim.category,
            subject: claim.subject.clone(),
            object: claim.object,
            group: claim.group,
            value: claim.value,
            bound: claim.bound,
            claimant: claim.claimant.clone(),
            as_of: claim.as_of,
            location: claim.location.clone(),
            evidence: doc.slice(claim.evidence).to_string(),
            start: Some(start),
            end: Some(end),
            mentions: claim.mentions.iter().map(|m| index.chars(*m)).collect(),
            vague: claim.vague,
            confidence: Some((claim.confidence * 1000.0).round() / 1000.0),
            schema_version: Some(SCHEMA_VERSION),
        }
    }

    /// The CSV header, in field order.
    pub const CSV_HEADER: [&'static str; 17] = [
        "doc_id",
        "category",
        "subject",
        "object",
        "group",
        "value",
        "bound",
        "claimant",
        "as_of",
        "location",
        "evidence",
        "start",
        "end",
        "mentions",
        "vague",
        "confidence",
        "schema_version",
    ];

    /// The record as CSV fields (nulls empty; mentions as `start-end;start-end`).
    pub fn csv_fields(&self) -> [String; 17] {
        let opt = |s: &Option<String>| s.clone().unwrap_or_default();
        [
            self.doc_id.clone(),
            self.category.as_str().to_string(),
            self.subject.clone(),
            self.object.map(|o| o.as_str().to_string()).unwrap_or_default(),
            self.group.map(|g| g.as_str().to_string()).unwrap_or_default(),
            self.value.to_string(),
            self.bound.as_str().to_string(),
            opt(&self.claimant),
            self.as_of.map(|d| d.to_string()).unwrap_or_default(),
            opt(&self.location),
            self.evidence.clone(),
            self.start.map(|v| v.to_string()).unwrap_or_default(),
            self.end.map(|v| v.to_string()).unwrap_or_default(),
            self.mentions.iter().map(|[s, e]| format!("{s}-{e}")).collect::<Vec<_>>().join(";"),
            self.vague.to_string(),
            self.confidence.map(|c| c.to_string()).unwrap_or_default(),
            self.schema_version.map(|v| v.to_string()).unwrap_or_default(),
        ]
    }
}
