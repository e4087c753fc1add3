//! Table-driven tests of the `numbers` stage in news phrasing: each case gives the
//! sentence, the expected span text, value, bound, unit kind, range and vague flag.
//! `none` cases list sentences where no quantity may be tagged.

use claimex_pipeline::{Bound, Quantity, UnitKind};
use claimex_stages::numbers::extract;

use Bound::{Approx as A, AtLeast as L, AtMost as M, Exact as E};

const N: Option<UnitKind> = None;
const AREA: Option<UnitKind> = Some(UnitKind::Area);
const PCT: Option<UnitKind> = Some(UnitKind::Percent);
const CUR: Option<UnitKind> = Some(UnitKind::Currency);
const LEN: Option<UnitKind> = Some(UnitKind::Length);
const DUR: Option<UnitKind> = Some(UnitKind::Duration);
const MASS: Option<UnitKind> = Some(UnitKind::Mass);

/// (sentence, span, value, bound, unit, range, vague)
type Case = (&'static str, &'static str, f64, Bound, Option<UnitKind>, Option<(f64, f64)>, bool);

const CASES: &[Case] = &[
    // The seeds' figures.
    ("Russian forces had also lost over 1,000 pieces of equipment.", "over 1,000", 1000.0, L, N, None, false),
    (
        "It was able to quickly capture about 1,300 square kilometers (500 square miles) of territory.",
        "about 1,300 square kilometers",
        1300.0,
        A,
        AREA,
        None,
        false,
    ),
    (
        "Russia has deployed an estimated 12,000 soldiers sent from North Korea.",
        "an estimated 12,000",
        12000.0,
        A,
        N,
        None,
        false,
    ),
    (
        "The contingent, numbering up to 12,000 people, is undergoing training.",
        "up to 12,000",
        12000.0,
        M,
        N,
        None,
        false,
    ),
    ("This contingent includes three generals from the General Staff.", "three", 3.0, E, N, None, false),
    ("Russia has deployed tens of thousands of troops in the region.", "tens of thousands", 20000.0, E, N, None, true),
    ("Ukraine had taken hundreds of Russian troops captive.", "hundreds", 200.0, E, N, None, true),
    ("With nearly 40,000 Russian troops killed, wounded, or captured.", "nearly 40,000", 40000.0, M, N, None, false),
    ("  • 7905 fatalities;", "7905", 7905.0, E, N, None, false),
    ("Losses amount to more than 4,500 killed and wounded.", "more than 4,500", 4500.0, L, N, None, false),
    ("Russian forces suffered 38,000 casualties in the Kursk region.", "38,000", 38000.0, E, N, None, false),
    ("The Russian army suffered a loss of 20,842 individuals.", "20,842", 20842.0, E, N, None, false),
    ("Ukrainian forces have captured 909 Russian soldiers.", "909", 909.0, E, N, None, false),
    (
        "Approximately 4,000 North Korean troops have been killed in battle.",
        "Approximately 4,000",
        4000.0,
        A,
        N,
        None,
        false,
    ),
    ("The enemy has concentrated about 45,000 soldiers there.", "about 45,000", 45000.0, A, N, None, false),
    ("Ukraine controlled 1,294 square kilometers.", "1,294 square kilometers", 1294.0, E, AREA, None, false),
    ("They were stationed 50 kilometers from the border.", "50 kilometers", 50.0, E, LEN, None, false),
    ("This contingent includes at least 500 officers from North Korea.", "at least 500", 500.0, L, N, None, false),
    ("Russia lost over 62,400 soldiers in Kursk operation, Ukraine says", "over 62,400", 62400.0, L, N, None, false),
    ("Another 983 soldiers of the army were taken prisoner.", "983", 983.0, E, N, None, false),
    ("Russia has 50,000 troops stationed in the region.", "50,000", 50000.0, E, N, None, false),
    ("Ukraine had captured 594 enemy soldiers.", "594", 594.0, E, N, None, false),
    // Separators and decimals.
    ("The ministry reported 1 300 casualties.", "1 300", 1300.0, E, N, None, false),
    ("The ministry reported 1\u{a0}300 casualties.", "1\u{a0}300", 1300.0, E, N, None, false),
    ("The ministry reported 40\u{202f}000 casualties.", "40\u{202f}000", 40000.0, E, N, None, false),
    ("The ministry reported 2\u{2009}500 casualties.", "2\u{2009}500", 2500.0, E, N, None, false),
    ("The population fell to 1,234,567 people.", "1,234,567", 1234567.0, E, N, None, false),
    ("Officials counted 1.234.567 displaced people.", "1.234.567", 1234567.0, E, N, None, false),
    ("The rate rose to 4.8 on Monday.", "4.8", 4.8, E, N, None, false),
    ("A single 1.300 reading was recorded.", "1.300", 1.3, E, N, None, false),
    ("Inflation stood at 12.5 percent.", "12.5 percent", 12.5, E, PCT, None, false),
    ("Output grew by .5 points.", ".5", 0.5, E, N, None, false),
    ("Kyiv reported 123456 attacks.", "123456", 123456.0, E, N, None, false),
    // Scale words and suffixes.
    ("The fund holds 1.5 million doses.", "1.5 million", 1500000.0, E, N, None, false),
    ("Some 38 thousand people fled.", "Some 38 thousand", 38000.0, A, N, None, false),
    ("The grant is worth 38k a year.", "38k", 38000.0, E, N, None, false),
    ("The deal is worth 2.3bn over a decade.", "2.3bn", 2300000000.0, E, N, None, false),
    ("Kyiv received $1.13bn in aid.", "$1.13bn", 1130000000.0, E, CUR, None, false),
    ("Exports fell to 5.93 mln tonnes.", "5.93 mln tonnes", 5930000000.0, E, MASS, None, false),
    ("The country has two million refugees.", "two million", 2000000.0, E, N, None, false),
    ("Britain pledged £2.5bn in military aid.", "£2.5bn", 2500000000.0, E, CUR, None, false),
    ("The EU approved €50 billion for Ukraine.", "€50 billion", 50000000000.0, E, CUR, None, false),
    ("He earned £5m from the sale.", "£5m", 5000000.0, E, CUR, None, false),
    ("The package totals 61 billion dollars.", "61 billion dollars", 61000000000.0, E, CUR, None, false),
    ("Moscow spent 3.2 trillion roubles on defence.", "3.2 trillion roubles", 3200000000000.0, E, CUR, None, false),
    ("Kyiv paid 500 million hryvnias for drones.", "500 million hryvnias", 500000000.0, E, CUR, None, false),
    ("The loan amounts to USD 20 billion.", "USD 20 billion", 20000000000.0, E, CUR, None, false),
    ("The budget is 10bln euros.", "10bln euros", 10000000000.0, E, CUR, None, false),
    ("A fund of 1.2b was announced.", "1.2b", 1200000000.0, E, N, None, false),
    ("About 8 million Ukrainians left the country.", "About 8 million", 8000000.0, A, N, None, false),
    ("Nearly 1.5 million people are displaced.", "Nearly 1.5 million", 1500000.0, M, N, None, false),
    ("Over 4.3 million children were affected.", "Over 4.3 million", 4300000.0, L, N, None, false),
    ("The fund reached 322 hundred contributors.", "322 hundred", 32200.0, E, N, None, false),
    // Written numbers.
    ("Twenty-five civilians were injured in the strike.", "Twenty-five", 25.0, E, N, None, false),
    ("Officials said one hundred and five people died.", "one hundred and five", 105.0, E, N, None, false),
    ("A dozen drones were shot down overnight.", "A dozen", 12.0, E, N, None, false),
    ("Half a million people lost power.", "Half a million", 500000.0, E, N, None, false),
    ("A million people fled the region.", "A million", 1000000.0, E, N, None, false),
    ("Russia launched a hundred drones.", "a hundred", 100.0, E, N, None, false),
    ("Seven people were killed in Kharkiv.", "Seven", 7.0, E, N, None, false),
    ("The strike killed eight people in Kyiv.", "eight", 8.0, E, N, None, false),
    ("Eleven soldiers were captured.", "Eleven", 11.0, E, N, None, false),
    ("Nineteen villages were liberated.", "Nineteen", 19.0, E, N, None, false),
    ("Ninety-nine shells hit the town.", "Ninety-nine", 99.0, E, N, None, false),
    ("Forty two tanks were destroyed.", "Forty two", 42.0, E, N, None, false),
    ("Three hundred soldiers surrendered.", "Three hundred", 300.0, E, N, None, false),
    ("Two thousand five hundred troops crossed.", "Two thousand five hundred", 2500.0, E, N, None, false),
    ("One thousand and fifty prisoners were exchanged.", "One thousand and fifty", 1050.0, E, N, None, false),
    ("Five thousand troops arrived.", "Five thousand", 5000.0, E, N, None, false),
    ("Sixty thousand people live there.", "Sixty thousand", 60000.0, E, N, None, false),
    ("Two dozen drones were downed.", "Two dozen", 24.0, E, N, None, false),
    ("Half a dozen villages were shelled.", "Half a dozen", 6.0, E, N, None, false),
    ("Three million people need aid.", "Three million", 3000000.0, E, N, None, false),
    ("Twelve tanks were hit.", "Twelve", 12.0, E, N, None, false),
    ("The operation lasted four days.", "four days", 4.0, E, DUR, None, false),
    ("One soldier was killed.", "One", 1.0, E, N, None, false),
    ("Zero casualties were reported.", "Zero", 0.0, E, N, None, false),
    ("A quarter million people were evacuated.", "quarter million", 250000.0, E, N, None, false),
    ("Fifteen hundred soldiers attacked.", "Fifteen hundred", 1500.0, E, N, None, false),
    // Vague.
    ("Dozens of civilians were wounded.", "Dozens", 24.0, E, N, None, true),
    ("Thousands of people fled the city.", "Thousands", 2000.0, E, N, None, true),
    ("Hundreds of thousands of people lost power.", "Hundreds of thousands", 200000.0, E, N, None, true),
    ("Several hundred troops were seen.", "Several hundred", 300.0, E, N, None, true),
    ("Scores of houses were destroyed.", "Scores", 40.0, E, N, None, true),
    ("Millions of Ukrainians are displaced.", "Millions", 2000000.0, E, N, None, true),
    ("Several thousand soldiers joined.", "Several thousand", 3000.0, E, N, None, true),
    ("A few hundred fighters remain.", "A few hundred", 200.0, E, N, None, true),
    ("Tens of millions of dollars were lost.", "Tens of millions", 20000000.0, E, N, None, true),
    ("Several dozen drones were launched.", "Several dozen", 36.0, E, N, None, true),
    ("Up to hundreds of soldiers died.", "Up to hundreds", 200.0, M, N, None, true),
    ("Dozens were killed in the attack.", "Dozens", 24.0, E, N, None, true),
    ("Russia lost thousands of soldiers.", "thousands", 2000.0, E, N, None, true),
    // Bounds.
    ("Russia lost more than 1,000 soldiers.", "more than 1,000", 1000.0, L, N, None, false),
    ("At least 14 people died.", "At least 14", 14.0, L, N, None, false),
    ("In excess of 500 troops arrived.", "In excess of 500", 500.0, L, N, None, false),
    ("Upwards of 300 drones were fired.", "Upwards of 300", 300.0, L, N, None, false),
    ("Some 1,000 or more soldiers were lost.", "Some 1,000 or more", 1000.0, L, N, None, false),
    ("Ukraine says 1,000-plus troops were lost.", "1,000-plus", 1000.0, L, N, None, false),
    ("As many as 20,000 troops may be there.", "As many as 20,000", 20000.0, M, N, None, false),
    ("No more than 300 remain.", "No more than 300", 300.0, M, N, None, false),
    ("Almost 600 people were hurt.", "Almost 600", 600.0, M, N, None, false),
    ("Just under 2,000 troops crossed.", "Just under 2,000", 2000.0, M, N, None, false),
    ("Fewer than 100 civilians remain.", "Fewer than 100", 100.0, M, N, None, false),
    ("Less than 50 soldiers survived.", "Less than 50", 50.0, M, N, None, false),
    ("Around 700 troops were captured.", "Around 700", 700.0, A, N, None, false),
    ("Roughly 3,000 soldiers died.", "Roughly 3,000", 3000.0, A, N, None, false),
    ("Close to 9,000 people were evacuated.", "Close to 9,000", 9000.0, A, N, None, false),
    ("Some 500 soldiers surrendered.", "Some 500", 500.0, A, N, None, false),
    ("About ~500 troops were seen.", "~500", 500.0, A, N, None, false),
    ("Well over 10,000 troops died.", "Well over 10,000", 10000.0, L, N, None, false),
    ("Up to 700 workers may be cut.", "Up to 700", 700.0, M, N, None, false),
    ("Estimated 30,000 troops were involved.", "Estimated 30,000", 30000.0, A, N, None, false),
    ("More than 20 per cent of the land is mined.", "More than 20 per cent", 20.0, L, PCT, None, false),
    ("Roughly 200 or so fighters remain.", "Roughly 200 or so", 200.0, A, N, None, false),
    ("The brigade lost 40-odd vehicles.", "40-odd", 40.0, A, N, None, false),
    ("The brigade has 3,000+ soldiers.", "3,000+", 3000.0, L, N, None, false),
    ("Nearly three months have passed.", "Nearly three months", 3.0, M, DUR, None, false),
    ("It lost more than a thousand tanks.", "more than a thousand", 1000.0, L, N, None, false),
    ("Approximately 12 percent voted.", "Approximately 12 percent", 12.0, A, PCT, None, false),
    ("About a dozen drones were downed.", "About a dozen", 12.0, A, N, None, false),
    ("Some two million people fled.", "Some two million", 2000000.0, A, N, None, false),
    // Ranges.
    (
        "Between 3,000 and 5,000 soldiers were killed.",
        "Between 3,000 and 5,000",
        3000.0,
        E,
        N,
        Some((3000.0, 5000.0)),
        false,
    ),
    ("Officials estimate 3,000-5,000 casualties.", "3,000-5,000", 3000.0, E, N, Some((3000.0, 5000.0)), false),
    ("Officials estimate 3,000–5,000 casualties.", "3,000–5,000", 3000.0, E, N, Some((3000.0, 5000.0)), false),
    ("Officials estimate 3,000 to 5,000 casualties.", "3,000 to 5,000", 3000.0, E, N, Some((3000.0, 5000.0)), false),
    ("Losses rose from 3,000 to 5,000.", "from 3,000 to 5,000", 3000.0, E, N, Some((3000.0, 5000.0)), false),
    // The low end written short for thousands.
    ("Russia has 70 to 80,000 losses.", "70 to 80,000", 70000.0, E, N, Some((70000.0, 80000.0)), false),
    ("Between 150 and 2,000 troops remain.", "Between 150 and 2,000", 150.0, E, N, Some((150.0, 2000.0)), false),
    ("Between 200 and 300 drones were launched.", "Between 200 and 300", 200.0, E, N, Some((200.0, 300.0)), false),
    ("Some 200–300 drones were launched.", "Some 200–300", 200.0, A, N, Some((200.0, 300.0)), false),
    ("It costs 3-5 million dollars.", "3-5 million dollars", 3000000.0, E, CUR, Some((3000000.0, 5000000.0)), false),
    (
        "Between 1.5 and 2 million people fled.",
        "Between 1.5 and 2 million",
        1500000.0,
        E,
        N,
        Some((1500000.0, 2000000.0)),
        false,
    ),
    ("Turnout was 10%-20% lower.", "10%-20%", 10.0, E, PCT, Some((10.0, 20.0)), false),
    (
        "They seized 100-200 square kilometres.",
        "100-200 square kilometres",
        100.0,
        E,
        AREA,
        Some((100.0, 200.0)),
        false,
    ),
    ("Between two and three brigades were sent.", "Between two and three", 2.0, E, N, Some((2.0, 3.0)), false),
    ("Salaries of 5k-20k were offered.", "5k-20k", 5000.0, E, N, Some((5000.0, 20000.0)), false),
    ("Up to 10,000-15,000 troops may join.", "Up to 10,000-15,000", 10000.0, M, N, Some((10000.0, 15000.0)), false),
    ("From 20 to 30 drones fly each night.", "From 20 to 30", 20.0, E, N, Some((20.0, 30.0)), false),
    (
        "Between $1bn and $2bn was pledged.",
        "Between $1bn and $2bn",
        1000000000.0,
        E,
        CUR,
        Some((1000000000.0, 2000000000.0)),
        false,
    ),
    ("It is 5 through 10 on the list.", "5 through 10", 5.0, E, N, Some((5.0, 10.0)), false),
    ("About 100 - 150 soldiers died.", "About 100 - 150", 100.0, A, N, Some((100.0, 150.0)), false),
    // Units.
    ("Ukraine seized 500 square miles of territory.", "500 square miles", 1294.994055168, E, AREA, None, false),
    ("Russia took 200 km² in a month.", "200 km²", 200.0, E, AREA, None, false),
    ("Russia took 200 km2 in a month.", "200 km2", 200.0, E, AREA, None, false),
    ("Russia took 200 sq km in a month.", "200 sq km", 200.0, E, AREA, None, false),
    ("Russia took 50 sq mi in a month.", "50 sq mi", 129.4994055168, E, AREA, None, false),
    ("The fire burned 300 hectares of forest.", "300 hectares", 3.0, E, AREA, None, false),
    ("Troops cleared 1,000 acres of fields.", "1,000 acres", 4.04685642, E, AREA, None, false),
    ("A zone of 2,000 square metres was mined.", "2,000 square metres", 0.002, E, AREA, None, false),
    ("Ukraine holds 1,300 square kilometres.", "1,300 square kilometres", 1300.0, E, AREA, None, false),
    ("Prices rose 25%.", "25%", 25.0, E, PCT, None, false),
    ("Support fell to 40 percent.", "40 percent", 40.0, E, PCT, None, false),
    ("Support fell to 40 per cent.", "40 per cent", 40.0, E, PCT, None, false),
    ("The missile flew 300 miles.", "300 miles", 482.8032, E, LEN, None, false),
    ("The front line runs 1,000 km.", "1,000 km", 1000.0, E, LEN, None, false),
    ("The convoy stretched 5 kilometres.", "5 kilometres", 5.0, E, LEN, None, false),
    ("They advanced 500 metres.", "500 metres", 0.5, E, LEN, None, false),
    ("The strike hit a 30-km stretch.", "30-km", 30.0, E, LEN, None, false),
    ("The bomb weighs 1,500 kg.", "1,500 kg", 1500.0, E, MASS, None, false),
    ("Ships carried 20,000 tonnes of grain.", "20,000 tonnes", 20000000.0, E, MASS, None, false),
    ("Aid worth $20 arrived.", "$20", 20.0, E, CUR, None, false),
    ("Each drone costs US$ 500.", "US$ 500", 500.0, E, CUR, None, false),
    ("The war has lasted three years.", "three years", 3.0, E, DUR, None, false),
    ("The siege lasted 80 days.", "80 days", 80.0, E, DUR, None, false),
    ("Prices rose 3.5%.", "3.5%", 3.5, E, PCT, None, false),
    ("Aid of 300 euros per person was paid.", "300 euros", 300.0, E, CUR, None, false),
    ("It gained 2 percentage points.", "2 percentage points", 2.0, E, PCT, None, false),
    // Negative and signed.
    ("Temperatures dropped to -20 overnight.", "-20", -20.0, E, N, None, false),
    ("The index read minus five.", "minus five", -5.0, E, N, None, false),
    // Numbers beside names and dates that are still quantities.
    ("Ukraine received 16 F-16 jets.", "16", 16.0, E, N, None, false),
    ("Russia lost 54 tanks in May.", "54", 54.0, E, N, None, false),
    ("Russia has lost 3,000 T-72 tanks.", "3,000", 3000.0, E, N, None, false),
    ("In 2024, 1,500 soldiers deserted.", "1,500", 1500.0, E, N, None, false),
    ("On April 26 the army lost 983 soldiers.", "983", 983.0, E, N, None, false),
    ("Ukraine downed 25 Shahed drones on Friday.", "25", 25.0, E, N, None, false),
    ("Over 2000 troops were killed.", "Over 2000", 2000.0, L, N, None, false),
    ("The army lost 2,024 soldiers.", "2,024", 2024.0, E, N, None, false),
    ("Russia fired 9 Kh-101 missiles.", "9", 9.0, E, N, None, false),
    ("Ukraine got 31 M1 Abrams tanks.", "31", 31.0, E, N, None, false),
    ("(500 soldiers) were lost.", "500", 500.0, E, N, None, false),
    ("\"We lost 12,000 men,\" he said.", "12,000", 12000.0, E, N, None, false),
    ("The one brigade lost 600 men.", "600", 600.0, E, N, None, false),
    ("He served 20 years in the army.", "20 years", 20.0, E, DUR, None, false),
    ("Kyiv got 100 Su-25 parts.", "100", 100.0, E, N, None, false),
    ("In August 2024 Ukraine took 28 villages.", "28", 28.0, E, N, None, false),
    ("The General Staff said 1,230 soldiers were lost in the past day.", "1,230", 1230.0, E, N, None, false),
    ("Ukraine's forces destroyed 10,000 tanks since February 2022.", "10,000", 10000.0, E, N, None, false),
    ("By 2025, 600,000 troops had been lost.", "600,000", 600000.0, E, N, None, false),
];

