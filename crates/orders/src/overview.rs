//! The back office's order overview and trend (002's `getOrderSummary` and
//! `getOrderTrendAnalysis`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use kedai_core::TimeZone;

use crate::{OrderFact, OrderStatus};

/// 002's `OrderSummary` over a set of orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OrderOverview {
    /// Orders created.
    pub total_orders: i64,
    /// Value of the orders that were paid and are not cancelled or refunded, minor units.
    pub total_revenue_minor: i64,
    /// Orders counted in the revenue.
    pub revenue_orders: i64,
    /// Revenue per revenue order, rounded half-up to the minor unit (0 without any).
    pub average_order_value_minor: i64,
    /// Awaiting confirmation or payment (pending, confirmed): 002's "to be handled".
    pub pending_orders: i64,
    /// Paid and being fulfilled (paid, processing, shipped, delivered).
    pub in_progress_orders: i64,
    /// Completed.
    pub completed_orders: i64,
    /// Cancelled.
    pub cancelled_orders: i64,
    /// Refunded.
    pub refunded_orders: i64,
}

fn earns(fact: &OrderFact) -> bool {
    fact.was_paid && !matches!(fact.status, OrderStatus::Cancelled | OrderStatus::Refunded)
}

/// Summarises `facts`.
#[must_use]
pub fn overview(facts: &[OrderFact]) -> OrderOverview {
    let mut o = OrderOverview::default();
    for f in facts {
        o.total_orders += f.orders;
        if earns(f) {
            o.revenue_orders += f.orders;
            o.total_revenue_minor += f.total_minor;
        }
        let bucket = match f.status {
            OrderStatus::Pending | OrderStatus::Confirmed => &mut o.pending_orders,
            OrderStatus::Paid
            | OrderStatus::Processing
            | OrderStatus::Shipped
            | OrderStatus::Delivered => &mut o.in_progress_orders,
            OrderStatus::Completed => &mut o.completed_orders,
            OrderStatus::Cancelled => &mut o.cancelled_orders,
            OrderStatus::Refunded => &mut o.refunded_orders,
        };
        *bucket += f.orders;
    }
    if o.revenue_orders > 0 {
        // Half-up: (2·revenue + n) / (2·n), in i128 so no total can overflow.
        let (r, n) = (
            i128::from(o.total_revenue_minor),
            i128::from(o.revenue_orders),
        );
        o.average_order_value_minor = i64::try_from((2 * r + n) / (2 * n)).unwrap_or(i64::MAX);
    }
    o
}

/// One day of the trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrendDay {
    /// Local date.
    pub date: NaiveDate,
    /// Orders created that day.
    pub orders: i64,
    /// Revenue of that day's orders (paid, not cancelled or refunded), minor units.
    pub revenue_minor: i64,
    /// That day's orders that were paid.
    pub paid_orders: i64,
    /// That day's orders now cancelled or refunded.
    pub cancelled_orders: i64,
}

/// The longest trend, in days.
pub const MAX_TREND_DAYS: i64 = 366;

