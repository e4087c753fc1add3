//! `lexicon` stage: tags every surface of some lexicon files as a [`Mention`]
//! with the stage's label, the entry's canonical id and its attributes. A new
//! entity type needs a TSV file and a `[[stage]]` entry, no code:
//!
//! ```toml
//! [[stage]]
//! kind = "lexicon"
//! name = "weapons"
//! label = "WEAPON"
//! files = ["lexicons/weapons.tsv"]
//! # case_sensitive = false, whole_word = true, fold_diacritics = false,
//! # exclusive = false, min_length = 1
//! ```
//!
//! How it matches (see `lexicons/README.md` for the user-facing rules):
//! - The lexicon stages of a pipeline form a [`group`]: their surfaces are
//!   compiled together once, shared by all threads, and a document is folded
//!   and scanned once for all of them. Whole-word stages (the default) are
//!   matched word by word through a token [`trie`] looked up by hash; stages
//!   with `whole_word = false` through an aho-corasick automaton. Stages that
//!   run back to back ([`link_runs`]) add their mentions to the layer at once.
//! - The text is matched through a folded view ([`fold`]): curly = straight
//!   apostrophes, hyphen variants = `-`, horizontal whitespace = space, and,
//!   when asked, Unicode lowercase and diacritic removal. ASCII texts match
//!   in place (no copy, no offset map).
//! - Leftmost-longest per stage: a stage takes the leftmost of its surfaces,
//!   the longest there. Whole words: a match starting (ending) with a letter
//!   or digit must not be preceded (followed) by one, in any script. When the
//!   longest match fails that test, shorter surfaces at the same start are tried.
//! - A match followed by `'s` (or `'` after a final s) gets `possessive=true`;
//!   the span covers the surface only.
//! - Within a stage mentions never overlap. Across stages both are kept, unless
//!   the later stage sets `exclusive = true`: then its mention replaces the
//!   overlapping earlier ones when it is strictly longer than all of them, and
//!   is dropped otherwise (earlier stages win ties: config order is priority).
//! - Mentions inside skipped regions are dropped; the layer stays sorted by
//!   (start, end, label).

pub mod fold;
pub mod group;
pub mod trie;

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use claimex_pipeline::lexicon::{CaseMode, LexExample, Lexicon};
use claimex_pipeline::{
    BuildContext, CheckError, ConfigError, Document, Intern, Layer, Mention, MentionEntry, Provenance, Span, Stage,
    StageError, StageParams,
};
use serde::Deserialize;

use fold::{fold, fold_surface, FoldOptions};
use group::{Compiled, GroupFound, LexiconGroup, Matcher};

/// The stage's parameters in `claimex.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LexiconParams {
    /// Lexicon files, relative to the config file.
    pub files: Vec<String>,
    /// The label of every mention, unless a row's `label` column overrides it.
    pub label: String,
    #[serde(default)]
    pub case_sensitive: bool,
    #[serde(default = "yes")]
    pub whole_word: bool,
    #[serde(default)]
    pub fold_diacritics: bool,
    /// Replace overlapping mentions of earlier stages when longer (see module docs).
    #[serde(default)]
    pub exclusive: bool,
    /// Surfaces shorter than this many chars are ignored.
    #[serde(default)]
    pub min_length: usize,
}

fn yes() -> bool {
    true
}

/// One lexicon file of a stage, for `claimex lexicon check` / `test`.
#[derive(Clone, Debug)]
pub struct LoadedFile {
    pub path: String,
    pub entries: usize,
    pub canonicals: usize,
    /// Examples with the canonical id they test.
    pub examples: Vec<(LexExample, Arc<str>)>,
}

