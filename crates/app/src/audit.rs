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
    tx: &mut dyn AuditRepository,
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

/// A stored audit entry, as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    /// Id.
    pub id: String,
    /// The staff member who acted, if any.
    pub actor: Option<String>,
    /// What happened.
    pub action: String,
    /// The kind of thing acted on.
    pub target_type: String,
    /// Its id.
    pub target_id: Option<String>,
    /// What changed.
    pub details: serde_json::Value,
    /// The caller's address, when known.
    pub ip: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Which audit entries to list, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only these actions (`auth.login`); all when empty.
    pub actions: Vec<String>,
    /// Only this actor (staff id).
    pub actor: Option<String>,
    /// From this time on (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Before this time (exclusive).
    pub to: Option<DateTime<Utc>>,
    /// The page.
    pub page: kedai_core::Page,
}

/// Reading the audit log.
pub trait AuditLogReader {
    /// One page of a tenant's entries matching `query`, newest first, and how many match.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_audit(
        &mut self,
        tenant: TenantId,
        query: &AuditQuery,
    ) -> Result<(Vec<AuditRecord>, u64), StorageError>;
}

/// Lists the caller's tenant's audit log (owner and admin only).
///
/// # Errors
/// [`AppError::Forbidden`] without `audit:read`; [`AppError::Validation`] on `date_to` when the
/// range is reversed; [`AppError::Storage`].
pub fn list(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    query: &AuditQuery,
) -> Result<(Vec<AuditRecord>, u64), AppError> {
    actor.require(kedai_identity::Permission::AuditRead)?;
    if let (Some(from), Some(to)) = (query.from, query.to)
        && to < from
    {
        return Err(AppError::invalid("date_to", "must not be before date_from"));
    }
    Ok(tx.list_audit(actor.tenant, query)?)
}
