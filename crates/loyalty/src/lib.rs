//! Kedai loyalty, pure: coupons (validity, applicability, discount arithmetic), promotions,
//! membership tiers and who holds them, points (earning, expiry, reversal), gift offers and
//! their redemptions, and spin-the-wheel campaigns.
//!
//! Computing the tier a customer's spend reaches:
//!
//! ```
//! use chrono::Utc;
//! use kedai_core::{Currency, Money, TenantId};
//! use kedai_loyalty::{PeriodUnit, Tier, TierDraft, TierId, qualifying_tier};
//!
//! let myr = Currency::from_code("MYR")?;
//! let tier = |id, name: &str, min_spend| Tier {
//!     id: TierId::new(id).expect("a positive id"),
//!     tenant_id: TenantId::new(),
//!     draft: TierDraft {
//!         name: name.into(),
//!         description: None,
//!         price: Money::zero(myr),
//!         valid_period_value: 1,
//!         valid_period_unit: PeriodUnit::Years,
//!         discount: 500,
//!         min_spend: Money::from_minor(min_spend, myr),
//!         points_multiplier: 100,
//!         benefits: vec![],
//!         is_popular: false,
//!         sort_order: id,
//!     },
//!     created_at: Utc::now(),
//!     updated_at: Utc::now(),
//! };
//! let tiers = [tier(1, "Silver", 50_000), tier(2, "Gold", 200_000)];
//! let reached = |spend| qualifying_tier(&tiers, Money::from_minor(spend, myr)).map(|t| &t.draft.name);
//! assert_eq!(reached(120_000).map(String::as_str), Some("Silver"));
//! assert_eq!(reached(200_000).map(String::as_str), Some("Gold"));
//! assert_eq!(reached(10_000), None);
//! # Ok::<(), kedai_core::MoneyError>(())
//! ```

pub mod campaign;
pub mod coupon;
pub mod gift;
pub mod membership;
pub mod points;
pub mod promotion;
pub mod tier;

pub use campaign::CampaignRepository;
pub use coupon::{
    Coupon, CouponCode, CouponDraft, CouponId, CouponRejection, CouponRepository, CouponStatus,
    DiscountType, InvalidField, Redemption, RedemptionId,
};
pub use gift::GiftRepository;
pub use membership::{
    MembershipRepository, TierChange, TierChangeId, TierChangeReason, period_start, tier_by_spend,
};
pub use points::{
    EarningRule, LedgerFilter, PointsEntry, PointsEntryId, PointsKind, PointsPosting,
    PointsRepository, Posted, Rounding,
};
pub use promotion::{PromotionError, PromotionQuote, check_promotion};
pub use tier::{PeriodUnit, Tier, TierDraft, TierId, TierRepository, qualifying_tier};
