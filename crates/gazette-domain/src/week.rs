use std::{fmt, str::FromStr};

use jiff::{
    ToSpan, ZonedDateTime,
    civil::{Date, ISOWeekDate, Weekday},
    tz::TimeZone,
};
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The first year a newsroom's week can fall in: older archives than this
/// are not newspapers Gazette serves, and the bound keeps every week's
/// neighbours and bounds inside the calendar arithmetic can do.
pub const MIN_WEEK_YEAR: i16 = 1000;
/// The last year a week can fall in.
pub const MAX_WEEK_YEAR: i16 = 9998;

/// An ISO 8601 week (`2025-W48`): Monday to Sunday, numbered so that week 1
/// holds the year's first Thursday. A newsroom's week is read in its own
/// time zone, so the same instant can fall in different weeks for two
/// newsrooms.
///
/// Weeks exist from [`MIN_WEEK_YEAR`] to [`MAX_WEEK_YEAR`]; every operation
/// that could leave that range returns an error or `None` instead of
/// panicking, so that no input (`/top/9999-W52`) can crash a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IsoWeek {
    year: i16,
    week: i8,
    /// Worked out once on construction, so that reading them cannot fail.
    monday: Date,
    sunday: Date,
}

impl IsoWeek {
    pub fn new(year: i16, week: i8) -> Result<Self, DomainError> {
        let bad = |why: String| DomainError::Invalid {
            what: "ISO week",
            value: format!("{year}-W{week:02}"),
            why,
        };
        if !(MIN_WEEK_YEAR..=MAX_WEEK_YEAR).contains(&year) {
            return Err(bad(format!(
                "the year must be between {MIN_WEEK_YEAR} and {MAX_WEEK_YEAR}"
            )));
        }
        let monday = ISOWeekDate::new(year, week, Weekday::Monday)
            .map_err(|_| bad("that year has no such week (1 to 52 or 53)".into()))?
            .date();
        let sunday = ISOWeekDate::new(year, week, Weekday::Sunday)
            .map_err(|_| bad("that year has no such week (1 to 52 or 53)".into()))?
            .date();
        Ok(IsoWeek {
            year,
            week,
            monday,
            sunday,
        })
    }

    /// The week a calendar date belongs to.
    pub fn of_date(date: Date) -> Result<Self, DomainError> {
        let w = date.iso_week_date();
        Self::new(w.year(), w.week())
    }

    /// The week an instant falls in, read on the newsroom's wall clock.
    pub fn of_zoned(at: &ZonedDateTime) -> Result<Self, DomainError> {
        Self::of_date(at.date())
    }

    pub fn year(self) -> i16 {
        self.year
    }

    pub fn week(self) -> i8 {
        self.week
    }

    /// The Monday that opens the week.
    pub fn monday(self) -> Date {
        self.monday
    }

    /// The Sunday that closes the week.
    pub fn sunday(self) -> Date {
        self.sunday
    }

    /// Monday 00:00 in `tz`, the first instant of the week. Across a
    /// daylight-saving change the week is 167 or 169 hours long; this is
    /// always the local midnight (or the first instant after it, where a
    /// zone skips midnight).
    pub fn start(self, tz: &TimeZone) -> Result<ZonedDateTime, DomainError> {
        self.monday
            .to_zoned_datetime(tz.clone())
            .map_err(|e| self.calendar_error(e))
    }

    /// The first instant after the week (next Monday 00:00 in `tz`).
    pub fn end(self, tz: &TimeZone) -> Result<ZonedDateTime, DomainError> {
        self.sunday
            .checked_add(1.day())
            .and_then(|d| d.to_zoned_datetime(tz.clone()))
            .map_err(|e| self.calendar_error(e))
    }

    /// The week after this one, if it is within range.
    pub fn next(self) -> Option<Self> {
        Self::of_date(self.sunday.checked_add(1.day()).ok()?).ok()
    }

    /// The week before this one, if it is within range.
    pub fn previous(self) -> Option<Self> {
        Self::of_date(self.monday.checked_sub(1.day()).ok()?).ok()
    }