/// Every local day from `from` to `to` inclusive, empty days included, with the orders of
/// `facts` created on it (facts outside the range are ignored).
#[must_use]
pub fn trend(from: NaiveDate, to: NaiveDate, zone: TimeZone, facts: &[OrderFact]) -> Vec<TrendDay> {
    let mut days: BTreeMap<NaiveDate, TrendDay> = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|date| {
            (
                date,
                TrendDay {
                    date,
                    orders: 0,
                    revenue_minor: 0,
                    paid_orders: 0,
                    cancelled_orders: 0,
                },
            )
        })
        .collect();
    for f in facts {
        if let Some(day) = days.get_mut(&zone.local_date(f.created_at)) {
            day.orders += f.orders;
            if f.was_paid {
                day.paid_orders += f.orders;
            }
            if matches!(f.status, OrderStatus::Cancelled | OrderStatus::Refunded) {
                day.cancelled_orders += f.orders;
            }
            if earns(f) {
                day.revenue_minor += f.total_minor;
            }
        }
    }
    days.into_values().collect()
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    fn fact(created: &str, status: OrderStatus, total: i64, paid: bool) -> OrderFact {
        OrderFact {
            created_at: at(created),
            status,
            total_minor: total,
            was_paid: paid,
            orders: 1,
        }
    }

    #[test]
    fn overview_counts_revenue_only_for_paid_orders_still_standing() {
        let facts = [
            fact("2026-10-01T02:00:00Z", OrderStatus::Pending, 1000, false),
            fact("2026-10-01T03:00:00Z", OrderStatus::Confirmed, 500, false),
            fact("2026-10-01T04:00:00Z", OrderStatus::Paid, 2682, true),
            fact("2026-10-02T04:00:00Z", OrderStatus::Completed, 1001, true),
            fact("2026-10-02T05:00:00Z", OrderStatus::Cancelled, 9999, false),
            fact("2026-10-02T06:00:00Z", OrderStatus::Refunded, 7777, true),
        ];
        let o = overview(&facts);
        assert_eq!(o.total_orders, 6);
        assert_eq!(o.total_revenue_minor, 2682 + 1001);
        assert_eq!(o.revenue_orders, 2);
        // 3683 / 2 = 1841.5 → 1842 (half-up)
        assert_eq!(o.average_order_value_minor, 1842);
        assert_eq!(o.pending_orders, 2);
        assert_eq!(o.in_progress_orders, 1);
        assert_eq!(o.completed_orders, 1);
        assert_eq!(o.cancelled_orders, 1);
        assert_eq!(o.refunded_orders, 1);
        assert_eq!(overview(&[]), OrderOverview::default());
    }

    #[test]
    fn trend_has_every_day_in_the_local_zone() {
        let zone: TimeZone = "Asia/Kuala_Lumpur"
            .parse()
            .unwrap_or_else(|e| panic!("{e:?}"));
        let d = |s: &str| s.parse::<NaiveDate>().unwrap_or_else(|e| panic!("{e}"));
        let facts = [
            // 23:30 local on the 1st
            fact("2026-10-01T15:30:00Z", OrderStatus::Paid, 100, true),
            // 00:30 local on the 2nd
            fact("2026-10-01T16:30:00Z", OrderStatus::Cancelled, 200, false),
            // outside the range
            fact("2026-10-09T04:00:00Z", OrderStatus::Paid, 300, true),
        ];
        let days = trend(d("2026-10-01"), d("2026-10-03"), zone, &facts);
        assert_eq!(days.len(), 3);
        assert_eq!((days[0].orders, days[0].revenue_minor), (1, 100));
        assert_eq!(
            (
                days[1].orders,
                days[1].revenue_minor,
                days[1].cancelled_orders
            ),
            (1, 0, 1)
        );
        assert_eq!((days[2].date, days[2].orders), (d("2026-10-03"), 0));
    }

    #[test]
    fn grouped_facts_weigh_as_many_orders() {
        let singles = [
            fact("2026-10-01T02:00:00Z", OrderStatus::Completed, 1000, true),
            fact("2026-10-01T03:00:00Z", OrderStatus::Completed, 3000, true),
            fact("2026-10-01T04:00:00Z", OrderStatus::Confirmed, 500, false),
        ];
        let mut both = fact("2026-10-01T00:00:00Z", OrderStatus::Completed, 4000, true);
        both.orders = 2;
        let grouped = [both, singles[2]];
        assert_eq!(overview(&singles), overview(&grouped));
        assert_eq!(overview(&grouped).average_order_value_minor, 2000);
        let from = at("2026-10-01T00:00:00Z").date_naive();
        assert_eq!(
            trend(
                from,
                from,
                "UTC".parse().unwrap_or_else(|e| panic!("{e}")),
                &singles
            ),
            trend(
                from,
                from,
                "UTC".parse().unwrap_or_else(|e| panic!("{e}")),
                &grouped
            )
        );
    }
}