pub struct LexiconStage {
    name: Arc<str>,
    /// The pipeline's lexicon stages; this one is member `index`.
    group: Arc<LexiconGroup>,
    index: usize,
    /// How many members of the group, from this one on, run back to back in
    /// the pipeline ([`link_runs`]); 1 unless linked.
    run: AtomicUsize,
    entries: usize,
    files: Vec<LoadedFile>,
    /// The settings it was built with, and the labels its entries carry, for
    /// the checks other stages make ([`crate::triage::check`]).
    params: LexiconParams,
    labels: BTreeSet<Arc<str>>,
}

pub fn build(params: &StageParams, ctx: &BuildContext) -> Result<Box<dyn Stage>, ConfigError> {
    Ok(Box::new(LexiconStage::compile(params, ctx)?))
}

/// Load and validate the lexicon files a stage's `key` lists; errors name the
/// stage, the key and the file's line.
pub(crate) fn load(
    params: &StageParams,
    ctx: &BuildContext,
    key: &str,
    files: &[String],
) -> Result<Vec<Lexicon>, ConfigError> {
    files
        .iter()
        .map(|path| {
            let file = ctx.load(path).map_err(|e| params.error(key, e))?;
            Lexicon::parse(path, &file.text).map_err(|e| params.error(key, e.to_string()))
        })
        .collect()
}

impl LexiconStage {
    /// Load, validate and compile the stage's lexicons.
    pub fn compile(params: &StageParams, ctx: &BuildContext) -> Result<LexiconStage, ConfigError> {
        let p: LexiconParams = params.parse()?;
        if p.files.is_empty() {
            return Err(params.error("files", "no lexicon files: list at least one"));
        }
        if p.label.trim().is_empty() {
            return Err(params.error("label", "empty label"));
        }
        let lexicons = load(params, ctx, "files", &p.files)?;
        LexiconStage::join(ctx.shared::<LexiconGroup>(), &params.name, &p, lexicons)
            .map_err(|e| params.error("files", e))
    }

    /// Compile parsed lexicons with the given settings, as a stage of its own
    /// (its automaton is built here).
    pub fn from_lexicons(name: &str, p: &LexiconParams, lexicons: Vec<Lexicon>) -> Result<LexiconStage, String> {
        let stage = LexiconStage::join(Arc::new(LexiconGroup::default()), name, p, lexicons)?;
        stage.group.prepare()?;
        Ok(stage)
    }

