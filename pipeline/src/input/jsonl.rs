//! JSONL: one JSON object per line. The reader reads the stream in large
//! blocks and only finds where each line ends (a `memchr` per line): a line
//! is a range of a block it shares with its neighbours, not a copy. Each line
//! is parsed by [`Line::parse`], which a run calls on the worker thread that
//! processes the document, so the one serial thread of a run does little work.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead};
use std::ops::Range;
use std::sync::Arc;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use crate::config::InputConfig;
use crate::document::Origin;

use super::fields::{FieldNames, Record, Value};
use super::{bad, InputItem, RawItem, Reader};

/// Room for what one read brings (the reader's buffer, [`super::BUF_SIZE`]).
const BLOCK_SIZE: usize = super::BUF_SIZE;

/// The records of one JSONL stream, as unparsed lines.
pub(super) struct JsonlItems {
    reader: Reader,
    source: Arc<Source>,
    /// The block the next lines are cut from.
    block: Arc<Block>,
    /// Where the bytes not yet cut into lines start in `block`.
    pos: usize,
    /// The stream ended (or failed, with `failed`) after the bytes in `block`.
    ended: bool,
    failed: Option<io::Error>,
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

/// Bytes of a stream, shared by the lines cut from them.
#[derive(Debug)]
struct Block {
    bytes: Vec<u8>,
    source: Arc<Source>,
}

/// One line of a JSONL stream, read but not parsed.
#[derive(Debug)]
pub(super) struct Line {
    block: Arc<Block>,
    range: Range<usize>,
    line: u64,
}

/// Why a line could not be read whole.
enum Cut {
    TooLong,
    Io(io::Error),
}

impl JsonlItems {
    pub(super) fn new(reader: Reader, name: &str, stem: String, cfg: &InputConfig) -> Self {
        let source = Arc::new(Source { name: name.to_string(), stem, names: FieldNames::new(cfg) });
        JsonlItems {
            reader,
            block: Arc::new(Block { bytes: Vec::new(), source: Arc::clone(&source) }),
            source,
            pos: 0,
            ended: false,
            failed: None,
            line: 0,
            line_limit: cfg.max_document_bytes.saturating_mul(4).saturating_add(1 << 16),
            done: false,
        }
    }

    fn origin(&self) -> Origin {
        Origin { path: self.source.name.clone(), line: Some(self.line) }
    }

    /// The range of the next line in `block` (with its `\n`, if any);
    /// `Ok(None)` at the end of the stream. A line over the limit is skipped
    /// to its end.
    fn read_line(&mut self) -> Result<Option<Range<usize>>, Cut> {
        loop {
            let rest = &self.block.bytes[self.pos..];
            if let Some(i) = memchr::memchr(b'\n', rest) {
                let range = self.pos..self.pos + i + 1;
                self.pos = range.end;
                return if i > self.line_limit { Err(Cut::TooLong) } else { Ok(Some(range)) };
            }
            if self.ended {
                // The last line, without a newline; none when the stream failed in it.
                let range = self.pos..self.block.bytes.len();
                self.pos = range.end;
                if let Some(e) = self.failed.take() {
                    return Err(Cut::Io(e));
                }
                return match range.len() {
                    0 => Ok(None),
                    n if n > self.line_limit => Err(Cut::TooLong),
                    _ => Ok(Some(range)),
                };
            }
            if rest.len() > self.line_limit {
                self.pos = self.block.bytes.len();
                self.reader.skip_until(b'\n').map_err(Cut::Io)?;
                return Err(Cut::TooLong);
            }
            self.refill();
        }
    }

    /// Read the next block: the bytes of the line not yet complete, then what
    /// the reader has, up to the first piece that ends a line (so a stream
    /// that trickles in, stdin, is processed as it comes; a long line is read
    /// whole, the block growing as a `Vec` does).
    fn refill(&mut self) {
        let rest = &self.block.bytes[self.pos..];
        let mut bytes = Vec::with_capacity(rest.len() + BLOCK_SIZE);
        bytes.extend_from_slice(rest);
        loop {
            let piece = match self.reader.fill_buf() {
                Ok(piece) => piece,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    // End the stream after a read error, keeping every line read before it.
                    self.ended = true;
                    self.failed = Some(e);
                    break;
                }
            };
            if piece.is_empty() {
                self.ended = true;
                break;
            }
            let (n, ends_a_line) = (piece.len(), memchr::memrchr(b'\n', piece).is_some());
            bytes.extend_from_slice(piece);
            self.reader.consume(n);
            if ends_a_line || bytes.len() > self.line_limit {
                break;
            }
        }
        self.block = Arc::new(Block { bytes, source: Arc::clone(&self.source) });
        self.pos = 0;
    }
}

impl Iterator for JsonlItems {
    type Item = RawItem;

    fn next(&mut self) -> Option<RawItem> {
        while !self.done {
            let read = self.read_line();
            self.line += 1;
            let range = match read {
                Ok(None) => break,
                Ok(Some(range)) => range,
                Err(Cut::Io(e)) => {
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
            };
            if self.block.bytes[range.clone()].iter().all(u8::is_ascii_whitespace) {
                continue; // blank lines separate nothing
            }
            return Some(RawItem::line(Line { block: Arc::clone(&self.block), range, line: self.line }));
        }
        self.done = true;
        None
    }
}

impl Line {
    /// Bytes read, for batching.
    pub(super) fn len(&self) -> usize {
        self.range.len()
    }

    /// The document this line holds, or why it does not hold one.
    pub(super) fn parse(self) -> InputItem {
        let source = &*self.block.source;
        let origin = Origin { path: source.name.clone(), line: Some(self.line) };
        let line = self.block.bytes[self.range].trim_ascii_end();
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
