//! Membership tiers: what a merchant offers (price, validity period, discount, the spend that
//! qualifies, benefits), as the merchant API manages them and storefronts list them.

use chrono::{DateTime, Utc};
use kedai_core::{Money, StorageError, TenantId};

use crate::coupon::parse_percentage;

const NAME_MAX: usize = 100;
const TEXT_MAX: usize = 2000;
const BENEFIT_MAX: usize = 200;
const BENEFITS_MAX: usize = 50;
/// Longest validity in months (ten years).
pub const MAX_MONTHS: i64 = 120;
/// Longest validity in years.
pub const MAX_YEARS: i64 = 10;

kedai_core::text_enum! {
    /// The unit of a tier's validity period.
    pub enum PeriodUnit ("a period unit") {
        /// Months.
        Months = "MONTHS" | "months" | "month" | "MONTH",
        /// Years.
        Years = "YEARS" | "years" | "year" | "YEAR",
    }
}

kedai_core::int_id!(
    /// A tier id: a positive integer, shown as a string.
    TierId
);

/// A tier field that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct TierFieldError {
    /// The field.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

fn invalid(field: &'static str, message: impl Into<String>) -> TierFieldError {
    TierFieldError {
        field,
        message: message.into(),
    }
}

/// A validated tier definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierDraft {
    /// Name, unique per tenant in any case.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// What joining costs (0: free).
    pub price: Money,
    /// How many units of `valid_period_unit` a membership lasts.
    pub valid_period_value: i64,
    /// Months or years.
    pub valid_period_unit: PeriodUnit,
    /// Members' discount in hundredths of a percent (`1250` is 12.5%), 0 to 10000.
    pub discount: i64,
    /// The spend that qualifies for the tier.
    pub min_spend: Money,
    /// Points multiplier in hundredths (`150` is 1.5×), 1 to 1000.
    pub points_multiplier: i64,
    /// Benefits, as shown.
    pub benefits: Vec<String>,
    /// Highlighted on the storefront.
    pub is_popular: bool,
    /// Display order.
    pub sort_order: i64,
}

/// A stored tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    /// Id.
    pub id: TierId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Its definition.
    pub draft: TierDraft,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// Parses a discount percentage: `0` or a percentage as coupons take it (above 0, at most
/// 100, at most two decimals), into hundredths of a percent.
///
/// # Errors
/// A message saying what is wrong.
pub fn parse_discount(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if !t.is_empty()
        && t.bytes().all(|b| b == b'0' || b == b'.')
        && t.bytes().filter(|b| *b == b'.').count() <= 1
        && !t.starts_with('.')
        && !t.ends_with('.')
    {
        return Ok(0);
    }
    if t.starts_with('-') {
        return Err("must not be negative".into());
    }
    parse_percentage(t)
}

impl TierDraft {
    /// Checks a definition: name 1–100 characters, description up to 2000, price and
    /// minimum spend not negative and in the same currency, a period of 1–120 months or
    /// 1–10 years, a discount of 0–100% (0–10000 hundredths), up to 50 benefits of 1–200
    /// characters each. Texts are trimmed.
    ///
    /// # Errors
    /// [`TierFieldError`] naming the first bad field.
    pub fn check(mut self) -> Result<Self, TierFieldError> {
        self.name = self.name.trim().to_owned();
        if self.name.is_empty() {
            return Err(invalid("name", "must not be empty"));
        }
        if self.name.chars().count() > NAME_MAX {
            return Err(invalid(
                "name",
                format!("must be at most {NAME_MAX} characters"),
            ));
        }
        self.description = self
            .description
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty());
        if self
            .description
            .as_ref()
            .is_some_and(|d| d.chars().count() > TEXT_MAX)
        {
            return Err(invalid(
                "description",
                format!("must be at most {TEXT_MAX} characters"),
            ));
        }
        if self.price.is_negative() {
            return Err(invalid("price", "must not be negative"));
        }
        if self.min_spend.is_negative() {
            return Err(invalid("min_spend", "must not be negative"));
        }
        if self.min_spend.currency() != self.price.currency() {
            return Err(invalid("min_spend", "must be in the tier's currency"));
        }
        let max = match self.valid_period_unit {
            PeriodUnit::Months => MAX_MONTHS,
            PeriodUnit::Years => MAX_YEARS,
        };
        if !(1..=max).contains(&self.valid_period_value) {
            return Err(invalid(
                "valid_period_value",
                format!("must be between 1 and {max} for {}", self.valid_period_unit),
            ));
        }
        if !(0..=10_000).contains(&self.discount) {
            return Err(invalid("discount", "must be between 0 and 100"));
        }
        if !(1..=crate::points::MAX_MULTIPLIER).contains(&self.points_multiplier) {
            return Err(invalid(
                "points_multiplier",
                "must be above 0 and at most 10",
            ));
        }
        if self.benefits.len() > BENEFITS_MAX {
            return Err(invalid(
                "benefits",
                format!("at most {BENEFITS_MAX} benefits"),
            ));
        }
        let mut benefits = Vec::with_capacity(self.benefits.len());
        for b in &self.benefits {
            let b = b.trim();
            if b.is_empty() || b.chars().count() > BENEFIT_MAX {
                return Err(invalid(
                    "benefits",
                    format!("each benefit must be 1 to {BENEFIT_MAX} characters"),
                ));
            }
            benefits.push(b.to_owned());
        }
        self.benefits = benefits;
        Ok(self)
    }
}

