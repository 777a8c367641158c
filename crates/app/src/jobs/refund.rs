//! Refunds through the gateway that took the money: a refund recorded on an order paid at a
//! real gateway (Stripe) queues a job in the same transaction; the worker asks the gateway to
//! give the money back (idempotently, keyed by the refund's payment id) and records the outcome
//! in the audit log.

use chrono::{DateTime, Utc};
use kedai_core::Page;
use kedai_orders::{OrderId, Payment, PaymentId, PaymentStatus};
use serde_json::json;

use super::lease::Lease;
use super::{Job, JobEnd, JobKind};
use crate::audit::AuditEntry;
use crate::mock_gateway::MOCK;
use crate::payments::{IntentFilter, IntentStatus, PaymentIntent};
use crate::{AppError, UnitOfWork};

/// The intent that paid an order, if a gateway took the payment.
fn paid_intent(
    tx: &mut dyn UnitOfWork,
    payment: &Payment,
) -> Result<Option<PaymentIntent>, AppError> {
    let filter = IntentFilter {
        order_id: Some(payment.order_id),
        status: Some(IntentStatus::Succeeded),
        outlet_scope: None,
    };
    let page = Page::new(Some(1), Some(1)).map_err(|e| AppError::invalid("page", e.to_string()))?;
    let (rows, _) = tx.list_intents(payment.tenant_id, &filter, page)?;
    Ok(rows.into_iter().next().map(|r| r.intent))
}

/// Queues the gateway refund of a refund payment just recorded, when the order was paid at a
/// gateway that holds money (not the mock). Returns whether one was queued.
///
/// # Errors
/// [`AppError::Storage`].
pub fn queue_gateway_refund(
    tx: &mut dyn UnitOfWork,
    refund: &Payment,
    max_attempts: u32,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    if refund.status != PaymentStatus::Refunded {
        return Ok(false);
    }
    match paid_intent(tx, refund)? {
        Some(intent) if intent.gateway != MOCK && intent.gateway_reference.is_some() => {
            tx.enqueue_jobs(&[Job::new(
                refund.tenant_id,
                JobKind::Refund,
                format!("{}/{}", refund.order_id, refund.id),
                max_attempts,
                now,
            )])?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

pub(super) fn run_refund(lease: &Lease<'_>) -> Result<JobEnd, AppError> {
    let Lease {
        store,
        outbound,
        worker,
        job,
        ..
    } = *lease;
    let (order, payment) = job
        .subject_id
        .split_once('/')
        .and_then(|(o, p)| Some((o.parse::<OrderId>().ok()?, p.parse::<PaymentId>().ok()?)))
        .ok_or_else(|| lease.malformed())?;
    let found = store.read(|tx| {
        let refund = tx
            .payments(job.tenant_id, order)?
            .into_iter()
            .find(|p| p.id == payment);
        let Some(refund) = refund else {
            return Ok(None);
        };
        Ok(paid_intent(tx, &refund)?.map(|intent| (refund, intent)))
    })?;
    let Some((refund, intent)) = found else {
        return lease.end(JobEnd::Done);
    };
    let reference = intent.gateway_reference.clone().unwrap_or_default();
    let result = outbound.refunds.refund(
        job.tenant_id,
        &intent.gateway,
        &reference,
        refund.amount,
        &refund.id.to_string(),
    );
    let now = lease.now();
    let (end, action, details) = match result {
        Ok(id) => (
            JobEnd::Done,
            Some("payment.gateway_refunded"),
            json!({ "gateway": intent.gateway, "refund_id": id, "amount": refund.amount.to_string(),
                    "payment_intent_id": intent.id.to_string(), "payment_id": refund.id.to_string() }),
        ),
        Err(e) => {
            let end = lease.after_failure(&e);
            let gave_up = matches!(end, JobEnd::Failed(_));
            (
                end,
                gave_up.then_some("payment.gateway_refund_failed"),
                json!({ "gateway": intent.gateway, "error": e.message, "amount": refund.amount.to_string(),
                        "payment_intent_id": intent.id.to_string(), "payment_id": refund.id.to_string() }),
            )
        }
    };
    store.write(|tx| {
        if tx.end_job(job.id, worker, &end, now)?
            && let Some(action) = action
        {
            tx.append_audit(&AuditEntry {
                tenant_id: job.tenant_id,
                actor: None,
                action,
                target_type: "order",
                target_id: Some(order.to_string()),
                details: details.clone(),
                ip: None,
                created_at: now,
            })?;
        }
        Ok(())
    })?;
    Ok(end)
}
