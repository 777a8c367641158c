//! The shop's checkout options: shipping methods and payment-method options, managed by the
//! merchant (`catalog:read` to read, `merchant:write` to change, like the merchant profile)
//! and listed to the storefront (active ones only).

use crate::Entity;
use chrono::{DateTime, SubsecRound, Utc};
use kedai_core::ErrorCode;
use kedai_core::{Money, TenantId};
use kedai_identity::Permission;
use kedai_identity::Tenant;
use kedai_orders::checkout::{
    InvalidField, PaymentMethodDraft, PaymentMethodPatch, ShippingMethodDraft, ShippingMethodPatch,
};
use kedai_orders::{
    PaymentMethodKind, ShippingMethod, ShippingMethodId, ShopPaymentMethod, ShopPaymentMethodId,
};
use serde_json::json;

use crate::{Actor, Amount, AppError, FieldError, UnitOfWork, audit};

fn invalid(errors: Vec<InvalidField>) -> AppError {
    AppError::Validation {
        code: ErrorCode::ValidationError,
        errors: errors
            .into_iter()
            .map(|e| FieldError {
                field: e.field.to_owned(),
                message: e.message,
            })
            .collect(),
    }
}

/// Collects amount conversion failures alongside rule failures, so one answer lists them all.
struct Amounts {
    currency: kedai_core::Currency,
    errors: Vec<FieldError>,
}

impl Amounts {
    fn money(&mut self, field: &str, amount: &Amount) -> Money {
        match amount.to_money(self.currency, field) {
            Ok(m) => m,
            Err(e) => {
                self.errors.push(FieldError {
                    field: field.to_owned(),
                    message: match e {
                        AppError::Validation { errors, .. } => errors
                            .into_iter()
                            .map(|e| e.message)
                            .collect::<Vec<_>>()
                            .join("; "),
                        other => other.to_string(),
                    },
                });
                Money::zero(self.currency)
            }
        }
    }

    /// Fails with every amount and rule failure, if there are any.
    fn finish(self, rules: Option<&Vec<InvalidField>>) -> Result<(), AppError> {
        let mut errors = self.errors;
        if let Some(more) = rules {
            for e in more {
                // An amount that did not parse is reported once, as unparsable.
                if !errors.iter().any(|x| x.field == e.field) {
                    errors.push(FieldError {
                        field: e.field.to_owned(),
                        message: e.message.clone(),
                    });
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation {
                code: ErrorCode::ValidationError,
                errors,
            })
        }
    }
}

/// A shipping method as requested.
#[derive(Debug, Clone)]
pub struct ShippingMethodInput {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Cost in the tenant's currency.
    pub cost: Amount,
    /// Free from this subtotal.
    pub free_shipping_threshold: Option<Amount>,
    /// Delivery estimate.
    pub estimated_days: Option<String>,
    /// Offered at checkout (default true).
    pub active: Option<bool>,
    /// Position (default 0).
    pub sort_order: Option<i32>,
}

/// A partial change of a shipping method: `None` leaves a field, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ShippingMethodChange {
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<Option<String>>,
    /// Cost.
    pub cost: Option<Amount>,
    /// Free-shipping threshold.
    pub free_shipping_threshold: Option<Option<Amount>>,
    /// Delivery estimate.
    pub estimated_days: Option<Option<String>>,
    /// Offered at checkout.
    pub active: Option<bool>,
    /// Position.
    pub sort_order: Option<i32>,
}

/// The tenant's shipping methods, active or not, by sort order.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Storage`].
pub fn list_shipping_methods(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
) -> Result<Vec<ShippingMethod>, AppError> {
    actor.require(Permission::CatalogRead)?;
    Ok(tx.list_shipping_methods(actor.tenant, false)?)
}

fn require_shipping_method(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    id: ShippingMethodId,
) -> Result<ShippingMethod, AppError> {
    tx.find_shipping_method(tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::ShippingMethod, id))
}

fn shipping_details(m: &ShippingMethod) -> serde_json::Value {
    json!({
        "name": m.name,
        "cost": m.cost.to_string(),
        "free_shipping_threshold": m.free_shipping_threshold.map(|t| t.to_string()),
        "active": m.active,
    })
}

