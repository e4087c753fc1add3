//! Corpus readers: formats, manifests, gzip, bad records and the real corpora.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use claimex_pipeline::config::InputConfig;
use claimex_pipeline::input::{self, parse_published, BadRecord, InputItem, Inputs};
use claimex_pipeline::Document;
use flate2::write::GzEncoder;
use flate2::Compression;

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn split(inputs: Inputs) -> (Vec<Document>, Vec<BadRecord>) {
    let (mut docs, mut bad) = (Vec::new(), Vec::new());
    for item in inputs {
        match item {
            InputItem::Doc(d) => docs.push(d),
            InputItem::Bad(b) => bad.push(b),
        }
    }
    (docs, bad)
}

fn read_with(paths: &[&Path], cfg: &InputConfig) -> (Vec<Document>, Vec<BadRecord>) {
    let paths: Vec<PathBuf> = paths.iter().map(|p| p.to_path_buf()).collect();
    split(input::open(&paths, cfg).unwrap_or_else(|e| panic!("open failed: {e}")))
}

fn read(paths: &[&Path]) -> (Vec<Document>, Vec<BadRecord>) {
    read_with(paths, &InputConfig::default())
}

fn ids(docs: &[Document]) -> Vec<&str> {
    docs.iter().map(|d| d.id.as_str()).collect()
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[test]
fn inputs_can_move_to_a_reader_thread() {
    fn assert_send<T: Send>() {}
    assert_send::<Inputs>();
}

#[test]
fn directory_with_manifest_reads_manifest_order_and_metadata_then_unlisted_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(&dir.join("a.txt"), "alpha");
    write(&dir.join("b.txt"), "bravo");
    write(&dir.join("c.txt"), "charlie");
    write(&dir.join("sub/d.txt"), "delta");
    // Column order differs from the seeds' and extra columns are allowed.
    write(
        &dir.join("manifest.csv"),
        "path,id,language,outlet,published,url,title\n\
         b.txt,B,en,Kyiv Post,2024-03-01,https://x/b,Bee\n\
         ./sub/d.txt,D,,,,,\n\
         a.txt,A,uk,,26 April 2025,,\n",
    );
    let (docs, bad) = read(&[dir]);
    assert!(bad.is_empty(), "no bad records expected: {bad:?}");
    assert_eq!(ids(&docs), ["B", "D", "A", "c"], "manifest order, then unlisted .txt files by stem");
    let b = &docs[0];
    assert_eq!(b.text, "bravo");
    assert_eq!(b.meta.published, date("2024-03-01"));
    assert_eq!(b.meta.outlet.as_deref(), Some("Kyiv Post"));
    assert_eq!(b.meta.language.as_deref(), Some("en"));
    assert_eq!(b.meta.title.as_deref(), Some("Bee"));
    assert_eq!(b.meta.url.as_deref(), Some("https://x/b"));
    assert_eq!(b.origin.path, dir.join("b.txt").display().to_string());
    assert_eq!(b.origin.line, None);
    let d = &docs[1];
    assert_eq!(
        (d.meta.published, d.meta.outlet.as_deref(), d.meta.language.as_deref()),
        (None, None, None),
        "blank cells are unknown"
    );
    assert_eq!(docs[2].meta.published, date("2025-04-26"));
    assert_eq!(docs[3].meta, Default::default(), "an unlisted file has no metadata");
}

#[test]
fn the_bundled_seed_manifest_reads() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/seeds");
    let (docs, bad) = read(&[&seeds]);
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(docs.len(), 5);
    assert_eq!(docs[4].meta.outlet.as_deref(), Some("The Kyiv Independent"));
    assert_eq!(docs[3].meta.published, None);
}

