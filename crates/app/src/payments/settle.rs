//! Settling a payment intent: asking the gateway where its checkout stands (outside any
//! transaction) and recording the answer in a transaction of its own.

use crate::Entity;
use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
use kedai_core::StorageError;
use kedai_identity::Permission;
use kedai_orders::{Order, OrderStatus, PaymentId, PaymentStatus};
use serde_json::json;

use super::intents::payment_failed;
use super::{GatewayOutcome, IntentStatus, PaymentGateway, PaymentIntent, PaymentIntentId};
use crate::orders::{PaymentCommand, apply_payment};
use crate::{Actor, Amount, AppError, Author, OutboxEvent, Store, UnitOfWork};

/// The outcome of verifying an intent. A decline is an outcome, not an error, so that the
/// failed intent is committed; the caller reports it as `PAYMENT_FAILED`.
#[derive(Debug, Clone)]
pub enum Verified {
    /// Paid (now or earlier).
    Succeeded {
        /// The intent.
        intent: PaymentIntent,
        /// The order's status now.
        order_status: OrderStatus,
        /// The payment recorded on the order.
        payment_id: PaymentId,
    },
    /// Declined (now or earlier).
    Declined {
        /// The intent.
        intent: PaymentIntent,
        /// Why.
        reason: String,
    },
}

fn order_of(tx: &mut dyn UnitOfWork, intent: &PaymentIntent) -> Result<Order, AppError> {
    tx.find_order(intent.tenant_id, intent.order_id)?
        .ok_or_else(|| AppError::not_found(Entity::Order, intent.order_id))
}

