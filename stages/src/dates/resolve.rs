//! Turning a parsed date expression into a calendar date, given the
//! publication date. News reports the past, so a date without a year, a bare
//! month or a bare weekday is the latest one not after publication (the
//! publication day itself counts); with an explicit future cue ("will … on
//! March 3") it is the earliest one not before publication.

use chrono::{Datelike, Days, Months, NaiveDate};

use super::lexicon::{Anchor, Rel, Unit};

/// A date expression as parsed, before resolution.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Expr {
    /// A full date (`None` fields never occur; an impossible date resolves to nothing).
    Ymd(i32, u32, u32),
    /// A month and day without a year.
    Md(u32, u32),
    Ym(i32, u32),
    Year(i32),
    /// A month name without a year ("in August", "last August").
    Month(u32, Rel),
    /// A weekday (1 = Monday) ("on Wednesday", "last Wednesday").
    Weekday(u32, Rel),
    /// A day of the month with an optional weekday ("Thursday the 21st").
    Dom(Option<u32>, u32),
    /// A fixed relative expression ("yesterday", "last week").
    Offset(Anchor, i32),
    /// A stretch back from publication ("over the past six months",
    /// "two days ago"); `None` when the count is vague.
    Back(Unit, Option<u32>),
    /// Recognised as a date but not resolvable by design (ambiguous numeric
    /// day/month order).
    Unresolvable,
}

impl Expr {
    /// Whether resolving needs the publication date.
    pub(crate) fn is_relative(self) -> bool {
        !matches!(self, Expr::Ymd(..) | Expr::Ym(..) | Expr::Year(_) | Expr::Unresolvable)
    }

    /// Whether an explicit future cue changes the resolution.
    pub(crate) fn takes_tense(self) -> bool {
        matches!(self, Expr::Md(..) | Expr::Month(_, Rel::Plain) | Expr::Weekday(_, Rel::Plain) | Expr::Dom(..))
    }

    /// The resolved date, or `None` when it cannot be computed.
    pub(crate) fn resolve(self, published: Option<NaiveDate>, future: bool) -> Option<NaiveDate> {
        match self {
            Expr::Ymd(y, m, d) => NaiveDate::from_ymd_opt(y, m, d),
            Expr::Ym(y, m) => NaiveDate::from_ymd_opt(y, m, 1),
            Expr::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1),
            Expr::Unresolvable => None,
            _ => self.resolve_relative(published?, future),
        }
    }

    fn resolve_relative(self, p: NaiveDate, future: bool) -> Option<NaiveDate> {
        match self {
            Expr::Md(m, d) => {
                // Up to eight years either way, so that 29 February finds a leap year.
                let years = (0..=8).map(|k| if future { p.year() + k } else { p.year() - k });
                years
                    .filter_map(|y| NaiveDate::from_ymd_opt(y, m, d))
                    .find(|&date| if future { date >= p } else { date <= p })
            }
            Expr::Month(m, rel) => {
                let pm = p.month();
                let year = match rel {
                    Rel::Plain if future => p.year() + i32::from(m < pm),
                    Rel::Plain => p.year() - i32::from(m > pm),
                    Rel::Last => p.year() - i32::from(m >= pm),
                    Rel::This => p.year(),
                    Rel::Next => p.year() + i32::from(m <= pm),
                };
                NaiveDate::from_ymd_opt(year, m, 1)
            }
            Expr::Weekday(wd, rel) => {
                let pw = p.weekday().number_from_monday();
                let monday = p.checked_sub_days(Days::new(u64::from(pw - 1)))?;
                match rel {
                    Rel::Plain if future => p.checked_add_days(Days::new(u64::from((wd + 7 - pw) % 7))),
                    Rel::Plain => p.checked_sub_days(Days::new(u64::from((pw + 7 - wd) % 7))),
                    Rel::Last => p.checked_sub_days(Days::new(u64::from((pw + 6 - wd) % 7 + 1))),
                    Rel::This => monday.checked_add_days(Days::new(u64::from(wd - 1))),
                    Rel::Next => monday.checked_add_days(Days::new(u64::from(wd + 6))),
                }
            }
            Expr::Dom(wd, d) => {
                let months = |k: u32| {
                    if future {
                        first_of_month(p)?.checked_add_months(Months::new(k))
                    } else {
                        first_of_month(p)?.checked_sub_months(Months::new(k))
                    }
                };
                let candidates = (0..=12)
                    .filter_map(months)
                    .filter_map(|m| NaiveDate::from_ymd_opt(m.year(), m.month(), d))
                    .filter(|&date| if future { date >= p } else { date <= p });
                let mut first = None;
                for date in candidates {
                    if wd.is_none_or(|w| date.weekday().number_from_monday() == w) {
                        return Some(date);
                    }
                    first.get_or_insert(date);
                }
                first
            }
            Expr::Offset(anchor, n) => match anchor {
                Anchor::Day => add_days(p, i64::from(n)),
                Anchor::Week => {
                    let monday = p.checked_sub_days(Days::new(u64::from(p.weekday().number_from_monday() - 1)))?;
                    add_days(monday, 7 * i64::from(n))
                }
                Anchor::Month => add_months(first_of_month(p)?, n),
                Anchor::Year => NaiveDate::from_ymd_opt(p.year().checked_add(n)?, 1, 1),
                Anchor::None => None,
            },
            Expr::Back(unit, n) => {
                let n = n?;
                match unit {
                    Unit::Hour => p.checked_sub_days(Days::new(u64::from(n.div_ceil(24)))),
                    Unit::Day => p.checked_sub_days(Days::new(u64::from(n))),
                    Unit::Week => p.checked_sub_days(Days::new(7 * u64::from(n))),
                    Unit::Month => p.checked_sub_months(Months::new(n)),
                    Unit::Year => p.checked_sub_months(Months::new(n.checked_mul(12)?)),
                    Unit::Decade => p.checked_sub_months(Months::new(n.checked_mul(120)?)),
                }
            }
            Expr::Ymd(..) | Expr::Ym(..) | Expr::Year(_) | Expr::Unresolvable => self.resolve(Some(p), future),
        }
    }
}

fn first_of_month(d: NaiveDate) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1)
}

fn add_days(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    if n >= 0 {
        d.checked_add_days(Days::new(n as u64))
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs()))
    }
}

fn add_months(d: NaiveDate, n: i32) -> Option<NaiveDate> {
    if n >= 0 {
        d.checked_add_months(Months::new(n as u32))
    } else {
        d.checked_sub_months(Months::new(n.unsigned_abs()))
    }
}
