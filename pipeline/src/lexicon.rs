//! The lexicon file format and its loader, shared by every stage that reads
//! word lists (the generic `lexicon` stage, and any stage that wants a TSV of
//! surfaces with canonical ids and attributes).
//!
//! ```text
//! # comment lines and blank lines are ignored (tabs shown as →)
//! surface→canonical→type→side
//! Kyiv→Ukraine→metonym→
//! @match→Kyiv says 500 soldiers were killed.
//! @nomatch→Kyivstar is a telecom operator.
//! ```
//!
//! The first non-comment line is the header: `surface`, `canonical`, then any
//! number of attribute columns. Two column names are reserved: `label` (this
//! row's label instead of the stage's) and `case` (`sensitive`: match this row
//! with exact case even in a case-insensitive stage, for acronyms such as `US`).
//! Every row has exactly as many cells as the header; an empty cell means the
//! attribute is absent. `@match` / `@nomatch` rows are examples attached to the
//! preceding entry: the sentence must (not) produce a mention of its canonical
//! id. Errors carry `file:line` (see `lexicons/README.md`).

use std::collections::hash_map::Entry as MapEntry;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use crate::document::Attrs;

/// A lexicon file that failed validation, with the 1-based line of the fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LexiconError {
    /// The file name as given to [`Lexicon::parse`] (`lexicons/actors.tsv`).
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LexiconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// How a row's surface is compared with the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CaseMode {
    /// The stage's `case_sensitive` setting decides.
    #[default]
    Stage,
    /// Always exact case (acronyms that are also words: `US`, `IS`).
    Sensitive,
}

/// One row: a surface form of a canonical id.
#[derive(Clone, Debug, PartialEq)]
pub struct LexEntry {
    pub surface: Box<str>,
    /// Interned: all rows of one canonical id share the allocation.
    pub canonical: Arc<str>,
    /// Interned: rows with identical attribute cells share the map.
    pub attrs: Attrs,
    /// The row's own label (`label` column), overriding the stage's.
    pub label: Option<Arc<str>>,
    pub case: CaseMode,
    /// 1-based line in the file.
    pub line: u32,
}

/// An `@match` / `@nomatch` row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexExample {
    /// Index into [`Lexicon::entries`] of the entry it tests.
    pub entry: usize,
    /// `true` for `@match`, `false` for `@nomatch`.
    pub expect_match: bool,
    pub sentence: String,
    pub line: u32,
}

/// A parsed, validated lexicon file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lexicon {
    /// The file name given to [`Lexicon::parse`], used in provenance and errors.
    pub name: String,
    /// The attribute column names, in header order (without `label` / `case`).
    pub attr_columns: Vec<String>,
    pub entries: Vec<LexEntry>,
    pub examples: Vec<LexExample>,
}

/// Attribute columns whose values must be `YYYY-MM-DD` dates.
const DATE_COLUMNS: &[&str] = &["valid_from", "valid_to"];

/// What a header column holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Attr(usize),
    Label,
    Case,
}