/// Asks the gateway about an intent and applies the answer (see [`settle`]). Staff confined to
/// outlets verify only their outlets' payments.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`] (intent); [`AppError::Conflict`]
/// `PAYMENT_PENDING` while the customer has not decided, `PAYMENT_NOT_ALLOWED` when the order
/// no longer awaits payment (nothing is recorded); `PAYMENT_FAILED` (422) when
/// `gateway_reference` does not match the gateway's; [`AppError::Storage`].
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, payment_intent.id = %id))]
pub fn verify_intent(
    store: &dyn Store,
    actor: &Actor,
    gateway: &dyn PaymentGateway,
    id: PaymentIntentId,
    gateway_reference: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Verified, AppError> {
    actor.require(Permission::PaymentsWrite)?;
    let intent = store.read(|tx| {
        let intent = tx
            .find_intent(actor.tenant, id)?
            .ok_or_else(|| AppError::not_found(Entity::PaymentIntent, id))?;
        if crate::orders::require_order(tx, actor, intent.order_id).is_err() {
            return Err(AppError::not_found(Entity::PaymentIntent, id));
        }
        Ok(intent)
    })?;
    settle(store, actor.into(), gateway, intent, gateway_reference, now)?.ok_or_else(|| {
        AppError::conflict(
            ErrorCode::PaymentPending,
            "the customer has not completed the payment yet",
        )
    })
}

/// Settles an intent: a decided one answers its decision again without recording anything;
/// one awaiting the customer is looked up at the gateway (outside any transaction), and what
/// the gateway decided is recorded in a write of its own: an approval records the payment on
/// the order (which becomes paid), a decline fails the intent. `None` while the customer has
/// not decided, or while the gateway has not opened the checkout yet.
///
/// # Errors
/// [`AppError::Conflict`] `PAYMENT_NOT_ALLOWED` for a cancelled intent or an order that no
/// longer awaits payment; `PAYMENT_FAILED` (422) when `gateway_reference` does not match the
/// gateway's; the gateway's error; [`AppError::Storage`].
pub fn settle(
    store: &dyn Store,
    author: Author,
    gateway: &dyn PaymentGateway,
    intent: PaymentIntent,
    gateway_reference: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<Verified>, AppError> {
    let claimed = gateway_reference.map(str::trim).filter(|r| !r.is_empty());
    if intent.status != IntentStatus::RequiresAction {
        return store.read(|tx| decided(tx, &intent, claimed));
    }
    let Some(session) = intent.gateway_session.as_deref() else {
        return Ok(None);
    };
    store.unpin();
    match gateway.status(author.tenant, session)? {
        GatewayOutcome::Pending => Ok(None),
        outcome => store.write(|tx| record(tx, author, &intent, &outcome, claimed, now)),
    }
}

fn check_reference(claimed: Option<&str>, actual: Option<&str>) -> Result<(), AppError> {
    match (claimed, actual) {
        (Some(c), Some(a)) if c != a => Err(payment_failed(
            "gateway_reference",
            "does not match the gateway's reference for this payment",
        )),
        _ => Ok(()),
    }
}

/// The answer for an intent already decided.
fn decided(
    tx: &mut dyn UnitOfWork,
    intent: &PaymentIntent,
    claimed: Option<&str>,
) -> Result<Option<Verified>, AppError> {
    match intent.status {
        IntentStatus::Succeeded => {
            check_reference(claimed, intent.gateway_reference.as_deref())?;
            let order_status = order_of(tx, intent)?.status;
            let payment_id = intent.payment_id.ok_or_else(|| {
                AppError::Storage(StorageError::other("succeeded intent without a payment"))
            })?;
            Ok(Some(Verified::Succeeded {
                intent: intent.clone(),
                order_status,
                payment_id,
            }))
        }
        IntentStatus::Cancelled => Err(AppError::conflict(
            ErrorCode::PaymentNotAllowed,
            "the payment was cancelled: the order was cancelled, its total changed, or a newer \
             payment intent replaced it",
        )),
        IntentStatus::Failed => Ok(Some(Verified::Declined {
            reason: format!("the payment {}", intent.status),
            intent: intent.clone(),
        })),
        IntentStatus::RequiresAction => Ok(None),
    }
}

/// Records what the gateway decided. The intent is claimed first with a guarded update:
/// concurrent settlements queue on it, and the losers answer the winner's decision.
fn record(
    tx: &mut dyn UnitOfWork,
    author: Author,
    intent: &PaymentIntent,
    outcome: &GatewayOutcome,
    claimed: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<Verified>, AppError> {
    let id = intent.id;
    let (status, reference) = match outcome {
        GatewayOutcome::Pending => return Ok(None),
        GatewayOutcome::Declined { .. } => (IntentStatus::Failed, None),
        GatewayOutcome::Approved { reference } => {
            check_reference(claimed, Some(reference))?;
            (IntentStatus::Succeeded, Some(reference.as_str()))
        }
    };
    if !tx.complete_intent(author.tenant, id, status, reference, now)? {
        let fresh = tx
            .find_intent(author.tenant, id)?
            .ok_or_else(|| AppError::not_found(Entity::PaymentIntent, id))?;
        return decided(tx, &fresh, claimed);
    }
    let order = order_of(tx, intent)?;
    match outcome {
        GatewayOutcome::Declined { reason } => {
            tx.append_event(&OutboxEvent {
                tenant_id: author.tenant,
                event_type: "payment.failed",
                aggregate_id: order.id.to_string(),
                payload: json!({
                    "payment_intent_id": id.to_string(),
                    "order_id": order.id.to_string(),
                    "order_number": order.order_number.as_str(),
                    "amount": intent.amount.to_string(),
                    "currency": intent.amount.currency().code(),
                    "status": "failed",
                    "order_status": order.status.as_str(),
                    "reason": reason,
                }),
                created_at: now,
            })?;
            Ok(Some(Verified::Declined {
                intent: PaymentIntent {
                    status: IntentStatus::Failed,
                    updated_at: now,
                    completed_at: Some(now),
                    ..intent.clone()
                },
                reason: reason.clone(),
            }))
        }
        _ => {
            // The order payment path re-checks the order (awaiting payment, amount) and moves
            // it to paid with history, the payment row and `payment.success`; for an order
            // cancelled meanwhile it fails and the whole transaction, claim included, is
            // rolled back.
            let (paid, _) = apply_payment(
                tx,
                author,
                order,
                &PaymentCommand {
                    order_id: intent.order_id,
                    method: intent.method.clone(),
                    amount: Amount(intent.amount.to_string()),
                    status: PaymentStatus::Completed,
                    payment_intent_id: Some(id.to_string()),
                },
                &intent.method,
                now,
            )?;
            tx.attach_intent_payment(author.tenant, id, paid.payment.id)?;
            Ok(Some(Verified::Succeeded {
                intent: PaymentIntent {
                    status: IntentStatus::Succeeded,
                    gateway_reference: reference.map(str::to_owned),
                    payment_id: Some(paid.payment.id),
                    updated_at: now,
                    completed_at: Some(now),
                    ..intent.clone()
                },
                order_status: paid.order_status,
                payment_id: paid.payment.id,
            }))
        }
    }
}
