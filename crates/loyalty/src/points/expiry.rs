//! When points expire, and how many. Points spent, taken back or expired are taken from the
//! credits that expire soonest (points that never expire last), so what expires is what is
//! left of the credits whose time has come, and expiring twice takes nothing more.

use chrono::{DateTime, Months, Utc};
use kedai_core::TimeZone;

/// Points added to a balance, and when they expire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credit {
    /// Points added (positive).
    pub points: i64,
    /// When they expire; `None`: never.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A customer's points as expiry sees them: every credit, and everything taken off since the
/// first (spent, taken back, adjusted down, expired), as a positive sum.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExpiryPosition {
    /// Every credit.
    pub credits: Vec<Credit>,
    /// Σ of every debit, positive.
    pub debited: i64,
}

/// When points earned at `earned_at` expire: at the end of the merchant-local day `months`
/// months later (the start of the local day after). A day that does not exist in the later
/// month is the month's last (31 January + 1 month is 28 or 29 February).
#[must_use]
pub fn expires_at(earned_at: DateTime<Utc>, months: i64, zone: TimeZone) -> DateTime<Utc> {
    let day = zone.local_date(earned_at);
    let months = u32::try_from(months.max(0)).unwrap_or(u32::MAX);
    let last = day.checked_add_months(Months::new(months)).unwrap_or(day);
    zone.end_of_day(last)
}

fn in_spending_order(credits: &[Credit]) -> Vec<Credit> {
    let mut sorted = credits.to_vec();
    // Soonest first; never-expiring last. Stable, so equal expiries keep their order.
    sorted.sort_by_key(|c| (c.expires_at.is_none(), c.expires_at));
    sorted
}

impl ExpiryPosition {
    /// How many points expire at `now`: what is left unspent of the credits expiring at or
    /// before `now`.
    #[must_use]
    pub fn due(&self, now: DateTime<Utc>) -> i64 {
        let expired: i64 = self
            .credits
            .iter()
            .filter(|c| c.expires_at.is_some_and(|e| e <= now))
            .map(|c| c.points.max(0))
            .sum();
        (expired - self.debited.max(0)).max(0)
    }

    /// When the next unspent points expire after `now`, if any do.
    #[must_use]
    pub fn next_expiry(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut consumed = self.debited.max(0);
        for c in in_spending_order(&self.credits) {
            let take = consumed.min(c.points.max(0));
            consumed -= take;
            let left = c.points.max(0) - take;
            if left > 0 {
                match c.expires_at {
                    Some(e) if e > now => return Some(e),
                    Some(_) => {}
                    None => return None,
                }
            }
        }
        None
    }
}
