//! JSONL: one JSON object per line, read line by line into a reused buffer.

use std::borrow::Cow;
use std::fmt;
use std::io::{BufRead, Read};

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use crate::config::InputConfig;
use crate::document::Origin;

use super::fields::{FieldNames, Record, Value};
use super::{bad, InputItem, Reader};

/// The records of one JSONL stream.
pub(super) struct JsonlItems {
    reader: Reader,
    /// The origin path of every record (`-` for stdin).
    name: String,
    /// The file stem, for records without an id (`<stem>:<line>`).
    stem: String,
    line: u64,
    buf: Vec<u8>,
    names: FieldNames,
    /// Lines longer than this are skipped unread: JSON escapes can make a
    /// record several times longer than its text, so this is well above
    /// `max_document_bytes`, but it bounds memory on a file without newlines.
    line_limit: usize,
    done: bool,
}

impl JsonlItems {
    pub(super) fn new(reader: Reader, name: &str, stem: String, cfg: &InputConfig) -> Self {
        JsonlItems {
            reader,
            name: name.to_string(),
            stem,
            line: 0,
            buf: Vec::new(),
            names: FieldNames::new(cfg),
            line_limit: cfg.max_document_bytes.saturating_mul(4).saturating_add(1 << 16),
            done: false,
        }
    }

    fn origin(&self) -> Origin {
        Origin { path: self.name.clone(), line: Some(self.line) }
    }

    /// End the stream after a read error, keeping everything read before it.
    fn fail(&mut self, e: std::io::Error) -> InputItem {
        self.done = true;
        bad(self.origin(), None, format!("cannot read past this line (truncated or corrupt file?): {e}"))
    }

    fn parse(&self, line: &[u8]) -> InputItem {
        let origin = self.origin();
        let (json, lossy) = match std::str::from_utf8(line) {
            Ok(s) => (Cow::Borrowed(s), false),
            Err(_) => (String::from_utf8_lossy(line), true),
        };
        let start = json.trim_start();
        if !start.starts_with('{') {
            let found = start.chars().next().map_or_else(String::new, |c| format!(" (it starts with `{c}`)"));
            return bad(origin, None, format!("not a JSON object{found}: each line must hold one object"));
        }
        let mut de = serde_json::Deserializer::from_str(&json);
        let record = RecordSeed(&self.names).deserialize(&mut de).and_then(|r| de.end().map(|()| r));
        match record {
            Ok(record) => record.into_item(&self.names, origin, || format!("{}:{}", self.stem, self.line), lossy),
            Err(e) => bad(origin, None, format!("invalid JSON: {e}")),
        }
    }
}

impl Iterator for JsonlItems {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        while !self.done {
            self.buf.clear();
            let limit = self.line_limit as u64 + 1;
            let read = (&mut self.reader).take(limit).read_until(b'\n', &mut self.buf);
            self.line += 1;
            let n = match read {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => return Some(self.fail(e)),
            };
            if n as u64 == limit && self.buf.last() != Some(&b'\n') {
                if let Err(e) = self.reader.skip_until(b'\n') {
                    return Some(self.fail(e));
                }
                let message = format!(
                    "record is over {} bytes, too long for input.max_document_bytes = {}; raise it",
                    self.line_limit, self.names.max_document_bytes
                );
                return Some(bad(self.origin(), None, message));
            }
            let line = self.buf.trim_ascii_end();
            if line.iter().all(u8::is_ascii_whitespace) {
                continue; // blank lines separate nothing
            }
            return Some(self.parse(line));
        }
        self.done = true;
        None
    }
}

/// Deserialises a record keeping only the configured fields; the others are
/// skipped without being built.
struct RecordSeed<'a>(&'a FieldNames);

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = Record;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Record, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = Record;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record, A::Error> {
        let mut record = Record::default();
        while let Some(Key(key)) = map.next_key()? {
            if !self.0.wants(&key) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value = match map.next_value::<serde_json::Value>()? {
                serde_json::Value::Null => continue,
                serde_json::Value::String(s) => Value::Str(s),
                serde_json::Value::Number(n) => Value::Number(n.to_string()),
                serde_json::Value::Bool(_) => Value::Other("a boolean"),
                serde_json::Value::Array(_) => Value::Other("an array"),
                serde_json::Value::Object(_) => Value::Other("an object"),
            };
            record.set_all(self.0.lookup(&key), value);
        }
        Ok(record)
    }
}

/// An object key, borrowed from the line when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}