    /// Compile parsed lexicons and add them to `group`, whose automaton is
    /// built when the first document comes.
    fn join(
        group: Arc<LexiconGroup>,
        name: &str,
        p: &LexiconParams,
        lexicons: Vec<Lexicon>,
    ) -> Result<LexiconStage, String> {
        let opts = FoldOptions { lowercase: !p.case_sensitive, diacritics: p.fold_diacritics };
        let exact_opts = FoldOptions { lowercase: false, diacritics: p.fold_diacritics };
        let label: Arc<str> = Arc::from(p.label.as_str());
        let name: Arc<str> = Arc::from(name);
        let mut patterns: Vec<String> = Vec::new();
        let mut groups: Vec<Vec<u32>> = Vec::new();
        let mut key_ids: HashMap<String, usize> = HashMap::new();
        let mut entries: Vec<Compiled> = Vec::new();
        // Where each compiled entry came from, for duplicate errors.
        let mut origin: Vec<(usize, u32)> = Vec::new();
        let mut files = Vec::with_capacity(lexicons.len());
        for (file_index, lex) in lexicons.iter().enumerate() {
            for e in &lex.entries {
                if e.surface.chars().count() < p.min_length.max(1) {
                    continue;
                }
                // Trimmed again after folding (a soft hyphen or zero-width
                // space may hide a space at an end): surfaces never start or
                // end with one, which the word trie relies on.
                let key = fold_surface(&e.surface, opts).trim_matches(' ').to_string();
                if key.is_empty() {
                    continue;
                }
                let exact = (!p.case_sensitive && e.case == CaseMode::Sensitive).then(|| {
                    fold(&e.surface, FoldOptions { lowercase: true, ..exact_opts }).text.trim_matches(' ').into()
                });
                let id = entries.len() as u32;
                let pid = *key_ids.entry(key.clone()).or_insert_with(|| {
                    patterns.push(key.clone());
                    groups.push(Vec::new());
                    patterns.len() - 1
                });
                // A second entry under one key must differ in exact case, or agree on the canonical.
                for &other in &groups[pid] {
                    let o = &entries[other as usize];
                    if o.entry.canonical != e.canonical && o.exact == exact {
                        let (of, ol) = origin[other as usize];
                        return Err(format!(
                            "{}:{}: surface `{}` maps to `{}`, but {}:{ol} maps the same folded surface `{key}` to `{}` \
                             (mark one `case=sensitive` or remove one)",
                            lex.name, e.line, e.surface, e.canonical, lexicons[of].name, o.entry.canonical
                        ));
                    }
                }
                groups[pid].push(id);
                let entry = MentionEntry {
                    label: e.label.clone().unwrap_or_else(|| Arc::clone(&label)),
                    canonical: Arc::clone(&e.canonical),
                    attrs: Arc::clone(&e.attrs),
                    prov: Provenance::new(&name, &Arc::from(format!("{}:{}", lex.name, e.line))),
                };
                entries.push(Compiled { entry: Intern::new(entry), possessive: OnceLock::new(), exact });
                origin.push((file_index, e.line));
            }
            let examples =
                lex.examples.iter().map(|x| (x.clone(), Arc::clone(&lex.entries[x.entry].canonical))).collect();
            files.push(LoadedFile {
                path: lex.name.clone(),
                entries: lex.entries.len(),
                canonicals: lex.canonicals().len(),
                examples,
            });
        }
        // Case-sensitive rows are tried first, so `US` beats a plain `us` row.
        let groups: Vec<Box<[u32]>> = groups
            .into_iter()
            .map(|mut g| {
                g.sort_by_key(|&id| (entries[id as usize].exact.is_none(), id));
                g.into_boxed_slice()
            })
            .collect();
        let count = entries.len();
        let labels = entries.iter().map(|e| Arc::clone(&e.entry.label)).collect();
        let matcher = Matcher::new(patterns, groups, entries, opts, p.whole_word, p.exclusive);
        let index = group.join(matcher);
        let run = AtomicUsize::new(1);
        Ok(LexiconStage { name, group, index, run, entries: count, files, params: p.clone(), labels })
    }

    /// The settings the stage was built with.
    pub fn params(&self) -> &LexiconParams {
        &self.params
    }

    /// Whether some entry of the stage carries `label`.
    pub fn has_label(&self, label: &str) -> bool {
        self.labels.contains(label)
    }

    /// The stage's files with their counts and examples.
    pub fn files(&self) -> &[LoadedFile] {
        &self.files
    }

    /// Number of compiled entries (rows), over all files.
    pub fn entry_count(&self) -> usize {
        self.entries
    }

    /// Every match in `text`, in order, without region filtering.
    pub fn find(&self, text: &str) -> Vec<Mention> {
        self.try_find(text).unwrap_or_default()
    }

    /// Whether [`find`](Self::find) would return a mention, stopping at the
    /// first (no mention is built). True when the pipeline's automaton cannot
    /// be built, so that a caller deciding what to skip errs on the safe side.
    pub fn finds_any(&self, text: &str) -> bool {
        self.group.finds_any(self.index, text).unwrap_or(true)
    }

    /// [`find`](Self::find), failing when the pipeline's automaton cannot be
    /// built (a size limit of the union of all lexicon stages).
    fn try_find(&self, text: &str) -> Result<Vec<Mention>, String> {
        self.group.find(self.index, text)
    }
}

/// Whether `span` overlaps one of the disjoint, sorted `spans`.
fn overlaps_any(spans: &[Span], span: Span) -> bool {
    let i = spans.partition_point(|r| r.start < span.end);
    i > 0 && spans[i - 1].end > span.start
}

