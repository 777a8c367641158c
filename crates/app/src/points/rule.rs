//! The merchant's earning rule: read (the standard rule until one is set) and changed.

use chrono::{DateTime, Utc};
use kedai_identity::{Permission, Tenant};
use kedai_loyalty::{EarningRule, Rounding};
use kedai_orders::{Channel, OrderType};
use serde_json::json;

use crate::{Actor, Amount, AppError, UnitOfWork};

/// A change of the rule; `None` leaves a field as it is, `expiry_months: Some(None)` makes
/// points never expire.
#[derive(Debug, Clone, Default)]
pub struct RuleInput {
    /// Whether orders earn.
    pub enabled: Option<bool>,
    /// Points per step of spend.
    pub points: Option<i64>,
    /// The step of spend, in major units.
    pub per_amount: Option<Amount>,
    /// Rounding.
    pub rounding: Option<Rounding>,
    /// Order types that earn.
    pub order_types: Option<Vec<OrderType>>,
    /// Channels that earn.
    pub channels: Option<Vec<Channel>>,
    /// Months until earned points expire; `Some(None)`: never.
    pub expiry_months: Option<Option<i64>>,
}

/// The merchant's rule, or the standard one (1 point per currency unit) until they set one.
///
/// # Errors
/// [`AppError::Forbidden`] without `CustomersRead`; [`AppError::Storage`].
pub fn earning_rule(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
) -> Result<EarningRule, AppError> {
    actor.require(Permission::CustomersRead)?;
    Ok(tx
        .earning_rule(actor.tenant)?
        .unwrap_or_else(|| EarningRule::standard(tenant.currency)))
}

/// Changes the merchant's rule; fields not given keep their value. Points already earned keep
/// their expiry; the new rule applies to what is earned from now on.
///
/// # Errors
/// [`AppError::Forbidden`] without `MembershipsWrite`; every bad field at once.
pub fn set_earning_rule(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    input: &RuleInput,
    now: DateTime<Utc>,
) -> Result<EarningRule, AppError> {
    actor.require(Permission::MembershipsWrite)?;
    let mut rule = tx
        .earning_rule(actor.tenant)?
        .unwrap_or_else(|| EarningRule::standard(tenant.currency));
    if let Some(e) = input.enabled {
        rule.enabled = e;
    }
    if let Some(p) = input.points {
        rule.points = p;
    }
    if let Some(a) = &input.per_amount {
        rule.per_amount = a.to_money(tenant.currency, "per_amount")?;
    }
    if let Some(r) = input.rounding {
        rule.rounding = r;
    }
    if let Some(t) = &input.order_types {
        rule.order_types.clone_from(t);
    }
    if let Some(c) = &input.channels {
        rule.channels.clone_from(c);
    }
    if let Some(m) = input.expiry_months {
        rule.expiry_months = m;
    }
    let rule = rule
        .check()
        .map_err(|errors| AppError::fields(errors.into_iter().map(|e| (e.field, e.message))))?;
    tx.save_earning_rule(actor.tenant, &rule, now)?;
    crate::audit::record(
        tx,
        actor,
        now,
        "points.rule_changed",
        "merchant",
        Some(actor.tenant.to_string()),
        json!({
            "enabled": rule.enabled,
            "points": rule.points,
            "per_amount": rule.per_amount.to_string(),
            "rounding": rule.rounding.as_str(),
            "expiry_months": rule.expiry_months,
        }),
    )?;
    Ok(rule)
}