/// Creates a shipping method.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Validation`] (every bad field), [`AppError::Storage`].
pub fn create_shipping_method(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    input: &ShippingMethodInput,
    now: DateTime<Utc>,
) -> Result<ShippingMethod, AppError> {
    actor.require(Permission::MerchantWrite)?;
    let now = now.trunc_subsecs(6);
    let mut amounts = Amounts {
        currency: tenant.currency,
        errors: Vec::new(),
    };
    let cost = amounts.money("cost", &input.cost);
    let free_shipping_threshold = input
        .free_shipping_threshold
        .as_ref()
        .map(|t| amounts.money("free_shipping_threshold", t));
    let draft = ShippingMethodDraft {
        name: input.name.clone(),
        description: input.description.clone(),
        cost,
        free_shipping_threshold,
        estimated_days: input.estimated_days.clone(),
        active: input.active.unwrap_or(true),
        sort_order: input.sort_order.unwrap_or(0),
    }
    .validate();
    amounts.finish(draft.as_ref().err())?;
    let draft = draft.map_err(invalid)?;
    let id = tx.insert_shipping_method(actor.tenant, &draft, now)?;
    let method = ShippingMethod {
        id,
        tenant_id: actor.tenant,
        name: draft.name,
        description: draft.description,
        cost: draft.cost,
        free_shipping_threshold: draft.free_shipping_threshold,
        estimated_days: draft.estimated_days,
        active: draft.active,
        sort_order: draft.sort_order,
        created_at: now,
        updated_at: now,
    };
    audit::record(
        tx,
        actor,
        now,
        "shipping_method.created",
        "shipping_method",
        Some(id.to_string()),
        shipping_details(&method),
    )?;
    Ok(method)
}

/// Changes a shipping method.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Validation`],
/// [`AppError::Storage`].
pub fn update_shipping_method(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    id: ShippingMethodId,
    change: &ShippingMethodChange,
    now: DateTime<Utc>,
) -> Result<ShippingMethod, AppError> {
    actor.require(Permission::MerchantWrite)?;
    let now = now.trunc_subsecs(6);
    let current = require_shipping_method(tx, actor.tenant, id)?;
    let mut amounts = Amounts {
        currency: tenant.currency,
        errors: Vec::new(),
    };
    let patch = ShippingMethodPatch {
        name: change.name.clone(),
        description: change.description.clone(),
        cost: change.cost.as_ref().map(|c| amounts.money("cost", c)),
        free_shipping_threshold: change.free_shipping_threshold.as_ref().map(|t| {
            t.as_ref()
                .map(|t| amounts.money("free_shipping_threshold", t))
        }),
        estimated_days: change.estimated_days.clone(),
        active: change.active,
        sort_order: change.sort_order,
    };
    let next = current.patched(patch, now);
    amounts.finish(next.as_ref().err())?;
    let next = next.map_err(invalid)?;
    if !tx.update_shipping_method(&next)? {
        return Err(AppError::not_found(Entity::ShippingMethod, id));
    }
    audit::record(
        tx,
        actor,
        now,
        "shipping_method.updated",
        "shipping_method",
        Some(id.to_string()),
        shipping_details(&next),
    )?;
    Ok(next)
}

/// Deletes a shipping method: checkout no longer offers it; orders that used it keep its name
/// and cost.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Storage`].
pub fn delete_shipping_method(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: ShippingMethodId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.require(Permission::MerchantWrite)?;
    let current = require_shipping_method(tx, actor.tenant, id)?;
    if !tx.delete_shipping_method(actor.tenant, id, now)? {
        return Err(AppError::not_found(Entity::ShippingMethod, id));
    }
    audit::record(
        tx,
        actor,
        now,
        "shipping_method.deleted",
        "shipping_method",
        Some(id.to_string()),
        json!({ "name": current.name }),
    )
}

/// A payment method as requested.
#[derive(Debug, Clone)]
pub struct PaymentMethodInput {
    /// Name.
    pub name: String,
    /// `gateway`, `manual` or `cash_on_delivery`.
    pub kind: String,
    /// Instructions.
    pub instructions: Option<String>,
    /// Position (default 0).
    pub position: Option<i32>,
    /// Offered at checkout (default true).
    pub active: Option<bool>,
}

/// A partial change of a payment method: `None` leaves a field, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct PaymentMethodChange {
    /// Name.
    pub name: Option<String>,
    /// Kind.
    pub kind: Option<String>,
    /// Instructions.
    pub instructions: Option<Option<String>>,
    /// Position.
    pub position: Option<i32>,
    /// Offered at checkout.
    pub active: Option<bool>,
}

