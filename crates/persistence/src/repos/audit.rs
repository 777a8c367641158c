//! The audit log.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use kedai_app::audit::{AuditEntry, AuditRepository};
use kedai_core::{StorageError, new_uuid_v7};

use super::Tx;
use crate::convert::{storage_error, ts};
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
