//! The order summary of the `order-summary` edge function: per period, the orders created in
//! it, their value, and the paid and cancel rates, with a daily series in the tenant's zone.
//!
//! Definitions:
//! - `total_orders`: orders created in the period, whatever their status;
//! - `total_amount`: Σ totals of those orders, except cancelled and refunded ones;
//! - `paid_rate`: share of those orders that were ever paid (`paid_at` set), 0–1, 4 decimals;
//! - `cancel_rate`: share of those orders now cancelled or refunded, 0–1, 4 decimals;
//! - both rates are 0 when the period has no orders.

use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use kedai_core::TimeZone;
use std::collections::BTreeMap;

use crate::OrderStatus;

kedai_core::text_enum! {
    /// A reporting period ending today (inclusive), in the tenant's time zone.
    #[derive(PartialOrd, Ord)]
    pub enum Period ("a period_label") {
        /// Since local midnight.
        Today = "today",
        /// Today and the 6 days before.
        Last7Days = "last_7_days",
        /// Today and the 29 days before.
        Last30Days = "last_30_days",
        /// Today and the 59 days before.
        Last60Days = "last_60_days",
        /// From the day after the same date 6 months ago.
        Last6Months = "last_6_months",
        /// From the day after the same date a year ago.
        Last1Year = "last_1_year",
    }
}

impl Period {
    /// The `period_label`.
    #[must_use]
    pub const fn label(self) -> &'static str {
        self.as_str()
    }

    /// The first local date of the period that ends on `today`.
    #[must_use]
    pub fn first_day(self, today: NaiveDate) -> NaiveDate {
        let back_days = |n: u64| today.checked_sub_days(Days::new(n)).unwrap_or(today);
        let back_months = |n: u32| {
            today
                .checked_sub_months(Months::new(n))
                .and_then(|d| d.checked_add_days(Days::new(1)))
                .unwrap_or(today)
        };
        match self {
            Self::Today => today,
            Self::Last7Days => back_days(6),
            Self::Last30Days => back_days(29),
            Self::Last60Days => back_days(59),
            Self::Last6Months => back_months(6),
            Self::Last1Year => back_months(12),
        }
    }
}

/// What the summaries need of orders: one order, or a group of orders created on the same
/// local day with the same status and paid flag (what a database hands back after grouping).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderFact {
    /// Creation time (for a group: any instant of its local day, such as the day's start).
    pub created_at: DateTime<Utc>,
    /// Current status.
    pub status: OrderStatus,
    /// Σ totals in minor units.
    pub total_minor: i64,
    /// Whether the orders were ever paid.
    pub was_paid: bool,
    /// How many orders this fact stands for (1 for a single order).
    pub orders: i64,
}

/// The start of each local day from `first` to `last` (inclusive) in `zone`: the boundaries a
/// store groups [`OrderFact`]s by.
#[must_use]
pub fn day_starts(first: NaiveDate, last: NaiveDate, zone: TimeZone) -> Vec<DateTime<Utc>> {
    first
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|d| zone.start_of_day(d))
        .collect()
}

impl OrderFact {
    fn is_cancelled(&self) -> bool {
        matches!(self.status, OrderStatus::Cancelled | OrderStatus::Refunded)
    }
}

/// One local day of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaySummary {
    /// Local date.
    pub date: NaiveDate,
    /// Orders created that day.
    pub total_orders: i64,
    /// Their value, cancelled and refunded excluded, minor units.
    pub total_amount_minor: i64,
    /// Of them, ever paid.
    pub paid_orders: i64,
    /// Of them, cancelled or refunded.
    pub cancelled_orders: i64,
}

/// One period's summary.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodSummary {
    /// The period.
    pub period: Period,
    /// First local date.
    pub from: NaiveDate,
    /// Last local date (today).
    pub to: NaiveDate,
    /// Every day of the period, oldest first, empty days included.
    pub days: Vec<DaySummary>,
    /// Orders created in the period.
    pub total_orders: i64,
    /// Their value (cancelled and refunded excluded), minor units.
    pub total_amount_minor: i64,
    /// Share ever paid, 0–1.
    pub paid_rate: f64,
    /// Share cancelled or refunded, 0–1.
    pub cancel_rate: f64,
}

/// The instant the earliest of `periods` starts, so one query can fetch every period's orders.
#[must_use]
pub fn earliest_start(periods: &[Period], today: NaiveDate, zone: TimeZone) -> DateTime<Utc> {
    let first = periods
        .iter()
        .map(|p| p.first_day(today))
        .min()
        .unwrap_or(today);
    zone.start_of_day(first)
}

/// Summarises `facts` (orders created up to now) for `period` ending `today` in `zone`.
#[must_use]
pub fn summarize(
    period: Period,
    today: NaiveDate,
    zone: TimeZone,
    facts: &[OrderFact],
) -> PeriodSummary {
    let from = period.first_day(today);
    let mut days: BTreeMap<NaiveDate, DaySummary> = from
        .iter_days()
        .take_while(|d| *d <= today)
        .map(|date| {
            (
                date,
                DaySummary {
                    date,
                    total_orders: 0,
                    total_amount_minor: 0,
                    paid_orders: 0,
                    cancelled_orders: 0,
                },
            )
        })
        .collect();
    for fact in facts {
        let Some(day) = days.get_mut(&zone.local_date(fact.created_at)) else {
            continue;
        };
        day.total_orders += fact.orders;
        if fact.was_paid {
            day.paid_orders += fact.orders;
        }
        if fact.is_cancelled() {
            day.cancelled_orders += fact.orders;
        } else {
            day.total_amount_minor += fact.total_minor;
        }
    }
    let days: Vec<DaySummary> = days.into_values().collect();
    let total_orders = days.iter().map(|d| d.total_orders).sum();
    let paid: i64 = days.iter().map(|d| d.paid_orders).sum();
    let cancelled: i64 = days.iter().map(|d| d.cancelled_orders).sum();
    PeriodSummary {
        period,
        from,
        to: today,
        total_amount_minor: days.iter().map(|d| d.total_amount_minor).sum(),
        total_orders,
        paid_rate: rate(paid, total_orders),
        cancel_rate: rate(cancelled, total_orders),
        days,
    }
}

