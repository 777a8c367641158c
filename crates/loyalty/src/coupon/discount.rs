//! The discount rules: when a coupon applies to a cart, why it does not, and how much it
//! takes off.

use chrono::{DateTime, Utc};
use kedai_core::{Currency, Money};

use super::aggregate::{Coupon, CouponStatus, DiscountType};

/// Why a coupon does not apply to a cart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CouponRejection {
    /// The merchant disabled it.
    #[error("the coupon has been disabled")]
    Disabled,
    /// Its validity window has not opened yet.
    #[error("the coupon is not valid until {0}")]
    NotYetValid(DateTime<Utc>),
    /// Its validity window has closed.
    #[error("the coupon expired at {0}")]
    Expired(DateTime<Utc>),
    /// Every use has been taken.
    #[error("the coupon's usage limit has been reached")]
    UsageLimitReached,
    /// It applies at some outlets only, and no outlet was named.
    #[error("the coupon applies at certain outlets only; an outlet is required")]
    OutletRequired,
    /// It does not apply at the named outlet.
    #[error("the coupon does not apply at outlet {0}")]
    WrongOutlet(String),
    /// The cart total is below the coupon's minimum.
    #[error("the cart total must be at least {0}")]
    BelowMinimum(Money),
    /// The cart is in another currency than the coupon.
    #[error("the coupon is for {coupon}, not {cart}")]
    CurrencyMismatch {
        /// The coupon's currency.
        coupon: Currency,
        /// The cart's currency.
        cart: Currency,
    },
}

impl CouponRejection {
    /// True when the coupon failed on its validity window having closed (`COUPON_EXPIRED`);
    /// every other rejection, including "not yet valid", is an invalid coupon.
    #[must_use]
    pub const fn is_expiry(&self) -> bool {
        matches!(self, Self::Expired(_))
    }
}

impl Coupon {
    /// The discount this coupon gives on `cart_total` at `outlet`, at `now`.
    ///
    /// Checks, in order: status, validity window (`valid_from ≤ now ≤ valid_to`), usage limit,
    /// outlet (an empty list applies everywhere; a restricted coupon needs an outlet), currency
    /// and minimum cart total. A percentage is rounded half-up to the minor unit (10% of 29.80
    /// is 2.98); the result is capped by `max_discount` and never exceeds the cart total (nor
    /// goes below zero).
    ///
    /// # Errors
    /// The first [`CouponRejection`] that applies.
    pub fn discount_for(
        &self,
        now: DateTime<Utc>,
        outlet: Option<&str>,
        cart_total: Money,
    ) -> Result<Money, CouponRejection> {
        if self.status == CouponStatus::Disabled {
            return Err(CouponRejection::Disabled);
        }
        if let Some(from) = self.valid_from.filter(|from| now < *from) {
            return Err(CouponRejection::NotYetValid(from));
        }
        if let Some(to) = self.valid_to.filter(|to| now > *to) {
            return Err(CouponRejection::Expired(to));
        }
        if self.usage_limit.is_some_and(|l| self.used_count >= l) {
            return Err(CouponRejection::UsageLimitReached);
        }
        if !self.applicable_outlet_ids.is_empty() {
            match outlet {
                None => return Err(CouponRejection::OutletRequired),
                Some(o) if !self.applicable_outlet_ids.iter().any(|a| a == o) => {
                    return Err(CouponRejection::WrongOutlet(o.to_owned()));
                }
                Some(_) => {}
            }
        }
        if cart_total.currency() != self.currency {
            return Err(CouponRejection::CurrencyMismatch {
                coupon: self.currency,
                cart: cart_total.currency(),
            });
        }
        if let Some(min) = self
            .min_cart_total
            .filter(|m| cart_total.minor() < m.minor())
        {
            return Err(CouponRejection::BelowMinimum(min));
        }
        Ok(Money::from_minor(
            self.discount_minor(cart_total.minor()),
            self.currency,
        ))
    }

    /// The discount in minor units on a total of `total` minor units, after the cap, clamped
    /// to `0..=total`.
    fn discount_minor(&self, total: i64) -> i64 {
        let total = total.max(0);
        let raw = match self.discount_type {
            DiscountType::Percentage => {
                // Half-up to the minor unit; i128 cannot overflow for i64 × 10000.
                let product = i128::from(total) * i128::from(self.discount_value.max(0));
                i64::try_from((product + 5_000) / 10_000).unwrap_or(i64::MAX)
            }
            DiscountType::Fixed => self.discount_value.max(0),
        };
        let capped = self
            .max_discount
            .map_or(raw, |cap| raw.min(cap.minor().max(0)));
        capped.min(total)
    }
}
