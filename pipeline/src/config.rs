//! The config file: input/output settings and the ordered list of stages.
//!
//! Two phases (as lindera and tantivy do): the TOML is parsed with spans and
//! deserialised strictly (unknown keys and wrong types are errors), then each
//! stage entry is handed to its kind's builder, which validates and compiles
//! everything before the first document. Every error names the file, line,
//! column and the offending key or value.
//!
//! ```toml
//! [input]
//! format = "auto"
//!
//! [[stage]]
//! kind = "lexicon"
//! name = "actors"
//! label = "ACTOR"
//! files = ["lexicons/actors.tsv"]
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

/// A config error with its location.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    /// The config file (or `builtin:claimex.toml`).
    pub file: String,
    /// 1-based line and column, when the error points at a place in the file.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The offending key (`stage[2].whole_word`), when there is one.
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let (Some(line), Some(col)) = (self.line, self.column) {
            write!(f, ":{line}:{col}")?;
        }
        f.write_str(": ")?;
        if let Some(key) = &self.key {
            write!(f, "key `{key}`: ")?;
        }
        f.write_str(&self.message)
    }
}

/// The config text and its name, kept for locating errors.
#[derive(Debug)]
pub struct ConfigSource {
    pub name: String,
    pub text: Arc<str>,
}

impl ConfigSource {
    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    pub fn error_at(&self, offset: Option<usize>, key: Option<String>, message: impl Into<String>) -> ConfigError {
        let (line, column) = match offset {
            Some(o) => {
                let (l, c) = self.line_col(o);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        ConfigError { file: self.name.clone(), line, column, key, message: message.into() }
    }
}

/// Input settings (`[input]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InputConfig {
    /// `auto` (by extension), `txt`, `jsonl` or `csv`.
    pub format: String,
    /// Field (JSONL key or CSV column) names; the first one present wins.
    pub id_field: Vec<String>,
    pub text_field: Vec<String>,
    pub title_field: Vec<String>,
    pub published_field: Vec<String>,
    pub outlet_field: Vec<String>,
    pub url_field: Vec<String>,
    pub language_field: Vec<String>,
    /// Documents larger than this many bytes are recorded as errors, not processed.
    pub max_document_bytes: usize,
}

impl Default for InputConfig {
    fn default() -> Self {
        let v = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        InputConfig {
            format: "auto".into(),
            id_field: v(&["id", "doc_id"]),
            text_field: v(&["text", "body"]),
            title_field: v(&["title"]),
            published_field: v(&["published", "date", "gdelt_seendate", "page_date"]),
            outlet_field: v(&["outlet", "source"]),
            url_field: v(&["url"]),
            language_field: v(&["language", "lang", "lang_tag"]),
            max_document_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Output settings (`[output]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputConfig {
    /// `jsonl` or `csv`.
    pub format: String,
    /// Write vague claims (flagged `"vague": true`; the scorer ignores them).
    pub include_vague: bool,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig { format: "jsonl".into(), include_vague: true }
    }
}

/// One `[[stage]]` entry, before its kind's builder has seen it.
#[derive(Clone, Debug)]
pub struct StageParams {
    pub kind: String,
    pub name: String,
    /// 0-based position in the stage list.
    pub index: usize,
    /// The entry's parameters without `kind` and `name`.
    table: Spanned<DeValue<'static>>,
    /// Byte offset of the entry in the config text.
    offset: usize,
    source: Arc<ConfigSource>,
}

impl StageParams {
    /// Deserialise the parameters strictly into the stage's own type.
    /// Use `#[serde(deny_unknown_fields)]` on `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ConfigError> {
        T::deserialize(ValueDeserializer::from(self.table.clone())).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(self.offset);
            let key = self.key_at(offset);
            self.source.error_at(Some(offset), key, format!("{} (stage `{}`)", e.message(), self.name))
        })
    }

    /// An error about one parameter of this stage (located at the key when present).
    pub fn error(&self, key: &str, message: impl Into<String>) -> ConfigError {
        let offset = self
            .entries()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(k, _)| k.span().start)
            .unwrap_or(self.offset);
        self.source.error_at(
            Some(offset),
            Some(format!("stage[{}].{key}", self.index)),
            format!("{} (stage `{}`)", message.into(), self.name),
        )
    }

    fn entries(&self) -> impl Iterator<Item = (&Spanned<std::borrow::Cow<'static, str>>, &Spanned<DeValue<'static>>)> {
        self.table.get_ref().as_table().into_iter().flat_map(|t| t.iter())
    }