    /// This week moved by `weeks` (negative: back), if within range.
    pub fn offset(self, weeks: i64) -> Option<Self> {
        let day = self.monday.checked_add(weeks.checked_mul(7)?.days()).ok()?;
        Self::of_date(day).ok()
    }

    fn calendar_error(self, e: jiff::Error) -> DomainError {
        DomainError::Invalid {
            what: "ISO week",
            value: self.to_string(),
            why: e.to_string(),
        }
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

impl FromStr for IsoWeek {
    type Err = DomainError;

    /// Parses `2025-W48` (also `2025-w48` and `2025W48`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| DomainError::Invalid {
            what: "ISO week",
            value: s.chars().take(40).collect(),
            why: why.to_owned(),
        };
        if s.len() > 16 {
            return Err(bad("write it as YEAR-Wweek, e.g. 2025-W48"));
        }
        let upper = s.trim().to_ascii_uppercase();
        let (y, w) = upper
            .split_once("-W")
            .or_else(|| upper.split_once('W'))
            .ok_or_else(|| bad("write it as YEAR-Wweek, e.g. 2025-W48"))?;
        if y.is_empty() || !y.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("the year is not a number of four digits"));
        }
        if w.is_empty() || w.len() > 2 || !w.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("the week is not a number from 1 to 53"));
        }
        let year: i16 = y
            .parse()
            .map_err(|_| bad("the year is not a number of four digits"))?;
        let week: i8 = w
            .parse()
            .map_err(|_| bad("the week is not a number from 1 to 53"))?;
        IsoWeek::new(year, week).map_err(|e| match e {
            DomainError::Invalid { why, .. } => bad(&why),
            e => e,
        })
    }
}

