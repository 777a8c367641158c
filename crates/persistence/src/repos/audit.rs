//! The audit log.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use kedai_app::audit::{AuditEntry, AuditLogReader, AuditQuery, AuditRecord, AuditRepository};
use kedai_core::{StorageError, TenantId, new_uuid_v7};

use super::Tx;
use crate::convert::{storage_error, ts, utc};
use crate::schema::audit_log;

#[derive(Insertable)]
#[diesel(table_name = audit_log)]
struct NewAuditRow<'a> {
    id: String,
    tenant_id: String,
    actor: Option<&'a str>,
    action: &'a str,
    target_type: &'a str,
    target_id: Option<&'a str>,
    details: String,
    ip: Option<&'a str>,
    created_at: NaiveDateTime,
}

impl AuditRepository for Tx<'_> {
    fn append_audit(&mut self, e: &AuditEntry) -> Result<(), StorageError> {
        diesel::insert_into(audit_log::table)
            .values(NewAuditRow {
                id: new_uuid_v7().to_string(),
                tenant_id: e.tenant_id.to_string(),
                actor: e.actor.as_deref(),
                action: e.action,
                target_type: e.target_type,
                target_id: e.target_id.as_deref(),
                details: e.details.to_string(),
                ip: e.ip.as_deref(),
                created_at: ts(e.created_at),
            })
            .execute(self.conn)
            .map(drop)
            .map_err(storage_error)
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_log)]
struct AuditRow {
    id: String,
    actor: Option<String>,
    action: String,
    target_type: String,
    target_id: Option<String>,
    details: String,
    ip: Option<String>,
    created_at: NaiveDateTime,
}

impl From<AuditRow> for AuditRecord {
    fn from(r: AuditRow) -> Self {
        Self {
            id: r.id,
            actor: r.actor,
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            // Written by this program as JSON; anything else is kept as text.
            details: serde_json::from_str(&r.details)
                .unwrap_or(serde_json::Value::String(r.details)),
            ip: r.ip,
            created_at: utc(r.created_at),
        }
    }
}

impl AuditLogReader for Tx<'_> {
    fn list_audit(
        &mut self,
        tenant: TenantId,
        q: &AuditQuery,
    ) -> Result<(Vec<AuditRecord>, u64), StorageError> {
        let filtered = || {
            let mut query = audit_log::table
                .filter(audit_log::tenant_id.eq(tenant.to_string()))
                .into_boxed();
            if !q.actions.is_empty() {
                query = query.filter(audit_log::action.eq_any(q.actions.clone()));
            }
            if let Some(actor) = &q.actor {
                query = query.filter(audit_log::actor.eq(actor.clone()));
            }
            if let Some(from) = q.from {
                query = query.filter(audit_log::created_at.ge(ts(from)));
            }
            if let Some(to) = q.to {
                query = query.filter(audit_log::created_at.lt(ts(to)));
            }
            query
        };
        let total: i64 = filtered()
            .count()
            .get_result(self.conn)
            .map_err(storage_error)?;
        let rows = filtered()
            .order((audit_log::created_at.desc(), audit_log::id.desc()))
            .limit(i64::from(q.page.limit()))
            .offset(q.page.offset())
            .select(AuditRow::as_select())
            .load::<AuditRow>(self.conn)
            .map_err(storage_error)?;
        Ok((
            rows.into_iter().map(AuditRecord::from).collect(),
            u64::try_from(total).unwrap_or(0),
        ))
    }
}