    /// The key whose key or value span holds `offset`.
    fn key_at(&self, offset: usize) -> Option<String> {
        self.entries()
            .find(|(k, v)| k.span().contains(&offset) || v.span().contains(&offset) || v.span().end == offset)
            .map(|(k, _)| format!("stage[{}].{}", self.index, k.get_ref()))
    }

    pub fn config_name(&self) -> &str {
        &self.source.name
    }
}

/// A parsed config: settings plus the stage entries, in order.
#[derive(Clone, Debug)]
pub struct Config {
    pub input: InputConfig,
    pub output: OutputConfig,
    pub stages: Vec<StageParams>,
    /// The config file's directory; `None` for the embedded default.
    pub base_dir: Option<PathBuf>,
    pub source: Arc<ConfigSource>,
}

const TOP_LEVEL_KEYS: &[&str] = &["input", "output", "stage"];

impl Config {
    /// Parse a config from text. `name` appears in errors.
    pub fn parse(name: &str, text: &str, base_dir: Option<PathBuf>) -> Result<Config, ConfigError> {
        let source = Arc::new(ConfigSource { name: name.to_string(), text: Arc::from(text) });
        // A config is parsed once per process and is a few KB: leaking its text
        // lets the spanned tree borrow it for 'static, so stage builders can keep
        // their parameters without copying the tree.
        let leaked: &'static str = Box::leak(text.to_owned().into_boxed_str());
        let root = DeTable::parse(leaked)
            .map_err(|e| source.error_at(e.span().map(|s| s.start), None, e.message().to_string()))?;

        let mut input = InputConfig::default();
        let mut output = OutputConfig::default();
        let mut stages = Vec::new();
        for (key, value) in root.get_ref().iter() {
            let key_name: &str = key.get_ref().as_ref();
            match key_name {
                "input" => input = deserialize_section(&source, "input", value)?,
                "output" => output = deserialize_section(&source, "output", value)?,
                "stage" => {
                    let Some(array) = value.get_ref().as_array() else {
                        return Err(source.error_at(
                            Some(value.span().start),
                            Some("stage".into()),
                            "expected an array of tables: write each stage as [[stage]]",
                        ));
                    };
                    for (index, entry) in array.iter().enumerate() {
                        stages.push(stage_params(&source, index, entry)?);
                    }
                }
                other => {
                    return Err(source.error_at(
                        Some(key.span().start),
                        Some(other.to_string()),
                        format!("unknown top-level key, expected one of: {}", TOP_LEVEL_KEYS.join(", ")),
                    ))
                }
            }
        }
        if !matches!(input.format.as_str(), "auto" | "txt" | "jsonl" | "csv") {
            return Err(locate_key(
                &source,
                &root,
                "input",
                "format",
                "unknown input format, expected auto, txt, jsonl or csv",
            ));
        }
        if !matches!(output.format.as_str(), "jsonl" | "csv") {
            return Err(locate_key(&source, &root, "output", "format", "unknown output format, expected jsonl or csv"));
        }
        let mut seen = std::collections::BTreeMap::new();
        for s in &stages {
            if let Some(prev) = seen.insert(s.name.clone(), s.index) {
                return Err(s.error(
                    "name",
                    format!("duplicate stage name (also stage[{prev}]); give each stage a unique `name`"),
                ));
            }
        }
        Ok(Config { input, output, stages, base_dir, source })
    }

    /// Read and parse a config file.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: path.display().to_string(),
            line: None,
            column: None,
            key: None,
            message: format!("cannot read config: {e}"),
        })?;
        let dir = path.parent().map(|p| if p.as_os_str().is_empty() { Path::new(".") } else { p });
        Config::parse(&path.display().to_string(), &text, dir.map(Path::to_path_buf))
    }

    /// The config text, for the run record.
    pub fn text(&self) -> &str {
        &self.source.text
    }

    /// BLAKE3 hash of the config text.
    pub fn hash(&self) -> String {
        blake3::hash(self.source.text.as_bytes()).to_hex().to_string()
    }
}

fn deserialize_section<T: DeserializeOwned>(
    source: &ConfigSource,
    section: &str,
    value: &Spanned<DeValue<'static>>,
) -> Result<T, ConfigError> {
    T::deserialize(ValueDeserializer::from(value.clone())).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(value.span().start);
        let key = value
            .get_ref()
            .as_table()
            .and_then(|t| t.iter().find(|(k, v)| k.span().contains(&offset) || v.span().contains(&offset)))
            .map(|(k, _)| format!("{section}.{}", k.get_ref()))
            .or_else(|| Some(section.to_string()));
        source.error_at(Some(offset), key, e.message().to_string())
    })
}