#[test]
fn directory_is_walked_recursively_in_path_order_and_duplicate_stems_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for (path, text) in [
        ("z.txt", "z"),
        ("a/b.txt", "b"),
        ("a/c/d.txt", "d"),
        ("a/notes.md", "not a corpus file"),
        ("m/e.txt.gz", "gz"),
        ("x/same.txt", "first"),
        ("y/same.txt", "second"),
    ] {
        let bytes = if path.ends_with(".gz") { gzip(text.as_bytes()) } else { text.as_bytes().to_vec() };
        write(&dir.join(path), bytes);
    }
    let (docs, bad) = read(&[dir]);
    assert_eq!(ids(&docs), ["b", "d", "e", "same", "z"], "sorted by path, ids are file stems");
    assert_eq!(docs[2].text, "gz", ".txt.gz files are decompressed");
    assert_eq!(docs[3].text, "first");
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].id.as_deref(), Some("same"));
    assert!(bad[0].origin.path.ends_with("same.txt") && bad[0].origin.path.contains('y'), "{}", bad[0]);
    assert!(bad[0].message.contains("duplicate id"), "{}", bad[0]);
}

/// One JSONL line and what it must become.
struct JsonlCase {
    line: &'static str,
    /// `Ok((id, text))` for a document, `Err(part of the message)` for a bad record.
    expect: Result<(&'static str, &'static str), &'static str>,
}