/// Sentences where nothing may be tagged: years, dates, times, ordinals, names,
/// URLs, emails, phone numbers, fractions and pronoun "one".
const NONE: &[&str] = &[
    "The war began in 2022.",
    "Ukraine has fought since 2014.",
    "The 2022-2023 offensive stalled.",
    "The statement came on April 26.",
    "The statement came on 26 April.",
    "Feb.06 - 2025 10:20 AM CET",
    "April 26, 2025 5:59 PM",
    "As of November 5th, the army advanced.",
    "He finished 3rd in the race.",
    "It was the fifth attempt.",
    "Russia deployed Su-34 bombers.",
    "Tanks such as the T-72 were lost.",
    "Ukraine asked for F-16 jets.",
    "They fired S-300 missiles.",
    "A Kh-101 cruise missile hit Kyiv.",
    "The M777 howitzer was hit.",
    "Tu-95 bombers took off.",
    "HIMARS struck a depot.",
    "The COVID-19 pandemic ended.",
    "Read more at https://example.com/news/2024/05/article-123",
    "Write to editor123@example.com for comment.",
    "Call +1-222-333-4444 for details.",
    "The vote happened on 5/17/2018.",
    "The meeting starts at 10:30.",
    "The strike happened at 5 p.m.",
    "Which one do you prefer?",
    "No one was hurt.",
    "They helped one another.",
    "One third of the land is mined.",
    "Russia used 2S19 howitzers.",
    "It was like the 1990s again.",
    "In January 1st, 2025, he spoke.",
    "The 9M723 missile was used.",
    "Visit www.site.org/page/42 now.",
    "Version 1.2.3 was released.",
    "It was his twenty-first birthday.",
    "Kyiv, 2025",
    "The 2024 Paris Olympics opened.",
    "The plan runs through 2030.",
    "Sunday March 9th, 2025",
];

