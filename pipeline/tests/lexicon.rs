//! The lexicon file format: what loads, and every validation error with its line.

use std::sync::Arc;
use std::time::Instant;

use claimex_pipeline::lexicon::{CaseMode, Lexicon};

#[test]
fn validation_errors_name_file_and_line() {
    let h = "surface\tcanonical\ttype\tvalid_from\n";
    let cases: &[(&str, String, usize, &str)] = &[
        ("wrong column count", format!("{h}Kyiv\tUkraine\tmetonym\n"), 2, "expected 4 tab-separated cells"),
        ("too many columns", format!("{h}# c\nKyiv\tUkraine\tx\t\textra\n"), 3, "found 5"),
        ("empty surface", format!("{h}\tUkraine\tx\t\n"), 2, "empty surface"),
        ("empty canonical", format!("{h}Kyiv\t \tx\t\n"), 2, "empty canonical"),
        ("conflicting duplicate", format!("{h}Kyiv\tUkraine\t\t\n\nKyiv\tKyiv\t\t\n"), 4, "on line 2"),
        ("bad date", format!("{h}Syrskyi\tOleksandr Syrskyi\t\t2024-02-30\n"), 2, "expected a date YYYY-MM-DD"),
        ("short date", format!("{h}Syrskyi\tOleksandr Syrskyi\t\t2024-2-8\n"), 2, "valid_from"),
        ("unknown directive", format!("{h}Kyiv\tUkraine\t\t\n@matches\tKyiv\n"), 3, "unknown directive `@matches`"),
        ("example before entry", format!("{h}@match\tKyiv\n"), 2, "before any entry"),
        ("example without sentence", format!("{h}Kyiv\tUkraine\t\t\n@nomatch\n"), 3, "needs a sentence"),
        ("bad header", "canonical\tsurface\nKyiv\tUkraine\n".to_string(), 1, "header must start with"),
        ("duplicate column", "surface\tcanonical\ttype\ttype\n".to_string(), 1, "appears twice"),
        ("bad case value", "surface\tcanonical\tcase\nUS\tUnited States\tyes\n".to_string(), 2, "`case` is `yes`"),
        ("no header", "# only comments\n\n".to_string(), 1, "no header"),
    ];
    for (name, text, line, needle) in cases {
        let err = Lexicon::parse("lexicons/t.tsv", text).expect_err(name);
        assert_eq!(err.line, *line, "{name}: {err}");
        let msg = err.to_string();
        assert!(msg.starts_with(&format!("lexicons/t.tsv:{line}: ")), "{name}: {msg}");
        assert!(msg.contains(needle), "{name}: expected `{needle}` in `{msg}`");
    }
}

#[test]
fn accepted_forms() {
    let text =
        "\u{feff}# comment\r\nsurface\tcanonical\ttype\tcase\tlabel\r\nUS\tUnited States\tcountry\tsensitive\t\r\n\
                U.S.\tUnited States\tcountry\t\t\r\nUS\tUnited States\tcountry\tsensitive\t\r\n";
    let lex = Lexicon::parse("t.tsv", text).unwrap();
    assert_eq!(lex.attr_columns, vec!["type"], "label and case are reserved, not attributes");
    assert_eq!(lex.entries.len(), 3, "a duplicate with the same canonical is allowed");
    assert_eq!(lex.entries[0].case, CaseMode::Sensitive);
    assert_eq!(lex.entries[1].case, CaseMode::Stage);
    assert!(!lex.entries[0].attrs.contains_key("case"));
    assert!(Arc::ptr_eq(&lex.entries[0].attrs, &lex.entries[2].attrs), "identical attribute cells share one map");
    assert_eq!(lex.canonicals(), vec!["United States"]);
}

/// A million entries load in well under the "seconds" budget even in a
/// debug build; the figure for the release build is in the bench.
#[test]
fn million_entries_load_fast() {
    let mut text = String::from("surface\tcanonical\ttype\tside\n");
    for i in 0..1_000_000u32 {
        text.push_str(&format!("Person{i} Surname{}\tPerson {i}\tperson\tside{}\n", i % 977, i % 13));
    }
    let t = Instant::now();
    let lex = Lexicon::parse("big.tsv", &text).unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!("parsed {} entries ({} MB) in {secs:.2}s", lex.entries.len(), text.len() / 1_000_000);
    assert_eq!(lex.entries.len(), 1_000_000);
    assert!(secs < 30.0, "1M entries took {secs:.1}s");
}
