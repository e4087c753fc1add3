//! Hard cases for the splitter (table-driven), span invariants and a proptest.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use claimex_pipeline::{SentenceKind, Span};
use claimex_stages::sentences::{Abbreviations, Splitter};
use proptest::prelude::*;

fn splitter() -> &'static Splitter {
    static S: OnceLock<Splitter> = OnceLock::new();
    S.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let text = std::fs::read_to_string(root.join("lexicons/abbreviations/en.txt")).unwrap();
        let ab = Abbreviations::parse("en.txt", &text).unwrap();
        Splitter::new(BTreeMap::from([("en".to_string(), ab)]), "en").unwrap()
    })
}

fn split(text: &str) -> Vec<&str> {
    splitter().split(text, &[], None).iter().map(|s| &text[s.span.start..s.span.end]).collect()
}

/// (what it tests, input, expected sentences)
const CASES: &[(&str, &str, &[&str])] = &[
    // Titles, ranks and abbreviations
    ("title Mr.", "Mr. Smith arrived. He left.", &["Mr. Smith arrived.", "He left."]),
    ("title Dr.", "Dr. Jones said 12 people died.", &["Dr. Jones said 12 people died."]),
    (
        "rank Gen.",
        "Gen. Oleksandr Syrskyi said Russia lost 38,000 troops.",
        &["Gen. Oleksandr Syrskyi said Russia lost 38,000 troops."],
    ),
    (
        "rank Lt. Col.",
        "Lt. Col. Anton Myronenko spoke. The unit held.",
        &["Lt. Col. Anton Myronenko spoke.", "The unit held."],
    ),
    ("Vice Adm.", "Vice Adm. Robert Murrett said so.", &["Vice Adm. Robert Murrett said so."]),
    (
        "Sgt. and Capt.",
        "Sgt. Ivan Petrenko and Capt. Olha Koval were wounded.",
        &["Sgt. Ivan Petrenko and Capt. Olha Koval were wounded."],
    ),
    ("St. place", "He was born in St. Petersburg. He moved.", &["He was born in St. Petersburg.", "He moved."]),
    ("Mrs. and Ms.", "Mrs. Brown met Ms. Green. They talked.", &["Mrs. Brown met Ms. Green.", "They talked."]),
    (
        "No. before figure",
        "Brigade No. 47 lost 12 tanks. It withdrew.",
        &["Brigade No. 47 lost 12 tanks.", "It withdrew."],
    ),
    ("no. lowercase", "He is no. 5 on the list.", &["He is no. 5 on the list."]),
    ("p. page", "See p. 55 of the report.", &["See p. 55 of the report."]),
    ("U.S. mid-sentence", "The U.S. Army sent 3,000 troops.", &["The U.S. Army sent 3,000 troops."]),
    (
        "U.S. at end before starter",
        "Aid came from the U.S. The package was large.",
        &["Aid came from the U.S.", "The package was large."],
    ),
    ("U.K. before name", "The U.K. Defence Ministry said so.", &["The U.K. Defence Ministry said so."]),
    ("U.N. end", "He spoke at the U.N. It was his first visit.", &["He spoke at the U.N.", "It was his first visit."]),
    ("Inc. then lowercase", "Acme Inc. said it would build drones.", &["Acme Inc. said it would build drones."]),
    ("Co. end before starter", "He works for Pitt & Co. He is happy.", &["He works for Pitt & Co.", "He is happy."]),
    ("Corp. before paren", "Raytheon Corp. (RTX) won the contract.", &["Raytheon Corp. (RTX) won the contract."]),
    ("etc. end", "Tanks, guns, etc. The list is long.", &["Tanks, guns, etc.", "The list is long."]),
    (
        "e.g. and i.e.",
        "Some weapons, e.g. Javelins, i.e. missiles, arrived.",
        &["Some weapons, e.g. Javelins, i.e. missiles, arrived."],
    ),
    ("a.m. lowercase", "The strike hit at 5 a.m. local time.", &["The strike hit at 5 a.m. local time."]),
    (
        "a.m. then weekday",
        "The strike hit at 5 a.m. Monday, officials said.",
        &["The strike hit at 5 a.m. Monday, officials said."],
    ),
    (
        "p.m. before starter",
        "It ended at 9 p.m. The next day was quiet.",
        &["It ended at 9 p.m.", "The next day was quiet."],
    ),
    ("Jr. possessive", "JFK Jr.'s book is on sale.", &["JFK Jr.'s book is on sale."]),
    ("vs.", "Giants vs. Tigers ended 3-1.", &["Giants vs. Tigers ended 3-1."]),
    // Months and dates
    ("Jan. day", "On Jan. 20 the offensive began.", &["On Jan. 20 the offensive began."]),
    ("Feb.06 glued", "Feb.06 - 2025 was cold. Troops moved.", &["Feb.06 - 2025 was cold.", "Troops moved."]),
    ("Sept. day", "By Sept. 3, 2024 they had advanced.", &["By Sept. 3, 2024 they had advanced."]),
    (
        "date then sentence",
        "The attack began on August 6, 2024. It lasted months.",
        &["The attack began on August 6, 2024.", "It lasted months."],
    ),
    // Initials
    (
        "initials J. R. R.",
        "J. R. R. Tolkien wrote it. Fans loved it.",
        &["J. R. R. Tolkien wrote it.", "Fans loved it."],
    ),
    ("middle initial", "His name is Alfred E. Sloan.", &["His name is Alfred E. Sloan."]),
    ("dotted initials", "I went to J.C. Penney. It was closed.", &["I went to J.C. Penney.", "It was closed."]),
    (
        "pronoun I at end",
        "We make a good team, you and I. Did you see it?",
        &["We make a good team, you and I.", "Did you see it?"],
    ),
    // Numbers
    ("decimal", "Inflation hit 3.5 percent. Prices rose.", &["Inflation hit 3.5 percent.", "Prices rose."]),
    (
        "grouped number",
        "Russia lost 1,300 soldiers. Ukraine lost fewer.",
        &["Russia lost 1,300 soldiers.", "Ukraine lost fewer."],
    ),
    ("number ends sentence", "I have 600. How many do you have?", &["I have 600.", "How many do you have?"]),
    ("version like number", "Version 2.0.1 shipped. It works.", &["Version 2.0.1 shipped.", "It works."]),
    ("money", "It cost $21.75 each. Sales rose.", &["It cost $21.75 each.", "Sales rose."]),
    (
        "number then lowercase",
        "The figure was 1. above all else, it was low.",
        &["The figure was 1. above all else, it was low."],
    ),
    // Ellipses
    ("three dots then capital", "He waited... Then he left.", &["He waited...", "Then he left."]),
    ("ellipsis char then capital", "He waited… Then he left.", &["He waited…", "Then he left."]),
    ("ellipsis lowercase", "It was… well, complicated.", &["It was… well, complicated."]),
    ("dots lowercase", "I wasn't really ... well, sure.", &["I wasn't really ... well, sure."]),
    // Quotes and brackets
    ("closing quote stays", "He said: \"We will win.\" Then he left.", &["He said: \"We will win.\"", "Then he left."]),
    ("curly closing quote stays", "“We will win.” Then he left.", &["“We will win.”", "Then he left."]),
    (
        "quote then lowercase attribution",
        "\"It is over,\" he said. \"Go home.\"",
        &["\"It is over,\" he said.", "\"Go home.\""],
    ),
    (
        "multi-sentence quote kept with attribution",
        "“Another 983 soldiers were taken prisoner. Exchanges took place,” the General Staff said.",
        &["“Another 983 soldiers were taken prisoner. Exchanges took place,” the General Staff said."],
    ),
    (
        "unbalanced quote does not swallow",
        "\"Now Russia wants more. The enemy has 45,000 soldiers there.",
        &["\"Now Russia wants more.", "The enemy has 45,000 soldiers there."],
    ),
    (
        "paren after full stop",
        "He resigned. (He denied it.) Then he left.",
        &["He resigned.", "(He denied it.)", "Then he left."],
    ),
    (
        "sentence inside brackets",
        "He teaches (he worked 5 years. It was hard.) at the school.",
        &["He teaches (he worked 5 years. It was hard.) at the school."],
    ),
    ("citation marker", "It was a martyr.[1] The emperor ruled.", &["It was a martyr.[1]", "The emperor ruled."]),
    (
        "single quote apostrophes",
        "Ukraine's army held. Russia's did not.",
        &["Ukraine's army held.", "Russia's did not."],
    ),
    // Exclamation and question marks
    ("?!", "Hello?! Is that you?", &["Hello?!", "Is that you?"]),
    ("!!", "Hello!! Long time.", &["Hello!!", "Long time."]),
    ("?!?!", "Unbelievable??!?! Yes.", &["Unbelievable??!?!", "Yes."]),
    ("! then lowercase", "Leave me alone! he yelled.", &["Leave me alone! he yelled."]),
    ("! comma", "Glory to Ukraine!, they shouted.", &["Glory to Ukraine!, they shouted."]),
    ("brand with !", "He works at Yahoo! and Y!J.", &["He works at Yahoo! and Y!J."]),
    // URLs and emails
    (
        "url",
        "Read it at www.kyivindependent.com/news. It is free.",
        &["Read it at www.kyivindependent.com/news.", "It is free."],
    ),
    ("email", "Write to jane.doe@example.com. She answers.", &["Write to jane.doe@example.com.", "She answers."]),
    // Full stops glued to the next sentence (scraped text)
    (
        "glued stop",
        "The staff reported on Tuesday.The data shows 15 tanks lost.",
        &["The staff reported on Tuesday.", "The data shows 15 tanks lost."],
    ),
    (
        "glued stop twice",
        "It includes the dead.In the report, 12 were wounded.Officials agree.",
        &["It includes the dead.", "In the report, 12 were wounded.", "Officials agree."],
    ),
    ("glued domain", "Read it at www.Ukrinform.net today.", &["Read it at www.Ukrinform.net today."]),
    ("glued path", "See kyivpost.com/post.Html now.", &["See kyivpost.com/post.Html now."]),
    ("glued acronym", "They met at ASP.Net events.", &["They met at ASP.Net events."]),
    ("glued title", "Gen.Syrskyi said 12 were wounded.", &["Gen.Syrskyi said 12 were wounded."]),
    // Headlines, lines and paragraphs
    (
        "headline then text",
        "Russia lost 62,400 soldiers\n\nThe General Staff said so.",
        &["Russia lost 62,400 soldiers", "The General Staff said so."],
    ),
    (
        "headline lines without blank",
        "Putter King Trophy\nThe team will judge it.",
        &["Putter King Trophy", "The team will judge it."],
    ),
    (
        "blank line ends sentence",
        "The army advanced\n\nand took the town.",
        &["The army advanced", "and took the town."],
    ),
    (
        "wrapped line joined",
        "Red Lion Inns said it filed a registration statement with the\nSecurities and Exchange Commission.",
        &["Red Lion Inns said it filed a registration statement with the\nSecurities and Exchange Commission."],
    ),
    ("lowercase continuation", "The hammer falls initiating\na shot.", &["The hammer falls initiating\na shot."]),
    ("crlf", "Hello World. \r\n Hello.", &["Hello World.", "Hello."]),
    // Lists
    (
        "bullets",
        "Losses include:\n• 54 tanks;\n• 276 vehicles;\n• 5 MLRS.",
        &["Losses include:", "• 54 tanks;", "• 276 vehicles;", "• 5 MLRS."],
    ),
    ("dash list", "- first item\n- second item", &["- first item", "- second item"]),
    ("star list", "* first item\n* second item", &["* first item", "* second item"]),
    ("numbered list", "1. Organise your care\n2. Get some rest", &["1. Organise your care", "2. Get some rest"]),
    (
        "inline numbered list",
        "Finally, this. 1. The first item 2. The second item",
        &["Finally, this.", "1. The first item", "2. The second item"],
    ),
    ("inline letter list", "a) here it is b) another c) one more", &["a) here it is", "b) another", "c) one more"]),
    ("roman list", "(i) Hello world.\n(ii) Hello again.", &["(i) Hello world.", "(ii) Hello again."]),
    (
        "numbers not a list",
        "As payment for 1. above, pay us 0 yen and for 2. above, nothing.",
        &["As payment for 1. above, pay us 0 yen and for 2. above, nothing."],
    ),
    // Mixed scripts
    (
        "cyrillic",
        "Зеленський наголосив. Дипломатія буде сильною.",
        &["Зеленський наголосив.", "Дипломатія буде сильною."],
    ),
    (
        "cyrillic ellipsis",
        "Президент розповів про підготовку… Читати більше",
        &["Президент розповів про підготовку…", "Читати більше"],
    ),
    (
        "cjk full stop",
        "Test strange period．Does it segment correctly．",
        &["Test strange period．", "Does it segment correctly．"],
    ),
    ("mixed latin cyrillic", "The unit (ЗСУ) held. It is fine.", &["The unit (ЗСУ) held.", "It is fine."]),
    ("nbsp after stop", "Russia lost a lot.\u{a0}Moscow denied it.", &["Russia lost a lot.", "Moscow denied it."]),
    ("empty", "", &[]),
    ("whitespace only", " \n\t \n", &[]),
];

