//! Kedai loyalty, pure: coupons (validity, applicability, discount arithmetic). Tiers, points,
//! rewards and campaigns join here later.

pub mod coupon;
pub mod promotion;
pub mod tier;

pub use coupon::{
    Coupon, CouponCode, CouponDraft, CouponId, CouponRejection, CouponRepository, CouponStatus,
    DiscountType, InvalidField, Redemption, RedemptionId,
};
pub use promotion::{PromotionError, PromotionQuote, check_promotion};
pub use tier::{PeriodUnit, Tier, TierDraft, TierId, TierRepository};
