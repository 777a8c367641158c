//! Staff sessions.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kedai_core::{StorageError, TenantId};
use kedai_identity::{NewSession, SessionHolder, SessionId, SessionRepository, StaffId, Tenant};

use super::Tx;
use super::identity::TenantRow;
use crate::convert::{parse, storage_error, ts};
use crate::schema::{staff, staff_sessions, staff_spent_refresh_tokens, tenants};

#[derive(Insertable)]
#[diesel(table_name = staff_sessions)]
struct NewSessionRow<'a> {
    id: String,
    tenant_id: String,
    staff_id: String,
    refresh_hash: &'a str,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
}

type HolderRow = (String, String, String, String, bool);

fn holder((id, tenant, staff, role, active): HolderRow) -> Result<SessionHolder, StorageError> {
    Ok(SessionHolder {
        session: parse("session id", &id)?,
        tenant_id: parse("tenant id", &tenant)?,
        staff_id: parse("staff id", &staff)?,
        role: parse("role", &role)?,
        active,
    })
}

impl SessionRepository for Tx<'_> {
    fn insert_session(&mut self, s: &NewSession) -> Result<(), StorageError> {
        diesel::insert_into(staff_sessions::table)
            .values(NewSessionRow {
                id: s.id.to_string(),
                tenant_id: s.tenant_id.to_string(),
                staff_id: s.staff_id.to_string(),
                refresh_hash: &s.refresh_hash,
                created_at: ts(s.created_at),
                expires_at: ts(s.expires_at),
            })
            .execute(self.conn)
            .map(drop)
            .map_err(storage_error)
    }

    fn session_by_refresh(
        &mut self,
        refresh_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionHolder>, StorageError> {
        // The refresh hash is globally unique (a bearer secret names its own session and so
        // its tenant); the join keeps the staff row in the same tenant.
        staff_sessions::table
            .inner_join(
                staff::table.on(staff::id
                    .eq(staff_sessions::staff_id)
                    .and(staff::tenant_id.eq(staff_sessions::tenant_id))),
            )
            .filter(staff_sessions::refresh_hash.eq(refresh_hash))
            .filter(staff_sessions::revoked_at.is_null())
            .filter(staff_sessions::expires_at.gt(ts(now)))
            .select((
                staff_sessions::id,
                staff_sessions::tenant_id,
                staff_sessions::staff_id,
                staff::role,
                staff::active,
            ))
            .first::<HolderRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(holder)
            .transpose()
    }

    fn rotate_session(
        &mut self,
        tenant: TenantId,
        id: SessionId,
        old_hash: &str,
        new_hash: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        let n = diesel::update(staff_sessions::table)
            .filter(staff_sessions::tenant_id.eq(tenant.to_string()))
            .filter(staff_sessions::id.eq(id.to_string()))
            .filter(staff_sessions::refresh_hash.eq(old_hash))
            .filter(staff_sessions::revoked_at.is_null())
            .set((
                staff_sessions::refresh_hash.eq(new_hash),
                staff_sessions::refreshed_at.eq(Some(ts(now))),
                staff_sessions::expires_at.eq(ts(expires_at)),
            ))
            .execute(self.conn)
            .map_err(storage_error)?;
        if n != 1 {
            return Ok(false);
        }
        diesel::insert_into(staff_spent_refresh_tokens::table)
            .values((
                staff_spent_refresh_tokens::refresh_hash.eq(old_hash),
                staff_spent_refresh_tokens::tenant_id.eq(tenant.to_string()),
                staff_spent_refresh_tokens::session_id.eq(id.to_string()),
                staff_spent_refresh_tokens::spent_at.eq(ts(now)),
            ))
            .execute(self.conn)
            .map_err(storage_error)?;
        Ok(true)
    }

    fn session_by_spent_refresh(
        &mut self,
        refresh_hash: &str,
    ) -> Result<Option<(TenantId, SessionId, StaffId)>, StorageError> {
        staff_spent_refresh_tokens::table
            .inner_join(
                staff_sessions::table.on(staff_sessions::id
                    .eq(staff_spent_refresh_tokens::session_id)
                    .and(staff_sessions::tenant_id.eq(staff_spent_refresh_tokens::tenant_id))),
            )
            .filter(staff_spent_refresh_tokens::refresh_hash.eq(refresh_hash))
            .select((
                staff_sessions::tenant_id,
                staff_sessions::id,
                staff_sessions::staff_id,
            ))
            .first::<(String, String, String)>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(|(t, id, staff)| {
                Ok((
                    parse("tenant id", &t)?,
                    parse("session id", &id)?,
                    parse("staff id", &staff)?,
                ))
            })
            .transpose()
    }

    fn revoke_session(
        &mut self,
        tenant: TenantId,
        staff: StaffId,
        id: SessionId,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        let n = diesel::update(staff_sessions::table)
            .filter(staff_sessions::tenant_id.eq(tenant.to_string()))
            .filter(staff_sessions::id.eq(id.to_string()))
            .filter(staff_sessions::staff_id.eq(staff.to_string()))
            .filter(staff_sessions::revoked_at.is_null())
            .set(staff_sessions::revoked_at.eq(Some(ts(now))))
            .execute(self.conn)
            .map_err(storage_error)?;
        Ok(n == 1)
    }

    fn live_session(
        &mut self,
        tenant: TenantId,
        staff_id: StaffId,
        id: SessionId,
        now: DateTime<Utc>,
    ) -> Result<Option<(SessionHolder, Tenant)>, StorageError> {
        // By primary key, joined to the staff row and the merchant by theirs: one indexed read
        // that also hands the request its tenant.
        staff_sessions::table
            .inner_join(
                staff::table.on(staff::id
                    .eq(staff_sessions::staff_id)
                    .and(staff::tenant_id.eq(staff_sessions::tenant_id))),
            )
            .inner_join(tenants::table.on(tenants::id.eq(staff_sessions::tenant_id)))
            .filter(staff_sessions::id.eq(id.to_string()))
            .filter(staff_sessions::tenant_id.eq(tenant.to_string()))
            .filter(staff_sessions::staff_id.eq(staff_id.to_string()))
            .filter(staff_sessions::revoked_at.is_null())
            .filter(staff_sessions::expires_at.gt(ts(now)))
            .select((
                (
                    staff_sessions::id,
                    staff_sessions::tenant_id,
                    staff_sessions::staff_id,
                    staff::role,
                    staff::active,
                ),
                TenantRow::as_select(),
            ))
            .first::<(HolderRow, TenantRow)>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(|(h, t)| Ok((holder(h)?, Tenant::try_from(t)?)))
            .transpose()
    }
}
