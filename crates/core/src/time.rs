//! Time: a clock passed in (domain code never reads the system clock itself) and tenant time
//! zones for day boundaries.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Days, LocalResult, NaiveDate, NaiveTime, TimeZone as _, Utc};

/// The source of "now".
pub trait Clock: Send + Sync {
    /// The current instant, UTC, truncated to microseconds (what both databases keep).
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        truncate_to_micros(Utc::now())
    }
}

/// Drops sub-microsecond precision so a value built in memory equals the one read back.
#[must_use]
pub fn truncate_to_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// An IANA time zone, such as `Asia/Kuala_Lumpur`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(chrono_tz::Tz);

/// Not an IANA time zone name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an IANA time zone")]
pub struct TimeZoneError(pub String);

impl TimeZone {
    /// UTC.
    pub const UTC: Self = Self(chrono_tz::UTC);

    /// The IANA name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// The local calendar date of an instant.
    #[must_use]
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.0).date_naive()
    }

    /// The local calendar year of an instant.
    #[must_use]
    pub fn local_year(&self, at: DateTime<Utc>) -> i32 {
        chrono::Datelike::year(&self.local_date(at))
    }

    /// The instant a local day starts. Where a DST change skips midnight, the first instant of
    /// that day that exists.
    #[must_use]
    pub fn start_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        let mut probe = date.and_time(NaiveTime::MIN);
        for _ in 0..=24 * 4 {
            match self.0.from_local_datetime(&probe) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
                    return t.with_timezone(&Utc);
                }
                LocalResult::None => probe += chrono::Duration::minutes(15),
            }
        }
        date.and_time(NaiveTime::MIN).and_utc()
    }

    /// The instant the local day after `date` starts.
    #[must_use]
    pub fn end_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        self.start_of_day(date.checked_add_days(Days::new(1)).unwrap_or(date))
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TimeZone {
    type Err = TimeZoneError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim()
            .parse::<chrono_tz::Tz>()
            .map(Self)
            .map_err(|_| TimeZoneError(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz(name: &str) -> TimeZone {
        name.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn days_follow_the_tenant_zone() {
        let kl = tz("Asia/Kuala_Lumpur");
        // 20:30 UTC on the 1st is 04:30 on the 2nd in Kuala Lumpur (UTC+8).
        let at = utc("2026-03-01T20:30:00Z");
        assert_eq!(kl.local_date(at).to_string(), "2026-03-02");
        assert_eq!(
            kl.start_of_day(kl.local_date(at)),
            utc("2026-03-01T16:00:00Z")
        );
        assert_eq!(
            kl.end_of_day(kl.local_date(at)),
            utc("2026-03-02T16:00:00Z")
        );
        assert_eq!(TimeZone::UTC.local_year(utc("2026-12-31T23:59:59Z")), 2026);
        assert_eq!(kl.local_year(utc("2026-12-31T16:00:00Z")), 2027);
    }

    #[test]
    fn a_skipped_midnight_starts_the_day_at_the_first_real_instant() {
        // Santiago skipped from 00:00 to 01:00 on 2026-09-06.
        let santiago = tz("America/Santiago");
        let date = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap_or_default();
        let start = santiago.start_of_day(date);
        assert_eq!(santiago.local_date(start), date);
    }

    #[test]
    fn rejects_unknown_zones() {
        assert!("Mars/Olympus".parse::<TimeZone>().is_err());
        assert_eq!(tz("UTC").name(), "UTC");
    }
}
