//! Checking a promotion code before checkout.

use chrono::{DateTime, Utc};
use kedai_identity::Tenant;
use kedai_loyalty::{Coupon, CouponCode, PromotionError, PromotionQuote, check_promotion};

use crate::coupons::find_promotion;
use crate::{Amount, AppError, UnitOfWork};

/// The outcome of checking a promotion code.
#[derive(Debug, Clone)]
pub struct PromotionCheck {
    /// The code as normalised (upper case), or as given when it cannot be a code.
    pub code: String,
    /// The coupon and its effect, or why it does not apply.
    pub outcome: Result<(Coupon, PromotionQuote), PromotionError>,
}

/// Checks a promotion code against an amount (major units, the shop's currency) as an online
/// purchase, without using it; `tenant` is the shop as the request resolved it.
///
/// # Errors
/// [`AppError::Validation`] for an amount that is not a decimal or is negative;
/// [`AppError::Storage`]. An unknown, expired or used-up code is an outcome, not an error.
pub fn check_promotion_code(
    tx: &mut dyn UnitOfWork,
    tenant: &Tenant,
    code: &str,
    amount: &Amount,
    now: DateTime<Utc>,
) -> Result<PromotionCheck, AppError> {
    let amount = amount.to_money(tenant.currency, "amount")?;
    if amount.is_negative() {
        return Err(AppError::invalid("amount", "must not be negative"));
    }
    let coupon = find_promotion(tx, tenant.id, code)?;
    let normalised =
        CouponCode::parse(code).map_or_else(|_| code.trim().to_owned(), |c| c.to_string());
    let outcome = match check_promotion(coupon.as_ref(), now, amount) {
        Ok(quote) => coupon.map(|c| (c, quote)).ok_or(PromotionError::NotFound),
        Err(e) => Err(e),
    };
    Ok(PromotionCheck {
        code: normalised,
        outcome,
    })
}
