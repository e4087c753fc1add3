//! Seeds 000 and 002 split into sentences after cleaning: every article
//! sentence, written out by hand from reading the articles.

#[path = "support/seeds.rs"]
mod seeds;

use claimex_pipeline::{BuildContext, Config, DataRoot, Document, SentenceKind, Stage};
use seeds::root;

/// The clean and sentences stages as the repository's default config builds them.
fn default_stages() -> Vec<Box<dyn Stage>> {
    let text = std::fs::read_to_string(root().join("claimex.toml")).unwrap();
    let config = Config::parse("claimex.toml", &text, Some(root())).unwrap();
    let ctx = BuildContext::new(DataRoot::Dir(root()));
    let registry = claimex_stages::registry();
    config
        .stages
        .iter()
        .filter(|p| p.kind == "clean" || p.kind == "sentences")
        .map(|p| (registry.get(&p.kind).unwrap().build)(p, &ctx).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

fn run_seed(prefix: &str) -> Document {
    let mut doc = seeds::seed(prefix);
    for stage in default_stages() {
        stage.process(&mut doc).unwrap();
    }
    doc
}

fn compare(doc: &Document, expected: &[(SentenceKind, &str)]) {
    let got: Vec<(SentenceKind, &str)> =
        doc.layers.sentences.as_ref().unwrap().iter().map(|s| (s.kind, doc.slice(s.span))).collect();
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(got.get(i), Some(want), "seed {}: sentence {i}", doc.id);
    }
    assert_eq!(
        got.len(),
        expected.len(),
        "seed {}: extra sentences {:?}",
        doc.id,
        &got[expected.len().min(got.len())..]
    );
}

use SentenceKind::{Heading as H, ListItem as L, Text as T};

#[test]
fn seed_000_sentences() {
    let doc = run_seed("000");
    compare(
        &doc,
        &[
            (H, "Kursk Incursion Caused 38,000 Russian Troop Losses, Says Ukraine"),
            (T, "Russian forces suffered 38,000 casualties in Kyiv’s incursion into the Kursk region, according to Ukraine’s commander-in-chief."),
            (T, "Oleksandr Syrskyi said on Wednesday that Russian forces had also lost over 1,000 pieces of equipment and that Ukraine had taken hundreds of Russian troops captive."),
            (T, "Newsweek has contacted the Russian Defense ministry for comment by email."),
            (H, "Why It Matters"),
            (T, "Ukraine launched its incursion into Russia’s Kursk Oblast on August 6, claiming that it was able to quickly capture about 1,300 square kilometers (500 square miles) of territory."),
            // A stray full stop before a lowercase word does not end the sentence.
            (T, "Since then, Ukrainian forces have lost control of around half that land. but Kyiv still hopes that its gains and Russian troops captured can be leverage in potential negotiations with Moscow."),
            (T, "Ukraine’s military Commander-in-Chief Oleksandr Syrskyi."),
            (T, "He said on January 1, 2025, that Moscow’s forces had lost 38,000 troops during Kyiv’s incursion into Russia’s Kursk region launched in August."),
            (H, "What To Know"),
            (T, "After visiting the region to reward his troops serving there, Syrskyi said in a Telegram post on Wednesday that the Russian army had lost over 38,000 troops."),
            (T, "It is not clear how many were killed and wounded and this figure has not been independently verified."),
            (T, "Syrskyi also said that Russia had lost more than 1,000 pieces of equipment and that over 700 troops had been captured."),
            (T, "“We will continue to destroy the invaders,” said Syrskyi according to a translation."),
            (T, "“It doesn’t matter whether they have Russian or North Korean passports.”"),
            (T, "“The heroic actions of the Ukrainian military forced the enemy to maintain a significant group of forces on its territory and transfer reserves from other directions,” he added in the message, next to images of him congratulating troops."),
            (T, "Ukraine’s fortunes in the Kursk region have fluctuated since it launched its surprise operation nearly five months ago."),
            (T, "Swift initial gains included the town of Suzhda, but since Ukraine’s early success and a tardy response from Moscow, Russia has deployed tens of thousands of troops, including an estimated 12,000 soldiers sent from North Korea."),
            (T, "Ukrainian President Volodymyr Zelensky said on December 23 that more than 3,000 North Korean soldiers had been killed or injured since their deployment in Kursk."),
            (T, "Ukrainian Defense Ministry’s Main Intelligence Directorate said that lower-ranking commanders in the Russian military were providing false accounts of casualties among North Korean soldiers in Kursk, Ukrinform reported."),
            (H, "What People Are Saying"),
            (T, "Retired U.S. Vice Admiral Robert Murrett said the first reports of North Korean casualties showed a new escalation in the war and reflected “the continued shortfalls that Moscow has in finding enough troops for the fight with Ukraine.”"),
            (T, "Murrett said their presence demonstrated Russia’s inability to expand mobilization and its challenges in continuing the war."),
            (T, "“This dynamic will be an important factor in negotiations that are likely to enter a new phase in the weeks and months ahead,” he told Newsweek."),
            (T, "Syrskyi told his troops: “Thanks to your resilience and courage, the enemy’s losses in the Kursk region amounted to more than 38,000 personnel and more than 1,000 pieces of equipment.”"),
            (T, "John Kirby, the U.S. National Security Council spokesperson said on December 27: “It’s clear that Russian and North Korean military leaders are treating these troops as expendable and ordering them on hopeless assaults against Ukrainian defenses.”"),
            (H, "What Happens Next"),
            (T, "Ukraine is hoping to hang on to as much territory as it can in the coming weeks, especially if it is required as leverage amid speculation about what incoming President Donald Trump will mean for the war, given his pledge to end hostilities quickly."),
            (T, "However, Ukraine risks losing those hard-won gains and has warned that Russia has 50,000 troops stationed in the region, including the North Korean soldiers."),
        ],
    );
}

#[test]
fn seed_002_sentences() {
    let doc = run_seed("002");
    compare(
        &doc,
        &[
            (H, "Russia has lost over 20,000 soldiers in Kursk region battle – Ukraine’s commander-in-chief"),
            (T, "During the nearly three-month operation of Ukraine's armed forces in the Kursk region of the Russian Federation, the Russian army suffered a loss of over 20,000 personnel and had 1,101 of their weapons and military equipment destroyed by Ukrainian defenders."),
            (T, "The Commander-in-Chief of Ukraine's armed forces, Oleksandr Syrskyi, wrote that on Facebook."),
            (T, "As Syrskyi pointed out, in May 2024, it was confirmed that Russia had plans to launch an attack from the Kursk region towards Sumy to create a \"buffer zone\" in northern Ukraine."),
            (T, "This was expected to be an extension of the enemy's previous operation in the Kharkiv direction."),
            (T, "\"That is why the decision was made to conduct an offensive operation to overtake with the transfer of hostilities to the enemy's territory in the Kursk region,\" Syrskyi added."),
            (T, "As of November 5th, in the nearly three months since it began, the Russian army has suffered a loss of 20,842 individuals in the Kursk area, including:"),
            (L, "• 7905 fatalities;"),
            (L, "• 12,220 injuries;"),
            (L, "• and 717 captured individuals."),
            (T, "In particular, Ukraine's armed forces destroyed 1,101 units of Russian weapons and equipment, including:"),
            (L, "• 54 tanks;"),
            (L, "• 276 combat armored vehicles;"),
            (L, "• 107 guns and mortars;"),
            (L, "• 5 MLRS systems;"),
            (L, "• 659 units of automotive equipment."),
            // The quotation runs over two paragraphs; a blank line always ends a sentence.
            (T, "\"Now Russia wants Ukrainian troops to leave this territory."),
            (T, "The enemy has concentrated about 45,000 soldiers there."),
            (T, "And it is trying to increase their number."),
            (T, "Russia's troops are not enough for this direction, so they are trying to attract forces from North Korea there,\" the Commander-in-Chief said."),
            (T, "For reference:"),
            (T, "On August 6, 2024, the Ukrainian Defense Forces launched an offensive operation in the Russian Federation's Kursk region."),
            (T, "As of August 27, the Commander-in-Chief of Ukraine's armed forces, Oleksandr Syrskyi, reported that since the beginning of the operation in the Kursk region of Russia, Ukraine had captured 594 enemy soldiers and controlled more than 100 settlements, or 1,294 square kilometers."),
            (T, "According to President Volodymyr Zelensky, such actions were aimed at creating a buffer zone to prevent Russian military operations against Ukraine."),
            (T, "President Volodymyr Zelensky said that Ukraine would keep Russian territory, as this was an integral part of the plan to win the war."),
            (T, "As the Financial Times reported on October 30, the Russian Federation has already transferred about 3,000 troops from North Korea to the Kursk region to help the Russian army, stationing them 50 kilometers from the border with Ukraine."),
            (T, "It should be added that, according to available information, the military contingent of the DPRK, numbering up to 12,000 people, is undergoing training at five training grounds of the Eastern Military District of the Russian Armed Forces."),
            (T, "This contingent includes at least 500 officers from North Korea, including three generals from the General Staff."),
            (T, "On November 5, the Minister of Defense of Ukraine, Rustem Umerov, confirmed that the first clashes had already taken place between the Armed Forces of Ukraine and North Korean soldiers in the Kursk region of Russia."),
            (T, "However, so far, they were \"small-scale.\""),
        ],
    );
    // Paragraph indices follow blank lines: the title is paragraph 0, the bullets share one.
    let s = doc.layers.sentences.as_ref().unwrap();
    assert_eq!(s[0].paragraph, 0);
    assert_eq!(s[1].paragraph, 1);
    assert_eq!(s[7].paragraph, s[9].paragraph);
    assert!(s[10].paragraph > s[9].paragraph);
}

#[test]
fn no_sentence_enters_a_skipped_region() {
    for seed in ["000", "001", "002", "003", "004"] {
        let doc = run_seed(seed);
        for s in doc.layers.sentences.as_ref().unwrap() {
            assert!(!doc.is_skipped(s.span), "seed {seed}: sentence in furniture: {:?}", doc.slice(s.span));
        }
    }
}
