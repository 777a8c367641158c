//! The coupon aggregate: its id, how it discounts, whether it is usable, and what is stored.

use chrono::{DateTime, Utc};
use kedai_core::{Currency, Money, TenantId, uuid_id};

use super::code::CouponCode;

uuid_id!(
    /// A coupon.
    CouponId
);

kedai_core::text_enum! {
    /// How a coupon discounts.
    pub enum DiscountType ("a discount type") {
        /// A share of the cart total.
        Percentage = "percentage",
        /// A fixed amount off.
        Fixed = "fixed",
    }
}

kedai_core::text_enum! {
    /// Whether a coupon can still be used.
    pub enum CouponStatus ("a coupon status") {
        /// Usable (within its validity window and usage limit).
        Active = "active",
        /// Switched off by the merchant; never usable again.
        Disabled = "disabled",
    }
}

/// A coupon as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coupon {
    /// Id.
    pub id: CouponId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Code, unique within the tenant.
    pub code: CouponCode,
    /// Title shown to staff and customers.
    pub title: String,
    /// Percentage or fixed.
    pub discount_type: DiscountType,
    /// Percentage: hundredths of a percent (1000 = 10%); fixed: minor units of `currency`.
    pub discount_value: i64,
    /// Currency of the fixed value and of the money limits.
    pub currency: Currency,
    /// Smallest cart total it applies to.
    pub min_cart_total: Option<Money>,
    /// Largest discount it gives.
    pub max_discount: Option<Money>,
    /// Not usable before.
    pub valid_from: Option<DateTime<Utc>>,
    /// Not usable after.
    pub valid_to: Option<DateTime<Utc>>,
    /// Most uses in total (`None`: unlimited).
    pub usage_limit: Option<i64>,
    /// Uses so far (released uses are given back).
    pub used_count: i64,
    /// Outlets it applies at (empty: every outlet).
    pub applicable_outlet_ids: Vec<String>,
    /// Active or disabled.
    pub status: CouponStatus,
    /// Staff member who created it.
    pub created_by: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was disabled.
    pub disabled_at: Option<DateTime<Utc>>,
}