#[test]
fn jsonl_records_take_fields_by_configured_preference() {
    let cases = [
        JsonlCase { line: r#"{"id":"a","text":"t1","title":"T","published":"2024-01-02"}"#, expect: Ok(("a", "t1")) },
        JsonlCase { line: r#"{"text":"no id"}"#, expect: Ok(("recs:2", "no id")) },
        JsonlCase { line: r#"{"id":"c","text":"extra","gpt35_labels":{"x":[1,2]},"n":3}"#, expect: Ok(("c", "extra")) },
        JsonlCase { line: r#"{"id":4,"text":"numeric id"}"#, expect: Ok(("4", "numeric id")) },
        JsonlCase {
            line: r#"{"body":"body wins over nothing","id":"e"}"#,
            expect: Ok(("e", "body wins over nothing")),
        },
        JsonlCase {
            line: r#"{"body":"second choice","text":"first choice","id":"f"}"#,
            expect: Ok(("f", "first choice")),
        },
        JsonlCase { line: r#"{"id":"g","text":null,"body":"null is absent"}"#, expect: Ok(("g", "null is absent")) },
        JsonlCase { line: r#"{"id":"h","text":"","title":7}"#, expect: Ok(("h", "")) },
        JsonlCase { line: r#"{"id":"i","text":42}"#, expect: Err("field `text` is a number, expected a string") },
        JsonlCase { line: r#"{"id":"j","text":["a"]}"#, expect: Err("field `text` is an array") },
        JsonlCase { line: r#"{"id":"k","title":"no text"}"#, expect: Err("no text (looked for `text`, `body`)") },
        JsonlCase { line: r#"{"id":{"x":1},"text":"t"}"#, expect: Err("field `id` is an object") },
        JsonlCase { line: r#"{"id":"l","text":"unterminated}"#, expect: Err("invalid JSON") },
        JsonlCase { line: r#"["id","text"]"#, expect: Err("not a JSON object (it starts with `[`)") },
        JsonlCase { line: r#"{"id":"m","text":"t"} trailing"#, expect: Err("invalid JSON") },
        JsonlCase { line: r#""just a string""#, expect: Err("not a JSON object") },
    ];
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("recs.jsonl");
    let mut body = String::new();
    for case in &cases {
        body.push_str(case.line);
        body.push('\n');
    }
    write(&path, body);
    let items: Vec<InputItem> = input::open(std::slice::from_ref(&path), &InputConfig::default()).unwrap().collect();
    assert_eq!(items.len(), cases.len(), "one item per line");
    for (i, (case, item)) in cases.iter().zip(&items).enumerate() {
        let line = i as u64 + 1;
        match (&case.expect, item) {
            (Ok((id, text)), InputItem::Doc(doc)) => {
                assert_eq!((doc.id.as_str(), doc.text.as_str()), (*id, *text), "line {line}: {}", case.line);
                assert_eq!(doc.origin.line, Some(line), "line {line}: origin line");
                assert_eq!(doc.origin.path, path.display().to_string());
            }
            (Err(part), InputItem::Bad(bad)) => {
                assert!(bad.message.contains(part), "line {line}: expected a message with {part:?}, got {bad}");
                assert_eq!(bad.origin.line, Some(line), "line {line}: {bad}");
            }
            (expect, item) => panic!("line {line} {}: expected {expect:?}, got {item:?}", case.line),
        }
    }
    let InputItem::Doc(first) = &items[0] else { unreachable!() };
    assert_eq!(first.meta.title.as_deref(), Some("T"));
    assert_eq!(first.meta.published, date("2024-01-02"));
    let InputItem::Doc(wrong_title) = &items[7] else { unreachable!() };
    assert_eq!(wrong_title.meta.title, None, "a metadata field of the wrong type is unknown");
}

#[test]
fn configured_field_names_are_used() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("x.ndjson");
    write(&path, "{\"key\":\"k1\",\"content\":\"hello\",\"when\":\"Apr 26, 2025 10:00\",\"site\":\"S\"}\n");
    let cfg = InputConfig {
        id_field: vec!["key".into()],
        text_field: vec!["content".into()],
        published_field: vec!["when".into()],
        outlet_field: vec!["site".into()],
        ..InputConfig::default()
    };
    let (docs, bad) = read_with(&[&path], &cfg);
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!((docs[0].id.as_str(), docs[0].text.as_str()), ("k1", "hello"));
    assert_eq!(docs[0].meta.published, date("2025-04-26"));
    assert_eq!(docs[0].meta.outlet.as_deref(), Some("S"));
}

#[test]
fn a_malformed_jsonl_line_among_good_ones_is_one_bad_record() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("mixed.jsonl");
    write(
        &path,
        "{\"id\":\"1\",\"text\":\"one\"}\r\n{\"id\":\"2\",\"text\":\n\n   \n{\"id\":\"3\",\"text\":\"three\"}",
    );
    let (docs, bad) = read(&[&path]);
    assert_eq!(ids(&docs), ["1", "3"], "CRLF line ends, blank lines and a missing final newline are fine");
    assert_eq!(docs[0].text, "one");
    assert_eq!(docs[1].origin.line, Some(5));
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].origin.line, Some(2));
}

#[test]
fn an_overlong_jsonl_line_is_skipped_without_losing_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("long.jsonl");
    let cfg = InputConfig { max_document_bytes: 10, ..InputConfig::default() };
    let long = "x".repeat(200_000);
    write(&path, format!("{{\"id\":\"a\",\"text\":\"{long}\"}}\n{{\"id\":\"b\",\"text\":\"0123456789A\"}}\n{{\"id\":\"c\",\"text\":\"short\"}}\n"));
    let (docs, bad) = read_with(&[&path], &cfg);
    assert_eq!(ids(&docs), ["c"]);
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert!(bad[0].message.contains("record is over"), "{}", bad[0]);
    assert_eq!(bad[1].message, "document is 11 bytes, over the limit of 10; raise input.max_document_bytes");
    assert_eq!(bad[1].id.as_deref(), Some("b"));
}

#[test]
fn the_line_limit_holds_to_the_byte_and_across_buffer_edges() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("edge.jsonl");
    let cfg = InputConfig { max_document_bytes: 10, ..InputConfig::default() };
    // The reader's limit on a line's bytes (without its newline).
    let limit = 10 * 4 + (1 << 16);
    let record = |id: &str, len: usize| {
        let head = format!("{{\"id\":\"{id}\",\"text\":\"");
        format!("{head}{}\"}}", "y".repeat(len - head.len() - 2))
    };
    // A first line long enough that the later ones straddle the reader's
    // 256 KiB buffer, then lines at the limit and one byte over it.
    let lines = [record("pad", 200_000), record("at", limit), record("over", limit + 1), record("z", 30)];
    write(&path, lines.join("\n"));
    let (docs, bad) = read_with(&[&path], &cfg);
    assert_eq!(ids(&docs), ["z"], "the line after a skipped one is read");
    assert_eq!(docs[0].origin.line, Some(4));
    let got: Vec<(Option<u64>, Option<&str>, bool)> =
        bad.iter().map(|b| (b.origin.line, b.id.as_deref(), b.message.starts_with("record is over"))).collect();
    assert_eq!(got, [(Some(1), None, true), (Some(2), Some("at"), false), (Some(3), None, true)], "{bad:?}");
}

#[test]
fn raw_items_parse_to_what_the_document_stream_yields() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("mixed.jsonl");
    let body = "{\"id\":\"1\",\"text\":\"one\"}\n\n[1]\n{\"text\":\"caf\u{e9}\"}\n{\"id\":\"2\"\n";
    write(&path, body);
    let open = || input::open(std::slice::from_ref(&path), &InputConfig::default()).unwrap();
    let raw: Vec<_> = open().into_raw().collect();
    let sizes: Vec<usize> = raw.iter().map(|r| r.size()).collect();
    let lines: Vec<usize> = body.split_inclusive('\n').filter(|l| !l.trim().is_empty()).map(str::len).collect();
    assert_eq!(sizes, lines, "an unparsed record holds its line");
    let parsed: Vec<InputItem> = raw.into_iter().map(input::RawItem::parse).collect();
    assert_eq!(parsed, open().collect::<Vec<_>>());
    assert_eq!(parsed.len(), 4);
}

#[test]
fn csv_rows_become_documents_and_bad_rows_bad_records() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("news.csv");
    write(
        &path,
        "\u{feff}id,title,text,published,extra\n\
         a,Title A,\"Multi-line, quoted\ntext\",2022-01-25T09:00:00Z,x\n\
         ,No id,plain,,\n\
         short,row\n\
         c,C,\"say \"\"hi\"\"\",26-FEB-1987 15:01:01.79,y\n",
    );
    let (docs, bad) = read(&[&path]);
    assert_eq!(ids(&docs), ["a", "news:4", "c"], "a blank id cell falls back to <stem>:<line>");
    assert_eq!(docs[0].text, "Multi-line, quoted\ntext");
    assert_eq!(docs[0].meta.title.as_deref(), Some("Title A"));
    assert_eq!(docs[0].meta.published, date("2022-01-25"));
    assert_eq!(docs[0].origin.line, Some(2));
    assert_eq!(docs[2].text, "say \"hi\"");
    assert_eq!(docs[2].meta.published, date("1987-02-26"));
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].origin.line, Some(5));
    assert!(bad[0].message.contains("row has 2 fields, the header has 5"), "{}", bad[0]);
}

#[test]
fn a_csv_without_text_column_is_a_manifest_or_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let no_text = tmp.path().join("x.csv");
    write(&no_text, "id,title\n1,a\n");
    let err =
        input::open(std::slice::from_ref(&no_text), &InputConfig::default()).err().expect("no text column is an error");
    assert!(err.to_string().starts_with(&no_text.display().to_string()), "{err}");
    assert!(err.message.contains("no text column"), "{err}");

    write(&tmp.path().join("docs/one.txt"), "one");
    let manifest = tmp.path().join("list.csv");
    write(&manifest, "id,path,outlet\nfirst,docs/one.txt,BBC\n");
    let (docs, bad) = read(&[&manifest]);
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!((docs[0].id.as_str(), docs[0].text.as_str()), ("first", "one"));
    assert_eq!(docs[0].meta.outlet.as_deref(), Some("BBC"));
}

#[test]
fn gzip_works_for_every_format_and_is_detected_by_content_too() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(&dir.join("t.txt.gz"), gzip(b"text file"));
    write(&dir.join("j.jsonl.gz"), gzip(b"{\"id\":\"j1\",\"text\":\"json\"}\n{\"id\":\"j2\",\"text\":\"json 2\"}\n"));
    write(&dir.join("c.csv.gz"), gzip(b"id,text\nc1,csv\n"));
    write(&dir.join("sniffed.jsonl"), gzip(b"{\"id\":\"s1\",\"text\":\"no .gz in the name\"}\n"));
    // Concatenated gzip members are one stream.
    let mut multi = gzip(b"{\"id\":\"m1\",\"text\":\"member 1\"}\n");
    multi.extend(gzip(b"{\"id\":\"m2\",\"text\":\"member 2\"}\n"));
    write(&dir.join("multi.ndjson.gz"), multi);
    let names = ["t.txt.gz", "j.jsonl.gz", "c.csv.gz", "sniffed.jsonl", "multi.ndjson.gz"];
    let paths: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
    let (docs, bad) = split(input::open(&paths, &InputConfig::default()).unwrap());
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(ids(&docs), ["t", "j1", "j2", "c1", "s1", "m1", "m2"]);
    assert_eq!(docs[0].text, "text file");
    assert_eq!(docs[3].text, "csv");
}

/// JSONL records big enough that a cut in the compressed stream falls after some of them.
fn numbered_records(n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n {
        // Varied words so the stream does not compress to nothing.
        let text: String = (0..150).map(|w| format!("w{} ", (i * 7919 + w * 104_729) % 100_003)).collect();
        writeln!(out, "{{\"id\":\"r{i}\",\"text\":\"{text}\"}}").unwrap();
    }
    out
}

#[test]
fn truncated_gzip_yields_what_came_before_then_one_bad_record() {
    let tmp = tempfile::tempdir().unwrap();
    let full = gzip(&numbered_records(200));
    let mut csv = b"id,text\n".to_vec();
    for i in 0..200 {
        writeln!(csv, "r{i},\"{}\"", "word ".repeat(50 + i % 13)).unwrap();
    }
    let csv_gz = gzip(&csv);
    for (name, bytes) in [("cut.jsonl.gz", &full), ("cut.csv.gz", &csv_gz)] {
        for fraction in [0.3, 0.6, 0.99] {
            let path = tmp.path().join(name);
            write(&path, &bytes[..(bytes.len() as f64 * fraction) as usize]);
            let items: Vec<InputItem> =
                input::open(std::slice::from_ref(&path), &InputConfig::default()).unwrap().collect();
            let (last, before) = items.split_last().expect("at least the bad record");
            let InputItem::Bad(cut) = last else {
                panic!("{name} at {fraction}: last item should be a bad record, got {last:?}")
            };
            assert!(cut.message.contains("truncated or corrupt"), "{name} at {fraction}: {cut}");
            assert!(!before.is_empty(), "{name} at {fraction}: records before the cut must be yielded");
            for (i, item) in before.iter().enumerate() {
                match item {
                    InputItem::Doc(d) => {
                        assert_eq!(d.id, format!("r{i}"), "{name} at {fraction}: records in order, none lost")
                    }
                    InputItem::Bad(b) => panic!("{name} at {fraction}: only the last item may be bad, got {b}"),
                }
            }
        }
    }
    // A truncated text file is not a shorter document: it is a bad record.
    let txt = tmp.path().join("cut.txt.gz");
    let gz = gzip(&numbered_records(20));
    write(&txt, &gz[..gz.len() / 2]);
    let (docs, bad) = read(&[&txt]);
    assert!(docs.is_empty(), "a truncated text must not be read as a document");
    assert!(bad[0].message.contains("truncated or corrupt"), "{}", bad[0]);
    assert_eq!(bad[0].id.as_deref(), Some("cut"));
}

#[test]
fn invalid_utf8_is_decoded_lossily_and_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let txt = tmp.path().join("latin1.txt");
    write(&txt, b"Caf\xe9 in Kyiv\r\n");
    let jsonl = tmp.path().join("l.jsonl");
    write(&jsonl, b"{\"id\":\"x\",\"text\":\"bad \xff byte\"}\n{\"id\":\"y\",\"text\":\"fine\"}\n");
    let csv = tmp.path().join("l.csv");
    write(&csv, b"id,text\nz,\"\xfe\"\n");
    let (docs, bad) = read(&[&txt, &jsonl, &csv]);
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(docs[0].text, "Caf\u{fffd} in Kyiv\r\n", "lossy decoding, CRLF kept");
    let lossy: Vec<(&str, bool)> = docs.iter().map(|d| (d.id.as_str(), d.lossy)).collect();
    assert_eq!(lossy, [("latin1", true), ("x", true), ("y", false), ("z", true)]);
    assert_eq!(docs[1].text, "bad \u{fffd} byte");
}

#[test]
fn text_is_never_rewritten() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bom.txt");
    let text = "\u{feff}Title\r\n\r\n  Body with\ttabs\u{0}and NUL\r\n";
    write(&path, text);
    let (docs, _) = read(&[&path]);
    assert_eq!(docs[0].text, text, "BOM, CRLF, NUL and spacing are kept");
    assert!(!docs[0].lossy);
}

