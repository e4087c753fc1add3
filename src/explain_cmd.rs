//! `claimex explain`: every stage's annotations for one article, with the rule
//! or lexicon entry behind each, readable in a terminal.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use claimex_pipeline::input::{InputItem, RawItem};
use claimex_pipeline::{CharIndex, Document, Pipeline, Provenance, Span};

use crate::common;

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// An article (.txt) or a corpus file (.jsonl/.csv, with --id to pick a document).
    pub file: PathBuf,
    /// The document id to explain in a multi-document file (default: the first).
    #[arg(long)]
    pub id: Option<String>,
    #[arg(short, long)]
    pub config: Option<PathBuf>,
}

pub fn run(args: &ExplainArgs) -> Result<ExitCode, String> {
    let pipeline = common::load_pipeline(args.config.as_deref())?;
    // A .txt beside a manifest.csv is read through the manifest, for its metadata.
    let mut source = args.file.clone();
    let mut id = args.id.clone();
    if args.file.extension().is_some_and(|e| e == "txt") {
        if let Some(dir) = args.file.parent().filter(|d| d.join("manifest.csv").is_file()) {
            source = dir.to_path_buf();
            id = id.or_else(|| args.file.file_stem().map(|s| s.to_string_lossy().into_owned()));
        }
    }
    let args = &ExplainArgs { file: source, id, config: args.config.clone() };
    let (stream, _) = common::open_inputs(std::slice::from_ref(&args.file), &pipeline.config.input)?;
    let mut found = None;
    for item in stream.map(RawItem::parse) {
        match item {
            InputItem::Doc(d) if args.id.as_ref().is_none_or(|id| *id == d.id) => {
                found = Some(d);
                break;
            }
            InputItem::Bad(b) if args.id.is_none() || b.id == args.id => {
                return Err(format!("{}: {}", b.origin, b.message));
            }
            _ => {}
        }
    }
    let mut doc = found.ok_or_else(|| match &args.id {
        Some(id) => format!("{}: no document with id `{id}`", args.file.display()),
        None => format!("{}: no document", args.file.display()),
    })?;
    let failure = pipeline.process(&mut doc).err();
    print!("{}", explain(&pipeline, &doc));
    if let Some(f) = failure {
        println!("stage `{}` failed: {}", f.stage, f.message);
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn snippet(doc: &Document, span: Span) -> String {
    let s = doc.slice(span);
    let s: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if s.chars().count() > 90 {
        format!("{}…", s.chars().take(89).collect::<String>())
    } else {
        s
    }
}

/// The report: per stage, in pipeline order, what it annotated and why.
pub fn explain(pipeline: &Pipeline, doc: &Document) -> String {
    let ix = CharIndex::new(&doc.text);
    let at = |span: Span| {
        let [s, e] = ix.chars(span);
        format!("{s}..{e}")
    };
    let why = |p: &Provenance| format!("[{}]", p.rule);
    let mut out = String::new();
    let m = &doc.meta;
    let _ = writeln!(
        out,
        "document {} ({} chars{}{}{})",
        doc.id,
        doc.text.chars().count(),
        m.published.map(|d| format!(", published {d}")).unwrap_or_default(),
        m.outlet.as_ref().map(|o| format!(", {o}")).unwrap_or_default(),
        if doc.lossy { ", decoded lossily" } else { "" }
    );
    if let Some(t) = &m.title {
        let _ = writeln!(out, "title: {t}");
    }
    let l = &doc.layers;
    for stage in pipeline.stages() {
        let name = stage.name();
        let _ = writeln!(out, "\n── {name} ({})", stage.kind());
        let mine = |p: &Provenance| &*p.stage == name;
        let mut n = 0;
        for r in l.regions.iter().flatten().filter(|r| mine(&r.prov)) {
            n += 1;
            let flag = if r.skip { "skip" } else { "keep" };
            let _ = writeln!(
                out,
                "  {:>11} {:<16} {flag} {:?} {}",
                at(r.span),
                &*r.kind,
                snippet(doc, r.span),
                why(&r.prov)
            );
        }
        if stage.produces().contains(&claimex_pipeline::Layer::Sentences) {
            for (i, s) in l.sentences.iter().flatten().enumerate() {
                n += 1;
                let skipped = if doc.is_skipped(s.span) { " (skipped)" } else { "" };
                let _ = writeln!(
                    out,
                    "  #{i:<3} {:>11} {:?} p{}{skipped} {:?}",
                    at(s.span),
                    s.kind,
                    s.paragraph,
                    snippet(doc, s.span)
                );
            }
        }
        for mn in l.mentions.iter().flatten().filter(|x| mine(&x.prov)) {
            n += 1;
            let attrs: Vec<String> = mn.attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let _ = writeln!(
                out,
                "  {:>11} {:<10} {:<28} {:?} {} {}",
                at(mn.span),
                &*mn.label,
                &*mn.canonical,
                snippet(doc, mn.span),
                attrs.join(" "),
                why(&mn.prov)
            );
        }
        for q in l.numbers.iter().flatten().filter(|x| mine(&x.prov)) {
            n += 1;
            let unit = q.unit.as_ref().map(|u| format!(" {}", u.name)).unwrap_or_default();
            let range = q.range.map(|r| format!(" range {}..{}", r.low, r.high)).unwrap_or_default();
            let vague = if q.vague { " vague" } else { "" };
            let _ = writeln!(
                out,
                "  {:>11} {}{unit} {}{range}{vague} {:?} {}",
                at(q.span),
                q.value,
                q.bound.as_str(),
                snippet(doc, q.span),
                why(&q.prov)
            );
        }
        for d in l.dates.iter().flatten().filter(|x| mine(&x.prov)) {
            n += 1;
            let date = d.date.map(|d| d.to_string()).unwrap_or_else(|| "unresolved".into());
            let _ = writeln!(
                out,
                "  {:>11} {date} {:?} {:?} {}",
                at(d.span),
                d.granularity,
                snippet(doc, d.span),
                why(&d.prov)
            );
        }
        for c in l.claims.iter().flatten().filter(|x| mine(&x.prov)) {
            n += 1;
            let _ = writeln!(
                out,
                "  {} · {}{} · {} ({}){}{} · claimant {} · as_of {} · location {} {}",
                c.category.as_str(),
                c.subject,
                c.object.map(|o| format!(" · {}", o.as_str())).unwrap_or_default(),
                c.value,
                c.bound.as_str(),
                c.group.map(|g| format!(" · {}", g.as_str())).unwrap_or_default(),
                if c.vague { " · vague" } else { "" },
                c.claimant.as_deref().unwrap_or("-"),
                c.as_of.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
                c.location.as_deref().unwrap_or("-"),
                why(&c.prov)
            );
            let _ = writeln!(out, "      evidence {} {:?}", at(c.evidence), snippet(doc, c.evidence));
        }
        if n == 0 {
            let _ = writeln!(out, "  (nothing)");
        }
    }
    out
}
