//! Recording a payment on an order and applying its effect.

use chrono::{DateTime, Utc};
use kedai_identity::Permission;
use kedai_orders::{
    Order, OrderId, OrderStatus, Payment, PaymentId, PaymentStatus, has_unrefunded_payment,
    plan_payment,
};
use serde_json::json;

use super::{apply_transition, event, require_order};
use crate::{Actor, Amount, AppError, Author, UnitOfWork};

/// A payment to record.
#[derive(Debug, Clone)]
pub struct PaymentCommand {
    /// The order.
    pub order_id: OrderId,
    /// Method.
    pub method: String,
    /// Amount; must equal the order total.
    pub amount: Amount,
    /// Outcome.
    pub status: PaymentStatus,
    /// The payment intent it settles, when it came through a gateway (carried in the
    /// `payment.*` event, as 003's webhooks show).
    pub payment_intent_id: Option<String>,
}

/// The outcome of recording a payment.
#[derive(Debug, Clone)]
pub struct PaymentResult {
    /// The payment record.
    pub payment: Payment,
    /// The order's status afterwards.
    pub order_status: OrderStatus,
}

/// Records a payment and applies its effect (see [`kedai_orders::plan_payment`]).
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Validation`] (amount, method),
/// [`AppError::Conflict`] `PAYMENT_NOT_ALLOWED` / `NOTHING_TO_REFUND`,
/// [`AppError::InvalidTransition`].
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, order.id = %cmd.order_id, payment.status = %cmd.status))]
pub fn record_payment(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    cmd: &PaymentCommand,
    now: DateTime<Utc>,
) -> Result<PaymentResult, AppError> {
    actor.require(Permission::PaymentsWrite)?;
    let method = cmd.method.trim();
    if method.is_empty() || method.len() > 64 {
        return Err(AppError::invalid("method", "must be 1 to 64 characters"));
    }
    let order = require_order(tx, actor, cmd.order_id)?;
    let (result, extra) = apply_payment(tx, actor.into(), order, cmd, method, now)?;
    // Money a gateway took goes back through it, after commit.
    crate::jobs::queue_gateway_refund(
        tx,
        &result.payment,
        kedai_core::Backoff::OUTBOUND.max_attempts,
        now,
    )?;
    if cmd.status == PaymentStatus::Refunded {
        crate::audit::record(
            tx,
            actor,
            now,
            "payment.refunded",
            "order",
            Some(result.payment.order_id.to_string()),
            extra,
        )?;
    }
    Ok(result)
}

/// Records a payment on a loaded order and applies its effect: the payment row, each status
/// step with its history, and the `payment.*` event. Returns the result and the event's
/// payment details.
pub(crate) fn apply_payment(
    tx: &mut dyn UnitOfWork,
    actor: Author,
    mut order: Order,
    cmd: &PaymentCommand,
    method: &str,
    now: DateTime<Utc>,
) -> Result<(PaymentResult, serde_json::Value), AppError> {
    let amount = cmd.amount.to_money(order.currency, "amount")?;
    let payments = tx.payments(actor.tenant, order.id)?;
    let plan = plan_payment(
        order.order_type,
        order.status,
        order.total_amount,
        amount,
        cmd.status,
        has_unrefunded_payment(&payments),
    )?;
    let payment = Payment {
        id: PaymentId::new(),
        tenant_id: actor.tenant,
        order_id: order.id,
        method: method.to_owned(),
        amount,
        status: cmd.status,
        created_by: actor.id_string(),
        created_at: now,
    };
    if !tx.record_payment(&payment, order.status)? {
        // The order moved since we read it; decide again on a fresh read.
        return Err(AppError::lost_race("order status changed concurrently"));
    }
    let reason = match cmd.status {
        PaymentStatus::Completed => "payment_completed",
        PaymentStatus::Failed => "payment_failed",
        PaymentStatus::Refunded => "payment_refunded",
    };
    for step in plan.steps {
        apply_transition(tx, actor, &mut order, step, None, reason, now)?;
    }
    let event_type = match cmd.status {
        PaymentStatus::Completed => "payment.success",
        PaymentStatus::Failed => "payment.failed",
        PaymentStatus::Refunded => "payment.refunded",
    };
    // 003 §17: a payment event's `status` is the payment's (`success`, `failed`, `refunded`);
    // the order's is beside it.
    let payment_status = match cmd.status {
        PaymentStatus::Completed => "success",
        PaymentStatus::Failed => "failed",
        PaymentStatus::Refunded => "refunded",
    };
    let mut extra = json!({
        "payment_id": payment.id.to_string(),
        "method": payment.method,
        "amount": amount.to_string(),
        "status": payment_status,
        "order_status": order.status.as_str(),
    });
    if let (Some(intent), Some(map)) = (&cmd.payment_intent_id, extra.as_object_mut()) {
        map.insert("payment_intent_id".into(), json!(intent));
    }
    tx.append_event(&event(actor.tenant, event_type, &order, now, extra.clone()))?;
    Ok((
        PaymentResult {
            payment,
            order_status: order.status,
        },
        extra,
    ))
}
