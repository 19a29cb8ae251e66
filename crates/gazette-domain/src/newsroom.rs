use jiff::{Timestamp, ZonedDateTime, tz::TimeZone};

/// The publication itself: its name, where it lives on the web, the time
/// zone its editions, dates and weeks are read in, and its main language.
#[derive(Debug, Clone)]
pub struct Newsroom {
    pub name: String,
    /// Absolute base URL without a trailing slash, e.g. `https://news.example`.
    pub base_url: String,
    pub time_zone: TimeZone,
    /// BCP 47 language tag, e.g. `en`.
    pub language: String,
}

impl Newsroom {
    /// Now, on the newsroom's wall clock.
    pub fn now(&self) -> ZonedDateTime {
        Timestamp::now().to_zoned_datetime(self.time_zone.clone())
    }

    /// The IANA name of the newsroom's zone (`America/New_York`).
    pub fn time_zone_name(&self) -> &str {
        self.time_zone.iana_name().unwrap_or("UTC")
    }
}
