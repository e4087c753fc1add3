//! Mapping record fields (JSONL keys, CSV columns) to a document, shared by
//! the JSONL and CSV readers.

use crate::config::InputConfig;
use crate::document::{Document, Metadata, Origin};

use super::{bad, parse_published, too_large, InputItem};

/// The document fields a record can fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Field {
    Id,
    Text,
    Title,
    Published,
    Outlet,
    Url,
    Language,
}

const FIELDS: [Field; 7] =
    [Field::Id, Field::Text, Field::Title, Field::Published, Field::Outlet, Field::Url, Field::Language];

/// The configured names of each field, looked up once per record key.
#[derive(Clone, Debug)]
pub(super) struct FieldNames {
    /// Every configured name with its field and its rank in that field's list
    /// (lower = preferred). A name may serve several fields.
    names: Vec<(String, Field, u8)>,
    lists: [Vec<String>; 7],
    pub(super) max_document_bytes: usize,
}

impl FieldNames {
    pub(super) fn new(cfg: &InputConfig) -> Self {
        let lists = [
            cfg.id_field.clone(),
            cfg.text_field.clone(),
            cfg.title_field.clone(),
            cfg.published_field.clone(),
            cfg.outlet_field.clone(),
            cfg.url_field.clone(),
            cfg.language_field.clone(),
        ];
        let mut names = Vec::new();
        for (field, list) in FIELDS.iter().zip(&lists) {
            for (rank, name) in list.iter().enumerate() {
                names.push((name.clone(), *field, rank.min(u8::MAX as usize) as u8));
            }
        }
        FieldNames { names, lists, max_document_bytes: cfg.max_document_bytes }
    }

    /// The fields a key fills, with the key's rank for each.
    pub(super) fn lookup<'a>(&'a self, key: &'a str) -> impl Iterator<Item = (Field, u8)> + 'a {
        self.names.iter().filter(move |(name, _, _)| name == key).map(|(_, f, r)| (*f, *r))
    }

    pub(super) fn wants(&self, key: &str) -> bool {
        self.names.iter().any(|(name, _, _)| name == key)
    }

    fn name(&self, field: Field, rank: u8) -> &str {
        &self.lists[field as usize][rank as usize]
    }

    fn list(&self, field: Field) -> String {
        self.lists[field as usize].iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
    }
}

/// A field value as read. JSON `null` and absent fields are never stored.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Value {
    Str(String),
    /// A JSON number, as written.
    Number(String),
    /// Any other JSON type, by name (`an array`, `a boolean`...).
    Other(&'static str),
}

/// The values of one record, each from its most preferred present name.
#[derive(Debug, Default)]
pub(super) struct Record {
    values: [Option<(u8, Value)>; 7],
}

impl Record {
    /// Keep `value` for `field` unless a more preferred name already filled it.
    fn set(&mut self, field: Field, rank: u8, value: Value) {
        let slot = &mut self.values[field as usize];
        if slot.as_ref().is_none_or(|(r, _)| rank < *r) {
            *slot = Some((rank, value));
        }
    }

    /// Set one value for every field a key fills, cloning only when it fills several.
    pub(super) fn set_all(&mut self, hits: impl Iterator<Item = (Field, u8)>, value: Value) {
        let mut hits = hits.peekable();
        while let Some((field, rank)) = hits.next() {
            if hits.peek().is_none() {
                self.set(field, rank, value);
                return;
            }
            self.set(field, rank, value.clone());
        }
    }

    fn take(&mut self, field: Field) -> Option<(u8, Value)> {
        self.values[field as usize].take()
    }

    /// A metadata string: blank and non-string values count as unknown.
    fn take_str(&mut self, field: Field) -> Option<String> {
        match self.take(field) {
            Some((_, Value::Str(s))) if !s.trim().is_empty() => Some(s),
            _ => None,
        }
    }

    /// The document, or why the record is not one. `fallback_id` names
    /// records without an id.
    pub(super) fn into_item(
        mut self,
        names: &FieldNames,
        origin: Origin,
        fallback_id: impl FnOnce() -> String,
        lossy: bool,
    ) -> InputItem {
        let id = match self.take(Field::Id) {
            Some((_, Value::Str(s))) if !s.is_empty() => s,
            Some((_, Value::Number(n))) => n,
            Some((rank, Value::Other(kind))) => {
                let message =
                    format!("field `{}` is {kind}, expected a string or a number", names.name(Field::Id, rank));
                return bad(origin, None, message);
            }
            _ => fallback_id(),
        };
        let text = match self.take(Field::Text) {
            Some((_, Value::Str(s))) => s,
            Some((rank, value)) => {
                let kind = if let Value::Other(kind) = value { kind } else { "a number" };
                let message = format!("field `{}` is {kind}, expected a string", names.name(Field::Text, rank));
                return bad(origin, Some(id), message);
            }
            None => {
                let message = format!("no text (looked for {})", names.list(Field::Text));
                return bad(origin, Some(id), message);
            }
        };
        if text.len() > names.max_document_bytes {
            return bad(origin, Some(id), too_large(text.len() as u64, names.max_document_bytes));
        }
        let meta = Metadata {
            title: self.take_str(Field::Title),
            published: self.take_str(Field::Published).and_then(|s| parse_published(&s)),
            outlet: self.take_str(Field::Outlet),
            url: self.take_str(Field::Url),
            language: self.take_str(Field::Language),
            byline: None,
        };
        InputItem::Doc(Document { id, text, meta, origin, lossy, ..Default::default() })
    }
}
