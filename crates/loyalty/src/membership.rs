//! Which tier a customer holds (003 §10.1): free tiers are reached by qualifying spend — what
//! they paid for completed orders less refunds, over each tier's valid period counted in
//! merchant-local days — and lost when the spend falls below them; paid tiers are bought and
//! kept. A tier without a minimum spend is joined by enrolling.

use chrono::{DateTime, Datelike, Months, Utc};
use kedai_core::{Money, TimeZone};

use crate::tier::{PeriodUnit, Tier};

/// Where a tier's qualifying period starts at `now`: the start of the merchant-local day that
/// many months or years before today (the last day of a shorter month when that day is
/// missing).
#[must_use]
pub fn period_start(
    now: DateTime<Utc>,
    value: i64,
    unit: PeriodUnit,
    zone: TimeZone,
) -> DateTime<Utc> {
    let today = zone.local_date(now);
    let months = match unit {
        PeriodUnit::Months => value,
        PeriodUnit::Years => value.saturating_mul(12),
    };
    let months = u32::try_from(months.max(0)).unwrap_or(u32::MAX);
    let first = today
        .checked_sub_months(Months::new(months))
        .unwrap_or_else(|| today.with_year(1).unwrap_or(today));
    zone.start_of_day(first)
}

kedai_core::uuid_id!(
    /// One recorded tier change.
    TierChangeId
);

kedai_core::text_enum! {
    /// Why a customer's tier changed.
    pub enum TierChangeReason ("a tier change reason") {
        /// Their qualifying spend moved.
        Spend = "spend",
        /// They enrolled.
        Enroll = "enroll",
    }
}

/// A move of a customer's tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierChange {
    /// Id.
    pub id: TierChangeId,
    /// Owner.
    pub tenant_id: kedai_core::TenantId,
    /// Whose tier.
    pub customer_id: kedai_identity::CustomerId,
    /// The tier before (by name), if any.
    pub from: Option<String>,
    /// The tier after (by name), if any.
    pub to: Option<String>,
    /// Why.
    pub reason: TierChangeReason,
    /// The qualifying spend that decided it (for the tier moved to, or from when dropped).
    pub spend: Option<Money>,
    /// When.
    pub at: DateTime<Utc>,
}

/// Customers' tiers in storage.
pub trait MembershipRepository {
    /// What a customer paid for orders completed at or after `since`, less their refunds, in
    /// minor units.
    ///
    /// # Errors
    /// [`kedai_core::StorageError`] on backend failure.
    fn qualifying_spend(
        &mut self,
        tenant: kedai_core::TenantId,
        customer: kedai_identity::CustomerId,
        since: DateTime<Utc>,
    ) -> Result<i64, kedai_core::StorageError>;

    /// Moves a customer's tier from `change.from` to `change.to` and records the change,
    /// guarded: false, changing nothing, when their tier is no longer `change.from`.
    ///
    /// # Errors
    /// [`kedai_core::StorageError`] on backend failure.
    fn change_tier(&mut self, change: &TierChange) -> Result<bool, kedai_core::StorageError>;
}

fn is_paid(t: &Tier) -> bool {
    t.draft.price.is_positive()
}

fn named<'a>(tiers: &'a [Tier], name: &str) -> Option<&'a Tier> {
    tiers
        .iter()
        .find(|t| t.draft.name.eq_ignore_ascii_case(name.trim()))
}