#[expect(
    clippy::cast_precision_loss,
    reason = "order counts are far below 2^52"
)]
fn rate(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    fn fact(at: &str, status: OrderStatus, total: i64, was_paid: bool) -> OrderFact {
        OrderFact {
            created_at: at.parse().unwrap_or_else(|e| panic!("{e}")),
            status,
            total_minor: total,
            was_paid,
            orders: 1,
        }
    }

    #[test]
    fn periods_end_today_inclusive() {
        let today = date("2026-11-23");
        let firsts: Vec<_> = Period::ALL
            .iter()
            .map(|p| p.first_day(today).to_string())
            .collect();
        assert_eq!(
            firsts,
            [
                "2026-11-23",
                "2026-11-17",
                "2026-10-25",
                "2026-09-25",
                "2026-05-24",
                "2025-11-24"
            ]
        );
        for p in Period::ALL {
            assert_eq!(p.label().parse::<Period>(), Ok(p));
        }
        assert!("yesterday".parse::<Period>().is_err());
    }

    #[test]
    fn counts_amounts_and_rates_in_the_tenant_zone() {
        let kl: TimeZone = "Asia/Kuala_Lumpur"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let today = date("2026-11-23");
        let facts = [
            // 2026-11-23 01:00 local: today.
            fact("2026-11-22T17:00:00Z", OrderStatus::Paid, 1000, true),
            // 2026-11-23 07:59 local: today, cancelled after payment.
            fact("2026-11-22T23:59:00Z", OrderStatus::Refunded, 500, true),
            // 2026-11-22 23:59 local: yesterday.
            fact("2026-11-22T15:59:00Z", OrderStatus::Pending, 300, false),
            // Outside every period.
            fact("2024-01-01T00:00:00Z", OrderStatus::Paid, 999, true),
        ];
        let today_summary = summarize(Period::Today, today, kl, &facts);
        assert_eq!(today_summary.total_orders, 2);
        assert_eq!(today_summary.total_amount_minor, 1000);
        assert!((today_summary.paid_rate - 1.0).abs() < f64::EPSILON);
        assert!((today_summary.cancel_rate - 0.5).abs() < f64::EPSILON);
        let week = summarize(Period::Last7Days, today, kl, &facts);
        assert_eq!(week.days.len(), 7);
        assert_eq!(week.total_orders, 3);
        assert_eq!(week.total_amount_minor, 1300);
        assert!((week.paid_rate - 0.6667).abs() < 1e-9);
        assert!((week.cancel_rate - 0.3333).abs() < 1e-9);
        assert_eq!(week.days[5].total_orders, 1);
        let empty = summarize(Period::Today, date("2026-12-25"), kl, &facts);
        assert_eq!(
            (empty.total_orders, empty.paid_rate, empty.cancel_rate),
            (0, 0.0, 0.0)
        );
        assert_eq!(
            earliest_start(&[Period::Today, Period::Last7Days], today, kl),
            kl.start_of_day(date("2026-11-17"))
        );
    }

    #[test]
    fn a_grouped_fact_counts_as_the_orders_it_stands_for() {
        let zone: TimeZone = "Asia/Kuala_Lumpur"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let today = date("2026-11-23");
        let single = [
            fact("2026-11-22T01:00:00Z", OrderStatus::Paid, 1000, true),
            fact("2026-11-22T03:00:00Z", OrderStatus::Paid, 2500, true),
            fact("2026-11-22T05:00:00Z", OrderStatus::Cancelled, 700, false),
        ];
        let day = zone.start_of_day(date("2026-11-22"));
        let grouped = [
            OrderFact {
                created_at: day,
                status: OrderStatus::Paid,
                total_minor: 3500,
                was_paid: true,
                orders: 2,
            },
            OrderFact {
                created_at: day,
                status: OrderStatus::Cancelled,
                total_minor: 700,
                was_paid: false,
                orders: 1,
            },
        ];
        for period in Period::ALL {
            assert_eq!(
                summarize(period, today, zone, &single),
                summarize(period, today, zone, &grouped),
                "{period:?}"
            );
        }
    }

    #[test]
    fn day_starts_are_local_midnights() {
        let zone: TimeZone = "Asia/Kuala_Lumpur"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let starts = day_starts(date("2026-11-21"), date("2026-11-23"), zone);
        let expected: Vec<DateTime<Utc>> = [
            "2026-11-20T16:00:00Z",
            "2026-11-21T16:00:00Z",
            "2026-11-22T16:00:00Z",
        ]
        .iter()
        .map(|s| s.parse().unwrap_or_else(|e| panic!("{e}")))
        .collect();
        assert_eq!(starts, expected);
        assert!(day_starts(date("2026-11-23"), date("2026-11-22"), zone).is_empty());
    }
}