impl Lexicon {
    /// Parse and validate a lexicon file. `name` appears in errors and provenance.
    pub fn parse(name: &str, text: &str) -> Result<Lexicon, LexiconError> {
        let err = |line: usize, message: String| LexiconError { file: name.to_string(), line, message };
        let mut lex = Lexicon { name: name.to_string(), ..Default::default() };
        let mut columns: Vec<Column> = Vec::new();
        let mut header_seen = false;
        // Interning tables: canonical ids and attribute cell tuples.
        let mut canonicals: HashMap<&str, Arc<str>> = HashMap::new();
        let mut attr_sets: HashMap<&str, Attrs> = HashMap::new();
        let mut labels: HashMap<&str, Arc<str>> = HashMap::new();
        // surface -> (canonical, line) of its first row, for conflicting duplicates.
        let mut surfaces: HashMap<&str, (usize, usize)> = HashMap::new();
        let empty_attrs: Attrs = Arc::new(BTreeMap::new());

        for (index, raw) in text.split('\n').enumerate() {
            let lineno = index + 1;
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            let line = if index == 0 { line.strip_prefix('\u{feff}').unwrap_or(line) } else { line };
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            if !header_seen {
                columns = parse_header(line).map_err(|m| err(lineno, m))?;
                lex.attr_columns =
                    line.split('\t').skip(2).filter(|c| !matches!(*c, "label" | "case")).map(String::from).collect();
                header_seen = true;
                continue;
            }
            if let Some(rest) = line.strip_prefix('@') {
                let (directive, sentence) = rest.split_once('\t').unwrap_or((rest, ""));
                let expect_match = match directive {
                    "match" => true,
                    "nomatch" => false,
                    other => {
                        return Err(err(
                            lineno,
                            format!("unknown directive `@{other}`, expected `@match` or `@nomatch`"),
                        ))
                    }
                };
                if sentence.trim().is_empty() {
                    return Err(err(lineno, format!("`@{directive}` needs a sentence after a tab")));
                }
                let Some(entry) = lex.entries.len().checked_sub(1) else {
                    return Err(err(
                        lineno,
                        format!("`@{directive}` before any entry: examples follow the entry they test"),
                    ));
                };
                lex.examples.push(LexExample {
                    entry,
                    expect_match,
                    sentence: sentence.to_string(),
                    line: lineno as u32,
                });
                continue;
            }
            let cells: Vec<&str> = line.split('\t').collect();
            if cells.len() != columns.len() + 2 {
                return Err(err(
                    lineno,
                    format!(
                        "expected {} tab-separated cells (as in the header), found {}",
                        columns.len() + 2,
                        cells.len()
                    ),
                ));
            }
            let (surface, canonical) = (cells[0].trim(), cells[1].trim());
            if surface.is_empty() {
                return Err(err(lineno, "empty surface".into()));
            }
            if canonical.is_empty() {
                return Err(err(lineno, format!("empty canonical for surface `{surface}`")));
            }
            match surfaces.entry(surface) {
                MapEntry::Occupied(prev) => {
                    let (prev_entry, prev_line) = *prev.get();
                    if &*lex.entries[prev_entry].canonical != canonical {
                        return Err(err(
                            lineno,
                            format!(
                                "surface `{surface}` maps to `{canonical}` here but to `{}` on line {prev_line}",
                                lex.entries[prev_entry].canonical
                            ),
                        ));
                    }
                }
                MapEntry::Vacant(v) => {
                    v.insert((lex.entries.len(), lineno));
                }
            }
            let canonical = Arc::clone(canonicals.entry(canonical).or_insert_with(|| Arc::from(canonical)));
            let mut label = None;
            let mut case = CaseMode::Stage;
            for (col, cell) in columns.iter().zip(&cells[2..]) {
                let cell = cell.trim();
                match col {
                    Column::Label if !cell.is_empty() => {
                        label = Some(Arc::clone(labels.entry(cell).or_insert_with(|| Arc::from(cell))));
                    }
                    Column::Case => match cell {
                        "" => {}
                        "sensitive" => case = CaseMode::Sensitive,
                        other => {
                            return Err(err(lineno, format!("`case` is `{other}`, expected `sensitive` or empty")))
                        }
                    },
                    Column::Attr(i)
                        if DATE_COLUMNS.contains(&lex.attr_columns[*i].as_str())
                            && !cell.is_empty()
                            && (cell.len() != 10 || chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d").is_err()) =>
                    {
                        return Err(err(
                            lineno,
                            format!("`{}` is `{cell}`, expected a date YYYY-MM-DD", lex.attr_columns[*i]),
                        ));
                    }
                    _ => {}
                }
            }
            // Rows with the same attribute cells share one map.
            let attr_key = line.splitn(3, '\t').nth(2).unwrap_or("");
            let attrs = match attr_sets.get(attr_key) {
                Some(a) => Arc::clone(a),
                None => {
                    let mut map = BTreeMap::new();
                    for (col, cell) in columns.iter().zip(&cells[2..]) {
                        if let (Column::Attr(i), cell) = (col, cell.trim()) {
                            if !cell.is_empty() {
                                map.insert(lex.attr_columns[*i].clone(), cell.to_string());
                            }
                        }
                    }
                    let a = if map.is_empty() { Arc::clone(&empty_attrs) } else { Arc::new(map) };
                    attr_sets.insert(attr_key, Arc::clone(&a));
                    a
                }
            };
            lex.entries.push(LexEntry { surface: surface.into(), canonical, attrs, label, case, line: lineno as u32 });
        }
        if !header_seen {
            return Err(err(
                1,
                "no header line: the first non-comment line must be `surface<TAB>canonical[<TAB>attribute…]`".into(),
            ));
        }
        Ok(lex)
    }

    /// The distinct canonical ids, sorted.
    pub fn canonicals(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.entries.iter().map(|e| &*e.canonical).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

fn parse_header(line: &str) -> Result<Vec<Column>, String> {
    let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
    if cells.len() < 2 || cells[0] != "surface" || cells[1] != "canonical" {
        return Err(format!(
            "header must start with `surface<TAB>canonical`, found `{}`",
            cells.iter().take(2).copied().collect::<Vec<_>>().join("<TAB>")
        ));
    }
    let mut columns = Vec::new();
    let mut attrs = 0;
    for (i, name) in cells.iter().enumerate().skip(2) {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("column {} has name `{name}`, expected letters, digits and `_`", i + 1));
        }
        if cells[..i].contains(name) {
            return Err(format!("column `{name}` appears twice in the header"));
        }
        columns.push(match *name {
            "label" => Column::Label,
            "case" => Column::Case,
            _ => {
                attrs += 1;
                Column::Attr(attrs - 1)
            }
        });
    }
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries_attrs_and_examples() {
        let text = "# demo\nsurface\tcanonical\ttype\tlabel\n\nKyiv\tUkraine\tmetonym\t\n@match\tKyiv said so.\nKiev\tUkraine\tmetonym\tPLACE\n";
        let lex = Lexicon::parse("t.tsv", text).unwrap();
        assert_eq!(lex.attr_columns, vec!["type"]);
        assert_eq!(lex.entries.len(), 2);
        assert_eq!(lex.entries[0].line, 4);
        assert_eq!(lex.entries[0].attrs.get("type").map(String::as_str), Some("metonym"));
        assert!(Arc::ptr_eq(&lex.entries[0].canonical, &lex.entries[1].canonical), "canonical ids are interned");
        assert_eq!(lex.entries[1].label.as_deref(), Some("PLACE"));
        assert_eq!(
            lex.examples,
            vec![LexExample { entry: 0, expect_match: true, sentence: "Kyiv said so.".into(), line: 5 }]
        );
    }
}
