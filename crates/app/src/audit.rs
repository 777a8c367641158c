//! The audit log of sensitive staff actions (sign-ins, role changes, stock adjustments, refunds,
//! coupon changes), written in the same transaction as the action.

use chrono::{DateTime, Utc};
use kedai_core::{StorageError, TenantId};

use crate::{Actor, AppError, UnitOfWork};

/// One audit entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Owner.
    pub tenant_id: TenantId,
    /// The staff member who acted (`None` for the system or a failed sign-in).
    pub actor: Option<String>,
    /// What happened: `auth.login`, `staff.role_changed`, `stock.adjusted`, `payment.refunded`,
    /// `coupon.created`, ...
    pub action: &'static str,
    /// The kind of thing acted on: `staff`, `product`, `order`, `coupon`, ...
    pub target_type: &'static str,
    /// Its id.
    pub target_id: Option<String>,
    /// What changed (before/after, amounts, reasons). Never secrets.
    pub details: serde_json::Value,
    /// The caller's address, when known.
    pub ip: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The audit log.
pub trait AuditRepository {
    /// Appends an entry.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn append_audit(&mut self, entry: &AuditEntry) -> Result<(), StorageError>;
}

/// Records that `actor` did `action` to `target_type` `target_id`.
///
/// # Errors
/// [`AppError::Storage`] on backend failure.
pub fn record(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &'static str,
    target_type: &'static str,
    target_id: Option<String>,
    details: serde_json::Value,
) -> Result<(), AppError> {
    tx.append_audit(&AuditEntry {
        tenant_id: actor.tenant,
        actor: actor.id_string(),
        action,
        target_type,
        target_id,
        details,
        ip: None,
        created_at: now,
    })?;
    Ok(())
}
