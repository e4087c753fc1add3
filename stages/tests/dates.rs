//! Table-driven tests of the `dates` stage: news phrasing, each case with the
//! publication date, the expected spans (text as written), resolved dates and
//! granularities; plus stage-level checks (skipped regions, config errors).

use chrono::NaiveDate;
use claimex_pipeline::{
    BuildContext, Config, DataRoot, DateGranularity, Document, Provenance, Region, Sentence, SentenceKind, Span,
};
use claimex_stages::dates::extract;

/// (published, text, [(span text, resolved date or "", granularity d/m/y/p)]).
type Case = (&'static str, &'static str, &'static [(&'static str, &'static str, char)]);

#[rustfmt::skip]
const CASES: &[Case] = &[
    // The seed articles.
    ("2025-01-01", "Oleksandr Syrskyi said on Wednesday that Russian forces had also lost over 1,000 pieces of equipment.", &[("Wednesday", "2025-01-01", 'd')]),
    ("2025-02-06", "On February 5, Ukrainian President Volodymyr Zelensky stated that the Kursk operation could become a crucial factor.", &[("February 5", "2025-02-05", 'd')]),
    ("2024-11-05", "As of November 5th, in the nearly three months since it began, the Russian army has suffered a loss of 20,842 individuals.", &[("November 5th", "2024-11-05", 'd')]),
    ("2024-11-05", "As the Financial Times reported on October 30, the Russian Federation has already transferred about 3,000 troops.", &[("October 30", "2024-10-30", 'd')]),
    ("2024-11-05", "As of August 27, the Commander-in-Chief reported that Ukraine had captured 594 enemy soldiers.", &[("August 27", "2024-08-27", 'd')]),
    ("2024-11-05", "On August 6, 2024, the Ukrainian Defense Forces launched an offensive operation in the Kursk region.", &[("August 6, 2024", "2024-08-06", 'd')]),
    ("2025-01-01", "Ukrainian President Volodymyr Zelensky said on December 23 that more than 3,000 North Korean soldiers had been killed or injured.", &[("December 23", "2024-12-23", 'd')]),
    ("2025-01-01", "He said on January 1, 2025, that Moscow's forces had lost 38,000 troops.", &[("January 1, 2025", "2025-01-01", 'd')]),
    ("", "In a January 1st, 2025, Telegram post, Syrskyi revealed just how badly Russia suffered.", &[("January 1st, 2025", "2025-01-01", 'd')]),
    ("2025-04-26", "The Russian military had lost 62,400 soldiers in Kursk Oblast, Ukraine's General Staff said on April 26.", &[("April 26", "2025-04-26", 'd')]),
    ("2024-11-05", "As Syrskyi pointed out, in May 2024, it was confirmed that Russia had plans to launch an attack.", &[("May 2024", "2024-05-01", 'm')]),
    ("2025-02-06", "Ukraine's armed forces have inflicted massive losses on Russia in the Kursk region over the past six months.", &[("over the past six months", "2024-08-06", 'p')]),
    ("2025-02-06", "Feb.06 - 2025 10:20 AM CET", &[("Feb.06 - 2025", "2025-02-06", 'd')]),
    ("2025-02-06", "Since August 2024, Ukraine has maintained a foothold in Kursk Oblast.", &[("Since August 2024", "2024-08-01", 'p')]),
    ("2025-02-06", "forcing Pyongyang's forces to withdraw from the front lines by mid-January.", &[("mid-January", "2025-01-01", 'm')]),
    ("2025-04-26", "by Natalia Yermak April 26, 2025 5:59 PM 1 min read", &[("April 26, 2025", "2025-04-26", 'd')]),
    ("2025-04-26", "the Russian border region partially held by Ukraine since last August, the Kremlin claims.", &[("since last August", "2024-08-01", 'p')]),
    ("2025-04-26", "since the start of the Ukrainian army's operation there last year", &[("last year", "2024-01-01", 'p')]),
    ("2025-01-01", "Ukraine's fortunes have fluctuated since it launched its surprise operation nearly five months ago.", &[("five months ago", "2024-08-01", 'p')]),
    ("2025-01-01", "Ukraine launched its incursion into Russia's Kursk Oblast on August 6, claiming quick gains.", &[("August 6", "2024-08-06", 'd')]),
    ("2025-01-01", "Kyiv's incursion into Russia's Kursk region launched in August.", &[("August", "2024-08-01", 'm')]),
    ("2025-01-01", "John Kirby, the U.S. National Security Council spokesperson said on December 27: \"It's clear.\"", &[("December 27", "2024-12-27", 'd')]),
    ("", "Syrskyi revealed in a September 2024 interview with CNN that the rationale was a security zone.", &[("September 2024", "2024-09-01", 'm')]),
    ("", "an incursion similar to the one that Moscow launched against Kharkiv Oblast in March 2024.", &[("March 2024", "2024-03-01", 'm')]),
    ("", "was one of the most pivotal moments of the war in 2024.", &[("2024", "2024-01-01", 'y')]),
    ("", "The Ukrainian surprise invasion of Russia's Kursk region on August 6th was pivotal.", &[("August 6th", "", 'd')]),
    ("", "Donald Trump will reassume the presidency on January 20th.", &[("January 20th", "", 'd')]),
    ("2024-11-05", "Sunday March 9th, 2025", &[("Sunday March 9th, 2025", "2025-03-09", 'd')]),
    // Absolute dates.
    ("2025-03-10", "The strike happened on Jan. 1, 2025, officials said.", &[("Jan. 1, 2025", "2025-01-01", 'd')]),
    ("2025-03-10", "The treaty was signed on 1 January 2025 in Minsk.", &[("1 January 2025", "2025-01-01", 'd')]),
    ("2025-03-10", "The report, dated 2025-01-01, listed 120 strikes.", &[("2025-01-01", "2025-01-01", 'd')]),
    ("2025-03-10", "The decree of 22/02/2025 set new rules.", &[("22/02/2025", "2025-02-22", 'd')]),
    ("2025-03-10", "The filing, dated 02/22/2025, was made public.", &[("02/22/2025", "2025-02-22", 'd')]),
    ("2025-03-10", "A statement issued 01/02/2025 gave no figures.", &[("01/02/2025", "", 'd')]),
    ("2025-03-10", "The order of 05/05/2024 stands.", &[("05/05/2024", "2024-05-05", 'd')]),
    ("2025-03-10", "Officials met on Wednesday, January 1, 2025, in Kyiv.", &[("Wednesday, January 1, 2025", "2025-01-01", 'd')]),
    ("2025-03-10", "Russia launched its full-scale invasion on February 24, 2022.", &[("February 24, 2022", "2022-02-24", 'd')]),
    ("2025-03-10", "Russia launched its full-scale invasion on 24 February 2022.", &[("24 February 2022", "2022-02-24", 'd')]),
    ("2025-03-10", "Russia launched its full-scale invasion on Feb. 24, 2022.", &[("Feb. 24, 2022", "2022-02-24", 'd')]),
    ("2025-03-10", "The offensive began on Sept. 6, 2022, near Balakliia.", &[("Sept. 6, 2022", "2022-09-06", 'd')]),
    ("2025-03-10", "Kherson was liberated on 11th November 2022.", &[("11th November 2022", "2022-11-11", 'd')]),
    ("2025-03-10", "Kherson was liberated on the 11th of November 2022.", &[("11th of November 2022", "2022-11-11", 'd')]),
    ("2025-03-10", "Kherson was liberated on November 11th 2022.", &[("November 11th 2022", "2022-11-11", 'd')]),
    ("2025-03-10", "The dam was destroyed on June 6, 2023, flooding dozens of villages.", &[("June 6, 2023", "2023-06-06", 'd')]),
    ("2025-03-10", "Posted: 2024/12/31", &[("2024/12/31", "2024-12-31", 'd')]),
    ("2025-03-10", "Updated 31.12.2024 at 14:05", &[("31.12.2024", "2024-12-31", 'd')]),
    ("2025-03-10", "MONDAY, MARCH 3, 2025", &[("MONDAY, MARCH 3, 2025", "2025-03-03", 'd')]),
    ("2025-03-10", "Published Thu, 6 Mar 2025 by Reuters", &[("Thu, 6 Mar 2025", "2025-03-06", 'd')]),
    ("2025-03-10", "The attack, on the night of Feb 29, 2024, killed 12.", &[("Feb 29, 2024", "2024-02-29", 'd')]),
    // Partial dates resolve to the latest not after publication.
    ("2025-03-10", "Ukraine said on Jan. 1 that 300 drones were shot down.", &[("Jan. 1", "2025-01-01", 'd')]),
    ("2025-03-10", "The talks took place on November 5th.", &[("November 5th", "2024-11-05", 'd')]),
    ("2025-03-10", "Zelensky said on March 10 that talks would resume.", &[("March 10", "2025-03-10", 'd')]),
    ("2025-03-10", "On March 11 the ministry updated its figures.", &[("March 11", "2024-03-11", 'd')]),
    ("2025-03-10", "On 23 December, the ministry said 3,000 were killed.", &[("23 December", "2024-12-23", 'd')]),
    ("2025-03-10", "the first clashes took place on the 5th of March, the minister said", &[("5th of March", "2025-03-05", 'd')]),
    ("2025-03-10", "The village fell on the second of March.", &[("second of March", "2025-03-02", 'd')]),
    ("2025-03-10", "The figure was updated on March first.", &[("March first", "2025-03-01", 'd')]),
    ("2025-03-01", "The last leap-day attack was on Feb 29.", &[("Feb 29", "2024-02-29", 'd')]),
    ("2025-03-10", "No attack was recorded on Feb 30.", &[("Feb 30", "", 'd')]),
    ("2025-01-15", "Trump will be inaugurated on January 20.", &[("January 20", "2025-01-20", 'd')]),
    ("2025-01-15", "Russia will hold the talks on March 3, the Kremlin said.", &[("March 3", "2025-03-03", 'd')]),
    ("2025-01-15", "Talks were held on March 3, the Kremlin said.", &[("March 3", "2024-03-03", 'd')]),
    ("2022-09-05", "It will mean less, she said in July.", &[("July", "2022-07-01", 'm')]),
    ("2025-01-15", "We'll meet again on Friday, he said.", &[("Friday", "2025-01-17", 'd')]),
    // Weekdays.
    ("2025-01-01", "Syrskyi said in a Telegram post on Wednesday that the Russian army had lost 38,000 troops.", &[("Wednesday", "2025-01-01", 'd')]),
    ("2025-01-01", "The drone attack on Monday killed four people.", &[("Monday", "2024-12-30", 'd')]),
    ("2025-01-01", "Russia attacked Kharkiv last Wednesday, officials said.", &[("last Wednesday", "2024-12-25", 'd')]),
    ("2025-01-01", "Russia attacked Kharkiv last Monday.", &[("last Monday", "2024-12-30", 'd')]),
    ("2025-01-01", "The strikes began on Tuesday night and lasted until dawn.", &[("Tuesday night", "2024-12-31", 'd')]),
    ("2025-01-01", "Explosions were heard in Kyiv on Sunday morning.", &[("Sunday morning", "2024-12-29", 'd')]),
    ("2025-01-01", "The General Staff's update on Thursday's losses came late.", &[("Thursday", "2024-12-26", 'd')]),
    ("2025-01-01", "Zelensky will address parliament this Friday.", &[("this Friday", "2025-01-03", 'd')]),
    ("2025-01-01", "The summit opens next Sunday.", &[("next Sunday", "2025-01-12", 'd')]),
    ("2025-01-06", "Zelensky met Biden past Monday.", &[("past Monday", "2025-01-06", 'd')]),
    ("", "The General Staff said on Wednesday that 1,500 troops were lost.", &[("Wednesday", "", 'd')]),
    // Today, yesterday and parts of a day.
    ("2025-01-01", "Syrskyi said today that losses had reached 38,000.", &[("today", "2025-01-01", 'd')]),
    ("2025-01-01", "The ministry said earlier today that 40 drones were downed.", &[("earlier today", "2025-01-01", 'd')]),
    ("2025-01-01", "Russia launched 72 drones at Ukraine yesterday, the air force said.", &[("yesterday", "2024-12-31", 'd')]),
    ("2025-01-01", "Officials said yesterday morning that 12 people were injured.", &[("yesterday morning", "2024-12-31", 'd')]),
    ("2025-01-01", "Power was cut in Odesa tonight after the strike.", &[("tonight", "2025-01-01", 'd')]),
    ("2025-01-01", "The governor said this morning that three civilians had died.", &[("this morning", "2025-01-01", 'd')]),
    ("2025-01-01", "Air defences were active last night over Kyiv.", &[("last night", "2024-12-31", 'd')]),
    ("2025-01-01", "The ceasefire talks resume tomorrow.", &[("tomorrow", "2025-01-02", 'd')]),
    ("2025-01-03", "Kyiv was hit the day before yesterday.", &[("the day before yesterday", "2025-01-01", 'd')]),
    ("", "Officials said yesterday that eight people were killed.", &[("yesterday", "", 'd')]),
    // Periods.
    ("2025-01-01", "Russia launched 50 drones overnight, the air force said.", &[("overnight", "2024-12-31", 'p')]),
    ("2025-01-01", "Russian forces lost 1,200 troops last week.", &[("last week", "2024-12-23", 'p')]),
    ("2025-01-01", "More than 40 settlements were shelled this week.", &[("this week", "2024-12-30", 'p')]),
    ("2025-01-15", "Ukraine regained two villages earlier this month.", &[("earlier this month", "2025-01-01", 'p')]),
    ("2025-01-15", "Casualties rose sharply last month.", &[("last month", "2024-12-01", 'p')]),
    ("2025-01-15", "Shelling has intensified in recent weeks.", &[("in recent weeks", "", 'p')]),
    ("2025-01-15", "Russia has lost 430,000 troops in the past year, the ministry said.", &[("in the past year", "2024-01-15", 'p')]),
    ("2025-01-15", "At least 15 people were killed in the last 24 hours.", &[("in the last 24 hours", "2025-01-14", 'p')]),
    ("2025-01-15", "Ukraine has lost ground over the past few weeks.", &[("over the past few weeks", "", 'p')]),
    ("2025-01-15", "Russia has advanced since August.", &[("since August", "2024-08-01", 'p')]),
    ("2025-01-15", "Kyiv has held the bridgehead since 2023.", &[("since 2023", "2023-01-01", 'p')]),
    ("2025-01-15", "Fighting has continued since February 24, 2022.", &[("since February 24, 2022", "2022-02-24", 'p')]),
    ("2025-01-15", "The village has been under fire since Monday.", &[("since Monday", "2025-01-13", 'p')]),
    ("2025-01-15", "Russian losses so far this year exceed 20,000.", &[("so far this year", "2025-01-01", 'p')]),
    ("2025-01-15", "Two days ago, a missile hit a school in Sumy.", &[("Two days ago", "2025-01-13", 'd')]),
    ("2025-01-15", "A few days ago, a missile hit a school in Sumy.", &[("A few days ago", "", 'p')]),
    ("2025-01-15", "The brigade was formed two years ago.", &[("two years ago", "2023-01-15", 'p')]),
    // Months and years.
    ("2025-01-15", "Russia occupied Avdiivka in February.", &[("February", "2024-02-01", 'm')]),
    ("2025-01-15", "Russia occupied Avdiivka last February.", &[("last February", "2024-02-01", 'm')]),
    ("2025-03-15", "Russia occupied the town last February.", &[("last February", "2025-02-01", 'm')]),
    ("2025-01-15", "The counteroffensive began in June 2023.", &[("June 2023", "2023-06-01", 'm')]),
    ("2025-01-15", "The counteroffensive began in early June 2023.", &[("early June 2023", "2023-06-01", 'm')]),
    ("2025-01-15", "Losses peaked in late November.", &[("late November", "2024-11-01", 'm')]),
    ("2025-01-15", "Fighting intensified at the end of August.", &[("the end of August", "2024-08-01", 'm')]),
    ("2025-01-15", "Kyiv expects a new offensive by mid-2025.", &[("mid-2025", "2025-01-01", 'y')]),
    ("2025-01-15", "The war began in 2014 with the annexation of Crimea.", &[("2014", "2014-01-01", 'y')]),
    ("2025-01-15", "From May to July, Russia gained 1,000 square kilometres.", &[("May", "2024-05-01", 'm'), ("July", "2024-07-01", 'm')]),
    ("2025-01-15", "Between 2022 and 2024, losses rose sharply.", &[("2022", "2022-01-01", 'y'), ("2024", "2024-01-01", 'y')]),
    ("2025-01-15", "In September 2022 Ukraine liberated Kharkiv Oblast.", &[("September 2022", "2022-09-01", 'm')]),
    ("2025-01-15", "Ukraine will receive F-16s in March, officials said.", &[("March", "2025-03-01", 'm')]),
    // Several dates in one sentence.
    ("2025-01-01", "Between December 23 and January 1, 2025, Russia lost 10,000 troops.", &[("December 23", "2024-12-23", 'd'), ("January 1, 2025", "2025-01-01", 'd')]),
    ("2025-01-01", "He said on Monday that strikes on Sunday killed 12.", &[("Monday", "2024-12-30", 'd'), ("Sunday", "2024-12-29", 'd')]),
    // Not dates.
    ("2025-04-26", "The update was posted at 5:59 PM local time.", &[]),
    ("2025-04-26", "Code May2024x and part 4.22 are not dates.", &[]),
    ("2025-04-26", "Russia lost 2024 soldiers and 1,300 square kilometres.", &[]),
    ("2025-04-26", "Russia may choose to reinforce its presence in the region.", &[]),
    ("2025-04-26", "Thousands march in Kyiv to demand the return of prisoners.", &[]),
    ("2025-04-26", "The 5th brigade held its positions near Pokrovsk.", &[]),
    ("2025-04-26", "Moscow said 24/7 patrols would continue at the 12-15 km line.", &[]),
    ("2025-04-26", "The rate rose 3.5 percent in 12.2025 forecasts, version 1.2.3.", &[]),
    ("2025-04-26", "An August body of experts met in the Sun newsroom.", &[]),
    ("2025-04-26", "Casualties reached 25,200 on the Kursk front, with 983 captured.", &[]),
    ("2025-04-26", "Revenue was 6,107.31 August 2019 figures show.", &[("August 2019", "2019-08-01", 'm')]),
    ("2025-04-26", "The mayor of Mariupol spoke on state TV in a second interview.", &[]),
];

fn date(s: &str) -> Option<NaiveDate> {
    (!s.is_empty()).then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date"))
}

fn gran(c: char) -> DateGranularity {
    match c {
        'd' => DateGranularity::Day,
        'm' => DateGranularity::Month,
        'y' => DateGranularity::Year,
        'p' => DateGranularity::Period,
        _ => panic!("unknown granularity code {c}"),
    }
}

#[test]
fn news_cases() {
    assert!(CASES.len() >= 100, "at least 100 cases, have {}", CASES.len());
    let mut failures = Vec::new();
    for (published, text, expected) in CASES {
        let found = extract(text, date(published));
        let got: Vec<_> = found.iter().map(|d| (&text[d.span.start..d.span.end], d.date, d.granularity)).collect();
        let want: Vec<_> = expected.iter().map(|&(s, d, g)| (s, date(d), gran(g))).collect();
        if got != want {
            failures.push(format!("published {published:?}: {text:?}\n   expected {want:?}\n   got      {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

#[test]
fn relative_flag_marks_use_of_publication_date() {
    let p = date("2025-01-01");
    let cases = [
        ("on January 1, 2025", false),
        ("on Wednesday", true),
        ("in 2024", false),
        ("yesterday", true),
        ("on December 23", true),
    ];
    for (text, relative) in cases {
        let found = extract(text, p);
        assert_eq!(found.len(), 1, "{text:?}: {found:?}");
        assert_eq!(found[0].relative, relative, "{text:?}: relative should be {relative}");
    }
}

#[test]
fn spans_shift_with_a_prefix_and_never_overlap() {
    let p = date("2025-01-01");
    for (published, text, _) in CASES {
        let base = extract(text, date(published));
        let prefixed_text = format!("Ünïcode — prefix. {text}");
        let shift = prefixed_text.len() - text.len();
        let prefixed = extract(&prefixed_text, date(published));
        let shifted: Vec<_> = prefixed.iter().map(|d| (d.span.start - shift, d.span.end - shift, d.date)).collect();
        let plain: Vec<_> = base.iter().map(|d| (d.span.start, d.span.end, d.date)).collect();
        assert_eq!(shifted, plain, "prefix changed the result for {text:?}");
        for w in base.windows(2) {
            assert!(w[0].span.end <= w[1].span.start, "overlap in {text:?}: {w:?}");
        }
    }
    let _ = p;
}

#[test]
fn no_panic_on_odd_input() {
    let p = date("2025-01-01");
    let inputs = [
        "",
        "May",
        "Jan.",
        "January 3",
        "31/",
        "2024-",
        "2024-0",
        "since",
        "over the past",
        "ago",
        "12 of",
        "the day",
        "Monday,",
        "\u{0}\u{1}May\u{7f}5",
        "ЖМай 5 — 2025–",
        "9999-99-99",
        "99/99/9999",
        "0/0/2020",
        "January 0, 2025",
        "January 99999999999999999999",
        "in 99999",
        "last",
        "mid-",
        "over the past 99999999 years",
        "10000 years ago",
    ];
    for text in inputs {
        let _ = extract(text, p);
        let _ = extract(text, None);
        let _ = extract(text, NaiveDate::from_ymd_opt(-262_000, 1, 1));
        let _ = extract(text, NaiveDate::from_ymd_opt(262_000, 12, 31));
    }
}

fn prov() -> Provenance {
    let s: std::sync::Arc<str> = std::sync::Arc::from("test");
    Provenance::new(&s, &s)
}

#[test]
fn stage_skips_furniture_and_works_per_sentence() {
    let text = "Related: Sunday March 9th, 2025\nSyrskyi said on Wednesday that losses rose. On December 23 more fell.";
    let mut doc = Document::new("d", text);
    doc.meta.published = date("2025-01-01");
    let furniture_end = text.find('\n').unwrap();
    let s1 = furniture_end + 1;
    let s2 = text.find("On December").unwrap();
    doc.layers.regions =
        Some(vec![Region { span: Span::new(0, furniture_end), kind: "related".into(), skip: true, prov: prov() }]);
    doc.layers.sentences = Some(
        [(0, furniture_end), (s1, s2 - 1), (s2, text.len())]
            .iter()
            .map(|&(a, b)| Sentence { span: Span::new(a, b), kind: SentenceKind::Text, paragraph: 0 })
            .collect(),
    );
    let config = Config::parse("t.toml", "[[stage]]\nkind = \"dates\"\nname = \"when\"\n", None).unwrap();
    let registry = claimex_stages::registry();
    let ctx = BuildContext::new(claimex_stages::embedded_root());
    let stage = (registry.get("dates").unwrap().build)(&config.stages[0], &ctx).unwrap();
    stage.process(&mut doc).unwrap();
    let dates = doc.layers.dates.as_ref().expect("dates layer");
    let got: Vec<_> = dates.iter().map(|d| (doc.slice(d.span), d.date)).collect();
    assert_eq!(got, vec![("Wednesday", date("2025-01-01")), ("December 23", date("2024-12-23"))]);
    assert!(dates.iter().all(|d| &*d.prov.stage == "when"), "provenance names the configured stage");
    assert_eq!(&*dates[1].prov.rule, "month_day");
}

#[test]
fn relative_phrases_carry_their_lexicon_line() {
    let found = extract("Russia lost 1,200 troops last week.", date("2025-01-01"));
    assert!(found[0].prov.rule.starts_with("lexicons/dates/relative.tsv:"), "{:?}", found[0].prov);
}

#[test]
fn numeric_order_can_be_forced() {
    let dir = std::env::temp_dir();
    let ctx = BuildContext::new(claimex_stages::embedded_root());
    for (order, want) in [("mdy", "2025-01-02"), ("dmy", "2025-02-01"), ("auto", "")] {
        let toml = format!("[[stage]]\nkind = \"dates\"\nnumeric_order = \"{order}\"\n");
        let config = Config::parse("t.toml", &toml, Some(dir.clone())).unwrap();
        let stage = claimex_stages::dates::build(&config.stages[0], &ctx).unwrap();
        let mut doc = Document::new("d", "Issued 01/02/2025.");
        doc.layers.sentences = Some(vec![Sentence { span: Span::new(0, 18), kind: SentenceKind::Text, paragraph: 0 }]);
        stage.process(&mut doc).unwrap();
        assert_eq!(doc.layers.dates.unwrap()[0].date, date(want), "numeric_order = {order}");
    }
}

#[test]
fn bad_lexicon_lines_are_reported_with_file_and_line() {
    let dir = std::env::temp_dir().join(format!("claimex-dates-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        ("months", "january\t1\nfoo\t13\n", "months.tsv:2: invalid month number \"13\""),
        ("months", "january\t1\tshort\n", "months.tsv:1: unknown flag \"short\""),
        ("relative", "# c\n\ntoday\tday\tweek\tx\n", "relative.tsv:3: invalid offset \"x\""),
        ("relative", "today\tdaily\tday\t0\n", "relative.tsv:1: unknown granularity \"daily\""),
        ("cues", "since\tsince\nnext\tsoon\n", "cues.tsv:2: unknown role \"soon\""),
        ("weekdays", "Monday\t1\n", "weekdays.tsv:1: phrase \"Monday\" must be lower case"),
        (
            "weekdays",
            "monday\t1\nmay\t5\n",
            "weekdays.tsv:2: phrase \"may\" is also defined at lexicons/dates/months.tsv:",
        ),
        ("ordinals", "first 1\n", "ordinals.tsv:1: expected 2 to 2 tab-separated columns"),
    ];
    for (key, content, want) in cases {
        let file = dir.join(format!("{key}.tsv"));
        std::fs::write(&file, content).unwrap();
        let toml = format!("[[stage]]\nkind = \"dates\"\n{key} = \"{}\"\n", file.display());
        let config = Config::parse("t.toml", &toml, Some(dir.clone())).unwrap();
        let ctx = BuildContext::new(DataRoot::Dir(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")));
        let err = match claimex_stages::dates::build(&config.stages[0], &ctx) {
            Ok(_) => panic!("{key}: {content:?} should be rejected"),
            Err(e) => e,
        };
        let msg = err.to_string();
        assert!(msg.contains(want), "{key}: expected {want:?} in {msg:?}");
        assert_eq!(err.line, Some(3), "{key}: error should point at the `{key}` key: {msg}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unknown_param_is_rejected() {
    let config = Config::parse("t.toml", "[[stage]]\nkind = \"dates\"\nnumeric_ordr = \"mdy\"\n", None).unwrap();
    let ctx = BuildContext::new(claimex_stages::embedded_root());
    let err = claimex_stages::dates::build(&config.stages[0], &ctx).err().expect("unknown key rejected");
    assert_eq!(err.line, Some(3), "{err}");
}