fn kind(raw: &str) -> Result<PaymentMethodKind, AppError> {
    raw.trim()
        .parse::<PaymentMethodKind>()
        .map_err(|m| AppError::invalid("type", m))
}

/// The tenant's payment methods, active or not, by position.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Storage`].
pub fn list_payment_methods(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
) -> Result<Vec<ShopPaymentMethod>, AppError> {
    actor.require(Permission::CatalogRead)?;
    Ok(tx.list_payment_methods(actor.tenant, false)?)
}

fn require_payment_method(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    id: ShopPaymentMethodId,
) -> Result<ShopPaymentMethod, AppError> {
    tx.find_payment_method(tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::PaymentMethod, id))
}

fn payment_details(m: &ShopPaymentMethod) -> serde_json::Value {
    json!({ "name": m.name, "type": m.kind.as_str(), "active": m.active })
}

/// Creates a payment method.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Validation`], [`AppError::Storage`].
pub fn create_payment_method(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    input: &PaymentMethodInput,
    now: DateTime<Utc>,
) -> Result<ShopPaymentMethod, AppError> {
    actor.require(Permission::MerchantWrite)?;
    let now = now.trunc_subsecs(6);
    let draft = PaymentMethodDraft {
        name: input.name.clone(),
        kind: kind(&input.kind)?,
        instructions: input.instructions.clone(),
        position: input.position.unwrap_or(0),
        active: input.active.unwrap_or(true),
    }
    .validate()
    .map_err(invalid)?;
    let method = ShopPaymentMethod {
        id: ShopPaymentMethodId::new(),
        tenant_id: actor.tenant,
        name: draft.name,
        kind: draft.kind,
        instructions: draft.instructions,
        position: draft.position,
        active: draft.active,
        created_at: now,
        updated_at: now,
    };
    tx.insert_payment_method(&method)?;
    audit::record(
        tx,
        actor,
        now,
        "payment_method.created",
        "payment_method",
        Some(method.id.to_string()),
        payment_details(&method),
    )?;
    Ok(method)
}

/// Changes a payment method.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Validation`],
/// [`AppError::Storage`].
pub fn update_payment_method(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: ShopPaymentMethodId,
    change: &PaymentMethodChange,
    now: DateTime<Utc>,
) -> Result<ShopPaymentMethod, AppError> {
    actor.require(Permission::MerchantWrite)?;
    let now = now.trunc_subsecs(6);
    let current = require_payment_method(tx, actor.tenant, id)?;
    let patch = PaymentMethodPatch {
        name: change.name.clone(),
        kind: change.kind.as_deref().map(kind).transpose()?,
        instructions: change.instructions.clone(),
        position: change.position,
        active: change.active,
    };
    let next = current.patched(patch, now).map_err(invalid)?;
    if !tx.update_payment_method(&next)? {
        return Err(AppError::not_found(Entity::PaymentMethod, id));
    }
    audit::record(
        tx,
        actor,
        now,
        "payment_method.updated",
        "payment_method",
        Some(id.to_string()),
        payment_details(&next),
    )?;
    Ok(next)
}

/// Deletes a payment method: checkout no longer offers it.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Storage`].
pub fn delete_payment_method(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: ShopPaymentMethodId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.require(Permission::MerchantWrite)?;
    let current = require_payment_method(tx, actor.tenant, id)?;
    if !tx.delete_payment_method(actor.tenant, id, now)? {
        return Err(AppError::not_found(Entity::PaymentMethod, id));
    }
    audit::record(
        tx,
        actor,
        now,
        "payment_method.deleted",
        "payment_method",
        Some(id.to_string()),
        json!({ "name": current.name }),
    )
}

/// The shipping methods the storefront offers: active ones, by sort order.
///
/// # Errors
/// [`AppError::Storage`].
pub fn shop_shipping_methods(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
) -> Result<Vec<ShippingMethod>, AppError> {
    Ok(tx.list_shipping_methods(tenant, true)?)
}

/// The payment methods the storefront offers: active ones, by position.
///
/// # Errors
/// [`AppError::Storage`].
pub fn shop_payment_methods(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
) -> Result<Vec<ShopPaymentMethod>, AppError> {
    Ok(tx.list_payment_methods(tenant, true)?)
}