/// Disjoint, sorted union of spans.
fn merged(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_unstable();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// Apply the `exclusive` rule: `new` mentions replace strictly shorter
/// overlapping `layer` mentions and yield to longer or equal ones.
fn resolve_exclusive(layer: &mut Vec<Mention>, new: &mut Vec<Mention>) {
    layer.sort_by(order);
    // Prefix maximum of ends, to find every earlier-starting overlap quickly.
    let mut max_end = Vec::with_capacity(layer.len());
    let mut m = 0;
    for x in layer.iter() {
        m = m.max(x.span.end);
        max_end.push(m);
    }
    let mut remove = vec![false; layer.len()];
    new.retain(|n| {
        let hi = layer.partition_point(|x| x.span.start < n.span.end);
        let overlapping: Vec<usize> = (0..hi)
            .rev()
            .take_while(|&j| max_end[j] > n.span.start)
            .filter(|&j| layer[j].span.overlaps(n.span))
            .collect();
        if overlapping.iter().any(|&j| layer[j].span.len() >= n.span.len()) {
            return false;
        }
        overlapping.iter().for_each(|&j| remove[j] = true);
        true
    });
    let mut i = 0;
    layer.retain(|_| {
        i += 1;
        !remove[i - 1]
    });
}

/// Tell the stages of `run`, which the pipeline runs back to back in that
/// order, how many of their group run together from each on. When the
/// members of one group run consecutively (the default config's nine), the
/// first adds every member's mentions to the layer at once, with one merge
/// (the group's scan lists them in layer order), where adding them stage by
/// stage moved each mention once per later stage. The others then find
/// theirs added. Only stages of one group
/// with consecutive member indices are linked; any other stage ends a run.
pub fn link_runs(run: &[&LexiconStage]) {
    for (i, s) in run.iter().enumerate() {
        let together = run[i..]
            .iter()
            .enumerate()
            .take_while(|(k, t)| Arc::ptr_eq(&t.group, &s.group) && t.index == s.index + k)
            .count();
        s.run.store(together, Ordering::Relaxed);
    }
}

/// The pipeline check that links each run of consecutive lexicon stages
/// ([`link_runs`]). Registered as a [`claimex_pipeline::PipelineCheck`]; it
/// never fails.
pub fn check(stages: &[Box<dyn Stage>]) -> Result<(), CheckError> {
    let lexicons: Vec<Option<&LexiconStage>> = stages.iter().map(|s| s.downcast::<LexiconStage>()).collect();
    for run in lexicons.split(Option::is_none) {
        link_runs(&run.iter().flatten().copied().collect::<Vec<_>>());
    }
    Ok(())
}

/// Add mentions (in layer order) to the layer, keeping it sorted as a stable
/// sort would (the layer's first on ties): the layer's tail after the first
/// new mention is merged with them from the back, in place, one comparison
/// and one copy a mention.
fn merge_into(layer: &mut Vec<Mention>, found: Vec<Mention>) {
    let Some(first) = found.first() else { return };
    debug_assert!(found.is_sorted_by(|a, b| order(a, b).is_le()), "mentions come in layer order");
    if layer.is_empty() {
        *layer = found;
        return;
    }
    let from = layer.partition_point(|m| order(m, first).is_le());
    let (mut i, mut j) = (layer.len(), found.len());
    layer.extend_from_slice(&found);
    // `layer[..i]` and `found[..j]` are left to merge into `layer[..i + j]`.
    while j > 0 {
        if i > from && order(&layer[i - 1], &found[j - 1]).is_gt() {
            layer[i + j - 1] = layer[i - 1];
            i -= 1;
        } else {
            layer[i + j - 1] = found[j - 1];
            j -= 1;
        }
    }
}

/// The layer's order of mentions: (start, end, label).
pub(crate) fn order(a: &Mention, b: &Mention) -> std::cmp::Ordering {
    (a.span.start, a.span.end, &a.label).cmp(&(b.span.start, b.span.end, &b.label))
}

impl Stage for LexiconStage {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "lexicon"
    }
    fn requires(&self) -> &'static [Layer] {
        &[]
    }
    fn produces(&self) -> &'static [Layer] {
        &[Layer::Mentions]
    }
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
    /// Adds this stage's mentions, and those of the linked stages after it
    /// ([`link_runs`]), to the layer. The group's scan lists them all in
    /// layer order, so the mentions of consecutive members go in with one
    /// merge; an `exclusive` member's go in alone, after its rule is applied
    /// against the layer so far. The layer ends as adding them stage by stage
    /// would leave it.
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let run = self.run.load(Ordering::Relaxed);
        let members = self.group.take(self.index, run, &doc.text, &mut doc.scratch).map_err(StageError::new)?;
        // Most members of a linked run find theirs added already.
        if members.is_empty() {
            return Ok(());
        }
        let skipped = merged(doc.skipped().collect());
        let found = GroupFound::left_in(&mut doc.scratch);
        let layer = doc.layers.mentions.get_or_insert_with(Vec::new);
        let mut m = members.start;
        while m < members.end {
            let exclusive = found.exclusive(m);
            let end =
                if exclusive { m + 1 } else { (m..members.end).find(|&k| found.exclusive(k)).unwrap_or(members.end) };
            let mut batch: Vec<Mention> = found.mentions(m..end).filter(|x| !overlaps_any(&skipped, x.span)).collect();
            if exclusive && !layer.is_empty() {
                resolve_exclusive(layer, &mut batch);
            }
            merge_into(layer, batch);
            m = end;
        }
        Ok(())
    }
}