/// Tier definitions in storage.
pub trait TierRepository {
    /// Stores a new tier. `Ok(Err(()))` when the tenant has a tier of that name already.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_tier(
        &mut self,
        tenant: TenantId,
        tier: &TierDraft,
        now: DateTime<Utc>,
    ) -> Result<Result<TierId, ()>, StorageError>;

    /// One tier of the tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_tier(&mut self, tenant: TenantId, id: TierId) -> Result<Option<Tier>, StorageError>;

    /// Saves a changed tier. `Ok(Err(()))` when its new name is taken.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn update_tier(&mut self, tier: &Tier) -> Result<Result<(), ()>, StorageError>;

    /// Deletes a tier; returns whether it existed.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn delete_tier(&mut self, tenant: TenantId, id: TierId) -> Result<bool, StorageError>;

    /// The tenant's tiers in display order (`sort_order`, then id).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_tiers(&mut self, tenant: TenantId) -> Result<Vec<Tier>, StorageError>;
}

/// The tier a qualifying spend reaches: the one with the highest minimum spend not above
/// `spend` (ties: the lower `sort_order`, then the lower id). `None` below every tier's
/// minimum. Tiers priced above zero are bought, not earned, and are never reached by spend.
#[must_use]
pub fn qualifying_tier(tiers: &[Tier], spend: Money) -> Option<&Tier> {
    tiers
        .iter()
        .filter(|t| !t.draft.price.is_positive())
        .filter(|t| {
            t.draft.min_spend.currency() == spend.currency()
                && t.draft.min_spend.minor() <= spend.minor()
        })
        .max_by(|a, b| rank(a, b))
}

