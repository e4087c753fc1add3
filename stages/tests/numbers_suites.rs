//! External suites: Recognizers-Text `numbers_en.json` (NumberModel) and
//! `number_ranges_en.json` (NumberRangeModel), scored by exact match.
//!
//! Pass rule (per case): the *set* of results we extract equals the expected set.
//! * numbers: a result is (char span, value). Ours is the figure alone
//!   (`number_span`, the scale word or suffix included) and its value as written
//!   (`unit.raw_value` when a unit converted it). RT's NumberModel reports numbers
//!   inside money ("$20" → "20"), so the currency sign is outside both spans.
//! * ranges: a result is (char span, interval ends). Ours are the quantities with
//!   an interval: a range [low, high], at_least → [v, ∞), at_most → (−∞, v]. Bound
//!   has no strictness (CLAIMS.md: "more than" and "at least" are both at_least),
//!   so open/closed ends are not compared; only the two end values are.
//!
//! Cases our design treats differently are listed in the exclusion tables below,
//! with the reason, and reported separately; they are never dropped silently.

use claimex_pipeline::{Bound, CharIndex, Quantity};
use claimex_stages::numbers::extract;
use serde_json::Value;

/// (first id, last id, reason): cases of RT's NumberModel out of scope by design.
const NUMBER_EXCLUSIONS: &[(&str, &str, &str)] = &[
    ("0002", "0002", "dotted digit chains (IP addresses, versions) are identifiers, not four numbers"),
    ("0003", "0005", "a number glued to a unit ('180ml', '29km') is a quantity with that unit for us; RT drops it"),
    ("0007", "0007", "a number glued to a unit ('.25ml') is a quantity with that unit for us; RT drops it"),
    ("0147", "0147", "a number glued to a unit ('1m') is a quantity with that unit for us; RT drops it"),
    ("0013", "0013", "fractions are not cardinal quantities"),
    ("0015", "0015", "fractions are not cardinal quantities"),
    ("0019", "0020", "fractions are not cardinal quantities"),
    ("0032", "0033", "fractions are not cardinal quantities"),
    ("0063", "0079", "fractions are not cardinal quantities"),
    ("0090", "0125", "fractions are not cardinal quantities"),
    ("0127", "0128", "fractions are not cardinal quantities"),
    ("0131", "0137", "fractions are not cardinal quantities"),
    ("0162", "0162", "fractions are not cardinal quantities ('more than half')"),
    ("0165", "0165", "fractions are not cardinal quantities ('2000 over 3')"),
    ("0182", "0186", "fractions are not cardinal quantities"),
    ("0202", "0204", "fractions are not cardinal quantities ('one million and a half')"),
    ("0206", "0216", "fractions are not cardinal quantities"),
    ("0223", "0224", "fractions are not cardinal quantities"),
    ("0058", "0059", "scientific notation and powers are not news figures"),
    ("0080", "0088", "scientific notation and powers are not news figures"),
    ("0191", "0193", "scientific notation and powers are not news figures"),
    ("0056", "0057", "spoken decimals ('two hundred point zero three'): news writes decimals in digits"),
    ("0129", "0129", "spoken decimals ('minus five point five'): news writes decimals in digits"),
    ("0231", "0232", "spoken decimals ('nine point nought four'): news writes decimals in digits"),
    ("0235", "0235", "spoken decimals ('naught point five'): news writes decimals in digits"),
    ("0042", "0042", "a hyphen followed by a space is a dash or a bullet in news, not a minus sign"),
    ("0041", "0041", "'G' (giga) is not a scale suffix: in news '5G', '4G' are names"),
    ("0194", "0194", "'G' (giga) is not a scale suffix: in news '5G', '4G' are names"),
    ("0144", "0144", "dates ('5/17/2018') are not quantities"),
    ("0145", "0145", "phone numbers are identifiers, not quantities"),
    ("0190", "0190", "a number joined to letters by a hyphen ('SCP-173') is part of a name"),
    ("0160", "0160", "a comma before one or two digits ends an English number ('5,00'); no decimal comma"),
    ("0174", "0174", "Indian digit grouping ('12,34,567') is not used in English conflict news"),
    ("0188", "0188", "'1.111,11' with a single dot group: European grouping only with unambiguous patterns"),
    ("0201", "0201", "a comma before one or two digits ends an English number ('1,3'); no decimal comma"),
];

