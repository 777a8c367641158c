//! A coupon as requested, and the checks that turn it into a new coupon.

use chrono::{DateTime, Utc};
use kedai_core::{Currency, Money, TenantId};

use super::aggregate::{Coupon, CouponId, CouponStatus, DiscountType};
use super::code::CouponCode;
use super::percent::MAX_PERCENT_HUNDREDTHS;

/// A coupon as requested, with amounts already in the tenant's currency.
#[derive(Debug, Clone)]
pub struct CouponDraft {
    /// Title.
    pub title: String,
    /// Code as given.
    pub code: String,
    /// Discount type.
    pub discount_type: DiscountType,
    /// Hundredths of a percent or minor units, as parsed by the caller.
    pub discount_value: i64,
    /// Minimum cart total.
    pub min_cart_total: Option<Money>,
    /// Discount cap.
    pub max_discount: Option<Money>,
    /// Window start.
    pub valid_from: Option<DateTime<Utc>>,
    /// Window end.
    pub valid_to: Option<DateTime<Utc>>,
    /// Most uses.
    pub usage_limit: Option<i64>,
    /// Outlets (empty: all).
    pub applicable_outlet_ids: Vec<String>,
}

/// A field of a draft that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidField {
    /// The field, as named in the request.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

fn bad(field: &'static str, message: impl Into<String>) -> InvalidField {
    InvalidField {
        field,
        message: message.into(),
    }
}

impl CouponDraft {
    /// Checks every field and builds the new coupon, active and unused.
    ///
    /// # Errors
    /// Every [`InvalidField`] found (not just the first).
    pub fn into_coupon(
        self,
        id: CouponId,
        tenant_id: TenantId,
        currency: Currency,
        created_by: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<Coupon, Vec<InvalidField>> {
        let mut errors = Vec::new();
        let title = self.title.trim().to_owned();
        if title.is_empty() || title.chars().count() > 200 {
            errors.push(bad("title", "must be 1 to 200 characters"));
        }
        let code = CouponCode::parse(&self.code).map_err(|m| errors.push(bad("code", m)));
        if self.discount_value <= 0 {
            errors.push(bad("discount_value", "must be greater than 0"));
        } else if self.discount_type == DiscountType::Percentage
            && self.discount_value > MAX_PERCENT_HUNDREDTHS
        {
            errors.push(bad("discount_value", "must not exceed 100"));
        }
        if self.min_cart_total.is_some_and(|m| m.is_negative()) {
            errors.push(bad("min_cart_total", "must not be negative"));
        }
        if self.max_discount.is_some_and(|m| !m.is_positive()) {
            errors.push(bad("max_discount", "must be greater than 0"));
        }
        if let (Some(from), Some(to)) = (self.valid_from, self.valid_to)
            && to <= from
        {
            errors.push(bad("valid_to", "must be after valid_from"));
        }
        if self.usage_limit.is_some_and(|l| l <= 0) {
            errors.push(bad("usage_limit", "must be greater than 0"));
        }
        let mut outlets: Vec<String> = Vec::with_capacity(self.applicable_outlet_ids.len());
        for o in &self.applicable_outlet_ids {
            let o = o.trim();
            if o.is_empty() {
                errors.push(bad("applicable_outlet_ids", "must not contain empty ids"));
            } else if !outlets.iter().any(|x| x == o) {
                outlets.push(o.to_owned());
            }
        }
        match code {
            Ok(code) if errors.is_empty() => Ok(Coupon {
                id,
                tenant_id,
                code,
                title,
                discount_type: self.discount_type,
                discount_value: self.discount_value,
                currency,
                min_cart_total: self.min_cart_total,
                max_discount: self.max_discount,
                valid_from: self.valid_from,
                valid_to: self.valid_to,
                usage_limit: self.usage_limit,
                used_count: 0,
                applicable_outlet_ids: outlets,
                status: CouponStatus::Active,
                created_by,
                created_at: now,
                updated_at: now,
                disabled_at: None,
            }),
            _ => Err(errors),
        }
    }
}
