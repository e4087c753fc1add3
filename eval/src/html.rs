//! `--html FILE`: one self-contained page (inline CSS, no scripts or external
//! resources) with the score tables and, per document, its claims and its text
//! with gold and predicted evidence highlighted, so a reader sees at a glance
//! what was missed (FN), invented (FP) or matched with wrong fields.
//!
//! Gold evidence is located verbatim in the text (first occurrence). Predicted
//! evidence uses its `start`/`end` char offsets when they hold the evidence
//! text, else a verbatim search, else the offsets as given.

use std::collections::HashMap;
use std::fmt::Write;

use claimex_pipeline::{ClaimRecord, Document};

use crate::report::claim_label;
use crate::score::{Counts, DocResult, Evaluation, Field};

/// HTML-escape text for element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than newline and tab would make the page invalid.
            c if c.is_control() && c != '\n' && c != '\t' && c != '\r' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1200px;color:#1d1d1f;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:0}
.meta{color:#555;margin-bottom:16px}
.tables{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
th,td{padding:3px 9px;border-bottom:1px solid #e3e3e3;text-align:right;vertical-align:top}
th{background:#f4f4f6;font-weight:600}
td.l,th.l{text-align:left}
tr.total td{font-weight:600}
.dim{color:#999}
.legend{margin:18px 0;padding:10px 12px;background:#fafafa;border:1px solid #e3e3e3;border-radius:6px;line-height:2}
.legend span{margin-right:18px;white-space:nowrap}
details.doc{border:1px solid #ddd;border-radius:6px;margin:14px 0;padding:0}
details.doc>summary{cursor:pointer;padding:8px 12px;background:#f4f4f6;border-radius:6px;list-style-position:inside}
details.doc[open]>summary{border-bottom:1px solid #ddd;border-radius:6px 6px 0 0}
.docbody{padding:10px 14px}
.badge{display:inline-block;border-radius:9px;padding:0 7px;font-size:12px;margin-left:6px;color:#fff;font-weight:600}
.b-tp{background:#2e7d32}.b-fn{background:#c62828}.b-fp{background:#e67e00}.b-mm{background:#8d6e00}.b-ok{background:#777}
.claims{width:100%}.claims td,.claims th{font-size:13px;white-space:nowrap}
.claims td.ev,.claims td.cl{white-space:normal}
.claims td.ev{max-width:380px;text-align:left;color:#444;font-size:12px}
td.st{font-weight:700;text-align:left;white-space:nowrap}
.st-tp{color:#2e7d32}.st-fn{color:#c62828}.st-fp{color:#e67e00}.st-mm{color:#8d6e00}
td.diff{background:#fff3c4;text-align:left}
td.diff del{color:#c62828;text-decoration:none}td.diff ins{color:#1565c0;text-decoration:none}
.text{white-space:pre-wrap;font:13px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#fff;border:1px solid #eee;padding:12px;margin-top:12px;max-height:none;overflow-wrap:anywhere}
.g-tp{background:#c8efc9}.g-mm{background:#ffe98a}.g-fn{background:#ffc4c4;outline:1px solid #e57373}
.p-tp{border-bottom:3px solid #1e6bd6}.p-fp{border-bottom:3px dashed #e67e00;background:#ffe2b8}
.g-tp.p-fp{background:#c8efc9}.g-mm.p-fp{background:#ffe98a}.g-fn.p-fp{background:#ffc4c4}
sup.tag{font:bold 10px/1 system-ui,sans-serif;color:#fff;border-radius:3px;padding:1px 3px;margin:0 1px;vertical-align:super}
sup.t-fn{background:#c62828}sup.t-fp{background:#e67e00}sup.t-tp{background:#2e7d32}sup.t-mm{background:#8d6e00}sup.t-ptp{background:#1e6bd6}
.sw{display:inline-block;width:34px;height:14px;vertical-align:middle;margin-right:5px;border-radius:2px}
.warn{color:#c62828}
"#;

/// The kind of a highlighted span; the order is the display priority within
/// gold and within predicted marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Mark {
    GoldTp,
    GoldMismatch,
    GoldFn,
    PredTp,
    PredFp,
}

impl Mark {
    fn is_gold(self) -> bool {
        matches!(self, Mark::GoldTp | Mark::GoldMismatch | Mark::GoldFn)
    }
    fn class(self) -> &'static str {
        match self {
            Mark::GoldTp => "g-tp",
            Mark::GoldMismatch => "g-mm",
            Mark::GoldFn => "g-fn",
            Mark::PredTp => "p-tp",
            Mark::PredFp => "p-fp",
        }
    }
    /// The tag shown at the start of the span, and its style.
    fn tag(self) -> (&'static str, &'static str) {
        match self {
            Mark::GoldTp => ("G", "t-tp"),
            Mark::GoldMismatch => ("G≠", "t-mm"),
            Mark::GoldFn => ("FN", "t-fn"),
            Mark::PredTp => ("P", "t-ptp"),
            Mark::PredFp => ("FP", "t-fp"),
        }
    }
}

/// A highlighted span: byte range, kind, row number in the document's claim table, tooltip.
struct Highlight {
    start: usize,
    end: usize,
    mark: Mark,
    row: usize,
    title: String,
}

/// One row of a document's claim table.
struct Row<'a> {
    status: &'static str,
    class: &'static str,
    gold: Option<&'a ClaimRecord>,
    pred: Option<&'a ClaimRecord>,
}

/// Render the page.
pub fn render(eval: &Evaluation<'_>, docs: &[Document]) -> String {
    let by_id: HashMap<&str, &Document> = docs.iter().map(|d| (d.id.as_str(), d)).collect();
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>claimex eval</title>\n<style>");
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n<h1>claimex eval</h1>\n");
    let _ = writeln!(
        out,
        "<div class=\"meta\">gold <b>{}</b> · predictions <b>{}</b><br>{} documents ({} with gold claims) · {} gold claims · {} predicted · {} vague dropped{}</div>",
        escape(&eval.gold.path),
        escape(&eval.pred.path),
        eval.docs.len(),
        eval.docs_with_gold(),
        eval.claims.tp + eval.claims.fn_,
        eval.claims.tp + eval.claims.fp,
        eval.vague_dropped,
        if eval.outside.is_empty() {
            String::new()
        } else {
            format!(
                " · <span class=\"warn\">{} prediction(s) for doc_ids outside the corpus, not scored: {}</span>",
                eval.outside.values().sum::<usize>(),
                escape(&eval.outside.keys().take(10).cloned().collect::<Vec<_>>().join(", "))
            )
        }
    );
    tables(&mut out, eval);
    legend(&mut out);
    out.push_str("<h2 style=\"margin-top:22px\">Documents</h2>\n");
    // Small corpora show every document open; larger ones only those with errors.
    let open_all = eval.docs.len() <= OPEN_ALL_UP_TO;
    for d in &eval.docs {
        let Some(doc) = by_id.get(d.doc_id.as_str()) else {
            continue;
        };
        document(&mut out, eval, d, doc, open_all);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn rate_cells(out: &mut String, c: &Counts) {
    let _ = write!(out, "<td>{}</td><td>{}</td><td>{}</td>", c.tp, c.fp, c.fn_);
    for v in [c.precision(), c.recall(), c.f1()] {
        if c.is_empty() {
            out.push_str("<td class=\"dim\">–</td>");
        } else {
            let _ = write!(out, "<td>{v:.3}</td>");
        }
    }
}

fn tables(out: &mut String, eval: &Evaluation<'_>) {
    let head =
        "<tr><th class=\"l\"></th><th>tp</th><th>fp</th><th>fn</th><th>precision</th><th>recall</th><th>f1</th></tr>";
    out.push_str("<div class=\"tables\">\n<table>\n");
    out.push_str(head);
    for (name, c) in [("claims", &eval.claims), ("strict", &eval.strict)] {
        let _ = write!(out, "<tr class=\"total\"><td class=\"l\">{name}</td>");
        rate_cells(out, c);
        out.push_str("</tr>\n");
    }
    out.push_str("<tr><th class=\"l\">category</th><th></th><th></th><th></th><th></th><th></th><th></th></tr>\n");
    for (cat, c) in &eval.categories {
        let _ = write!(out, "<tr><td class=\"l\">{}</td>", cat.as_str());
        rate_cells(out, c);
        out.push_str("</tr>\n");
    }
    out.push_str(
        "</table>\n<table>\n<tr><th class=\"l\">field</th><th>correct</th><th>total</th><th>accuracy</th></tr>\n",
    );
    for (f, a) in &eval.fields {
        let acc = a.accuracy().map_or_else(|| "<span class=\"dim\">–</span>".to_string(), |x| format!("{x:.3}"));
        let _ = writeln!(
            out,
            "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{acc}</td></tr>",
            f.as_str(),
            a.correct,
            a.total
        );
    }
    out.push_str("</table>\n</div>\n");
}

fn legend(out: &mut String) {
    out.push_str(concat!(
        "<div class=\"legend\"><b>Legend</b> · gold evidence: ",
        "<span><i class=\"sw g-tp\"></i>matched</span>",
        "<span><i class=\"sw g-mm\"></i>matched, fields differ</span>",
        "<span><i class=\"sw g-fn\"></i>missed (FN)</span>",
        "· predicted evidence: ",
        "<span><i class=\"sw p-tp\"></i>matched</span>",
        "<span><i class=\"sw p-fp\"></i>false positive (FP)</span>",
        "<br>Tags before a span (<sup class=\"tag t-fn\">FN 2</sup><sup class=\"tag t-fp\">FP 5</sup>",
        "<sup class=\"tag t-tp\">G 1</sup><sup class=\"tag t-ptp\">P 1</sup><sup class=\"tag t-mm\">G≠ 3</sup>) ",
        "give the row of the document's claim table; hover a span for its claims.</div>\n"
    ));
}

/// Byte offset of char offset `c` in `text`, if in range.
fn char_to_byte(text: &str, c: usize) -> Option<usize> {
    if c == 0 {
        return Some(0);
    }
    match text.char_indices().nth(c) {
        Some((b, _)) => Some(b),
        None if text.chars().count() == c => Some(text.len()),
        None => None,
    }
}

/// Where a predicted claim's evidence lies in the text, if anywhere.
fn locate_pred(text: &str, r: &ClaimRecord) -> Option<(usize, usize)> {
    let by_offsets = r.start.zip(r.end).and_then(|(s, e)| {
        let (s, e) = (char_to_byte(text, s)?, char_to_byte(text, e)?);
        (s < e).then_some((s, e))
    });
    if let Some((s, e)) = by_offsets {
        if text[s..e] == r.evidence {
            return Some((s, e));
        }
    }
    locate(text, &r.evidence).or(by_offsets)
}

fn locate(text: &str, evidence: &str) -> Option<(usize, usize)> {
    if evidence.is_empty() {
        return None;
    }
    text.find(evidence).map(|s| (s, s + evidence.len()))
}

/// Corpora of at most this many documents render every document expanded.
const OPEN_ALL_UP_TO: usize = 10;

fn document(out: &mut String, eval: &Evaluation<'_>, d: &DocResult, doc: &Document, open_all: bool) {
    let mut rows: Vec<Row<'_>> = Vec::new();
    for &i in &d.false_negatives {
        rows.push(Row { status: "FN", class: "fn", gold: Some(&eval.gold_claim(i).record), pred: None });
    }
    for &i in &d.false_positives {
        rows.push(Row { status: "FP", class: "fp", gold: None, pred: Some(&eval.pred_claim(i).record) });
    }
    for p in &d.pairs {
        let (status, class) = if p.mismatched.is_empty() { ("TP", "tp") } else { ("TP≠", "mm") };
        rows.push(Row {
            status,
            class,
            gold: Some(&eval.gold_claim(p.gold).record),
            pred: Some(&eval.pred_claim(p.pred).record),
        });
    }
    let mismatched = d.pairs.iter().filter(|p| !p.mismatched.is_empty()).count();
    let has_errors = !d.false_negatives.is_empty() || !d.false_positives.is_empty() || mismatched > 0;
    let _ = write!(
        out,
        "<details class=\"doc\" id=\"{}\"{}><summary><h2 style=\"display:inline\">{}</h2>",
        escape(&d.doc_id),
        if has_errors || open_all { " open" } else { "" },
        escape(&d.doc_id)
    );
    for (n, label, class) in [
        (d.pairs.len() - mismatched, "TP", "b-tp"),
        (mismatched, "TP≠", "b-mm"),
        (d.false_negatives.len(), "FN", "b-fn"),
        (d.false_positives.len(), "FP", "b-fp"),
    ] {
        if n > 0 {
            let _ = write!(out, "<span class=\"badge {class}\">{n} {label}</span>");
        }
    }
    if rows.is_empty() {
        out.push_str("<span class=\"badge b-ok\">no claims</span>");
    }
    out.push_str("</summary>\n<div class=\"docbody\">\n");

    let text = &doc.text;
    let mut highlights = Vec::new();
    if !rows.is_empty() {
        claim_table(out, &rows, text);
    }
    for (n, row) in rows.iter().enumerate() {
        let (gold_mark, pred_mark) = match row.class {
            "fn" => (Mark::GoldFn, Mark::PredFp),
            "fp" => (Mark::GoldFn, Mark::PredFp),
            "mm" => (Mark::GoldMismatch, Mark::PredTp),
            _ => (Mark::GoldTp, Mark::PredTp),
        };
        if let Some(g) = row.gold {
            if let Some((start, end)) = locate(text, &g.evidence) {
                let title = format!("{} {} (gold)", row.status, claim_label(g));
                highlights.push(Highlight { start, end, mark: gold_mark, row: n + 1, title });
            }
        }
        if let Some(p) = row.pred {
            if let Some((start, end)) = locate_pred(text, p) {
                let title = format!("{} {} (predicted)", row.status, claim_label(p));
                highlights.push(Highlight { start, end, mark: pred_mark, row: n + 1, title });
            }
        }
    }
    out.push_str("<div class=\"text\">");
    highlighted_text(out, text, &highlights);
    out.push_str("</div>\n</div>\n</details>\n");
}

fn claim_table(out: &mut String, rows: &[Row<'_>], text: &str) {
    out.push_str("<table class=\"claims\"><tr><th>#</th><th class=\"l\">status</th><th class=\"l\">claim</th>");
    for f in Field::ALL {
        let _ = write!(out, "<th class=\"l\">{}</th>", f.as_str());
    }
    out.push_str("<th class=\"l\">evidence</th></tr>\n");
    for (n, row) in rows.iter().enumerate() {
        let main = row.gold.or(row.pred).expect("a row has a claim");
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"st st-{}\">{}</td><td class=\"l cl\">{}</td>",
            n + 1,
            row.class,
            row.status,
            escape(&claim_label(main))
        );
        for f in Field::ALL {
            match (row.gold, row.pred) {
                (Some(g), Some(p)) if !f.equal(g, p) => {
                    let _ = write!(
                        out,
                        "<td class=\"diff\" title=\"gold vs predicted\"><del>{}</del> → <ins>{}</ins></td>",
                        escape(&f.show(g)),
                        escape(&f.show(p))
                    );
                }
                _ => {
                    let _ = write!(out, "<td class=\"l\">{}</td>", escape(&f.show(main)));
                }
            }
        }
        let mut ev = escape(&main.evidence);
        let located = match (row.gold, row.pred) {
            (Some(g), _) => locate(text, &g.evidence).is_some(),
            (None, Some(p)) => locate_pred(text, p).is_some(),
            _ => true,
        };
        if !located {
            ev.push_str(" <span class=\"warn\">(not found in the text)</span>");
        }
        let _ = writeln!(out, "<td class=\"ev\">{ev}</td></tr>");
    }
    out.push_str("</table>\n");
}

/// Write `text` escaped, with each stretch wrapped in the classes of the
/// highlights covering it and a tag at the start of each highlight.
fn highlighted_text(out: &mut String, text: &str, highlights: &[Highlight]) {
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for h in highlights {
        cuts.push(h.start);
        cuts.push(h.end);
    }
    cuts.sort_unstable();
    cuts.dedup();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let mut starting: Vec<&Highlight> = highlights.iter().filter(|h| h.start == a).collect();
        starting.sort_by_key(|h| (h.mark, h.row));
        for h in starting {
            let (label, class) = h.mark.tag();
            let _ = write!(out, "<sup class=\"tag {class}\" title=\"{}\">{label} {}</sup>", escape(&h.title), h.row);
        }
        let active: Vec<&Highlight> = highlights.iter().filter(|h| h.start <= a && b <= h.end).collect();
        let piece = escape(&text[a..b]);
        if active.is_empty() {
            out.push_str(&piece);
            continue;
        }
        let gold = active.iter().filter(|h| h.mark.is_gold()).map(|h| h.mark).max();
        let pred = active.iter().filter(|h| !h.mark.is_gold()).map(|h| h.mark).max();
        let classes: Vec<&str> = gold.into_iter().chain(pred).map(Mark::class).collect();
        let title: Vec<&str> = active.iter().map(|h| h.title.as_str()).collect();
        let _ =
            write!(out, "<span class=\"{}\" title=\"{}\">{piece}</span>", classes.join(" "), escape(&title.join("\n")));
    }
}
