//! Claim assembly, one mechanism per case, on small invented articles run
//! through the whole default pipeline (embedded config and lexicons).

use chrono::NaiveDate;
use claimex_pipeline::{Claim, Document, Needs, Pipeline};

use claimex_stages::default_pipeline as pipeline;

fn claims(p: &Pipeline, text: &str, published: &str) -> Vec<Claim> {
    let mut doc = Document::new("t", text);
    doc.meta.published = NaiveDate::parse_from_str(published, "%Y-%m-%d").ok();
    let mut quick = doc.clone();
    p.process(&mut doc).unwrap();
    // Every case holds a claim or must not: the claims-only run (which skips
    // the later stages for documents `triage` settles) agrees.
    p.process_for(&mut quick, Needs::Claims).unwrap();
    assert_eq!(doc.layers.claims, quick.layers.claims, "claims-only run differs on {text:?}");
    doc.layers.claims.unwrap()
}

/// The expected fields of one claim: category, subject, value, bound, claimant, as_of, location.
type Want =
    (&'static str, &'static str, i64, &'static str, Option<&'static str>, Option<&'static str>, Option<&'static str>);

fn render(c: &Claim) -> String {
    format!(
        "{} · {} · {} ({}) · claimant {:?} · as_of {:?} · location {:?}{}",
        c.category.as_str(),
        c.subject,
        c.value,
        c.bound.as_str(),
        c.claimant,
        c.as_of.map(|d| d.to_string()),
        c.location,
        if c.vague { " · vague" } else { "" }
    )
}

fn check(name: &str, text: &str, published: &str, want: &[Want]) {
    let p = pipeline();
    let got: Vec<&Claim> = Vec::leak(claims(&p, text, published)).iter().filter(|c| !c.vague).collect();
    let shown: Vec<String> = got.iter().map(|c| render(c)).collect();
    assert_eq!(got.len(), want.len(), "{name}: expected {} claims, got:\n  {}", want.len(), shown.join("\n  "));
    for (w, c) in want.iter().zip(&got) {
        let (category, subject, value, bound, claimant, as_of, location) = *w;
        let ok = c.category.as_str() == category
            && c.subject == subject
            && c.value == value
            && c.bound.as_str() == bound
            && c.claimant.as_deref() == claimant
            && c.as_of.map(|d| d.to_string()).as_deref() == as_of
            && c.location.as_deref() == location;
        assert!(ok, "{name}: expected {w:?}\n got {}", render(c));
    }
}

#[test]
fn figure_with_loss_noun_and_named_source() {
    check(
        "loss noun",
        "Russian forces suffered 38,000 casualties in the Kursk region, Oleksandr Syrskyi said on Wednesday.",
        "2025-01-01",
        &[(
            "casualties",
            "Russia",
            38000,
            "exact",
            Some("Oleksandr Syrskyi"),
            Some("2025-01-01"),
            Some("Kursk Oblast"),
        )],
    );
}

#[test]
fn role_resolves_to_the_official_of_the_time() {
    // The commander-in-chief changed on 2024-02-08.
    let text = "Russia lost 500 soldiers near Bakhmut, according to Ukraine's commander-in-chief.";
    check(
        "before",
        text,
        "2023-05-01",
        &[("casualties", "Russia", 500, "exact", Some("Valerii Zaluzhnyi"), None, Some("Bakhmut"))],
    );
    check(
        "after",
        text,
        "2024-05-01",
        &[("casualties", "Russia", 500, "exact", Some("Oleksandr Syrskyi"), None, Some("Bakhmut"))],
    );
}

#[test]
fn the_enemy_is_the_speakers_opponent() {
    check(
        "enemy",
        "\"The enemy lost 1,200 soldiers in the Pokrovsk direction,\" Oleksandr Syrskyi said.",
        "2024-11-20",
        &[("casualties", "Russia", 1200, "exact", Some("Oleksandr Syrskyi"), None, Some("Pokrovsk"))],
    );
}

#[test]
fn agent_of_the_loss_makes_the_victims_the_other_side() {
    check(
        "agent",
        "Russian missile strikes killed eight people in Kharkiv on Monday, regional officials said.",
        "2024-06-05",
        &[("killed", "Ukraine", 8, "exact", None, Some("2024-06-03"), Some("Kharkiv"))],
    );
}

#[test]
fn captor_takes_the_other_sides_prisoners() {
    check(
        "captor",
        "Ukrainian forces captured 700 prisoners in the Kursk region.",
        "2025-01-01",
        &[("captured", "Russia", 700, "exact", None, None, Some("Kursk Oblast"))],
    );
}