#[test]
fn an_empty_file_is_an_empty_document_and_an_oversized_one_a_bad_record() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty.txt");
    write(&empty, "");
    let big = tmp.path().join("big.txt");
    write(&big, "0123456789A");
    let big_gz = tmp.path().join("biggz.txt.gz");
    write(&big_gz, gzip(&[b'x'; 5000]));
    let cfg = InputConfig { max_document_bytes: 10, ..InputConfig::default() };
    let (docs, bad) = read_with(&[&empty, &big, &big_gz], &cfg);
    assert_eq!(ids(&docs), ["empty"]);
    assert_eq!(docs[0].text, "");
    let messages: Vec<&str> = bad.iter().map(|b| b.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "document is 11 bytes, over the limit of 10; raise input.max_document_bytes",
            "document is 5000 bytes, over the limit of 10; raise input.max_document_bytes",
        ]
    );
}

#[test]
fn manifest_rows_naming_missing_files_are_bad_records_naming_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(&dir.join("here.txt"), "here");
    write(
        &dir.join("manifest.csv"),
        "id,path,published,outlet,language\ngone,gone.txt,,,\nhere,here.txt,,,\n,here.txt,,,\ndup,here.txt,,,\nhere,here.txt,,,\n",
    );
    let (docs, bad) = read(&[dir]);
    assert_eq!(ids(&docs), ["here", "dup"]);
    let manifest = dir.join("manifest.csv").display().to_string();
    let got: Vec<(Option<u64>, &str)> = bad.iter().map(|b| (b.origin.line, b.message.as_str())).collect();
    assert_eq!(bad.iter().filter(|b| b.origin.path == manifest).count(), 3, "{bad:?}");
    assert_eq!(got[0].0, Some(2));
    assert!(got[0].1.contains("gone.txt") && got[0].1.contains("no such file"), "{}", bad[0]);
    assert_eq!(got[1], (Some(4), "manifest row has no id"));
    assert_eq!(got[2], (Some(6), "duplicate id in the manifest (first on line 3)"));
}

