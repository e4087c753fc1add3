//! JSONL: one JSON object per line. The reader only splits lines (a `memchr`
//! per line, one copy into the line's own buffer); each line is parsed by
//! [`Line::parse`], which a run calls on the worker thread that processes the
//! document, so the one serial thread of a run does little work.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead};
use std::sync::Arc;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use crate::config::InputConfig;
use crate::document::Origin;

use super::fields::{FieldNames, Record, Value};
use super::{bad, InputItem, RawItem, Reader};

/// The records of one JSONL stream, as unparsed lines.
pub(super) struct JsonlItems {
    reader: Reader,
    source: Arc<Source>,
    line: u64,
    /// Lines longer than this are skipped unread: JSON escapes can make a
    /// record several times longer than its text, so this is well above
    /// `max_document_bytes`, but it bounds memory on a file without newlines.
    line_limit: usize,
    done: bool,
}

/// What every line of a stream shares.
#[derive(Debug)]
struct Source {
    /// The origin path of every record (`-` for stdin).
    name: String,
    /// The file stem, for records without an id (`<stem>:<line>`).
    stem: String,
    names: FieldNames,
}

/// One line of a JSONL stream, read but not parsed.
#[derive(Debug)]
pub(super) struct Line {
    bytes: Vec<u8>,
    line: u64,
    source: Arc<Source>,
}

/// Why a line could not be read whole.
enum Cut {
    TooLong,
    Io(io::Error),
}

impl JsonlItems {
    pub(super) fn new(reader: Reader, name: &str, stem: String, cfg: &InputConfig) -> Self {
        JsonlItems {
            reader,
            source: Arc::new(Source { name: name.to_string(), stem, names: FieldNames::new(cfg) }),
            line: 0,
            line_limit: cfg.max_document_bytes.saturating_mul(4).saturating_add(1 << 16),
            done: false,
        }
    }

    fn origin(&self) -> Origin {
        Origin { path: self.source.name.clone(), line: Some(self.line) }
    }

    /// Append the next line (with its `\n`, if any) to `buf`; `Ok(false)` at
    /// the end of the stream. A line over the limit is skipped to its end.
    fn read_line(&mut self, buf: &mut Vec<u8>) -> Result<bool, Cut> {
        loop {
            let available = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Cut::Io(e)),
            };
            if available.is_empty() {
                return Ok(!buf.is_empty());
            }
            let (used, complete) = match memchr::memchr(b'\n', available) {
                Some(i) => (i + 1, true),
                None => (available.len(), false),
            };
            let content = buf.len() + used - usize::from(complete);
            if content > self.line_limit {
                self.reader.consume(used);
                if !complete {
                    self.reader.skip_until(b'\n').map_err(Cut::Io)?;
                }
                return Err(Cut::TooLong);
            }
            buf.extend_from_slice(&available[..used]);
            self.reader.consume(used);
            if complete {
                return Ok(true);
            }
        }
    }
}

impl Iterator for JsonlItems {
    type Item = RawItem;

    fn next(&mut self) -> Option<RawItem> {
        while !self.done {
            let mut buf = Vec::new();
            let read = self.read_line(&mut buf);
            self.line += 1;
            match read {
                Ok(false) => break,
                Ok(true) => {}
                Err(Cut::Io(e)) => {
                    // End the stream after a read error, keeping everything read before it.
                    self.done = true;
                    let message = format!("cannot read past this line (truncated or corrupt file?): {e}");
                    return Some(bad(self.origin(), None, message).into());
                }
                Err(Cut::TooLong) => {
                    let message = format!(
                        "record is over {} bytes, too long for input.max_document_bytes = {}; raise it",
                        self.line_limit, self.source.names.max_document_bytes
                    );
                    return Some(bad(self.origin(), None, message).into());
                }
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue; // blank lines separate nothing
            }
            return Some(RawItem::line(Line { bytes: buf, line: self.line, source: Arc::clone(&self.source) }));
        }
        self.done = true;
        None
    }
}

impl Line {
    /// Bytes read, for batching.
    pub(super) fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The document this line holds, or why it does not hold one.
    pub(super) fn parse(self) -> InputItem {
        let source = &*self.source;
        let origin = Origin { path: source.name.clone(), line: Some(self.line) };
        let line = self.bytes.trim_ascii_end();
        // Validated with SIMD: news text is mostly ASCII, and std's check is
        // about 1 % of a run.
        let (json, lossy) = match simdutf8::basic::from_utf8(line) {
            Ok(s) => (Cow::Borrowed(s), false),
            Err(_) => (String::from_utf8_lossy(line), true),
        };
        let start = json.trim_start();
        if !start.starts_with('{') {
            let found = start.chars().next().map_or_else(String::new, |c| format!(" (it starts with `{c}`)"));
            return bad(origin, None, format!("not a JSON object{found}: each line must hold one object"));
        }
        let mut de = serde_json::Deserializer::from_str(&json);
        let record = RecordSeed(&source.names).deserialize(&mut de).and_then(|r| de.end().map(|()| r));
        match record {
            Ok(record) => record.into_item(&source.names, origin, || format!("{}:{}", source.stem, self.line), lossy),
            Err(e) => bad(origin, None, format!("invalid JSON: {e}")),
        }
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