#[test]
fn hard_cases() {
    assert!(CASES.len() >= 60, "only {} cases", CASES.len());
    let mut failures = Vec::new();
    for (what, input, expected) in CASES {
        let got = split(input);
        if got != *expected {
            failures.push(format!("{what}: {input:?}\n   expected {expected:?}\n   got      {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

#[test]
fn kinds_and_paragraphs() {
    let text = "Headline Here\n\nA sentence. Another one.\n\n• item one\n• item two";
    let s = splitter().split(text, &[], None);
    let kinds: Vec<_> = s.iter().map(|s| (s.kind, s.paragraph)).collect();
    assert_eq!(
        kinds,
        [
            (SentenceKind::Heading, 0),
            (SentenceKind::Text, 1),
            (SentenceKind::Text, 1),
            (SentenceKind::ListItem, 2),
            (SentenceKind::ListItem, 2)
        ]
    );
}

#[test]
fn skipped_regions_cut_sentences() {
    let text = "Share\nRussia lost 20 tanks. Photo: AP Kyiv said so.\n\nSubscribe now";
    let photo = text.find("Photo: AP").unwrap();
    let sub = text.find("Subscribe").unwrap();
    let skipped = [Span::new(0, 5), Span::new(photo, photo + 9), Span::new(sub, text.len())];
    let s = splitter().split(text, &skipped, None);
    let got: Vec<_> = s.iter().map(|s| &text[s.span.start..s.span.end]).collect();
    assert_eq!(got, ["Russia lost 20 tanks.", "Kyiv said so."]);
    for sent in &s {
        assert!(skipped.iter().all(|k| !k.overlaps(sent.span)));
    }
}

fn check_invariants(text: &str, skipped: &[Span]) {
    let s = splitter().split(text, skipped, None);
    let mut prev_end = 0;
    for sent in &s {
        let sp = sent.span;
        assert!(sp.start < sp.end && sp.end <= text.len(), "{sp:?} outside {}", text.len());
        assert!(text.is_char_boundary(sp.start) && text.is_char_boundary(sp.end), "{sp:?} not on char boundary");
        assert!(sp.start >= prev_end, "{sp:?} overlaps or is out of order");
        let slice = &text[sp.start..sp.end];
        assert_eq!(slice, slice.trim(), "span includes surrounding whitespace");
        // An empty skipped span covers no text.
        assert!(skipped.iter().all(|k| k.is_empty() || !k.overlaps(sp)), "{sp:?} crosses a skipped region");
        prev_end = sp.end;
    }
}

#[test]
fn prefix_shifts_spans() {
    for (_, input, _) in CASES {
        let base = splitter().split(input, &[], None);
        for prefix in ["\n\n", "Ω\n\n", "Заголовок\n\n"] {
            let shifted = format!("{prefix}{input}");
            let after: Vec<_> =
                splitter().split(&shifted, &[], None).into_iter().skip(usize::from(prefix.len() > 2)).collect();
            let n = prefix.len();
            let moved: Vec<_> = base.iter().map(|s| (Span::new(s.span.start + n, s.span.end + n), s.kind)).collect();
            let got: Vec<_> = after.iter().map(|s| (s.span, s.kind)).collect();
            assert_eq!(got, moved, "prefix {prefix:?} on {input:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_strings(text in any::<String>()) {
        check_invariants(&text, &[]);
    }

    #[test]
    fn punctuation_heavy_strings(text in "[a-zA-Z .!?\"'()\\[\\]“”‘’…•\\-\n\r\t0-9,;:Її。．\u{a0}]{0,200}", cut in 0usize..200, len in 0usize..40) {
        let start = (0..=cut.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        let end = (start..=(start + len).min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(start);
        check_invariants(&text, &[Span::new(start, end)]);
    }
}