#[test]
fn manifest_rows_pick_records_out_of_jsonl_and_csv_files() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("corpora");
    write(
        &root.join("news/articles.jsonl"),
        "{\"id\":\"n1\",\"text\":\"first\",\"gdelt_seendate\":\"2022-01-25T09:00:00Z\",\"title\":\"One\"}\n\
         {\"id\":\"n2\",\"text\":\"second\",\"lang_tag\":\"en\"}\n\
         not json\n\
         {\"id\":\"n3\",\"body\":7}\n\
         {\"id\":\"n4\",\"text\":\"fourth\"}\n",
    );
    write(&root.join("posts.csv.gz"), gzip(b"id,text,page_date\np1,post,\"Dec 14, 2024  08:00\"\n"));
    let manifest = tmp.path().join("gold/manifest.csv");
    write(
        &manifest,
        "id,source,published,outlet,language\n\
         n4,news/articles.jsonl,,Fox News,\n\
         p1,posts.csv.gz,,,en\n\
         n1,news/articles.jsonl,2022-01-26,,\n\
         nX,news/articles.jsonl,,,\n\
         n3,news/articles.jsonl,,,\n\
         n2,news/articles.jsonl,,,\n\
         q1,missing.jsonl,,,\n",
    );
    let (docs, bad) = split(input::open_manifest(&manifest, &root, &InputConfig::default()).unwrap());
    assert_eq!(ids(&docs), ["n4", "p1", "n1", "n2"], "manifest order");
    assert_eq!(docs[0].meta.outlet.as_deref(), Some("Fox News"));
    assert_eq!(docs[0].origin.line, Some(5), "a record keeps its own file and line");
    assert!(docs[0].origin.path.ends_with("articles.jsonl"));
    assert_eq!(docs[1].meta.published, date("2024-12-14"), "record metadata fills blank manifest cells");
    assert_eq!(docs[1].meta.language.as_deref(), Some("en"));
    assert_eq!(docs[2].meta.published, date("2022-01-26"), "manifest metadata wins");
    assert_eq!(docs[2].meta.title.as_deref(), Some("One"));
    assert_eq!(docs[3].meta.language.as_deref(), Some("en"));
    assert_eq!(bad.len(), 3, "{bad:?}");
    let manifest_name = manifest.display().to_string();
    assert_eq!((bad[0].origin.path.as_str(), bad[0].origin.line), (manifest_name.as_str(), Some(5)));
    assert!(
        bad[0].message.contains("no record with this id") && bad[0].message.contains("could not be read"),
        "{}",
        bad[0]
    );
    assert_eq!(bad[1].id.as_deref(), Some("n3"));
    assert!(bad[1].message.contains("field `body` is a number"), "the record's own problem: {}", bad[1]);
    assert_eq!(bad[2].origin.line, Some(8));
    assert!(bad[2].message.contains("missing.jsonl"), "{}", bad[2]);
}