/// An `@match` / `@nomatch` example the stage does not satisfy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleFailure {
    /// `lexicons/x.tsv:LINE` of the example.
    pub location: String,
    pub sentence: String,
    pub expected: String,
    pub got: String,
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: in {:?}: expected {}, got {}", self.location, self.sentence, self.expected, self.got)
    }
}

impl LexiconStage {
    /// Run every example of the stage's files through the stage (alone, on
    /// the bare sentence) and return the ones that break.
    pub fn check_examples(&self) -> Vec<ExampleFailure> {
        let mut failures = Vec::new();
        for file in &self.files {
            for (ex, canonical) in &file.examples {
                let found = self.find(&ex.sentence);
                if found.iter().any(|m| m.canonical == *canonical) == ex.expect_match {
                    continue;
                }
                let got = if found.is_empty() {
                    "no mentions".to_string()
                } else {
                    found
                        .iter()
                        .map(|m| format!("`{}` → {}", &ex.sentence[m.span.start..m.span.end], m.canonical))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                failures.push(ExampleFailure {
                    location: format!("{}:{}", file.path, ex.line),
                    sentence: ex.sentence.clone(),
                    expected: format!("{} mention of `{canonical}`", if ex.expect_match { "a" } else { "no" }),
                    got,
                });
            }
        }
        failures
    }
}

/// Compile every `lexicon` stage of a config (for `claimex lexicon check/test`).
pub fn config_lexicons(
    config: &claimex_pipeline::Config,
    root: claimex_pipeline::DataRoot,
) -> Result<Vec<LexiconStage>, ConfigError> {
    let ctx = BuildContext::new(root);
    config.stages.iter().filter(|p| p.kind == "lexicon").map(|p| LexiconStage::compile(p, &ctx)).collect()
}

/// Compile the `lexicon` stages of the built-in default config.
pub fn default_lexicons() -> Result<Vec<LexiconStage>, ConfigError> {
    config_lexicons(&crate::default_config(), crate::embedded_root())
}

impl LexiconParams {
    /// Parameters with every default: case-insensitive whole words.
    pub fn new(files: Vec<String>, label: &str) -> Self {
        LexiconParams {
            files,
            label: label.into(),
            case_sensitive: false,
            whole_word: true,
            fold_diacritics: false,
            exclusive: false,
            min_length: 0,
        }
    }
}
