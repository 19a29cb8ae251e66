use std::{fmt, str::FromStr};

use jiff::{
    ZonedDateTime,
    civil::{Date, ISOWeekDate, Weekday},
    tz::TimeZone,
};
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// An ISO 8601 week (`2025-W48`): Monday to Sunday, numbered so that week 1
/// holds the year's first Thursday. A newsroom's week is read in its own
/// time zone, so the same instant can fall in different weeks for two
/// newsrooms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IsoWeek {
    year: i16,
    week: i8,
}

impl IsoWeek {
    pub fn new(year: i16, week: i8) -> Result<Self, DomainError> {
        ISOWeekDate::new(year, week, Weekday::Monday).map_err(|e| DomainError::Invalid {
            what: "ISO week",
            value: format!("{year}-W{week:02}"),
            why: e.to_string(),
        })?;
        Ok(IsoWeek { year, week })
    }

    /// The week a calendar date belongs to.
    pub fn of_date(date: Date) -> Self {
        let w = date.iso_week_date();
        IsoWeek {
            year: w.year(),
            week: w.week(),
        }
    }

    /// The week an instant falls in, read on the newsroom's wall clock.
    pub fn of_zoned(at: &ZonedDateTime) -> Self {
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
        ISOWeekDate::new(self.year, self.week, Weekday::Monday)
            .expect("validated on construction")
            .date()
    }

    /// The Sunday that closes the week.
    pub fn sunday(self) -> Date {
        ISOWeekDate::new(self.year, self.week, Weekday::Sunday)
            .expect("validated on construction")
            .date()
    }

    /// Monday 00:00 in `tz`, the first instant of the week. Across a
    /// daylight-saving change the week is 167 or 169 hours long; this is
    /// always the local midnight.
    pub fn start(self, tz: &TimeZone) -> ZonedDateTime {
        self.monday()
            .to_zoned_datetime(tz.clone())
            .expect("a Monday midnight exists in every zone jiff knows")
    }

    /// The first instant after the week (next Monday 00:00 in `tz`).
    pub fn end(self, tz: &TimeZone) -> ZonedDateTime {
        self.next().start(tz)
    }

    pub fn next(self) -> Self {
        Self::of_date(self.sunday().tomorrow().expect("within jiff's range"))
    }

    pub fn previous(self) -> Self {
        Self::of_date(self.monday().yesterday().expect("within jiff's range"))
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
            value: s.to_owned(),
            why: why.to_owned(),
        };
        let upper = s.trim().to_ascii_uppercase();
        let (y, w) = upper
            .split_once("-W")
            .or_else(|| upper.split_once('W'))
            .ok_or_else(|| bad("write it as YEAR-Wweek, e.g. 2025-W48"))?;
        let year: i16 = y.parse().map_err(|_| bad("the year is not a number"))?;
        let week: i8 = w.parse().map_err(|_| bad("the week is not a number"))?;
        IsoWeek::new(year, week).map_err(|_| bad("that year has no such week (1 to 52 or 53)"))
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

    #[rstest]
    #[case(date(2025, 11, 25), "2025-W48")]
    #[case(date(2025, 11, 24), "2025-W48")]
    #[case(date(2025, 11, 30), "2025-W48")]
    #[case(date(2025, 12, 1), "2025-W49")]
    #[case(date(1995, 1, 1), "1994-W52")]
    #[case(date(2020, 12, 31), "2020-W53")]
    #[case(date(2026, 1, 1), "2026-W01")]
    fn weeks_of_dates(#[case] d: Date, #[case] want: &str) {
        assert_eq!(IsoWeek::of_date(d).to_string(), want);
    }

    #[test]
    fn week_is_read_on_the_newsroom_clock() {
        // Monday 2025-11-24 03:00 UTC is still Sunday evening in New York.
        let at: ZonedDateTime = "2025-11-24T03:00:00+00:00[UTC]".parse().unwrap();
        let ny = at.in_tz("America/New_York").unwrap();
        assert_eq!(IsoWeek::of_zoned(&at).to_string(), "2025-W48");
        assert_eq!(IsoWeek::of_zoned(&ny).to_string(), "2025-W47");
    }

    #[test]
    fn week_across_dst_change_starts_at_local_midnight() {
        let tz = TimeZone::get("America/New_York").unwrap();
        // 2025-W45 holds the end of DST (Sunday 2025-11-02 is in W44).
        let w44: IsoWeek = "2025-W44".parse().unwrap();
        let start = w44.start(&tz);
        let end = w44.end(&tz);
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
        let w: IsoWeek = "2026-W10".parse().unwrap();
        let (start, end) = (w.start(&tz), w.end(&tz));
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
        assert_eq!(IsoWeek::of_zoned(&late), w);
        assert_eq!(IsoWeek::of_zoned(&late.in_tz("UTC").unwrap()), w.next());
    }

    #[rstest]
    #[case("2025-W48", true)]
    #[case("2025w48", true)]
    #[case("2020-W53", true)]
    #[case("2025-W53", false)]
    #[case("2025-W00", false)]
    #[case("week 48", false)]
    fn parse_weeks(#[case] s: &str, #[case] ok: bool) {
        assert_eq!(s.parse::<IsoWeek>().is_ok(), ok, "{s}");
    }

    #[test]
    fn next_and_previous_cross_years() {
        let w: IsoWeek = "2020-W53".parse().unwrap();
        assert_eq!(w.next().to_string(), "2021-W01");
        assert_eq!(w.next().previous(), w);
    }
}
