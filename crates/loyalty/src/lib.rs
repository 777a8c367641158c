//! Kedai loyalty, pure: coupons (validity, applicability, discount arithmetic). Tiers, points,
//! rewards and campaigns join here later.

pub mod coupon;

pub use coupon::CouponId;
