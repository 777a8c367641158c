//! Coupons: codes that discount an order.

use kedai_core::uuid_id;

uuid_id!(
    /// A coupon.
    CouponId
);
