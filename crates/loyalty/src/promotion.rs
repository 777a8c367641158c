//! Promotion codes as a storefront checks them: the merchant's coupon for a code, judged against
//! an amount by the coupon arithmetic, answered as something a client can show — the discount
//! and the amount after it, or why the code does not apply, as a stable reason code.

use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
use kedai_core::Money;

use crate::{Coupon, CouponRejection};

/// Why a promotion code does not apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromotionError {
    /// No coupon has this code (or the text cannot be a code).
    #[error("this promotion code does not exist")]
    NotFound,
    /// The merchant switched it off.
    #[error("this promotion code is no longer active")]
    Disabled,
    /// Its validity window has not opened yet.
    #[error("this promotion code is not valid until {0}")]
    NotStarted(DateTime<Utc>),
    /// Its validity window has closed.
    #[error("this promotion code expired at {0}")]
    Expired(DateTime<Utc>),
    /// Every use has been taken.
    #[error("this promotion code has been fully redeemed")]
    UsageLimitReached,
    /// The amount is below the coupon's minimum.
    #[error("the amount must be at least {0} for this promotion code")]
    MinimumNotMet(Money),
    /// It is limited to some outlets (in-store only), or to another currency.
    #[error("this promotion code cannot be used here")]
    NotApplicable,
}

impl PromotionError {
    /// The stable reason code a client branches on.
    #[must_use]
    pub const fn code(&self) -> ErrorCode {
        match self {
            Self::NotFound => ErrorCode::PromotionNotFound,
            Self::Disabled => ErrorCode::PromotionDisabled,
            Self::NotStarted(_) => ErrorCode::PromotionNotStarted,
            Self::Expired(_) => ErrorCode::PromotionExpired,
            Self::UsageLimitReached => ErrorCode::PromotionUsageLimitReached,
            Self::MinimumNotMet(_) => ErrorCode::PromotionMinAmountNotMet,
            Self::NotApplicable => ErrorCode::PromotionNotApplicable,
        }
    }
}

impl From<CouponRejection> for PromotionError {
    fn from(r: CouponRejection) -> Self {
        match r {
            CouponRejection::Disabled => Self::Disabled,
            CouponRejection::NotYetValid(at) => Self::NotStarted(at),
            CouponRejection::Expired(at) => Self::Expired(at),
            CouponRejection::UsageLimitReached => Self::UsageLimitReached,
            CouponRejection::BelowMinimum(min) => Self::MinimumNotMet(min),
            CouponRejection::OutletRequired
            | CouponRejection::WrongOutlet(_)
            | CouponRejection::CurrencyMismatch { .. } => Self::NotApplicable,
        }
    }
}

/// A promotion code that applies, and its effect on the amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromotionQuote {
    /// The amount it was judged against.
    pub original: Money,
    /// What it takes off.
    pub discount: Money,
    /// The amount after the discount.
    pub final_amount: Money,
    /// The discount as a share of the amount, in hundredths of a percent, rounded half-up
    /// (0 for an amount of 0).
    pub savings_hundredths: i64,
}

/// Judges the coupon found for a code (`None`: no such code) against `amount` at `now`, as an
/// online order with no outlet: a coupon limited to outlets does not apply. The arithmetic is
/// the coupon's own ([`Coupon::discount_for`]).
///
/// # Errors
/// The [`PromotionError`] that applies first.
pub fn check_promotion(
    coupon: Option<&Coupon>,
    now: DateTime<Utc>,
    amount: Money,
) -> Result<PromotionQuote, PromotionError> {
    let coupon = coupon.ok_or(PromotionError::NotFound)?;
    let discount = coupon.discount_for(now, None, amount)?;
    let final_amount = Money::from_minor(amount.minor() - discount.minor(), amount.currency());
    let savings_hundredths = if amount.minor() > 0 {
        let share = i128::from(discount.minor()) * 10_000;
        let whole = i128::from(amount.minor());
        i64::try_from((share * 2 + whole) / (whole * 2)).unwrap_or(0)
    } else {
        0
    };
    Ok(PromotionQuote {
        original: amount,
        discount,
        final_amount,
        savings_hundredths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CouponDraft, CouponId, DiscountType};
    use chrono::TimeZone;
    use kedai_core::{Currency, TenantId};

    fn hkd(minor: i64) -> Money {
        Money::from_minor(
            minor,
            Currency::from_code("HKD").unwrap_or_else(|e| panic!("{e}")),
        )
    }

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 4, day, 12, 0, 0)
            .single()
            .unwrap_or_else(|| panic!("bad date"))
    }

    fn coupon(kind: DiscountType, value: i64) -> Coupon {
        CouponDraft {
            title: "Spring".into(),
            code: "SPRING".into(),
            discount_type: kind,
            discount_value: value,
            min_cart_total: Some(hkd(10_000)),
            max_discount: None,
            valid_from: Some(at(10)),
            valid_to: Some(at(20)),
            usage_limit: Some(2),
            applicable_outlet_ids: vec![],
        }
        .into_coupon(
            CouponId::new(),
            TenantId::new(),
            hkd(0).currency(),
            None,
            at(1),
        )
        .unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn a_valid_code_gives_discount_final_amount_and_savings() {
        let c = coupon(DiscountType::Percentage, 1000);
        let q = check_promotion(Some(&c), at(15), hkd(29_980)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (q.original, q.discount, q.final_amount, q.savings_hundredths),
            (hkd(29_980), hkd(2_998), hkd(26_982), 1000)
        );
        let c = coupon(DiscountType::Fixed, 3_000);
        let q = check_promotion(Some(&c), at(15), hkd(45_000)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (q.discount, q.final_amount, q.savings_hundredths),
            (hkd(3_000), hkd(42_000), 667),
            "30 of 450 is 6.666…%, 6.67"
        );
    }

    #[test]
    fn each_reason_has_its_code() {
        let c = coupon(DiscountType::Percentage, 1000);
        let mut used = c.clone();
        used.used_count = 2;
        let mut disabled = c.clone();
        disabled.status = crate::CouponStatus::Disabled;
        let mut in_store = c.clone();
        in_store.applicable_outlet_ids = vec!["outlet-1".into()];
        for (coupon, now, amount, code) in [
            (None, at(15), 20_000, ErrorCode::PromotionNotFound),
            (
                Some(&disabled),
                at(15),
                20_000,
                ErrorCode::PromotionDisabled,
            ),
            (Some(&c), at(5), 20_000, ErrorCode::PromotionNotStarted),
            (Some(&c), at(25), 20_000, ErrorCode::PromotionExpired),
            (
                Some(&used),
                at(15),
                20_000,
                ErrorCode::PromotionUsageLimitReached,
            ),
            (Some(&c), at(15), 9_999, ErrorCode::PromotionMinAmountNotMet),
            (
                Some(&in_store),
                at(15),
                20_000,
                ErrorCode::PromotionNotApplicable,
            ),
        ] {
            let got = check_promotion(coupon, now, hkd(amount));
            assert_eq!(got.err().map(|e| e.code()), Some(code));
        }
    }

    #[test]
    fn the_minimum_applies_to_the_amount_given_and_zero_saves_nothing() {
        let mut c = coupon(DiscountType::Fixed, 3_000);
        assert!(check_promotion(Some(&c), at(15), hkd(10_000)).is_ok());
        c.min_cart_total = None;
        let q = check_promotion(Some(&c), at(15), hkd(0)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((q.discount, q.savings_hundredths), (hkd(0), 0));
    }
}