/// Cases of RT's NumberRangeModel out of scope by design.
const RANGE_EXCLUSIONS: &[(&str, &str, &str)] = &[
    (
        "0002",
        "0002",
        "two comparisons joined into one interval ('larger than X and less than Y'): news bounds one figure",
    ),
    ("0007", "0009", "two comparisons joined into one interval: news bounds one figure"),
    ("0013", "0013", "two comparisons joined into one interval: news bounds one figure"),
    ("0032", "0032", "two comparisons joined into one interval: news bounds one figure"),
    ("0081", "0081", "two comparisons joined into one interval: news bounds one figure"),
    ("0085", "0086", "two comparisons joined into one interval: news bounds one figure"),
    ("0004", "0004", "ordinals are not quantities"),
    ("0006", "0006", "ordinals are not quantities"),
    ("0014", "0014", "fractions are not cardinal quantities"),
    ("0022", "0022", "fractions are not cardinal quantities"),
    ("0033", "0033", "fractions are not cardinal quantities"),
    ("0058", "0058", "fractions are not cardinal quantities ('2 in 5')"),
    ("0072", "0072", "fractions are not cardinal quantities ('more than half')"),
    ("0030", "0030", "equality ('equal to 170') is an exact figure, not an interval"),
    ("0034", "0035", "equality ('equals 20') is an exact figure, not an interval"),
    ("0046", "0046", "equality ('equal to 5000') is an exact figure, not an interval"),
    ("0048", "0048", "equality ('equal to 5000') is an exact figure, not an interval"),
    ("0052", "0053", "equality ('equal to 6000') is an exact figure, not an interval"),
    ("0069", "0069", "equality ('equals to 20000') is an exact figure, not an interval"),
    ("0010", "0010", "the span covers every qualifier of the figure ('about 20~100')"),
    ("0020", "0021", "the span covers every qualifier of the figure ('about five hundred or more')"),
    ("0025", "0025", "the span covers every qualifier of the figure ('about five hundred or less')"),
    ("0017", "0018", "the span covers the unit after the figure ('more than thirty years')"),
    ("0070", "0070", "upstream expects no range in 'from 200 to 300 in 2008' but one in the same 0071 phrasing"),
];

fn excluded<'a>(table: &'a [(&str, &str, &str)], id: &str) -> Option<&'a str> {
    let n = id.rsplit('-').next().unwrap_or("");
    table.iter().find(|(a, b, _)| *a <= n && n <= *b).map(|(_, _, r)| *r)
}

fn load(path: &str) -> Vec<Value> {
    let p = format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&p).expect("suite file")).expect("suite json")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

type Key = (usize, usize, Option<f64>, Option<f64>);

fn same(mut a: Vec<Key>, mut b: Vec<Key>) -> bool {
    let k = |x: &Key| (x.0, x.1);
    a.sort_by_key(k);
    b.sort_by_key(k);
    let eq = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) => close(x, y),
        (None, None) => true,
        _ => false,
    };
    a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| k(x) == k(y) && eq(x.2, y.2) && eq(x.3, y.3))
}

fn number_keys(text: &str, qs: &[Quantity]) -> Vec<Key> {
    let idx = CharIndex::new(text);
    qs.iter()
        .map(|q| {
            let [s, e] = idx.chars(q.number_span);
            let v = q.unit.as_ref().map_or(q.value, |u| u.raw_value);
            (s, e, Some(v), None)
        })
        .collect()
}

fn range_keys(text: &str, qs: &[Quantity]) -> Vec<Key> {
    let idx = CharIndex::new(text);
    qs.iter()
        .filter_map(|q| {
            let [s, e] = idx.chars(q.span);
            match (q.range, q.bound) {
                (Some(r), _) => Some((s, e, Some(r.low), Some(r.high))),
                (None, Bound::AtLeast) => Some((s, e, Some(q.value), None)),
                (None, Bound::AtMost) => Some((s, e, None, Some(q.value))),
                _ => None,
            }
        })
        .collect()
}

fn run(file: &str, exclusions: &[(&str, &str, &str)], ranges: bool) -> f64 {
    let cases = load(file);
    let (mut pass, mut total, mut excl, mut excl_pass) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for c in &cases {
        let id = c["id"].as_str().unwrap();
        let input = c["input"].as_str().unwrap();
        let qs = extract(input);
        let got = if ranges { range_keys(input, &qs) } else { number_keys(input, &qs) };
        let want: Vec<Key> = c["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let (s, e) = (r["start"].as_u64().unwrap() as usize, r["end"].as_u64().unwrap() as usize);
                if ranges {
                    (s, e, r["range"]["min"].as_f64(), r["range"]["max"].as_f64())
                } else {
                    (s, e, r["value"].as_f64(), None)
                }
            })
            .collect();
        let ok = same(got.clone(), want.clone());
        if let Some(reason) = excluded(exclusions, id) {
            excl += 1;
            excl_pass += usize::from(ok);
            let _ = reason;
            continue;
        }
        total += 1;
        if ok {
            pass += 1;
        } else {
            failures.push(format!("  {id} {input:?}\n    expected {want:?}\n    got      {got:?}"));
        }
    }
    let rate = 100.0 * pass as f64 / total.max(1) as f64;
    println!(
        "{file}: {pass}/{total} in scope pass ({rate:.1} %); {excl} excluded by design ({excl_pass} of them pass anyway); {} cases",
        cases.len()
    );
    let mut reasons: Vec<&str> = exclusions.iter().map(|e| e.2).collect();
    reasons.sort_unstable();
    reasons.dedup();
    for r in reasons {
        let n = cases.iter().filter(|c| excluded(exclusions, c["id"].as_str().unwrap()) == Some(r)).count();
        println!("  excluded {n:>3}: {r}");
    }
    for f in &failures {
        println!("{f}");
    }
    rate
}

#[test]
fn recognizers_numbers_en() {
    let rate = run("testsuites/numbers_en.json", NUMBER_EXCLUSIONS, false);
    assert!(rate >= 90.0, "numbers_en exact pass rate {rate:.1} % is below 90 %");
}

#[test]
fn recognizers_number_ranges_en() {
    let rate = run("testsuites/number_ranges_en.json", RANGE_EXCLUSIONS, true);
    assert!(rate >= 90.0, "number_ranges_en exact pass rate {rate:.1} % is below 90 %");
}