#[test]
fn inputs_that_cannot_be_read_at_all_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope.jsonl");
    let err = input::open(std::slice::from_ref(&missing), &InputConfig::default()).err().expect("missing path");
    assert_eq!(err.to_string(), format!("{}: no such file or directory", missing.display()));

    let unknown = tmp.path().join("page.html");
    write(&unknown, "<p>");
    let err = input::open(&[unknown], &InputConfig::default()).err().expect("unknown extension");
    assert!(err.message.contains("cannot tell the format"), "{err}");
    let txt_cfg = InputConfig { format: "txt".into(), ..InputConfig::default() };
    let (docs, _) = read_with(&[&tmp.path().join("page.html")], &txt_cfg);
    assert_eq!(docs[0].text, "<p>", "a configured format overrides the extension");

    let empty_dir = tmp.path().join("empty");
    std::fs::create_dir(&empty_dir).unwrap();
    let err = input::open(&[empty_dir], &InputConfig::default()).err().expect("empty directory");
    assert!(err.message.contains("no .txt files"), "{err}");

    let bad_header = tmp.path().join("m/manifest.csv");
    write(&bad_header, "name,file\na,a.txt\n");
    write(&tmp.path().join("m/a.txt"), "a");
    let err = input::open(&[tmp.path().join("m")], &InputConfig::default()).err().expect("bad manifest header");
    assert!(err.message.contains("needs an `id` column"), "{err}");
    let err = input::open_manifest(&tmp.path().join("none.csv"), tmp.path(), &InputConfig::default()).err().unwrap();
    assert!(err.message.contains("no such file"), "{err}");
}

