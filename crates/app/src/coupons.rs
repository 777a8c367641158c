//! TEMPORARY: replaced by the coupon use cases when they land.

use chrono::{DateTime, Utc};
use kedai_core::{Money, TenantId};
use kedai_loyalty::CouponId;

use crate::{AppError, UnitOfWork};

/// A coupon that applies.
#[derive(Debug, Clone)]
pub struct AppliedCoupon {
    /// Coupon.
    pub coupon_id: CouponId,
    /// Code.
    pub code: String,
    /// Discount.
    pub discount: Money,
}

/// Quote.
///
/// # Errors
/// Always.
pub fn quote(
    _tx: &mut dyn UnitOfWork,
    _tenant: TenantId,
    _code: &str,
    _outlet_id: Option<&str>,
    _subtotal: Money,
    _now: DateTime<Utc>,
) -> Result<AppliedCoupon, AppError> {
    Err(AppError::invalid(
        "coupon_code",
        "coupons are not available yet",
    ))
}

/// Redeem.
///
/// # Errors
/// Never.
pub fn redeem(
    _tx: &mut dyn UnitOfWork,
    _tenant: TenantId,
    _applied: &AppliedCoupon,
    _order_id: &str,
    _customer_id: Option<&str>,
    _now: DateTime<Utc>,
) -> Result<(), AppError> {
    Ok(())
}

/// Release.
///
/// # Errors
/// Never.
pub fn release_for_order(
    _tx: &mut dyn UnitOfWork,
    _tenant: TenantId,
    _order_id: &str,
    _now: DateTime<Utc>,
) -> Result<(), AppError> {
    Ok(())
}
