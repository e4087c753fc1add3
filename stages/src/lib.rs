//! The built-in stages of claimex, one module per stage, and the embedded
//! default config and lexicons.
//!
//! | kind | produces | what it does |
//! |---|---|---|
//! | `clean` | regions | marks page furniture and metadata lines |
//! | `sentences` | sentences | sentence and list-item boundaries |
//! | `numbers` | numbers | cardinal quantities with bound, unit, range |
//! | `triage` | – | settles documents that cannot hold a claim |
//! | `lexicon` | mentions | dictionary matches from a lexicon file |
//! | `dates` | dates | date expressions resolved against publication |
//! | `claims` | claims | assembles attributed, dated, located claims |

mod anchored;
pub mod claims;
pub mod clean;
pub mod dates;
pub mod lexicon;
pub mod numbers;
mod prefix_masks;
pub mod sentences;
mod swar;
pub mod triage;

use claimex_pipeline::{Config, ConfigError, DataRoot, Pipeline, Registry, StageKind};

/// The bundled seed articles (`corpus/seeds/*.txt`), for the unit tests that
/// compare a fast path with the plain one on real text.
#[cfg(test)]
pub(crate) fn seed_texts() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/seeds");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus/seeds is readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    let texts: Vec<String> = paths.iter().map(|p| std::fs::read_to_string(p).expect("a seed article")).collect();
    assert!(texts.len() >= 5, "the seed articles are read");
    texts
}

/// The embedded default config and lexicon files.
pub mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// Every built-in stage kind.
pub fn registry() -> Registry {
    let mut r = Registry::new();
    r.register(StageKind {
        kind: "clean",
        summary: "mark page furniture and read metadata lines",
        build: clean::build,
    });
    r.check(clean::check);
    r.register(StageKind {
        kind: "sentences",
        summary: "split sentences, headings and list items",
        build: sentences::build,
    });
    r.register(StageKind {
        kind: "lexicon",
        summary: "tag lexicon entries (label, canonical id, attributes)",
        build: lexicon::build,
    });
    r.check(lexicon::check);
    r.register(StageKind { kind: "numbers", summary: "find and normalise cardinal quantities", build: numbers::build });
    r.register(StageKind {
        kind: "triage",
        summary: "settle documents that cannot hold a claim (no figure with a cue)",
        build: triage::build,
    });
    r.check(triage::check);
    r.register(StageKind {
        kind: "dates",
        summary: "find dates and resolve them against publication",
        build: dates::build,
    });
    r.register(StageKind { kind: "claims", summary: "assemble claims from the other layers", build: claims::build });
    r
}

/// The built-in default config (`claimex.toml`, embedded in the binary).
pub fn default_config() -> Config {
    Config::parse("builtin:claimex.toml", embedded::DEFAULT_CONFIG, None).expect("the embedded config parses (tested)")
}

/// A pipeline of `config` with the built-in stage kinds, its relative data
/// files resolved against the embedded lexicons.
pub fn builtin_pipeline(config: Config) -> Result<Pipeline, ConfigError> {
    Pipeline::build(config, &registry(), embedded_root())
}

/// The default pipeline: the built-in config, stages and lexicons.
pub fn default_pipeline() -> Pipeline {
    builtin_pipeline(default_config()).expect("the default pipeline builds (tested)")
}

/// The data root for the embedded default config.
pub fn embedded_root() -> DataRoot {
    DataRoot::Embedded(embedded::FILES)
}
