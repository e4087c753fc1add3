//! Invariants every annotated document must satisfy, whatever its text. Shared
//! by the property tests and the fuzz targets (`fuzz/`), which include this file.

use claimex_pipeline::{Document, Span};

/// Every span of every layer lies inside the text, on char boundaries, with
/// `start <= end`. The first violation, named by layer and index.
pub fn check_spans(doc: &Document) -> Result<(), String> {
    let text = &doc.text;
    let check = |layer: &str, i: usize, s: Span| {
        let ok =
            s.start <= s.end && s.end <= text.len() && text.is_char_boundary(s.start) && text.is_char_boundary(s.end);
        match ok {
            true => Ok(()),
            false => Err(format!(
                "{layer}[{i}]: span {}..{} is not a char range of a {}-byte text",
                s.start,
                s.end,
                text.len()
            )),
        }
    };
    let l = &doc.layers;
    for (i, r) in l.regions.iter().flatten().enumerate() {
        check("regions", i, r.span)?;
    }
    for (i, s) in l.sentences.iter().flatten().enumerate() {
        check("sentences", i, s.span)?;
    }
    for (i, m) in l.mentions.iter().flatten().enumerate() {
        check("mentions", i, m.span)?;
    }
    for (i, q) in l.numbers.iter().flatten().enumerate() {
        check("numbers", i, q.span)?;
        check("numbers.number_span", i, q.number_span)?;
        if let Some(e) = q.equivalent {
            check("numbers.equivalent", i, e)?;
        }
    }
    for (i, d) in l.dates.iter().flatten().enumerate() {
        check("dates", i, d.span)?;
    }
    for (i, c) in l.claims.iter().flatten().enumerate() {
        check("claims.evidence", i, c.evidence)?;
        for m in &c.mentions {
            check("claims.mentions", i, *m)?;
        }
    }
    Ok(())
}
