//! Writing off expired points, oldest first, run by the outbox worker. Each customer is one
//! transaction guarded by the next expiry it read, so two workers never write off the same
//! points twice.

use chrono::{DateTime, Utc};
use kedai_core::TenantId;
use kedai_identity::CustomerId;
use kedai_loyalty::{PointsEntryId, PointsKind, PointsPosting};

use super::post;
use crate::{AppError, Store, UnitOfWork};

/// Writes off the points due to expire at `now` for up to `batch` customers. Returns how many
/// customers lost points. A customer whose write-off fails is logged and left for the next
/// sweep.
///
/// # Errors
/// [`AppError::Storage`] when the customers due cannot be read.
pub fn expire_due_points(
    store: &dyn Store,
    batch: i64,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let due = store.read(|tx| Ok(tx.points_expiry_due(now, batch)?))?;
    let mut expired = 0;
    for (tenant, customer) in due {
        match store.write(|tx| expire_customer(tx, tenant, customer, now)) {
            Ok(true) => expired += 1,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(tenant.id = %tenant, customer.id = %customer, error = %e, "points expiry failed");
            }
        }
    }
    Ok(expired)
}

/// Writes off one customer's points due at `now` and records when the next ones expire.
/// Returns whether any points were written off.
///
/// # Errors
/// [`AppError::Storage`]; a lost race (retried by the store) when another worker moved the
/// customer's next expiry first.
pub fn expire_customer(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    customer: CustomerId,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let (mut position, seen) = tx.expiry_position(tenant, customer)?;
    if seen.is_none_or(|s| s > now) {
        return Ok(false);
    }
    let due = position.due(now);
    if due > 0 {
        post(
            tx,
            &PointsPosting {
                id: PointsEntryId::new(),
                tenant_id: tenant,
                customer_id: customer,
                delta: -due,
                kind: PointsKind::Expire,
                reason: "Points expired".into(),
                reference: None,
                actor: None,
                expires_at: None,
                at: now,
            },
        )?;
        position.debited += due;
    }
    if !tx.move_next_expiry(tenant, customer, seen, position.next_expiry(now))? {
        return Err(AppError::lost_race("points expiry"));
    }
    Ok(due > 0)
}