fn show(text: &str, qs: &[Quantity]) -> String {
    qs.iter()
        .map(|q| format!("{:?}={} {:?}", &text[q.span.start..q.span.end], q.value, q.bound))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn table_of_news_figures() {
    let mut failures = Vec::new();
    for &(text, span, value, bound, unit, range, vague) in CASES {
        let qs = extract(text);
        let Some(q) = qs.iter().find(|q| &text[q.span.start..q.span.end] == span) else {
            failures.push(format!("{text:?}: expected span {span:?}, got [{}]", show(text, &qs)));
            continue;
        };
        let mut wrong = Vec::new();
        if (q.value - value).abs() > 1e-6 * value.abs().max(1.0) {
            wrong.push(format!("value {} (expected {value})", q.value));
        }
        if q.bound != bound {
            wrong.push(format!("bound {:?} (expected {bound:?})", q.bound));
        }
        if q.unit.as_ref().map(|u| u.kind) != unit {
            wrong.push(format!("unit {:?} (expected {unit:?})", q.unit.as_ref().map(|u| u.kind)));
        }
        if q.range.map(|r| (r.low, r.high)) != range {
            wrong.push(format!("range {:?} (expected {range:?})", q.range));
        }
        if q.vague != vague {
            wrong.push(format!("vague {} (expected {vague})", q.vague));
        }
        if qs.len() != 1 {
            wrong.push(format!("{} quantities, expected 1: [{}]", qs.len(), show(text, &qs)));
        }
        if !wrong.is_empty() {
            failures.push(format!("{text:?} {span:?}: {}", wrong.join("; ")));
        }
    }
    for &text in NONE {
        let qs = extract(text);
        if !qs.is_empty() {
            failures.push(format!("{text:?}: expected no quantity, got [{}]", show(text, &qs)));
        }
    }
    println!("{} figure cases, {} no-quantity cases", CASES.len(), NONE.len());
    assert!(CASES.len() + NONE.len() >= 200, "the table must keep at least 200 cases");
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        CASES.len() + NONE.len(),
        failures.join("\n")
    );
}