fn locate_key(
    source: &ConfigSource,
    root: &Spanned<DeTable<'static>>,
    section: &str,
    key: &str,
    msg: &str,
) -> ConfigError {
    let offset = root
        .get_ref()
        .get(section)
        .and_then(|s| s.get_ref().as_table())
        .and_then(|t| t.get(key))
        .map(|v| v.span().start);
    source.error_at(offset, Some(format!("{section}.{key}")), msg)
}

fn stage_params(
    source: &Arc<ConfigSource>,
    index: usize,
    entry: &Spanned<DeValue<'static>>,
) -> Result<StageParams, ConfigError> {
    let offset = entry.span().start;
    let Some(table) = entry.get_ref().as_table() else {
        return Err(source.error_at(Some(offset), Some(format!("stage[{index}]")), "expected a table"));
    };
    let string_key = |key: &str| -> Result<Option<String>, ConfigError> {
        match table.get(key) {
            None => Ok(None),
            Some(v) => match v.get_ref().as_str() {
                Some(s) => Ok(Some(s.to_string())),
                None => Err(source.error_at(
                    Some(v.span().start),
                    Some(format!("stage[{index}].{key}")),
                    format!("invalid type: {}, expected a string", v.get_ref().type_str()),
                )),
            },
        }
    };
    let kind = string_key("kind")?.ok_or_else(|| {
        source.error_at(
            Some(offset),
            Some(format!("stage[{index}].kind")),
            "missing `kind`: every [[stage]] names its kind",
        )
    })?;
    let name = string_key("name")?.unwrap_or_else(|| kind.clone());
    let mut params = DeTable::new();
    for (k, v) in table.iter() {
        if !matches!(k.get_ref().as_ref(), "kind" | "name") {
            params.insert(k.clone(), v.clone());
        }
    }
    Ok(StageParams {
        kind,
        name,
        index,
        table: Spanned::new(entry.span(), DeValue::Table(params)),
        offset,
        source: Arc::clone(source),
    })
}

impl StageParams {
    /// The byte span of the `kind` value, for "unknown kind" errors.
    pub fn kind_error(&self, message: impl Into<String>) -> ConfigError {
        let offset = self.source_kind_offset().unwrap_or(self.offset);
        self.source.error_at(Some(offset), Some(format!("stage[{}].kind", self.index)), message)
    }

    fn source_kind_offset(&self) -> Option<usize> {
        // The kind key was removed from `table`; find it in the source text after the entry start.
        let text = &self.source.text[self.offset..];
        text.find("kind").map(|i| self.offset + i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Demo {
        #[allow(dead_code)]
        label: String,
        #[serde(default)]
        #[allow(dead_code)]
        whole_word: bool,
    }

    const GOOD: &str = "[input]\nformat = \"jsonl\"\n\n[[stage]]\nkind = \"demo\"\nname = \"d\"\nlabel = \"X\"\n";

    #[test]
    fn parses_stages_in_order() {
        let c = Config::parse("t.toml", GOOD, None).unwrap();
        assert_eq!(c.input.format, "jsonl");
        assert_eq!(c.stages.len(), 1);
        assert_eq!(c.stages[0].kind, "demo");
        let d: Demo = c.stages[0].parse().unwrap();
        assert_eq!(d.label, "X");
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let text = "[[stage]]\nkind = \"demo\"\nlabel = \"X\"\nwhole_wrd = true\n";
        let c = Config::parse("t.toml", text, None).unwrap();
        let err = c.stages[0].parse::<Demo>().unwrap_err();
        assert_eq!(err.line, Some(4), "{err}");
        assert!(err.to_string().contains("whole_wrd"), "{err}");
    }

    #[test]
    fn wrong_type_names_line_and_key() {
        let text = "[[stage]]\nkind = \"demo\"\nlabel = \"X\"\nwhole_word = \"yes\"\n";
        let c = Config::parse("t.toml", text, None).unwrap();
        let err = c.stages[0].parse::<Demo>().unwrap_err();
        assert_eq!(err.line, Some(4), "{err}");
        assert_eq!(err.key.as_deref(), Some("stage[0].whole_word"), "{err}");
    }

    #[test]
    fn unknown_input_key_is_located() {
        let err = Config::parse("t.toml", "[input]\nformt = \"csv\"\n", None).unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");
        assert!(err.to_string().contains("formt"), "{err}");
    }

    #[test]
    fn syntax_error_is_located() {
        let err = Config::parse("t.toml", "[input]\nformat = \n", None).unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");
    }

    #[test]
    fn duplicate_stage_names_rejected() {
        let text = "[[stage]]\nkind = \"a\"\n[[stage]]\nkind = \"a\"\n";
        let err = Config::parse("t.toml", text, None).unwrap_err();
        assert!(err.message.contains("duplicate"), "{err}");
    }
}