#[test]
fn total_bytes_sums_uncompressed_sizes() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("d/a.txt"), "12345");
    write(&tmp.path().join("d/b.txt.gz"), gzip(&[b'z'; 1000]));
    let jsonl = tmp.path().join("x.jsonl");
    write(&jsonl, "{\"text\":\"t\"}\n");
    let inputs = input::open(&[tmp.path().join("d"), jsonl], &InputConfig::default()).unwrap();
    assert_eq!(inputs.total_bytes(), Some(5 + 1000 + 13));
    let stdin = input::open(&[PathBuf::from("-")], &InputConfig::default()).unwrap();
    assert_eq!(stdin.total_bytes(), None, "stdin has no known size");
}

#[test]
fn publication_dates_in_the_formats_corpora_use() {
    let cases: &[(&str, Option<&str>)] = &[
        ("2022-01-25", Some("2022-01-25")),
        ("2022-01-25T09:00:00Z", Some("2022-01-25")),
        ("2022-01-25 23:59:59+02:00", Some("2022-01-25")),
        ("20220125T090000Z", Some("2022-01-25")),
        ("Apr 26, 2025 10:00", Some("2025-04-26")),
        ("Dec 14, 2024  08:00", Some("2024-12-14")),
        ("Dec 7, 2024", Some("2024-12-07")),
        ("April 26, 2025", Some("2025-04-26")),
        ("Sept. 5, 2024", Some("2024-09-05")),
        ("26 April 2025", Some("2025-04-26")),
        ("Tue, 1 Jul 2003 10:52:37 +0200", Some("2003-07-01")),
        ("26-FEB-1987 15:01:01.79", Some("1987-02-26")),
        (" 1-MAR-1987 01:41:26.47", Some("1987-03-01")),
        ("27-MAR-1987 00:03:35.68\u{5}\u{5}\u{5}F", Some("1987-03-27")),
        ("", None),
        ("yesterday", None),
        ("2022-02-30", None),
        ("2022-13-01", None),
        ("31 June 2024", None),
        ("2022-01-2512", None),
        ("Apr 26", None),
        ("26 Ap 2025", None),
        ("1 2 3", None),
        ("May 5, 25", None),
        ("Київ, 5 травня 2025", None),
    ];
    for (text, want) in cases {
        assert_eq!(parse_published(text), want.and_then(date), "parse_published({text:?})");
    }
}