impl TryFrom<String> for IsoWeek {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<IsoWeek> for String {
    fn from(w: IsoWeek) -> String {
        w.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use rstest::rstest;

    fn week(s: &str) -> IsoWeek {
        s.parse().unwrap()
    }

    #[rstest]
    #[case(date(2025, 11, 25), "2025-W48")]
    #[case(date(2025, 11, 24), "2025-W48")]
    #[case(date(2025, 11, 30), "2025-W48")]
    #[case(date(2025, 12, 1), "2025-W49")]
    #[case(date(1995, 1, 1), "1994-W52")]
    #[case(date(2020, 12, 31), "2020-W53")]
    #[case(date(2026, 1, 1), "2026-W01")]
    fn weeks_of_dates(#[case] d: Date, #[case] want: &str) {
        assert_eq!(IsoWeek::of_date(d).unwrap().to_string(), want);
    }

    #[test]
    fn week_is_read_on_the_newsroom_clock() {
        // Monday 2025-11-24 03:00 UTC is still Sunday evening in New York.
        let at: ZonedDateTime = "2025-11-24T03:00:00+00:00[UTC]".parse().unwrap();
        let ny = at.in_tz("America/New_York").unwrap();
        assert_eq!(IsoWeek::of_zoned(&at).unwrap().to_string(), "2025-W48");
        assert_eq!(IsoWeek::of_zoned(&ny).unwrap().to_string(), "2025-W47");
    }

    #[test]
    fn week_across_dst_change_starts_at_local_midnight() {
        let tz = TimeZone::get("America/New_York").unwrap();
        // 2025-W45 holds the end of DST (Sunday 2025-11-02 is in W44).
        let w44 = week("2025-W44");
        let start = w44.start(&tz).unwrap();
        let end = w44.end(&tz).unwrap();
        assert_eq!(
            start.to_string(),
            "2025-10-27T00:00:00-04:00[America/New_York]"
        );
        assert_eq!(
            end.to_string(),
            "2025-11-03T00:00:00-05:00[America/New_York]"
        );
        let hours = (end.timestamp().as_second() - start.timestamp().as_second()) / 3600;
        assert_eq!(hours, 169);
    }

    #[test]
    fn week_across_spring_forward_is_167_hours() {
        let tz = TimeZone::get("America/New_York").unwrap();
        // DST began on Sunday 2026-03-08 at 02:00 in New York.
        let w = week("2026-W10");
        let (start, end) = (w.start(&tz).unwrap(), w.end(&tz).unwrap());
        assert_eq!(
            start.to_string(),
            "2026-03-02T00:00:00-05:00[America/New_York]"
        );
        assert_eq!(
            end.to_string(),
            "2026-03-09T00:00:00-04:00[America/New_York]"
        );
        assert_eq!(
            (end.timestamp().as_second() - start.timestamp().as_second()) / 3600,
            167
        );
        // Sunday 23:30 in New York is already Monday in UTC, and still this week here.
        let late: ZonedDateTime = "2026-03-08T23:30:00-04:00[America/New_York]"
            .parse()
            .unwrap();
        assert_eq!(IsoWeek::of_zoned(&late).unwrap(), w);
        assert_eq!(
            IsoWeek::of_zoned(&late.in_tz("UTC").unwrap()).unwrap(),
            w.next().unwrap()
        );
    }

    #[rstest]
    #[case("2025-W48", true)]
    #[case("2025w48", true)]
    #[case("2020-W53", true)]
    #[case("1000-W01", true)]
    #[case("9998-W52", true)]
    #[case("2025-W53", false)]
    #[case("2025-W00", false)]
    #[case("week 48", false)]
    #[case("9999-W52", false)]
    #[case("-9999-W01", false)]
    #[case("0999-W10", false)]
    #[case("2025-W+1", false)]
    #[case("2025-W-1", false)]
    #[case("+2025-W01", false)]
    #[case("20250000000000000000-W01", false)]
    #[case("", false)]
    #[case("W", false)]
    fn parse_weeks(#[case] s: &str, #[case] ok: bool) {
        assert_eq!(s.parse::<IsoWeek>().is_ok(), ok, "{s}");
    }

    #[test]
    fn next_and_previous_cross_years() {
        let w = week("2020-W53");
        assert_eq!(w.next().unwrap().to_string(), "2021-W01");
        assert_eq!(w.next().unwrap().previous(), Some(w));
        assert_eq!(w.offset(-3).unwrap().to_string(), "2020-W50");
        assert_eq!(w.offset(1), w.next());
    }

    #[test]
    fn the_ends_of_the_range_answer_none_instead_of_panicking() {
        let last = IsoWeek::new(MAX_WEEK_YEAR, 53)
            .or_else(|_| IsoWeek::new(MAX_WEEK_YEAR, 52))
            .unwrap();
        assert_eq!(last.next(), None);
        assert!(last.offset(i64::MAX).is_none());
        let first = IsoWeek::new(MIN_WEEK_YEAR, 1).unwrap();
        assert_eq!(first.previous(), None);
        assert!(first.offset(i64::MIN).is_none());
        let tz = TimeZone::get("Pacific/Kiritimati").unwrap();
        assert!(last.end(&tz).is_ok());
        assert!(first.start(&tz).is_ok());
        assert!(IsoWeek::of_date(date(9999, 12, 31)).is_err());
        assert!(IsoWeek::of_date(date(-9999, 1, 1)).is_err());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any text: a week or an error, never a panic; a week prints back
        /// as what parses to it.
        #[test]
        fn any_text_parses_or_is_refused(s in ".{0,24}") {
            if let Ok(w) = s.parse::<IsoWeek>() {
                prop_assert_eq!(w.to_string().parse::<IsoWeek>().unwrap(), w);
            }
        }

        #[test]
        fn week_shaped_text_round_trips(y in -20000i32..20000, w in -5i32..60) {
            let s = format!("{y}-W{w:02}");
            if let Ok(week) = s.parse::<IsoWeek>() {
                prop_assert_eq!(week.to_string(), s);
                let tz = TimeZone::get("Pacific/Kiritimati").unwrap();
                prop_assert!(week.start(&tz).is_ok() && week.end(&tz).is_ok());
                let _ = (week.next(), week.previous(), week.offset(i64::from(w) * 1000));
            }
        }

        /// Every date jiff knows: a week or an error, never a panic.
        #[test]
        fn every_date_has_a_week_or_an_error(days in -3_652_059i64..3_652_059) {
            let d = Date::new(1970, 1, 1).unwrap().checked_add(jiff::Span::new().days(days));
            if let Ok(d) = d {
                let _ = IsoWeek::of_date(d);
            }
        }
    }
}
