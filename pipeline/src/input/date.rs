//! Publication dates as corpora write them.

use chrono::NaiveDate;

/// Parse a publication date, keeping the calendar day as written (a time or
/// zone after it is ignored: the publisher's day is the one that counts).
///
/// Accepted: ISO dates and datetimes (`2022-01-25`, `2022-01-25T09:00:00Z`),
/// GDELT's compact form (`20220125T090000Z`), month-first (`Apr 26, 2025 10:00`,
/// `April 26, 2025`, `Sept. 5, 2024`), day-first (`26 April 2025`,
/// `Tue, 1 Jul 2003 10:52:37 +0200`) and Reuters' `26-FEB-1987 15:01:01.79`.
/// Anything else is `None`: an unknown date, not an error.
pub fn parse_published(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    iso(s).or_else(|| compact(s)).or_else(|| worded(s))
}

/// `YYYY-MM-DD`, alone or followed by a time.
fn iso(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' || !matches!(b.get(10), None | Some(b'T' | b't' | b' ')) {
        return None;
    }
    ymd(s.get(..4)?, s.get(5..7)?, s.get(8..10)?)
}

/// `YYYYMMDD`, alone or followed by `T` and a time.
fn compact(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() < 8 || !matches!(b.get(8), None | Some(b'T' | b't')) {
        return None;
    }
    ymd(s.get(..4)?, s.get(4..6)?, s.get(6..8)?)
}

/// Month names with day and year around them, in either order, optionally
/// after a weekday.
fn worded(s: &str) -> Option<NaiveDate> {
    let mut tokens = s.split([' ', ',', '-', '/', '.', '\t']).filter(|t| !t.is_empty());
    let mut first = tokens.next()?;
    if weekday(first) {
        first = tokens.next()?;
    }
    let (second, third) = (tokens.next()?, tokens.next()?);
    let (day, month) = match (month(first), month(second)) {
        (Some(m), None) => (second, m),
        (None, Some(m)) => (first, m),
        _ => return None,
    };
    let day: u32 = number(day, 2)?;
    let year: i32 = number(third, 4).filter(|_| third.len() == 4)?;
    NaiveDate::from_ymd_opt(year, month, day)
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(number(y, 4)?, number(m, 2)?, number(d, 2)?)
}

/// A number of at most `max_digits` ASCII digits.
fn number<T: std::str::FromStr>(s: &str, max_digits: usize) -> Option<T> {
    if s.is_empty() || s.len() > max_digits || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A month name, full or abbreviated to at least three letters (`Sept` too).
fn month(token: &str) -> Option<u32> {
    if token.len() < 3 || !token.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let lower = token.to_ascii_lowercase();
    MONTHS.iter().position(|m| m.starts_with(&lower)).map(|i| i as u32 + 1)
}

fn weekday(token: &str) -> bool {
    const DAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    let lower = token.to_ascii_lowercase();
    lower.len() >= 3 && DAYS.iter().any(|d| d.starts_with(&lower))
}