/// The tier a customer should hold, given the one they hold (`current`, by name) and their
/// qualifying spend over each tier's period (`spend_in`):
/// - a paid tier they hold is kept;
/// - otherwise the free tier with the highest minimum spend their spend reaches, where a tier
///   without a minimum counts only for customers who are members already (hold a tier);
/// - `None` when they reach none.
#[must_use]
pub fn tier_by_spend<'a>(
    tiers: &'a [Tier],
    current: Option<&str>,
    spend_in: impl Fn(&Tier) -> Money,
) -> Option<&'a Tier> {
    let held = current.and_then(|c| named(tiers, c));
    if let Some(t) = held.filter(|t| is_paid(t)) {
        return Some(t);
    }
    let member = current.is_some_and(|c| !c.trim().is_empty());
    tiers
        .iter()
        .filter(|t| !is_paid(t))
        .filter(|t| member || t.draft.min_spend.is_positive())
        .filter(|t| {
            let spend = spend_in(t);
            spend.currency() == t.draft.min_spend.currency()
                && spend.minor() >= t.draft.min_spend.minor()
        })
        .max_by(|a, b| crate::tier::rank(a, b))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;
    use kedai_core::{Currency, TenantId};
    use proptest::prelude::*;

    use super::*;
    use crate::tier::{TierDraft, TierId};

    fn myr(minor: i64) -> Money {
        Money::from_minor(
            minor,
            Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}")),
        )
    }

    fn tier(id: i64, name: &str, min: i64, price: i64, months: i64) -> Tier {
        Tier {
            id: TierId::new(id).unwrap_or_else(|e| panic!("{e}")),
            tenant_id: TenantId::new(),
            draft: TierDraft {
                name: name.into(),
                description: None,
                price: myr(price),
                valid_period_value: months,
                valid_period_unit: PeriodUnit::Months,
                discount: 0,
                min_spend: myr(min),
                points_multiplier: 100,
                benefits: vec![],
                is_popular: false,
                sort_order: id,
            },
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn tiers() -> Vec<Tier> {
        vec![
            tier(1, "Bronze", 0, 0, 12),
            tier(2, "Silver", 100_000, 0, 12),
            tier(3, "Gold", 200_000, 0, 6),
            tier(4, "VIP", 0, 9_900, 12),
        ]
    }

    fn name(t: Option<&Tier>) -> Option<&str> {
        t.map(|t| t.draft.name.as_str())
    }

    #[test]
    fn spend_moves_members_up_and_down() {
        let all = tiers();
        let flat = |m: i64| move |_: &Tier| myr(m);
        assert_eq!(name(tier_by_spend(&all, None, flat(50_000))), None);
        assert_eq!(
            name(tier_by_spend(&all, Some("Bronze"), flat(50_000))),
            Some("Bronze")
        );
        assert_eq!(
            name(tier_by_spend(&all, None, flat(100_000))),
            Some("Silver")
        );
        assert_eq!(
            name(tier_by_spend(&all, Some("silver"), flat(250_000))),
            Some("Gold")
        );
        // Refunds bring a Gold member back to Bronze.
        assert_eq!(
            name(tier_by_spend(&all, Some("Gold"), flat(99_999))),
            Some("Bronze")
        );
        // A bought tier is kept whatever the spend.
        assert_eq!(name(tier_by_spend(&all, Some("VIP"), flat(0))), Some("VIP"));
        // Gold counts six months, Silver twelve.
        let by_period = |t: &Tier| {
            myr(if t.draft.valid_period_value == 6 {
                150_000
            } else {
                210_000
            })
        };
        assert_eq!(name(tier_by_spend(&all, None, by_period)), Some("Silver"));
    }

    #[test]
    fn periods_start_at_merchant_local_midnight() {
        let kl: TimeZone = "Asia/Kuala_Lumpur".parse().unwrap_or(TimeZone::UTC);
        // 01:00 on 1 March in Kuala Lumpur is still 28 February in UTC.
        let now = Utc
            .with_ymd_and_hms(2026, 2, 28, 17, 0, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(
            period_start(now, 12, PeriodUnit::Months, kl),
            Utc.with_ymd_and_hms(2025, 2, 28, 16, 0, 0)
                .single()
                .unwrap_or_default()
        );
        assert_eq!(
            period_start(now, 1, PeriodUnit::Years, kl),
            period_start(now, 12, PeriodUnit::Months, kl)
        );
        // 31 March less one month is the last day of February.
        let now = Utc
            .with_ymd_and_hms(2026, 3, 31, 4, 0, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(
            period_start(now, 1, PeriodUnit::Months, kl),
            Utc.with_ymd_and_hms(2026, 2, 27, 16, 0, 0)
                .single()
                .unwrap_or_default()
        );
    }

    proptest! {
        #[test]
        fn more_spend_never_lowers_a_tier(a in 0_i64..400_000, b in 0_i64..400_000, member in any::<bool>()) {
            let all = tiers();
            let current = member.then_some("Bronze");
            let min = |s: Option<&Tier>| s.map_or(-1, |t| t.draft.min_spend.minor());
            let low = tier_by_spend(&all, current, |_| myr(a.min(b)));
            let high = tier_by_spend(&all, current, |_| myr(a.max(b)));
            prop_assert!(min(low) <= min(high));
            // Never a tier the spend does not reach, never a bought one.
            if let Some(t) = high {
                prop_assert!(t.draft.min_spend.minor() <= a.max(b));
                prop_assert!(!t.draft.price.is_positive());
            }
        }
    }
}
