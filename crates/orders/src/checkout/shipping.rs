//! Shipping methods and what shipping costs.

use chrono::{DateTime, Utc};
use kedai_core::{Money, TenantId};

use super::{DAYS_MAX, InvalidField, ShippingMethodId, TEXT_MAX, bad, clean_name, clean_text};
use crate::Charges;

/// A shipping method of the shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingMethod {
    /// Integer id.
    pub id: ShippingMethodId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Name shown at checkout.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// What it costs.
    pub cost: Money,
    /// Subtotal from which it is free.
    pub free_shipping_threshold: Option<Money>,
    /// Delivery estimate as the merchant words it (`2-3`, `next day`).
    pub estimated_days: Option<String>,
    /// Offered at checkout.
    pub active: bool,
    /// Position in the list (lower first).
    pub sort_order: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// What shipping costs: the method's cost, or nothing when the order's subtotal reaches its
/// free-shipping threshold (the threshold compares with the subtotal before any discount, the
/// figure a storefront shows as the cart amount).
#[must_use]
pub fn shipping_cost(
    cost: Money,
    free_shipping_threshold: Option<Money>,
    subtotal: Money,
) -> Money {
    match free_shipping_threshold {
        Some(t) if subtotal.currency() == t.currency() && subtotal.minor() >= t.minor() => {
            Money::zero(cost.currency())
        }
        _ => cost,
    }
}

impl ShippingMethod {
    /// What this method costs for an order of `subtotal` (see [`shipping_cost`]).
    #[must_use]
    pub fn cost_for(&self, subtotal: Money) -> Money {
        shipping_cost(self.cost, self.free_shipping_threshold, subtotal)
    }
}

/// A shipping method as requested, amounts already in the tenant's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingMethodDraft {
    /// Name, 1–100 characters.
    pub name: String,
    /// Description, up to 2000 characters.
    pub description: Option<String>,
    /// Cost, not negative.
    pub cost: Money,
    /// Free from this subtotal, not negative.
    pub free_shipping_threshold: Option<Money>,
    /// Estimate, up to 50 characters.
    pub estimated_days: Option<String>,
    /// Offered at checkout (default true).
    pub active: bool,
    /// Position.
    pub sort_order: i32,
}

impl ShippingMethodDraft {
    /// Checks every field and returns the cleaned draft (texts trimmed, empty ones dropped).
    ///
    /// # Errors
    /// Every [`InvalidField`] found.
    pub fn validate(self) -> Result<Self, Vec<InvalidField>> {
        let mut errors = Vec::new();
        let name = clean_name(&self.name, &mut errors);
        let description = clean_text(
            "description",
            self.description.as_deref(),
            TEXT_MAX,
            &mut errors,
        );
        let estimated_days = clean_text(
            "estimated_days",
            self.estimated_days.as_deref(),
            DAYS_MAX,
            &mut errors,
        );
        if self.cost.is_negative() {
            errors.push(bad("cost", "must not be negative"));
        }
        if self
            .free_shipping_threshold
            .is_some_and(|t| t.is_negative())
        {
            errors.push(bad("free_shipping_threshold", "must not be negative"));
        }
        if errors.is_empty() {
            Ok(Self {
                name,
                description,
                estimated_days,
                ..self
            })
        } else {
            Err(errors)
        }
    }
}

/// A partial change of a shipping method; `None` leaves a field, `Some(None)` clears it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShippingMethodPatch {
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<Option<String>>,
    /// Cost.
    pub cost: Option<Money>,
    /// Free-shipping threshold.
    pub free_shipping_threshold: Option<Option<Money>>,
    /// Estimate.
    pub estimated_days: Option<Option<String>>,
    /// Offered at checkout.
    pub active: Option<bool>,
    /// Position.
    pub sort_order: Option<i32>,
}

impl ShippingMethod {
    /// The method with `patch` applied, checked like a new one.
    ///
    /// # Errors
    /// Every [`InvalidField`] found.
    pub fn patched(
        &self,
        patch: ShippingMethodPatch,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<InvalidField>> {
        let draft = ShippingMethodDraft {
            name: patch.name.unwrap_or_else(|| self.name.clone()),
            description: patch
                .description
                .unwrap_or_else(|| self.description.clone()),
            cost: patch.cost.unwrap_or(self.cost),
            free_shipping_threshold: patch
                .free_shipping_threshold
                .unwrap_or(self.free_shipping_threshold),
            estimated_days: patch
                .estimated_days
                .unwrap_or_else(|| self.estimated_days.clone()),
            active: patch.active.unwrap_or(self.active),
            sort_order: patch.sort_order.unwrap_or(self.sort_order),
        }
        .validate()?;
        Ok(Self {
            name: draft.name,
            description: draft.description,
            cost: draft.cost,
            free_shipping_threshold: draft.free_shipping_threshold,
            estimated_days: draft.estimated_days,
            active: draft.active,
            sort_order: draft.sort_order,
            updated_at: now,
            ..self.clone()
        })
    }
}

/// The charges of a shop order: shipping from the chosen method (free at or above its
/// threshold, judged on the subtotal), the coupon's discount (computed by the caller on the
/// same subtotal), no tax. The total is then subtotal − discount + shipping.
#[must_use]
pub fn shop_charges(
    subtotal: Money,
    shipping: Option<&ShippingMethod>,
    discount: Money,
) -> Charges {
    let currency = subtotal.currency();
    Charges {
        shipping_fee: shipping.map_or(Money::zero(currency), |m| m.cost_for(subtotal)),
        tax_amount: Money::zero(currency),
        discount_amount: discount,
    }
}