/// How tiers rank: by minimum spend, then the lower `sort_order`, then the lower id.
pub(crate) fn rank(a: &Tier, b: &Tier) -> std::cmp::Ordering {
    a.draft
        .min_spend
        .minor()
        .cmp(&b.draft.min_spend.minor())
        .then(b.draft.sort_order.cmp(&a.draft.sort_order))
        .then(b.id.get().cmp(&a.id.get()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kedai_core::Currency;

    fn myr(minor: i64) -> Money {
        Money::from_minor(
            minor,
            Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}")),
        )
    }

    fn draft() -> TierDraft {
        TierDraft {
            name: " Gold ".into(),
            description: Some("  ".into()),
            price: myr(0),
            valid_period_value: 12,
            valid_period_unit: PeriodUnit::Months,
            discount: 1000,
            min_spend: myr(200_000),
            points_multiplier: 150,
            benefits: vec![" Extra points ".into()],
            is_popular: false,
            sort_order: 0,
        }
    }

    #[test]
    fn a_good_tier_is_normalised() {
        let t = draft().check().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.name, "Gold");
        assert_eq!(t.description, None);
        assert_eq!(t.benefits, ["Extra points"]);
    }

    #[test]
    fn bad_fields_are_named() {
        let field = |d: TierDraft| d.check().map_err(|e| e.field).err();
        for (d, want) in [
            (
                TierDraft {
                    name: " ".into(),
                    ..draft()
                },
                "name",
            ),
            (
                TierDraft {
                    price: myr(-1),
                    ..draft()
                },
                "price",
            ),
            (
                TierDraft {
                    min_spend: myr(-1),
                    ..draft()
                },
                "min_spend",
            ),
            (
                TierDraft {
                    valid_period_value: 0,
                    ..draft()
                },
                "valid_period_value",
            ),
            (
                TierDraft {
                    valid_period_value: 11,
                    valid_period_unit: PeriodUnit::Years,
                    ..draft()
                },
                "valid_period_value",
            ),
            (
                TierDraft {
                    discount: 10_001,
                    ..draft()
                },
                "discount",
            ),
            (
                TierDraft {
                    discount: -1,
                    ..draft()
                },
                "discount",
            ),
            (
                TierDraft {
                    benefits: vec![String::new()],
                    ..draft()
                },
                "benefits",
            ),
            (
                TierDraft {
                    benefits: vec!["b".into(); 51],
                    ..draft()
                },
                "benefits",
            ),
        ] {
            assert_eq!(field(d), Some(want));
        }
        assert_eq!(
            field(TierDraft {
                valid_period_value: 120,
                ..draft()
            }),
            None
        );
        assert_eq!(
            field(TierDraft {
                discount: 10_000,
                ..draft()
            }),
            None
        );
    }

    #[test]
    fn units_and_discounts_parse() {
        assert_eq!("MONTHS".parse::<PeriodUnit>(), Ok(PeriodUnit::Months));
        assert_eq!("years".parse::<PeriodUnit>(), Ok(PeriodUnit::Years));
        assert!("DAYS".parse::<PeriodUnit>().is_err());
        assert_eq!(PeriodUnit::Years.as_str(), "YEARS");
        assert_eq!(parse_discount("0"), Ok(0));
        assert_eq!(parse_discount("0.00"), Ok(0));
        assert_eq!(parse_discount("12.5"), Ok(1250));
        assert_eq!(parse_discount("100"), Ok(10_000));
        for bad in ["-5", "100.01", "abc", "", "1.234", "."] {
            assert!(parse_discount(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tier_ids() {
        assert_eq!("7".parse::<TierId>().map(TierId::get), Ok(7));
        assert!("0".parse::<TierId>().is_err());
        assert!("tier_gold".parse::<TierId>().is_err());
    }

    #[test]
    fn spend_reaches_the_highest_free_tier_it_qualifies_for() {
        let myr = kedai_core::Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}"));
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let tier = |id: i64, name: &str, min: i64, price: i64, sort: i64| Tier {
            id: TierId::new(id).unwrap_or_else(|e| panic!("{e}")),
            tenant_id: TenantId::new(),
            draft: TierDraft {
                name: name.into(),
                description: None,
                price: Money::from_minor(price, myr),
                valid_period_value: 12,
                valid_period_unit: PeriodUnit::Months,
                discount: 0,
                min_spend: Money::from_minor(min, myr),
                points_multiplier: 100,
                benefits: Vec::new(),
                is_popular: false,
                sort_order: sort,
            },
            created_at: at,
            updated_at: at,
        };
        let tiers = [
            tier(1, "Silver", 50_000, 0, 1),
            tier(2, "Gold", 200_000, 0, 2),
            tier(3, "VIP", 100_000, 9_900, 3),
            tier(4, "Gold Plus", 200_000, 0, 1),
        ];
        let name = |spend| {
            qualifying_tier(&tiers, Money::from_minor(spend, myr)).map(|t| t.draft.name.as_str())
        };
        assert_eq!(name(49_999), None);
        assert_eq!(name(50_000), Some("Silver"));
        assert_eq!(name(150_000), Some("Silver"), "VIP is bought, not earned");
        assert_eq!(
            name(250_000),
            Some("Gold Plus"),
            "the lower sort order wins a tie"
        );
    }
}