#[test]
fn list_items_inherit_head_subject_cue_and_source() {
    let text = "As of November 5th, the Russian army has suffered a loss of 20,842 individuals, Oleksandr Syrskyi said, including:\n\n  • 7905 fatalities;\n  • 12,220 injuries;\n  • and 717 captured individuals.\n";
    check(
        "list",
        text,
        "2024-11-05",
        &[
            ("casualties", "Russia", 20842, "exact", Some("Oleksandr Syrskyi"), Some("2024-11-05"), None),
            ("killed", "Russia", 7905, "exact", Some("Oleksandr Syrskyi"), Some("2024-11-05"), None),
            ("wounded", "Russia", 12220, "exact", Some("Oleksandr Syrskyi"), Some("2024-11-05"), None),
            ("captured", "Russia", 717, "exact", Some("Oleksandr Syrskyi"), Some("2024-11-05"), None),
        ],
    );
}

#[test]
fn equipment_list_under_a_destroy_cue() {
    let text = "Ukrainian forces destroyed 120 units of Russian equipment, including:\n\n  • 14 tanks;\n  • 30 armored vehicles.\n";
    check(
        "equipment list",
        text,
        "2024-11-05",
        &[
            ("equipment", "Russia", 120, "exact", None, None, None),
            ("equipment", "Russia", 14, "exact", None, None, None),
            ("equipment", "Russia", 30, "exact", None, None, None),
        ],
    );
}

#[test]
fn mentions_of_one_figure_merge_and_the_qualified_bound_wins() {
    let text = "Russia lost over 62,400 soldiers in Kursk operation, Ukraine says\n\nThe Russian military had lost 62,400 soldiers in Kursk Oblast, Ukraine's General Staff said on April 26.\n";
    check(
        "merge",
        text,
        "2025-04-26",
        &[(
            "casualties",
            "Russia",
            62400,
            "at_least",
            Some("General Staff of Ukraine"),
            Some("2025-04-26"),
            Some("Kursk Oblast"),
        )],
    );
}

#[test]
fn ranges_give_two_claims() {
    check(
        "range",
        "Russia has deployed between 3,000 and 5,000 troops near Sumy, Ukrainian officials said.",
        "2024-06-01",
        &[
            ("deployed", "Russia", 3000, "at_least", Some("Ukraine"), None, Some("Sumy")),
            ("deployed", "Russia", 5000, "at_most", Some("Ukraine"), None, Some("Sumy")),
        ],
    );
}

#[test]
fn area_is_territory_in_square_kilometres_once() {
    check(
        "area",
        "Ukraine captured about 1,300 square kilometers (500 square miles) of territory in the Kursk region.",
        "2024-09-01",
        &[("territory", "Ukraine", 1300, "approx", None, None, Some("Kursk Oblast"))],
    );
}

#[test]
fn non_claims_are_not_extracted() {
    let cases = [
        "Russia is losing 1,000 soldiers a day, officials said.",
        "In 2024, 390 prisoners were freed in the swap.",
        "Two men aged 50 and 48 were visiting the town.",
        "The offensive began in 2022 and lasted 3 months.",
        "One of the three brigades was withdrawn.",
        "Inflation rose 5% as the central bank raised rates to 16%.",
        "Russia aims to recruit 40,000 soldiers a month.",
        "The average daily number of Russian losses in Ukraine is 899 soldiers, the ministry said.",
        "Russia lost an average of 1,000 soldiers.",
        "Three Russian bodies were sanctioned by the state department.",
    ];
    let p = pipeline();
    for text in cases {
        let got: Vec<String> = claims(&p, text, "2024-01-01").iter().filter(|c| !c.vague).map(render).collect();
        assert!(got.is_empty(), "{text:?} is not a claim, got {got:?}");
    }
}

#[test]
fn vague_quantities_are_flagged() {
    let p = pipeline();
    let got = claims(&p, "Russia has deployed tens of thousands of troops to the border.", "2024-01-01");
    assert!(got.iter().all(|c| c.vague), "{:?}", got.iter().map(render).collect::<Vec<_>>());
    assert!(got.iter().any(|c| c.value == 20000 && c.category.as_str() == "deployed"), "tens of thousands → 20000");
}

#[test]
fn unknown_claimant_is_taken_from_the_sentence_as_written() {
    check(
        "unknown name",
        "Two civilians were killed in Russian shelling of Kupiansk, Kharkiv regional governor Oleh Syniehubov said.",
        "2024-03-01",
        &[("killed", "Ukraine", 2, "exact", Some("Oleh Syniehubov"), None, Some("Kupiansk"))],
    );
}

#[test]
fn quoted_figures_take_the_quotes_source() {
    let text = "\"Another 983 soldiers of the Russian army were taken prisoner,\" the General Staff of Ukraine said on April 26.";
    check(
        "quote",
        text,
        "2025-04-26",
        &[("captured", "Russia", 983, "exact", Some("General Staff of Ukraine"), Some("2025-04-26"), None)],
    );
}

