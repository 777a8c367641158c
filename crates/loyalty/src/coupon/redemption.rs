//! Redemptions: one use of a coupon by an order.

use chrono::{DateTime, Utc};
use kedai_core::{Money, TenantId, uuid_id};

use super::aggregate::CouponId;

uuid_id!(
    /// One use of a coupon by an order.
    RedemptionId
);

/// One use of a coupon by an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redemption {
    /// Id.
    pub id: RedemptionId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The coupon.
    pub coupon_id: CouponId,
    /// The order that used it (one redemption per order).
    pub order_id: String,
    /// The customer, when known.
    pub customer_id: Option<String>,
    /// The discount given.
    pub discount: Money,
    /// When.
    pub created_at: DateTime<Utc>,
}