/// `/work/shared/corpora` or a `shared/corpora` above the repository, when present.
fn shared_corpora() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("CLAIMEX_CORPORA") {
        return Some(PathBuf::from(dir));
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
    repo.ancestors().map(|a| a.join("shared/corpora")).find(|p| p.is_dir())
}

#[test]
fn the_real_corpora_read_completely() {
    let Some(corpora) = shared_corpora() else {
        eprintln!("shared corpora not present: skipped");
        return;
    };
    // (file, documents, bad records, documents with a publication date)
    let expected: &[(&str, usize, usize, usize)] = &[
        ("ukr_war_news_gdelt/articles.jsonl", 487, 0, 487),
        ("purenews_posts_2025/posts.jsonl", 83, 0, 83),
        ("ukraine_news_bias_2014/articles_text.jsonl", 90, 0, 0),
        ("bbc_news_fulltext/bbc_fulltext_2004_2005.jsonl.gz", 2225, 0, 0),
        // Reuters stories without a body have no text: bad records, not documents.
        ("reuters21578/reuters21578.jsonl.gz", 19_043, 2_535, 19_043),
    ];
    for &(file, want_docs, want_bad, want_dated) in expected {
        let path = corpora.join(file);
        if !path.exists() {
            eprintln!("{file}: not present, skipped");
            continue;
        }
        let (docs, bad) = read(&[&path]);
        let dated = docs.iter().filter(|d| d.meta.published.is_some()).count();
        let lossy = docs.iter().filter(|d| d.lossy).count();
        println!("{file}: {} documents, {} bad records, {dated} dated, {lossy} lossy", docs.len(), bad.len());
        assert_eq!((docs.len(), bad.len(), dated), (want_docs, want_bad, want_dated), "{file}: documents, bad, dated");
        assert!(bad.iter().all(|b| b.message.starts_with("no text")), "{file}: {:?}", bad.first());
        assert!(docs.iter().all(|d| !d.id.is_empty()));
    }
    let gold = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/gold/dev/manifest.csv");
    if gold.exists() {
        let (docs, bad) = split(input::open_manifest(&gold, &corpora, &InputConfig::default()).unwrap());
        println!("dev gold manifest: {} documents, {} bad records", docs.len(), bad.len());
        assert!(bad.is_empty(), "every dev gold article resolves: {bad:?}");
        assert!(docs.len() >= 40, "dev gold set: {} documents", docs.len());
        assert!(docs.iter().all(|d| !d.text.is_empty()));
    }
}

/// Reads `$CLAIMEX_LARGE_INPUT` (e.g. from `scripts/make-corpus 1024 big.jsonl`)
/// and prints throughput and peak memory: the readers must stream.
#[test]
#[ignore = "needs a large generated corpus: CLAIMEX_LARGE_INPUT=big.jsonl cargo test --test input -- --ignored"]
fn a_large_corpus_streams_in_bounded_memory() {
    let Ok(path) = std::env::var("CLAIMEX_LARGE_INPUT") else { return };
    let path = PathBuf::from(path);
    let start = std::time::Instant::now();
    let inputs = input::open(std::slice::from_ref(&path), &InputConfig::default()).unwrap();
    let total = inputs.total_bytes().unwrap_or(0);
    let (mut docs, mut bad, mut text_bytes) = (0u64, 0u64, 0u64);
    for item in inputs {
        match item {
            InputItem::Doc(d) => {
                docs += 1;
                text_bytes += d.text.len() as u64;
            }
            InputItem::Bad(_) => bad += 1,
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status.lines().find(|l| l.starts_with("VmHWM")).unwrap_or("VmHWM: unknown");
    println!(
        "{docs} documents, {bad} bad, {:.0} MB of text in {secs:.1} s: {:.0} MB/s of input; peak memory {peak}",
        text_bytes as f64 / 1e6,
        total as f64 / 1e6 / secs
    );
    assert!(docs > 0);
    if let Some(kb) = peak.split_whitespace().nth(1).and_then(|k| k.parse::<u64>().ok()) {
        assert!(kb < 200_000, "peak memory {kb} kB: the reader must not hold the corpus");
    }
}
