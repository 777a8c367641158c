//! Payment intents opened by staff (003 §14).

use crate::Entity;
use chrono::{DateTime, Utc};
use kedai_core::Currency;
use kedai_core::ErrorCode;
use kedai_identity::{Permission, Tenant};
use kedai_orders::OrderId;

use super::{OpenedIntent, PaymentGateway, PaymentTarget, awaits_payment, open_payment};
use crate::{Actor, Amount, AppError, FieldError, Store, UnitOfWork};

/// A payment intent as requested.
#[derive(Debug, Clone)]
pub struct CreateIntent {
    /// The order, as given.
    pub order_id: String,
    /// Method code.
    pub method: String,
    /// Amount; must equal the order total.
    pub amount: Amount,
    /// Currency; must be the merchant's.
    pub currency: String,
}

pub(super) fn payment_failed(field: &str, message: impl Into<String>) -> AppError {
    AppError::Validation {
        code: ErrorCode::PaymentFailed,
        errors: vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }],
    }
}

/// Opens a payment intent for an order awaiting payment, for exactly its total, and a
/// checkout session at the gateway (see [`open_payment`]).
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::Validation`] for a bad method, amount or currency;
/// [`AppError::NotFound`] (order); [`AppError::Conflict`] `PAYMENT_NOT_ALLOWED` when the order
/// does not await payment; `PAYMENT_FAILED` (422, field `amount`) when the amount is not the
/// order total; as [`open_payment`].
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant))]
pub fn create_intent(
    store: &dyn Store,
    actor: &Actor,
    tenant: &Tenant,
    gateway: &dyn PaymentGateway,
    cmd: &CreateIntent,
    now: DateTime<Utc>,
) -> Result<OpenedIntent, AppError> {
    actor.require(Permission::PaymentsWrite)?;
    open_payment(
        store,
        gateway,
        &mut |tx| target(tx, actor, tenant, cmd),
        now,
    )
}

/// The order a staff member's intent pays, checked.
fn target(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    cmd: &CreateIntent,
) -> Result<PaymentTarget, AppError> {
    let mut errors = Vec::new();
    let method = cmd.method.trim();
    if method.is_empty() || method.chars().count() > 64 {
        errors.push(FieldError {
            field: "method".into(),
            message: "must be 1 to 64 characters".into(),
        });
    }
    match Currency::from_code(&cmd.currency) {
        Ok(c) if c == tenant.currency => {}
        Ok(_) | Err(_) => errors.push(FieldError {
            field: "currency".into(),
            message: format!("must be {}, the merchant's currency", tenant.currency),
        }),
    }
    let amount = match cmd.amount.to_money(tenant.currency, "amount") {
        Ok(a) if a.is_positive() => Some(a),
        Ok(_) => {
            errors.push(FieldError {
                field: "amount".into(),
                message: "must be greater than 0".into(),
            });
            None
        }
        Err(AppError::Validation { errors: e, .. }) => {
            errors.extend(e);
            None
        }
        Err(e) => return Err(e),
    };
    let (Some(amount), true) = (amount, errors.is_empty()) else {
        return Err(AppError::Validation {
            code: ErrorCode::ValidationError,
            errors,
        });
    };
    let order_id: OrderId = cmd
        .order_id
        .parse()
        .map_err(|_| AppError::not_found(Entity::Order, &cmd.order_id))?;
    let order = crate::orders::require_order(tx, actor, order_id)?;
    if !awaits_payment(order.status) {
        return Err(AppError::conflict(
            ErrorCode::PaymentNotAllowed,
            format!("an order in status {} does not await payment", order.status),
        ));
    }
    if amount != order.total_amount {
        return Err(payment_failed(
            "amount",
            format!(
                "must equal the order's outstanding total {}",
                order.total_amount
            ),
        ));
    }
    Ok(PaymentTarget {
        order,
        method: method.to_owned(),
        author: actor.into(),
    })
}