#[test]
fn bracketed_equivalent_is_linked_not_counted() {
    let text = "Ukraine captured about 1,300 square kilometers (500 square miles) of territory.";
    let qs = extract(text);
    assert_eq!(qs.len(), 1, "the bracketed figure is not a second quantity: [{}]", show(text, &qs));
    let eq = qs[0].equivalent.expect("the bracket is linked as the equivalent");
    assert_eq!(&text[eq.start..eq.end], "500 square miles");
    assert_eq!(&text[qs[0].number_span.start..qs[0].number_span.end], "1,300");
    assert_eq!(qs[0].unit.as_ref().map(|u| u.raw_value), Some(1300.0));
}

#[test]
fn rules_name_what_fired() {
    let cases = [
        ("lost 1,000 men", "digits"),
        ("lost 1.5 million men", "digits+scale"),
        ("lost three men", "words"),
        ("lost hundreds of men", "vague"),
        ("lost 3,000-5,000 men", "range"),
        ("took 500 square miles", "area"),
    ];
    for (text, rule) in cases {
        let qs = extract(text);
        assert_eq!(qs.len(), 1, "{text:?}");
        assert_eq!(&*qs[0].prov.rule, rule, "{text:?}");
        assert_eq!(&*qs[0].prov.stage, "numbers");
    }
}

#[test]
fn no_panic_on_odd_input() {
    let inputs = [
        "",
        "-",
        ".",
        "1",
        "-1",
        "1,",
        "1,00",
        "1 ",
        "$",
        "£",
        "(",
        "((1",
        "1-",
        "1–",
        "between",
        "between 1 and",
        "a",
        "a dozen",
        "half",
        "half a",
        "minus",
        "one-",
        "1.2.",
        "+",
        "1e",
        "٣",
        "１２３",
        "1\u{202f}",
        "1\u{a0}00",
        "\u{0}1\u{0}",
        "😀12😀",
        "12😀km",
        "over",
        "up to",
        "3 hundred and",
        "km²",
        "1,000,",
        "1,000.5.6",
    ];
    for s in inputs {
        let qs = extract(s);
        for q in qs {
            assert!(s.is_char_boundary(q.span.start) && s.is_char_boundary(q.span.end), "{s:?}");
            assert!(q.span.contains(q.number_span) || q.range.is_some(), "{s:?}");
        }
    }
}