#[test]
fn statement_carries_into_the_next_sentence_but_not_past_an_unsourced_paragraph() {
    let text = "Russia lost 400 soldiers near Avdiivka, Ukraine's General Staff said.\n\nOf these, 120 were killed.\n\nThe town has been shelled for months.\n\nRussia has 9,000 troops stationed near Avdiivka.\n";
    check(
        "carry",
        text,
        "2024-01-10",
        &[
            ("casualties", "Russia", 400, "exact", Some("General Staff of Ukraine"), None, Some("Avdiivka")),
            ("killed", "Russia", 120, "exact", Some("General Staff of Ukraine"), None, Some("Avdiivka")),
            ("deployed", "Russia", 9000, "exact", None, None, Some("Avdiivka")),
        ],
    );
}

/// (mechanism, text, expected claims), all published on 2024-05-14 (a Tuesday).
const DEV_MECHANISMS: &[(&str, &str, &[Want])] = &[
    (
        "full stop glued to the next sentence",
        "Russia lost 1,200 soldiers during the last day, the General Staff of Ukraine said.The number includes the wounded.",
        &[("casualties", "Russia", 1200, "exact", Some("General Staff of Ukraine"), None, None)],
    ),
    (
        "duration after the figure is not a rate",
        "About 2,000 Ukrainian fighters held out for nearly a month in the steelworks.",
        &[("deployed", "Ukraine", 2000, "approx", None, None, None)],
    ),
    (
        "troops trying to storm a town are deployed",
        "Up to 25,000 Russian troops are trying to storm Chasiv Yar.",
        &[("deployed", "Russia", 25000, "at_most", None, None, Some("Chasiv Yar"))],
    ),
    (
        "troops taking part in the war are deployed",
        "Until recently 400,000 Russian soldiers took part in the war, the analyst said.",
        &[("deployed", "Russia", 400000, "exact", None, None, None)],
    ),
    (
        "a loss after a deployment word wins",
        "Some 500 Russian soldiers who took part in the invasion were killed.",
        &[("killed", "Russia", 500, "approx", None, None, None)],
    ),
    (
        "the verb before the figure governs it, not the next clause's",
        "Russian shelling killed two civilians and a medic and wounded nine in Kherson.",
        &[
            ("killed", "Ukraine", 2, "exact", None, None, Some("Kherson")),
            ("wounded", "Ukraine", 9, "exact", None, None, Some("Kherson")),
        ],
    ),
    (
        "victims of an unattributed strike are where the text puts them",
        "A missile strike killed three people in the Russian-held city of Donetsk.",
        &[("killed", "Russia", 3, "exact", None, None, Some("Donetsk"))],
    ),
    (
        "unnamed officials of a body speak for its country; a border is a place",
        "Russia's claim that it is pulling troops back from Ukraine's border is false, a senior White House official said, adding that 7,000 extra troops have arrived.",
        &[("deployed", "Russia", 7000, "exact", Some("United States"), None, None)],
    ),
    (
        "a continuing sentence takes the side of earlier figures",
        "Four Russian generals were killed in May, the BBC reported. The front barely moved. Morale fell.\n\nTwelve officers were also killed.",
        &[
            ("killed", "Russia", 4, "exact", Some("BBC"), None, None),
            // The statement does not cross the paragraph; the side does.
            ("killed", "Russia", 12, "exact", None, None, None),
        ],
    ),
    (
        "a loss naming no side is the speaker's own",
        "According to Roman Busargin, the blast shattered windows at a school, leaving one woman injured.",
        &[("wounded", "Russia", 1, "exact", Some("Roman Busargin"), None, None)],
    ),
    (
        "the UN human rights office is its own claimant",
        "Russian forces executed more than 70 civilians, the UN human rights office said on Tuesday.",
        &[(
            "killed",
            "Ukraine",
            70,
            "at_least",
            Some("Office of the United Nations High Commissioner for Human Rights"),
            Some("2024-05-14"),
            None,
        )],
    ),
    (
        "bodies found are dead",
        "Investigators found the bodies of 20 civilians in Bucha.",
        &[("killed", "Ukraine", 20, "exact", None, None, Some("Bucha"))],
    ),
    (
        "hospitalised people are wounded",
        "At least 40 Ukrainian soldiers were hospitalized after the gas attack.",
        &[("wounded", "Ukraine", 40, "at_least", None, None, None)],
    ),
];

#[test]
fn dev_set_mechanisms() {
    for (name, text, want) in DEV_MECHANISMS {
        check(name, text, "2024-05-14", want);
    }
}

/// A reporting verb followed by "could not verify" reports a doubt, not the
/// figure: whatever the apostrophe and the case.
#[test]
fn unverified_cue_is_no_source_with_either_apostrophe() {
    for cue in ["couldn't independently verify", "couldn’t independently verify", "Could Not Independently Verify"] {
        let text = format!("Russian forces lost 1,000 soldiers near Bakhmut, Reuters said it {cue} the figure.");
        let got = claims(&pipeline(), &text, "2025-01-01");
        let claimants: Vec<_> = got.iter().filter(|c| !c.vague).map(|c| c.claimant.clone()).collect();
        assert_eq!(claimants, [None], "{cue}: the verb before the doubt names no claimant");
    }
}
